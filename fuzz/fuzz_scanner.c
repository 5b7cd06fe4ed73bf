/*
 * fuzz_scanner.c - the scanner over any bytes: every match lies inside
 * the subject, matches come in order, and parts lie inside their match;
 * and the fast path (build-time tables, gates) finds exactly what the
 * reference path finds by trying every row at every start.
 */
#include "fuzz.h"
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* The next match of s from *from, checked; 1, or 0 at the end. */
static int
next(struct am_scanner *s, const uint8_t *data, size_t size, size_t *from,
    size_t *last, struct am_match *m)
{
	struct am_error err = { 0 };
	int r, i;

	r = am_scanner_next(s, (const char *)data, size, *from, size, m, &err);
	if (r < 0)
		abort();
	if (r == 0)
		return 0;
	if (m->start < *last || m->end > size || m->start > m->end ||
	    m->start < *from)
		abort();
	for (i = 0; i < m->nparts; i++)
		if (m->parts[i].start < m->start ||
		    m->parts[i].end > m->end ||
		    m->parts[i].start >= m->parts[i].end)
			abort();
	*last = m->end;
	*from = m->end > m->start ? m->end : m->start + 1;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct am_scanner *fast, *ref;
	struct am_scanner_opts o = { 0 };
	struct am_error err = { 0 };
	struct am_match a, b;
	size_t fa = 0, la = 0, fb = 0, lb = 0;
	int ra, rb, i;

	o.preserve_structure = 1;
	if (!fast && am_scanner_new(&fast, &o, &err))
		abort();
	o.reference = 1;
	if (!ref && am_scanner_new(&ref, &o, &err))
		abort();
	am_scanner_reset(fast);
	am_scanner_reset(ref);
	for (;;) {
		ra = next(fast, data, size, &fa, &la, &a);
		rb = next(ref, data, size, &fb, &lb, &b);
		if (ra != rb)
			abort();
		if (!ra)
			break;
		if (a.start != b.start || a.end != b.end || a.kind != b.kind ||
		    a.nparts != b.nparts)
			abort();
		for (i = 0; i < a.nparts; i++)
			if (a.parts[i].start != b.parts[i].start ||
			    a.parts[i].end != b.parts[i].end ||
			    a.parts[i].prefix != b.parts[i].prefix)
				abort();
	}
	return 0;
}
