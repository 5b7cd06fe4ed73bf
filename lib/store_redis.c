/*
 * store_redis.c - the Redis store, on Debian's hiredis 0.14.
 *
 * Keys, the original design's, under the namespace ("aws:" by default):
 *	<ns>mask:<original>		-> token	(TTL)
 *	<ns>unmask:<token>		-> original	(TTL)
 *	<ns>counter:<PREFIX>		-> last number	(never expires)
 *	<ns>stats:counts		hash: total_mappings, one field a kind
 *	<ns>stats:counts:YYYY-MM-DD	hash: daily_mappings, one field a kind
 *					(UTC day; kept 90 days)
 *	<ns>cache:<sha256>		awsmask-claude's cached answers (TTL)
 *	<ns>stats:cache:hits, :misses	its counters
 *	<ns>meta:store			hash: id (the store's identity,
 *					store_ident.c), created, and
 *					hwm:<PREFIX>, a twin of each counter
 *					(never expires)
 *	<ns>stats:processing		hash: the fields of struct am_proc
 *	<ns>lock:<name>			owner	(PX lease; awsmask-cleanup)
 * Originals are arbitrary bytes: every command is sent as counted words.
 *
 * Allocation uses single-key atomic commands only, so that the same path
 * will serve a Redis Cluster.  Each step below is one pipeline for the
 * whole batch, so a batch costs a handful of round trips however many
 * identifiers it holds:
 *
 *  1. GET mask:<original> for every distinct original (and, in the
 *     first, the run's processing figures: HINCRBY stats:processing).
 *     One server reads them with MGET, 500 keys a command: a command
 *     a key cost Redis about twice the CPU (q_get_masks()).
 *  2. Hits: GET and PTTL unmask:<token>, to check that it points back
 *     and to see when the pair was last renewed.  Misses: INCRBY
 *     counter:<PREFIX> n, one per prefix, reserves n numbers at once.
 *  3. Hits whose unmask: key is gone: SET it NX, read it back with
 *     mask: (renewed too); repaired only when both then agree, and
 *     the half it wrote is deleted again (step 6) when mask: went.  And the stale hits
 *     (renewed am_store_refresh_interval() ago or more): EXPIRE unmask:,
 *     then GETEX mask: (before Redis 6.2: EXPIRE and GET), a hit only
 *     when both were there and mask: still names the token.  A fresh hit
 *     is a read and costs no write; so the remaining TTL of a pair says
 *     when it was last used, give or take am_store_granularity(), and
 *     awsmask-cleanup, which checks that again atomically before it
 *     evicts, never takes a pair from under a run that just used it.
 *  4. Misses: SET unmask:<token> <original> NX EX ttl.  A token taken
 *     already (a counter behind its tokens) skips the number.
 *  5. Then SET mask:<original> <token> NX EX ttl.
 *  6. Whoever lost the race on mask: reads the winner's token and deletes
 *     its own unmask: key (its number is simply skipped); the statistics
 *     of the mappings created go in the same pipeline.
 *
 * An original still unsettled (the winner's key expired at once, a
 * repair that lost, a counter behind) goes round again, a bounded number
 * of times.  A new batch costs five round trips: 1, 2, 4, 5, 6; a batch
 * of known originals two (three keys read an original), and a third
 * when some are stale.
 *
 * Step 5 may be left on its way (mask_begin(), one server only): its
 * SETs are written and the call returns with their replies unread, so
 * that Redis works through them while awsmask scans its next window;
 * mask_end() then reads them and goes on with step 6 and any further
 * round.  The order on the wire is unchanged (step 5 is still written
 * only after step 4's replies were read), so the invariant below holds
 * as before.  No token of the batch is handed back before mask_end()
 * has read step 5's replies: the caller holds the window meanwhile
 * (mask.c) and writes nothing of it when mask_end() fails (a lost
 * connection, an error reply).  Any other call on the store ends a
 * batch in flight first (store.c).  A cluster always finishes its
 * batch in mask_begin().
 *
 * The next batch may begin while one is in flight (mask_next()): its
 * step 1 goes out behind the other's step 5, so that Redis goes on from
 * the one to the other while the client reads, finishes and begins;
 * then the batch in flight is finished, its step 6 and any round left
 * included, before this one goes on from step 2.  Step 1 then sees the
 * other batch's mask: keys as written, and an original it must take
 * round again is a miss to both, which settle it as two processes
 * would.
 *
 * Measured, and left out: one EVALSHA a batch doing steps 4 to 6 for
 * every miss would save round trips, but costs Redis more than the
 * SETs it replaces (1.34-1.48 s against 0.96-1.08 s of server CPU for
 * 200,000 new pairs), and Redis's CPU is what bounds new identifiers.
 *
 * Unmasking: GET unmask:<token>, then GET and PTTL mask:<original>; a
 * token resolves only when mask: points back to it.  Stale pairs are
 * then renewed, both directions, in a third round trip.
 *
 * Counters have a twin: step 2 also adds n to the field hwm:<PREFIX> of
 * meta:store, and numbers are taken from the higher of the two answers.
 * A counter lost on its own (deleted by hand, evicted) so never makes a
 * number come round again; the lower twin is lifted in step 6.  When
 * the whole store is lost, store_ident.c takes over.  With digest
 * tokens (token_style = digest) there are no counters: a miss's token
 * is derived from the original, and a taken one moves to the next
 * candidate in the next round.
 *
 * The invariant that keeps tokens honest: unmask:<token> is only ever
 * written with the original its number was reserved for, and mask:
 * only after its unmask: key was written.  When mask:<original> names a
 * token whose unmask: key holds another original (a store written by
 * something else, or a counter reset), the mapping is re-created and
 * mask: overwritten; unmasking checks that mask: points back, so a token
 * never resolves to a wrong original, at worst to nothing.
 *
 * A Redis Cluster (redis-cluster://) runs this same code: the commands
 * are queued as for one server, and flush hands them to the transport of
 * redis_cluster.c, which sends each to the master of its key's slot (all
 * masters' pipelines out before any reply is read) and gives the replies
 * back in order.  The keys are the same, with no hash tag: the two
 * directions of a mapping, its counter and the counter's twin land on
 * whatever masters their slots say, which the protocol above allows
 * since it never needs two keys at once.  What differs:
 *  - A node lost mid-batch (a master killed) starts the batch over once
 *    the map has a master for every slot again (with_restarts()).
 *  - Durability: before mask_many returns, every master that took a
 *    write of a mapping, a counter or a twin (or holds a pair another
 *    process wrote in the last minute, which this batch hands out)
 *    WAITs for a replica (durable_wait(); durable=0 turns it off).
 *  - Commands about a server (INFO, DBSIZE, SCAN, SCRIPT LOAD, PING) go
 *    to every master; MGET becomes a GET a key; cleanup removes a pair
 *    one key at a time (remove_cluster()).
 */
#include "internal.h"

#include <errno.h>
#include <hiredis.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>

#include "breaker.h"
#include "redis_cluster.h"
#include "store_redis.h"

#define DEFAULT_TTL 604800
#define DEFAULT_TIMEOUT_MS 2000
#define DEFAULT_FAILOVER_MS 10000	/* cluster: waiting for a failover */
#define DEFAULT_NS "aws:"
#define DAILY_TTL "7776000"	/* 90 days, for the per-day statistics */
#define ROUNDS 6		/* allocation rounds before giving up */
#define MAX_WORDS 8
#define PUSH_AT (64 * 1024)	/* one server: queued bytes written before
				 * the flush */
#define RESTARTS 4		/* cluster: a batch started over after a
				 * node was lost (failover) */
#define YOUNG_MS 60000		/* cluster: a mapping written this recently
				 * may not be on a replica yet */
#define AM_RETRY 1000		/* cluster: start the operation over */
#define MGET_CHUNK 500		/* one server: keys an MGET */

struct redis {
	redisContext *c;	/* one server; NULL on a cluster */
	struct am_rc *cl;	/* a cluster (redis_cluster.c); NULL on one */
	struct am_rc_cmd *cmd;	/* cluster: the commands queued */
	int route;		/* cluster: the node of the next command, -1 */
	int durable;		/* cluster: WAIT for a replica (durable=1) */
	int wait_ms;		/* cluster: WAIT's timeout */
	int retryable;		/* cluster: a lost node may start it over */
	char *state_dir;	/* for the breaker; NULL without a config */
	int dead;		/* the connection is out of sync or gone */
	int has_getex;		/* the server knows GETEX (6.2+) */
	int getex;		/* and we use it */
	int ro;			/* the server refuses writes: read only */
	char ttl[24];		/* st->ttl in decimal */
	struct am_buf key;	/* the key of the command being queued */
	struct am_buf out;	/* the commands queued, in RESP */
	size_t pending;		/* commands queued, replies not yet read */
	redisReply **rep;	/* the replies of the last flush */
	size_t nrep, caprep;
	unsigned long long round_trips;
	char remove_sha[48];	/* SCRIPT LOAD of REMOVE_LUA, or "" */
	struct mbatch *flight;	/* a batch begun, its step 5 on its way */
};

/* A command's words, each with its length: binary-safe. */
struct words {
	int n;
	const char *v[MAX_WORDS];
	size_t len[MAX_WORDS];
};

static void
word(struct words *w, const void *p, size_t n)
{
	w->v[w->n] = p;
	w->len[w->n] = n;
	w->n++;
}

static void
word_str(struct words *w, const char *s)
{
	word(w, s, strlen(s));
}

static const char *
name(const struct am_store *st)
{
	return st->name ? st->name : "redis";
}

static int
timeout_ms(const struct am_store *st)
{
	return st->timeout_ms > 0 ? st->timeout_ms : DEFAULT_TIMEOUT_MS;
}

static int
nomem(struct am_store *st)
{
	struct redis *r = st->priv;

	if (r)
		r->dead = 1;
	return am_seterr(&st->err, AWSMASK_ENOMEM, "out of memory");
}

/*
 * The connection failed: refused, reset, closed, timed out.  Say why in
 * hiredis's words (lower-cased), and trip the breaker, so that the
 * invocations that follow skip this server for a while.
 */
static int
lost(struct am_store *st)
{
	struct redis *r = st->priv;
	const char *why = r->c && r->c->err && r->c->errstr[0] ?
	    r->c->errstr : "connection lost";
	char buf[420];

	if (r->cl)	/* the transport said it in its words already */
		snprintf(buf, sizeof(buf), "%s", am_rc_why(r->cl));
	/* A socket timeout reads as EAGAIN, a connect timeout as ETIMEDOUT. */
	else if (!strcmp(why, strerror(EAGAIN)) ||
	    !strcmp(why, strerror(ETIMEDOUT)) ||
	    !strcmp(why, strerror(EINPROGRESS)))
		snprintf(buf, sizeof(buf), "timed out after %d ms",
		    timeout_ms(st));
	else {
		snprintf(buf, sizeof(buf), "%s", why);
		if (buf[0] >= 'A' && buf[0] <= 'Z' && buf[1] >= 'a' &&
		    buf[1] <= 'z')
			buf[0] = (char)(buf[0] - 'A' + 'a');
	}
	r->dead = 1;
	if (r->state_dir)
		am_breaker_fail(r->state_dir, name(st), am_store_now());
	return am_seterr(&st->err, AWSMASK_ESTORE, "redis store '%s': %s",
	    name(st), buf);
}

/*
 * An error reply: OOM, NOAUTH, WRONGPASS, LOADING, READONLY, ...  Its
 * text is quoted, but never past "with args beginning with", where Redis
 * echoes a command's words (they may hold an original), and never a
 * byte that is not printable.
 */
static int
refused(struct am_store *st, const char *what, const redisReply *rep)
{
	char msg[200];
	size_t i, n = rep->len < sizeof(msg) - 1 ? rep->len : sizeof(msg) - 1;
	char *cut;

	memcpy(msg, rep->str, n);
	msg[n] = '\0';
	if ((cut = strstr(msg, "with args beginning with")))
		*cut = '\0';
	n = strlen(msg);
	while (n && (msg[n - 1] == ' ' || msg[n - 1] == ',' ||
	    msg[n - 1] == '.'))
		msg[--n] = '\0';
	for (i = 0; i < n; i++)
		if ((unsigned char)msg[i] < 0x20 || (unsigned char)msg[i] > 0x7e)
			msg[i] = '?';
	return am_seterr(&st->err, AWSMASK_ESTORE, "redis store '%s': %s%s",
	    name(st), what ? what : "", n ? msg : "error reply");
}

static int
unexpected(struct am_store *st, const char *verb)
{
	struct redis *r = st->priv;

	r->dead = 1;
	return am_seterr(&st->err, AWSMASK_ESTORE,
	    "redis store '%s': unexpected reply to %s", name(st), verb);
}

/*
 * hiredis sends with write(2), and a server that went away makes that
 * raise SIGPIPE, which kills a process that did not ignore it.  The
 * library must not, so SIGPIPE is blocked while a pipeline goes out, and
 * one that the pipeline raised is taken off before the mask comes back
 * (a SIGPIPE pending from before is left alone).
 */
struct nopipe {
	sigset_t old;
	int was_pending;
};

static void
nopipe_begin(struct nopipe *np)
{
	sigset_t set, pending;

	sigemptyset(&pending);
	sigpending(&pending);
	np->was_pending = sigismember(&pending, SIGPIPE) == 1;
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, &np->old);
}

static void
nopipe_end(struct nopipe *np)
{
	static const struct timespec zero = { 0, 0 };
	sigset_t set;
	int saved = errno;

	if (!np->was_pending) {
		sigemptyset(&set);
		sigaddset(&set, SIGPIPE);
		sigtimedwait(&set, NULL, &zero);
	}
	pthread_sigmask(SIG_SETMASK, &np->old, NULL);
	errno = saved;
}

static void
replies_clear(struct redis *r)
{
	size_t i;

	for (i = 0; i < r->nrep; i++)
		freeReplyObject(r->rep[i]);
	r->nrep = 0;
}

/* Write a RESP header at p: type, decimal n, CRLF; returns its end. */
static char *
resp_put(char *p, char type, size_t n)
{
	char tmp[24], *d = tmp + sizeof(tmp);
	size_t k;

	do
		*--d = (char)('0' + n % 10);
	while ((n /= 10));
	*p++ = type;
	k = (size_t)(tmp + sizeof(tmp) - d);
	memcpy(p, d, k);
	p += k;
	*p++ = '\r';
	*p++ = '\n';
	return p;
}

/* Append a RESP header: type, decimal n, CRLF. */
static int
resp_num(struct am_buf *b, char type, size_t n)
{
	if (am_buf_grow(b, 24) < 0)
		return -1;
	b->len = (size_t)(resp_put(b->buf + b->len, type, n) - b->buf);
	b->buf[b->len] = '\0';
	return 0;
}

/*
 * Hand what is queued to hiredis and write it to the server now, while
 * the rest of the pipeline is still being made: Redis works through the
 * first commands as the client formats the next (a batch of new
 * identifiers is a few hundred kilobytes a step).  The replies wait in
 * the socket and in Redis's output buffer until flush_raw() reads them.
 * A write that fails leaves the error in the hiredis context, which
 * flush_raw() finds.  all: write until all of it is out (step 5 of a
 * batch that mask_begin() leaves on its way), not only what the socket
 * takes at once.
 */
static int
push_out(struct am_store *st, int all)
{
	struct redis *r = st->priv;
	struct nopipe np;
	int done = 0;

	if (redisAppendFormattedCommand(r->c, r->out.buf, r->out.len) !=
	    REDIS_OK)
		return nomem(st);
	am_buf_reset(&r->out);
	nopipe_begin(&np);
	while (redisBufferWrite(r->c, &done) == REDIS_OK && !done && all)
		;
	nopipe_end(&np);
	return AWSMASK_OK;
}

static int
push(struct am_store *st)
{
	return push_out(st, 0);
}

/*
 * Queue one command: its RESP goes into r->out, which flush() hands to
 * hiredis in one piece (formatting each command through hiredis was the
 * client's main cost).  The caller's buffers may be reused as soon as
 * this returns.  The reply slot is made here, so that reading never
 * needs memory.
 */
static int
reply_slot(struct am_store *st)
{
	struct redis *r = st->priv;

	if (r->pending >= r->caprep) {
		size_t cap = r->caprep ? r->caprep * 2 : 64;
		redisReply **p = am_realloc(r->rep, cap * sizeof(*p));
		struct am_rc_cmd *c;

		if (!p)
			return nomem(st);
		r->rep = p;
		if (!(c = am_realloc(r->cmd, cap * sizeof(*c))))
			return nomem(st);
		r->cmd = c;
		r->caprep = cap;
	}
	/* Where the command begins, and where it goes on a cluster. */
	r->cmd[r->pending].off = r->out.len;
	r->cmd[r->pending].node = r->route;
	r->cmd[r->pending].durable = 0;
	r->route = -1;
	return AWSMASK_OK;
}

