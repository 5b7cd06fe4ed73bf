/*
 * fuzz_unmask.c - unmasking any bytes, tolerant forms included, against
 * a store that knows a few tokens: never a crash, and a text with no
 * token-like byte comes back unchanged.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char seed[] = "i-0abc12de34f567890 vpc-0a1b2c3d "
	    "arn:aws:iam::123456789012:role/Admin 10.0.1.2\n";
	struct awsmask *am = fuzz_context("text");
	char *out = NULL;
	size_t n;

	/* Make the seed's tokens known (cheap: cached after once). */
	if (awsmask_mask_buffer(am, seed, sizeof(seed) - 1, &out, &n))
		abort();
	free(out);
	out = NULL;
	if (awsmask_unmask_buffer(am, (const char *)data, size, &out, &n,
	    NULL, NULL) != AWSMASK_OK)
		abort();
	if (!memchr(data, '_', size) && !memchr(data, '-', size) &&
	    !memchr(data, '\xe2', size) &&
	    (n != size || memcmp(out, data, size)))
		abort();
	free(out);
	return 0;
}
