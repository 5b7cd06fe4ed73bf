/*
 * fuzz_jsonmode.c - masking JSON and NDJSON (and --format auto's mix of
 * text and JSON sections): it must succeed or fail
 * cleanly (exit 65's code), and what it writes must unmask to the input
 * byte for byte when the input has no escapes and no bare number that
 * could be an account (those come back as the same JSON value, not the
 * same bytes: awsmask(1), JSON), and no token the store had issued (ours:
 * left as it is, so it comes back as its original; as in
 * fuzz_roundtrip.c).
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

/* No backslash, and no run of 12 digits. */
static int
plain(const uint8_t *p, size_t n)
{
	size_t i, run = 0;

	for (i = 0; i < n; i++) {
		if (p[i] == '\\')
			return 0;
		run = p[i] >= '0' && p[i] <= '9' ? run + 1 : 0;
		if (run >= 12)
			return 0;
	}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct awsmask *am;
	char *masked = NULL, *back = NULL;
	size_t mlen, blen;
	int rc;

	if (size < 1)
		return 0;
	/* The first byte picks the format: auto too, which reads text and
	 * JSON sections of one input each its own way. */
	am = fuzz_context(data[0] & 1 ? "ndjson" : data[0] & 2 ? "auto" :
	    "json");
	rc = awsmask_mask_buffer(am, (const char *)data + 1, size - 1,
	    &masked, &mlen);
	if (rc == AWSMASK_OK && plain(data + 1, size - 1) &&
	    awsmask_unmask_buffer(am, masked, mlen, &back, &blen, NULL,
	    NULL) == AWSMASK_OK &&
	    (blen != size - 1 || memcmp(back, data + 1, blen))) {
		/* Only a token of ours in the input may tell them apart. */
		struct awsmask_counts before, after;
		char *raw = NULL;
		size_t rlen;

		awsmask_get_counts(am, &before);
		if (awsmask_unmask_buffer(am, (const char *)data + 1, size - 1,
		    &raw, &rlen, NULL, NULL) != AWSMASK_OK)
			abort();
		awsmask_get_counts(am, &after);
		free(raw);
		if (after.tokens_restored == before.tokens_restored)
			abort();
	}
	if (rc != AWSMASK_OK && rc != AWSMASK_EDATA)
		abort();
	free(masked);
	free(back);
	return 0;
}
