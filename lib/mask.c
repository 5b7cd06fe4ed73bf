/*
 * mask.c - masking and scanning one window of text (stream.c drives
 * them; what the window processors share is window.c).
 *
 * Fail-secure: a window is written only after every identifier in it has
 * its token.  When the store fails nothing more is written.
 */
#include "mask.h"

#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#ifdef AM_SSSE3_LOOPS
#include <tmmintrin.h>
#endif

/* A byte of a token, and ASCII punctuation (what may join tokens). */
static int
tokchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	    (c >= 'a' && c <= 'z') || c == '_';
}

static int
punct(unsigned char c)
{
	return c > 0x20 && c < 0x7f && !tokchar(c);
}

/*
 * Is [s, s+n) made of tokens written exactly, joined by ASCII
 * punctuation only (EC2_001, KMS_ALIAS_001/KMS_ALIAS_002)?  -1 if not.
 * Otherwise, by what is asked: RUNS_SHAPE, 1; RUNS_QUEUE, queue each
 * token the reverse cache lacks for the store (0, or an error code above
 * 0: ENOMEM); RUNS_ISSUED, 1 when the reverse cache holds every one
 * (the store issued them all), else 0.
 */
enum { RUNS_SHAPE, RUNS_QUEUE, RUNS_ISSUED };

static int
token_runs(struct awsmask *am, const char *s, size_t n, int what)
{
	size_t i = 0, j, item;
	int all = 1, any = 0, rc;

	while (i < n) {
		if (!tokchar((unsigned char)s[i])) {
			if (!punct((unsigned char)s[i]))
				return -1;
			i++;
			continue;
		}
		for (j = i; j < n && tokchar((unsigned char)s[j]); j++)
			;
		if (!am_token_valid(am->prefixes, s + i, j - i))
			return -1;
		any = 1;
		if (what != RUNS_SHAPE &&
		    !am_map_get(am->rcache, s + i, j - i, NULL)) {
			all = 0;
			if (what == RUNS_QUEUE && (rc = am_add_item(am, s + i,
			    j - i, NULL, NULL, &item)))
				return rc;
		}
		i = j;
	}
	if (!any)
		return -1;
	return what == RUNS_QUEUE ? 0 : all;
}

/*
 * Learnt names.  A part is learnt when the scanner knew it only from its
 * context: the resource of an ARN, the value of a naming key, a name in
 * prose ("the secret named x"), the bucket of an S3 URI or URL, the
 * queue of an SQS URL, the repository of an ECR URI, and the IDs and
 * keys that only a key or flag makes out (a KMS key's UUID after
 * --key-id, a zone or distribution ID under Id, a secret access key,
 * an opaque ID under an ID key: resource-id, no shape finds it bare).
 * IDs and addresses of a shape of their own need no learning (the
 * scanner finds them bare), nor do account numbers (a bare twelve-digit
 * number is not one).
 */
#define LEARN_MAX 65536			/* names before learning stops */

static const char *const name_kinds[] = {
	"arn", "resource-name", "prose-name", "s3-uri", "s3-virtual-host",
	"s3-path-url", "sqs-url", "ecr-registry", "kms-key-id",
	"route53-zone", "cloudfront-distribution", "keyed-id",
	"keyed-iam-id", "keyed-access-key", "secret-access-key",
	"s3-canonical-user", "s3-access-log", "resource-id",
};

static int
in_strs(const char *const *list, size_t n, const char *s)
{
	size_t i;

	for (i = 0; s && i < n; i++)
		if (list[i][0] == s[0] && !strcmp(list[i], s))
			return 1;
	return 0;
}

static int
is_name_part(const struct awsmask *am, const char *p, size_t n,
    const struct am_mpart *part)
{
	size_t i;
	int alpha = 0;

	if (n < 3 || n > 256 || !strcmp(part->prefix, "ACCOUNT") ||
	    !in_strs(name_kinds, AM_ARRAY_SIZE(name_kinds), part->kind))
		return 0;
	for (i = 0; i < n; i++) {
		if (p[i] == '\n' || p[i] == '\r')
			return 0;
		alpha |= (p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= 'a' && p[i] <= 'z');
	}
	/* Nor one made of tokens (masked text, met again), nor one never
	 * learnt (placeholders, AWS's own names: names.c). */
	return alpha && token_runs((struct awsmask *)am, p, n, RUNS_SHAPE) < 0 &&
	    am_name_learnable(p, n);
}

