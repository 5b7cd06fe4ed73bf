/*
 * automode.c - --format auto: the format is chosen per document, not
 * per input.
 *
 * An input is read as text, and a line whose first byte after blanks is
 * '{' or '[' starts a JSON section when what follows it parses as JSON
 * (up to TRY_MAX bytes, or up to an error after at least one whole line
 * of JSON values).  A section goes on through any number of values, one
 * a line or spread over many, and ends where the JSON does: at the end
 * of the input, or at a byte that is not JSON.  Output of a section is
 * committed at the ends of its lines that hold only whole values
 * (am_json_line_complete_offset()); when the JSON goes wrong, what it
 * held is dropped and its input, from the last such line end, is read
 * again as text, with no section starting before the line after the bad
 * byte.  So a JSON document followed by text, text with NDJSON records
 * inside, a document after a preamble, a truncated document: each part
 * is read in its own mode, and nothing goes out that was not masked.
 *
 * To read a section again, its input since the last committed line end
 * stays in the buffer, up to RAW_MAX bytes.  A value longer than that
 * which then turns out invalid cannot be read again: it is an error, as
 * with --format ndjson (exit 65, nothing of it written).
 *
 * The text windows are those of stream.c's driver, cut short at the
 * line where a section starts.
 */
#include "mask.h"
#include "json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCK AM_STREAM_BLOCK
#define READ_MAX AM_STREAM_READ
#define MARGIN AM_STREAM_MARGIN
#define RAW_MAX (2 * 1024 * 1024)	/* a section's input kept to re-read */
#define TRY_MAX 4096			/* bytes a section start is tried on */
#define PRE_MAX 2048			/* text before a section, as context */
#define CAP_MAX (RAW_MAX + BLOCK + MARGIN + 2 * READ_MAX + AM_CONTEXT)

struct au {
	struct awsmask *am;
	struct am_stream s;
	int infd;			/* -1: read from in */
	const char *in;
	size_t inlen, inpos;
	unsigned flags;
	enum am_dir dir;
	const struct am_callbacks *cb;
	process_fn *process;
	struct am_jsec *js;		/* the JSON section being read */
	unsigned long long fed;		/* stream offset: fed to js so far */
	unsigned long long text_to;	/* no section starts on its line */
	int text_to_set;
	int overflow;			/* js's input before hist is gone */
	int saw_text, saw_json;
	unsigned long long values;
	unsigned long long ahead;	/* names learnt from the input up to */
};

/* JSON's whitespace, and a byte that may go on a number. */
static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int
numeric(char c)
{
	return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' ||
	    c == '-' || c == '+';
}

/* One read into the buffer; 0, or an error (the input's). */
static int
au_read(struct au *a)
{
	struct am_stream *s = &a->s;
	size_t room = s->cap - s->len;
	ssize_t n;

	if (room > READ_MAX)
		room = READ_MAX;
	if (a->infd < 0) {
		n = (ssize_t)(a->inlen - a->inpos < room ? a->inlen - a->inpos :
		    room);
		memcpy(s->buf + s->len, a->in + a->inpos, (size_t)n);
		a->inpos += (size_t)n;
	} else {
		do
			n = read(a->infd, s->buf + s->len, room);
		while (n < 0 && errno == EINTR);
		if (n < 0) {
			/* The message stays, the code does not stick. */
			int rc = am_seterr_errno(&a->am->err, AWSMASK_EIO,
			    "read error");

			a->am->err.code = AWSMASK_OK;
			return rc;
		}
	}
	a->am->counts.bytes_in += (unsigned long long)n;
	if (n == 0)
		s->eof = 1;
	s->len += (size_t)n;
	return AWSMASK_OK;
}

/*
 * Read as one text, a block learns the names its contexts teach before
 * any of it is masked, so a name is masked also where it comes before
 * the context that tells (a --trail-name before the trail's ARN in the
 * output below it).  A text window cut short by a JSON section would not
 * see what comes after: learn from the rest of the buffer first, as
 * text, once per byte.
 */
static int
learn_ahead(struct au *a, size_t from)
{
	struct am_stream v = a->s;
	size_t lim, done;
	const char *nl;
	int rc;

	if (a->dir == AM_DIR_UNMASK)
		return AWSMASK_OK;
	if (a->ahead > v.base + from)
		from = (size_t)(a->ahead - v.base);
	if (from >= v.len)
		return AWSMASK_OK;
	lim = v.len;
	if (!v.eof && (nl = memrchr(v.buf + from, '\n', v.len - from)))
		lim = (size_t)(nl - v.buf) + 1;
	else if (!v.eof)
		return AWSMASK_OK;
	v.hist = from;
	v.grow = 0;
	v.outfd = -1;
	rc = am_scan_window(a->am, &v, lim, &done);
	a->am->nparts = 0;
	a->ahead = v.base + lim;
	return rc;
}

