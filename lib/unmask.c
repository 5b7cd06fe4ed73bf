/*
 * unmask.c - putting originals back: tokens found by the token grammar,
 * looked up in the per-process cache, then in one store batch a window.
 */
#include "mask.h"
#include "gen/scandata.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/*
 * Unmasking: the token grammar (token.c) is one pattern built from every
 * prefix the catalogue can emit, tolerant of the forms an LLM writes
 * unless the configuration says unmask_exact.  Without custom kinds it
 * comes compiled from the build (lib/gen/scandata.c), else it is
 * compiled here; either way it is JIT-compiled only once it has been
 * run JIT_AFTER times.
 *
 * Every token, in every form, ends in a separator and a run of 3 to 20
 * digits.  Rather than let PCRE2 try the grammar at every word that
 * starts with a prefix's letter (most words, once case does not count),
 * the window is scanned for digits right after a separator (SSE2,
 * sixteen bytes at a time) and the pattern is run only over the few
 * bytes before each such run that a token can span.
 */
#define JIT_AFTER 256

struct token_re {
	pcre2_code *re;
	pcre2_match_data *md;
	int jit;		/* 1 compiled, -1 failed */
	unsigned runs;
	int tolerant;
	size_t back;		/* bytes a token spans before its digits */
	struct am_buf keys;	/* this window's canonical tokens */
};

/* am->token_re_free: context.c frees the grammar through it. */
static void
token_re_free(void *p)
{
	struct token_re *t = p;

	pcre2_match_data_free(t->md);
	pcre2_code_free(t->re);
	am_buf_free(&t->keys);
	am_free(t);
}

/* The build's token grammar, tolerant or exact; NULL when it cannot be. */
static pcre2_code *
decode_grammar(int tolerant)
{
	pcre2_code *codes[2] = { NULL, NULL };

	if (!am_scan_data_ok() ||
	    pcre2_serialize_decode(codes, 2, am_scan_data.tokens_code, NULL) != 2)
		return NULL;
	pcre2_code_free(codes[tolerant ? 1 : 0]);
	return codes[tolerant ? 0 : 1];
}

int
am_token_re_ensure(struct awsmask *am)
{
	struct token_re *t;
	PCRE2_SIZE erroff;
	char *pat;
	int errcode;

	if (am->token_re)
		return AWSMASK_OK;
	t = am_calloc(1, sizeof(*t));
	if (!t)
		return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
	t->tolerant = !am->cfg->unmask_exact;
	t->back = am_token_max_prefix(am->cfg->custom, am->cfg->ncustom);
	if (!am->cfg->ncustom)
		t->re = decode_grammar(t->tolerant);
	if (!t->re) {
		pat = am_token_pattern(am->cfg->custom, am->cfg->ncustom,
		    t->tolerant);
		if (!pat) {
			am_free(t);
			return am_seterr(&am->err, AWSMASK_ENOMEM,
			    "out of memory");
		}
		t->re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, 0,
		    &errcode, &erroff, NULL);
		am_free(pat);
	}
	if (!t->re) {
		am_free(t);
		return am_seterr(&am->err, AWSMASK_ECONFIG,
		    "cannot compile the token grammar");
	}
	t->md = pcre2_match_data_create_from_pattern(t->re, NULL);
	am->token_re = t;
	am->token_re_free = token_re_free;
	if (!t->md)
		return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
	return AWSMASK_OK;
}

/* The last byte of a separator: '_' (also of "\_"), '-', U+2010, U+2011. */
static const unsigned char sep_end[256] = {
	['_'] = 1, ['-'] = 2, [0x90] = 2, [0x91] = 2,
};

/*
 * Bytes by what they can be: 1, a word byte, which may not follow a
 * token's digits; 2, a byte of a token as awsmask writes it; 4, a byte
 * of a token in the tolerant grammar.
 */
