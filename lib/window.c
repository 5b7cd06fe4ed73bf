/*
 * window.c - what the window processors (mask.c, unmask.c, jsonmode.c)
 * and the stream layer share: reading a block, a window's parts and
 * store items, and writing a window out with its replacements.
 */
#include "mask.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

/* Read up to cap bytes (one read's worth when line buffered). */
ssize_t
am_read_block(int fd, char *buf, size_t cap, unsigned flags, int *eof)
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

/* Where matching may start: a little before hist inside a long line. */
size_t
am_scan_from(const struct am_stream *s)
{
	if (s->hist == 0 || s->buf[s->hist - 1] == '\n')
		return s->hist;
	return s->hist > AM_CONTEXT ? s->hist - AM_CONTEXT : 0;
}

unsigned long long
am_count_lines(const char *p, size_t n)
{
	unsigned long long c = 0;
	const char *e = p + n;

	while (p < e && (p = memchr(p, '\n', (size_t)(e - p)))) {
		c++;
		p++;
	}
	return c;
}

int
am_add_part(struct awsmask *am, const struct am_part *p)
{
	if (am->nparts == am->aparts) {
		size_t n = am->aparts ? am->aparts * 2 : 256;
		struct am_mpart *np = am_realloc(am->parts, n * sizeof(*np));

		if (!np)
			return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
		am->parts = np;
		am->aparts = n;
	}
	am->parts[am->nparts].start = p->start;
	am->parts[am->nparts].end = p->end;
	am->parts[am->nparts].prefix = p->prefix;
	am->parts[am->nparts].kind = p->kind;
	am->parts[am->nparts].tok = NULL;
	am->nparts++;
	return AWSMASK_OK;
}

int
am_add_item(struct awsmask *am, const char *key, size_t klen,
    const char *prefix, const char *kind, size_t *index)
{
	size_t n;
	const char *v = am_map_get(am->pending, key, klen, &n);

	if (v) {
		memcpy(index, v, sizeof(*index));
		return AWSMASK_OK;
	}
	if (am->nitems == am->aitems) {
		size_t na = am->aitems ? am->aitems * 2 : 256;
		struct am_store_item *ni = am_realloc(am->items, na * sizeof(*ni));

		if (!ni)
			return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
		am->items = ni;
		am->aitems = na;
	}
	*index = am->nitems;
	if (am_map_put(am->pending, key, klen, (const char *)index,
	    sizeof(*index)) < 0)
		return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
	memset(&am->items[am->nitems], 0, sizeof(am->items[0]));
	am->items[am->nitems].key = key;
	am->items[am->nitems].key_len = klen;
	am->items[am->nitems].prefix = prefix;
	am->items[am->nitems].kind = kind;
	am->nitems++;
	return AWSMASK_OK;
}

void
am_release_items(struct awsmask *am)
{
	am_store_items_release(am->items, am->nitems);
	am->nitems = 0;
	am_map_clear(am->pending);
}

/* Copy the store's failure into the context: it sticks there too. */
int
am_store_failed(struct awsmask *am, int rc)
{
	if (am->store && am->store->err.code)
		return am_seterr(&am->err, rc, "%s", am->store->err.msg);
	if (!am->err.code)
		return am_seterr(&am->err, rc, "store failed");
	return rc;
}

/* Write [from, to) of buf with every part replaced by its token. */
int
am_emit(struct awsmask *am, const char *buf, size_t from, size_t to)
{
	size_t i, at = from;
	int rc = 0;

	for (i = 0; i < am->nparts; i++) {
		const struct am_mpart *p = &am->parts[i];

		rc |= am_buf_add(&am->out, buf + at, p->start - at);
		rc |= am_buf_add(&am->out, p->tok, p->toklen);
		at = p->end;
	}
	rc |= am_buf_add(&am->out, buf + at, to - at);
	return rc ? am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory") : 0;
}

/* Where the next window ends; hist when more input is needed first. */
size_t
am_stream_limit(const struct am_stream *s)
{
	const char *nl;

	if (s->eof)
		return s->len;
	nl = memrchr(s->buf + s->hist, '\n', s->len - s->hist);
	if (nl)
		return (size_t)(nl - s->buf) + 1;
	if (s->len - s->hist >= AM_STREAM_BLOCK)
		return s->len - AM_STREAM_MARGIN;
	return s->hist;
}

/* Drop what is finished, keeping ctx bytes of it for look-behind. */
void
am_stream_shift(struct am_stream *s, size_t done, size_t ctx)
{
	size_t keep = done > ctx ? done - ctx : 0;

	s->line += am_count_lines(s->buf + s->hist, done - s->hist);
	if (keep) {
		memmove(s->buf, s->buf + keep, s->len - keep);
		s->len -= keep;
		s->base += keep;
	}
	s->hist = done - keep;
}

/*
 * A window ended in a value still going on: make room to read on.  One
 * value may take AM_LONG_MAX bytes (max is the buffer that allows);
 * past that it is refused, not cut, since the cut-off rest would go out
 * in clear.
 */
int
am_stream_grow(struct awsmask *am, struct am_stream *s, size_t max)
{
	size_t cap;
	char *nb;

	s->need = 0;
	if (s->cap - s->len >= AM_STREAM_READ)
		return AWSMASK_OK;
	if (s->cap >= max) {
		am_seterr(&am->err, AWSMASK_EDATA, "a credential value longer "
		    "than %d bytes: refusing to write it", AM_LONG_MAX);
		am->err.code = AWSMASK_OK;	/* this input's, as a read error */
		return AWSMASK_EDATA;
	}
	cap = s->cap * 2 < max ? s->cap * 2 : max;
	if (!(nb = am_realloc(s->buf, cap)))
		return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
	s->buf = nb;
	s->cap = cap;
	return AWSMASK_OK;
}