/*
 * Does JSON start at buf[c]: do the bytes from there parse, as far as
 * TRY_MAX of them go, or up to an error after a whole line of values?
 */
static int
json_starts(struct au *a, size_t c)
{
	const struct am_stream *s = &a->s;
	struct am_error err = { AWSMASK_OK, "" };
	const struct am_json_seg *segs;
	struct am_json *j;
	size_t n = s->len - c, nsegs;
	int eof = s->eof, rc;

	if (n > TRY_MAX) {
		n = TRY_MAX;
		eof = 0;
	}
	if (am_json_new(&j, AM_JSON_SEQ, &err))
		return 0;	/* read as text: safe */
	rc = am_json_feed(j, s->buf + c, n, eof, &segs, &nsegs, &err);
	rc = rc == AWSMASK_OK || (rc == AWSMASK_EDATA &&
	    am_json_line_complete_offset(j) > 0);
	am_json_free(j);
	return rc;
}

/* Where in [hist, limit) a JSON section starts; limit if nowhere. */
static size_t
next_section(struct au *a, size_t limit)
{
	const struct am_stream *s = &a->s;
	const char *b = s->buf;
	size_t p = s->hist;

	while (p < limit) {
		if ((p == 0 && s->base == 0) || (p > 0 && b[p - 1] == '\n')) {
			size_t q = p;

			while (q < s->len && (b[q] == ' ' || b[q] == '\t'))
				q++;
			if (q < s->len && (b[q] == '{' || b[q] == '[') &&
			    (!a->text_to_set || s->base + p > a->text_to) &&
			    json_starts(a, p))
				return p;
		}
		const char *nl = memchr(b + p, '\n', limit - p);

		if (!nl)
			break;
		p = (size_t)(nl - b) + 1;
	}
	return limit;
}

static int
flush_out(struct au *a)
{
	struct awsmask *am = a->am;

	if (a->s.outfd < 0 || !am->out.len)
		return AWSMASK_OK;
	if (am_write_all(a->s.outfd, am->out.buf, am->out.len) < 0)
		return am_seterr_errno(&am->err, AWSMASK_EIO, "write error");
	am_buf_reset(&am->out);
	return AWSMASK_OK;
}

/* 1: go on; 0: the input is done; or an error, negated. */
#define GO_ON 1
#define DONE 0

static int
text_step(struct au *a)
{
	struct am_stream *s = &a->s;
	size_t limit, c, done, i;
	int rc;

	/* Line by line, what a section left is read before waiting. */
	if (!s->eof && !((a->flags & AWSMASK_LINE_BUFFERED) &&
	    am_stream_limit(s) > s->hist)) {
		if ((rc = au_read(a)))
			return -rc;
		if (!s->eof && !(a->flags & AWSMASK_LINE_BUFFERED) &&
		    s->len - s->hist < BLOCK)
			return GO_ON;
	}
	limit = am_stream_limit(s);
	if (limit > s->hist) {
		c = next_section(a, limit);
		if (c == s->hist) {
			size_t pre = c > PRE_MAX ? PRE_MAX : c;

			/* The text before the section is written first. */
			if ((rc = am_mask_drain(a->am)) || (rc = flush_out(a)))
				return -rc;

			rc = am_jsec_new(a->am, a->dir, s->outfd, a->cb,
			    s->base + c, s->line, s->buf + c - pre, pre, &a->js);
			if (rc)
				return -rc;
			a->fed = s->base + c;
			a->overflow = 0;
			return GO_ON;
		}
		for (i = s->hist; !a->saw_text && i < c; i++)
			a->saw_text = !is_ws(s->buf[i]);
		if (c < limit && (rc = learn_ahead(a, c)))
			return -rc;
		rc = a->process(a->am, s, c, &done, (void *)a->cb);
		if (rc == AWSMASK_OK)
			rc = flush_out(a);
		if (rc == AWSMASK_OK && s->need)
			rc = am_stream_grow(a->am, &a->s, CAP_MAX);
		if (rc)
			return -rc;
		/* Before a section, keep what it takes as context. */
		am_stream_shift(s, done, c < limit ? PRE_MAX : AM_CONTEXT);
	}
	return s->eof && s->hist >= s->len ? DONE : GO_ON;
}

static void
section_end(struct au *a)
{
	a->values += am_jsec_values(a->js);
	am_jsec_free(a->js);
	a->js = NULL;
}

