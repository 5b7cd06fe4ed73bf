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
#include <unistd.h>

#define BLOCK (256 * 1024)		/* input fed to the tokenizer at once */
#define HOLD_MAX (4 * 1024 * 1024)	/* held output kept in memory */
#define KEY_CONTEXT_MAX 128		/* longest key copied as context */

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
	struct am_buf pair;		/* a "Name"/"Key" value awaiting "Value" */
	size_t pair_depth;
	int have_pair;
	int outfd;			/* -1: collect in am->out */
	size_t mark;			/* am->out before here is complete */
	int spill;			/* held output past HOLD_MAX, or -1 */
	const struct am_callbacks *cb;
};

int
awsmask_format_parse(const char *name)
{
	static const char *const names[] = { "auto", "text", "json", "ndjson" };
	size_t i;

	for (i = 0; name && i < AM_ARRAY_SIZE(names); i++)
		if (!strcmp(name, names[i]))
			return (int)i;
	return -1;
}

const char *
awsmask_format_name(int format)
{
	switch (format) {
	case AWSMASK_FORMAT_AUTO:
		return "auto";
	case AWSMASK_FORMAT_TEXT:
		return "text";
	case AWSMASK_FORMAT_JSON:
		return "json";
	case AWSMASK_FORMAT_NDJSON:
		return "ndjson";
	}
	return NULL;
}

int
awsmask_input_format(const struct awsmask *am)
{
	return am ? am->input_format : AWSMASK_FORMAT_AUTO;
}

void
awsmask_set_report(struct awsmask *am, awsmask_report_fn *fn, void *arg)
{
	if (am) {
		am->report = fn;
		am->report_arg = arg;
	}
}

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
static int
key_context_ok(const char *k, size_t n)
{
	size_t i;

	if (!k || !n || n > KEY_CONTEXT_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (k[i] == '"' || k[i] == '\\' || (unsigned char)k[i] < 0x20)
			return 0;
	return 1;
}

static int
add_entry(struct jm *jm, const struct am_json_seg *seg, const char *key,
    size_t key_len, const char *text, size_t len)
{
	struct am_buf *v = &jm->v;
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
	rc |= am_buf_add(v, "\n", 1);
	if (key_context_ok(key, key_len)) {
		rc |= am_buf_add(v, "\"", 1);
		rc |= am_buf_add(v, key, key_len);
		rc |= am_buf_add(v, "\": \"", 4);
	}
	e = &jm->strs[jm->nstrs++];
	memset(e, 0, sizeof(*e));
	e->seg = seg;
	e->vstart = v->len;
	rc |= am_buf_add(v, text, len);
	e->vend = v->len;
	rc |= am_buf_add(v, "\"", 1);
	return rc;
}

/* Is [k, k+n) the key word w, in either case of its first letter? */
static int
key_is(const char *k, size_t n, const char *w)
{
	size_t l = strlen(w);

	return n == l && (k[0] | 0x20) == w[0] && !memcmp(k + 1, w + 1, l - 1);
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

	if (seg->is_key) {
		am_buf_reset(&jm->key);
		if (am_buf_add(&jm->key, seg->text, seg->text_len) < 0)
			return -1;
		return add_entry(jm, seg, NULL, 0, seg->text, seg->text_len);
	}
	if (k && (key_is(k, kl, "name") || key_is(k, kl, "key"))) {
		jm->have_pair = key_context_ok(seg->text, seg->text_len);
		jm->pair_depth = seg->depth;
		am_buf_reset(&jm->pair);
		if (jm->have_pair &&
		    am_buf_add(&jm->pair, seg->text, seg->text_len) < 0)
			return -1;
	} else if (k && key_is(k, kl, "value") && jm->have_pair &&
	    seg->depth == jm->pair_depth) {
		k = jm->pair.buf;
		kl = jm->pair.len;
		jm->have_pair = 0;
	}
	return add_entry(jm, seg, k, kl, seg->text, seg->text_len);
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
	struct walk w = { seg->raw, 1, 0 };
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

		rc |= am_buf_add(&am->out, "\"", 1);
		for (k = first; k < last && !rc; k++) {
			const struct am_mpart *p = &am->parts[k];

			rc |= add_escaped(am, t + at, p->start - st->vstart - at);
			rc |= add_escaped(am, p->tok, p->toklen);
			at = p->end - st->vstart;
		}
		if (!rc)
			rc |= add_escaped(am, t + at, st->vend - st->vstart - at);
		rc |= am_buf_add(&am->out, "\"", 1);
	} else {
		for (k = 0; k < n && !rc; k++) {
			const struct am_mpart *p = &am->parts[first + k];

			rc |= am_buf_add(&am->out, seg->raw + at, rstart[k] - at);
			rc |= add_escaped(am, p->tok, p->toklen);
			at = rend[k];
		}
		rc |= am_buf_add(&am->out, seg->raw + at, seg->raw_len - at);
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
			am->report(am->report_arg, p->kind, p->tok, p->toklen, off,
			    len);
		}
	}
	if (rstart != rbuf)
		am_free(rstart);
	return AWSMASK_OK;
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
		rc = am_buf_add(&am->out, seg->raw + at, st->rawoff - at);
		rc |= am_buf_add(&am->out, "\"", 1);
		for (k = first; k < last; k++) {
			const struct am_mpart *p = &am->parts[k];

			rc |= am_buf_add(&am->out, t + d, p->start - st->vstart - d);
			rc |= am_buf_add(&am->out, p->tok, p->toklen);
			d = p->end - st->vstart;
			if (am->report && jm->dir == AM_DIR_MASK)
				am->report(am->report_arg, p->kind, p->tok,
				    p->toklen, seg->off + st->rawoff +
				    (p->start - st->vstart), p->end - p->start);
		}
		rc |= am_buf_add(&am->out, t + d, n - d);
		rc |= am_buf_add(&am->out, "\"", 1);
		if (rc)
			return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
		at = st->rawoff + n;
	}
	if (am_buf_add(&am->out, seg->raw + at, to - at) < 0)
		return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
	return AWSMASK_OK;
}

