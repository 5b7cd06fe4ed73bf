/*
 * fuzz_store_uri.c - the store URI parsers (am_store_check(), which
 * opens nothing): never a crash, and no message quotes a password.
 */
#include "fuzz.h"
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/*
 * Does uri hold the password S3cretPW as user information would, and
 * only there: SCHEME://USER:S3cretPW@..., USER without ':', '@', '/'?
 */
static int
has_password(const char *uri)
{
	const char *p = strstr(uri, "://"), *q;

	if (!p)
		return 0;
	p += 3;
	q = p + strcspn(p, ":@/");
	/* ... and nowhere else, where it would be no password. */
	return *q == ':' && !strncmp(q, ":S3cretPW@", 10) &&
	    strstr(uri, "S3cretPW") == q + 1 && !strstr(q + 1 + 8, "S3cretPW");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct am_error err = { 0 };
	char *uri = malloc(size + 1);

	if (!uri)
		return 0;
	memcpy(uri, data, size);
	uri[size] = '\0';
	if (am_store_check(uri, &err) && has_password(uri) &&
	    strstr(err.msg, "S3cretPW"))
		abort();
	free(uri);
	return 0;
}
