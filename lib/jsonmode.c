/*
 * jsonmode.c - the JSON formats: identifiers inside string literals.
 *
 * Each block of input goes through the tokenizer (json.c).  The block's
 * decoded strings are laid end to end in one text, each on a line of its
 * own and each member value after a copy of its key ("RoleName": "x"),
 * so that the text masker's context kinds see the key a value belongs
 * to, and the whole block's identifiers are found and resolved in one
 * store batch.  A string with nothing to replace is copied byte for
 * byte; in one with something, the replaced spans are written anew,
 * escaped as JSON needs, and the rest of its bytes are kept.
 *
 * A string longer than a block comes from the tokenizer in pieces
 * (json.h), and is masked like a long line of text: each piece's text is
 * scanned up to PIECE_MARGIN bytes before its end, and what follows is
 * written with the next piece, behind PIECE_CONTEXT bytes of look-behind.
 * So a string of any length costs about a block of memory.
 *
 * Output is held until the top-level value it belongs to is complete, so
 * invalid or truncated input never leaves part of a value behind: in
 * memory up to HOLD_MAX bytes, then in an unlinked temporary file, so
 * that a 1 GB document costs disk, not memory.  What is held is output,
 * masked when masking.
 */
#include "mask.h"
#include "json.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define BLOCK AM_STREAM_BLOCK		/* fed to the tokenizer at once */
#define HOLD_MAX (4 * 1024 * 1024)	/* held output kept in memory */
#define KEY_CONTEXT_MAX 128		/* longest key copied as context */
#define PIECE_CONTEXT 256		/* look-behind kept before a piece */
#define PIECE_MARGIN (AM_MAX_MATCH + PIECE_CONTEXT)	/* a piece's tail */
#define OUTER_DEPTH 16			/* object keys kept by depth */

/*
 * A decoded string of the block, or a number that may be an account ID
 * (twelve digits in a RAW segment, at rawoff), and where it sits in the
 * text.
 */
struct jm_str {
	const struct am_json_seg *seg;
	size_t vstart, vend;
	size_t rawoff;		/* NUMBER only */
	int number;
	/* What of it to write: raw bytes [0, rawlen), text [vstart,
	 * textend); less than all for a piece whose tail waits. */
	size_t rawlen, textend;
};

struct jm {
	struct awsmask *am;
	enum am_dir dir;
	int marked;			/* a value was completed this block */
	struct am_json *j;
	struct am_buf v;		/* the block's strings, end to end */
	struct jm_str *strs;
	size_t nstrs, astrs;
	struct am_buf key;		/* the last object key, across blocks */
	int new_record;			/* a top-level value began since the
					 * last entry */
	struct am_buf pre;		/* text before the section: context */
	struct am_buf pair;		/* a "Name"/"Key" value awaiting "Value" */
	size_t pair_depth;
	int have_pair;
	int pair_tag;			/* the pair is a tag's "Key": "Name" */
	int obj_edge;			/* an object began or ended since the
					 * last entry */
	/* The last object key seen at each depth, deeper ones forgotten
	 * when a shallower one comes: the key an object or array is the
	 * value of. */
	char outer[OUTER_DEPTH][KEY_CONTEXT_MAX + 1];
	size_t outer_len[OUTER_DEPTH];
	/*
	 * The tail of a string's last piece, not yet written: its text
	 * (after chist bytes of look-behind) and raw bytes, from stream
	 * offset craw_off.  The next piece is written after it: cseg is
	 * that piece with the tail in front (cseg_raw, cseg_text).
	 */
	int carry;
	struct am_buf ctext, craw;
	size_t chist;
	unsigned long long craw_off;
	struct am_json_seg cseg;
	struct am_buf cseg_raw, cseg_text;
	size_t hist;			/* v[0, hist) is look-behind */
	int open;			/* the last entry is an open piece */
	/*
	 * Output bytes copied as they are, not yet in am->out: segments
	 * lie end to end in the block, so a run of them is one copy.
	 */
	const char *run;
	size_t runlen;
	int outfd;			/* -1: collect in am->out */
	size_t mark;			/* am->out before here is complete */
	int spill;			/* held output past HOLD_MAX, or -1 */
	const struct am_callbacks *cb;
	/*
	 * A section of an input read with --format auto (automode.c):
	 * output is committed at line ends between values, not at every
	 * value's end; on bad JSON what is held is dropped, not an error,
	 * and the caller reads the rest as text.  So the identifiers
	 * counted, and what --report and --check say, wait for their output
	 * to be committed too (notes), and go with it.
	 */
	int autom;
	int failed;			/* bad JSON: what is held was dropped */
	struct am_error jerr;		/* the tokenizer's message then */
	unsigned long long held_ids;	/* counted, not yet committed */
	struct jm_note *notes;
	size_t nnotes, anotes;
	struct am_buf notetok;		/* the notes' tokens, end to end */
};

/* A report (masking) or finding (scanning) that waits for its output. */
struct jm_note {
	const char *kind, *prefix;
	size_t tok, toklen;		/* in notetok */
	unsigned long long off, len, line;
};

/* JSON's whitespace. */
static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * A key is copied in front of its values only when it cannot take part
 * in a match of its own across the quotes: short, and free of quotes,
 * backslashes and control bytes.
 */
static const unsigned char key_bad[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['"'] = 1, ['\\'] = 1,
};