/* Write the segments up to stream offset upto; set mark at complete. */
static int
emit_segs(struct jm *jm, const struct am_json_seg *segs, size_t nsegs,
    unsigned long long complete, unsigned long long upto)
{
	struct awsmask *am = jm->am;
	size_t i, s = 0, pi = 0, first, last;
	int rc;

	for (i = 0; i < nsegs; i++) {
		const struct am_json_seg *seg = &segs[i];
		unsigned long long end = seg->off + seg->raw_len;

		if (seg->off >= upto)
			break;
		if (seg->off == complete) {
			jm->mark = am->out.len;
			jm->marked = 1;
		}
		if (seg->type == AM_JSON_RAW) {
			size_t n = seg->raw_len;

			if (seg->off < complete && complete < end) {
				size_t cut = (size_t)(complete - seg->off);

				if ((rc = emit_raw(jm, seg, 0, cut, &s, &pi)))
					return rc;
				if (upto == complete) {
					/* A line's newline goes with it. */
					size_t ws = cut;

					while (ws < n && is_ws(seg->raw[ws]))
						ws++;
					if (am_buf_add(&am->out, seg->raw + cut,
					    ws - cut) < 0)
						goto nomem;
					jm->mark = am->out.len;
					jm->marked = 1;
					break;
				}
				jm->mark = am->out.len;
				jm->marked = 1;
				if ((rc = emit_raw(jm, seg, cut, n, &s, &pi)))
					return rc;
			} else if ((rc = emit_raw(jm, seg, 0, n, &s, &pi))) {
				return rc;
			}
		} else {
			const struct jm_str *st = &jm->strs[s++];

			if ((rc = parts_of(jm, st, &pi, &first, &last)))
				return rc;
			if (jm->dir == AM_DIR_MASK)
				am->counts.identifiers += last - first;
			if (first == last) {
				if (am_buf_add(&am->out, seg->raw, seg->raw_len) < 0)
					goto nomem;
			} else if ((rc = emit_string(jm, st, first, last))) {
				return rc;
			}
		}
		if (end == complete) {
			jm->mark = am->out.len;
			jm->marked = 1;
		}
	}
	return AWSMASK_OK;
nomem:
	return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
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
		struct walk w = { st->seg->raw, st->number ? st->rawoff : 1, 0 };

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
			am_report_found(jm->cb, p, line, off, len);
		}
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
	while (m < am->out.len && is_ws(am->out.buf[m]))
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
	if (am->out.len > HOLD_MAX)
		return spill_held(jm);
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
	size_t nsegs, i, done;
	struct am_stream vs;
	int jrc, rc = AWSMASK_OK;

	jrc = am_json_feed(jm->j, p, n, eof, &segs, &nsegs, &jerr);
	if (jrc && jrc != AWSMASK_EDATA)
		return am_seterr(&am->err, jrc, "%s", jerr.msg);
	complete = am_json_complete_offset(jm->j);
	if (jrc)
		upto = complete;

	am_buf_reset(&jm->v);
	jm->nstrs = 0;
	jm->marked = 0;
	for (i = 0; i < nsegs && segs[i].off < upto; i++) {
		const struct am_json_seg *g = &segs[i];

		if (g->type == AM_JSON_RAW && jm->have_pair &&
		    (memchr(g->raw, '{', g->raw_len) ||
		    memchr(g->raw, '}', g->raw_len)))
			jm->have_pair = 0;
		if ((g->type == AM_JSON_STRING ? add_str(jm, g) :
		    jm->dir != AM_DIR_UNMASK ? add_numbers(jm, g) : 0) < 0)
			return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
	}

	am->nparts = 0;
	if (jm->v.len) {
		memset(&vs, 0, sizeof(vs));
		vs.buf = jm->v.buf;
		vs.len = jm->v.len;
		vs.line = 1;
		vs.eof = 1;
		vs.outfd = -1;
		vs.line_at = line_at;
		vs.line_ctx = jm;
		switch (jm->dir) {
		case AM_DIR_MASK:
			/* Counted as written: a key's copy in front of its
			 * values finds the key's identifiers again. */
			rc = am_mask_window(am, &vs, vs.len, &done);
			break;
		case AM_DIR_SCAN:
			rc = am_scan_window(am, &vs, vs.len, &done);
			break;
		case AM_DIR_UNMASK:
			rc = am_unmask_window(am, &vs, vs.len, &done,
			    jm->cb->unknown, jm->cb->arg);
			break;
		}
	}
	if (rc == AWSMASK_OK)
		rc = jm->dir == AM_DIR_SCAN ? report_found(jm) :
		    emit_segs(jm, segs, nsegs, complete, upto);
	am_release_items(am);
	if (rc == AWSMASK_OK)
		rc = commit(jm, eof && !jrc);
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

