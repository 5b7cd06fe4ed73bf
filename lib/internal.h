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
#include <stdio.h>
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

/*
 * Trust (util.c): a file or folder holding mappings, configuration or a
 * secret must belong to us or to root and be writable by nobody else;
 * otherwise AWSMASK_ECONFIG with a message naming `what` and path.
 * am_trust_path() follows a symbolic link (which must be ours or root's
 * too); a missing path is not its business (AWSMASK_OK).  *readable,
 * when not NULL, tells whether group or others may read it.
 */
struct stat;
int am_trust_stat(const char *path, const struct stat *sb, const char *what,
    struct am_error *err);
int am_trust_path(const char *path, const char *what, int *readable,
    struct am_error *err);
/* mkdir -p: what is missing is created with mode 0700 whatever the
 * umask.  AWSMASK_ESTORE with a message naming the folder. */
int am_mkdirs(const char *path, struct am_error *err);

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
/* As am_map_put, but a key the map holds keeps its value (and the
 * memory that value is in). */
int am_map_add(struct am_map *m, const char *k, size_t klen, const char *v,
    size_t vlen);
int am_map_del(struct am_map *m, const char *k, size_t klen);	/* 1 if deleted */
size_t am_map_count(const struct am_map *m);
/*
 * Iterate: *pos starts at 0; 1 and the next key and value, or 0 at the
 * end.  The map must not change during the walk.
 */
int am_map_next(const struct am_map *m, size_t *pos, const char **k,
    size_t *klen, const char **v, size_t *vlen);
void am_map_clear(struct am_map *m);
uint64_t am_hash(const void *p, size_t n);

/*
 * SHA-256 and HMAC-SHA-256 (sha256.c): digest tokens and cache keys.
 * The *_final() calls wipe their state.
 */
#define AM_SHA256_LEN 32
struct am_sha256 {
	uint32_t h[8];
	uint64_t len;
	unsigned char buf[64];
	size_t nbuf;
};
void am_sha256_init(struct am_sha256 *s);
void am_sha256_update(struct am_sha256 *s, const void *data, size_t n);
void am_sha256_final(struct am_sha256 *s, unsigned char out[AM_SHA256_LEN]);
void am_sha256(const void *data, size_t n, unsigned char out[AM_SHA256_LEN]);
struct am_hmac {
	struct am_sha256 inner, outer;
};
void am_hmac_sha256_init(struct am_hmac *h, const void *key, size_t keylen);
void am_hmac_sha256_update(struct am_hmac *h, const void *data, size_t n);
void am_hmac_sha256_final(struct am_hmac *h, unsigned char out[AM_SHA256_LEN]);
/* Lower-case hex of p[0..n) into out, which has room for 2n+1 bytes. */
void am_hex(const unsigned char *p, size_t n, char *out);

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
	int redis_durable;	/* cluster: WAIT for a replica; -1 unset (on) */
	int redis_wait_ms;	/* cluster: WAIT's timeout; 0: timeout_ms */
	int redis_failover_ms;	/* cluster: how long to wait for a failover;
				 * -1 unset (10 s) */
	int timeout_ms;		/* connect and command timeout */
	long long ttl;		/* seconds, > 0 */
	long long max_entries;	/* 0: unlimited */
	long long min_idle;	/* seconds: cleanup never evicts a pair used
				 * more recently */
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
	int allow_eviction;	/* accept a Redis that may evict our keys */
	int token_style;	/* AM_TOKEN_COUNTER or AM_TOKEN_DIGEST */
	char *token_key;	/* the digest key: a secret, wiped when freed */
	char *warning;		/* notes for awsmask_config_warning() */
	char *state_dir;	/* NULL: $XDG_STATE_HOME/awsmask */
	char *store_name;	/* cached awsmask_config_store_name() */
	/* awsmask-claude (claude.c); NULL strings take its defaults. */
	char *claude_model;
	char *claude_base_url;
	int claude_max_tokens;
	int claude_max_retries;
	int claude_timeout;	/* seconds, a whole attempt */
	int cache_ttl;		/* seconds */
	struct am_error err;
};
struct awsmask_config {
	struct am_config c;
};
enum { AM_TOKEN_COUNTER = 0, AM_TOKEN_DIGEST = 1 };
#define AM_TOKEN_KEY_MIN 16	/* bytes of digest key, at least */
/*
 * Parse a configuration file already open (and trusted) as f; path is
 * for messages.  *secrets counts the keys it set that hold a secret.
 */