/* Cluster: send the next command to node (a master), not by its key. */
static void
route_to(struct am_store *st, int node)
{
	((struct redis *)st->priv)->route = node;
}

static int
queue_words(struct am_store *st, const struct words *w)
{
	struct redis *r = st->priv;
	size_t need = 24;
	char *p;
	int i;

	if (reply_slot(st))
		return st->err.code;
	/* Room for all of it at once: each word is a header, its bytes
	 * and CRLF (a header is at most 24 bytes). */
	for (i = 0; i < w->n; i++) {
		if (w->len[i] > SIZE_MAX / 2 - need)
			return nomem(st);
		need += 26 + w->len[i];
	}
	if (am_buf_grow(&r->out, need) < 0)
		return nomem(st);
	p = resp_put(r->out.buf + r->out.len, '*', (size_t)w->n);
	for (i = 0; i < w->n; i++) {
		p = resp_put(p, '$', w->len[i]);
		memcpy(p, w->v[i], w->len[i]);
		p += w->len[i];
		*p++ = '\r';
		*p++ = '\n';
	}
	r->out.len = (size_t)(p - r->out.buf);
	r->out.buf[r->out.len] = '\0';
	r->pending++;
	/* A cluster's queue is cut by node at the flush: it stays whole. */
	if (!r->cl && r->out.len >= PUSH_AT)
		return push(st);
	return AWSMASK_OK;
}

/* Queue `verb <ns><space><k> args...`. */
static int
queue(struct am_store *st, const char *verb, const char *space,
    const void *k, size_t klen, const struct words *args)
{
	struct redis *r = st->priv;
	struct words w;
	int i;

	am_buf_reset(&r->key);
	if (am_buf_addstr(&r->key, st->ns ? st->ns : DEFAULT_NS) < 0 ||
	    am_buf_addstr(&r->key, space) < 0 ||
	    am_buf_add(&r->key, k, klen) < 0)
		return nomem(st);
	w.n = 0;
	word_str(&w, verb);
	word(&w, r->key.buf, r->key.len);
	for (i = 0; args && i < args->n; i++)
		word(&w, args->v[i], args->len[i]);
	if ((i = queue_words(st, &w)))
		return i;
	/* A write a failover must not lose: what a mapping or a number
	 * rests on. */
	if (r->cl && strcmp(verb, "GET") && strcmp(verb, "DEL") &&
	    strcmp(verb, "PTTL") && strcmp(verb, "HGET") &&
	    (!strcmp(space, "mask:") || !strcmp(space, "unmask:") ||
	    !strcmp(space, "counter:") || !strcmp(space, "meta:store")))
		r->cmd[r->pending - 1].durable = 1;
	return AWSMASK_OK;
}

static int
q_get(struct am_store *st, const char *space, const void *k, size_t klen)
{
	return queue(st, "GET", space, k, klen, NULL);
}

/* GETEX key EX ttl, or GET on a server without it. */
static int
q_getex(struct am_store *st, const char *space, const void *k, size_t klen)
{
	struct redis *r = st->priv;
	struct words a = { 0 };

	if (!r->getex)
		return q_get(st, space, k, klen);
	word_str(&a, "EX");
	word_str(&a, r->ttl);
	return queue(st, "GETEX", space, k, klen, &a);
}

static int
q_del(struct am_store *st, const char *space, const void *k, size_t klen)
{
	return queue(st, "DEL", space, k, klen, NULL);
}

static int
q_expire(struct am_store *st, const char *space, const void *k, size_t klen,
    const char *secs)
{
	struct words a = { 0 };

	word_str(&a, secs);
	return queue(st, "EXPIRE", space, k, klen, &a);
}

/* SET key value [NX] EX ttl. */
static int
q_set(struct am_store *st, const char *space, const void *k, size_t klen,
    const void *v, size_t vlen, int nx)
{
	struct redis *r = st->priv;
	struct words a = { 0 };

	word(&a, v, vlen);
	if (nx)
		word_str(&a, "NX");
	word_str(&a, "EX");
	word_str(&a, r->ttl);
	return queue(st, "SET", space, k, klen, &a);
}

static int
q_incrby(struct am_store *st, const char *verb, const char *space,
    const char *k, const char *field, unsigned long long by)
{
	struct words a = { 0 };
	char num[24];

	snprintf(num, sizeof(num), "%llu", by);
	if (field)
		word_str(&a, field);
	word_str(&a, num);
	return queue(st, verb, space, k, strlen(k), &a);
}

/*
 * A command of any length (MGET of a thousand keys, EVALSHA), word by
 * word: q_begin() with the number of words, then each word, as
 * prefix + bytes (either may be empty).
 */
static int
q_begin(struct am_store *st, size_t nwords)
{
	struct redis *r = st->priv;

	if (reply_slot(st))
		return st->err.code;
	if (resp_num(&r->out, '*', nwords) < 0)
		return nomem(st);
	r->pending++;
	return AWSMASK_OK;
}

static int
q_arg(struct am_store *st, const char *a, const void *p, size_t n)
{
	struct redis *r = st->priv;
	size_t alen = a ? strlen(a) : 0;

	if (resp_num(&r->out, '$', alen + n) < 0 ||
	    (alen && am_buf_add(&r->out, a, alen) < 0) ||
	    (n && am_buf_add(&r->out, p, n) < 0) ||
	    am_buf_add(&r->out, "\r\n", 2) < 0)
		return nomem(st);
	return AWSMASK_OK;
}

static int
q_str(struct am_store *st, const char *a)
{
	return q_arg(st, a, NULL, 0);
}

/* One server: a command of q_begin() is whole; write the queue out when
 * it is long (queue_words() does that for the others). */
static int
q_end(struct am_store *st)
{
	struct redis *r = st->priv;

	if (!r->cl && r->out.len >= PUSH_AT)
		return push(st);
	return AWSMASK_OK;
}

/*
 * Queue the processing figures not written yet, one HINCRBY a field;
 * *nq gets the number of commands.  They count as written once the
 * pipeline's replies come back without an error (proc_done()).
 */
static int
q_proc(struct am_store *st, size_t *nq)
{
	size_t i;
	int rc;

	*nq = 0;
	for (i = 0; i < am_nproc_fields; i++) {
		unsigned long long v = AM_PROC_FIELD(&st->proc_pending, i);

		if (!v)
			continue;
		if ((rc = q_incrby(st, "HINCRBY", "stats:processing", "",
		    am_proc_fields[i].name, v)))
			return rc;
		(*nq)++;
	}
	return AWSMASK_OK;
}

static void
proc_done(struct am_store *st)
{
	memset(&st->proc_pending, 0, sizeof(st->proc_pending));
}

/* HINCRBY meta:store hwm:<prefix> by: the counter's twin. */
static int
q_twin(struct am_store *st, const char *prefix, unsigned long long by)
{
	char field[80];

	if ((size_t)snprintf(field, sizeof(field), "hwm:%s", prefix) >=
	    sizeof(field))
		return am_seterr(&st->err, AWSMASK_EINVAL, "redis store '%s': "
		    "token prefix too long", name(st));
	return q_incrby(st, "HINCRBY", "meta:store", "", field, by);
}

static int cluster_failed(struct am_store *st, int rc);

/*
 * A cluster: the transport sends each command to its node, every
 * pipeline out before any reply is read, and gives the replies back in
 * order.  A node lost in a masking or unmasking batch starts the batch
 * over (AM_RETRY) once the cluster has recovered.
 */
static int
flush_cluster(struct am_store *st, size_t n)
{
	struct redis *r = st->priv;
	struct nopipe np;
	size_t i;
	int rc;

	for (i = 0; i < n; i++)
		r->cmd[i].len = (i + 1 < n ? r->cmd[i + 1].off : r->out.len) -
		    r->cmd[i].off;
	nopipe_begin(&np);
	rc = am_rc_flush(r->cl, r->out.buf, r->cmd, n, r->rep);
	nopipe_end(&np);
	am_buf_reset(&r->out);
	r->round_trips++;
	r->nrep = n;
	if (rc == AM_RC_OK)
		return AWSMASK_OK;
	replies_clear(r);
	return cluster_failed(st, rc);
}

/* A transport failure, as the store reports it. */
static int
cluster_failed(struct am_store *st, int rc)
{
	struct redis *r = st->priv;

	switch (rc) {
	case AM_RC_NOMEM:
		return nomem(st);
	case AM_RC_LOST:
		if (r->retryable)
			return AM_RETRY;
		return lost(st);
	case AM_RC_REFUSED:
		r->dead = 1;
		return refused(st, "authentication failed: ",
		    am_rc_refusal(r->cl));
	case AM_RC_DOWN:
		r->dead = 1;
		if (r->state_dir)
			am_breaker_fail(r->state_dir, name(st), am_store_now());
		return am_seterr(&st->err, AWSMASK_ESTORE, "redis store "
		    "'%s': %s", name(st), am_rc_why(r->cl));
	case AM_RC_NOACK:
		/* The cluster answers, it cannot vouch for the mappings:
		 * no breaker, the next run may find the replica back (or
		 * failed, and so out of the map). */
		r->dead = 1;
		return am_seterr(&st->err, AWSMASK_ESTORE, "redis store "
		    "'%s': %s (durable=0 would not wait)", name(st),
		    am_rc_why(r->cl));
	default:
		r->dead = 1;
		return am_seterr(&st->err, AWSMASK_ESTORE, "redis store "
		    "'%s': %s", name(st), am_rc_why(r->cl));
	}
}

/*
 * Send what was queued and read every reply into r->rep, in order: one
 * round trip.  A lost connection fails the store; error replies are left
 * for the caller (flush() checks them).
 */
static int
flush_raw(struct am_store *st)
{
	struct redis *r = st->priv;
	struct nopipe np;
	size_t i, n = r->pending;
	int ok = 1;

	replies_clear(r);
	r->pending = 0;
	if (!n)
		return AWSMASK_OK;
	if (r->cl)
		return flush_cluster(st, n);
	if (redisAppendFormattedCommand(r->c, r->out.buf, r->out.len) !=
	    REDIS_OK)
		return nomem(st);
	am_buf_reset(&r->out);
	nopipe_begin(&np);
	for (i = 0; i < n; i++) {
		void *rep = NULL;

		if (redisGetReply(r->c, &rep) != REDIS_OK || !rep) {
			ok = 0;
			break;
		}
		r->rep[r->nrep++] = rep;
	}
	nopipe_end(&np);
	r->round_trips++;
	return ok ? AWSMASK_OK : lost(st);
}

static int
flush(struct am_store *st)
{
	struct redis *r = st->priv;
	size_t i;
	int rc;

	if ((rc = flush_raw(st)))
		return rc;
	for (i = 0; i < r->nrep; i++)
		if (r->rep[i]->type == REDIS_REPLY_ERROR)
			return refused(st, NULL, r->rep[i]);
	return AWSMASK_OK;
}

/* Is rep a string holding exactly [p, p+n)? */
static int
same(const redisReply *rep, const char *p, size_t n)
{
	return rep->type == REDIS_REPLY_STRING && rep->len == n &&
	    !memcmp(rep->str, p, n);
}

/* An error reply that only refuses a write (the read would work). */
static int
write_refused(const redisReply *rep)
{
	static const char *const codes[] = {
		"READONLY", "OOM", "MISCONF", "NOPERM",
	};
	size_t i;

	for (i = 0; i < AM_ARRAY_SIZE(codes); i++)
		if (rep->len >= strlen(codes[i]) && !strncmp(rep->str, codes[i],
		    strlen(codes[i])))
			return 1;
	return 0;
}

static int
is_str_or_nil(const redisReply *rep)
{
	return rep->type == REDIS_REPLY_STRING || rep->type == REDIS_REPLY_NIL;
}

/*
 * As flush(), but an error reply from the from-th on that only refuses
 * a write leaves the store read-only (r->ro) instead of failing it:
 * those commands were best effort.
 */
static int
flush_lenient(struct am_store *st, size_t from)
{
	struct redis *r = st->priv;
	size_t i;
	int rc;

	if ((rc = flush_raw(st)))
		return rc;
	for (i = 0; i < r->nrep; i++) {
		if (r->rep[i]->type != REDIS_REPLY_ERROR)
			continue;
		if (i < from || !write_refused(r->rep[i]))
			return refused(st, NULL, r->rep[i]);
		r->ro = 1;
	}
	return AWSMASK_OK;
}

/* A reply to SET ... NX: 1 set, 0 not set, -1 something else. */
static int
set_done(const redisReply *rep)
{
	if (rep->type == REDIS_REPLY_NIL)
		return 0;
	return rep->type == REDIS_REPLY_STATUS && !strcmp(rep->str, "OK") ?
	    1 : -1;
}

/*
 * Where the store lives: redis://[user[:pass]@]host[:port][/db] (an IPv6
 * host in brackets; user and password may be %-encoded) or
 * unix:///path[?db=N].
 */
struct target {
	char *host;		/* NULL for a unix socket */
	char *path;
	char *user, *pass;
	int port, db;
	/* redis-cluster://: the seeds, and the options (-1: not given). */
	char **hosts;
	int *ports;
	size_t nseeds;
	int durable, wait_ms, failover_ms;
};

static void
target_free(struct target *t)
{
	size_t i;

	for (i = 0; i < t->nseeds; i++)
		am_free(t->hosts[i]);
	am_free(t->hosts);
	am_free(t->ports);
	am_free(t->host);
	am_free(t->path);
	am_free(t->user);
	if (t->pass) {
		explicit_bzero(t->pass, strlen(t->pass));
		am_free(t->pass);
	}
	memset(t, 0, sizeof(*t));
}

static int
parse_num(const char *s, size_t n, int max, int *out)
{
	long v = 0;
	size_t i;

	if (!n || n > 10)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
		if (v > max)
			return -1;
	}
	*out = (int)v;
	return 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* %-decode [s, s+n) into *out: 0, -1 on ENOMEM, -2 on a bad escape. */
static int
pct_decode(const char *s, size_t n, char **out)
{
	char *p = am_malloc(n + 1), *d = p;
	size_t i;

	if (!p)
		return -1;
	for (i = 0; i < n; i++) {
		int hi, lo;

		if (s[i] != '%') {
			*d++ = s[i];
			continue;
		}
		if (i + 2 >= n || (hi = hexval(s[i + 1])) < 0 ||
		    (lo = hexval(s[i + 2])) < 0 || (hi | lo) == 0) {
			explicit_bzero(p, n + 1);
			am_free(p);
			return -2;
		}
		*d++ = (char)(hi * 16 + lo);
		i += 2;
	}
	*d = '\0';
	*out = p;
	return 0;
}

/* user[:password]@ before `at`, %-decoded into t. */
static int
parse_userinfo(struct am_store *st, const char *s, const char *at,
    struct target *t)
{
	const char *colon = memchr(s, ':', (size_t)(at - s));
	int rc = pct_decode(s, (size_t)((colon ? colon : at) - s), &t->user);

	if (!rc && colon)
		rc = pct_decode(colon + 1, (size_t)(at - colon - 1), &t->pass);
	if (rc == -1)
		return nomem(st);
	if (rc == -2)
		return am_seterr(&st->err, AWSMASK_ECONFIG,
		    "bad store URI '%s': bad %%-escape in the user or "
		    "password", name(st));
	return AWSMASK_OK;
}

/* host[:port] or [v6][:port] in [hp, end): a new string and the port. */
static int
parse_hostport(struct am_store *st, const char *hp, const char *end,
    char **host, int *port)
{
	const char *colon;

	if (*hp == '[') {
		const char *rb = memchr(hp, ']', (size_t)(end - hp));

		if (!rb || (rb + 1 != end && rb[1] != ':'))
			return am_seterr(&st->err, AWSMASK_ECONFIG,
			    "bad store URI '%s': bad [IPv6] host", name(st));
		*host = am_strndup(hp + 1, (size_t)(rb - hp - 1));
		colon = rb + 1 != end ? rb + 1 : NULL;
	} else {
		colon = memchr(hp, ':', (size_t)(end - hp));
		*host = am_strndup(hp, (size_t)((colon ? colon : end) - hp));
	}
	if (!*host)
		return nomem(st);
	if (!**host)
		return am_seterr(&st->err, AWSMASK_ECONFIG,
		    "bad store URI '%s': no host", name(st));
	if (colon && (parse_num(colon + 1, (size_t)(end - colon - 1), 65535,
	    port) || *port == 0))
		return am_seterr(&st->err, AWSMASK_ECONFIG,
		    "bad store URI '%s': bad port", name(st));
	return AWSMASK_OK;
}

