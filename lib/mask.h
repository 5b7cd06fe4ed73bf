/*
 * mask.h - what the window processors (mask.c, unmask.c, jsonmode.c),
 * what they share (window.c), the per-document driver of --format auto
 * (automode.c) and the stream layer (stream.c) say to each other.  The
 * calls go one way: stream -> automode -> jsonmode -> {mask, unmask} ->
 * window (automode also drives the text processors).  The context they
 * all work in is context.h.  Not installed.
 */
#ifndef AM_MASK_H
#define AM_MASK_H

#include "context.h"

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


struct am_stream {
	char *buf;
	size_t len, hist, cap;
	unsigned long long base;	/* stream offset of buf[0] */
	unsigned long long line;	/* line number at buf[hist] */
	int eof;
	int grow;			/* the driver can read more for a match */
	int need;			/* a match runs on past what was read */
	int outfd;			/* -1: collect in am->out */
	int overlap;			/* masking: hold a window while its
					 * store batch is on its way
					 * (am_mask_drain()) */
	/* When set, the line of buf[off] for reports (JSON modes). */
	unsigned long long (*line_at)(void *ctx, size_t off);
	void *line_ctx;
};

typedef int process_fn(struct awsmask *am, struct am_stream *s,
    size_t limit, size_t *done, void *arg);

/* The callbacks a stream reports through. */
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

#define AM_CONTEXT 256	/* look-behind kept before a window's hist */
#define AM_STREAM_BLOCK (256 * 1024)	/* input gathered before processing */
#define AM_STREAM_READ (64 * 1024)	/* bytes asked of one read() */
/* The unfinished tail of a long line kept for the next window. */
#define AM_STREAM_MARGIN (AM_MAX_MATCH + AM_CONTEXT)

/* window.c: the pieces the window processors share. */
/* Read up to cap bytes (one read's worth when line buffered). */
ssize_t am_read_block(int fd, char *buf, size_t cap, unsigned flags,
    int *eof);
size_t am_scan_from(const struct am_stream *s);
unsigned long long am_count_lines(const char *p, size_t n);
int am_add_part(struct awsmask *am, const struct am_part *p);
int am_add_item(struct awsmask *am, const char *key, size_t klen,
    const char *prefix, const char *kind, size_t *index);
void am_release_items(struct awsmask *am);
int am_store_failed(struct awsmask *am, int rc);
int am_emit(struct awsmask *am, const char *buf, size_t from, size_t to);
/* The text block driver's buffer (stream.c, automode.c): where the next
 * window ends (hist when more input is needed first); drop what is done,
 * keeping ctx bytes of it for look-behind; make room to read on, up to
 * max bytes in all. */
size_t am_stream_limit(const struct am_stream *s);
void am_stream_shift(struct am_stream *s, size_t done, size_t ctx);
int am_stream_grow(struct awsmask *am, struct am_stream *s, size_t max);

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
/*
 * With s->overlap, am_process_mask() may hold its window while the
 * store's batch for it is on its way, and write it at its next call.
 * At the end of the input the driver writes the window held with
 * am_mask_drain() (to am->out), or, when the run failed, gives it up
 * with am_mask_discard(), which writes nothing: am_mask_finish() picks.
 */
int am_mask_drain(struct awsmask *am);
void am_mask_discard(struct awsmask *am);
/*
 * At the end of an input that ended with rc: the window held is written
 * (am_mask_drain()) when rc is AWSMASK_OK or the input's own error (a
 * bad input keeps what came before it); after a failure of the context
 * (the store's) it is given up.  Returns rc, or drain's failure.  The
 * driver flushes am->out when it returns AWSMASK_OK.
 */
int am_mask_finish(struct awsmask *am, int rc);

/*
 * jsonmode.c: the JSON formats, and the choice of format (noted for -v)
 * from an input's first block.  stream.c drives them; buf is a block's
 * room, the caller's, scratch here.
 */
int am_json_choose_format(struct awsmask *am, const char *p, size_t n);
int am_json_process_fd(struct awsmask *am, char *buf, size_t have, int eof,
    int infd, int outfd, unsigned flags, int format, enum am_dir dir,
    const struct am_callbacks *cb);
int am_json_process_buffer(struct awsmask *am, const char *in, size_t len,
    int format, enum am_dir dir, const struct am_callbacks *cb);

/*
 * jsonmode.c: a JSON section of an input read with --format auto, for
 * automode.c (see there).
 */
struct am_jsec;
int am_jsec_new(struct awsmask *am, enum am_dir dir, int outfd,
    const struct am_callbacks *cb, unsigned long long off,
    unsigned long long line, const char *pre, size_t prelen,
    struct am_jsec **out);
int am_jsec_feed(struct am_jsec *x, const char *p, size_t n, int eof,
    unsigned long long *lc, int *failed);
unsigned long long am_jsec_error(const struct am_jsec *x, const char **msg);
unsigned long long am_jsec_values(const struct am_jsec *x);
void am_jsec_commit_notes(struct am_jsec *x);
void am_jsec_free(struct am_jsec *x);

/*
 * automode.c: --format auto, decided per document: text, with JSON
 * sections where a line opens a JSON value.  process is the text
 * processor for dir.
 */
int am_auto_process_fd(struct awsmask *am, int infd, int outfd,
    unsigned flags, enum am_dir dir, const struct am_callbacks *cb,
    process_fn *process);
int am_auto_process_buffer(struct awsmask *am, const char *in, size_t len,
    enum am_dir dir, const struct am_callbacks *cb, process_fn *process);
/* The format wanted for the next input: AWSMASK_FORMAT_AUTO or forced. */
int am_json_wanted_format(const struct awsmask *am);

/*
 * For the differential test: the scanner's reference path, and plain
 * byte-by-byte searches for learnt names and tokens, instead of the fast
 * ones.
 */
void am_set_reference(struct awsmask *am, int on);


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
int am_token_re_ensure(struct awsmask *am);

#endif
