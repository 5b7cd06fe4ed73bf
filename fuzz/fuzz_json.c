/*
 * fuzz_json.c - the streaming JSON tokenizer, fed the input in two
 * pieces cut where the first byte says: the raw bytes of the segments
 * put end to end must be the input (up to where it stopped).
 */
#include "fuzz.h"
#include "json.h"

#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct am_json *j;
	struct am_error err = { 0 };
	const struct am_json_seg *segs;
	size_t nsegs, cut, i, pos = 0;
	int rc = 0, part;

	if (size < 2)
		return 0;
	if (am_json_new(&j, data[0] & 1 ? AM_JSON_SEQ : AM_JSON_ONE, &err))
		abort();
	am_json_set_max_depth(j, 64);
	data++;
	size--;
	cut = size ? data[0] % (size + 1) : 0;
	for (part = 0; part < 2 && rc == 0; part++) {
		const char *p = (const char *)data + (part ? cut : 0);
		size_t n = part ? size - cut : cut;

		rc = am_json_feed(j, p, n, part == 1, &segs, &nsegs, &err);
		for (i = 0; rc == 0 && i < nsegs; i++) {
			if (segs[i].off != pos ||
			    memcmp(segs[i].raw, data + pos, segs[i].raw_len))
				abort();
			pos += segs[i].raw_len;
		}
	}
	am_json_free(j);
	return 0;
}