/*
 * redis-cluster://[user[:pass]@]host[:port][,host[:port]...][/][?opts]:
 * any node of the cluster will do as a seed, the others are found.
 * Options: durable=0|1, wait_timeout=MS, failover_timeout=MS.
 */
static int
parse_cluster_uri(struct am_store *st, const char *uri, struct target *t)
{
	static const struct {
		const char *name;
		size_t off;
		int max;
	} opts[] = {
		{ "durable", offsetof(struct target, durable), 1 },
		{ "wait_timeout", offsetof(struct target, wait_ms), 3600000 },
		{ "failover_timeout", offsetof(struct target, failover_ms),
		    3600000 },
	};
	const char *s = uri + strlen("redis-cluster://"), *at, *hp, *end, *p;
	size_t n = 1, i;
	int rc;

	t->durable = t->wait_ms = t->failover_ms = -1;
	hp = s;
	if ((at = strrchr(s, '@'))) {
		if ((rc = parse_userinfo(st, s, at, t)))
			return rc;
		hp = at + 1;
	}
	end = hp + strcspn(hp, "/?");
	for (p = hp; p < end; p++)
		n += *p == ',';
	if (!(t->hosts = am_calloc(n, sizeof(*t->hosts))) ||
	    !(t->ports = am_calloc(n, sizeof(*t->ports))))
		return nomem(st);
	for (p = hp; p <= end; ) {
		const char *e = memchr(p, ',', (size_t)(end - p));

		if (!e)
			e = end;
		t->ports[t->nseeds] = 6379;
		if (e == p)
			return am_seterr(&st->err, AWSMASK_ECONFIG,
			    "bad store URI '%s': no host", name(st));
		rc = parse_hostport(st, p, e, &t->hosts[t->nseeds],
		    &t->ports[t->nseeds]);
		t->nseeds += t->hosts[t->nseeds] != NULL;
		if (rc)
			return rc;
		p = e + 1;
	}
	if (*end == '/')
		end++;
	if (*end && *end != '?')
		return am_seterr(&st->err, AWSMASK_ECONFIG, "bad store URI "
		    "'%s': a cluster has no databases (expected "
		    "redis-cluster://HOST:PORT[,HOST:PORT...][/?OPTIONS])",
		    name(st));
	for (p = *end ? end + 1 : end; *p; ) {
		const char *amp = p + strcspn(p, "&"), *eq;
		size_t len;

		eq = memchr(p, '=', (size_t)(amp - p));
		for (i = 0; eq && i < AM_ARRAY_SIZE(opts); i++) {
			len = strlen(opts[i].name);
			if ((size_t)(eq - p) == len &&
			    !strncmp(p, opts[i].name, len))
				break;
		}
		if (!eq || i == AM_ARRAY_SIZE(opts))
			return am_seterr(&st->err, AWSMASK_ECONFIG, "bad store "
			    "URI '%s': unknown option '%.*s' (durable, "
			    "wait_timeout, failover_timeout)", name(st),
			    (int)(eq ? eq - p : amp - p) > 40 ? 40 :
			    (int)(eq ? eq - p : amp - p), p);
		if (parse_num(eq + 1, (size_t)(amp - eq - 1), opts[i].max,
		    (int *)((char *)t + opts[i].off)))
			return am_seterr(&st->err, AWSMASK_ECONFIG, "bad store "
			    "URI '%s': bad value of %s", name(st), opts[i].name);
		p = *amp ? amp + 1 : amp;
	}
	return AWSMASK_OK;
}

/*
 * Parse uri into t.  Messages quote st->name, which store.c made with the
 * password replaced by "***": the URI itself is never echoed.
 */
static int
parse_uri(struct am_store *st, const char *uri, struct target *t)
{
	const char *s, *at, *hp, *end, *colon, *q;
	int rc;

	memset(t, 0, sizeof(*t));
	t->port = 6379;
	if (!strncasecmp(uri, "redis-cluster:", 14)) {
		if (strncmp(uri + 14, "//", 2))
			return am_seterr(&st->err, AWSMASK_ECONFIG, "bad store "
			    "URI '%s': expected redis-cluster://HOST:PORT"
			    "[,HOST:PORT...][/?OPTIONS]", name(st));
		return parse_cluster_uri(st, uri, t);
	}
	if (!strncasecmp(uri, "unix:", 5)) {
		s = uri + 5;
		if (!strncmp(s, "//", 2))
			s += 2;
		q = strchr(s, '?');
		if (*s != '/' || q == s + 1)
			return am_seterr(&st->err, AWSMASK_ECONFIG,
			    "bad store URI '%s': expected unix:///PATH[?db=N]",
			    name(st));
		if (q && (strncmp(q, "?db=", 4) ||
		    parse_num(q + 4, strlen(q + 4), 0x7fffffff, &t->db)))
			return am_seterr(&st->err, AWSMASK_ECONFIG,
			    "bad store URI '%s': the only parameter is ?db=N",
			    name(st));
		t->path = q ? am_strndup(s, (size_t)(q - s)) : am_strdup(s);
		return t->path ? AWSMASK_OK : nomem(st);
	}
	if (strncasecmp(uri, "redis://", 8))
		return am_seterr(&st->err, AWSMASK_ECONFIG,
		    "bad store URI '%s': expected redis://HOST[:PORT][/DB]",
		    name(st));
	s = uri + 8;
	/* Neither host nor database holds an '@': the last one ends the
	 * user information, whatever the password holds. */
	hp = s;
	if ((at = strrchr(s, '@'))) {
		colon = memchr(s, ':', (size_t)(at - s));
		rc = pct_decode(s, (size_t)((colon ? colon : at) - s), &t->user);
		if (!rc && colon)
			rc = pct_decode(colon + 1, (size_t)(at - colon - 1),
			    &t->pass);
		if (rc == -1)
			return nomem(st);
		if (rc == -2)
			return am_seterr(&st->err, AWSMASK_ECONFIG,
			    "bad store URI '%s': bad %%-escape in the user or "
			    "password", name(st));
		hp = at + 1;
	}
	end = hp + strcspn(hp, "/?");
	if (strchr(hp, '?'))
		return am_seterr(&st->err, AWSMASK_ECONFIG,
		    "bad store URI '%s': redis:// takes no parameters",
		    name(st));
	if (*hp == '[') {
		const char *rb = memchr(hp, ']', (size_t)(end - hp));

		if (!rb || (rb + 1 != end && rb[1] != ':'))
			return am_seterr(&st->err, AWSMASK_ECONFIG,
			    "bad store URI '%s': bad [IPv6] host", name(st));
		t->host = am_strndup(hp + 1, (size_t)(rb - hp - 1));
		colon = rb + 1 != end ? rb + 1 : NULL;
	} else {
		colon = memchr(hp, ':', (size_t)(end - hp));
		t->host = am_strndup(hp, (size_t)((colon ? colon : end) - hp));
	}
	if (!t->host)
		return nomem(st);
	if (!*t->host)
		return am_seterr(&st->err, AWSMASK_ECONFIG,
		    "bad store URI '%s': no host", name(st));
	if (colon && (parse_num(colon + 1, (size_t)(end - colon - 1), 65535,
	    &t->port) || t->port == 0))
		return am_seterr(&st->err, AWSMASK_ECONFIG,
		    "bad store URI '%s': bad port", name(st));
	if (*end == '/' && end[1] && parse_num(end + 1, strlen(end + 1),
	    0x7fffffff, &t->db))
		return am_seterr(&st->err, AWSMASK_ECONFIG,
		    "bad store URI '%s': bad database number", name(st));
	return AWSMASK_OK;
}

/*
 * Check the replies of the opening pipeline: AUTH and SELECT when they
 * were sent, else PING; the first error says what failed.  Then COMMAND
 * INFO GETEX, whose error (no COMMAND before Redis 2.8, an ACL that
 * forbids it) only means we do without.
 */
#define OPEN_TAIL 3	/* COMMAND INFO GETEX, HGET meta:store id, INFO memory */

/*
 * The maxmemory-policy an INFO memory reply names: with a memory limit,
 * every policy but noeviction may evict mappings or counters, and the
 * allocation's guarantees rest on both.  An INFO the ACL forbids leaves
 * it unknown.
 */
static void
read_policy(struct am_store *st, const redisReply *info)
{
	const char *p, *key = "maxmemory_policy:";
	size_t n;

	st->policy[0] = '\0';
	st->evicting = 0;
	if (info->type != REDIS_REPLY_STRING)
		return;
	if (!(p = strstr(info->str, key)))
		return;
	p += strlen(key);
	n = strcspn(p, "\r\n");
	if (n >= sizeof(st->policy))
		n = sizeof(st->policy) - 1;
	memcpy(st->policy, p, n);
	st->policy[n] = '\0';
	/* With no maxmemory nothing is ever evicted, whatever the policy. */
	p = strstr(info->str, "\nmaxmemory:");
	st->evicting = n && strcmp(st->policy, "noeviction") != 0 && p &&
	    strtoll(p + strlen("\nmaxmemory:"), NULL, 10) > 0;
}

static int
check_open(struct am_store *st, int auth, int select)
{
	struct redis *r = st->priv;
	const redisReply *info, *id;
	size_t i;

	if (r->nrep < OPEN_TAIL + 1)
		return unexpected(st, "PING");
	info = r->rep[r->nrep - OPEN_TAIL];
	r->has_getex = r->getex = info->type == REDIS_REPLY_ARRAY &&
	    info->elements == 1 &&
	    info->element[0]->type == REDIS_REPLY_ARRAY;
	id = r->rep[r->nrep - OPEN_TAIL + 1];
	read_policy(st, r->rep[r->nrep - 1]);
	for (i = 0; i + OPEN_TAIL < r->nrep; i++) {
		const redisReply *rep = r->rep[i];
		const char *what = i == 0 && auth ? "authentication failed: " :
		    select ? "cannot select the database: " : "";

		if (rep->type == REDIS_REPLY_ERROR)
			return refused(st, what, rep);
		if (rep->type != REDIS_REPLY_STATUS)
			return unexpected(st, i == 0 && auth ? "AUTH" :
			    select ? "SELECT" : "PING");
	}
	if (id->type == REDIS_REPLY_ERROR)
		return refused(st, "cannot read the store's identity: ", id);
	if (id->type == REDIS_REPLY_STRING &&
	    !(st->id = am_strndup(id->str, id->len)))
		return nomem(st);
	return AWSMASK_OK;
}

static int open_cluster(struct am_store *st, struct target *t);

static int
redis_open(struct am_store *st, const char *uri)
{
	const struct am_config *cfg = st->cfg;
	struct target t;
	struct timeval tv;
	struct redis *r;
	long long age;
	int rc, auth = 0;

	if (!(r = am_calloc(1, sizeof(*r))))
		return am_seterr(&st->err, AWSMASK_ENOMEM, "out of memory");
	st->priv = r;
	r->route = -1;
	if ((rc = parse_uri(st, uri, &t)))
		goto out;
	if (cfg && !(r->state_dir = am_config_state_dir(cfg))) {
		rc = nomem(st);
		goto out;
	}
	if (r->state_dir && am_breaker_check(r->state_dir, name(st),
	    am_store_now(), &age)) {
		char *path = am_breaker_path(r->state_dir, name(st));

		rc = am_seterr(&st->err, AWSMASK_ESTORE, "redis store '%s': "
		    "failed %lld s ago, not retried for %d s (remove '%s' to "
		    "retry now)", name(st), age, AM_BREAKER_COOLDOWN,
		    path ? path : "the breaker file");
		am_free(path);
		goto out;
	}
	if (t.nseeds) {
		rc = open_cluster(st, &t);
		goto out;
	}
	tv.tv_sec = timeout_ms(st) / 1000;
	tv.tv_usec = (timeout_ms(st) % 1000) * 1000;
	r->c = t.path ? redisConnectUnixWithTimeout(t.path, tv) :
	    redisConnectWithTimeout(t.host, t.port, tv);
	if (!r->c) {
		rc = nomem(st);
		goto out;
	}
	if (r->c->err || redisSetTimeout(r->c, tv) != REDIS_OK) {
		rc = lost(st);
		goto out;
	}
	if (!t.pass && cfg && cfg->redis_password && *cfg->redis_password &&
	    !(t.pass = am_strdup(cfg->redis_password))) {
		rc = nomem(st);
		goto out;
	}
	if (!t.user && cfg && cfg->redis_user && *cfg->redis_user &&
	    !(t.user = am_strdup(cfg->redis_user))) {
		rc = nomem(st);
		goto out;
	}
	/* One round trip proves the server answers and lets us in. */
	if ((t.user && *t.user) || (t.pass && *t.pass)) {
		struct words w = { 0 };

		word_str(&w, "AUTH");
		if (t.user && *t.user)	/* Redis 6 ACL: AUTH user password */
			word_str(&w, t.user);
		word_str(&w, t.pass ? t.pass : "");
		if ((rc = queue_words(st, &w)))
			goto out;
		auth = 1;
	}
	if (t.db) {
		struct words w = { 0 };
		char db[16];

		snprintf(db, sizeof(db), "%d", t.db);
		word_str(&w, "SELECT");
		word_str(&w, db);
		if ((rc = queue_words(st, &w)))
			goto out;
	}
	if (!r->pending) {
		struct words w = { 0 };

		word_str(&w, "PING");
		if ((rc = queue_words(st, &w)))
			goto out;
	}
	{
		struct words w = { 0 }, a = { 0 }, m = { 0 };

		word_str(&w, "COMMAND");
		word_str(&w, "INFO");
		word_str(&w, "GETEX");
		word_str(&a, "id");
		word_str(&m, "INFO");
		word_str(&m, "memory");
		if ((rc = queue_words(st, &w)) ||
		    (rc = queue(st, "HGET", "meta:store", "", 0, &a)) ||
		    (rc = queue_words(st, &m)))
			goto out;
	}
	if ((rc = flush_raw(st)) || (rc = check_open(st, auth, t.db != 0)))
		goto out;
	replies_clear(r);
	if (r->state_dir)
		am_breaker_ok(r->state_dir, name(st));
out:
	target_free(&t);
	return rc;
}

/*
 * A cluster: read the map from the seeds, connect to every master (with
 * AUTH), and read what a single server's open reads, with INFO memory
 * from every master: one that may evict makes the store one that may.
 */
static int
open_cluster(struct am_store *st, struct target *t)
{
	const struct am_config *cfg = st->cfg;
	struct redis *r = st->priv;
	struct am_rc_opts o;
	struct nopipe np;
	const redisReply *id, *info;
	int *m = NULL, rc;
	size_t nm, i;

	memset(&o, 0, sizeof(o));
	if (!t->pass && cfg && cfg->redis_password && *cfg->redis_password &&
	    !(t->pass = am_strdup(cfg->redis_password)))
		return nomem(st);
	if (!t->user && cfg && cfg->redis_user && *cfg->redis_user &&
	    !(t->user = am_strdup(cfg->redis_user)))
		return nomem(st);
	o.hosts = (const char *const *)t->hosts;
	o.ports = t->ports;
	o.nseeds = t->nseeds;
	o.user = t->user;
	o.pass = t->pass;
	o.timeout_ms = timeout_ms(st);
	o.failover_ms = t->failover_ms >= 0 ? t->failover_ms :
	    cfg && cfg->redis_failover_ms >= 0 ? cfg->redis_failover_ms :
	    DEFAULT_FAILOVER_MS;
	r->durable = t->durable >= 0 ? t->durable :
	    cfg && cfg->redis_durable >= 0 ? cfg->redis_durable : 1;
	r->wait_ms = t->wait_ms > 0 ? t->wait_ms :
	    cfg && cfg->redis_wait_ms > 0 ? cfg->redis_wait_ms : timeout_ms(st);
	if (am_rc_new(&r->cl, &o))
		return nomem(st);
	nopipe_begin(&np);
	rc = am_rc_recover(r->cl);
	nopipe_end(&np);
	if (rc)
		return cluster_failed(st, rc);
	nm = am_rc_masters(r->cl, NULL, 0);
	if (!(m = am_calloc(nm + 1, sizeof(*m))))
		return nomem(st);
	am_rc_masters(r->cl, m, nm);
	{
		struct words w = { 0 }, a = { 0 }, im = { 0 };

		word_str(&w, "COMMAND");
		word_str(&w, "INFO");
		word_str(&w, "GETEX");
		word_str(&a, "id");
		word_str(&im, "INFO");
		word_str(&im, "memory");
		rc = queue_words(st, &w) ||
		    queue(st, "HGET", "meta:store", "", 0, &a);
		for (i = 0; !rc && i < nm; i++) {
			route_to(st, m[i]);
			rc = queue_words(st, &im);
		}
	}
	if (rc) {
		am_free(m);
		return st->err.code ? (int)st->err.code : nomem(st);
	}
	if ((rc = flush_raw(st))) {
		am_free(m);
		return rc;
	}
	info = r->rep[0];
	r->has_getex = r->getex = info->type == REDIS_REPLY_ARRAY &&
	    info->elements == 1 &&
	    info->element[0]->type == REDIS_REPLY_ARRAY;
	id = r->rep[1];
	if (id->type == REDIS_REPLY_ERROR) {
		am_free(m);
		return refused(st, "cannot read the store's identity: ", id);
	}
	if (id->type == REDIS_REPLY_STRING &&
	    !(st->id = am_strndup(id->str, id->len))) {
		am_free(m);
		return nomem(st);
	}
	/* Eviction is checked master by master: one that may evict is
	 * enough to lose a mapping. */
	for (i = 0; i < nm && !st->evicting; i++)
		read_policy(st, r->rep[2 + i]);
	if (!st->evicting && nm)
		read_policy(st, r->rep[2]);
	am_free(m);
	replies_clear(r);
	if (r->state_dir)
		am_breaker_ok(r->state_dir, name(st));
	return AWSMASK_OK;
}