static const unsigned char tokbyte[256] = {
	['0'] = 7, ['1'] = 7, ['2'] = 7, ['3'] = 7, ['4'] = 7, ['5'] = 7,
	['6'] = 7, ['7'] = 7, ['8'] = 7, ['9'] = 7, ['A'] = 7, ['B'] = 7,
	['C'] = 7, ['D'] = 7, ['E'] = 7, ['F'] = 7, ['G'] = 7, ['H'] = 7,
	['I'] = 7, ['J'] = 7, ['K'] = 7, ['L'] = 7, ['M'] = 7, ['N'] = 7,
	['O'] = 7, ['P'] = 7, ['Q'] = 7, ['R'] = 7, ['S'] = 7, ['T'] = 7,
	['U'] = 7, ['V'] = 7, ['W'] = 7, ['X'] = 7, ['Y'] = 7, ['Z'] = 7,
	['_'] = 7, ['a'] = 5, ['b'] = 5, ['c'] = 5, ['d'] = 5, ['e'] = 5,
	['f'] = 5, ['g'] = 5, ['h'] = 5, ['i'] = 5, ['j'] = 5, ['k'] = 5,
	['l'] = 5, ['m'] = 5, ['n'] = 5, ['o'] = 5, ['p'] = 5, ['q'] = 5,
	['r'] = 5, ['s'] = 5, ['t'] = 5, ['u'] = 5, ['v'] = 5, ['w'] = 5,
	['x'] = 5, ['y'] = 5, ['z'] = 5, ['\\'] = 4, ['-'] = 4, [0x80] = 4,
	[0x90] = 4, [0x91] = 4, [0xe2] = 4,
};

#define isdig(c) ((unsigned)((unsigned char)(c) - (unsigned char)'0') < 10u)

/*
 * The next digit at or after d that follows a separator's last byte (of
 * the grammar: want is sep_end's mask), or len.  A byte at a time when
 * `plain` (the reference for the differential test).
 */
static size_t
next_sep_digit(const char *b, size_t len, size_t d, unsigned want,
    int plain)
{
#ifdef __SSE2__
	if (plain)
		goto bytes;
	if (d == 0)
		d = 1;		/* a token's digits follow its separator */
	for (; d + 16 <= len; d += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(b + d));
		__m128i w = _mm_loadu_si128((const __m128i *)(b + d - 1));
		__m128i dig = _mm_cmplt_epi8(_mm_add_epi8(v,
		    _mm_set1_epi8((char)(-128 - '0'))),
		    _mm_set1_epi8((char)(9 - 127)));
		__m128i sep = _mm_cmpeq_epi8(w, _mm_set1_epi8('_'));
		unsigned m;

		if (want & 2)
			sep = _mm_or_si128(_mm_or_si128(sep,
			    _mm_cmpeq_epi8(w, _mm_set1_epi8('-'))),
			    _mm_or_si128(_mm_cmpeq_epi8(w,
			    _mm_set1_epi8((char)0x90)), _mm_cmpeq_epi8(w,
			    _mm_set1_epi8((char)0x91))));
		m = (unsigned)_mm_movemask_epi8(_mm_and_si128(dig, sep));
		if (m)
			return d + (size_t)__builtin_ctz(m);
	}
bytes:
#endif
	for (; d < len; d++)
		if (isdig(b[d]) && d > 0 && (sep_end[(unsigned char)b[d - 1]] &
		    want))
			return d;
	return len;
}

/*
 * Add a part for every token that starts in [pos, limit), matching from
 * `from` (look-behind context before pos); *end is where the last one
 * ends, or pos.  The result is the pattern's own leftmost matches: each
 * one holds a digit run after a separator, and starts at most t->back
 * bytes before that run, after the last byte before it that no token
 * holds.
 */
