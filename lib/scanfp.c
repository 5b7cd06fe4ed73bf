/*
 * scanfp.c - the fingerprint of what lib/gen/scandata.c is made from.
 * The generator (lib/gen/scangen.c) links this file too, so that both
 * sides compute it the same way.
 *
 * It covers what can change under a built library: the PCRE2 version
 * (a shared libpcre2 upgraded under it, whose code the serialized rows
 * would not fit and whose partial matching the prefilter came from),
 * and what a stale build could mix up: every row's pattern and every
 * token prefix (the token grammar is built from them by token.c, which
 * the Makefile regenerates the tables after).  It costs a few thousand
 * instructions, once per process.
 */
#include "internal.h"
#include "gen/scandata.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <string.h>

/* Eight bytes at a time; the string's NUL is hashed too. */
static uint64_t
mix(uint64_t h, const char *p)
{
	size_t n = strlen(p) + 1;
	uint64_t w;

	for (; n >= 8; n -= 8, p += 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	w = 0;
	memcpy(&w, p, n);
	h = (h ^ w ^ n) * 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 29);
}

/* Never 0, which no build writes. */
uint64_t
am_scan_fingerprint(void)
{
	uint64_t h = 1469598103934665603ULL ^ am_nkinds;
	char version[64] = "";
	size_t i;

	pcre2_config(PCRE2_CONFIG_VERSION, version);
	h = mix(h, version);
	for (i = 0; i < am_nkinds; i++) {
		h = mix(h, am_kinds[i].pattern ? am_kinds[i].pattern : "");
		h = mix(h, am_kinds[i].prefix ? am_kinds[i].prefix : "");
	}
	for (i = 0; am_extra_prefixes[i]; i++)
		h = mix(h, am_extra_prefixes[i]);
	return h ? h : 1;
}