/* A store that failed before stays failed: its connection is unusable. */
static int
usable(struct am_store *st)
{
	struct redis *r = st->priv;

	if (r && r->cl && !r->dead)
		return AWSMASK_OK;
	if (r && r->c && !r->c->err && !r->dead)
		return AWSMASK_OK;
	if (st->err.code)
		return st->err.code;
	return am_seterr(&st->err, AWSMASK_ESTORE, "redis store '%s': not "
	    "connected", name(st));
}

/* The masters of a cluster (a new array in *m), or 1 and *m NULL for
 * one server: the commands about a server go to each. */
static int
masters(struct am_store *st, int **m, size_t *nm)
{
	struct redis *r = st->priv;

	*m = NULL;
	*nm = 1;
	if (!r->cl)
		return AWSMASK_OK;
	*nm = am_rc_masters(r->cl, NULL, 0);
	if (!(*m = am_calloc(*nm + 1, sizeof(**m))))
		return nomem(st);
	am_rc_masters(r->cl, *m, *nm);
	return AWSMASK_OK;
}

/* Queue words w to master i of m (masters()). */
static int
queue_to(struct am_store *st, const int *m, size_t i, const struct words *w)
{
	if (m)
		route_to(st, m[i]);
	return queue_words(st, w);
}

static int
redis_ping(struct am_store *st)
{
	struct redis *r = st->priv;
	struct words w = { 0 };
	size_t i, nm;
	int *m, rc;

	if ((rc = usable(st)) || (rc = masters(st, &m, &nm)))
		return rc;
	word_str(&w, "PING");
	for (i = 0; i < nm && !rc; i++)
		rc = queue_to(st, m, i, &w);
	am_free(m);
	if (rc || (rc = flush(st)))
		return rc;
	for (i = 0; i < nm; i++)
		if (r->rep[i]->type != REDIS_REPLY_STATUS)
			return unexpected(st, "PING");
	return AWSMASK_OK;
}

static int
set_value(struct am_store_item *it, const char *p, size_t n)
{
	char *v = am_strndup(p, n);

	if (!v)
		return -1;
	am_free(it->value);
	it->value = v;
	it->value_len = n;
	return 0;
}

static void
clear_value(struct am_store_item *it)
{
	am_free(it->value);
	it->value = NULL;
	it->value_len = 0;
}

/*
 * The distinct keys of it[0..n): uniq[k] is the first item holding the
 * k-th distinct key, first[i] the k of item i.  0, or -1 on ENOMEM.
 */
static int
distinct(const struct am_store_item *it, size_t n, size_t *uniq,
    size_t *first, size_t *nuniq)
{
	struct am_map *m;
	size_t i, k = 0;

	if (!(m = am_map_new()))
		return -1;
	for (i = 0; i < n; i++) {
		const char *v = am_map_get(m, it[i].key, it[i].key_len, NULL);

		if (v) {
			memcpy(&first[i], v, sizeof(first[i]));
			continue;
		}
		if (am_map_put(m, it[i].key, it[i].key_len, (const char *)&k,
		    sizeof(k)) < 0) {
			am_map_free(m);
			return -1;
		}
		first[i] = k;
		uniq[k++] = i;
	}
	am_map_free(m);
	*nuniq = k;
	return 0;
}

/* Give every duplicate item the value of the first with its key. */
static int
copy_duplicates(struct am_store_item *it, size_t n, const size_t *uniq,
    const size_t *first)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct am_store_item *src = &it[uniq[first[i]]];

		if (src != &it[i] && src->value &&
		    set_value(&it[i], src->value, src->value_len))
			return -1;
	}
	return 0;
}

/* A prefix (counters) or a kind (statistics) and how many it counts. */
struct group {
	const char *name;
	unsigned long long count, next;
	unsigned long long lift_counter, lift_twin;	/* to even the twins */
};

/* The index of name among g[0..*ng), added when new.  Names come from
 * the catalogue, so pointers usually match. */
static size_t
group_of(struct group *g, size_t *ng, const char *gname)
{
	size_t i;

	for (i = *ng; i-- > 0; )
		if (g[i].name == gname || !strcmp(g[i].name, gname))
			return i;
	g[*ng].name = gname;
	g[*ng].count = 0;
	return (*ng)++;
}

/* Where an original stands in mask_many. */
struct slot {
	struct am_store_item *it;	/* the first item with this original */
	char *bad;		/* a token mask: held that does not map back */
	size_t badlen;
	unsigned long long num;	/* the number reserved in this round */
	unsigned attempt;	/* digest tokens: the candidate to try */
	size_t group;		/* its prefix's group in this round */
	int overwrite;		/* mask: holds `bad`: SET it without NX */
};

/* The statistics of the n mappings created, listed in created[]. */
static int
q_stats(struct am_store *st, const struct slot *slot, const size_t *created,
    size_t n, struct group *g, const char *day)
{
	char daily[64];
	size_t i, ng = 0;
	int rc;

	snprintf(daily, sizeof(daily), "stats:counts:%s", day);
	for (i = 0; i < n; i++) {
		const char *kind = slot[created[i]].it->kind;

		g[group_of(g, &ng, kind && *kind ? kind : "unknown")].count++;
	}
	if ((rc = q_incrby(st, "HINCRBY", "stats:counts", "",
	    "total_mappings", n)) ||
	    (rc = q_incrby(st, "HINCRBY", daily, "", "daily_mappings", n)))
		return rc;
	for (i = 0; i < ng; i++)
		if ((rc = q_incrby(st, "HINCRBY", "stats:counts", "",
		    g[i].name, g[i].count)) ||
		    (rc = q_incrby(st, "HINCRBY", daily, "", g[i].name,
		    g[i].count)))
			return rc;
	return q_expire(st, daily, "", 0, DAILY_TTL);
}

/* The per-batch scratch of mask_many: lists of slot numbers. */
struct lists {
	size_t *todo, *later, *hits, *misses, *repairs, *renews, *claims,
	    *losers, *created, *undo;
};

/* Is a key whose PTTL is this reply due for renewal (internal.h)? */
static int
stale(const struct am_store *st, const redisReply *pttl)
{
	long long every = am_store_refresh_interval(st->ttl) * 1000;
	long long life = (st->ttl > 0 ? st->ttl : DEFAULT_TTL) * 1000;

	if (!every || pttl->type != REDIS_REPLY_INTEGER || pttl->integer < 0)
		return 1;
	return life - pttl->integer >= every;
}

/*
 * Cluster, durable: was the pair written (or renewed) so recently that
 * its creator may still be waiting for a replica?  Then the masters of
 * both its keys are made to WAIT before this batch's tokens are used
 * (am_rc_touch): a token read from a master that dies before passing
 * the mapping on would be printed and never unmask.
 */
static int
young(const struct am_store *st, const redisReply *pttl)
{
	const struct redis *r = st->priv;
	long long life = (st->ttl > 0 ? st->ttl : DEFAULT_TTL) * 1000;

	if (!r->cl || !r->durable || pttl->type != REDIS_REPLY_INTEGER ||
	    pttl->integer < 0)
		return 0;
	return life - pttl->integer < YOUNG_MS;
}

static void
touch_key(struct am_store *st, const char *space, const void *k, size_t klen)
{
	struct redis *r = st->priv;

	am_buf_reset(&r->key);
	if (am_buf_addstr(&r->key, st->ns ? st->ns : DEFAULT_NS) < 0 ||
	    am_buf_addstr(&r->key, space) < 0 ||
	    am_buf_add(&r->key, k, klen) < 0)
		return;
	am_rc_touch(r->cl, r->key.buf, r->key.len);
}

static void
touch_pair(struct am_store *st, const struct am_store_item *it)
{
	touch_key(st, "mask:", it->key, it->key_len);
	touch_key(st, "unmask:", it->value, it->value_len);
}

/*
 * Renew a pair, `self` side first, then read the other side back: 2
 * commands with GETEX (EXPIRE self, GETEX other), 3 without (EXPIRE
 * self, EXPIRE other, GET other).  The last reply is the other side's
 * value.
 */
static int
q_renew(struct am_store *st, const char *self, const void *skey,
    size_t sklen, const char *other, const void *okey, size_t oklen)
{
	struct redis *r = st->priv;

	if (q_expire(st, self, skey, sklen, r->ttl))
		return -1;
	if (r->getex)
		return q_getex(st, other, okey, oklen) ? -1 : 2;
	if (q_expire(st, other, okey, oklen, r->ttl) ||
	    q_get(st, other, okey, oklen))
		return -1;
	return 3;
}

/* Did q_renew()'s replies at rp renew both sides, with the other side
 * still holding `want`?  -1 on a reply of the wrong type. */
static int
renewed(redisReply *const *rp, int per, const char *want, size_t n)
{
	int i;

	for (i = 0; i + 1 < per; i++)
		if (rp[i]->type != REDIS_REPLY_INTEGER)
			return -1;
	if (!is_str_or_nil(rp[per - 1]))
		return -1;
	for (i = 0; i + 1 < per; i++)
		if (rp[i]->integer == 0)
			return 0;
	return same(rp[per - 1], want, n);
}

/*
 * Step 1's reads: GET <ns>mask:<original> for the slots idx[0..n).  One
 * server takes them as MGETs of MGET_CHUNK keys, which cost Redis about
 * half as much as a GET a key; a cluster, whose keys lie on many slots,
 * as a GET each.  got_mask() finds each key's reply.
 */
static int
q_get_masks(struct am_store *st, const struct slot *slot, const size_t *idx,
    size_t n)
{
	struct redis *r = st->priv;
	size_t i, j;
	int rc;

	if (r->cl) {
		for (i = 0; i < n; i++) {
			const struct am_store_item *it = slot[idx[i]].it;

			if ((rc = q_get(st, "mask:", it->key, it->key_len)))
				return rc;
		}
		return AWSMASK_OK;
	}
	am_buf_reset(&r->key);
	if (am_buf_addstr(&r->key, st->ns ? st->ns : DEFAULT_NS) < 0 ||
	    am_buf_addstr(&r->key, "mask:") < 0)
		return nomem(st);
	for (i = 0; i < n; i += MGET_CHUNK) {
		size_t k = n - i < MGET_CHUNK ? n - i : MGET_CHUNK;

		if ((rc = q_begin(st, 1 + k)) || (rc = q_str(st, "MGET")))
			return rc;
		for (j = i; j < i + k; j++) {
			const struct am_store_item *it = slot[idx[j]].it;

			if ((rc = q_arg(st, r->key.buf, it->key, it->key_len)))
				return rc;
		}
		if ((rc = q_end(st)))
			return rc;
	}
	return AWSMASK_OK;
}

/* The reply to the i-th of the n keys of q_get_masks(): a string or nil,
 * or NULL when the reply is not what was asked for. */
static const redisReply *
got_mask(const struct redis *r, size_t i, size_t n)
{
	const redisReply *a, *e;
	size_t c = i / MGET_CHUNK, want;

	if (r->cl)
		e = r->rep[i];
	else {
		a = r->rep[c];
		want = n - c * MGET_CHUNK < MGET_CHUNK ? n - c * MGET_CHUNK :
		    MGET_CHUNK;
		if (a->type != REDIS_REPLY_ARRAY || a->elements != want)
			return NULL;
		e = a->element[i % MGET_CHUNK];
	}
	return is_str_or_nil(e) ? e : NULL;
}

/*
 * A round's counts that outlive its first half: round_send() does steps
 * 1 to 4 and queues step 5, round_finish() reads step 5's replies and
 * does step 6.  Between the two, step 5 may be on its way while the
 * caller scans its next window (mask_begin()).
 */
struct round {
	size_t nlater, nclaim, nundo, ng;
	int fetched;	/* step 5's replies are in r->rep already */
};

/* Step 1 of a round: queue the lookups (and in the first, the
 * processing figures), send them and read the replies into r->rep. */
static int
q_step1(struct am_store *st, const struct slot *slot, const struct lists *l,
    size_t ntodo, int first)
{
	size_t nproc = 0;
	int rc;

	if ((rc = q_get_masks(st, slot, l->todo, ntodo)))
		return rc;
	if (first && (rc = q_proc(st, &nproc)))
		return rc;
	if ((rc = flush(st)))
		return rc;
	if (nproc)
		proc_done(st);
	return AWSMASK_OK;
}

/* A batch of mask_many, kept between mask_begin() and mask_end(). */
struct mbatch {
	struct am_store_item *it;
	size_t n;
	struct slot *slot;
	struct group *g;
	struct lists l;
	size_t *mem, *uniq, *first, nu, ntodo;
	char day[16];
	int round;
	struct round rd;
};

/*
 * Steps 1 to 5 of a round.  fetched: step 1 was sent and its replies
 * are in r->rep (redis_mask_next()); first: the first round, which also
 * writes the processing figures.
 */