int am_config_parse(struct am_config *c, FILE *f, const char *path,
    int *secrets);
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
/*
 * Can a row match anchored at p in u[0, len)?  0 only when it cannot
 * (gates.c).  we is the end of the run of [A-Za-z0-9_] from p, or
 * p + AM_GATE_WORD when the run is longer.
 */
struct am_gate_in {
	const unsigned char *u;
	size_t len, p, we;
};
#define AM_GATE_WORD 128
typedef int am_gate_fn(const struct am_gate_in *in);
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
	 * of trying the pattern at every word.  It tracks AM_MAX_NEEDLES
	 * distinct literals; a row whose literals come later is tried
	 * everywhere, so the catalogue keeps within that (test_scanner).
	 */
	const char *needles;
	/*
	 * NULL, or a cheap check the fast path of the scanner makes before
	 * it tries the pattern at a start: 0 only where the pattern cannot
	 * match there (gates.c).
	 */
	am_gate_fn *gate;
};
#define AM_MAX_NEEDLES 16
/*
 * The loops built for SSSE3 (target attributes) where the compiler can
 * build them; am_have_ssse3() says whether the processor runs them, and
 * am_force_ssse3(0) turns them off for tests (util.c).
 */
#if defined(__GNUC__) && defined(__x86_64__)
#define AM_SSSE3_LOOPS 1
#endif
int am_have_ssse3(void);
void am_force_ssse3(int on);

/*
 * May byte c start a match, for the scanner's vector loop?  It takes the
 * printable ASCII bytes for starts, and falls back to a byte loop when
 * the catalogue can start on another (test_scanner checks it cannot).
 */
static inline int
am_start_printable(unsigned c)
{
	return c > 0x20 && c < 0x7f;
}
extern const struct am_kind am_kinds[];
am_gate_fn am_gate_keyed_id, am_gate_account_key, am_gate_account_id,
    am_gate_aws_id, am_gate_prose_name, am_gate_resource_name,
    am_gate_s3_log, am_gate_ipv6, am_gate_kms_key_id, am_gate_keyed_iam_id,
    am_gate_kind_key;
/*
 * What may follow the word that a gated row's match starts with, when
 * it starts with a letter: the byte right after the word (`after`), or,
 * when that is a blank (space or tab), the first byte after the blanks
 * (`after_blanks`).  The scanner turns these into tables, and drops a
 * row at a start where neither holds before it calls the gate.
 */
struct am_gate_follow {
	am_gate_fn *gate;
	const char *after;
	const char *after_blanks;
};
extern const struct am_gate_follow am_gate_follows[];
extern const size_t am_ngate_follows;
extern const size_t am_nkinds;
/*
 * Names (names.c): a placeholder or AWS constant is never a name; a
 * name a context found is masked at its later bare occurrences only
 * when it has AM_LEARN_MIN characters or more and is not a common word.
 */
#define AM_LEARN_MIN 4
int am_name_placeholder(const char *p, size_t n);
int am_name_learnable(const char *p, size_t n);
int am_name_aws_policy(const char *p, size_t n);	/* AmazonS3FullAccess */
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
 * context and never cuts a line shorter than this between matches.
 * Credential values are the exception: their patterns end only where
 * the value does, and the stream reads on (up to AM_LONG_MAX bytes of
 * one value) until it sees that end. */
#define AM_MAX_MATCH 8192
#define AM_LONG_MAX (1024 * 1024)

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
 * Redis Cluster (cluster.c): CRC16-XMODEM, and the slot of a key with the
 * specification's hash tags.
 */
#define AM_CLUSTER_SLOTS 16384
uint16_t am_crc16(const void *p, size_t n);
unsigned am_cluster_slot(const char *key, size_t len);
/*
 * An error reply of a cluster node: MOVED and ASK fill rd (host "" when
 * the node left it out), TRYAGAIN and CLUSTERDOWN are temporary, any
 * other error (or a malformed redirection) is AM_CR_OTHER.
 */