static int
json_step(struct au *a)
{
	struct am_stream *s = &a->s;
	size_t fi = (size_t)(a->fed - s->base), n;
	unsigned long long lc;
	int rc, failed, last;

	/* Keep a number whole: its digits wait for the next read. */
	n = s->len - fi;
	while (!s->eof && n > 0 && numeric(s->buf[fi + n - 1]))
		n--;
	if (!s->eof && ((a->flags & AWSMASK_LINE_BUFFERED) ? !n :
	    s->len - fi < BLOCK)) {
		if (s->cap - s->len < READ_MAX) {
			if (s->len - s->hist > RAW_MAX) {
				/* Too long to read again: commit to JSON. */
				a->overflow = 1;
				am_stream_shift(s, fi, AM_CONTEXT);
				am_jsec_commit_notes(a->js);
				return GO_ON;
			}
			if ((rc = am_stream_grow(a->am, &a->s, CAP_MAX)))
				return -rc;
		}
		if ((rc = au_read(a)))
			return -rc;
		return GO_ON;
	}
	if (!n)
		n = s->len - fi;	/* a block of digits, or the end */
	last = s->eof && fi + n == s->len;
	rc = am_jsec_feed(a->js, s->buf + fi, n, last, &lc, &failed);
	a->fed += n;
	if (rc)
		return -rc;
	if (lc > s->base + s->hist)
		a->saw_json = 1;
	if (failed) {
		const char *msg;
		unsigned long long at = am_jsec_error(a->js, &msg);

		if (lc < s->base + s->hist) {
			/* Its input is gone: it cannot be read again. */
			rc = am_seterr(&a->am->err, AWSMASK_EDATA, "%s", msg);
			a->am->err.code = AWSMASK_OK;	/* this input's */
			section_end(a);
			return -rc;
		}
		section_end(a);
		a->text_to = at;
		a->text_to_set = 1;
		am_stream_shift(s, (size_t)(lc - s->base), AM_CONTEXT);
		return GO_ON;
	}
	if (last) {
		a->saw_json = 1;
		section_end(a);
		am_stream_shift(s, s->len, AM_CONTEXT);
		return DONE;
	}
	if (lc > s->base + s->hist) {
		am_stream_shift(s, (size_t)(lc - s->base), AM_CONTEXT);
		a->overflow = 0;
	} else if (a->overflow) {
		am_stream_shift(s, (size_t)(a->fed - s->base), AM_CONTEXT);
		am_jsec_commit_notes(a->js);
	}
	return GO_ON;
}

static int
au_run(struct au *a)
{
	struct awsmask *am = a->am;
	int r;

	if (am->err.code)
		return am->err.code;
	a->s.line = 1;
	a->s.grow = 1;
	a->s.cap = BLOCK + MARGIN + READ_MAX + AM_CONTEXT;
	if (!(a->s.buf = am_malloc(a->s.cap)))
		return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
	/* Text windows overlap the store's work (am_process_mask()). */
	a->s.overlap = a->dir == AM_DIR_MASK && a->infd >= 0 &&
	    a->process == am_process_mask &&
	    !(a->flags & AWSMASK_LINE_BUFFERED);
	do
		r = a->js ? json_step(a) : text_step(a);
	while (r == GO_ON);
	if (a->js)
		section_end(a);
	if (a->s.overlap && am->held.on) {
		int rc = am_mask_finish(am, r < 0 ? -r : AWSMASK_OK);

		/* Written unless the context failed: flushed. */
		if (rc == AWSMASK_OK || !am->err.code) {
			int wrc = flush_out(a);

			if (rc == AWSMASK_OK)
				rc = wrc;
		}
		if (rc != AWSMASK_OK)
			r = -rc;
	}
	am_free(a->s.buf);
	if (r < 0 && a->s.outfd >= 0)
		am_buf_reset(&am->out);	/* nothing of a failed part */
	/* What it was read as, for -v: AUTO for a mix. */
	if (!a->saw_json)
		am->input_format = AWSMASK_FORMAT_TEXT;
	else if (a->saw_text)
		am->input_format = AWSMASK_FORMAT_AUTO;
	else
		am->input_format = a->values > 1 ? AWSMASK_FORMAT_NDJSON :
		    AWSMASK_FORMAT_JSON;
	return r < 0 ? -r : AWSMASK_OK;
}

int
am_auto_process_fd(struct awsmask *am, int infd, int outfd, unsigned flags,
    enum am_dir dir, const struct am_callbacks *cb, process_fn *process)
{
	struct au a;

	memset(&a, 0, sizeof(a));
	a.am = am;
	a.infd = infd;
	a.s.outfd = outfd;
	a.flags = flags;
	a.dir = dir;
	a.cb = cb;
	a.process = process;
	return au_run(&a);
}

int
am_auto_process_buffer(struct awsmask *am, const char *in, size_t len,
    enum am_dir dir, const struct am_callbacks *cb, process_fn *process)
{
	struct au a;

	if (!in && len)
		return AWSMASK_EINVAL;
	am_buf_reset(&am->out);
	memset(&a, 0, sizeof(a));
	a.am = am;
	a.infd = -1;
	a.in = in;
	a.inlen = len;
	a.s.outfd = -1;
	a.dir = dir;
	a.cb = cb;
	a.process = process;
	return au_run(&a);
}