static int
round_send(struct am_store *st, struct slot *slot, struct lists *l,
    size_t ntodo, struct group *g, int first, int fetched, struct round *rd)
{
	struct redis *r = st->priv;
	size_t i, nhit = 0, nmiss = 0, nlater = 0, nrepair = 0, nclaim = 0,
	    ng = 0, nrenew = 0, nundo = 0, at;
	int rc, per = 0, rpr, digest = st->token_style == AM_TOKEN_DIGEST;

	/* 1. Who is mapped already? */
	if (!fetched && (rc = q_step1(st, slot, l, ntodo, first)))
		return rc;
	for (i = 0; i < ntodo; i++) {
		const redisReply *rep = got_mask(r, i, ntodo);
		struct slot *s = &slot[l->todo[i]];

		if (!rep)
			return unexpected(st, r->cl ? "GET" : "MGET");
		s->overwrite = s->bad && same(rep, s->bad, s->badlen);
		if (rep->type == REDIS_REPLY_NIL || s->overwrite)
			l->misses[nmiss++] = l->todo[i];
		else if (set_value(s->it, rep->str, rep->len))
			return nomem(st);
		else
			l->hits[nhit++] = l->todo[i];
	}

	/* 2. Check the hits, and when they were last renewed; reserve
	 * numbers for the misses. */
	for (i = 0; i < nhit; i++) {
		const struct am_store_item *it = slot[l->hits[i]].it;

		if ((rc = q_get(st, "unmask:", it->value, it->value_len)) ||
		    (rc = queue(st, "PTTL", "unmask:", it->value, it->value_len,
		    NULL)))
			return rc;
	}
	for (i = 0; i < nmiss && !digest; i++) {
		struct slot *s = &slot[l->misses[i]];

		s->group = group_of(g, &ng, s->it->prefix);
		g[s->group].count++;
	}
	for (i = 0; i < ng; i++)
		if ((rc = q_incrby(st, "INCRBY", "counter:", g[i].name, NULL,
		    g[i].count)) || (rc = q_twin(st, g[i].name, g[i].count)))
			return rc;
	if ((rc = flush(st)))
		return rc;
	for (i = 0; i < nhit; i++) {
		const redisReply *un = r->rep[2 * i];
		struct slot *s = &slot[l->hits[i]];

		if (!is_str_or_nil(un))
			return unexpected(st, "GET");
		if (un->type == REDIS_REPLY_NIL)
			l->repairs[nrepair++] = l->hits[i];
		else if (!same(un, s->it->key, s->it->key_len)) {
			/* The token means another original: re-create. */
			am_free(s->bad);
			s->bad = s->it->value;
			s->badlen = s->it->value_len;
			s->it->value = NULL;
			s->it->value_len = 0;
			l->later[nlater++] = l->hits[i];
		} else if (stale(st, r->rep[2 * i + 1]))
			l->renews[nrenew++] = l->hits[i];
		else if (young(st, r->rep[2 * i + 1]))
			touch_pair(st, s->it);
	}
	for (i = 0; i < ng; i++) {
		const redisReply *c = r->rep[2 * nhit + 2 * i];
		const redisReply *t = r->rep[2 * nhit + 2 * i + 1];
		long long top;

		if (c->type != REDIS_REPLY_INTEGER ||
		    t->type != REDIS_REPLY_INTEGER)
			return unexpected(st, "INCRBY");
		/* The higher twin: a counter lost alone restarts low. */
		top = c->integer > t->integer ? c->integer : t->integer;
		if (top < (long long)g[i].count)
			return am_seterr(&st->err, AWSMASK_ESTORE, "redis store "
			    "'%s': counter of %s is negative", name(st),
			    g[i].name);
		g[i].next = (unsigned long long)top - g[i].count + 1;
		g[i].lift_counter = (unsigned long long)(top - c->integer);
		g[i].lift_twin = (unsigned long long)(top - t->integer);
	}
	for (i = 0; i < nmiss && !digest; i++) {
		struct slot *s = &slot[l->misses[i]];

		s->num = g[s->group].next++;
	}

	/*
	 * 3. Repair half-present mappings, only where both sides agree; and
	 * renew the stale hits before they count as hits: unmask: first,
	 * then mask:, read back.  A pair awsmask-cleanup evicted meanwhile
	 * fails the check and goes round again, so no token is given whose
	 * mapping is gone.
	 */
	rpr = r->getex ? 3 : 4;
	if (nrepair || nrenew) {
		/*
		 * A repair renews mask: too, after writing unmask:, so that
		 * mask: never expires before unmask: (the freshness a hit
		 * reads from unmask:'s PTTL holds for both).
		 */
		for (i = 0; i < nrepair; i++) {
			const struct am_store_item *it = slot[l->repairs[i]].it;

			if ((rc = q_set(st, "unmask:", it->value, it->value_len,
			    it->key, it->key_len, 1)) ||
			    (rc = q_get(st, "unmask:", it->value,
			    it->value_len)))
				return rc;
			if (r->getex)
				rc = q_getex(st, "mask:", it->key, it->key_len);
			else if (!(rc = q_get(st, "mask:", it->key, it->key_len)))
				rc = q_expire(st, "mask:", it->key, it->key_len,
				    r->ttl);
			if (rc)
				return rc;
		}
		for (i = 0; i < nrenew; i++) {
			const struct am_store_item *it = slot[l->renews[i]].it;

			if ((per = q_renew(st, "unmask:", it->value,
			    it->value_len, "mask:", it->key, it->key_len)) < 0)
				return st->err.code;
		}
		if ((rc = flush(st)))
			return rc;
		for (i = 0; i < nrepair; i++) {
			redisReply *const *rp = &r->rep[(size_t)rpr * i];
			struct slot *s = &slot[l->repairs[i]];
			struct am_store_item *it = s->it;

			if (set_done(rp[0]) < 0 || !is_str_or_nil(rp[1]) ||
			    !is_str_or_nil(rp[2]))
				return unexpected(st, "SET");
			if (same(rp[1], it->key, it->key_len) &&
			    same(rp[2], it->value, it->value_len))
				continue;	/* repaired, or by someone else */
			/*
			 * mask: went meanwhile (awsmask-cleanup evicted the
			 * pair): the unmask: key this repair wrote is a half
			 * of nothing; it goes again in step 6.
			 */
			if (set_done(rp[0]) == 1 &&
			    same(rp[1], it->key, it->key_len))
				l->undo[nundo++] = l->repairs[i];
			if (rp[1]->type == REDIS_REPLY_STRING) {
				am_free(s->bad);
				s->bad = it->value;
				s->badlen = it->value_len;
				it->value = NULL;
				it->value_len = 0;
			} else
				clear_value(it);
			l->later[nlater++] = l->repairs[i];
		}
		for (i = 0, at = (size_t)rpr * nrepair; i < nrenew;
		    i++, at += (size_t)per) {
			struct am_store_item *it = slot[l->renews[i]].it;
			int ok = renewed(&r->rep[at], per, it->value,
			    it->value_len);

			if (ok < 0)
				return unexpected(st, "EXPIRE");
			if (!ok) {
				/* Gone or changed since step 1: again. */
				clear_value(it);
				l->later[nlater++] = l->renews[i];
			}
		}
	}

	/* 4. Claim unmask:<token> for each miss, if the token is new. */
	for (i = 0; i < nmiss; i++) {
		struct slot *s = &slot[l->misses[i]];
		struct am_store_item *it = s->it;
		char tok[64];
		int len = digest ? am_store_digest_token(st, it->prefix,
		    it->key, it->key_len, s->attempt, tok, sizeof(tok)) :
		    am_token_format(tok, sizeof(tok), it->prefix, s->num);

		if (len < 0)
			return am_seterr(&st->err, AWSMASK_EINVAL, "redis store "
			    "'%s': token prefix too long", name(st));
		if (set_value(it, tok, (size_t)len))
			return nomem(st);
		if ((rc = q_set(st, "unmask:", it->value, it->value_len,
		    it->key, it->key_len, 1)))
			return rc;
	}
	/* Even the twins of step 2 (their replies follow, unread). */
	for (i = 0; i < ng; i++)
		if ((g[i].lift_counter && (rc = q_incrby(st, "INCRBY",
		    "counter:", g[i].name, NULL, g[i].lift_counter))) ||
		    (g[i].lift_twin && (rc = q_twin(st, g[i].name,
		    g[i].lift_twin))))
			return rc;
	if (nmiss && (rc = flush(st)))
		return rc;
	for (i = 0; i < nmiss; i++) {
		int done = set_done(r->rep[i]);

		if (done < 0)
			return unexpected(st, "SET");
		if (done)
			l->claims[nclaim++] = l->misses[i];
		else {
			/* Taken: the counter is behind its tokens, or two
			 * digests met; the next round tries the next. */
			clear_value(slot[l->misses[i]].it);
			slot[l->misses[i]].attempt++;
			l->later[nlater++] = l->misses[i];
		}
	}

	/* 5. Then mask:<original>, if nobody mapped it meanwhile. */
	for (i = 0; i < nclaim; i++) {
		const struct slot *s = &slot[l->claims[i]];

		if ((rc = q_set(st, "mask:", s->it->key, s->it->key_len,
		    s->it->value, s->it->value_len, !s->overwrite)))
			return rc;
	}
	rd->nlater = nlater;
	rd->nclaim = nclaim;
	rd->nundo = nundo;
	rd->ng = ng;
	return AWSMASK_OK;
}

static int
round_finish(struct am_store *st, struct slot *slot, struct lists *l,
    size_t *ntodo, struct group *g, const char *day, const struct round *rd)
{
	struct redis *r = st->priv;
	size_t i, nlater = rd->nlater, nclaim = rd->nclaim, nundo = rd->nundo,
	    nlost = 0, ncreated = 0, *swap;
	int rc;

	if (nclaim && !rd->fetched && (rc = flush(st)))
		return rc;
	for (i = 0; i < nclaim; i++) {
		int done = set_done(r->rep[i]);

		if (done < 0)
			return unexpected(st, "SET");
		if (done)
			l->created[ncreated++] = l->claims[i];
		else
			l->losers[nlost++] = l->claims[i];
	}

	/* 6. Losers take the winner's token and drop their unmask: key. */
	for (i = 0; i < nlost; i++) {
		const struct am_store_item *it = slot[l->losers[i]].it;

		if ((rc = q_get(st, "mask:", it->key, it->key_len)) ||
		    (rc = q_del(st, "unmask:", it->value, it->value_len)))
			return rc;
	}
	if (ncreated && (rc = q_stats(st, slot, l->created, ncreated, g, day)))
		return rc;
	for (i = 0; i < nundo; i++) {
		const struct slot *s = &slot[l->undo[i]];

		if ((rc = q_del(st, "unmask:", s->bad, s->badlen)))
			return rc;
	}
	if ((rc = flush(st)))
		return rc;
	for (i = 0; i < nlost; i++) {
		const redisReply *rep = r->rep[2 * i];
		struct am_store_item *it = slot[l->losers[i]].it;

		if (!is_str_or_nil(rep))
			return unexpected(st, "GET");
		if (rep->type == REDIS_REPLY_NIL) {
			/* The winner's mapping expired already. */
			clear_value(it);
			l->later[nlater++] = l->losers[i];
		} else if (set_value(it, rep->str, rep->len))
			return nomem(st);
		else if (r->cl && r->durable)
			touch_pair(st, it);	/* the winner's, just made */
	}
	swap = l->todo;
	l->todo = l->later;
	l->later = swap;
	*ntodo = nlater;
	return AWSMASK_OK;
}

static int
mask_round(struct am_store *st, struct slot *slot, struct lists *l,
    size_t *ntodo, struct group *g, const char *day, int first)
{
	struct round rd = { 0 };
	int rc;

	if ((rc = round_send(st, slot, l, *ntodo, g, first, 0, &rd)))
		return rc;
	return round_finish(st, slot, l, ntodo, g, day, &rd);
}

static void
ttl_init(struct am_store *st)
{
	struct redis *r = st->priv;

	snprintf(r->ttl, sizeof(r->ttl), "%lld",
	    st->ttl > 0 ? st->ttl : (long long)DEFAULT_TTL);
}

/*
 * Cluster, durable: every master that took a write of a mapping (or
 * holds a young one this batch read) has a replica acknowledge it before
 * the tokens are handed back, so before any output uses them.
 */
static int
durable_wait(struct am_store *st)
{
	struct redis *r = st->priv;
	unsigned long long before;
	struct nopipe np;
	int rc;

	if (!r->cl || !r->durable)
		return AWSMASK_OK;
	before = am_rc_round_trips(r->cl);
	nopipe_begin(&np);
	rc = am_rc_wait(r->cl, r->wait_ms, st->ns ? st->ns : DEFAULT_NS);
	nopipe_end(&np);
	r->round_trips += am_rc_round_trips(r->cl) - before;
	return rc ? cluster_failed(st, rc) : AWSMASK_OK;
}

/* Set a batch up: its lists, and one slot an original. */
static int
mb_start(struct am_store *st, struct mbatch *mb, struct am_store_item *it,
    size_t n)
{
	time_t now = (time_t)am_store_now();
	struct tm tm;
	size_t i;

	memset(mb, 0, sizeof(*mb));
	mb->it = it;
	mb->n = n;
	ttl_init(st);
	if (!gmtime_r(&now, &tm) || !strftime(mb->day, sizeof(mb->day),
	    "%Y-%m-%d", &tm))
		strcpy(mb->day, "unknown");
	if (!(mb->mem = am_calloc(12 * n, sizeof(*mb->mem))) ||
	    !(mb->slot = am_calloc(n, sizeof(*mb->slot))) ||
	    !(mb->g = am_calloc(n, sizeof(*mb->g))))
		return nomem(st);
	mb->uniq = mb->mem;
	mb->first = mb->mem + n;
	mb->l.todo = mb->mem + 2 * n;
	mb->l.later = mb->mem + 3 * n;
	mb->l.hits = mb->mem + 4 * n;
	mb->l.misses = mb->mem + 5 * n;
	mb->l.repairs = mb->mem + 6 * n;
	mb->l.claims = mb->mem + 7 * n;
	mb->l.losers = mb->mem + 8 * n;
	mb->l.created = mb->mem + 9 * n;
	mb->l.renews = mb->mem + 10 * n;
	mb->l.undo = mb->mem + 11 * n;
	if (distinct(it, n, mb->uniq, mb->first, &mb->nu))
		return nomem(st);
	for (i = 0; i < mb->nu; i++) {
		mb->slot[i].it = &it[mb->uniq[i]];
		mb->l.todo[i] = i;
	}
	mb->ntodo = mb->nu;
	return AWSMASK_OK;
}

/* The rounds from mb->round on, then the batch's tokens to every item. */
static int
mb_rounds(struct am_store *st, struct mbatch *mb)
{
	int rc;

	for (; mb->ntodo && mb->round < ROUNDS; mb->round++)
		if ((rc = mask_round(st, mb->slot, &mb->l, &mb->ntodo, mb->g,
		    mb->day, mb->round == 0)))
			return rc;
	if (mb->ntodo)
		return am_seterr(&st->err, AWSMASK_ESTORE, "redis store '%s': "
		    "%zu mappings unsettled after %d rounds (heavy contention, "
		    "or a counter behind its tokens)", name(st), mb->ntodo,
		    ROUNDS);
	if ((rc = durable_wait(st)))
		return rc;
	if (copy_duplicates(mb->it, mb->n, mb->uniq, mb->first))
		return nomem(st);
	return AWSMASK_OK;
}

/* Free a batch; a failed one (rc) leaves no value in its items. */
static int
mb_free(struct mbatch *mb, int rc)
{
	size_t i;

	if (rc && mb->it)
		am_store_items_release(mb->it, mb->n);
	for (i = 0; mb->slot && i < mb->nu; i++)
		am_free(mb->slot[i].bad);
	am_free(mb->slot);
	am_free(mb->g);
	am_free(mb->mem);
	memset(mb, 0, sizeof(*mb));
	return rc;
}

static int
mask_once(struct am_store *st, struct am_store_item *it, size_t n)
{
	struct mbatch mb;
	int rc;

	if ((rc = usable(st)) || !n)
		return rc;
	if (!(rc = mb_start(st, &mb, it, n)))
		rc = mb_rounds(st, &mb);
	return mb_free(&mb, rc);
}

static int redis_mask_many(struct am_store *st, struct am_store_item *it,
    size_t n);

/*
 * One server: the first round as far as step 5, whose SETs are written
 * and left on their way; mask_end() reads their replies.  So Redis
 * works through them while the caller scans its next window.  A batch
 * with nothing to claim (all known) is finished here.  A cluster's
 * batch is always finished here (with_restarts()).
 */
/* Read the first round's replies, run the rounds left, and free mb. */
static int
mb_finish(struct am_store *st, struct mbatch *mb)
{
	int rc;

	if (!(rc = round_finish(st, mb->slot, &mb->l, &mb->ntodo, mb->g,
	    mb->day, &mb->rd))) {
		mb->round = 1;
		rc = mb_rounds(st, mb);
	}
	mb_free(mb, rc);
	am_free(mb);
	return rc;
}

static int
redis_mask_begin(struct am_store *st, struct am_store_item *it, size_t n)
{
	struct redis *r = st->priv;
	struct mbatch *mb;
	int rc;

	if (r->cl || r->flight)
		return redis_mask_many(st, it, n);
	if ((rc = usable(st)) || !n)
		return rc;
	if (!(mb = am_malloc(sizeof(*mb))))
		return nomem(st);
	if (!(rc = mb_start(st, mb, it, n)) &&
	    !(rc = round_send(st, mb->slot, &mb->l, mb->ntodo, mb->g, 1, 0,
	    &mb->rd))) {
		if (mb->rd.nclaim) {
			if (!(rc = push_out(st, 1))) {
				r->flight = mb;
				st->in_flight = 1;
				return AWSMASK_OK;
			}
		} else
			return mb_finish(st, mb);
	}
	mb_free(mb, rc);
	am_free(mb);
	return rc;
}

/*
 * A batch begun while another is in flight (one server): this batch's
 * step 1 is written behind the other's step 5, so that Redis goes on
 * from the one to the other without waiting for the client to read,
 * finish and begin; then both replies are read, the batch in flight is
 * finished, and this one goes on from its step 2.
 *
 * On the wire the lookups come after the other batch's mask: SETs, so
 * an original of both batches is found mapped, by that batch or by
 * whoever won its mask: key.  An original the other batch takes round
 * again (its token was taken) is a miss here too, and the two then race
 * as two processes would: the steps settle it, one of them keeps its
 * token and the loser skips its number.  Either both batches succeed or
 * both fail.
 */
