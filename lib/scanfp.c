/*
 * scanfp.c - the fingerprint of what lib/gen/scandata.c is made from.
 * The generator (lib/gen/scangen.c) links this file too, so that both
 * sides compute it the same way.
 */
#include "internal.h"
#include "gen/scandata.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <string.h>

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *u = p;

	while (n--)
		h = (h ^ *u++) * 1099511628211ULL;
	return h;
}

/* 0 when it cannot be computed (out of memory): never a build's. */
uint64_t
am_scan_fingerprint(void)
{
	uint64_t h = 1469598103934665603ULL;
	char version[64] = "";
	char *pat;
	size_t i;
	int tolerant;

	pcre2_config(PCRE2_CONFIG_VERSION, version);
	h = fnv(h, version, strlen(version) + 1);
	h = fnv(h, &am_nkinds, sizeof(am_nkinds));
	for (i = 0; i < am_nkinds; i++) {
		const char *p = am_kinds[i].pattern ? am_kinds[i].pattern : "";

		h = fnv(h, p, strlen(p) + 1);
	}
	for (tolerant = 1; tolerant >= 0; tolerant--) {
		if (!(pat = am_token_pattern(NULL, 0, tolerant)))
			return 0;
		h = fnv(h, pat, strlen(pat) + 1);
		am_free(pat);
	}
	return h ? h : 1;
}