enum am_cluster_reply {
	AM_CR_OTHER, AM_CR_MOVED, AM_CR_ASK, AM_CR_TRYAGAIN, AM_CR_DOWN
};
struct am_cluster_redirect {
	unsigned slot;
	char host[256];
	int port;
};
enum am_cluster_reply am_cluster_error(const char *s, size_t n,
    struct am_cluster_redirect *rd);
/*
 * The key that routes a command given in RESP (an array of bulk
 * strings): 1 and *key, 0 for a command without a key (PING, INFO,
 * SCAN, WAIT, ...; EVAL with no keys), -1 when cmd is not such an array.
 */
int am_cluster_cmd_key(const char *cmd, size_t n, const char **key,
    size_t *klen);

/*
 * Store.  Batch-first: every call takes many items.  Backends fill a
 * struct am_store_ops; the store is chosen once from its URI.
 *
 * mask_many: for each item, item->key is an original; the store returns
 * its token in item->value (malloc'd with am_malloc, NUL-terminated,
 * freed by the caller with am_free), allocating PREFIX_NNN from the
 * per-prefix counter when there is none.  Refreshes a stale mapping (see
 * "Last use" below).  Either every item gets a value or the call fails.
 *
 * unmask_many: for each item, item->key is a token; item->value gets its
 * original, or stays NULL when the token is unknown or expired.
 * Refreshes a stale mapping.
 *
 * Last use.  A hit costs a read, not a write: a mapping's expiry (and
 * with it the time it was last used) is renewed, both directions
 * together, only when its last renewal is am_store_refresh_interval()
 * old or more, in the round trip or transaction that reads it.  The
 * per-process caches forget their entries after am_store_cache_life(),
 * so a mapping in use reaches the store at least that often.  Last use
 * is therefore known to within am_store_granularity(), the sum of the
 * two: cleanup treats a pair as idle for `d` only when its recorded last
 * use is d plus the granularity old.
 */
long long am_store_refresh_interval(long long ttl);
long long am_store_cache_life(long long ttl);
long long am_store_granularity(long long ttl);
/*
 * Halves (and, on the embedded store, rows) younger than this are never
 * removed as orphans: they may be a mapping being written right now.
 */
#define AM_ORPHAN_MIN_AGE 60

/*
 * Processing statistics (DESIGN.md's <ns>stats:processing): what
 * awsmask and awsunmask runs did, added to the store in round trips or
 * transactions it makes anyway.  Runs count the processes that used the
 * store; CPU time is the process's, in microseconds, while it masked or
 * unmasked.
 */
struct am_proc {
	unsigned long long mask_runs, mask_bytes, mask_identifiers,
	    mask_cpu_us;
	unsigned long long unmask_runs, unmask_bytes, unmask_tokens,
	    unmask_unknown, unmask_cpu_us;
};
/* The fields of struct am_proc by name, as stored, in order. */
struct am_proc_field {
	const char *name;
	size_t off;
};
extern const struct am_proc_field am_proc_fields[];
extern const size_t am_nproc_fields;
#define AM_PROC_FIELD(p, i) \
	(*(unsigned long long *)((char *)(p) + am_proc_fields[i].off))
int am_proc_empty(const struct am_proc *p);

/*
 * The operator side of the store: statistics, scans and removal for
 * awsmask-stats and awsmask-cleanup (store_admin.c holds the algorithms,
 * the backends only these primitives).
 *
 * A scan walks every mapping in steps of bounded size, with a cursor
 * the backend owns (sc->priv): a Redis Cluster backend walks each master
 * in turn behind the same interface.  Each step yields entries: whole
 * pairs, halves without their other direction, or (embedded store) rows
 * past their expiry.  A pair is yielded once, from its mask: side; a
 * half of a pair whose other side is seen agreeing is not yielded.  The
 * strings of a step's entries belong to the backend and live until the
 * next step.  Figures are exact on a quiet store; while others write,
 * Redis's SCAN may return a key twice or miss one written meanwhile.
 */