static int
redis_mask_next(struct am_store *st, struct am_store_item *it, size_t n)
{
	struct redis *r = st->priv;
	struct mbatch *prev = r->flight, *mb = NULL;
	redisReply **mine = NULL;
	size_t nprev, nmine = 0;
	int rc;

	if (!prev)
		return redis_mask_begin(st, it, n);
	r->flight = NULL;
	st->in_flight = 0;
	nprev = r->pending;	/* prev's step 5, written already */
	if ((rc = usable(st)))
		goto out;
	if (!(mb = am_malloc(sizeof(*mb)))) {
		rc = nomem(st);
		goto out;
	}
	/* Its flush reads prev's step 5 replies first, then these. */
	if ((rc = mb_start(st, mb, it, n)) ||
	    (rc = q_step1(st, mb->slot, &mb->l, mb->ntodo, 1)))
		goto out;
	/* This batch's replies wait aside while prev is finished (they
	 * stay in r->rep, and are freed with it, until they are). */
	if (!(mine = am_malloc((r->nrep - nprev + 1) * sizeof(*mine)))) {
		rc = nomem(st);
		goto out;
	}
	nmine = r->nrep - nprev;
	memcpy(mine, r->rep + nprev, nmine * sizeof(*mine));
	r->nrep = nprev;
	prev->rd.fetched = 1;
	rc = mb_finish(st, prev);
	prev = NULL;
	if (rc)
		goto out;
	replies_clear(r);
	memcpy(r->rep, mine, nmine * sizeof(*mine));
	r->nrep = nmine;
	am_free(mine);
	mine = NULL;
	nmine = 0;
	if ((rc = round_send(st, mb->slot, &mb->l, mb->ntodo, mb->g, 1, 1,
	    &mb->rd)))
		goto out;
	if (!mb->rd.nclaim)
		return mb_finish(st, mb);
	if ((rc = push_out(st, 1)))
		goto out;
	r->flight = mb;
	st->in_flight = 1;
	return AWSMASK_OK;
out:
	while (nmine)
		freeReplyObject(mine[--nmine]);
	am_free(mine);
	if (prev) {
		mb_free(prev, rc);
		am_free(prev);
	}
	if (mb) {
		mb_free(mb, rc);
		am_free(mb);
	}
	return rc;
}

static int
redis_mask_end(struct am_store *st)
{
	struct redis *r = st->priv;
	struct mbatch *mb = r->flight;

	st->in_flight = 0;
	if (!mb)
		return AWSMASK_OK;
	r->flight = NULL;
	return mb_finish(st, mb);
}

/*
 * Cluster: a batch that lost a node (a master killed, a failover) starts
 * over once the map names a master for every slot again, a bounded
 * number of times.  Every step of a batch is safe to repeat: what it
 * half did is a counter number skipped or a half that the next batch
 * repairs or cleanup removes, and nothing of it was handed back.
 */
static int
with_restarts(struct am_store *st, struct am_store_item *it, size_t n,
    int (*op)(struct am_store *, struct am_store_item *, size_t))
{
	struct redis *r = st->priv;
	struct nopipe np;
	int rc, k;

	if (!r->cl)
		return op(st, it, n);
	for (k = 0;; k++) {
		r->retryable = k < RESTARTS;
		rc = op(st, it, n);
		r->retryable = 0;
		if (rc != AM_RETRY)
			return rc;
		am_store_items_release(it, n);
		for (size_t i = 0; i < n; i++)
			it[i].corrupt = 0;
		r->pending = 0;
		am_buf_reset(&r->out);
		replies_clear(r);
		nopipe_begin(&np);
		rc = am_rc_recover(r->cl);
		nopipe_end(&np);
		if (rc)
			return cluster_failed(st, rc);
	}
}

static int
redis_mask_many(struct am_store *st, struct am_store_item *it, size_t n)
{
	return with_restarts(st, it, n, mask_once);
}

static int unmask_once(struct am_store *st, struct am_store_item *it,
    size_t n);

static int
redis_unmask_many(struct am_store *st, struct am_store_item *it, size_t n)
{
	return with_restarts(st, it, n, unmask_once);
}

static int
unmask_once(struct am_store *st, struct am_store_item *it, size_t n)
{
	struct redis *r = st->priv;
	size_t *mem = NULL, *uniq, *first, *hits, *renew, nu = 0, nhit = 0,
	    nrenew = 0, i, nproc = 0;
	int rc;

	if ((rc = usable(st)) || !n)
		return rc;
	ttl_init(st);
	if (!(mem = am_calloc(4 * n, sizeof(*mem)))) {
		rc = nomem(st);
		goto out;
	}
	uniq = mem;
	first = mem + n;
	hits = mem + 2 * n;
	renew = mem + 3 * n;
	if (distinct(it, n, uniq, first, &nu)) {
		rc = nomem(st);
		goto out;
	}
	for (i = 0; i < nu; i++)
		if ((rc = q_get(st, "unmask:", it[uniq[i]].key,
		    it[uniq[i]].key_len)))
			goto out;
	/*
	 * Unmasking needs no write: where the server refuses them (a
	 * replica, out of memory, a failing save, a read-only ACL), the
	 * statistics and renewals are dropped and the answer stands.
	 */
	if ((!r->ro && (rc = q_proc(st, &nproc))) ||
	    (rc = flush_lenient(st, nu)))
		goto out;
	if (nproc && !r->ro)
		proc_done(st);
	for (i = 0; i < nu; i++) {
		const redisReply *rep = r->rep[i];

		if (!is_str_or_nil(rep)) {
			rc = unexpected(st, "GET");
			goto out;
		}
		if (rep->type == REDIS_REPLY_NIL)
			continue;
		if (set_value(&it[uniq[i]], rep->str, rep->len)) {
			rc = nomem(st);
			goto out;
		}
		hits[nhit++] = uniq[i];
	}
	/*
	 * Check that mask: points back: a token resolves only when both
	 * sides agree; and see when the pair was last renewed.
	 */
	for (i = 0; i < nhit; i++) {
		const struct am_store_item *h = &it[hits[i]];

		if ((rc = q_get(st, "mask:", h->value, h->value_len)) ||
		    (rc = queue(st, "PTTL", "mask:", h->value, h->value_len,
		    NULL)))
			goto out;
	}
	if (nhit && (rc = flush(st)))
		goto out;
	for (i = 0; i < nhit; i++) {
		const redisReply *rep = r->rep[2 * i];
		struct am_store_item *h = &it[hits[i]];

		if (!is_str_or_nil(rep)) {
			rc = unexpected(st, "GET");
			goto out;
		}
		/*
		 * mask: gone: the pair is expiring, the token is unknown.
		 * mask: naming another token: the store is corrupt (written
		 * by something else, or a counter reset), never restored.
		 */
		if (!same(rep, h->key, h->key_len)) {
			h->corrupt = rep->type == REDIS_REPLY_STRING;
			clear_value(h);
		} else if (stale(st, r->rep[2 * i + 1]) && !r->ro)
			renew[nrenew++] = hits[i];
	}
	/*
	 * Renew the stale pairs, both directions.  What was read stays
	 * right whatever happens meanwhile: a token means one original for
	 * ever.
	 */
	for (i = 0; i < nrenew; i++) {
		const struct am_store_item *h = &it[renew[i]];

		if ((rc = q_expire(st, "mask:", h->value, h->value_len,
		    r->ttl)) ||
		    (rc = q_expire(st, "unmask:", h->key, h->key_len, r->ttl)))
			goto out;
	}
	if (nrenew && (rc = flush_lenient(st, 0)))
		goto out;
	if (copy_duplicates(it, n, uniq, first))
		rc = nomem(st);
out:
	if (rc)
		am_store_items_release(it, n);
	am_free(mem);
	return rc;
}

static void
redis_close(struct am_store *st)
{
	struct redis *r = st->priv;

	if (!r)
		return;
	replies_clear(r);
	if (r->c)
		redisFree(r->c);
	am_rc_free(r->cl);
	am_free(r->cmd);
	am_free(r->rep);
	am_buf_free(&r->key);
	am_buf_free(&r->out);
	am_free(r->state_dir);
	if (r->flight) {
		/* Never ended: its items are the caller's, left alone. */
		r->flight->it = NULL;
		mb_free(r->flight, 0);
		am_free(r->flight);
	}
	am_free(r);
	st->priv = NULL;
}

int
am_store_redis_use_getex(struct am_store *st, int on)
{
	struct redis *r;

	if (!st || st->ops != &am_store_redis_ops || !(r = st->priv))
		return 0;
	r->getex = on && r->has_getex;
	return r->getex;
}

unsigned long long
am_store_redis_round_trips(const struct am_store *st)
{
	const struct redis *r;

	if (!st || st->ops != &am_store_redis_ops || !(r = st->priv))
		return 0;
	return r->round_trips;
}

/*
 * The operator side: statistics, scans, removal and the lock, for
 * awsmask-stats and awsmask-cleanup.
 */

static int
r_readonly(const struct am_store *st)
{
	return ((const struct redis *)st->priv)->ro;
}

static int
redis_flush_stats(struct am_store *st)
{
	size_t nq;
	int rc;

	if ((rc = usable(st)) || r_readonly(st) || (rc = q_proc(st, &nq)) ||
	    !nq)
		return rc;
	if ((rc = flush_lenient(st, 0)))
		return rc;
	proc_done(st);
	return AWSMASK_OK;
}

/* The value of `field:` in an INFO reply, or -1. */
static long long
info_num(const redisReply *rep, const char *field)
{
	char want[64];
	const char *p;

	if (rep->type != REDIS_REPLY_STRING)
		return -1;
	snprintf(want, sizeof(want), "\n%s:", field);
	if (!(p = strstr(rep->str, want)))
		return -1;
	return strtoll(p + strlen(want), NULL, 10);
}

static void
info_str(const redisReply *rep, const char *field, char *out, size_t size)
{
	char want[64];
	const char *p;
	size_t n;

	if (rep->type != REDIS_REPLY_STRING)
		return;
	snprintf(want, sizeof(want), "\n%s:", field);
	if (!(p = strstr(rep->str, want)))
		return;
	p += strlen(want);
	n = strcspn(p, "\r\n");
	if (n >= size)
		n = size - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

/* A counter reply: a number in a string or an integer; 0 otherwise. */
static unsigned long long
count_of(const redisReply *rep)
{
	if (rep->type == REDIS_REPLY_INTEGER)
		return rep->integer > 0 ? (unsigned long long)rep->integer : 0;
	if (rep->type == REDIS_REPLY_STRING)
		return strtoull(rep->str, NULL, 10);
	return 0;
}

/*
 * One round trip.  A reply the server refuses (an ACL without INFO, a
 * key of another type) leaves its figure unknown or zero: statistics
 * are not worth failing for.
 */
static int
redis_info(struct am_store *st, struct am_store_info *info)
{
	struct redis *r = st->priv;
	struct words w = { 0 };
	size_t i, at, nm;
	char key[64];
	int rc, *m, evicting = 0;

	/* Figures of this run first, so that they are in what is read. */
	if ((rc = redis_flush_stats(st)) || (rc = masters(st, &m, &nm)))
		return rc;
	/* INFO memory, then INFO stats, of every master. */
	word_str(&w, "INFO");
	word_str(&w, "memory");
	for (i = 0; i < nm && !rc; i++)
		rc = queue_to(st, m, i, &w);
	w.v[1] = "stats";
	w.len[1] = 5;
	for (i = 0; i < nm && !rc; i++)
		rc = queue_to(st, m, i, &w);
	am_free(m);
	if (rc || (rc = q_begin(st, 3)) ||
	    (rc = q_str(st, "HGET")) ||
	    (rc = q_arg(st, st->ns, "stats:counts", 12)) ||
	    (rc = q_str(st, "total_mappings")))
		return rc;
	for (i = 0; i < AM_DAILY_DAYS; i++) {
		snprintf(key, sizeof(key), "stats:counts:%s", info->day[i]);
		if ((rc = q_begin(st, 3)) || (rc = q_str(st, "HGET")) ||
		    (rc = q_arg(st, st->ns, key, strlen(key))) ||
		    (rc = q_str(st, "daily_mappings")))
			return rc;
	}
	if ((rc = q_get(st, "stats:cache:hits", "", 0)) ||
	    (rc = q_get(st, "stats:cache:misses", "", 0)) ||
	    (rc = q_begin(st, 2 + am_nproc_fields)) ||
	    (rc = q_str(st, "HMGET")) ||
	    (rc = q_arg(st, st->ns, "stats:processing", 16)))
		return rc;
	for (i = 0; i < am_nproc_fields; i++)
		if ((rc = q_str(st, am_proc_fields[i].name)))
			return rc;
	if ((rc = flush_raw(st)))
		return rc;
	/* A cluster's memory is its masters' together; its policy the
	 * first that may evict, or else the first master's. */
	for (i = 0; i < nm; i++) {
		const redisReply *mem = r->rep[i], *stat = r->rep[nm + i];
		long long used = info_num(mem, "used_memory");
		long long max = info_num(mem, "maxmemory");
		long long ev = info_num(stat, "evicted_keys");
		char pol[sizeof(info->policy)] = "";

		info_str(mem, "maxmemory_policy", pol, sizeof(pol));
		if (used >= 0)
			info->used_memory = (info->used_memory < 0 ? 0 :
			    info->used_memory) + used;
		if (max >= 0)
			info->maxmemory = (info->maxmemory < 0 ? 0 :
			    info->maxmemory) + max;
		if (ev >= 0)
			info->evicted_keys = (info->evicted_keys < 0 ? 0 :
			    info->evicted_keys) + ev;
		if (!info->policy[0] || (!evicting && max > 0 && pol[0] &&
		    strcmp(pol, "noeviction"))) {
			memcpy(info->policy, pol, sizeof(pol));
			evicting = max > 0 && pol[0] &&
			    strcmp(pol, "noeviction");
		}
	}
	at = 2 * nm - 1;
	info->total_created = count_of(r->rep[++at]);
	for (i = 0; i < AM_DAILY_DAYS; i++)
		info->daily[i] = count_of(r->rep[++at]);
	info->cache_hits = count_of(r->rep[++at]);
	info->cache_misses = count_of(r->rep[++at]);
	if (r->rep[++at]->type == REDIS_REPLY_ARRAY &&
	    r->rep[at]->elements == am_nproc_fields)
		for (i = 0; i < am_nproc_fields; i++)
			AM_PROC_FIELD(&info->proc, i) =
			    count_of(r->rep[at]->element[i]);
	return AWSMASK_OK;
}

/*
 * The scan.  Each step is one SCAN (MATCH <ns>*, a large COUNT) and two
 * or three pipelines: the values of the mask: and unmask: keys it
 * returned (MGET, and PTTL when last use is wanted), then the other
 * direction of each (MGET), then the PTTL of the unmask: halves found
 * orphaned.  Memory is one step's keys.  MGET takes keys of any slot on
 * one server; on a cluster the walk goes master by master (SCAN on each,
 * the figures summed), and the values are read with a GET a key, each
 * sent to the master of its slot, still one pipeline a step.
 */
#define SCAN_COUNT "5000"

struct rref {
	size_t off, len;	/* in rscan.buf; len SIZE_MAX: no value */
};

struct rscan {
	char cursor[32];
	int last;		/* SCAN came back to 0 (on the last master) */
	int *ms;		/* cluster: the masters, walked in turn */
	size_t nms, mi;
	char *match;		/* <ns, escaped>* */
	struct am_buf buf;	/* the step's keys and values */
	struct rref *mk, *mv, *uk, *uv;	/* mask: and unmask: keys, values */
	long long *mp, *up;	/* their PTTLs */
	size_t nm, nu, cap;
	struct am_entry *e;
	size_t ne, cape;
};

static void
rscan_free(struct rscan *x)
{
	if (!x)
		return;
	am_free(x->ms);
	am_free(x->match);
	am_buf_free(&x->buf);
	am_free(x->mk);
	am_free(x->mv);
	am_free(x->uk);
	am_free(x->uv);
	am_free(x->mp);
	am_free(x->up);
	am_free(x->e);
	am_free(x);
}

static int
rscan_grow(struct am_store *st, struct rscan *x, size_t n)
{
	struct rref **refs[] = { &x->mk, &x->mv, &x->uk, &x->uv };
	long long **ps[] = { &x->mp, &x->up };
	size_t i;

	if (n <= x->cap)
		return AWSMASK_OK;
	for (i = 0; i < AM_ARRAY_SIZE(refs); i++) {
		struct rref *p = am_realloc(*refs[i], n * sizeof(**refs[i]));

		if (!p)
			return nomem(st);
		*refs[i] = p;
	}
	for (i = 0; i < AM_ARRAY_SIZE(ps); i++) {
		long long *p = am_realloc(*ps[i], n * sizeof(**ps[i]));

		if (!p)
			return nomem(st);
		*ps[i] = p;
	}
	x->cap = n;
	return AWSMASK_OK;
}

static int
keep(struct am_store *st, struct rscan *x, const char *p, size_t n,
    struct rref *ref)
{
	ref->off = x->buf.len;
	ref->len = n;
	if (am_buf_add(&x->buf, p, n) < 0)
		return nomem(st);
	return AWSMASK_OK;
}

static const char *
at_of(const struct rscan *x, const struct rref *ref)
{
	return x->buf.buf + ref->off;
}

/* Queue MGET <ns><space><key> for the refs of a list that have one. */
static int
q_mget(struct am_store *st, const struct rscan *x, const char *space,
    const struct rref *keys, size_t n, size_t *ncmd)
{
	char pre[128];
	size_t i, j, k;
	int rc;

	snprintf(pre, sizeof(pre), "%s%s", st->ns, space);
	*ncmd = 0;
	if (((struct redis *)st->priv)->cl) {
		/* A cluster: keys of many slots, so a GET each. */
		for (i = 0; i < n; i++) {
			if (keys[i].len == SIZE_MAX)
				continue;
			if ((rc = q_begin(st, 2)) || (rc = q_str(st, "GET")) ||
			    (rc = q_arg(st, pre, at_of(x, &keys[i]),
			    keys[i].len)))
				return rc;
			(*ncmd)++;
		}
		return AWSMASK_OK;
	}
	for (i = 0; i < n; i = j) {
		for (j = i, k = 0; j < n && k < MGET_CHUNK; j++)
			k += keys[j].len != SIZE_MAX;
		if (!k)
			continue;
		if ((rc = q_begin(st, 1 + k)) || (rc = q_str(st, "MGET")))
			return rc;
		for (k = i; k < j; k++)
			if (keys[k].len != SIZE_MAX && (rc = q_arg(st, pre,
			    at_of(x, &keys[k]), keys[k].len)))
				return rc;
		(*ncmd)++;
	}
	return AWSMASK_OK;
}

/*
 * Read the replies of q_mget() from r->rep[*at]: out[i] gets the value
 * of keys[i] (copied), or SIZE_MAX length; with cmp set, instead, out[i]
 * is only compared: same[i] says whether it equals cmp[i].
 */
static int
read_mget(struct am_store *st, struct rscan *x, size_t *at,
    const struct rref *keys, size_t n, struct rref *out,
    const struct rref *cmp, char *eq)
{
	struct redis *r = st->priv;
	size_t i = 0, e = 0;
	const redisReply *rep = NULL;

	for (i = 0; i < n; i++) {
		const redisReply *v;

		if (out)
			out[i].len = SIZE_MAX;
		if (eq)
			eq[i] = 0;
		if (keys[i].len == SIZE_MAX)
			continue;
		if (r->cl) {
			/* A GET a key (q_mget()). */
			v = r->rep[(*at)++];
			if (v->type == REDIS_REPLY_ERROR)
				return refused(st, NULL, v);
			if (!is_str_or_nil(v))
				return unexpected(st, "GET");
		} else if (!rep || e == rep->elements) {
			rep = r->rep[(*at)++];
			e = 0;
			if (rep->type != REDIS_REPLY_ARRAY)
				return rep->type == REDIS_REPLY_ERROR ?
				    refused(st, NULL, rep) :
				    unexpected(st, "MGET");
		}
		if (!r->cl)
			v = rep->element[e++];
		if (v->type != REDIS_REPLY_STRING)
			continue;
		if (out && keep(st, x, v->str, v->len, &out[i]))
			return st->err.code;
		if (eq)
			eq[i] = v->len == cmp[i].len &&
			    !memcmp(v->str, at_of(x, &cmp[i]), v->len);
	}
	return AWSMASK_OK;
}

static long long
used_of(const struct am_store *st, long long now, long long pttl)
{
	long long life = st->ttl > 0 ? st->ttl : DEFAULT_TTL;

	return pttl < 0 ? 0 : now - life + pttl / 1000;
}

/* One SCAN: the step's keys into x, sorted by direction. */
static int
scan_keys(struct am_store *st, struct rscan *x, unsigned long long *seen)
{
	struct redis *r = st->priv;
	const redisReply *rep, *keys;
	char mpre[128], upre[128];
	size_t i, ml, ul;
	int rc;

	if (x->ms)
		route_to(st, x->ms[x->mi]);
	if ((rc = q_begin(st, 6)) || (rc = q_str(st, "SCAN")) ||
	    (rc = q_str(st, x->cursor)) || (rc = q_str(st, "MATCH")) ||
	    (rc = q_str(st, x->match)) || (rc = q_str(st, "COUNT")) ||
	    (rc = q_str(st, SCAN_COUNT)) || (rc = flush(st)))
		return rc;
	rep = r->rep[0];
	if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 2 ||
	    rep->element[0]->type != REDIS_REPLY_STRING ||
	    rep->element[0]->len >= sizeof(x->cursor) ||
	    rep->element[1]->type != REDIS_REPLY_ARRAY)
		return unexpected(st, "SCAN");
	memcpy(x->cursor, rep->element[0]->str, rep->element[0]->len);
	x->cursor[rep->element[0]->len] = '\0';
	x->last = !strcmp(x->cursor, "0");
	if (x->last && x->ms && x->mi + 1 < x->nms) {
		x->mi++;		/* this master done: the next */
		x->last = 0;
	}
	keys = rep->element[1];
	*seen += keys->elements;
	if ((rc = rscan_grow(st, x, keys->elements)))
		return rc;
	ml = (size_t)snprintf(mpre, sizeof(mpre), "%smask:", st->ns);
	ul = (size_t)snprintf(upre, sizeof(upre), "%sunmask:", st->ns);
	am_buf_reset(&x->buf);
	x->nm = x->nu = 0;
	for (i = 0; i < keys->elements; i++) {
		const redisReply *k = keys->element[i];

		if (k->type != REDIS_REPLY_STRING)
			return unexpected(st, "SCAN");
		if (k->len > ml && !memcmp(k->str, mpre, ml))
			rc = keep(st, x, k->str + ml, k->len - ml, &x->mk[x->nm++]);
		else if (k->len > ul && !memcmp(k->str, upre, ul))
			rc = keep(st, x, k->str + ul, k->len - ul, &x->uk[x->nu++]);
		if (rc)
			return rc;
	}
	return AWSMASK_OK;
}

