/*
 * internal.h - shared between the files of lib/, never installed.
 * First include of every file in lib/.  Everything here is am_*; everything
 * public is in awsmask.h.
 */
#ifndef AM_INTERNAL_H
#define AM_INTERNAL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "awsmask.h"

#define AM_UNUSED __attribute__((unused))
#define AM_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define AM_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Errors.  One error per object; am_seterr() is the only writer of its
 * message.  After a failure the object's code stays set ("errors stick").
 */
struct am_error {
	enum awsmask_err code;
	char msg[512];
};
int am_seterr(struct am_error *e, enum awsmask_err code, const char *fmt, ...)
    AM_PRINTF(3, 4);
/* As am_seterr(), appending ": strerror(errno)". */
int am_seterr_errno(struct am_error *e, enum awsmask_err code,
    const char *fmt, ...) AM_PRINTF(3, 4);

/*
 * Allocation.  The library never dies on out-of-memory: these return NULL
 * and callers return AWSMASK_ENOMEM.  am_set_allocator() lets tests
 * inject failures.
 */
void *am_malloc(size_t n);
void *am_calloc(size_t n, size_t size);
void *am_realloc(void *p, size_t n);
char *am_strdup(const char *s);
char *am_strndup(const char *s, size_t n);
void am_free(void *p);
struct am_allocator {
	void *(*malloc_fn)(size_t);
	void *(*calloc_fn)(size_t, size_t);
	void *(*realloc_fn)(void *, size_t);
	void (*free_fn)(void *);
};
/* NULL restores the default.  For tests. */
void am_set_allocator(const struct am_allocator *a);

/*
 * Growable byte buffer.  Invariant: buf is NULL or holds len bytes
 * followed by a NUL, within alloc bytes.  am_buf_release() gives the
 * bytes to the caller and leaves the buffer empty.
 */
struct am_buf {
	char *buf;
	size_t len;
	size_t alloc;
};
#define AM_BUF_INIT { NULL, 0, 0 }
int am_buf_grow(struct am_buf *b, size_t extra);	/* 0, or -1 on ENOMEM */
int am_buf_add(struct am_buf *b, const void *p, size_t n);
int am_buf_addstr(struct am_buf *b, const char *s);
int am_buf_addf(struct am_buf *b, const char *fmt, ...) AM_PRINTF(2, 3);
void am_buf_reset(struct am_buf *b);
char *am_buf_release(struct am_buf *b, size_t *len);
void am_buf_free(struct am_buf *b);

/* Write all n bytes to fd, retrying on EINTR and short writes. 0 or -1. */
int am_write_all(int fd, const void *p, size_t n);

/*
 * String map: byte strings to byte strings, open addressing, for the
 * per-process cache and the memory store.  Keys and values are copied.
 */
struct am_map;
struct am_map *am_map_new(void);
void am_map_free(struct am_map *m);
/* The value, or NULL; *vlen gets its length. */
const char *am_map_get(const struct am_map *m, const char *k, size_t klen,
    size_t *vlen);
int am_map_put(struct am_map *m, const char *k, size_t klen, const char *v,
    size_t vlen);	/* 0, or -1 on ENOMEM */
int am_map_del(struct am_map *m, const char *k, size_t klen);	/* 1 if deleted */
size_t am_map_count(const struct am_map *m);
void am_map_clear(struct am_map *m);
uint64_t am_hash(const void *p, size_t n);

/* Configuration, filled by config.c. */
struct am_config {
	char *store_uri;	/* --store / AWSMASK_STORE; NULL: derive */
	char *redis_host;
	int redis_port;
	int redis_db;
	char *redis_user;
	char *redis_password;
	int use_redis;		/* -1 unset, 0, 1 */
	int redis_fallback;
	int timeout_ms;		/* connect and command timeout */
	long long ttl;		/* seconds, > 0 */
	long long max_entries;	/* 0: unlimited */
	char *ns;		/* key prefix, "aws:" */
	char *types;		/* comma list or NULL for the defaults */
	char *exclude_types;
	char **allow;		/* allow-listed literal values */
	size_t nallow;
	/*
	 * Custom kinds from patterns files, validated when read.  Each
	 * row's strings are one allocation that starts at its name.
	 */
	struct am_kind *custom;
	size_t ncustom;
	int preserve_structure;
	int format;		/* enum awsmask_format */
	int unmask_exact;	/* awsunmask --exact: no tolerant forms */
	char *state_dir;	/* NULL: $XDG_STATE_HOME/awsmask */
	char *store_name;	/* cached awsmask_config_store_name() */
	struct am_error err;
};
struct awsmask_config {
	struct am_config c;
};
/* The store URI to open: explicit, Redis from the seed variables, or the
 * embedded default.  Malloc'd; NULL on ENOMEM. */
