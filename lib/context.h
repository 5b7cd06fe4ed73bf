/*
 * context.h - struct awsmask, the context every call works in, and what
 * context.c does with it: the lazily opened store, the caches' age and
 * the processing figures.  The bottom of the stream core: context.c
 * calls nothing of the window processors or the stream layer above it
 * (mask.h).  Not installed.
 */
#ifndef AM_CONTEXT_H
#define AM_CONTEXT_H

#include "internal.h"

struct am_mpart;
struct am_admin;

/* What a stream is for. */
enum am_dir { AM_DIR_MASK, AM_DIR_SCAN, AM_DIR_UNMASK };

struct awsmask {
	const struct am_config *cfg;	/* borrowed */
	struct am_scanner *sc;
	struct am_store *store;		/* NULL until the first identifier */
	struct am_map *cache;		/* original -> token */
	struct am_map *rcache;		/* token -> original */
	struct am_map *pending;		/* per block: key -> item index */
	struct am_map *prefixes;	/* every prefix a token may have */
	/*
	 * The compiled token grammar, built and used by unmask.c, and how to
	 * free it: the function comes with the state, so that this layer
	 * frees what a layer above built without calling up into it.
	 */
	void *token_re;
	void (*token_re_free)(void *token_re);
	/*
	 * Names learnt from context (an ARN's resource name, a RoleName
	 * value) are masked at their bare occurrences too: name -> the
	 * prefix its part had, and a mask of the lengths they come in.
	 */
	struct am_map *learned;
	int input_format;		/* what the last input was read as */
	awsmask_report_fn *report;
	void *report_arg;
	uint64_t learned_lens;
	uint64_t learned_pairs[1024];	/* their first two bytes, as bits */
	/*
	 * The first and the second bytes of those pairs as nibble tables
	 * (mask.c, byte_set()): bit h of lo[l] is byte h << 4 | l, ASCII
	 * only (wide: a pair has another byte, and the tables are off).
	 */
	unsigned char learned_first[16], learned_second[16];
	int learned_wide;
	size_t learned_paths;		/* how many of them hold a '/' */
	int reference;			/* the slow paths, for tests */
	struct am_mpart *parts;
	size_t nparts, aparts;
	struct am_store_item *items;
	size_t nitems, aitems;
	/*
	 * Text masked through a store that takes a batch in two halves
	 * (am_store_mask_begin()): the window whose batch is on its way,
	 * with its own bytes, parts and items, written out once the store
	 * has ended the batch (mask.c, am_mask_drain()).
	 */
	struct {
		int on;
		int ended;		/* its batch ended: tokens known */
		struct am_mpart *parts;
		size_t nparts, aparts;
		struct am_store_item *items;
		size_t nitems, aitems;
		struct am_buf text;		/* its bytes */
		struct am_buf toks;		/* the tokens the cache gave */
		unsigned long long base;	/* stream offset of text[0] */
	} held;
	struct am_buf out;
	/*
	 * For awsmask-claude (claude.c): a format the next calls use
	 * whatever the configuration says (0: the configuration's), and
	 * whether a scan takes a token the store issued, written exactly,
	 * for what it is rather than for an identifier (am_drop_issued).
	 */
	int format_force;
	int scan_issued_ok;
	struct awsmask_counts counts;
	/*
	 * Processing figures for the store (internal.h): this context's
	 * totals, what the store has been given of them, and where the
	 * call in progress began.
	 */
	struct am_proc proc, proc_given;
	struct {
		int dir;		/* enum am_dir, or -1 between calls */
		struct awsmask_counts counts;
		long long cpu_us;
	} call;
	long long cache_born;		/* when the caches were last emptied */
	struct am_admin *admin;		/* awsmask_stats()'s results */
	char *warning, *warning_taken;
	struct am_error err;
};

/*
 * Open the store at the first identifier; after a failure, the same
 * error at once (it sticks in am->err).
 */
int am_store_ensure(struct awsmask *am);
/* Move the store's notes into the context's warning, for the tool. */
void am_store_take_warning(struct awsmask *am);
/*
 * Processing figures: a public mask or unmask call is bracketed by
 * begin and end; sync hands the store what it has not had yet, just
 * before a batch (and when the context is freed).
 */
void am_proc_begin(struct awsmask *am, enum am_dir dir);
void am_proc_end(struct awsmask *am);
void am_proc_sync(struct awsmask *am);
/* Empty the caches once they are am_store_cache_life() old, so that a
 * mapping in use reaches the store that often (internal.h). */
void am_caches_age(struct awsmask *am);
/* store_admin.c: free awsmask_stats()'s results (am->admin). */
void am_admin_free(struct am_admin *a);

#endif
