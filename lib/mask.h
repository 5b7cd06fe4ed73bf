/*
 * mask.h - the context shared by context.c and mask.c.  Not installed.
 */
#ifndef AM_MASK_H
#define AM_MASK_H

#include "internal.h"

/* One identifying piece of a match, with the token it gets. */
struct am_mpart {
	size_t start, end;
	const char *prefix;
	const char *kind;
	const char *tok;	/* from the cache, or an item's value */
	size_t toklen;
	size_t item;		/* index into items when tok was a miss */
};

struct awsmask {
	const struct am_config *cfg;	/* borrowed */
	struct am_scanner *sc;
	struct am_store *store;		/* NULL until the first identifier */
	struct am_map *cache;		/* original -> token */
	struct am_map *rcache;		/* token -> original */
	struct am_map *pending;		/* per block: key -> item index */
	struct am_map *prefixes;	/* every prefix a token may have */
	void *token_re;			/* pcre2 state for unmasking */
	/*
	 * Names learnt from context (an ARN's resource name, a RoleName
	 * value) are masked at their bare occurrences too: name -> the
	 * prefix its part had, and a mask of the lengths they come in.
	 */
	struct am_map *learned;
	uint64_t learned_lens;
	struct am_mpart *parts;
	size_t nparts, aparts;
	struct am_store_item *items;
	size_t nitems, aitems;
	struct am_buf out;
	struct awsmask_counts counts;
	char *warning, *warning_taken;
	struct am_error err;
};

int am_store_ensure(struct awsmask *am);
void am_token_re_free(struct awsmask *am);

#endif