char *am_config_store_uri(const struct am_config *c, int with_password);
/* $XDG_STATE_HOME/awsmask (or the configured state_dir); malloc'd. */
char *am_config_state_dir(const struct am_config *c);

/*
 * Catalogue.  A kind is a row of data: its name, token prefix, PCRE2
 * pattern and an optional validator.  A pattern may use \K to keep the
 * context it needs out of the match.  No pattern may match a newline
 * (the stream cuts blocks at newlines).  Structured kinds (ARNs, URLs,
 * hostnames) have a splitter that cuts the match into the parts that
 * identify (replaced) and the parts that do not (kept).
 */
#define AM_MAX_PARTS 4
struct am_part {
	size_t start, end;	/* offsets in the subject */
	const char *prefix;	/* token prefix of this part */
	const char *kind;	/* kind name, for stats */
};
struct am_match {
	size_t start, end;	/* the whole match */
	const struct am_kind *kind;
	const char *whole_prefix;	/* --no-preserve-structure token prefix */
	int nparts;
	struct am_part parts[AM_MAX_PARTS];
};
/*
 * A validator/splitter looks at the match [m->start, m->end) of subject
 * and fills m->parts.  Return 1 to accept, 0 to reject the match.  The
 * default (NULL) is one part over the whole match with the kind's prefix.
 */
typedef int am_split_fn(const char *subject, size_t len, struct am_match *m);
struct am_kind {
	const char *name;	/* "ec2-instance": --types, reports */
	const char *prefix;	/* token prefix: "EC2" */
	const char *pattern;	/* PCRE2, compiled without PCRE2_UTF */
	am_split_fn *split;	/* NULL: whole match is one part */
	const char *description;
	int default_off;	/* not enabled unless named in --types */
	/*
	 * Literals, '|'-separated, of which every match contains at least
	 * one ("amazonaws.com|.internal"), or NULL.  The scanner skips the
	 * kind in a block that holds none of them: a cheap memmem instead
	 * of trying the pattern at every word.
	 */
	const char *needles;
};
extern const struct am_kind am_kinds[];
extern const size_t am_nkinds;
/*
 * Custom kinds (config key `patterns`): rows like the catalogue's, with
 * no splitter, no needles and no look-behind of their own.  The scanner
 * tries them before the catalogue at the same start, each on its own
 * compiled pattern; PCRE2 options are the ones below.  A group named
 * `id` narrows the match to itself.
 */
#define AM_CUSTOM_PCRE2_OPTIONS PCRE2_MULTILINE
#define AM_CUSTOM_MAX 256
/* The longest text any pattern can match; the stream keeps this much
 * context and never cuts a line shorter than this between matches. */
#define AM_MAX_MATCH 8192

/*
 * Scanner: the enabled kinds, from tables made at build time (scanner.c).
 * Matches are non-overlapping, leftmost first; where kinds can match at
 * the same start the catalogue lists the longer form first.
 */
struct am_scanner;
struct am_scanner_opts {
	const struct am_kind *custom;	/* borrowed; outlives the scanner */
	size_t ncustom;
	const char *types;		/* NULL: defaults */
	const char *exclude_types;
	char *const *allow;
	size_t nallow;
	int preserve_structure;
	int reference;	/* the reference path only (tests) */
};
int am_scanner_new(struct am_scanner **out, const struct am_scanner_opts *o,
    struct am_error *err);
void am_scanner_free(struct am_scanner *s);
/* Does every item of a comma list name a kind (by name or prefix), of
 * the catalogue or of custom[0..ncustom)? */
int am_kind_list_check(const char *list, const struct am_kind *custom,
    size_t ncustom, struct am_error *err);
/*
 * Find the next match whose start is at or after `from` and before
 * `limit` in subject[0..len).  Returns 1 and fills m, 0 when none, -1 on
 * a matching error (err set).
 */
int am_scanner_next(struct am_scanner *s, const char *subject, size_t len,
    size_t from, size_t limit, struct am_match *m, struct am_error *err);
/*
 * Calls over one block (a growing `from`, the same subject and len) may
 * share what the scanner learnt of the block; am_scanner_reset() starts
 * a new block.  Call it whenever the subject's bytes change.
 */
void am_scanner_reset(struct am_scanner *s);
/* Row i: the catalogue's rows, then the custom kinds. */
int am_scanner_kind_enabled(const struct am_scanner *s, size_t i);
/*
 * For the differential test: scan by the reference path (every enabled
 * row tried at every start, compiled at run time) instead of the
 * build-time tables; and did the last block use the tables?
 */
