/*
 * sse.c - a server-sent events parser: bytes in, events out.
 *
 * It follows the event-stream grammar of the WHATWG HTML standard
 * (9.2.6 "Interpreting an event stream"): lines end in CRLF, LF or CR;
 * a line starting with ':' is a comment; "field: value" drops one space
 * after the colon; "event" sets the type, every "data" line adds its
 * value and a LF; an empty line dispatches the event, without the last
 * LF, unless no data came; a UTF-8 byte order mark at the very start is
 * skipped.  "id" and "retry" are read and dropped: a client that does
 * not reconnect has no use for them.  At the end of the stream an event
 * without its empty line is not dispatched (am_sse_pending() says there
 * was one).
 *
 * The parser is a pure function of the bytes it is fed: no I/O, no
 * clock, no globals.  A frame may be cut anywhere, a CRLF included,
 * between two calls.  Memory is bounded by the largest event allowed.
 */
#include "internal.h"

#include <string.h>

void
am_sse_init(struct am_sse *p, size_t max_event)
{
	memset(p, 0, sizeof(*p));
	p->max = max_event ? max_event : AM_SSE_MAX_EVENT;
}

void
am_sse_release(struct am_sse *p)
{
	am_buf_free(&p->line);
	am_buf_free(&p->type);
	am_buf_free(&p->data);
	am_sse_init(p, p->max);
}

int
am_sse_pending(const struct am_sse *p)
{
	return p->line.len > 0 || p->dirty;
}

/*
 * Would keeping `more` bytes of an unfinished line pass the bound?  The
 * data gathered so far counts: the line may be more of it.
 */
static int
too_big(const struct am_sse *p, size_t more)
{
	return p->line.len + p->data.len + more > p->max;
}

/* One whole line (without its end): a field, a comment, or dispatch. */
static int
line(struct am_sse *p, const char *s, size_t n, am_sse_fn *fn, void *arg)
{
	struct am_sse_event ev;
	const char *colon, *v;
	size_t fl, vl;
	int rc;

	if (n == 0) {
		if (p->data.len) {
			ev.type = p->type.len ? p->type.buf : "message";
			ev.type_len = p->type.len ? p->type.len : 7;
			ev.data = p->data.buf;
			ev.data_len = p->data.len - 1;	/* the last LF */
			p->data.buf[ev.data_len] = '\0';
			rc = fn(arg, &ev);
		} else
			rc = 0;
		am_buf_reset(&p->type);
		am_buf_reset(&p->data);
		p->dirty = 0;
		return rc;
	}
	if (s[0] == ':')
		return 0;
	colon = memchr(s, ':', n);
	fl = colon ? (size_t)(colon - s) : n;
	v = colon ? colon + 1 : s + n;
	vl = (size_t)(s + n - v);
	if (vl && *v == ' ') {
		v++;
		vl--;
	}
	if (fl == 5 && !memcmp(s, "event", 5)) {
		am_buf_reset(&p->type);
		if (am_buf_add(&p->type, v, vl) < 0)
			return AWSMASK_ENOMEM;
		p->dirty = 1;
	} else if (fl == 4 && !memcmp(s, "data", 4)) {
		if (p->data.len + vl + 1 > p->max)
			return AWSMASK_EDATA;
		if (am_buf_add(&p->data, v, vl) < 0 ||
		    am_buf_add(&p->data, "\n", 1) < 0)
			return AWSMASK_ENOMEM;
		p->dirty = 1;
	} else if ((fl == 2 && !memcmp(s, "id", 2)) ||
	    (fl == 5 && !memcmp(s, "retry", 5))) {
		p->dirty = 1;
	}
	return 0;
}

int
am_sse_feed(struct am_sse *p, const char *buf, size_t n, am_sse_fn *fn,
    void *arg)
{
	static const char bom[] = "\xef\xbb\xbf";
	size_t i = 0, start;
	int rc;

	/* The byte order mark, which may itself come in pieces. */
	while (p->bom < 3 && i < n) {
		if ((unsigned char)buf[i] != (unsigned char)bom[p->bom]) {
			if (p->bom) {
				/* Not a BOM after all: its bytes were text. */
				if (am_buf_add(&p->line, bom, p->bom) < 0)
					return AWSMASK_ENOMEM;
			}
			p->bom = 3;
			break;
		}
		p->bom++;
		i++;
	}
	if (p->cr && i < n) {
		p->cr = 0;
		if (buf[i] == '\n')
			i++;
	}
	start = i;
	while (i < n) {
		const char *s;
		size_t len;
		char c = buf[i];

		if (c != '\n' && c != '\r') {
			i++;
			continue;
		}
		/* A whole line: straight from buf when nothing waits. */
		if (p->line.len) {
			if (too_big(p, i - start))
				return AWSMASK_EDATA;
			if (am_buf_add(&p->line, buf + start, i - start) < 0)
				return AWSMASK_ENOMEM;
			s = p->line.buf;
			len = p->line.len;
		} else {
			/* The same bound as a line that came in pieces. */
			if (too_big(p, i - start))
				return AWSMASK_EDATA;
			s = buf + start;
			len = i - start;
		}
		rc = line(p, s, len, fn, arg);
		am_buf_reset(&p->line);
		if (rc)
			return rc;
		i++;
		if (c == '\r') {
			if (i == n)
				p->cr = 1;
			else if (buf[i] == '\n')
				i++;
		}
		start = i;
	}
	if (start < n) {
		if (too_big(p, n - start))
			return AWSMASK_EDATA;
		if (am_buf_add(&p->line, buf + start, n - start) < 0)
			return AWSMASK_ENOMEM;
	}
	return 0;
}
