/*
 * awsmask.h - the whole public API of libawsmask.
 *
 * libawsmask masks AWS resource identifiers in text and puts them back.
 * Every type is opaque.  Ownership, once for the whole API: an object
 * returned through an out-parameter belongs to the caller and is freed with
 * its own *_free(), which accepts NULL; string arguments are borrowed for
 * the duration of the call only.  The library never prints and never
 * exits: every function that can fail returns an enum awsmask_err and
 * leaves a human-readable reason for awsmask_errstr() (or
 * awsmask_config_errstr()).  No reason ever contains an original
 * identifier, a password or a key.
 */
#ifndef AWSMASK_H
#define AWSMASK_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AWSMASK_VERSION "0.1.0"
#define AWSMASK_VERSION_MAJOR 0
#define AWSMASK_VERSION_MINOR 1
#define AWSMASK_VERSION_PATCH 0

enum awsmask_err {
	AWSMASK_OK = 0,
	AWSMASK_ENOMEM,		/* out of memory */
	AWSMASK_EINVAL,		/* bad argument from the caller */
	AWSMASK_ECONFIG,	/* bad configuration (exit 78) */
	AWSMASK_ESTORE,		/* store unavailable or failing (exit 69) */
	AWSMASK_EIO,		/* read or write error (exit 74) */
	AWSMASK_EDATA,		/* input the library cannot process (exit 65) */
	AWSMASK_EAUTH,		/* the API refused the key (exit 77) */
	AWSMASK_EAPI,		/* the API unavailable or failing (exit 69) */
};

struct awsmask_config;
struct awsmask;

/* Configuration. */
int awsmask_config_new(struct awsmask_config **out);
void awsmask_config_free(struct awsmask_config *cfg);
/*
 * Set one key.  Keys are matched without regard to case, and '-' equals
 * '_', so "MASKING_TTL", "masking-ttl" and "masking_ttl" are one key.
 * See awsmask.conf(5) for the list.  Unknown keys and bad values give
 * AWSMASK_ECONFIG.
 */
int awsmask_config_set(struct awsmask_config *cfg, const char *key,
    const char *value);
/*
 * Read a key=value file.  A missing file is not an error unless
 * must_exist is set.
 */
int awsmask_config_load_file(struct awsmask_config *cfg, const char *path,
    int must_exist);
/* Apply the environment variables of awsmask.conf(5). */
int awsmask_config_load_env(struct awsmask_config *cfg);
/*
 * The standard chain: defaults, then /etc/awsmask.conf (or
 * $AWSMASK_SYSCONFIG), then the user file (or `file` when not NULL, which
 * must exist), then the environment.  Flags go on top with
 * awsmask_config_set().
 */
int awsmask_config_load_standard(struct awsmask_config *cfg,
    const char *file);
const char *awsmask_config_errstr(const struct awsmask_config *cfg);
/*
 * Notes the configuration gathered while it was read (a file holding a
 * password that others can read), one a line, or NULL.  Owned by cfg.
 */
const char *awsmask_config_warning(const struct awsmask_config *cfg);
/* The store URI the configuration resolves to, for messages ("memory:",
 * "sqlite:///path", "redis://host:port/db"; never a password). */
const char *awsmask_config_store_name(const struct awsmask_config *cfg);

/*
 * Input formats (the "format" key).  AUTO decides per document: an
 * input is text, and a line that opens with '{' or '[' (after blanks)
 * starts JSON, read as such for as long as it parses.  In the JSON formats identifiers are looked
 * for inside string literals, escapes decoded, with the member key as
 * context; JSON is one value, NDJSON any number of them.
 */
enum awsmask_format {
	AWSMASK_FORMAT_AUTO = 0,
	AWSMASK_FORMAT_TEXT,
	AWSMASK_FORMAT_JSON,
	AWSMASK_FORMAT_NDJSON,
};
/* "auto", "text", "json", "ndjson" and back; -1 / NULL when unknown. */
int awsmask_format_parse(const char *name);
const char *awsmask_format_name(int format);

/* Context: a compiled catalogue, a lazily opened store and a cache. */
int awsmask_new(const struct awsmask_config *cfg, struct awsmask **out);
void awsmask_free(struct awsmask *am);
const char *awsmask_errstr(const struct awsmask *am);
const char *awsmask_strerror(enum awsmask_err err);

/*
 * Mask: read infd to its end, write masked text to outfd.  With
 * AWSMASK_LINE_BUFFERED every read is processed and written at once
 * (terminals, tail -f); otherwise large blocks are gathered first.
 * Nothing is written for a block until every identifier in it has a token.
 */
#define AWSMASK_LINE_BUFFERED 0x1
int awsmask_mask_fd(struct awsmask *am, int infd, int outfd, unsigned flags);
/* Mask a buffer; *out is malloc'd and NUL-terminated, the caller frees it. */
int awsmask_mask_buffer(struct awsmask *am, const char *in, size_t len,
    char **out, size_t *outlen);