static int
key_context_ok(const char *k, size_t n)
{
	const unsigned char *u = (const unsigned char *)k;
	size_t i;

	if (!k || !n || n > KEY_CONTEXT_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (key_bad[u[i]])
			return 0;
	return 1;
}

static int
add_entry(struct jm *jm, const struct am_json_seg *seg, const char *key,
    size_t key_len, const char *text, size_t len)
{
	struct am_buf *v = &jm->v;
	struct jm_str *e;
	char *d;

	if (jm->nstrs == jm->astrs) {
		size_t n = jm->astrs ? jm->astrs * 2 : 256;
		struct jm_str *ns = am_realloc(jm->strs, n * sizeof(*ns));

		if (!ns)
			return -1;
		jm->strs = ns;
		jm->astrs = n;
	}
	if (!key_context_ok(key, key_len))
		key_len = 0;
	/*
	 * Top-level values (NDJSON records) are kept apart by a line with a
	 * record separator (RS, as in RFC 7464), where the evidence of a
	 * naming key stops: another record's is not this one's.
	 */
	if (jm->new_record) {
		jm->new_record = 0;
		if (v->len > jm->hist && am_buf_add(v, "\n\x1e", 2) < 0)
			return -1;
	}
	/* A blank line between objects, where a tag's Key is looked for
	 * no further (tags.c): another tag's is not this one's. */
	if (jm->obj_edge) {
		jm->obj_edge = 0;
		if (v->len > jm->hist && am_buf_add(v, "\n", 1) < 0)
			return -1;
	}
	/* One grow, then the bytes: most strings are a few bytes long. */
	if (len > SIZE_MAX - key_len - 8 ||
	    am_buf_grow(v, key_len + len + 8) < 0)
		return -1;
	d = v->buf + v->len;
	*d++ = '\n';
	if (key_len) {
		*d++ = '"';
		memcpy(d, key, key_len);
		d += key_len;
		memcpy(d, "\": \"", 4);
		d += 4;
	}
	e = &jm->strs[jm->nstrs++];
	memset(e, 0, sizeof(*e));
	e->seg = seg;
	e->vstart = (size_t)(d - v->buf);
	if (len)
		memcpy(d, text, len);
	d += len;
	e->vend = (size_t)(d - v->buf);
	e->rawlen = seg->raw_len;
	e->textend = e->vend;
	/* An open piece goes on in the next one: no quote after it. */
	if (!(seg->piece & AM_JSON_PIECE_MORE))
		*d++ = '"';
	v->len = (size_t)(d - v->buf);
	*d = '\0';
	return 0;
}

/* Is [k, k+n) the key word w, in either case of its first letter? */
static int
key_is(const char *k, size_t n, const char *w)
{
	size_t l = strlen(w);

	return n == l && (k[0] | 0x20) == w[0] && !memcmp(k + 1, w + 1, l - 1);
}

/*
 * A bare "Id" takes its meaning from the object it is in: the Id of
 * {"Account": {"Id": ...}} or of {"Accounts": [{"Id": ...}]} (AWS
 * Organizations) is an AccountId.  The context key of such a value is
 * the outer key, less a plural 's', and "Id", when the outer key ends
 * in "account"; 0 otherwise, and the "Id" stays as it is (a bare "Id"
 * is context of its own: CloudFront's).
 */
static size_t
outer_id_key(const struct jm *jm, const struct am_json_seg *seg, char *buf,
    size_t cap)
{
	size_t d = seg->depth, l = 0;
	const char *o = NULL;

	if (d >= 2 && d - 1 < OUTER_DEPTH && jm->outer_len[d - 1]) {
		o = jm->outer[d - 1];
		l = jm->outer_len[d - 1];
	} else if (d >= 3 && d - 2 < OUTER_DEPTH && jm->outer_len[d - 2]) {
		o = jm->outer[d - 2];
		l = jm->outer_len[d - 2];
	}
	if (!o)
		return 0;
	if (l > 1 && o[l - 1] == 's')
		l--;
	if (l < 7 || strncasecmp(o + l - 7, "account", 7) ||
	    l + seg->key_len + 1 > cap)
		return 0;
	memcpy(buf, o, l);
	memcpy(buf + l, seg->key, seg->key_len);
	return l + seg->key_len;
}

/*
 * Name/value pairs: CloudWatch dimensions ({"Name": "AutoScalingGroupName",
 * "Value": "web"}) and tags ({"Key": "aws:cloudformation:stack-name",
 * "Value": "prod"}) say in one member what the next one is.  The Value
 * gets the Name as its key, while no brace comes between them.
 */
static int
add_str(struct jm *jm, const struct am_json_seg *seg)
{
	const char *k = seg->key;
	size_t kl = seg->key_len;

	char idkey[2 * KEY_CONTEXT_MAX + 8];
	size_t d;

	if (seg->is_key) {
		/* A key in pieces is far too long to be context. */
		am_buf_reset(&jm->key);
		if (!seg->piece &&
		    am_buf_add(&jm->key, seg->text, seg->text_len) < 0)
			return -1;
		for (d = seg->depth; d < OUTER_DEPTH; d++)
			jm->outer_len[d] = 0;
		if (seg->depth < OUTER_DEPTH && !seg->piece &&
		    key_context_ok(seg->text, seg->text_len)) {
			memcpy(jm->outer[seg->depth], seg->text,
			    seg->text_len);
			jm->outer_len[seg->depth] = seg->text_len;
		}
		return add_entry(jm, seg, NULL, 0, seg->text, seg->text_len);
	}
	if (k && (key_is(k, kl, "id") || (kl == 2 && !memcmp(k, "ID", 2))) &&
	    (d = outer_id_key(jm, seg, idkey, sizeof(idkey)))) {
		k = idkey;
		kl = d;
	}
	if (k && (key_is(k, kl, "name") || key_is(k, kl, "key"))) {
		jm->have_pair = key_context_ok(seg->text, seg->text_len);
		jm->pair_depth = seg->depth;
		jm->pair_tag = key_is(k, kl, "key") && seg->text_len == 4 &&
		    !memcmp(seg->text, "Name", 4);
		am_buf_reset(&jm->pair);
		if (jm->have_pair &&
		    am_buf_add(&jm->pair, seg->text, seg->text_len) < 0)
			return -1;
	} else if (k && key_is(k, kl, "value") && jm->have_pair &&
	    seg->depth == jm->pair_depth) {
		/* A Name tag stays "Value" after its "Key": "Name", which
		 * the tag kind reads as text does (tags.c). */
		if (!jm->pair_tag) {
			k = jm->pair.buf;
			kl = jm->pair.len;
		}
		jm->have_pair = 0;
	}
	return add_entry(jm, seg, k, kl, seg->text, seg->text_len);
}

/*
 * The next piece of the string whose last piece's tail is carried: the
 * tail and the piece become one entry, laid out behind the carried
 * look-behind at the start of the text (it comes first in a feed).
 */
static int
add_cont(struct jm *jm, const struct am_json_seg *seg)
{
	struct jm_str *e;
	int rc = 0;

	if (jm->nstrs == jm->astrs) {
		size_t n = jm->astrs ? jm->astrs * 2 : 256;
		struct jm_str *ns = am_realloc(jm->strs, n * sizeof(*ns));

		if (!ns)
			return -1;
		jm->strs = ns;
		jm->astrs = n;
	}
	am_buf_reset(&jm->cseg_raw);
	am_buf_reset(&jm->cseg_text);
	if (jm->carry) {
		rc |= am_buf_add(&jm->cseg_raw, jm->craw.buf, jm->craw.len);
		rc |= am_buf_add(&jm->cseg_text, jm->ctext.buf + jm->chist,
		    jm->ctext.len - jm->chist);
		rc |= am_buf_add(&jm->v, jm->ctext.buf, jm->chist);
		jm->hist = jm->v.len;
	}
	rc |= am_buf_add(&jm->cseg_raw, seg->raw, seg->raw_len);
	rc |= am_buf_add(&jm->cseg_text, seg->text, seg->text_len);
	if (rc)
		return -1;
	jm->cseg = *seg;
	jm->cseg.raw = jm->cseg_raw.buf;
	jm->cseg.raw_len = jm->cseg_raw.len;
	jm->cseg.text = jm->cseg_text.buf;
	jm->cseg.text_len = jm->cseg_text.len;
	if (jm->carry) {
		jm->cseg.col -= seg->off - jm->craw_off;
		jm->cseg.off = jm->craw_off;
	}
	jm->carry = 0;

	e = &jm->strs[jm->nstrs++];
	memset(e, 0, sizeof(*e));
	e->seg = &jm->cseg;
	e->vstart = jm->v.len;
	rc |= am_buf_add(&jm->v, jm->cseg.text, jm->cseg.text_len);
	e->vend = jm->v.len;
	e->rawlen = jm->cseg.raw_len;
	e->textend = e->vend;
	if (!(seg->piece & AM_JSON_PIECE_MORE))
		rc |= am_buf_add(&jm->v, "\"", 1);
	return rc;
}

/* Does raw segment g reach the top level, between two values? */
static int
reaches_top(const struct am_json_seg *g)
{
	size_t d = g->depth, i;

	for (i = 0; d && i < g->raw_len; i++) {
		char c = g->raw[i];

		if (c == '}' || c == ']')
			d--;
		else if (c == '{' || c == '[')
			d++;
	}
	return !d;
}

/* A byte that continues a number: digits, '.', 'e', 'E'. */
static int
numeric(char c)
{
	return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E';
}

/*
 * Account IDs are sometimes written as numbers.  A number of exactly
 * twelve digits goes into the text after the last key seen, so that the
 * account-ID kind decides with the same context as for a string; a
 * masked one becomes a string token ("ACCOUNT_001").
 */
static int
add_numbers(struct jm *jm, const struct am_json_seg *seg)
{
	const char *r = seg->raw, *e = r + seg->raw_len, *d = r, *q;

	for (;;) {
		while (d < e && (*d < '0' || *d > '9'))
			d++;
		if (d == e)
			return 0;
		for (q = d; q < e && *q >= '0' && *q <= '9'; q++)
			;
		if (q - d == 12 && (d == r || !(numeric(d[-1]) || d[-1] == '-' ||
		    d[-1] == '+')) && (q == e || !numeric(*q))) {
			if (add_entry(jm, seg, jm->key.buf, jm->key.len, d, 12) < 0)
				return -1;
			jm->strs[jm->nstrs - 1].number = 1;
			jm->strs[jm->nstrs - 1].rawoff = (size_t)(d - r);
		}
		d = q;
	}
}

/* The input line of a string, for messages about what is in it. */
static unsigned long long
line_at(void *ctx, size_t off)
{
	const struct jm *jm = ctx;
	size_t lo = 0, hi = jm->nstrs;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (jm->strs[mid].vstart <= off)
			lo = mid;
		else
			hi = mid;
	}
	return jm->nstrs ? jm->strs[lo].seg->line : 1;
}