enum am_entry_state {
	AM_ENTRY_PAIR,		/* both directions, agreeing */
	AM_ENTRY_ORPHAN_MASK,	/* mask:<original> whose unmask:<token> is
				 * gone or names another original */
	AM_ENTRY_ORPHAN_UNMASK,	/* unmask:<token> whose mask:<original> is
				 * gone or names another token */
	AM_ENTRY_EXPIRED,	/* a row past its expiry (embedded store) */
};
struct am_entry {
	int state;
	const char *original;
	size_t original_len;
	const char *token;
	size_t token_len;
	/*
	 * With AM_SCAN_USED: when the entry was last used (renewed, or
	 * written), seconds since the epoch; 0 when unknown (a key with no
	 * expiry), which reads as the oldest.
	 */
	long long used;
	int removed;		/* out: set by remove() */
};
#define AM_SCAN_USED 0x1	/* fill entry.used (a command a key on Redis) */
/*
 * Candidates for eviction only: a backend may then yield mask: sides as
 * pairs without reading the other direction, since remove() checks both
 * atomically anyway (cleanup's second walk); halves are not yielded.
 */
#define AM_SCAN_CANDIDATES 0x2
struct am_scan {
	unsigned flags;		/* in: AM_SCAN_* */
	struct am_entry *entries;	/* out: this step's */
	size_t n;
	int done;		/* out: no step left */
	unsigned long long seen;	/* keys or rows seen so far */
	unsigned long long total;	/* an estimate of all of them, or 0 */
	void *priv;		/* the backend's cursor; NULL to begin */
};
/* What the store knows about itself.  -1: not known here. */
#define AM_DAILY_DAYS 30
struct am_store_info {
	long long used_memory, maxmemory, evicted_keys;	/* Redis */
	char policy[32];	/* Redis maxmemory-policy, or "" */
	long long size_bytes;	/* embedded: the database file */
	unsigned long long total_created;	/* mappings ever created */
	/* Mappings created on each of the last AM_DAILY_DAYS UTC days,
	 * today first; day[i] is YYYY-MM-DD. */
	char day[AM_DAILY_DAYS][11];
	unsigned long long daily[AM_DAILY_DAYS];
	unsigned long long cache_hits, cache_misses;	/* awsmask-claude */
	struct am_proc proc;
};
/* The UTC day of t as YYYY-MM-DD into buf (11 bytes). */
void am_store_day(long long t, char *buf);
enum am_lock_op { AM_LOCK_TAKE, AM_LOCK_EXTEND, AM_LOCK_RELEASE };
struct am_store_item {
	const char *key;
	size_t key_len;
	const char *prefix;	/* mask: token prefix */
	const char *kind;	/* mask: kind name, for statistics */
	char *value;		/* out */
	size_t value_len;
	int corrupt;		/* unmask, out: the two halves disagree */
};
struct am_store;
struct am_store_ops {
	const char *scheme;	/* "memory", "sqlite", "redis", "unix" */
	/*
	 * Open.  A store with an identity (meta_init not NULL) also reads
	 * it into st->id here (NULL when the store has none yet), and sets
	 * st->policy/st->evicting when it can tell.
	 */
	int (*open)(struct am_store *st, const char *uri);
	int (*mask_many)(struct am_store *st, struct am_store_item *it,
	    size_t n);
	int (*unmask_many)(struct am_store *st, struct am_store_item *it,
	    size_t n);
	/* Round trip to check health (may be NULL: always healthy). */
	int (*ping)(struct am_store *st);
	void (*close)(struct am_store *st);
	/*
	 * Identity (NULL for a store that forgets everything anyway, such
	 * as memory:).  meta_init gives the store the identity `id` unless
	 * it has one, and leaves the one it holds afterwards in st->id.
	 * counters_raise lifts the counter of prefix[i] so that the next
	 * number it hands out is at least min[i], never lowering one.
	 */
	int (*meta_init)(struct am_store *st, const char *id);
	int (*counters_raise)(struct am_store *st, const char *const *prefix,
	    const unsigned long long *min, size_t n);
	/*
	 * Parse uri as open() would, without touching anything (NULL: any
	 * URI of the scheme will do).  st->priv is NULL.
	 */
	int (*check)(struct am_store *st, const char *uri);
	/* Fill info (all fields were set to "not known" first). */
	int (*info)(struct am_store *st, struct am_store_info *info);
	/*
	 * One step of a scan (see above): sc->entries and sc->n, sc->done
	 * after the last.  scan_end() frees the cursor, whether the scan
	 * ran to its end or not, and accepts a scan never begun.
	 */
	int (*scan)(struct am_store *st, struct am_scan *sc);
	void (*scan_end)(struct am_store *st, struct am_scan *sc);
	/*
	 * Remove entries a scan yielded, each atomically and only when it
	 * is still as the scan saw it and still unused since used_before
	 * (seconds since the epoch): a pair both directions together, and
	 * only while they agree; a half only while the other direction does
	 * not agree with it; an expired row only while expired.  Sets
	 * e[i].removed for each one removed.  Never touches a counter.
	 */
	int (*remove)(struct am_store *st, struct am_entry *e, size_t n,
	    long long used_before);
	/*
	 * The lock <ns>lock:<name>, a lease of `ms` milliseconds held by
	 * `owner` (a random string): TAKE sets *got to 1 when it was free
	 * (or its lease ran out), EXTEND when owner still holds it; RELEASE
	 * frees it only when owner holds it.
	 */
	int (*lock)(struct am_store *st, enum am_lock_op op, const char *name,
	    const char *owner, long long ms, int *got);
	/*
	 * Write st->proc_pending now and zero it (may be NULL when the
	 * backend writes it as it goes).  Called when the store closes.
	 */
	int (*flush_stats)(struct am_store *st);
	/*
	 * The response cache of awsmask-claude, beside the mappings:
	 * <ns>cache:<key> -> value, with its own TTL, and the counters
	 * <ns>stats:cache:hits and <ns>stats:cache:misses.
	 * cache_get gives the live value of key (*value am_malloc'd,
	 * NUL-terminated, the caller frees it) or *value NULL on a miss,
	 * and counts the hit or the miss.  cache_put stores value for ttl
	 * seconds.  NULL in a backend: it keeps no cache.
	 */
	int (*cache_get)(struct am_store *st, const char *key, char **value,
	    size_t *vlen);
	int (*cache_put)(struct am_store *st, const char *key,
	    const char *value, size_t vlen, long long ttl);
	/*
	 * mask_many in two halves (NULL: the backend has only mask_many).
	 * mask_begin may leave the batch's last writes on their way, with
	 * st->in_flight set, and return; mask_end then reads their replies
	 * and finishes the batch.  The items and their keys must stay put
	 * until then, and nothing else may use the store meanwhile
	 * (store.c ends the batch first).
	 */
	int (*mask_begin)(struct am_store *st, struct am_store_item *it,
	    size_t n);
	int (*mask_end)(struct am_store *st);
	/*
	 * mask_end of the batch in flight and mask_begin of this one at
	 * once (NULL: the backend ends the one, then begins the other).
	 * The backend may send this batch's first requests before it
	 * reads the last replies of the one in flight.  On failure neither
	 * batch's items keep a value (store.c releases the old one's).
	 */
	int (*mask_next)(struct am_store *st, struct am_store_item *it,
	    size_t n);
};
struct am_store_ident;
struct am_store {
	const struct am_store_ops *ops;
	void *priv;
	const struct am_config *cfg;	/* borrowed */
	long long ttl;			/* seconds */
	const char *ns;			/* key prefix */
	int timeout_ms;
	int token_style;		/* AM_TOKEN_COUNTER or AM_TOKEN_DIGEST */
	char *name;			/* for messages: never a password */
	char *id;			/* the store's identity, or NULL */
	char policy[32];		/* Redis maxmemory-policy, or "" */
	int evicting;			/* that policy may evict our keys */
	struct am_store_ident *ident;	/* store.c: identity and numbers */
	char *warning;			/* a note for the tool, or NULL */
	/* Processing statistics not written yet: a backend adds them to a
	 * round trip or write transaction it makes and zeroes them. */
	struct am_proc proc_pending;
	struct am_error err;
	/* A batch begun and not ended (mask_begin): its items. */
	int in_flight;
	struct am_store_item *flight_it;
	size_t flight_n;
};
/* A digest token's number has this many digits, always. */
#define AM_DIGEST_DIGITS 8
/*
 * The digest token of key for prefix: PREFIX_ and AM_DIGEST_DIGITS
 * digits from HMAC-SHA-256 under the configured key of prefix, key and
 * attempt (0 first; a collision in the store moves to the next).  buf
 * >= 64 bytes.  Returns its length, or -1 when it does not fit.
 */
