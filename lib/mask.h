/*
 * mask.h - the context shared by context.c and mask.c.  Not installed.
 */
#ifndef AM_MASK_H
#define AM_MASK_H

#include "internal.h"

#define CACHE_MAX 100000		/* cache entries before a restart */

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
	int input_format;		/* what the last input was read as */
	awsmask_report_fn *report;
	void *report_arg;
	uint64_t learned_lens;
	uint64_t learned_pairs[1024];	/* their first two bytes, as bits */
	int reference;			/* the slow paths, for tests */
	struct am_mpart *parts;
	size_t nparts, aparts;
	struct am_store_item *items;
	size_t nitems, aitems;
	struct am_buf out;
	struct awsmask_counts counts;
	char *warning, *warning_taken;
	struct am_error err;
};

struct am_stream {
	char *buf;
	size_t len, hist, cap;
	unsigned long long base;	/* stream offset of buf[0] */
	unsigned long long line;	/* line number at buf[hist] */
	int eof;
	int outfd;			/* -1: collect in am->out */
	/* When set, the line of buf[off] for reports (JSON modes). */
	unsigned long long (*line_at)(void *ctx, size_t off);
	void *line_ctx;
};

typedef int process_fn(struct awsmask *am, struct am_stream *s,
    size_t limit, size_t *done, void *arg);

/* What a stream is for, and the callbacks it reports through. */
enum am_dir { AM_DIR_MASK, AM_DIR_SCAN, AM_DIR_UNMASK };
struct am_callbacks {
	awsmask_found_fn *found;
	awsmask_unknown_fn *unknown;
	void *arg;
};

/* mask.c: the block driver and the pieces both directions share. */
/* pre: bytes already read from infd, to go first (at most a block). */
int am_run_fd(struct awsmask *am, const char *pre, size_t prelen, int infd,
    int outfd, unsigned flags, process_fn *process, void *arg);
int am_run_buffer(struct awsmask *am, const char *in, size_t len,
    process_fn *process, void *arg);
size_t am_scan_from(const struct am_stream *s);
unsigned long long am_count_lines(const char *p, size_t n);
int am_add_part(struct awsmask *am, const struct am_part *p);
int am_add_item(struct awsmask *am, const char *key, size_t klen,
    const char *prefix, const char *kind, size_t *index);
void am_release_items(struct awsmask *am);
int am_store_failed(struct awsmask *am, int rc);
int am_emit(struct awsmask *am, const char *buf, size_t from, size_t to);

/*
 * Find and resolve the identifiers (or tokens) of one window: on return
 * am->parts hold every replacement, with its token (or original) set,
 * and *done is where the window ends.  The caller writes them out and
 * then calls am_release_items().
 */
int am_mask_window(struct awsmask *am, struct am_stream *s, size_t limit,
    size_t *done);
int am_unmask_window(struct awsmask *am, struct am_stream *s, size_t limit,
    size_t *done, awsmask_unknown_fn *fn, void *arg);

int am_scan_window(struct awsmask *am, struct am_stream *s, size_t limit,
    size_t *done);
/* The text-format processors; arg is a const struct am_callbacks *. */
process_fn am_process_mask, am_process_scan, am_process_unmask;

/* jsonmode.c: the JSON formats, and the choice of format. */
int am_json_run_fd(struct awsmask *am, int infd, int outfd, unsigned flags,
    enum am_dir dir, const struct am_callbacks *cb);
int am_json_run_buffer(struct awsmask *am, const char *in, size_t len,
    enum am_dir dir, const struct am_callbacks *cb);

/*
 * For the differential test: the scanner's reference path and a plain
 * byte-by-byte search for learnt names, instead of the fast ones.
 */
void am_set_reference(struct awsmask *am, int on);

int am_store_ensure(struct awsmask *am);
int am_token_re_ensure(struct awsmask *am);
void am_token_re_free(struct awsmask *am);

#endif