/*
 * Scan only (awsmask --check): call fn once per identifier found, with
 * the kind's name, its token prefix, and the 1-based line and byte offset
 * of the identifier in the stream.  Never the value.  The store is not
 * opened.
 */
typedef void awsmask_found_fn(void *arg, const char *kind,
    const char *prefix, unsigned long long line, unsigned long long offset);
int awsmask_scan_fd(struct awsmask *am, int infd, awsmask_found_fn *fn,
    void *arg);
int awsmask_scan_buffer(struct awsmask *am, const char *in, size_t len,
    awsmask_found_fn *fn, void *arg);

/*
 * Check (awsmask --check): scan text that may be awsmask's own output.
 * As awsmask_scan_fd(), except that a token the store issued, written
 * exactly as awsmask writes it (EC2_001, or BUCKET_001 in
 * s3://BUCKET_001/key), is what masking put there and no finding.
 * Token-shaped text the store never issued is one (token-literal: masking
 * would mask it), and so is every identifier.  The store is opened only
 * when the input holds token-shaped text; when it cannot be, the check
 * fails with AWSMASK_ESTORE rather than guess.  Nothing is written to it.
 *
 * fn is called once per finding, in input order, with where it is.
 * Never the value.  Columns are left to the caller, who has the bytes:
 * count from the line's start to offset.  Fields may be added at the
 * end of the struct; it is valid during the call only.
 */
struct awsmask_finding {
	const char *kind;		/* "ec2-instance" */
	const char *prefix;		/* its token prefix, "EC2" */
	unsigned long long line;	/* of its first byte, from 1 */
	unsigned long long offset;	/* its first byte in the input, from 0 */
	unsigned long long length;	/* its bytes as written (JSON: escaped) */
};
typedef void awsmask_finding_fn(void *arg, const struct awsmask_finding *f);
int awsmask_check_fd(struct awsmask *am, int infd, awsmask_finding_fn *fn,
    void *arg);
int awsmask_check_buffer(struct awsmask *am, const char *in, size_t len,
    awsmask_finding_fn *fn, void *arg);

/*
 * Unmask: replace every known token by its original.  A token is
 * restored only when both directions of its mapping agree.  Unknown
 * tokens (never issued, or expired) are left as they are, and so are
 * corrupt ones: the store holds the token's original, but that
 * original's mapping names another token (a store written by something
 * else, or reset without awsmask noticing).  fn, when not NULL, is
 * called once per occurrence of either, with the token itself (tokens
 * are not secret) and why: AWSMASK_TOKEN_UNKNOWN or AWSMASK_TOKEN_CORRUPT.
 */
#define AWSMASK_TOKEN_UNKNOWN 0
#define AWSMASK_TOKEN_CORRUPT 1
typedef void awsmask_unknown_fn(void *arg, const char *token,
    unsigned long long line, int why);
int awsmask_unmask_fd(struct awsmask *am, int infd, int outfd,
    unsigned flags, awsmask_unknown_fn *fn, void *arg);
int awsmask_unmask_buffer(struct awsmask *am, const char *in, size_t len,
    char **out, size_t *outlen, awsmask_unknown_fn *fn, void *arg);

/*
 * The format the last input was read as, for --verbose: TEXT, JSON (one
 * value) or NDJSON (more than one), or, when --format auto read part of
 * it as text and part as JSON, AUTO.
 */
int awsmask_input_format(const struct awsmask *am);

/*
 * Report: fn, when set, is called once per identifier masked, with its
 * kind, its token, and the byte offset and length of the original in
 * the input (in JSON formats, of its escaped form in the string
 * literal).  Never the original.  Offsets count from the start of each
 * input.  NULL turns it off.
 */
typedef void awsmask_report_fn(void *arg, const char *kind,
    const char *token, size_t token_len, unsigned long long offset,
    unsigned long long length);
void awsmask_set_report(struct awsmask *am, awsmask_report_fn *fn,
    void *arg);

/* What the last calls did, for --verbose. */
struct awsmask_counts {
	unsigned long long identifiers;	/* identifiers masked (or found) */
	unsigned long long tokens_restored;	/* tokens unmasked */
	unsigned long long tokens_unknown;	/* tokens left as they were */
	unsigned long long tokens_corrupt;	/* of those, with a corrupt mapping */
	unsigned long long store_batches;	/* batches sent to the store */
	unsigned long long bytes_in;
};
void awsmask_get_counts(const struct awsmask *am, struct awsmask_counts *c);
/* Non-fatal notes (e.g. "redis unreachable, using the embedded store"),
 * or NULL.  Cleared by the call. */
const char *awsmask_take_warning(struct awsmask *am);