/*
 * Does this start of an input look like JSON?  It must open with '{' or
 * '[' and parse as a sequence of values as far as it goes.
 */
static int
looks_like_json(const char *p, size_t n)
{
	struct am_json *j;
	struct am_error err = { AWSMASK_OK, "" };
	const struct am_json_seg *segs;
	size_t i, nsegs;
	int rc;

	for (i = 0; i < n && is_ws(p[i]); i++)
		;
	if (i == n || (p[i] != '{' && p[i] != '['))
		return 0;
	if (am_json_new(&j, AM_JSON_SEQ, &err))
		return 0;
	rc = am_json_feed(j, p, n, 0, &segs, &nsegs, &err);
	am_json_free(j);
	return rc == AWSMASK_OK;
}

/* The format to read an input as, from its start; noted for -v. */
static int
choose_format(struct awsmask *am, const char *p, size_t n)
{
	int format = am->format_force ? am->format_force : am->cfg->format;

	if (format == AWSMASK_FORMAT_AUTO) {
		format = looks_like_json(p, n) ? AWSMASK_FORMAT_NDJSON :
		    AWSMASK_FORMAT_TEXT;
		am->input_format = format == AWSMASK_FORMAT_TEXT ?
		    AWSMASK_FORMAT_TEXT : AWSMASK_FORMAT_JSON;
	} else {
		am->input_format = format;
	}
	return format;
}

/* The text path, for an input that is not JSON. */
static process_fn *const text_process[] = {
	[AM_DIR_MASK] = am_process_mask,
	[AM_DIR_SCAN] = am_process_scan,
	[AM_DIR_UNMASK] = am_process_unmask,
};

/* Read up to BLOCK bytes (one read's worth when line buffered). */
static ssize_t
read_block(int fd, char *buf, size_t cap, unsigned flags, int *eof)
{
	size_t len = 0;

	while (len < cap) {
		ssize_t n = read(fd, buf + len, cap - len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			*eof = 1;
			break;
		}
		len += (size_t)n;
		if (flags & AWSMASK_LINE_BUFFERED)
			break;
	}
	return (ssize_t)len;
}

int
am_json_run_fd(struct awsmask *am, int infd, int outfd, unsigned flags,
    enum am_dir dir, const struct am_callbacks *cb)
{
	struct jm jm;
	int format, eof = 0, rc;
	size_t have;
	char *buf;
	ssize_t n;

	if (am->err.code)
		return am->err.code;
	buf = am_malloc(BLOCK);
	if (!buf)
		return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
	n = read_block(infd, buf, BLOCK, flags, &eof);
	if (n < 0)
		goto readerr;
	am->counts.bytes_in += (unsigned long long)n;
	format = choose_format(am, buf, (size_t)n);
	if (format == AWSMASK_FORMAT_TEXT) {
		rc = am_run_fd(am, buf, (size_t)n, eof ? -1 : infd, outfd, flags,
		    text_process[dir], (void *)cb);
		am_free(buf);
		return rc;
	}
	if ((rc = jm_init(&jm, am, dir, format, outfd)))
		goto out;
	jm.cb = cb;
	have = (size_t)n;
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
		n = read_block(infd, buf + have, BLOCK - have, flags, &eof);
		if (n < 0) {
			jm_fini(&jm);
			goto readerr;
		}
		have += (size_t)n;
		am->counts.bytes_in += (unsigned long long)n;
	}
	jm_fini(&jm);
out:
	am_free(buf);
	/* Bad JSON is this input's failure: the next one can still go. */
	if (rc == AWSMASK_EDATA)
		am->err.code = AWSMASK_OK;
	return rc;
readerr:
	am_free(buf);
	/* As in text mode: the message stays, the code does not stick. */
	rc = am_seterr_errno(&am->err, AWSMASK_EIO, "read error");
	am->err.code = AWSMASK_OK;
	return rc;
}

int
am_json_run_buffer(struct awsmask *am, const char *in, size_t len,
    enum am_dir dir, const struct am_callbacks *cb)
{
	struct jm jm;
	int format, rc;

	if (am->err.code)
		return am->err.code;
	if (!in && len)
		return AWSMASK_EINVAL;
	format = choose_format(am, in, len);
	if (format == AWSMASK_FORMAT_TEXT)
		return am_run_buffer(am, in, len, text_process[dir], (void *)cb);
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