/* Bytes a bare name is made of (IAM allows \w+=,.@- ; a comma separates). */
static const unsigned char namechar[256] = {
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
	['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
	['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,
	['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
	['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
	['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
	['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
	['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
	['y'] = 1, ['z'] = 1,
	['_'] = 1, ['-'] = 1, ['.'] = 1, ['@'] = 1, ['+'] = 1, ['='] = 1,
};

static int
cmp_mpart(const void *a, const void *b)
{
	const struct am_mpart *x = a, *y = b;

	return x->start == y->start ? 0 : x->start < y->start ? -1 : 1;
}

/* Is [p, p+n) a learnt name?  Its part's prefix goes to *prefix. */
static int
learned_lookup(const struct awsmask *am, const char *p, size_t n,
    const char **prefix)
{
	const char *v;
	size_t vl;
	unsigned pair;

	if (!(am->learned_lens & (1ULL << (n < 63 ? n : 63))))
		return 0;
	pair = n < 2 ? 0 : (unsigned)(unsigned char)p[0] << 8 |
	    (unsigned char)p[1];
	if (n >= 2 && !am->reference &&
	    !((am->learned_pairs[pair / 64] >> (pair % 64)) & 1))
		return 0;
	v = am_map_get(am->learned, p, n, &vl);
	if (!v || vl != sizeof(*prefix))
		return 0;
	memcpy(prefix, v, sizeof(*prefix));
	return 1;
}

static int
pair_learned(const struct awsmask *am, const unsigned char *u)
{
	unsigned pair = (unsigned)u[0] << 8 | u[1];

	return (am->learned_pairs[pair / 64] >> (pair % 64)) & 1;
}

/* Does a run of name bytes start at p (from: where the search began)? */
static inline int
run_starts(const unsigned char *u, size_t from, size_t p)
{
	return namechar[u[p]] && (p == from || !namechar[u[p - 1]] ||
	    u[p - 1] == '=');
}

#ifdef AM_SSSE3_LOOPS
/*
 * The bytes of v in the set of nibble table lo (byte_set()), as 0xff:
 * the low nibble picks the table's byte, the high one the bit in it.
 */
__attribute__((target("ssse3"))) static inline __m128i
in_set(__m128i v, __m128i lo)
{
	const __m128i bit = _mm_setr_epi8(1, 2, 4, 8, 16, 32, 64, -128,
	    0, 0, 0, 0, 0, 0, 0, 0);
	const __m128i nib = _mm_set1_epi8(0x0f);
	__m128i l = _mm_shuffle_epi8(lo, _mm_and_si128(v, nib));
	__m128i h = _mm_shuffle_epi8(bit,
	    _mm_and_si128(_mm_srli_epi16(v, 4), nib));

	return _mm_cmpgt_epi8(_mm_cmpeq_epi8(_mm_and_si128(l, h),
	    _mm_setzero_si128()), _mm_set1_epi8(-1));
}

/*
 * As next_name_run(), sixteen bytes at a time with SSSE3: only where a
 * byte is one a learnt name begins with and the next one that its
 * second may be is a run's start looked at, and a pair looked up.
 */
__attribute__((target("ssse3"))) static size_t
next_name_run_ssse3(const struct awsmask *am, const unsigned char *u,
    size_t len, size_t from, size_t done)
{
	const __m128i f = _mm_loadu_si128((const __m128i *)am->learned_first);
	const __m128i g = _mm_loadu_si128((const __m128i *)am->learned_second);
	size_t p = from;

	for (; p + 16 <= done && p + 16 < len; p += 16) {
		__m128i a = _mm_loadu_si128((const __m128i *)(u + p));
		__m128i b = _mm_loadu_si128((const __m128i *)(u + p + 1));
		unsigned c = (unsigned)_mm_movemask_epi8(_mm_and_si128(
		    in_set(a, f), in_set(b, g)));

		while (c) {
			size_t q = p + (size_t)__builtin_ctz(c);

			if (run_starts(u, from, q) && pair_learned(am, u + q))
				return q;
			c &= c - 1;
		}
	}
	for (; p < done; p++)
		if (run_starts(u, from, p) && p + 1 < len &&
		    pair_learned(am, u + p))
			return p;
	return done;
}

#endif

/*
 * The start of the next run of name bytes in [from, done) whose first
 * two bytes begin a learnt name, or done; from is a run's start or no
 * name byte.  Sixteen bytes at a time with SSE2: most runs are words
 * that begin no learnt name, and none of them costs a look-up.
 */
static size_t
next_name_run(const struct awsmask *am, const unsigned char *u, size_t len,
    size_t from, size_t done)
{
	size_t p = from;

	if (am->reference) {
		for (; p < done; p++)
			if (run_starts(u, from, p))
				return p;
		return done;
	}
#ifdef AM_SSSE3_LOOPS
	if (!am->learned_wide && am_have_ssse3())
		return next_name_run_ssse3(am, u, len, from, done);
#endif
#ifdef __SSE2__
	unsigned carry = 0, eqcarry = 0;

	for (; p + 16 <= done && p + 16 < len; p += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(u + p));
		__m128i l = _mm_or_si128(v, _mm_set1_epi8(0x20));
		__m128i n = _mm_or_si128(_mm_and_si128(
		    _mm_cmpgt_epi8(l, _mm_set1_epi8('a' - 1)),
		    _mm_cmplt_epi8(l, _mm_set1_epi8('z' + 1))),
		    _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
		    _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1))));
		__m128i eq = _mm_cmpeq_epi8(v, _mm_set1_epi8('='));
		unsigned m, st, e;

		n = _mm_or_si128(n, _mm_cmpeq_epi8(v, _mm_set1_epi8('_')));
		n = _mm_or_si128(n, _mm_cmpeq_epi8(v, _mm_set1_epi8('.')));
		n = _mm_or_si128(n, _mm_cmpeq_epi8(v, _mm_set1_epi8('@')));
		n = _mm_or_si128(n, _mm_cmpeq_epi8(v, _mm_set1_epi8('+')));
		n = _mm_or_si128(n, eq);
		n = _mm_or_si128(n, _mm_cmpeq_epi8(v, _mm_set1_epi8('-')));
		m = (unsigned)_mm_movemask_epi8(n);
		e = (unsigned)_mm_movemask_epi8(eq);
		/* A run starts after a non-name byte or after '=' (the
		 * value of key=value). */
		st = m & (~((m << 1) | carry) | (e << 1) | eqcarry) & 0xffff;
		carry = m >> 15;
		eqcarry = e >> 15;
		while (st) {
			size_t q = p + (size_t)__builtin_ctz(st);

			if (pair_learned(am, u + q))
				return q;
			st &= st - 1;
		}
	}
#endif
	for (; p < done; p++)
		if (run_starts(u, from, p) && p + 1 < len &&
		    pair_learned(am, u + p))
			return p;
	return done;
}

/* Is [start, end) free of the parts [*gap, nold)?  Candidates come in
 * order, so *gap only moves on. */
static int
uncovered(const struct awsmask *am, size_t nold, size_t *gap, size_t start,
    size_t end)
{
	while (*gap < nold && am->parts[*gap].end <= start)
		(*gap)++;
	return !(*gap < nold && am->parts[*gap].start < end);
}

static int
add_learned(struct awsmask *am, size_t start, size_t end, const char *prefix)
{
	struct am_part np;

	np.start = start;
	np.end = end;
	np.prefix = prefix;
	np.kind = "learned-name";
	return am_add_part(am, &np);
}

/*
 * A learnt name with a '/' in it (an SSM parameter's path, a log group,
 * an ARN's resource path) stands bare as a whole path: a run of name
 * bytes and slashes, less the slashes that begin and end it (or less
 * those but one leading slash, for a name learnt with it), and less a
 * sentence's final dot.  Only the whole run: "/a/b" is not "/a/b/c".
 */
static int
learn_paths(struct awsmask *am, struct am_stream *s, size_t done)
{
	const char *buf = s->buf, *q;
	size_t p = s->hist, nold = am->nparts, gap = 0;
	int rc;

	while (p < done && (q = memchr(buf + p, '/', done - p))) {
		size_t a = (size_t)(q - buf), b = a, ns, ne, k;
		const char *prefix;
		int hit = 0;

		while (a > s->hist && (namechar[(unsigned char)buf[a - 1]] ||
		    buf[a - 1] == '/'))
			a--;
		while (b < s->len && (namechar[(unsigned char)buf[b]] ||
		    buf[b] == '/'))
			b++;
		p = b;
		for (ns = a; ns < b && buf[ns] == '/'; ns++)
			;
		for (ne = b; ne > ns && buf[ne - 1] == '/'; ne--)
			;
		/* No slash inside: a word, the other loop's business. */
		if (ne <= ns || !memchr(buf + ns, '/', ne - ns))
			continue;
		for (k = 0; k < 4 && !hit; k++) {
			size_t x = ns, y = ne;

			if (k & 1) {		/* with its leading slash */
				if (ns == a)
					continue;
				x--;
			}
			if (k & 2) {		/* less a sentence's dot */
				if (buf[ne - 1] != '.' || ne - 1 <= ns)
					continue;
				y--;
			}
			if (learned_lookup(am, buf + x, y - x, &prefix)) {
				hit = 1;
				if (uncovered(am, nold, &gap, x, y) &&
				    (rc = add_learned(am, x, y, prefix)))
					return rc;
			}
		}
	}
	if (am->nparts > nold)
		qsort(am->parts, am->nparts, sizeof(*am->parts), cmp_mpart);
	return AWSMASK_OK;
}

/* Add byte c to nibble table lo; a byte over 0x7f sets *wide. */
static void
byte_set(unsigned char *lo, unsigned c, int *wide)
{
	if (c > 0x7f)
		*wide = 1;
	else
		lo[c & 15] |= (unsigned char)(1u << (c >> 4));
}

/* Learn [t, t+n) with the prefix of the part it came from. */
static int
learn_one(struct awsmask *am, const char *t, size_t n, const char *prefix)
{
	unsigned pair;

	if (am_map_count(am->learned) >= LEARN_MAX ||
	    am_map_get(am->learned, t, n, NULL))
		return AWSMASK_OK;
	if (am_map_put(am->learned, t, n, (const char *)&prefix,
	    sizeof(prefix)) < 0)
		return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
	am->learned_lens |= 1ULL << (n < 63 ? n : 63);
	pair = (unsigned)(unsigned char)t[0] << 8 | (unsigned char)t[1];
	am->learned_pairs[pair / 64] |= 1ULL << (pair % 64);
	byte_set(am->learned_first, (unsigned char)t[0], &am->learned_wide);
	byte_set(am->learned_second, (unsigned char)t[1], &am->learned_wide);
	if (memchr(t, '/', n))
		am->learned_paths++;
	return AWSMASK_OK;
}

/*
 * Learn the names among this window's parts, then add a part for every
 * bare occurrence of a learnt name in the window that no part covers.
 */
static int
learn_names(struct awsmask *am, struct am_stream *s, size_t done)
{
	size_t i, nold = am->nparts, from = s->hist, gap;
	/* Whether a kind is a name's, by the address of its name: parts
	 * come in a few kinds, and the list costs a dozen compares. */
	struct {
		const char *kind;
		int name;
	} seen[16] = { { NULL, 0 } };
	int rc;

	for (i = 0; i < nold; i++) {
		struct am_mpart *p = &am->parts[i];
		const char *t = s->buf + p->start;
		size_t n = p->end - p->start;
		size_t k = ((uintptr_t)p->kind >> 3) % AM_ARRAY_SIZE(seen);
		const char *slash;

		if (seen[k].kind != p->kind) {
			seen[k].kind = p->kind;
			seen[k].name = in_strs(name_kinds,
			    AM_ARRAY_SIZE(name_kinds), p->kind);
		}
		/* Most parts are no names, or names met again: learnt
		 * already. */
		if (!seen[k].name ||
		    am_map_get(am->learned, t, n, NULL) ||
		    !is_name_part(am, t, n, p))
			continue;
		if ((rc = learn_one(am, t, n, p->prefix)))
			return rc;
		/* A path's last segment names the thing itself (an
		 * SSM parameter, a finding's ID after detector/x/finding/). */
		if ((slash = memrchr(t, '/', n)) && slash + 1 < t + n &&
		    is_name_part(am, slash + 1, (size_t)(t + n - slash - 1), p) &&
		    (rc = learn_one(am, slash + 1, (size_t)(t + n - slash - 1),
		    p->prefix)))
			return rc;
	}
	if (!am_map_count(am->learned))
		return AWSMASK_OK;
	if (am->learned_paths) {
		if ((rc = learn_paths(am, s, done)))
			return rc;
		nold = am->nparts;
	}
	/*
	 * Every run of name bytes in the window that is a learnt name, and
	 * that same run less a sentence's final dot, gets a part unless a
	 * part covers it already.
	 */
	gap = 0;
	while ((from = next_name_run(am, (const unsigned char *)s->buf, s->len,
	    from, done)) < done) {
		const char *prefix;
		struct am_part np;
		size_t end, n;

		for (end = from; end < s->len && namechar[(unsigned char)s->buf[end]];
		    end++)
			;
		n = end - from;
		if (!learned_lookup(am, s->buf + from, n, &prefix) &&
		    !(n > 1 && s->buf[end - 1] == '.' &&
		    learned_lookup(am, s->buf + from, --n, &prefix))) {
			/* key=value: the value may be one. */
			const char *eq = memchr(s->buf + from, '=', end - from);

			from = eq ? (size_t)(eq - s->buf) + 1 : end;
			continue;
		}
		while (gap < nold && am->parts[gap].end <= from)
			gap++;
		if (!(gap < nold && am->parts[gap].start < from + n)) {
			np.start = from;
			np.end = from + n;
			np.prefix = prefix;
			np.kind = "learned-name";
			if ((rc = am_add_part(am, &np)))
				return rc;
		}
		from = end;
	}
	if (am->nparts > nold)
		qsort(am->parts, am->nparts, sizeof(*am->parts), cmp_mpart);
	return AWSMASK_OK;
}

static int
alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	    (c >= 'a' && c <= 'z');
}

/*
 * A token written against a letter or digit would not read as a token
 * ("123456789012abc" under an account key gives ACCOUNT_001abc, which
 * awsunmask rightly leaves alone): the round trip would break.  Such a
 * part grows to the whole run of letters and digits it sits in, and
 * swallows the parts it meets there, so the output is a token standing
 * alone: more is hidden, never less.  (An '_' may touch a token; see
 * am_token_tolerated().)  A run that began before the window (already
 * written) is left as it is.
 */
static void
unglue(struct awsmask *am, const struct am_stream *s, size_t done)
{
	size_t i, k = 0;

	for (i = 0; i < am->nparts; i++) {
		struct am_mpart *p = &am->parts[i];

		/* A token starts with a letter and ends with a digit. */
		while (p->start > s->hist && alnum(s->buf[p->start - 1]))
			p->start--;
		while (p->end < done && p->end < s->len &&
		    alnum(s->buf[p->end]))
			p->end++;
		if (k && am->parts[k - 1].end > p->start) {
			/* It reached the one before: one part for both. */
			if (p->end > am->parts[k - 1].end)
				am->parts[k - 1].end = p->end;
			continue;
		}
		am->parts[k++] = *p;
	}
	am->nparts = k;
}

void
am_set_reference(struct awsmask *am, int on)
{
	am->reference = on;
	am_scanner_set_reference(am->sc, on);
}

/*
 * Collect the parts of every match starting in [hist, limit) into
 * am->parts; *done is where the window ends (limit, or the end of a
 * match that runs past it).
 */
static int
collect_parts(struct awsmask *am, struct am_stream *s, size_t limit,
    size_t *done)
{
	size_t from = am_scan_from(s), pos = s->hist;
	struct am_match m;
	int r, i, rc;

	am->nparts = 0;
	am_scanner_reset(am->sc);
	while ((r = am_scanner_next(am->sc, s->buf, s->len, from, limit, &m,
	    &am->err)) == 1) {
		if (m.start < pos) {
			/* Seen in the last window, or straddling its end. */
			from = m.end <= pos ? m.end : m.start + 1;
			continue;
		}
		if (m.end - m.start > AM_LONG_MAX) {
			/* Refused whole rather than masked in part. */
			am_seterr(&am->err, AWSMASK_EDATA, "a credential value "
			    "longer than %d bytes: refusing to write it",
			    AM_LONG_MAX);
			am->err.code = AWSMASK_OK;	/* this input's */
			return AWSMASK_EDATA;
		}
		if (s->grow && !s->eof && m.end >= s->len) {
			/*
			 * Only a credential value runs to the end of what
			 * was read: it may go on.  Nothing of this window is
			 * done; the driver reads more and comes back.
			 */
			s->need = 1;
			am->nparts = 0;
			*done = s->hist;
			return AWSMASK_OK;
		}
		for (i = 0; i < m.nparts; i++)
			if ((rc = am_add_part(am, &m.parts[i])))
				return rc;
		pos = from = m.end;
	}
	if (r < 0)
		return am->err.code;
	*done = pos > limit ? pos : limit;
	unglue(am, s, *done);
	return learn_names(am, s, *done);
}

/*
 * The items' tokens to the cache, and to the parts that did not find
 * theirs there.  With keep, an original the cache holds already keeps
 * its entry: the parts of the window after a held one may point into it
 * (process_overlap()), and it is the token that window would have had
 * from the cache without overlap.
 */
static int
resolve_finish(struct awsmask *am, struct am_mpart *parts, size_t nparts,
    const struct am_store_item *items, size_t nitems, int keep)
{
	size_t i;

	for (i = 0; i < nitems; i++) {
		if (!items[i].value)
			return am_seterr(&am->err, AWSMASK_ESTORE,
			    "store returned no token");
		if ((keep ? am_map_add : am_map_put)(am->cache, items[i].key,
		    items[i].key_len, items[i].value, items[i].value_len) < 0)
			return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
	}
	for (i = 0; i < nparts; i++) {
		struct am_mpart *p = &parts[i];

		if (!p->tok) {
			p->tok = items[p->item].value;
			p->toklen = items[p->item].value_len;
		}
	}
	return AWSMASK_OK;
}

/* The cache's tokens to the parts that are there; an item for each
 * original that is not. */
static int
lookup_parts(struct awsmask *am, const char *buf)
{
	size_t i;
	int rc;

	am_caches_age(am);
	if (am_map_count(am->cache) > CACHE_MAX)
		am_map_clear(am->cache);
	for (i = 0; i < am->nparts; i++) {
		struct am_mpart *p = &am->parts[i];

		p->tok = am_map_get(am->cache, buf + p->start, p->end - p->start,
		    &p->toklen);
		if (!p->tok && (rc = am_add_item(am, buf + p->start,
		    p->end - p->start, p->prefix, p->kind, &p->item)))
			return rc;
	}
	return AWSMASK_OK;
}

/*
 * One batch to the store for the items.  With overlap, the batch may be
 * left on its way (am_store_mask_pending()); the items get their values
 * when it is ended.
 */
static int
store_batch(struct awsmask *am, int overlap)
{
	int rc;

	if (!am->nitems)
		return AWSMASK_OK;
	if ((rc = am_store_ensure(am)))
		return am_store_failed(am, rc);
	am->counts.store_batches++;
	am_proc_sync(am);
	rc = overlap ? am_store_mask_begin(am->store, am->items, am->nitems) :
	    am_store_mask_many(am->store, am->items, am->nitems);
	am_store_take_warning(am);
	return rc ? am_store_failed(am, rc) : AWSMASK_OK;
}

/*
 * Give every part a token: the cache first, then one batch to the store
 * for the rest.
 */
static int
resolve_masks(struct awsmask *am, const char *buf)
{
	int rc;

	if ((rc = lookup_parts(am, buf)) || (rc = store_batch(am, 0)))
		return rc;
	return resolve_finish(am, am->parts, am->nparts, am->items, am->nitems,
	    0);
}

int
am_mask_window(struct awsmask *am, struct am_stream *s, size_t limit,
    size_t *done)
{
	int rc;

	if ((rc = collect_parts(am, s, limit, done)))
		return rc;
	/* Masked text is a fixed point: our own tokens stay as they are. */
	if ((rc = am_drop_issued(am, s->buf)))
		return rc;
	return resolve_masks(am, s->buf);
}

/* Write [from, to) of buf with each of the parts replaced by its token,
 * and report them. */
static int
write_window(struct awsmask *am, const struct am_mpart *parts, size_t nparts,
    const char *buf, size_t from, size_t to, unsigned long long base)
{
	size_t i, at = from, was = am->out.len;
	int rc = 0;

	for (i = 0; i < nparts; i++) {
		const struct am_mpart *p = &parts[i];

		rc |= am_buf_add(&am->out, buf + at, p->start - at);
		rc |= am_buf_add(&am->out, p->tok, p->toklen);
		at = p->end;
	}
	rc |= am_buf_add(&am->out, buf + at, to - at);
	if (rc) {
		am->out.len = was;	/* a window is written whole or not */
		return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
	}
	am->counts.identifiers += nparts;
	for (i = 0; am->report && i < nparts; i++) {
		const struct am_mpart *p = &parts[i];

		am->report(am->report_arg, p->kind, p->tok, p->toklen,
		    base + p->start, p->end - p->start);
	}
	return AWSMASK_OK;
}

/*
 * Keep the window [s->hist, done), its parts and items, until its batch
 * is ended: its bytes are copied (the driver moves the buffer on) and
 * the items' keys point into the copy.
 */
static int
hold_window(struct awsmask *am, const struct am_stream *s, size_t done)
{
	const char *from = s->buf + s->hist;
	struct am_mpart *tp;
	struct am_store_item *ti;
	size_t i, tn;

	am_buf_reset(&am->held.text);
	if (am_buf_add(&am->held.text, from, done - s->hist) < 0)
		return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
	tp = am->held.parts;
	am->held.parts = am->parts;
	am->parts = tp;
	tn = am->held.aparts;
	am->held.aparts = am->aparts;
	am->aparts = tn;
	am->held.nparts = am->nparts;
	am->nparts = 0;
	ti = am->held.items;
	am->held.items = am->items;
	am->items = ti;
	tn = am->held.aitems;
	am->held.aitems = am->aitems;
	am->aitems = tn;
	am->held.nitems = am->nitems;
	am->nitems = 0;
	am_map_clear(am->pending);
	for (i = 0; i < am->held.nparts; i++) {
		am->held.parts[i].start -= s->hist;
		am->held.parts[i].end -= s->hist;
	}
	for (i = 0; i < am->held.nitems; i++)
		am->held.items[i].key = am->held.text.buf +
		    (am->held.items[i].key - from);
	am->held.base = s->base + s->hist;
	am->held.on = 1;
	am->held.ended = 0;
	/*
	 * The tokens the cache gave are copied too: the cache may be
	 * emptied before the window is written.  (A part with a token has
	 * no item: its index holds the copy's offset meanwhile.)
	 */
	am_buf_reset(&am->held.toks);
	for (i = 0; i < am->held.nparts; i++) {
		struct am_mpart *p = &am->held.parts[i];

		if (!p->tok)
			continue;
		p->item = am->held.toks.len;
		if (am_buf_add(&am->held.toks, p->tok, p->toklen) < 0)
			return am_seterr(&am->err, AWSMASK_ENOMEM,
			    "out of memory");	/* the driver discards it */
	}
	for (i = 0; i < am->held.nparts; i++)
		if (am->held.parts[i].tok)
			am->held.parts[i].tok = am->held.toks.buf +
			    am->held.parts[i].item;
	return AWSMASK_OK;
}

/*
 * End the batch of the window held: its items get their values.  A
 * store that fails here fails the run, and nothing of the window is
 * written (am_mask_discard()).
 */
static int
end_held(struct awsmask *am)
{
	int rc;

	if (!am->held.on || am->held.ended)
		return AWSMASK_OK;
	rc = am_store_mask_end(am->store);
	am_store_take_warning(am);
	if (rc)
		return am_store_failed(am, rc);
	am->held.ended = 1;
	return AWSMASK_OK;
}

/* Write the window held, its batch ended, to am->out, and let it go. */
static int
write_held(struct awsmask *am)
{
	int rc;

	if (!am->held.on)
		return AWSMASK_OK;
	if (!(rc = resolve_finish(am, am->held.parts, am->held.nparts,
	    am->held.items, am->held.nitems, 1)))
		rc = write_window(am, am->held.parts, am->held.nparts,
		    am->held.text.buf, 0, am->held.text.len, am->held.base);
	am->held.on = 0;
	am_store_items_release(am->held.items, am->held.nitems);
	am->held.nitems = 0;
	am->held.nparts = 0;
	return rc;
}

int
am_mask_drain(struct awsmask *am)
{
	int rc;

	if ((rc = end_held(am)))
		return rc;
	return write_held(am);
}

void
am_mask_discard(struct awsmask *am)
{
	if (!am->held.on)
		return;
	am->held.on = 0;
	if (am->store && !am->held.ended)
		(void)am_store_mask_end(am->store);
	am_store_items_release(am->held.items, am->held.nitems);
	am->held.nitems = 0;
	am->held.nparts = 0;
}

int
am_mask_finish(struct awsmask *am, int rc)
{
	int wrc;

	if (!am->held.on)
		return rc;
	if (rc != AWSMASK_OK && am->err.code) {
		am_mask_discard(am);
		return rc;
	}
	wrc = am_mask_drain(am);
	am_mask_discard(am);
	return rc != AWSMASK_OK ? rc : wrc;
}

/*
 * The text driver's masking of one window, overlapped with the store.
 * Window N is scanned, and its parts looked up in the cache, while the
 * last writes of window N-1's batch are on their way; then N's batch is
 * begun, which ends N-1's (a store may send N's first requests before
 * it reads N-1's last replies), and N-1 is written while N's last writes
 * are on their way.  N is held until the next call (or
 * am_mask_drain()).
 */
static int
process_overlap(struct awsmask *am, struct am_stream *s, size_t limit,
    size_t *done)
{
	int rc, pending;

	if ((rc = collect_parts(am, s, limit, done)) ||
	    (rc = am_drop_issued(am, s->buf)))
		goto out;
	if (s->need)
		goto out;	/* the driver reads more and comes back */
	/* A batch begun ends the one held (am_store_mask_begin()), and
	 * may overlap the two. */
	if ((rc = lookup_parts(am, s->buf)) ||
	    (!am->nitems && (rc = end_held(am))))
		goto out;
	if ((rc = store_batch(am, 1)))
		goto out;
	if (am->held.on)
		am->held.ended = 1;
	pending = am->nitems && am_store_mask_pending(am->store);
	if (!pending && (rc = resolve_finish(am, am->parts, am->nparts,
	    am->items, am->nitems, 1)))
		goto out;
	if ((rc = write_held(am)))
		goto out;
	if (pending)
		rc = hold_window(am, s, *done);
	else
		rc = write_window(am, am->parts, am->nparts, s->buf, s->hist,
		    *done, s->base);
out:
	am_release_items(am);
	return rc;
}

int
am_process_mask(struct awsmask *am, struct am_stream *s, size_t limit,
    size_t *done, void *arg)
{
	size_t i;
	int rc;

	(void)arg;
	if (s->overlap)
		return process_overlap(am, s, limit, done);
	rc = am_mask_window(am, s, limit, done);
	if (rc == AWSMASK_OK) {
		am->counts.identifiers += am->nparts;
		rc = am_emit(am, s->buf, s->hist, *done);
	}
	for (i = 0; rc == AWSMASK_OK && am->report && i < am->nparts; i++) {
		const struct am_mpart *p = &am->parts[i];

		am->report(am->report_arg, p->kind, p->tok, p->toklen,
		    s->base + p->start, p->end - p->start);
	}
	am_release_items(am);
	return rc;
}

/* Scanning: report the parts, write nothing, never open the store. */
int
am_scan_window(struct awsmask *am, struct am_stream *s, size_t limit,
    size_t *done)
{
	int rc = collect_parts(am, s, limit, done);

	if (rc == AWSMASK_OK && am->scan_issued_ok)
		rc = am_drop_issued(am, s->buf);
	return rc;
}

int
am_process_scan(struct awsmask *am, struct am_stream *s, size_t limit,
    size_t *done, void *arg)
{
	const struct am_callbacks *cb = arg;
	unsigned long long line = s->line;
	size_t i, at = s->hist;
	int rc;

	if ((rc = am_scan_window(am, s, limit, done)))
		return rc;
	for (i = 0; i < am->nparts; i++) {
		const struct am_mpart *p = &am->parts[i];

		line += am_count_lines(s->buf + at, p->start - at);
		at = p->start;
		am_report_found(cb, p, line, s->base + p->start,
		    p->end - p->start);
	}
	am->counts.identifiers += am->nparts;
	return AWSMASK_OK;
}

/*
 * Tokens the store issued are not identifiers.  The token-literal kind
 * finds every token-shaped text, ours included, so that text which only
 * looks like a token is masked; and context kinds find a token where an
 * identifier stood (s3://BUCKET_001/key, "GroupName": "SG_NAME_001"), or
 * a name masked piece by piece where they find it whole
 * ("aliasName": "KMS_ALIAS_001/KMS_ALIAS_002").  Masking masked text
 * must change nothing, and a check of it (awsmask --check, and
 * awsmask-claude's last look at a request) must find nothing.  So a part
 * of any kind made of tokens written exactly (as awsmask writes them),
 * every one issued by the store, and ASCII punctuation only, is dropped:
 * it holds nothing of an original.  A tolerant form (ec2-001), a token
 * never issued, or a token beside other text (EC2_001abc, BUCKET_001-logs)
 * is still found.  Issued means the store resolves it, both directions
 * agreeing; the tokens are looked up in the reverse cache, then in one
 * store batch.
 */
int
am_drop_issued(struct awsmask *am, const char *buf)
{
	size_t i, k = 0, shaped = 0;
	int rc;

	for (i = 0; i < am->nparts; i++) {
		struct am_mpart *p = &am->parts[i];

		if ((rc = token_runs(am, buf + p->start, p->end - p->start,
		    RUNS_QUEUE)) > 0)
			goto out;
		shaped += rc == 0;
	}
	if (!shaped) {			/* no part is made of tokens */
		for (i = 0; i < am->nparts; i++)
			am->parts[i].tok = NULL;
		rc = AWSMASK_OK;
		goto out;
	}
	if (am->nitems) {
		if ((rc = am_store_ensure(am))) {
			rc = am_store_failed(am, rc);
			goto out;
		}
		am->counts.store_batches++;
		if ((rc = am_store_unmask_many(am->store, am->items, am->nitems))) {
			rc = am_store_failed(am, rc);
			goto out;
		}
		for (i = 0; i < am->nitems; i++)
			if (am->items[i].value && am_map_put(am->rcache,
			    am->items[i].key, am->items[i].key_len,
			    am->items[i].value, am->items[i].value_len) < 0) {
				rc = am_seterr(&am->err, AWSMASK_ENOMEM,
				    "out of memory");
				goto out;
			}
	}
	for (i = 0; i < am->nparts; i++) {
		struct am_mpart *p = &am->parts[i];

		if (token_runs(am, buf + p->start, p->end - p->start,
		    RUNS_ISSUED) == 1)
			continue;
		p->tok = NULL;
		am->parts[k++] = *p;
	}
	am->nparts = k;
	rc = AWSMASK_OK;
out:
	am_release_items(am);
	return rc;
}