/* The catalogue, for --list-types and documentation. */
struct awsmask_kind_info {
	const char *name;	/* "ec2-instance" */
	const char *prefix;	/* "EC2" */
	const char *description;
	int enabled;		/* in this context's configuration */
};
size_t awsmask_kind_count(const struct awsmask *am);
int awsmask_kind_get(const struct awsmask *am, size_t i,
    struct awsmask_kind_info *info);

/*
 * Store status (awsmask --store-status): open the store now and report
 * its name and round-trip latency.  Returns the store's error when it is
 * unreachable.  *detail is a static or context-owned string.
 */
int awsmask_store_status(struct awsmask *am, const char **name,
    double *latency_ms, const char **detail);

/*
 * The circuit breaker of a Redis store: 1 when a failure in the last
 * cool-down makes invocations skip it (*age: seconds since), 0 when
 * closed, -1 when the store has none (embedded and memory stores).
 */
int awsmask_store_breaker(struct awsmask *am, long long *age);

/*
 * Operating the store (awsmask-stats, awsmask-cleanup).  Both open the
 * store at once.  Progress, when fn is not NULL, is reported after each
 * step of a walk over the store (and while waiting for a lock): the
 * phase ("scanning", "evicting", "waiting"), what was seen so far and an
 * estimate of the whole (0 when unknown).  A non-zero return stops the
 * walk at once, cleanly (a signal handler's flag, say).
 */
typedef int awsmask_progress_fn(void *arg, const char *phase,
    unsigned long long done, unsigned long long total);

struct awsmask_count {
	const char *name;	/* a token prefix ("EC2") or a day */
	unsigned long long n;
};

/* Processing figures of the awsmask and awsunmask runs that used the
 * store (CPU time in microseconds). */
struct awsmask_processing {
	unsigned long long mask_runs, mask_bytes, mask_identifiers,
	    mask_cpu_us;
	unsigned long long unmask_runs, unmask_bytes, unmask_tokens,
	    unmask_unknown, unmask_cpu_us;
};

/*
 * What the store holds and whether it is healthy.  Strings and arrays
 * belong to the context and live until the next awsmask_stats() or
 * awsmask_free().  -1 in a long long field: not known for this store.
 */
struct awsmask_stats {
	const char *backend;	/* "redis", "redis-cluster", "sqlite" or
				 * "memory" */
	const char *store;	/* its name, never with a password */
	const char *id;		/* its identity (awsmask(1) INTEGRITY), or NULL */
	int up;			/* the store answered */
	const char *error;	/* why not, when !up */
	double latency_ms;	/* median of five round trips */
	long long used_memory, maxmemory, evicted_keys;	/* Redis */
	const char *maxmemory_policy;	/* Redis; NULL elsewhere */
	/* Redis may evict mapping keys (maxmemory set, a policy other
	 * than noeviction): an evicted half breaks the bijection. */
	int eviction_risk;
	long long size_bytes;	/* embedded store: the file */
	unsigned long long mappings;	/* live pairs, both directions agreeing */
	unsigned long long orphans;	/* halves without their other direction */
	unsigned long long expired;	/* embedded store: rows past their expiry */
	const struct awsmask_count *kinds;	/* live pairs per prefix, sorted */
	size_t nkinds;
	unsigned long long total_created;	/* mappings ever created */
	/* Mappings created on each UTC day of the last 30, today first;
	 * days with none are left out. */
	const struct awsmask_count *daily;
	size_t ndaily;
	unsigned long long created_today;
	unsigned long long cache_hits, cache_misses;	/* awsmask-claude */
	struct awsmask_processing processing;
	int breaker;		/* as awsmask_store_breaker() */
	long long breaker_age;
	long long ttl;		/* seconds, configured */
	long long granularity;	/* seconds: how well last use is known */
	double seconds;		/* how long counting took */
	int stopped;		/* the progress function stopped it */
};
/*
 * Fill *out.  A store that cannot be reached is not a failure of the
 * call's own: out->up is 0, out->error says why, and the store's error
 * (AWSMASK_ESTORE, or AWSMASK_ECONFIG for a bad store URI) is returned
 * with *out filled as far as it goes.
 */
int awsmask_stats(struct awsmask *am, struct awsmask_stats *out,
    awsmask_progress_fn *fn, void *arg);

/*
 * Cleanup: remove halves without their other direction and (embedded
 * store) expired rows, then evict the least recently used pairs, both
 * directions together, until at most the configuration's
 * masking_max_entries remain (0: no cap), but never a pair used in the
 * last min_idle seconds (plus the granularity of last use).  Counters
 * are never touched.  Runs under the store's lock "cleanup"; when
 * another run holds it nothing is done and result->locked is set, or,
 * with AWSMASK_CLEANUP_WAIT, the call waits for it.  With
 * AWSMASK_CLEANUP_DRY_RUN nothing is changed (and no lock is taken): the
 * figures say what would be removed.
 */