int am_store_digest_token(const struct am_store *st, const char *prefix,
    const char *key, size_t klen, unsigned attempt, char *buf, size_t size);
/* Append a note to st->warning (for the tool's stderr; never a value). */
void am_store_warn(struct am_store *st, const char *fmt, ...)
    AM_PRINTF(2, 3);
/* Open the store named by uri (never NULL).  On failure *out is NULL and
 * err says why. */
int am_store_open(struct am_store **out, const char *uri,
    const struct am_config *cfg, struct am_error *err);
void am_store_close(struct am_store *st);
/*
 * Is uri a store URI that open could use?  Only its syntax is checked:
 * nothing is opened, created or connected.  AWSMASK_ECONFIG and err
 * when not (messages never quote a password).
 */
int am_store_check(const char *uri, struct am_error *err);
/* uri with its password shown as "***", for messages; NULL on ENOMEM. */
char *am_store_redact_uri(const char *uri);
int am_store_mask_many(struct am_store *st, struct am_store_item *it,
    size_t n);
/*
 * mask_many split in two, so that the caller can work (scan its next
 * window) while the batch's last writes are on their way: after
 * am_store_mask_begin() the items get their values only from
 * am_store_mask_end() (which is a no-op when begin finished the batch
 * itself: am_store_mask_pending() says which).  Until the end, the
 * items and the bytes of their keys must stay where they are.  Any
 * other call on the store ends the batch first.
 */