static int
add_entry(struct am_store *st, struct rscan *x, int state,
    const struct rref *o, const struct rref *t, long long used)
{
	struct am_entry *e;

	if (x->ne == x->cape) {
		size_t cap = x->cape ? 2 * x->cape : 256;

		if (!(e = am_realloc(x->e, cap * sizeof(*e))))
			return nomem(st);
		x->e = e;
		x->cape = cap;
	}
	e = &x->e[x->ne++];
	memset(e, 0, sizeof(*e));
	e->state = state;
	/* Offsets for now: pointers once the buffer stops growing. */
	e->original = (const char *)o->off;
	e->original_len = o->len;
	e->token = (const char *)t->off;
	e->token_len = t->len;
	e->used = used;
	return AWSMASK_OK;
}

static int
redis_scan(struct am_store *st, struct am_scan *sc)
{
	struct redis *r = st->priv;
	struct rscan *x = sc->priv;
	long long now = am_store_now();
	size_t i, at, nq, *orph = NULL, norph = 0;
	char *meq = NULL, *ueq = NULL;
	int rc, want = sc->flags & AM_SCAN_USED;
	int cand = sc->flags & AM_SCAN_CANDIDATES;

	if ((rc = usable(st)))
		return rc;
	if (!x) {
		struct words w = { 0 };
		struct am_buf m = AM_BUF_INIT;
		const char *p;

		if (!(x = am_calloc(1, sizeof(*x))))
			return nomem(st);
		sc->priv = x;
		strcpy(x->cursor, "0");
		for (p = st->ns; *p; p++)
			if ((strchr("*?[]\\", *p) && am_buf_add(&m, "\\", 1) < 0) ||
			    am_buf_add(&m, p, 1) < 0)
				break;
		if (*p || am_buf_add(&m, "*", 1) < 0) {
			am_buf_free(&m);
			return nomem(st);
		}
		x->match = am_buf_release(&m, NULL);
		if ((rc = masters(st, &x->ms, &x->nms)))
			return rc;
		word_str(&w, "DBSIZE");
		for (i = 0; i < x->nms && !rc; i++)
			rc = queue_to(st, x->ms, i, &w);
		if (rc || (rc = flush(st)))
			return rc;
		for (i = 0; i < x->nms; i++)
			sc->total += count_of(r->rep[i]);
	}
	x->ne = 0;
	/* SCAN until a step has mapping keys, or the walk ends. */
	do {
		if ((rc = scan_keys(st, x, &sc->seen)))
			return rc;
	} while (!x->nm && !x->nu && !x->last);
	sc->done = x->last;
	if (cand)
		x->nu = 0;	/* unmask: sides are not candidates */
	if (!x->nm && !x->nu)
		return AWSMASK_OK;

	/* Their values, and when the mask: side was last renewed. */
	if ((rc = q_mget(st, x, "mask:", x->mk, x->nm, &nq)) ||
	    (rc = q_mget(st, x, "unmask:", x->uk, x->nu, &nq)))
		return rc;
	for (i = 0; want && i < x->nm; i++)
		if ((rc = queue(st, "PTTL", "mask:", at_of(x, &x->mk[i]),
		    x->mk[i].len, NULL)))
			return rc;
	if ((rc = flush_raw(st)))
		return rc;
	at = 0;
	if ((rc = read_mget(st, x, &at, x->mk, x->nm, x->mv, NULL, NULL)) ||
	    (rc = read_mget(st, x, &at, x->uk, x->nu, x->uv, NULL, NULL)))
		return rc;
	for (i = 0; i < x->nm; i++) {
		x->mp[i] = -1;
		if (want) {
			if (r->rep[at]->type != REDIS_REPLY_INTEGER)
				return unexpected(st, "PTTL");
			x->mp[i] = r->rep[at++]->integer;
		}
	}

	/* The other direction of each: does it point back? */
	if (!(meq = am_malloc(x->nm + 1)) || !(ueq = am_malloc(x->nu + 1)) ||
	    !(orph = am_calloc(x->nu + 1, sizeof(*orph)))) {
		rc = nomem(st);
		goto out;
	}
	if (cand)
		memset(meq, 1, x->nm);	/* remove() checks, atomically */
	else if ((rc = q_mget(st, x, "unmask:", x->mv, x->nm, &nq)) ||
	    (rc = q_mget(st, x, "mask:", x->uv, x->nu, &nq)) ||
	    (rc = flush_raw(st)))
		goto out;
	at = 0;
	if (!cand && ((rc = read_mget(st, x, &at, x->mv, x->nm, NULL, x->mk,
	    meq)) || (rc = read_mget(st, x, &at, x->uv, x->nu, NULL, x->uk,
	    ueq))))
		goto out;
	for (i = 0; i < x->nm; i++) {
		if (x->mv[i].len == SIZE_MAX)
			continue;	/* went meanwhile */
		if ((rc = add_entry(st, x, meq[i] ? AM_ENTRY_PAIR :
		    AM_ENTRY_ORPHAN_MASK, &x->mk[i], &x->mv[i],
		    want ? used_of(st, now, x->mp[i]) : 0)))
			goto out;
	}
	for (i = 0; i < x->nu; i++)
		if (x->uv[i].len != SIZE_MAX && !ueq[i])
			orph[norph++] = i;

	/* When the orphaned unmask: halves were last renewed. */
	for (i = 0; want && i < norph; i++)
		if ((rc = queue(st, "PTTL", "unmask:", at_of(x, &x->uk[orph[i]]),
		    x->uk[orph[i]].len, NULL)))
			goto out;
	if (want && norph && (rc = flush(st)))
		goto out;
	for (i = 0; i < norph; i++) {
		long long pttl = -1;

		if (want) {
			if (r->rep[i]->type != REDIS_REPLY_INTEGER) {
				rc = unexpected(st, "PTTL");
				goto out;
			}
			pttl = r->rep[i]->integer;
		}
		if ((rc = add_entry(st, x, AM_ENTRY_ORPHAN_UNMASK,
		    &x->uv[orph[i]], &x->uk[orph[i]],
		    want ? used_of(st, now, pttl) : 0)))
			goto out;
	}
	for (i = 0; i < x->ne; i++) {
		x->e[i].original = x->buf.buf + (size_t)x->e[i].original;
		x->e[i].token = x->buf.buf + (size_t)x->e[i].token;
	}
	sc->entries = x->e;
	sc->n = x->ne;
out:
	am_free(meq);
	am_free(ueq);
	am_free(orph);
	return rc;
}

static void
redis_scan_end(struct am_store *st, struct am_scan *sc)
{
	(void)st;
	rscan_free(sc->priv);
	sc->priv = NULL;
}

/*
 * Removal, each entry atomically on the server: KEYS[1] is the key to
 * remove and ARGV[1] the value it was scanned with; KEYS[2] is the other
 * direction and ARGV[2] the value that would make the two agree.
 * ARGV[3] is the largest PTTL (ms) a key may have and still be unused
 * since the cut-off (a key without expiry is the oldest); ARGV[4] is 1
 * to remove a pair (both keys, which must agree and both be unused) and
 * 0 a half (which must still disagree).  Only KEYS are touched: a
 * script of one key's slot at a time would do on a cluster for halves.
 */
static const char remove_lua[] =
	"local v = redis.call('GET', KEYS[1])\n"
	"if v ~= ARGV[1] then return 0 end\n"
	"local lim = tonumber(ARGV[3])\n"
	"local p = redis.call('PTTL', KEYS[1])\n"
	"if p >= 0 and p > lim then return 0 end\n"
	"local w = redis.call('GET', KEYS[2])\n"
	"if ARGV[4] == '1' then\n"
	"  if w ~= ARGV[2] then return 0 end\n"
	"  p = redis.call('PTTL', KEYS[2])\n"
	"  if p >= 0 and p > lim then return 0 end\n"
	"  return redis.call('DEL', KEYS[1], KEYS[2])\n"
	"end\n"
	"if w == ARGV[2] then return 0 end\n"
	"return redis.call('DEL', KEYS[1])\n";

static int
load_remove(struct am_store *st)
{
	struct redis *r = st->priv;
	const redisReply *rep;
	int rc;

	if (r->remove_sha[0])
		return AWSMASK_OK;
	if ((rc = q_begin(st, 3)) || (rc = q_str(st, "SCRIPT")) ||
	    (rc = q_str(st, "LOAD")) || (rc = q_str(st, remove_lua)) ||
	    (rc = flush(st)))
		return rc;
	rep = r->rep[0];
	if (rep->type != REDIS_REPLY_STRING || rep->len >= sizeof(r->remove_sha))
		return unexpected(st, "SCRIPT LOAD");
	memcpy(r->remove_sha, rep->str, rep->len);
	r->remove_sha[rep->len] = '\0';
	return AWSMASK_OK;
}

/* Queue the script for e (by its SHA, or whole). */
static int
q_remove(struct am_store *st, const struct am_entry *e, const char *lim,
    int whole)
{
	struct redis *r = st->priv;
	int half_unmask = e->state == AM_ENTRY_ORPHAN_UNMASK, rc;
	const char *k1 = half_unmask ? "unmask:" : "mask:";
	const char *k2 = half_unmask ? "mask:" : "unmask:";
	const char *a1 = half_unmask ? e->token : e->original;
	size_t a1len = half_unmask ? e->token_len : e->original_len;
	const char *a2 = half_unmask ? e->original : e->token;
	size_t a2len = half_unmask ? e->original_len : e->token_len;
	char pre1[128], pre2[128];

	snprintf(pre1, sizeof(pre1), "%s%s", st->ns, k1);
	snprintf(pre2, sizeof(pre2), "%s%s", st->ns, k2);
	/* KEYS[1] = k1 + a1, its value a2; KEYS[2] = k2 + a2, value a1. */
	if ((rc = q_begin(st, 9)) ||
	    (rc = q_str(st, whole ? "EVAL" : "EVALSHA")) ||
	    (rc = q_str(st, whole ? remove_lua : r->remove_sha)) ||
	    (rc = q_str(st, "2")) || (rc = q_arg(st, pre1, a1, a1len)) ||
	    (rc = q_arg(st, pre2, a2, a2len)) ||
	    (rc = q_arg(st, NULL, a2, a2len)) ||
	    (rc = q_arg(st, NULL, a1, a1len)) || (rc = q_str(st, lim)) ||
	    (rc = q_str(st, e->state == AM_ENTRY_PAIR ? "1" : "0")))
		return rc;
	return AWSMASK_OK;
}