#define AWSMASK_CLEANUP_DRY_RUN 0x1
#define AWSMASK_CLEANUP_WAIT 0x2
struct awsmask_cleanup_result {
	unsigned long long examined;	/* pairs, halves and rows looked at */
	unsigned long long orphans;	/* halves removed */
	unsigned long long orphans_young;	/* halves left: too recent */
	unsigned long long expired;	/* expired rows removed */
	unsigned long long evicted;	/* pairs evicted over the cap */
	unsigned long long kept;	/* live pairs left */
	/* Pairs over the cap that were kept: used within min_idle. */
	unsigned long long over_cap;
	long long max_entries, min_idle, granularity;	/* as applied */
	double seconds;
	int locked;		/* another run held the lock: nothing done */
	int stopped;		/* the progress function stopped it */
};
int awsmask_cleanup(struct awsmask *am, unsigned flags,
    awsmask_progress_fn *fn, void *arg,
    struct awsmask_cleanup_result *result);

/*
 * Claude (awsmask-claude): a Messages API request goes out masked, the
 * answer comes back unmasked.  The order of calls: new, one of the two
 * request_* calls, mask, then body (--dry-run) or send, then free.
 *
 * mask() masks every string of the request a model reads, then scans
 * the whole masked body once more; if anything is still an identifier
 * it fails with AWSMASK_EDATA ("refusing to send: N identifiers
 * remain", kinds and counts only) and nothing can be sent.  The store
 * is opened first: without it nothing is masked and nothing is sent.
 *
 * send() answers from the response cache in the store when it can (no
 * request is made), else POSTs the body to $base/v1/messages, retrying
 * 429, 5xx, 529 and lost connections with exponential backoff and full
 * jitter (retry-after honoured), and writes the answer to outfd:
 * unmasked text as it arrives (STREAM), or at the end; the response JSON
 * with RAW; still masked with SHOW_MASKED.  A stream is retried only
 * while nothing of it was written.
 */
#define AWSMASK_CLAUDE_STREAM		0x1	/* stream the answer (SSE) */
#define AWSMASK_CLAUDE_RAW		0x2	/* the response JSON, not its text */
#define AWSMASK_CLAUDE_SHOW_MASKED	0x4	/* the answer as Claude wrote it */
#define AWSMASK_CLAUDE_NO_CACHE		0x8	/* neither read nor fill the cache */

struct awsmask_claude_opts {
	const char *api_key;	/* borrowed; never in a message or log */
	const char *model;	/* NULL: the request's, or claude_model */
	const char *system;	/* NULL: the request's */
	long max_tokens;	/* 0: the request's, or claude_max_tokens */
	int max_retries;	/* -1: claude_max_retries */
	long timeout_ms;	/* one attempt; 0: claude_timeout */
	unsigned flags;		/* AWSMASK_CLAUDE_* */
	int outfd;		/* where the answer goes */
	/*
	 * --verbose: called with one line at a time (no newline): what is
	 * sent and received, headers with the key redacted, retries, cache
	 * hits.  NULL: quiet.
	 */
	void (*log)(void *arg, const char *line);
	void *log_arg;
};

struct awsmask_claude_stats {
	double mask_ms;		/* masking the request and scanning it again */
	double http_ms;		/* requests, waits between them included */
	double unmask_ms;	/* unmasking the answer */
	unsigned attempts;	/* requests sent */
	int cache_hit;
	long status;		/* HTTP status of the last request, 0: none */
	unsigned long long identifiers;	/* masked in the request */
	unsigned long long tokens_unknown;	/* left as they were */
};

struct awsmask_claude;
/* am is borrowed and must outlive the client. */
int awsmask_claude_new(struct awsmask *am,
    const struct awsmask_claude_opts *o, struct awsmask_claude **out);
void awsmask_claude_free(struct awsmask_claude *c);
const char *awsmask_claude_errstr(const struct awsmask_claude *c);
/* A whole Messages API request body, JSON. */
int awsmask_claude_request_json(struct awsmask_claude *c, const char *json,
    size_t len);
/* A one-message request: text (UTF-8) as the user's message. */
int awsmask_claude_request_text(struct awsmask_claude *c, const char *text,
    size_t len);
int awsmask_claude_mask(struct awsmask_claude *c);
/* The masked body, as send() would send it; owned by c. */
const char *awsmask_claude_body(const struct awsmask_claude *c, size_t *len);
int awsmask_claude_send(struct awsmask_claude *c);
void awsmask_claude_get_stats(const struct awsmask_claude *c,
    struct awsmask_claude_stats *s);

#ifdef __cplusplus
}
#endif
#endif /* AWSMASK_H */