int am_store_mask_begin(struct am_store *st, struct am_store_item *it,
    size_t n);
/* (A batch begun with another in flight ends that one as part of it:
 * after it returns, the other batch's items have their values, or the
 * call failed.) */
int am_store_mask_end(struct am_store *st);
int am_store_mask_pending(const struct am_store *st);
int am_store_unmask_many(struct am_store *st, struct am_store_item *it,
    size_t n);
void am_store_items_release(struct am_store_item *it, size_t n);
/* The operator side, through the op table, with sticky errors. */
int am_store_info(struct am_store *st, struct am_store_info *info);
int am_store_scan(struct am_store *st, struct am_scan *sc);
void am_store_scan_end(struct am_store *st, struct am_scan *sc);
int am_store_remove(struct am_store *st, struct am_entry *e, size_t n,
    long long used_before);
int am_store_lock(struct am_store *st, enum am_lock_op op, const char *name,
    const char *owner, long long ms, int *got);
/* The response cache (see struct am_store_ops); errors stick as above. */
int am_store_cache_get(struct am_store *st, const char *key, char **value,
    size_t *vlen);
int am_store_cache_put(struct am_store *st, const char *key,
    const char *value, size_t vlen, long long ttl);
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

/*
 * Server-sent events (sse.c): a pure parser, fed a stream's bytes in
 * pieces of any size.  fn is called once per event, in order; its
 * pointers are valid during the call only, and data is NUL-terminated.
 * am_sse_feed() returns 0, fn's first non-zero return (parsing stops
 * there), AWSMASK_ENOMEM, or AWSMASK_EDATA for an event or line longer
 * than max_event bytes.  The struct is the caller's; release it with
 * am_sse_release(), after which it may be fed again from the start.
 */
#define AM_SSE_MAX_EVENT (64u * 1024 * 1024)
struct am_sse_event {
	const char *type;	/* the event: field, or "message" */
	size_t type_len;
	const char *data;	/* the data: lines, joined by '\n' */
	size_t data_len;
};
typedef int am_sse_fn(void *arg, const struct am_sse_event *ev);
struct am_sse {
	struct am_buf line;	/* an unfinished line */
	struct am_buf type, data;	/* the event being gathered */
	size_t max;
	int cr;			/* the last byte was a CR: skip a LF */
	int bom;		/* bytes of the byte order mark seen; 3: done */
	int dirty;		/* a field of an unfinished event was read */
};
void am_sse_init(struct am_sse *p, size_t max_event);	/* 0: default */
int am_sse_feed(struct am_sse *p, const char *buf, size_t n, am_sse_fn *fn,
    void *arg);
/* At the end of a stream: was an event begun and not finished? */
int am_sse_pending(const struct am_sse *p);
void am_sse_release(struct am_sse *p);

#endif /* AM_INTERNAL_H */
