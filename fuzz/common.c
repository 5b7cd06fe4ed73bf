/*
 * common.c - the context the masking targets share (fuzz.h).
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RENEW_EVERY 5000	/* inputs before a fresh context */

struct awsmask *
fuzz_context(const char *format)
{
	static struct awsmask_config *cfg;
	static struct awsmask *am;
	static char fmt[16];
	static unsigned uses;

	if (am && uses++ < RENEW_EVERY && !strcmp(fmt, format))
		return am;
	awsmask_free(am);
	awsmask_config_free(cfg);
	am = NULL;
	uses = 0;
	snprintf(fmt, sizeof(fmt), "%s", format);
	if (awsmask_config_new(&cfg) ||
	    awsmask_config_set(cfg, "store", "memory:") ||
	    awsmask_config_set(cfg, "format", format) ||
	    awsmask_new(cfg, &am)) {
		fprintf(stderr, "fuzz: cannot make a context: %s\n",
		    am ? awsmask_errstr(am) : awsmask_config_errstr(cfg));
		abort();
	}
	return am;
}