static int
find_tokens(struct awsmask *am, struct am_stream *s, size_t from,
    size_t limit, size_t *end)
{
	struct token_re *t = am->token_re;
	const char *b = s->buf;
	size_t len = s->len, pos = s->hist, d = from, e;
	unsigned want = t->tolerant ? 3 : 1;
	int r;

	*end = pos;
	while (d < len) {
		PCRE2_SIZE *ov;
		size_t at, lo;
		struct am_part p;

		/*
		 * The next run of 3 to 20 digits after a separator.  A run
		 * of digits that follows no separator could not be one, so
		 * only those that do are looked at; one that starts at the
		 * search's start is the rest of a run already looked at.
		 */
		if ((d = next_sep_digit(b, len, d, want, am->reference)) >= len)
			break;
		for (e = d + 1; e < len && isdig(b[e]); e++)
			;
		if (e - d < 3 || e - d > 20 || d == 0 || d - 1 < from ||
		    !(sep_end[(unsigned char)b[d - 1]] & want) ||
		    (e < len && (tokbyte[(unsigned char)b[e]] & 1) &&
		    b[e] != '_')) {
			d = e;
			continue;
		}
		/* A token lies in the run of token bytes up to its digits. */
		lo = d - 1 > from + t->back ? d - 1 - t->back : from;
		for (at = d - 1; at > lo && (tokbyte[(unsigned char)b[at - 1]] & 4);
		    at--)
			;
		if (at >= limit)	/* and so will every later one */
			break;
		if (!t->jit && ++t->runs >= JIT_AFTER)
			t->jit = pcre2_jit_compile(t->re, PCRE2_JIT_COMPLETE) ==
			    0 ? 1 : -1;
		r = t->jit > 0 ? pcre2_jit_match(t->re, (PCRE2_SPTR)b,
		    e < len ? e + 1 : len, at, 0, t->md, NULL) :
		    pcre2_match(t->re, (PCRE2_SPTR)b, e < len ? e + 1 : len, at,
		    0, t->md, NULL);
		if (r == PCRE2_ERROR_NOMATCH) {
			d = e;
			continue;
		}
		if (r < 0)
			return am_seterr(&am->err, AWSMASK_EDATA,
			    "matching failed");
		ov = pcre2_get_ovector_pointer(t->md);
		if (ov[0] >= limit)
			break;
		d = from = ov[1];
		if (ov[0] < pos)
			continue;
		if (t->tolerant && !am_token_tolerated(b, len, ov[0], ov[1]))
			continue;
		p.start = ov[0];
		p.end = ov[1];
		p.prefix = p.kind = "";
		if ((r = am_add_part(am, &p)))
			return r;
		*end = ov[1];
	}
	return AWSMASK_OK;
}

/*
 * The key to look up for part i: the token itself, or in the tolerant
 * grammar its canonical form, written to t->keys (grown beforehand to
 * hold every part's, so that no pointer into it moves).
 */
static const char *
token_key(struct token_re *t, const char *tk, size_t n, size_t *klen)
{
	size_t i;
	char *k;
	int hyphen;

	*klen = n;
	if (!t->tolerant)
		return tk;
	/* Most tokens come back as written: upper case, '_', digits. */
	for (i = 0; i < n && (tokbyte[(unsigned char)tk[i]] & 2); i++)
		;
	if (i == n)
		return tk;
	k = t->keys.buf + t->keys.len;
	*klen = am_token_canon(tk, n, k, &hyphen);
	t->keys.len += *klen;
	return k;
}