/*
 * On a cluster the two directions of a mapping live on different nodes,
 * and a script touches the keys of one slot only.  So each key goes on
 * its own, by this script: KEYS[1] is removed when it still holds
 * ARGV[1] and has not been renewed since the cut-off (PTTL <= ARGV[2]).
 * A pair goes mask: side first, then its unmask: side once the first
 * went.  Why that is enough, without seeing both keys at once:
 *
 *  - Whoever uses a pair renews it (the masker: EXPIRE unmask:, then
 *    GETEX mask: and a hit only when that still names the token; the
 *    unmasker renews both), and a renewed key is never old enough for
 *    the script.  So a run that read the pair either renewed mask:
 *    before the script (which then leaves it) or finds mask: gone and
 *    makes a new mapping: no token is handed out for a mapping removed.
 *  - A repair (mask: present, unmask: gone) writes unmask: and then
 *    reads mask: back with GETEX, which renews it: the same argument
 *    covers a mask: half removed while it is being repaired.  Servers
 *    before 6.2 (no GETEX) read and renew in two commands, so a cluster
 *    of them keeps its mask: halves.
 *  - An old unmask: key can become part of a pair only through SET NX
 *    on it, which fails while it exists; so removing it when it is
 *    still old and still names the same original takes no mapping away.
 * A run stopped between the two halves of a pair leaves an orphaned
 * unmask: key, which the next cleanup removes.
 */
static const char remove1_lua[] =
	"if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end\n"
	"local p = redis.call('PTTL', KEYS[1])\n"
	"if p >= 0 and p > tonumber(ARGV[2]) then return 0 end\n"
	"return redis.call('DEL', KEYS[1])\n";

/* Queue the script of one key: <ns><space><k> if it holds v. */
static int
q_remove1(struct am_store *st, const char *space, const char *k, size_t klen,
    const char *v, size_t vlen, const char *lim, int whole)
{
	struct redis *r = st->priv;
	char pre[128];
	int rc;

	snprintf(pre, sizeof(pre), "%s%s", st->ns, space);
	if ((rc = q_begin(st, 6)) ||
	    (rc = q_str(st, whole ? "EVAL" : "EVALSHA")) ||
	    (rc = q_str(st, whole ? remove1_lua : r->remove_sha)) ||
	    (rc = q_str(st, "1")) || (rc = q_arg(st, pre, k, klen)) ||
	    (rc = q_arg(st, NULL, v, vlen)) || (rc = q_str(st, lim)))
		return rc;
	return AWSMASK_OK;
}

/* SCRIPT LOAD on every master: the same script has the same SHA. */
static int
load_remove1(struct am_store *st)
{
	struct redis *r = st->priv;
	const redisReply *rep = NULL;
	size_t i, nm;
	int rc, *m;

	if (r->remove_sha[0])
		return AWSMASK_OK;
	if ((rc = masters(st, &m, &nm)))
		return rc;
	if (!nm) {
		am_free(m);
		return unexpected(st, "CLUSTER SLOTS");
	}
	for (i = 0; i < nm && !rc; i++) {
		route_to(st, m[i]);
		rc = q_begin(st, 3) || q_str(st, "SCRIPT") ||
		    q_str(st, "LOAD") || q_str(st, remove1_lua);
	}
	am_free(m);
	if (rc)
		return st->err.code ? (int)st->err.code : nomem(st);
	if ((rc = flush(st)))
		return rc;
	for (i = 0; i < nm; i++) {
		rep = r->rep[i];
		if (rep->type != REDIS_REPLY_STRING ||
		    rep->len >= sizeof(r->remove_sha))
			return unexpected(st, "SCRIPT LOAD");
	}
	memcpy(r->remove_sha, rep->str, rep->len);
	r->remove_sha[rep->len] = '\0';
	return AWSMASK_OK;
}

/*
 * Run the script of phase `phase` (0: an entry's first key, 1: a pair's
 * unmask: side) on the entries listed in idx[0..n); ok[k] gets whether
 * the key went.  NOSCRIPT (a master that never saw the script: a
 * failover, a restart) sends it whole the second time.
 */
static int
remove1_run(struct am_store *st, struct am_entry *e, const size_t *idx,
    size_t n, int phase, const char *lim, char *ok)
{
	struct redis *r = st->priv;
	size_t k, *again, nagain = 0;
	int rc = AWSMASK_OK, pass;

	if (!(again = am_calloc(n + 1, sizeof(*again))))
		return nomem(st);
	for (k = 0; k < n; k++)
		again[nagain++] = k;
	for (pass = 0; pass < 2 && nagain; pass++) {
		size_t nq = nagain;

		for (k = 0; k < nq && !rc; k++) {
			const struct am_entry *x = &e[idx[again[k]]];
			int un = phase || x->state == AM_ENTRY_ORPHAN_UNMASK;

			rc = un ? q_remove1(st, "unmask:", x->token,
			    x->token_len, x->original, x->original_len, lim,
			    pass) :
			    q_remove1(st, "mask:", x->original, x->original_len,
			    x->token, x->token_len, lim, pass);
		}
		if (rc || (rc = flush_raw(st)))
			break;
		nagain = 0;
		for (k = 0; k < nq; k++) {
			const redisReply *rep = r->rep[k];

			if (rep->type == REDIS_REPLY_INTEGER)
				ok[again[k]] = rep->integer > 0;
			else if (rep->type == REDIS_REPLY_ERROR && !pass &&
			    !strncmp(rep->str, "NOSCRIPT", 8))
				again[nagain++] = again[k];
			else {
				rc = rep->type == REDIS_REPLY_ERROR ?
				    refused(st, "cannot remove: ", rep) :
				    unexpected(st, "EVALSHA");
				break;
			}
		}
	}
	am_free(again);
	return rc;
}

static int
remove_cluster(struct am_store *st, struct am_entry *e, size_t n,
    const char *lim)
{
	struct redis *r = st->priv;
	size_t i, k, *idx, *pairs, nidx = 0, npairs = 0;
	char *ok;
	int rc;

	if ((rc = load_remove1(st)))
		return rc;
	idx = am_calloc(n + 1, sizeof(*idx));
	pairs = am_calloc(n + 1, sizeof(*pairs));
	ok = am_calloc(n + 1, 1);
	if (!idx || !pairs || !ok) {
		rc = nomem(st);
		goto out;
	}
	for (i = 0; i < n; i++)
		if (e[i].state != AM_ENTRY_EXPIRED &&
		    (e[i].state != AM_ENTRY_ORPHAN_MASK || r->has_getex))
			idx[nidx++] = i;
	if ((rc = remove1_run(st, e, idx, nidx, 0, lim, ok)))
		goto out;
	for (k = 0; k < nidx; k++) {
		e[idx[k]].removed = ok[k];
		if (ok[k] && e[idx[k]].state == AM_ENTRY_PAIR)
			pairs[npairs++] = idx[k];
	}
	/* The unmask: sides of the pairs whose mask: side went; one that
	 * stays (renewed meanwhile) is an orphan for the next cleanup. */
	memset(ok, 0, n + 1);
	if (npairs)
		rc = remove1_run(st, e, pairs, npairs, 1, lim, ok);
out:
	am_free(idx);
	am_free(pairs);
	am_free(ok);
	return rc;
}

static int
redis_remove(struct am_store *st, struct am_entry *e, size_t n,
    long long used_before)
{
	struct redis *r = st->priv;
	long long life = st->ttl > 0 ? st->ttl : DEFAULT_TTL;
	long long idle = am_store_now() - used_before;
	size_t i, k, *again = NULL, nagain = 0;
	char lim[32];
	int rc, pass;

	if ((rc = usable(st)))
		return rc;
	/* A key renewed at t has PTTL life - (now - t): unused since
	 * used_before means PTTL <= life - idle. */
	snprintf(lim, sizeof(lim), "%lld",
	    idle > life ? -1 : (life - idle) * 1000);
	if (r->cl)
		return remove_cluster(st, e, n, lim);
	if ((rc = load_remove(st)))
		return rc;
	if (!(again = am_calloc(n + 1, sizeof(*again))))
		return nomem(st);
	for (i = 0; i < n; i++)
		if (e[i].state != AM_ENTRY_EXPIRED)
			again[nagain++] = i;
	/* The second pass sends the script whole where the server forgot
	 * it (SCRIPT FLUSH, a restart) between load and use. */
	for (pass = 0; pass < 2 && nagain; pass++) {
		size_t nq = nagain;

		for (k = 0; k < nq; k++)
			if ((rc = q_remove(st, &e[again[k]], lim, pass)))
				goto out;
		if ((rc = flush_raw(st)))
			goto out;
		nagain = 0;
		for (k = 0; k < nq; k++) {
			const redisReply *rep = r->rep[k];

			if (rep->type == REDIS_REPLY_INTEGER)
				e[again[k]].removed = rep->integer > 0;
			else if (rep->type == REDIS_REPLY_ERROR && !pass &&
			    !strncmp(rep->str, "NOSCRIPT", 8))
				again[nagain++] = again[k];
			else {
				rc = rep->type == REDIS_REPLY_ERROR ?
				    refused(st, "cannot remove: ", rep) :
				    unexpected(st, "EVALSHA");
				goto out;
			}
		}
		if (nagain)
			r->remove_sha[0] = '\0';
	}
out:
	am_free(again);
	return rc;
}

static const char extend_lua[] =
	"if redis.call('GET', KEYS[1]) == ARGV[1] then\n"
	"  return redis.call('PEXPIRE', KEYS[1], ARGV[2])\n"
	"end\n"
	"return 0\n";
static const char release_lua[] =
	"if redis.call('GET', KEYS[1]) == ARGV[1] then\n"
	"  return redis.call('DEL', KEYS[1])\n"
	"end\n"
	"return 0\n";

/*
 * SET NX PX takes the lock; extending and releasing compare the owner
 * and act in one script, so that a run never frees a lock another run
 * took after its own lease ran out.
 */
static int
redis_lock(struct am_store *st, enum am_lock_op op, const char *lname,
    const char *owner, long long ms, int *got)
{
	struct redis *r = st->priv;
	const redisReply *rep;
	char pre[128], num[24];
	int rc;

	if ((rc = usable(st)))
		return rc;
	snprintf(pre, sizeof(pre), "%slock:", st->ns);
	snprintf(num, sizeof(num), "%lld", ms);
	if (op == AM_LOCK_TAKE)
		rc = q_begin(st, 6) || q_str(st, "SET") ||
		    q_arg(st, pre, lname, strlen(lname)) || q_str(st, owner) ||
		    q_str(st, "NX") || q_str(st, "PX") || q_str(st, num);
	else
		rc = q_begin(st, op == AM_LOCK_EXTEND ? 6 : 5) ||
		    q_str(st, "EVAL") ||
		    q_str(st, op == AM_LOCK_EXTEND ? extend_lua : release_lua) ||
		    q_str(st, "1") || q_arg(st, pre, lname, strlen(lname)) ||
		    q_str(st, owner) ||
		    (op == AM_LOCK_EXTEND && q_str(st, num));
	if (rc)
		return st->err.code ? (int)st->err.code : nomem(st);
	if ((rc = flush_raw(st)))
		return rc;
	rep = r->rep[0];
	if (rep->type == REDIS_REPLY_ERROR)
		return refused(st, "cannot lock: ", rep);
	if (op == AM_LOCK_TAKE) {
		if ((*got = set_done(rep)) < 0)
			return unexpected(st, "SET");
		return AWSMASK_OK;
	}
	if (rep->type != REDIS_REPLY_INTEGER)
		return unexpected(st, "EVAL");
	*got = rep->integer > 0;
	return AWSMASK_OK;
}

static int
redis_check(struct am_store *st, const char *uri)
{
	struct target t;
	int rc = parse_uri(st, uri, &t);

	target_free(&t);
	return rc;
}

static int
redis_meta_init(struct am_store *st, const char *id)
{
	struct redis *r = st->priv;
	struct words a = { 0 }, b = { 0 }, c = { 0 };
	char now[24];
	const redisReply *rep;
	int rc;

	if ((rc = usable(st)))
		return rc;
	snprintf(now, sizeof(now), "%lld", am_store_now());
	word_str(&a, "id");
	word_str(&a, id);
	word_str(&b, "created");
	word_str(&b, now);
	word_str(&c, "id");
	if ((rc = queue(st, "HSETNX", "meta:store", "", 0, &a)) ||
	    (rc = queue(st, "HSETNX", "meta:store", "", 0, &b)) ||
	    (rc = queue(st, "HGET", "meta:store", "", 0, &c)) ||
	    (rc = flush(st)))
		return rc;
	rep = r->rep[2];
	if (rep->type != REDIS_REPLY_STRING)
		return unexpected(st, "HGET");
	am_free(st->id);
	if (!(st->id = am_strndup(rep->str, rep->len)))
		return nomem(st);
	return AWSMASK_OK;
}

/*
 * Lift each counter and its twin so that the next number is at least
 * min[i]: read both, then add what is missing.  Another process adding
 * meanwhile only makes a counter overshoot, which skips numbers.
 */
static int
redis_counters_raise(struct am_store *st, const char *const *prefix,
    const unsigned long long *min, size_t n)
{
	struct redis *r = st->priv;
	size_t i;
	int rc;

	if ((rc = usable(st)))
		return rc;
	for (i = 0; i < n; i++) {
		struct words a = { 0 };
		char field[80];

		snprintf(field, sizeof(field), "hwm:%s", prefix[i]);
		word_str(&a, field);
		if ((rc = q_get(st, "counter:", prefix[i], strlen(prefix[i]))) ||
		    (rc = queue(st, "HGET", "meta:store", "", 0, &a)))
			return rc;
	}
	if ((rc = flush(st)))
		return rc;
	{
		unsigned long long *have = am_calloc(2 * n, sizeof(*have));

		if (!have)
			return nomem(st);
		for (i = 0; i < 2 * n; i++) {
			const redisReply *rep = r->rep[i];

			if (rep->type == REDIS_REPLY_STRING)
				have[i] = strtoull(rep->str, NULL, 10);
			else if (rep->type != REDIS_REPLY_NIL) {
				am_free(have);
				return unexpected(st, "GET");
			}
		}
		for (i = 0; i < n && rc == AWSMASK_OK; i++) {
			unsigned long long want = min[i] ? min[i] - 1 : 0;

			if (have[2 * i] < want)
				rc = q_incrby(st, "INCRBY", "counter:", prefix[i],
				    NULL, want - have[2 * i]);
			if (!rc && have[2 * i + 1] < want)
				rc = q_twin(st, prefix[i], want - have[2 * i + 1]);
		}
		am_free(have);
	}
	return rc ? rc : flush(st);
}

/* GET the answer, then count the hit or the miss: two round trips. */
static int
redis_cache_get(struct am_store *st, const char *key, char **value,
    size_t *vlen)
{
	struct redis *r = st->priv;
	const redisReply *rep;
	int rc, hit;

	if ((rc = usable(st)) || (rc = q_get(st, "cache:", key, strlen(key))) ||
	    (rc = flush(st)))
		return rc;
	rep = r->rep[0];
	if (!is_str_or_nil(rep))
		return unexpected(st, "GET");
	hit = rep->type == REDIS_REPLY_STRING;
	if (hit) {
		if (!(*value = am_strndup(rep->str, rep->len)))
			return nomem(st);
		*vlen = rep->len;
	}
	if ((rc = queue(st, "INCR", "stats:cache:", hit ? "hits" : "misses",
	    hit ? 4 : 6, NULL)) || (rc = flush(st)))
		return rc;
	return AWSMASK_OK;
}

static int
redis_cache_put(struct am_store *st, const char *key, const char *value,
    size_t vlen, long long ttl)
{
	struct words a = { 0 };
	char secs[24];
	int rc;

	if ((rc = usable(st)))
		return rc;
	snprintf(secs, sizeof(secs), "%lld", ttl);
	word(&a, value, vlen);
	word_str(&a, "EX");
	word_str(&a, secs);
	if ((rc = queue(st, "SET", "cache:", key, strlen(key), &a)) ||
	    (rc = flush(st)))
		return rc;
	return AWSMASK_OK;
}

const struct am_store_ops am_store_redis_ops = {
	.scheme = "redis",
	.open = redis_open,
	.mask_many = redis_mask_many,
	.unmask_many = redis_unmask_many,
	.ping = redis_ping,
	.close = redis_close,
	.info = redis_info,
	.scan = redis_scan,
	.scan_end = redis_scan_end,
	.remove = redis_remove,
	.lock = redis_lock,
	.flush_stats = redis_flush_stats,
	.meta_init = redis_meta_init,
	.counters_raise = redis_counters_raise,
	.check = redis_check,
	.cache_get = redis_cache_get,
	.cache_put = redis_cache_put,
	.mask_begin = redis_mask_begin,
	.mask_end = redis_mask_end,
	.mask_next = redis_mask_next,
};
