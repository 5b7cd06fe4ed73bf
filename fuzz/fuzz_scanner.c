/*
 * fuzz_scanner.c - the scanner over any bytes: every match lies inside
 * the subject, matches come in order, and parts lie inside their match.
 */
#include "fuzz.h"
#include "internal.h"

#include <stdlib.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct am_scanner *sc;
	struct am_scanner_opts o = { 0 };
	struct am_error err = { 0 };
	struct am_match m;
	size_t from = 0, last = 0;
	int r, i;

	o.preserve_structure = 1;
	if (!sc && am_scanner_new(&sc, &o, &err))
		abort();
	am_scanner_reset(sc);
	while ((r = am_scanner_next(sc, (const char *)data, size, from, size,
	    &m, &err)) == 1) {
		if (m.start < last || m.end > size || m.start > m.end ||
		    m.start < from)
			abort();
		for (i = 0; i < m.nparts; i++)
			if (m.parts[i].start < m.start ||
			    m.parts[i].end > m.end ||
			    m.parts[i].start >= m.parts[i].end)
				abort();
		last = m.end;
		from = m.end > m.start ? m.end : m.start + 1;
	}
	return 0;
}
