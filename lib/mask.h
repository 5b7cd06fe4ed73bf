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
	struct am_mpart *parts;
	size_t nparts, aparts;
	struct am_store_item *items;
	size_t nitems, aitems;
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

struct am_stream {
	char *buf;
	size_t len, hist, cap;
	unsigned long long base;	/* stream offset of buf[0] */
	unsigned long long line;	/* line number at buf[hist] */
	int eof;
	int grow;			/* the driver can read more for a match */
	int need;			/* a match runs on past what was read */
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
	awsmask_finding_fn *finding;	/* a check's, in place of found */
};

/* check.c: report one part found, at line and input offset off, len
 * bytes long as written, through whichever callback cb has. */
void am_report_found(const struct am_callbacks *cb, const struct am_mpart *p,
    unsigned long long line, unsigned long long off, unsigned long long len);

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

int am_store_ensure(struct awsmask *am);

/*
 * Drop from am->parts (found in buf) the parts that are, whole, tokens
 * written exactly and issued by the store: text awsmask wrote, not an
 * identifier.  Looks them up in one store batch.
 */
int am_drop_issued(struct awsmask *am, const char *buf);

/*
 * Is there a token at s[start] (s has len bytes, more may follow)?
 * 0: none can start there, whatever follows; 1: the token [start, *end),
 * whatever follows; 2: it depends on bytes to come; -1 on an error
 * (am->err says which).
 */
int am_token_at(struct awsmask *am, const char *s, size_t len, size_t start,
    size_t *end);

/*
 * Unmasking text that comes in pieces (a streamed answer): feed appends
 * a piece and adds to out the unmasked text that no later piece can
 * change, holding back only a tail that may still become a token (with
 * final set, nothing).  A token cut anywhere between pieces comes out
 * restored.  unknown, when set, is called per unknown token.
 */
struct am_unstream {
	struct am_buf buf;	/* context already written, then what waits */
	size_t hist;		/* where the text still waiting starts */
};
#define AM_UNSTREAM_INIT { AM_BUF_INIT, 0 }
int am_unstream_feed(struct awsmask *am, struct am_unstream *u,
    const char *p, size_t n, int final, struct am_buf *out,
    awsmask_unknown_fn *unknown, void *arg);
void am_unstream_release(struct am_unstream *u);
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
void am_admin_free(struct am_admin *a);
int am_token_re_ensure(struct awsmask *am);
void am_token_re_free(struct awsmask *am);

#endif