void am_scanner_set_reference(struct am_scanner *s, int on);
int am_scanner_uses_tables(const struct am_scanner *s);
/*
 * Tokens.  Every prefix a token can have: the kinds' prefixes, the
 * extra ones splitters and --no-preserve-structure use
 * (am_extra_prefixes, NULL-terminated, in prefixes.c), and those of the
 * custom kinds custom[0..ncustom) (may be NULL, 0).  The set is a map
 * from prefix to "".
 */
extern const char *const am_extra_prefixes[];
struct am_map *am_prefix_set_new(const struct am_kind *custom,
    size_t ncustom);
/* Is [p, p+n) a token, PREFIX_NNN with a prefix in the set? */
int am_token_valid(const struct am_map *prefixes, const char *p, size_t n);
/*
 * The PCRE2 pattern (malloc'd) matching every token of the catalogue's and the custom
 * prefixes; with
 * tolerant set, also every form of one the tolerant grammar of token.c
 * takes (ec2_001, EC2\_001, EC2-001).  Compile it without PCRE2_UTF.
 */
char *am_token_pattern(const struct am_kind *custom, size_t ncustom,
    int tolerant);
/* Bytes a tolerant match can span before its digits, at most. */
size_t am_token_max_prefix(const struct am_kind *custom, size_t ncustom);
/*
 * The canonical token (EC2_001) of the tolerant match [p, p+n) into out,
 * which has room for n bytes; returns its length.  *hyphen is set when a
 * hyphen stood for an '_'.
 */
size_t am_token_canon(const char *p, size_t n, char *out, int *hyphen);
/*
 * Does the tolerant match [start, end) of s stand as a token?  A form
 * with a hyphen does not when '-' or '.' joins it to a longer name, and
 * only the exact form (EC2_001) may touch an '_'.
 * awsmask's token-literal kind and awsunmask both ask, so that what one
 * restores the other has masked.
 */
int am_token_tolerated(const char *s, size_t len, size_t start, size_t end);

/*
 * Store.  Batch-first: every call takes many items.  Backends fill a
 * struct am_store_ops; the store is chosen once from its URI.
 *
 * mask_many: for each item, item->key is an original; the store returns
 * its token in item->value (malloc'd with am_malloc, NUL-terminated,
 * freed by the caller with am_free), allocating PREFIX_NNN from the
 * per-prefix counter when there is none.  Refreshes the TTL of both
 * directions.  Either every item gets a value or the call fails.
 *
 * unmask_many: for each item, item->key is a token; item->value gets its
 * original, or stays NULL when the token is unknown or expired.  Refreshes
 * the TTL of both directions.
 */
struct am_store_item {
	const char *key;
	size_t key_len;
	const char *prefix;	/* mask: token prefix */
	const char *kind;	/* mask: kind name, for statistics */
	char *value;		/* out */
	size_t value_len;
};
struct am_store;
struct am_store_ops {
	const char *scheme;	/* "memory", "sqlite", "redis", "unix" */
	int (*open)(struct am_store *st, const char *uri);
	int (*mask_many)(struct am_store *st, struct am_store_item *it,
	    size_t n);
	int (*unmask_many)(struct am_store *st, struct am_store_item *it,
	    size_t n);
	/* Round trip to check health (may be NULL: always healthy). */
	int (*ping)(struct am_store *st);
	void (*close)(struct am_store *st);
};
struct am_store {
	const struct am_store_ops *ops;
	void *priv;
	const struct am_config *cfg;	/* borrowed */
	long long ttl;			/* seconds */
	const char *ns;			/* key prefix */
	int timeout_ms;
	char *name;			/* for messages: never a password */
	struct am_error err;
};
/* Open the store named by uri (never NULL).  On failure *out is NULL and
 * err says why. */
int am_store_open(struct am_store **out, const char *uri,
    const struct am_config *cfg, struct am_error *err);
void am_store_close(struct am_store *st);
int am_store_mask_many(struct am_store *st, struct am_store_item *it,
    size_t n);
int am_store_unmask_many(struct am_store *st, struct am_store_item *it,
    size_t n);
void am_store_items_release(struct am_store_item *it, size_t n);
/*
 * The clock of the memory and sqlite stores' TTLs, in seconds since the
 * epoch: time() unless a test points it elsewhere.
 */
extern long long (*am_store_now)(void);
/* Format a token: PREFIX_NNN, at least three digits.  buf >= 64 bytes.
 * Returns its length, or -1 when it does not fit. */
int am_token_format(char *buf, size_t size, const char *prefix,
    unsigned long long n);

extern const struct am_store_ops am_store_memory_ops;
extern const struct am_store_ops am_store_sqlite_ops;
#ifdef HAVE_HIREDIS
extern const struct am_store_ops am_store_redis_ops;
#endif

#endif /* AM_INTERNAL_H */