int
am_unmask_window(struct awsmask *am, struct am_stream *s, size_t limit,
    size_t *done, awsmask_unknown_fn *fn, void *fnarg)
{
	struct token_re *t = am->token_re;
	unsigned long long line = s->line;
	size_t at = s->hist, end, i, total = 0;
	int rc = AWSMASK_OK;

	am_caches_age(am);
	if (am_map_count(am->rcache) > CACHE_MAX)
		am_map_clear(am->rcache);
	am->nparts = 0;
	if ((rc = find_tokens(am, s, am_scan_from(s), limit, &end)))
		return rc;
	*done = end > limit ? end : limit;

	am_buf_reset(&t->keys);
	for (i = 0; i < am->nparts; i++)
		total += am->parts[i].end - am->parts[i].start;
	if (t->tolerant && am_buf_grow(&t->keys, total) < 0)
		return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
	for (i = 0; i < am->nparts; i++) {
		struct am_mpart *pt = &am->parts[i];
		size_t n;
		const char *tk = token_key(t, s->buf + pt->start,
		    pt->end - pt->start, &n);

		pt->tok = am_map_get(am->rcache, tk, n, &pt->toklen);
		if (!pt->tok && (rc = am_add_item(am, tk, n, NULL, NULL, &pt->item)))
			return rc;
	}
	if (am->nitems) {
		if ((rc = am_store_ensure(am)))
			return am_store_failed(am, rc);
		am->counts.store_batches++;
		am_proc_sync(am);
		rc = am_store_unmask_many(am->store, am->items, am->nitems);
		am_store_take_warning(am);
		if (rc)
			return am_store_failed(am, rc);
		for (i = 0; i < am->nitems; i++)
			if (am->items[i].value && am_map_put(am->rcache,
			    am->items[i].key, am->items[i].key_len,
			    am->items[i].value, am->items[i].value_len) < 0)
				return am_seterr(&am->err, AWSMASK_ENOMEM,
				    "out of memory");
	}
	/* Unknown tokens stay as they are: drop them from the parts. */
	{
		size_t k = 0;

		for (i = 0; i < am->nparts; i++) {
			struct am_mpart *pt = &am->parts[i];

			if (!pt->tok) {
				pt->tok = am->items[pt->item].value;
				pt->toklen = am->items[pt->item].value_len;
			}
			if (!pt->tok) {
				char tok[128];
				size_t n = pt->end - pt->start;
				int why = pt->item < am->nitems &&
				    am->items[pt->item].corrupt ?
				    AWSMASK_TOKEN_CORRUPT : AWSMASK_TOKEN_UNKNOWN;

				am->counts.tokens_unknown++;
				if (why == AWSMASK_TOKEN_CORRUPT)
					am->counts.tokens_corrupt++;
				if (s->line_at) {
					line = s->line_at(s->line_ctx, pt->start);
				} else {
					line += am_count_lines(s->buf + at,
					    pt->start - at);
					at = pt->start;
				}
				if (fn && n < sizeof(tok)) {
					memcpy(tok, s->buf + pt->start, n);
					tok[n] = '\0';
					fn(fnarg, tok, line, why);
				}
				continue;
			}
			am->counts.tokens_restored++;
			am->parts[k++] = *pt;
		}
		am->nparts = k;
	}
	return AWSMASK_OK;
}

int
am_process_unmask(struct awsmask *am, struct am_stream *s, size_t limit,
    size_t *done, void *arg)
{
	const struct am_callbacks *cb = arg;
	int rc;

	rc = am_unmask_window(am, s, limit, done, cb ? cb->unknown : NULL,
	    cb ? cb->arg : NULL);
	if (rc == AWSMASK_OK)
		rc = am_emit(am, s->buf, s->hist, *done);
	am_release_items(am);
	return rc;
}

int
am_token_at(struct awsmask *am, const char *s, size_t len, size_t start,
    size_t *end)
{
	struct token_re *t;
	PCRE2_SIZE *ov;
	int r;

	if (am_token_re_ensure(am))
		return -1;
	t = am->token_re;
	/*
	 * Hard partial matching: PCRE2_ERROR_PARTIAL whenever the end of
	 * the text was reached on the way to a match, so that a complete
	 * match (EC2_001) that more digits would extend (EC2_0012) is a
	 * partial one too.  No match means none whatever follows.  The
	 * JIT code is compiled for complete matches only, so this runs
	 * interpreted: it looks at a few bytes.
	 */
	r = pcre2_match(t->re, (PCRE2_SPTR)s, len, start,
	    PCRE2_ANCHORED | PCRE2_PARTIAL_HARD, t->md, NULL);
	if (r == PCRE2_ERROR_PARTIAL)
		return 2;
	if (r < 0)
		return 0;
	ov = pcre2_get_ovector_pointer(t->md);
	*end = ov[1];
	/* The tolerant forms look one byte past a '-' or '.' after them. */
	if (t->tolerant && *end < len && (s[*end] == '-' || s[*end] == '.') &&
	    *end + 1 >= len)
		return 2;
	if (t->tolerant && !am_token_tolerated(s, len, start, *end))
		return 0;
	return 1;
}