static int
hex4(const char *p)
{
	int v = 0, i;

	for (i = 0; i < 4; i++) {
		char c = p[i];

		v = v * 16 + (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	return v;
}

/*
 * Walk a string literal's raw bytes and its decoded text together.  The
 * raw bytes are valid (the tokenizer checked them), so escapes are
 * whole.
 */
struct walk {
	const char *raw;
	size_t i;	/* raw offset, from the opening quote */
	size_t d;	/* decoded offset */
};

/* Advance to decoded offset d; -1 when it falls inside one escape. */
static int
walk_to(struct walk *w, size_t d)
{
	while (w->d < d) {
		const char *r = w->raw + w->i;
		int cp;

		if (r[0] != '\\') {
			w->i++;
			w->d++;
			continue;
		}
		if (r[1] != 'u') {
			w->i += 2;
			w->d++;
			continue;
		}
		cp = hex4(r + 2);
		if (cp >= 0xd800 && cp <= 0xdbff && r[6] == '\\' && r[7] == 'u' &&
		    hex4(r + 8) >= 0xdc00 && hex4(r + 8) <= 0xdfff) {
			w->i += 12;
			w->d += 4;
		} else {
			w->i += 6;
			w->d += cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
		}
	}
	return w->d == d ? 0 : -1;
}

static int
add_escaped(struct awsmask *am, const char *p, size_t n)
{
	if (am_json_escape(&am->out, p, n) < 0)
		return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
	return AWSMASK_OK;
}

/* Report now, or, in an auto section, when the output is committed. */
static int
note(struct jm *jm, const struct am_mpart *p, unsigned long long line,
    unsigned long long off, unsigned long long len)
{
	struct awsmask *am = jm->am;
	struct jm_note *n;

	if (!jm->autom) {
		if (jm->dir == AM_DIR_SCAN)
			am_report_found(jm->cb, p, line, off, len);
		else
			am->report(am->report_arg, p->kind, p->tok, p->toklen, off,
			    len);
		return AWSMASK_OK;
	}
	if (jm->nnotes == jm->anotes) {
		size_t k = jm->anotes ? jm->anotes * 2 : 64;
		struct jm_note *nn = am_realloc(jm->notes, k * sizeof(*nn));

		if (!nn)
			return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
		jm->notes = nn;
		jm->anotes = k;
	}
	n = &jm->notes[jm->nnotes];
	n->kind = p->kind;
	n->prefix = p->prefix;
	n->tok = jm->notetok.len;
	n->toklen = jm->dir == AM_DIR_SCAN ? 0 : p->toklen;
	n->off = off;
	n->len = len;
	n->line = line;
	if (n->toklen && am_buf_add(&jm->notetok, p->tok, p->toklen) < 0)
		return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
	jm->nnotes++;
	return AWSMASK_OK;
}

/* Give out the notes before stream offset upto, in order. */
static void
notes_flush(struct jm *jm, unsigned long long upto)
{
	struct awsmask *am = jm->am;
	size_t i;

	if (!jm->nnotes)
		return;
	for (i = 0; i < jm->nnotes && jm->notes[i].off < upto; i++) {
		const struct jm_note *n = &jm->notes[i];
		struct am_mpart p;

		memset(&p, 0, sizeof(p));
		p.kind = n->kind;
		p.prefix = n->prefix;
		if (jm->dir == AM_DIR_SCAN) {
			am_report_found(jm->cb, &p, n->line, n->off, n->len);
			am->counts.identifiers++;
		} else if (am->report) {
			am->report(am->report_arg, n->kind, jm->notetok.buf +
			    n->tok, n->toklen, n->off, n->len);
		}
	}
	memmove(jm->notes, jm->notes + i, (jm->nnotes - i) * sizeof(*jm->notes));
	jm->nnotes -= i;
	if (!jm->nnotes)
		am_buf_reset(&jm->notetok);
}

/*
 * Write one string literal with the parts [first, last) replaced.  The
 * bytes between replacements are the literal's own when the part edges
 * fall between escapes (always, for an identifier made of ASCII); if one
 * does not, the whole string is written from its decoded text.
 */
static int
emit_string(struct jm *jm, const struct jm_str *st, size_t first,
    size_t last)
{
	struct awsmask *am = jm->am;
	const struct am_json_seg *seg = st->seg;
	int quote = !(seg->piece & AM_JSON_PIECE_CONT);
	struct walk w = { seg->raw, (size_t)quote, 0 };
	size_t k, at = 0, rbuf[128], *rstart = rbuf, *rend, n = last - first;
	int rc = 0, whole = 0;

	/* Where each part sits in the literal: on the heap past 64. */
	if (n > AM_ARRAY_SIZE(rbuf) / 2) {
		if (n > SIZE_MAX / (2 * sizeof(*rstart)) ||
		    !(rstart = am_malloc(2 * n * sizeof(*rstart))))
			return am_seterr(&am->err, AWSMASK_ENOMEM,
			    "out of memory");
	}
	rend = rstart + n;

	for (k = 0; !whole && k < n; k++) {
		const struct am_mpart *p = &am->parts[first + k];

		whole |= walk_to(&w, p->start - st->vstart) < 0;
		rstart[k] = w.i;
		whole |= walk_to(&w, p->end - st->vstart) < 0;
		rend[k] = w.i;
	}
	if (whole) {
		/* Rare: decode, replace, escape the lot. */
		const char *t = jm->v.buf + st->vstart;

		if (quote)
			rc |= am_buf_add(&am->out, "\"", 1);
		for (k = first; k < last && !rc; k++) {
			const struct am_mpart *p = &am->parts[k];

			rc |= add_escaped(am, t + at, p->start - st->vstart - at);
			rc |= add_escaped(am, p->tok, p->toklen);
			at = p->end - st->vstart;
		}
		if (!rc)
			rc |= add_escaped(am, t + at, st->textend - st->vstart -
			    at);
		if (!(seg->piece & AM_JSON_PIECE_MORE))
			rc |= am_buf_add(&am->out, "\"", 1);
	} else {
		for (k = 0; k < n && !rc; k++) {
			const struct am_mpart *p = &am->parts[first + k];

			rc |= am_buf_add(&am->out, seg->raw + at, rstart[k] - at);
			rc |= add_escaped(am, p->tok, p->toklen);
			at = rend[k];
		}
		rc |= am_buf_add(&am->out, seg->raw + at, st->rawlen - at);
	}
	if (rc) {
		if (rstart != rbuf)
			am_free(rstart);
		return am->err.code ? (int)am->err.code :
		    am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
	}
	if (jm->dir == AM_DIR_MASK && am->report) {
		for (k = 0; k < n; k++) {
			const struct am_mpart *p = &am->parts[first + k];
			unsigned long long off, len;

			if (whole) {
				/* Offsets within the literal, its quotes counted. */
				off = seg->off;
				len = seg->raw_len;
			} else {
				off = seg->off + rstart[k];
				len = rend[k] - rstart[k];
			}
			if ((rc = note(jm, p, seg->line, off, len)))
				break;
		}
	}
	if (rstart != rbuf)
		am_free(rstart);
	return rc;
}

/* The parts of string st: [*first, *last).  A part across a string's
 * edge would mean a match joined a key and its value: refuse it. */
static int
parts_of(struct jm *jm, const struct jm_str *st, size_t *pi, size_t *first,
    size_t *last)
{
	struct awsmask *am = jm->am;

	while (*pi < am->nparts && am->parts[*pi].start < st->vstart) {
		if (am->parts[*pi].end > st->vstart)
			goto across;
		(*pi)++;
	}
	*first = *pi;
	while (*pi < am->nparts && am->parts[*pi].start < st->vend) {
		if (am->parts[*pi].end > st->vend)
			goto across;
		(*pi)++;
	}
	*last = *pi;
	return AWSMASK_OK;
across:
	return am_seterr(&am->err, AWSMASK_EDATA,
	    "a match crosses a JSON string at line %llu; not written",
	    st->seg->line);
}

/* Write the run of input bytes waiting to be copied. */
static int
out_flush(struct jm *jm)
{
	size_t n = jm->runlen;

	jm->runlen = 0;
	if (n && am_buf_add(&jm->am->out, jm->run, n) < 0)
		return am_seterr(&jm->am->err, AWSMASK_ENOMEM, "out of memory");
	return AWSMASK_OK;
}

/* Copy [p, p+n) to the output: joined to the waiting run if it follows
 * it in memory. */
static int
out_raw(struct jm *jm, const char *p, size_t n)
{
	int rc;

	if (!n)
		return AWSMASK_OK;
	if (jm->runlen && jm->run + jm->runlen == p) {
		jm->runlen += n;
		return AWSMASK_OK;
	}
	if ((rc = out_flush(jm)))
		return rc;
	jm->run = p;
	jm->runlen = n;
	return AWSMASK_OK;
}

/* Output before here belongs to complete values. */
static int
set_mark(struct jm *jm)
{
	int rc = out_flush(jm);

	jm->mark = jm->am->out.len;
	jm->marked = 1;
	jm->held_ids = 0;
	notes_flush(jm, ULLONG_MAX);
	return rc;
}

/*
 * Write bytes [from, to) of a RAW segment, with the numbers among
 * entries *s... that were masked written as strings.
 */
static int
emit_raw(struct jm *jm, const struct am_json_seg *seg, size_t from,
    size_t to, size_t *s, size_t *pi)
{
	struct awsmask *am = jm->am;
	size_t at = from, first, last, k;
	int rc;

	while (*s < jm->nstrs && jm->strs[*s].seg == seg &&
	    jm->strs[*s].rawoff < to) {
		const struct jm_str *st = &jm->strs[(*s)++];
		const char *t = jm->v.buf + st->vstart;
		size_t n = st->vend - st->vstart, d = 0;

		if ((rc = parts_of(jm, st, pi, &first, &last)))
			return rc;
		if (first == last)
			continue;
		if ((rc = out_raw(jm, seg->raw + at, st->rawoff - at)) ||
		    (rc = out_flush(jm)))
			return rc;
		rc = am_buf_add(&am->out, "\"", 1);
		for (k = first; k < last; k++) {
			const struct am_mpart *p = &am->parts[k];

			rc |= am_buf_add(&am->out, t + d, p->start - st->vstart - d);
			rc |= am_buf_add(&am->out, p->tok, p->toklen);
			d = p->end - st->vstart;
			if (am->report && jm->dir == AM_DIR_MASK &&
			    note(jm, p, seg->line, seg->off + st->rawoff +
			    (p->start - st->vstart), p->end - p->start))
				return am->err.code;
		}
		rc |= am_buf_add(&am->out, t + d, n - d);
		rc |= am_buf_add(&am->out, "\"", 1);
		if (rc)
			return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
		at = st->rawoff + n;
	}
	return out_raw(jm, seg->raw + at, to - at);
}

/* Write the segments up to stream offset upto; set mark at complete. */
static int
emit_segs(struct jm *jm, const struct am_json_seg *segs, size_t nsegs,
    unsigned long long complete, unsigned long long upto)
{
	struct awsmask *am = jm->am;
	size_t i, s = 0, pi = 0, first, last;
	int rc;

	jm->runlen = 0;
	for (i = 0; i < nsegs; i++) {
		const struct am_json_seg *seg = &segs[i];
		unsigned long long end = seg->off + seg->raw_len;

		if (seg->off >= upto)
			break;
		if (seg->off == complete && (rc = set_mark(jm)))
			return rc;
		if (seg->type == AM_JSON_RAW) {
			size_t n = seg->raw_len;

			if (seg->off < complete && complete < end) {
				size_t cut = (size_t)(complete - seg->off);

				if ((rc = emit_raw(jm, seg, 0, cut, &s, &pi)))
					return rc;
				if (upto == complete && !jm->autom) {
					/* A line's newline goes with it. */
					size_t ws = cut;

					while (ws < n && is_ws(seg->raw[ws]))
						ws++;
					if ((rc = out_raw(jm, seg->raw + cut,
					    ws - cut)) || (rc = set_mark(jm)))
						return rc;
					break;
				}
				if ((rc = set_mark(jm)))
					return rc;
				if (upto == complete)
					break;
				if ((rc = emit_raw(jm, seg, cut, n, &s, &pi)))
					return rc;
			} else if ((rc = emit_raw(jm, seg, 0, n, &s, &pi))) {
				return rc;
			}
		} else {
			const struct jm_str *st = &jm->strs[s++];

			if ((rc = parts_of(jm, st, &pi, &first, &last)))
				return rc;
			if (jm->dir == AM_DIR_MASK) {
				am->counts.identifiers += last - first;
				jm->held_ids += last - first;
			}
			if (first == last)
				rc = out_raw(jm, st->seg->raw, st->rawlen);
			else if (!(rc = out_flush(jm)))
				rc = emit_string(jm, st, first, last);
			if (rc)
				return rc;
		}
		if (end == complete && (rc = set_mark(jm)))
			return rc;
	}
	return out_flush(jm);
}

/* --check: report what the strings hold, at the string's line. */
static int
report_found(struct jm *jm)
{
	struct awsmask *am = jm->am;
	size_t s = 0, pi = 0, first, last, k;
	int rc;

	for (s = 0; s < jm->nstrs; s++) {
		const struct jm_str *st = &jm->strs[s];
		struct walk w = { st->seg->raw, st->number ? st->rawoff :
		    !(st->seg->piece & AM_JSON_PIECE_CONT), 0 };

		if ((rc = parts_of(jm, st, &pi, &first, &last)))
			return rc;
		for (k = first; k < last; k++) {
			const struct am_mpart *p = &am->parts[k];
			unsigned long long off = st->seg->off, line;
			unsigned long long len = st->seg->raw_len;
			size_t at;

			/* Where it is written: escapes and all. */
			if (walk_to(&w, p->start - st->vstart) == 0) {
				at = w.i;
				if (walk_to(&w, p->end - st->vstart) == 0) {
					off += at;
					len = w.i - at;
				}
			}
			/* A number's RAW segment may start lines earlier. */
			line = st->seg->line + (st->number ? am_count_lines(
			    st->seg->raw, (size_t)(off - st->seg->off)) : 0);
			if (jm->autom) {
				if ((rc = note(jm, p, line, off, len)))
					return rc;
				continue;
			}
			am_report_found(jm->cb, p, line, off, len);
		}
		if (!jm->autom)
			am->counts.identifiers += last - first;
	}
	return AWSMASK_OK;
}

static int
write_spill(struct jm *jm)
{
	struct awsmask *am = jm->am;
	char buf[65536];
	ssize_t n;

	if (jm->spill < 0)
		return AWSMASK_OK;
	if (lseek(jm->spill, 0, SEEK_SET) < 0)
		goto fail;
	while ((n = read(jm->spill, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (am_write_all(jm->outfd, buf, (size_t)n) < 0)
			return am_seterr_errno(&am->err, AWSMASK_EIO,
			    "write error");
	}
	if (ftruncate(jm->spill, 0) < 0 || lseek(jm->spill, 0, SEEK_SET) < 0)
		goto fail;
	return AWSMASK_OK;
fail:
	return am_seterr_errno(&am->err, AWSMASK_EIO,
	    "cannot read back held output");
}

/* Move what is held in memory to the temporary file. */
static int
spill_held(struct jm *jm)
{
	struct awsmask *am = jm->am;

	if (jm->spill < 0) {
		const char *dir = getenv("TMPDIR");
		char path[PATH_MAX];

		if (!dir || !*dir)
			dir = "/tmp";
		snprintf(path, sizeof(path), "%s/awsmask.XXXXXX", dir);
		jm->spill = mkstemp(path);
		if (jm->spill < 0)
			return am_seterr_errno(&am->err, AWSMASK_EIO,
			    "cannot hold output in %s", dir);
		unlink(path);
	}
	if (am_write_all(jm->spill, am->out.buf, am->out.len) < 0)
		return am_seterr_errno(&am->err, AWSMASK_EIO,
		    "cannot hold output");
	am_buf_reset(&am->out);
	jm->mark = 0;
	return AWSMASK_OK;
}

/*
 * Write what is complete: the held file, then am->out up to the mark and
 * the whitespace after it (so that a line of NDJSON goes out with its
 * newline).  Hold the rest.
 */
static int
commit(struct jm *jm, int all)
{
	struct awsmask *am = jm->am;
	size_t m = all ? am->out.len : jm->mark;
	int rc;

	if (!all && !jm->marked)
		goto hold;
	while (!jm->autom && m < am->out.len && is_ws(am->out.buf[m]))
		m++;
	jm->mark = m;
	if (jm->outfd < 0 || jm->dir == AM_DIR_SCAN)
		return AWSMASK_OK;
	if (m || all) {
		if ((rc = write_spill(jm)))
			return rc;
		if (am_write_all(jm->outfd, am->out.buf, m) < 0)
			return am_seterr_errno(&am->err, AWSMASK_EIO,
			    "write error");
		if (m) {
			/* Empty input never allocated am->out.buf. */
			memmove(am->out.buf, am->out.buf + m, am->out.len - m);
			am->out.len -= m;
			am->out.buf[am->out.len] = '\0';
		}
		jm->mark = 0;
	}
hold:
	/* Before the next block's output could take the buffer past
	 * HOLD_MAX: it doubles as it grows.  (Output to a buffer is all
	 * held there, to its end.) */
	if (jm->outfd >= 0 && jm->dir != AM_DIR_SCAN &&
	    am->out.len > HOLD_MAX - 2 * BLOCK)
		return spill_held(jm);
	return AWSMASK_OK;
}

/*
 * The open piece (the last entry) is scanned up to PIECE_MARGIN bytes
 * before its end, at an escape's edge: a match starting before there
 * ends within the piece (AM_MAX_MATCH), and what follows waits for the
 * next piece.
 */
static size_t
open_limit(struct jm *jm)
{
	const struct jm_str *e = &jm->strs[jm->nstrs - 1];
	struct walk w = { e->seg->raw, !(e->seg->piece & AM_JSON_PIECE_CONT),
	    0 };
	size_t limit = e->vend > PIECE_MARGIN ? e->vend - PIECE_MARGIN : 0;

	if (limit <= e->vstart)
		return e->vstart;
	walk_to(&w, limit - e->vstart);
	return e->vstart + w.d;
}

/*
 * Write the open piece up to done (the end of the window, at the first
 * escape edge from there), and carry the rest, with PIECE_CONTEXT bytes
 * of look-behind, to the next piece.
 */
static int
carry_tail(struct jm *jm, size_t done)
{
	struct jm_str *e = &jm->strs[jm->nstrs - 1];
	struct walk w = { e->seg->raw, !(e->seg->piece & AM_JSON_PIECE_CONT),
	    0 };
	size_t from;
	int rc = 0;

	if (done > e->vend)
		done = e->vend;
	if (done < e->vstart)
		done = e->vstart;
	walk_to(&w, done - e->vstart);
	e->textend = e->vstart + w.d;
	e->rawlen = w.i;
	from = e->textend > PIECE_CONTEXT ? e->textend - PIECE_CONTEXT : 0;
	am_buf_reset(&jm->ctext);
	am_buf_reset(&jm->craw);
	rc |= am_buf_add(&jm->ctext, jm->v.buf + from, e->vend - from);
	rc |= am_buf_add(&jm->craw, e->seg->raw + e->rawlen,
	    e->seg->raw_len - e->rawlen);
	if (rc)
		return am_seterr(&jm->am->err, AWSMASK_ENOMEM, "out of memory");
	jm->chist = e->textend - from;
	jm->craw_off = e->seg->off + e->rawlen;
	jm->carry = 1;
	return AWSMASK_OK;
}

/* Feed one block; eof says it is the last. */
static int
jm_block(struct jm *jm, const char *p, size_t n, int eof)
{
	struct awsmask *am = jm->am;
	const struct am_json_seg *segs;
	struct am_error jerr = { AWSMASK_OK, "" };
	unsigned long long complete, upto = ULLONG_MAX;
	size_t nsegs, i, done, limit;
	struct am_stream vs;
	int jrc, rc = AWSMASK_OK;

	jrc = am_json_feed(jm->j, p, n, eof, &segs, &nsegs, &jerr);
	if (jrc && jrc != AWSMASK_EDATA)
		return am_seterr(&am->err, jrc, "%s", jerr.msg);
	complete = jm->autom ? am_json_line_complete_offset(jm->j) :
	    am_json_complete_offset(jm->j);
	if (jrc)
		upto = complete;

	am_buf_reset(&jm->v);
	jm->nstrs = 0;
	jm->marked = 0;
	jm->hist = 0;
	jm->open = 0;
	if (jm->pre.len) {
		/* The text before an auto section: look-behind for evidence. */
		if (am_buf_add(&jm->v, jm->pre.buf, jm->pre.len) < 0 ||
		    am_buf_add(&jm->v, "\n", 1) < 0)
			return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
		jm->hist = jm->v.len;
		am_buf_free(&jm->pre);
	}
	for (i = 0; i < nsegs && segs[i].off < upto; i++) {
		const struct am_json_seg *g = &segs[i];
		int r;

		if (g->type == AM_JSON_RAW && (memchr(g->raw, '{', g->raw_len) ||
		    memchr(g->raw, '}', g->raw_len)))
			jm->have_pair = 0, jm->obj_edge = 1;
		if (g->type == AM_JSON_STRING && !g->depth)
			jm->new_record = 1;	/* a top-level string */
		if (g->type != AM_JSON_STRING) {
			r = jm->dir != AM_DIR_UNMASK ? add_numbers(jm, g) : 0;
			jm->new_record |= reaches_top(g);
		}
		else if (g->piece & AM_JSON_PIECE_CONT)
			r = add_cont(jm, g);
		else
			r = add_str(jm, g);
		if (r < 0)
			return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
		/* A piece with more to come ends the feed. */
		jm->open = g->type == AM_JSON_STRING &&
		    (g->piece & AM_JSON_PIECE_MORE);
	}

	am->nparts = 0;
	done = limit = jm->v.len;
	if (jm->open)
		limit = open_limit(jm);
	if (jm->v.len) {
		memset(&vs, 0, sizeof(vs));
		vs.buf = jm->v.buf;
		vs.len = jm->v.len;
		vs.hist = jm->hist;
		vs.line = 1;
		vs.eof = 1;
		vs.outfd = -1;
		vs.line_at = line_at;
		vs.line_ctx = jm;
		switch (jm->dir) {
		case AM_DIR_MASK:
			/* Counted as written: a key's copy in front of its
			 * values finds the key's identifiers again. */
			rc = am_mask_window(am, &vs, limit, &done);
			break;
		case AM_DIR_SCAN:
			rc = am_scan_window(am, &vs, limit, &done);
			break;
		case AM_DIR_UNMASK:
			rc = am_unmask_window(am, &vs, limit, &done,
			    jm->cb->unknown, jm->cb->arg);
			break;
		}
	}
	if (rc == AWSMASK_OK && jm->open)
		rc = carry_tail(jm, done);
	if (rc == AWSMASK_OK)
		rc = jm->dir == AM_DIR_SCAN ? report_found(jm) :
		    emit_segs(jm, segs, nsegs, complete, upto);
	am_release_items(am);
	if (rc == AWSMASK_OK && jm->autom && jm->dir == AM_DIR_SCAN)
		notes_flush(jm, eof && !jrc ? ULLONG_MAX : complete);
	if (rc == AWSMASK_OK)
		rc = commit(jm, eof && !jrc);
	if (rc == AWSMASK_OK && jm->autom && eof && !jrc)
		notes_flush(jm, ULLONG_MAX);
	if (rc == AWSMASK_OK && jrc && jm->autom) {
		jm->failed = 1;
		jm->jerr = jerr;
		return AWSMASK_OK;
	}
	if (rc == AWSMASK_OK && jrc)
		rc = am_seterr(&am->err, AWSMASK_EDATA, "%s", jerr.msg);
	return rc;
}

static int
jm_init(struct jm *jm, struct awsmask *am, enum am_dir dir, int format,
    int outfd)
{
	int rc;

	memset(jm, 0, sizeof(*jm));
	jm->am = am;
	jm->dir = dir;
	jm->outfd = outfd;
	jm->spill = -1;
	jm->v = (struct am_buf)AM_BUF_INIT;
	jm->key = (struct am_buf)AM_BUF_INIT;
	jm->pair = (struct am_buf)AM_BUF_INIT;
	rc = am_json_new(&jm->j, format == AWSMASK_FORMAT_JSON ? AM_JSON_ONE :
	    AM_JSON_SEQ, &am->err);
	return rc;
}

static void
jm_free(struct jm *jm)
{
	am_json_free(jm->j);
	am_buf_free(&jm->v);
	am_buf_free(&jm->key);
	am_buf_free(&jm->pair);
	am_buf_free(&jm->ctext);
	am_buf_free(&jm->craw);
	am_buf_free(&jm->cseg_raw);
	am_buf_free(&jm->cseg_text);
	am_buf_free(&jm->notetok);
	am_buf_free(&jm->pre);
	am_free(jm->notes);
	am_free(jm->strs);
	if (jm->spill >= 0)
		close(jm->spill);
}

/* The end of an input read from a file descriptor. */
static void
jm_fini(struct jm *jm)
{
	struct awsmask *am = jm->am;

	if (am->input_format != AWSMASK_FORMAT_TEXT && jm->j &&
	    am_json_values(jm->j) > 1)
		am->input_format = AWSMASK_FORMAT_NDJSON;
	jm_free(jm);
	/* A failed input leaves nothing of its unfinished value behind. */
	if (jm->outfd >= 0)
		am_buf_reset(&am->out);
}

/* The format wanted for the next input: AUTO, or the one forced. */
int
am_json_wanted_format(const struct awsmask *am)
{
	return am->format_force ? am->format_force : am->cfg->format;
}

/* The format to read an input as (not AUTO: automode.c decides per
 * document); noted for -v. */
int
am_json_choose_format(struct awsmask *am, const char *p, size_t n)
{
	(void)p;
	(void)n;
	return am->input_format = am_json_wanted_format(am);
}

/*
 * Mask, scan or unmask the JSON input whose first `have` bytes are in
 * buf (a block's room), reading the rest from infd unless eof.
 */
int
am_json_process_fd(struct awsmask *am, char *buf, size_t have, int eof,
    int infd, int outfd, unsigned flags, int format, enum am_dir dir,
    const struct am_callbacks *cb)
{
	struct jm jm;
	ssize_t n;
	int rc;

	if ((rc = jm_init(&jm, am, dir, format, outfd)))
		goto out;
	/* A string longer than a block is not held whole. */
	am_json_set_piece(jm.j, BLOCK);
	jm.cb = cb;
	for (;;) {
		/* Keep a number whole: its digits wait for the next block. */
		size_t feed = have;

		while (!eof && feed > 0 && (numeric(buf[feed - 1]) ||
		    buf[feed - 1] == '-' || buf[feed - 1] == '+'))
			feed--;
		if (!feed)
			feed = have;
		if ((rc = jm_block(&jm, buf, feed, eof)) || eof)
			break;
		memmove(buf, buf + feed, have - feed);
		have -= feed;
		n = am_read_block(infd, buf + have, BLOCK - have, flags, &eof);
		if (n < 0) {
			jm_fini(&jm);
			goto readerr;
		}
		have += (size_t)n;
		am->counts.bytes_in += (unsigned long long)n;
	}
	jm_fini(&jm);
out:
	/* Bad JSON is this input's failure: the next one can still go. */
	if (rc == AWSMASK_EDATA)
		am->err.code = AWSMASK_OK;
	return rc;
readerr:
	/* As in text mode: the message stays, the code does not stick. */
	rc = am_seterr_errno(&am->err, AWSMASK_EIO, "read error");
	am->err.code = AWSMASK_OK;
	return rc;
}

/* The same for a whole buffer; output collects in am->out. */
int
am_json_process_buffer(struct awsmask *am, const char *in, size_t len,
    int format, enum am_dir dir, const struct am_callbacks *cb)
{
	struct jm jm;
	int rc;

	am_buf_reset(&am->out);
	am->counts.bytes_in += len;
	if ((rc = jm_init(&jm, am, dir, format, -1)))
		return rc;
	jm.cb = cb;
	rc = jm_block(&jm, in ? in : "", len, 1);
	jm_free(&jm);
	if (rc == AWSMASK_EDATA)
		am->err.code = AWSMASK_OK;
	return rc;
}

/*
 * A JSON section of an input read with --format auto (automode.c): it
 * starts at stream offset off, at the start of line `line`, and its
 * output goes to outfd (or collects in am->out after what is there).
 * pre is the text before it, context for the evidence of its names.
 */
struct am_jsec {
	struct jm jm;
};

int
am_jsec_new(struct awsmask *am, enum am_dir dir, int outfd,
    const struct am_callbacks *cb, unsigned long long off,
    unsigned long long line, const char *pre, size_t prelen,
    struct am_jsec **out)
{
	struct am_jsec *x;
	int rc;

	*out = NULL;
	if (!(x = am_calloc(1, sizeof(*x))))
		return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
	if ((rc = jm_init(&x->jm, am, dir, AWSMASK_FORMAT_NDJSON, outfd))) {
		jm_free(&x->jm);
		am_free(x);
		return rc;
	}
	am_json_set_piece(x->jm.j, BLOCK);
	am_json_set_origin(x->jm.j, off, line);
	x->jm.cb = cb;
	x->jm.autom = 1;
	x->jm.mark = outfd < 0 ? am->out.len : 0;
	x->jm.pre = (struct am_buf)AM_BUF_INIT;
	if (prelen && am_buf_add(&x->jm.pre, pre, prelen) < 0) {
		am_jsec_free(x);
		return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
	}
	*out = x;
	return AWSMASK_OK;
}

/*
 * Feed the next n bytes (eof: the last).  *failed is set when they are
 * not JSON: everything before *lc (the line-complete offset, see json.h)
 * has been written, what came after it was dropped, and the caller reads
 * on from *lc as text.
 */
int
am_jsec_feed(struct am_jsec *x, const char *p, size_t n, int eof,
    unsigned long long *lc, int *failed)
{
	struct jm *jm = &x->jm;
	struct awsmask *am = jm->am;
	int rc = jm_block(jm, p, n, eof);

	*lc = am_json_line_complete_offset(jm->j);
	*failed = jm->failed;
	if (rc || !jm->failed)
		return rc;
	/* Drop what is held: the text that replaces it is read again. */
	am->counts.identifiers -= jm->held_ids;
	jm->held_ids = 0;
	jm->nnotes = 0;
	if (jm->outfd < 0) {
		am->out.len = jm->mark;
		if (am->out.buf)
			am->out.buf[am->out.len] = '\0';
	} else {
		am_buf_reset(&am->out);
		if (jm->spill >= 0 && (ftruncate(jm->spill, 0) < 0 ||
		    lseek(jm->spill, 0, SEEK_SET) < 0))
			return am_seterr_errno(&am->err, AWSMASK_EIO,
			    "cannot drop held output");
	}
	return AWSMASK_OK;
}

/* The offset of what made the section fail, and the tokenizer's message. */
unsigned long long
am_jsec_error(const struct am_jsec *x, const char **msg)
{
	*msg = x->jm.jerr.msg;
	return am_json_error_offset(x->jm.j);
}

/*
 * The section can no longer be read again (its input is gone): what it
 * found cannot be taken back either, so it goes out now, and the notes
 * of a long document do not pile up.
 */
void
am_jsec_commit_notes(struct am_jsec *x)
{
	notes_flush(&x->jm, ULLONG_MAX);
	x->jm.held_ids = 0;
}

unsigned long long
am_jsec_values(const struct am_jsec *x)
{
	return am_json_values(x->jm.j);
}

void
am_jsec_free(struct am_jsec *x)
{
	if (!x)
		return;
	jm_free(&x->jm);
	am_free(x);
}
