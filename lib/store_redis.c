/*
 * store_redis.c - the Redis store, on Debian's hiredis 0.14.
 *
 * Keys (the original design's, under the namespace, "aws:" by default):
 *	<ns>mask:<original>	-> token	(TTL)
 *	<ns>unmask:<token>	-> original	(TTL)
 *	<ns>counter:<PREFIX>	-> last number	(never expires)
 *	<ns>stats:counts	hash: total_mappings and one field a kind
 *	<ns>stats:counts:YYYY-MM-DD	the same for one day: daily_mappings
 *
 * Allocation uses single-key atomic commands only, so that the same
 * protocol serves a Redis Cluster: reserve numbers with INCRBY, write
 * unmask:<token> (SET NX), then mask:<original> (SET NX).  Whoever loses
 * the race on mask: reads the winner's token and deletes its own unmask:
 * key; its number is skipped, never reused.  Every step is one pipeline
 * for the whole batch, so a batch costs a small constant number of round
 * trips, however many identifiers it holds.
 *
 * A token's unmask: key is only ever written with the original its
 * number was reserved for, so repairing a missing one can never make a
 * token mean someone else's identifier.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define BREAKER_COOLDOWN 30	/* seconds a failed Redis is skipped */
#define RETRIES 4		/* allocation rounds before giving up */

struct redis {
	redisContext *c;
	char *breaker;		/* breaker file, or NULL */
};

/* A command's words; binary-safe. */
struct cmd {
	int argc;
	const char *argv[6];
	size_t len[6];
};

static void
cmd_add(struct cmd *c, const char *p, size_t n)
{
	c->argv[c->argc] = p;
	c->len[c->argc] = n;
	c->argc++;
}

static void
cmd_addstr(struct cmd *c, const char *s)
{
	cmd_add(c, s, strlen(s));
}

static int
fail(struct am_store *st, const char *what)
{
	struct redis *r = st->priv;
	const char *why = r && r->c && r->c->err ? r->c->errstr : what;
	char buf[64];

	if (r && r->c && r->c->err == REDIS_ERR_IO && (errno == EAGAIN ||
	    errno == EWOULDBLOCK || errno == ETIMEDOUT)) {
		snprintf(buf, sizeof(buf), "timed out after %d ms",
		    st->timeout_ms);
		why = buf;
	}

	if (r && r->c && r->c->err && r->breaker) {
		int fd = open(r->breaker, O_WRONLY | O_CREAT | O_TRUNC |
		    O_CLOEXEC, 0600);

		if (fd >= 0) {
			futimens(fd, NULL);
			close(fd);
		}
	}
	return am_seterr(&st->err, AWSMASK_ESTORE, "redis store '%s': %s",
	    st->name ? st->name : "redis", why && *why ? why : "failed");
}

/*
 * Send every command, then read every reply into replies[].  On a
 * connection error nothing is returned; error replies are left for the
 * caller, which checks each one.
 */
static int
pipeline(struct am_store *st, struct cmd *cmds, size_t n,
    redisReply **replies)
{
	struct redis *r = st->priv;
	size_t i;

	for (i = 0; i < n; i++)
		replies[i] = NULL;
	for (i = 0; i < n; i++)
		if (redisAppendCommandArgv(r->c, cmds[i].argc, cmds[i].argv,
		    cmds[i].len) != REDIS_OK)
			return fail(st, "cannot send");
	for (i = 0; i < n; i++) {
		void *rep = NULL;

		if (redisGetReply(r->c, &rep) != REDIS_OK || !rep) {
			size_t j;

			for (j = 0; j < i; j++)
				freeReplyObject(replies[j]);
			return fail(st, "no reply");
		}
		replies[i] = rep;
	}
	return AWSMASK_OK;
}

static void
free_replies(redisReply **replies, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (replies[i])
			freeReplyObject(replies[i]);
}

/* The first error reply among replies, as the store's error. */
static int
check_replies(struct am_store *st, redisReply **replies, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (replies[i]->type == REDIS_REPLY_ERROR)
			return am_seterr(&st->err, AWSMASK_ESTORE,
			    "redis store '%s': %.200s", st->name,
			    replies[i]->str);
	return AWSMASK_OK;
}

/* Key <ns><kind>:<rest> into b. */
static int
key(struct am_buf *b, const struct am_store *st, const char *kind,
    const char *rest, size_t n)
{
	am_buf_reset(b);
	return am_buf_addstr(b, st->ns) | am_buf_addstr(b, kind) |
	    am_buf_add(b, rest, n);
}

struct parsed {
	char *host, *path, *user, *pass;
	int port, db;
};

static void
parsed_free(struct parsed *p)
{
	am_free(p->host);
	am_free(p->path);
	am_free(p->user);
	if (p->pass) {
		explicit_bzero(p->pass, strlen(p->pass));
		am_free(p->pass);
	}
}

static int
parse_int(const char *s, size_t n, int max, int *out)
{
	long v = 0;
	size_t i;

	if (!n)
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

/*
 * redis://[user[:pass]@]host[:port][/db] and unix:///path[?db=N].  Never
 * echoes the URI in a message: it may hold a password.
 */
static int
parse_uri(struct am_store *st, const char *uri, struct parsed *p)
{
	const char *s, *at, *hp, *he, *colon;

	memset(p, 0, sizeof(*p));
	p->port = 6379;
	p->db = st->cfg ? st->cfg->redis_db : 0;
	if (!strncasecmp(uri, "unix://", 7)) {
		const char *q = strchr(uri + 7, '?');

		p->path = q ? am_strndup(uri + 7, (size_t)(q - uri - 7)) :
		    am_strdup(uri + 7);
		if (q && (strncmp(q, "?db=", 4) ||
		    parse_int(q + 4, strlen(q + 4), 1000000, &p->db)))
			return am_seterr(&st->err, AWSMASK_ECONFIG,
			    "bad unix store URI: expected unix:///path[?db=N]");
		if (!p->path || !*p->path)
			return am_seterr(&st->err, AWSMASK_ECONFIG,
			    "bad unix store URI: no socket path");
		return AWSMASK_OK;
	}
	s = uri + strlen("redis://");
	if (strncasecmp(uri, "redis://", 8))
		return am_seterr(&st->err, AWSMASK_ECONFIG,
		    "bad redis store URI: expected redis://host[:port][/db]");
	he = s + strcspn(s, "/?");
	at = memrchr(s, '@', (size_t)(he - s));
	hp = s;
	if (at) {
		colon = memchr(s, ':', (size_t)(at - s));
		if (colon) {
			p->user = am_strndup(s, (size_t)(colon - s));
			p->pass = am_strndup(colon + 1, (size_t)(at - colon - 1));
		} else
			p->user = am_strndup(s, (size_t)(at - s));
		hp = at + 1;
	}
	if (*hp == '[') {
		const char *rb = memchr(hp, ']', (size_t)(he - hp));

		if (!rb)
			return am_seterr(&st->err, AWSMASK_ECONFIG,
			    "bad redis store URI: unclosed [");
		p->host = am_strndup(hp + 1, (size_t)(rb - hp - 1));
		colon = rb + 1 < he && rb[1] == ':' ? rb + 1 : NULL;
	} else {
		colon = memchr(hp, ':', (size_t)(he - hp));
		p->host = am_strndup(hp, (size_t)((colon ? colon : he) - hp));
	}
	if (colon && parse_int(colon + 1, (size_t)(he - colon - 1), 65535,
	    &p->port))
		return am_seterr(&st->err, AWSMASK_ECONFIG,
		    "bad port in redis store URI");
	if (*he == '/' && he[1] && parse_int(he + 1, strlen(he + 1), 1000000,
	    &p->db))
		return am_seterr(&st->err, AWSMASK_ECONFIG,
		    "bad database number in redis store URI");
	if (!p->host || !*p->host)
		return am_seterr(&st->err, AWSMASK_ECONFIG,
		    "bad redis store URI: no host");
	return AWSMASK_OK;
}

/* The breaker file for this store: <state_dir>/redis-down-<hash>. */
static char *
breaker_path(const struct am_store *st)
{
	struct am_buf b = AM_BUF_INIT;
	char *dir;

	if (!st->cfg)
		return NULL;
	dir = am_config_state_dir(st->cfg);
	if (!dir)
		return NULL;
	mkdir(dir, 0700);
	am_buf_addf(&b, "%s/redis-down-%016llx", dir, (unsigned long long)
	    am_hash(st->name, strlen(st->name)));
	am_free(dir);
	return am_buf_release(&b, NULL);
}

static int
redis_open(struct am_store *st, const char *uri)
{
	struct redis *r;
	struct parsed p;
	struct timeval tv;
	struct stat sb;
	redisReply *rep;
	int rc;

	r = am_calloc(1, sizeof(*r));
	if (!r)
		return am_seterr(&st->err, AWSMASK_ENOMEM, "out of memory");
	st->priv = r;
	if ((rc = parse_uri(st, uri, &p))) {
		parsed_free(&p);
		return rc;
	}
	r->breaker = breaker_path(st);
	if (r->breaker && stat(r->breaker, &sb) == 0 &&
	    time(NULL) - sb.st_mtime < BREAKER_COOLDOWN) {
		parsed_free(&p);
		return am_seterr(&st->err, AWSMASK_ESTORE, "redis store '%s': "
		    "failed %lld s ago, not retried for %d s (remove '%s' to "
		    "retry now)", st->name, (long long)(time(NULL) -
		    sb.st_mtime), BREAKER_COOLDOWN, r->breaker);
	}
	tv.tv_sec = st->timeout_ms / 1000;
	tv.tv_usec = (st->timeout_ms % 1000) * 1000;
	r->c = p.path ? redisConnectUnixWithTimeout(p.path, tv) :
	    redisConnectWithTimeout(p.host, p.port, tv);
	if (!r->c) {
		parsed_free(&p);
		return am_seterr(&st->err, AWSMASK_ENOMEM, "out of memory");
	}
	if (r->c->err) {
		parsed_free(&p);
		return fail(st, "cannot connect");
	}
	redisSetTimeout(r->c, tv);
	if (!p.pass && st->cfg && st->cfg->redis_password)
		p.pass = am_strdup(st->cfg->redis_password);
	if (!p.user && st->cfg && st->cfg->redis_user)
		p.user = am_strdup(st->cfg->redis_user);
	rc = AWSMASK_OK;
	if (p.pass && *p.pass) {
		rep = p.user && *p.user ?
		    redisCommand(r->c, "AUTH %s %s", p.user, p.pass) :
		    redisCommand(r->c, "AUTH %s", p.pass);
		if (!rep)
			rc = fail(st, "no reply to AUTH");
		else if (rep->type == REDIS_REPLY_ERROR)
			rc = am_seterr(&st->err, AWSMASK_ESTORE,
			    "redis store '%s': authentication failed: %.120s",
			    st->name, rep->str);
		if (rep)
			freeReplyObject(rep);
	}
	if (rc == AWSMASK_OK && p.db) {
		rep = redisCommand(r->c, "SELECT %d", p.db);
		if (!rep)
			rc = fail(st, "no reply to SELECT");
		else if (rep->type == REDIS_REPLY_ERROR)
			rc = am_seterr(&st->err, AWSMASK_ESTORE,
			    "redis store '%s': %.120s", st->name, rep->str);
		if (rep)
			freeReplyObject(rep);
	}
	parsed_free(&p);
	if (rc == AWSMASK_OK && r->breaker)
		unlink(r->breaker);
	return rc;
}

static int
redis_ping(struct am_store *st)
{
	struct redis *r = st->priv;
	redisReply *rep = redisCommand(r->c, "PING");
	int rc = AWSMASK_OK;

	if (!rep)
		return fail(st, "no reply to PING");
	if (rep->type == REDIS_REPLY_ERROR)
		rc = am_seterr(&st->err, AWSMASK_ESTORE, "redis store '%s': "
		    "%.120s", st->name, rep->str);
	freeReplyObject(rep);
	return rc;
}

/*
 * A batch's scratch: the commands, their replies, and the key strings
 * the commands point into (kept alive until the pipeline is read).
 */
struct batch {
	struct cmd *cmds;
	redisReply **replies;
	struct am_buf *keys;
	size_t n, cap;
};

static int
batch_init(struct batch *b, size_t cap)
{
	memset(b, 0, sizeof(*b));
	b->cmds = am_calloc(cap, sizeof(*b->cmds));
	b->replies = am_calloc(cap, sizeof(*b->replies));
	b->keys = am_calloc(cap * 2, sizeof(*b->keys));
	b->cap = cap;
	return b->cmds && b->replies && b->keys ? 0 : -1;
}

static void
batch_reset(struct batch *b)
{
	free_replies(b->replies, b->n);
	memset(b->replies, 0, b->cap * sizeof(*b->replies));
	b->n = 0;
}

static void
batch_free(struct batch *b)
{
	size_t i;

	if (b->replies)
		batch_reset(b);
	if (b->keys)
		for (i = 0; i < b->cap * 2; i++)
			am_buf_free(&b->keys[i]);
	am_free(b->cmds);
	am_free(b->replies);
	am_free(b->keys);
}

/* Append a command; returns it, with the key buffer k (for its key). */
static struct cmd *
batch_cmd(struct batch *b, struct am_buf **k)
{
	struct cmd *c = &b->cmds[b->n];

	c->argc = 0;
	*k = &b->keys[b->n * 2];
	b->n++;
	return c;
}

static void
ttl_str(const struct am_store *st, char *buf, size_t n)
{
	snprintf(buf, n, "%lld", st->ttl > 0 ? st->ttl : 604800LL);
}

static int
set_value(struct am_store_item *it, const char *p, size_t n)
{
	it->value = am_strndup(p, n);
	it->value_len = n;
	return it->value ? 0 : -1;
}

static int
redis_mask_many(struct am_store *st, struct am_store_item *it, size_t n)
{
	struct batch b;
	char ttl[32], today[32];
	size_t i, j, *todo = NULL, ntodo, *mine = NULL;
	unsigned long long *tok = NULL;
	int rc = AWSMASK_OK, round;
	time_t now = time(NULL);
	struct tm tm;

	if (!n)
		return AWSMASK_OK;
	ttl_str(st, ttl, sizeof(ttl));
	gmtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	todo = am_calloc(n, sizeof(*todo));
	mine = am_calloc(n, sizeof(*mine));
	tok = am_calloc(n, sizeof(*tok));
	/* Per item at most two commands a step; statistics four a kind. */
	if (!todo || !mine || !tok || batch_init(&b, 4 * n + 16) < 0) {
		am_free(todo);
		am_free(mine);
		am_free(tok);
		return am_seterr(&st->err, AWSMASK_ENOMEM, "out of memory");
	}
	for (i = 0; i < n; i++)
		todo[i] = i;
	ntodo = n;
	for (round = 0; ntodo && round < RETRIES && rc == AWSMASK_OK; round++) {
		size_t nmiss = 0, k;

		/* 1. Who is mapped already? */
		batch_reset(&b);
		for (i = 0; i < ntodo; i++) {
			struct am_buf *kb;
			struct cmd *c = batch_cmd(&b, &kb);

			key(kb, st, "mask:", it[todo[i]].key, it[todo[i]].key_len);
			cmd_addstr(c, "GET");
			cmd_add(c, kb->buf, kb->len);
		}
		if ((rc = pipeline(st, b.cmds, b.n, b.replies)) ||
		    (rc = check_replies(st, b.replies, b.n)))
			break;
		for (i = 0; i < ntodo; i++) {
			redisReply *rep = b.replies[i];

			if (rep->type == REDIS_REPLY_STRING) {
				if (set_value(&it[todo[i]], rep->str, rep->len)) {
					rc = am_seterr(&st->err, AWSMASK_ENOMEM,
					    "out of memory");
					break;
				}
			} else
				todo[nmiss++] = todo[i];
		}
		if (rc)
			break;
		/* 2. Refresh the hits, both ways; reserve numbers for misses. */
		batch_reset(&b);
		for (i = 0; i < n; i++) {
			struct am_buf *kb;
			struct cmd *c;

			if (!it[i].value || mine[i] == 1)
				continue;
			mine[i] = 1;	/* refreshed */
			c = batch_cmd(&b, &kb);
			key(kb, st, "unmask:", it[i].value, it[i].value_len);
			cmd_addstr(c, "SET");
			cmd_add(c, kb->buf, kb->len);
			cmd_add(c, it[i].key, it[i].key_len);
			cmd_addstr(c, "EX");
			cmd_addstr(c, ttl);
			c = batch_cmd(&b, &kb);
			key(kb, st, "mask:", it[i].key, it[i].key_len);
			cmd_addstr(c, "EXPIRE");
			cmd_add(c, kb->buf, kb->len);
			cmd_addstr(c, ttl);
		}
		/*
		 * One INCRBY a prefix reserves all its numbers: the misses of
		 * prefix P get last-count+1 .. last, in batch order.
		 */
		k = b.n;
		for (i = 0; i < nmiss; i++)
			tok[todo[i]] = 0;
		for (i = 0; i < nmiss; i++) {
			struct am_buf *kb;
			struct cmd *c;
			size_t cnt = 0;

			if (tok[todo[i]])
				continue;	/* counted with an earlier one */
			for (j = i; j < nmiss; j++)
				if (!strcmp(it[todo[j]].prefix, it[todo[i]].prefix)) {
					tok[todo[j]] = ++cnt;	/* rank for now */
					mine[todo[j]] = (size_t)(b.n - k) + 16;
				}
			c = batch_cmd(&b, &kb);
			key(kb, st, "counter:", it[todo[i]].prefix,
			    strlen(it[todo[i]].prefix));
			am_buf_reset(kb + 1);
			am_buf_addf(kb + 1, "%zu", cnt);
			cmd_addstr(c, "INCRBY");
			cmd_add(c, kb->buf, kb->len);
			cmd_add(c, kb[1].buf, kb[1].len);
		}
		if ((rc = pipeline(st, b.cmds, b.n, b.replies)) ||
		    (rc = check_replies(st, b.replies, b.n)))
			break;
		for (i = 0; i < nmiss; i++) {
			size_t g = mine[todo[i]] - 16;	/* its INCRBY */
			unsigned long long last =
			    (unsigned long long)b.replies[k + g]->integer;
			unsigned long long cnt = strtoull(b.keys[(k + g) * 2 + 1].buf,
			    NULL, 10);

			tok[todo[i]] = last - cnt + tok[todo[i]];
			mine[todo[i]] = 0;
		}
		if (!nmiss)
			break;
		/* 3. Claim: unmask: first, then mask:, each only if new. */
		batch_reset(&b);
		for (i = 0; i < nmiss; i++) {
			struct am_store_item *m = &it[todo[i]];
			struct am_buf *kb;
			struct cmd *c;
			char t[64];
			int tl = am_token_format(t, sizeof(t), m->prefix,
			    tok[todo[i]]);

			if (tl < 0) {
				rc = am_seterr(&st->err, AWSMASK_EINVAL,
				    "token too long");
				break;
			}
			if (set_value(m, t, (size_t)tl)) {
				rc = am_seterr(&st->err, AWSMASK_ENOMEM,
				    "out of memory");
				break;
			}
			c = batch_cmd(&b, &kb);
			key(kb, st, "unmask:", m->value, m->value_len);
			cmd_addstr(c, "SET");
			cmd_add(c, kb->buf, kb->len);
			cmd_add(c, m->key, m->key_len);
			cmd_addstr(c, "NX");
			cmd_addstr(c, "EX");
			cmd_addstr(c, ttl);
			c = batch_cmd(&b, &kb);
			key(kb, st, "mask:", m->key, m->key_len);
			cmd_addstr(c, "SET");
			cmd_add(c, kb->buf, kb->len);
			cmd_add(c, m->value, m->value_len);
			cmd_addstr(c, "NX");
			cmd_addstr(c, "EX");
			cmd_addstr(c, ttl);
		}
		if (rc || (rc = pipeline(st, b.cmds, b.n, b.replies)) ||
		    (rc = check_replies(st, b.replies, b.n)))
			break;
		/*
		 * 4. The losers of the race on mask: drop their unmask: key and
		 * go round again to read the winner's token; the winners count.
		 */
		ntodo = 0;
		for (i = 0; i < nmiss; i++)
			if (b.replies[2 * i + 1]->type == REDIS_REPLY_NIL)
				todo[ntodo++] = todo[i];
			else
				mine[todo[i]] = 2;	/* created here */
		batch_reset(&b);
		for (i = 0; i < ntodo; i++) {
			struct am_store_item *m = &it[todo[i]];
			struct am_buf *kb;
			struct cmd *c = batch_cmd(&b, &kb);

			key(kb, st, "unmask:", m->value, m->value_len);
			cmd_addstr(c, "DEL");
			cmd_add(c, kb->buf, kb->len);
			am_free(m->value);
			m->value = NULL;
		}
		/*
		 * Statistics for the mappings created: per kind and in total,
		 * all time and today.  A command's number lives in its second
		 * key buffer, alive until the pipeline is read.
		 */
		for (i = 0; i < n; i++) {
			static const char *const hash[2] = { "stats:counts",
			    "stats:counts:" };
			unsigned long long cnt = 0;
			const char *kind = it[i].kind ? it[i].kind : "unknown";

			if (mine[i] != 2)
				continue;
			for (j = i; j < n; j++)
				if (mine[j] == 2 && !strcmp(kind, it[j].kind ?
				    it[j].kind : "unknown")) {
					mine[j] = 3;
					cnt++;
				}
			for (j = 0; j < 4; j++) {
				struct am_buf *kb;
				struct cmd *c = batch_cmd(&b, &kb);

				key(kb, st, hash[j & 1], j & 1 ? today : "",
				    j & 1 ? strlen(today) : 0);
				am_buf_reset(kb + 1);
				am_buf_addf(kb + 1, "%llu", cnt);
				cmd_addstr(c, "HINCRBY");
				cmd_add(c, kb->buf, kb->len);
				cmd_addstr(c, j < 2 ? kind : j == 2 ?
				    "total_mappings" : "daily_mappings");
				cmd_add(c, kb[1].buf, kb[1].len);
			}
		}
		if (b.n && ((rc = pipeline(st, b.cmds, b.n, b.replies)) ||
		    (rc = check_replies(st, b.replies, b.n))))
			break;
	}
	if (rc == AWSMASK_OK && ntodo)
		rc = am_seterr(&st->err, AWSMASK_ESTORE, "redis store '%s': "
		    "could not settle %zu mappings under contention", st->name,
		    ntodo);
	if (rc)
		am_store_items_release(it, n);
	batch_free(&b);
	am_free(todo);
	am_free(mine);
	am_free(tok);
	return rc;
}

static int
redis_unmask_many(struct am_store *st, struct am_store_item *it, size_t n)
{
	struct batch b;
	char ttl[32];
	size_t i;
	int rc;

	if (!n)
		return AWSMASK_OK;
	ttl_str(st, ttl, sizeof(ttl));
	if (batch_init(&b, 2 * n + 2) < 0) {
		batch_free(&b);
		return am_seterr(&st->err, AWSMASK_ENOMEM, "out of memory");
	}
	for (i = 0; i < n; i++) {
		struct am_buf *kb;
		struct cmd *c = batch_cmd(&b, &kb);

		key(kb, st, "unmask:", it[i].key, it[i].key_len);
		cmd_addstr(c, "GET");
		cmd_add(c, kb->buf, kb->len);
	}
	if ((rc = pipeline(st, b.cmds, b.n, b.replies)) ||
	    (rc = check_replies(st, b.replies, b.n)))
		goto out;
	for (i = 0; i < n; i++) {
		redisReply *rep = b.replies[i];

		if (rep->type == REDIS_REPLY_STRING &&
		    set_value(&it[i], rep->str, rep->len)) {
			rc = am_seterr(&st->err, AWSMASK_ENOMEM, "out of memory");
			goto out;
		}
	}
	/* Refresh both directions; put back a mask: key that expired. */
	batch_reset(&b);
	for (i = 0; i < n; i++) {
		struct am_buf *kb;
		struct cmd *c;

		if (!it[i].value)
			continue;
		c = batch_cmd(&b, &kb);
		key(kb, st, "unmask:", it[i].key, it[i].key_len);
		cmd_addstr(c, "EXPIRE");
		cmd_add(c, kb->buf, kb->len);
		cmd_addstr(c, ttl);
		c = batch_cmd(&b, &kb);
		key(kb, st, "mask:", it[i].value, it[i].value_len);
		cmd_addstr(c, "SET");
		cmd_add(c, kb->buf, kb->len);
		cmd_add(c, it[i].key, it[i].key_len);
		cmd_addstr(c, "NX");
		cmd_addstr(c, "EX");
		cmd_addstr(c, ttl);
	}
	if (b.n)
		rc = pipeline(st, b.cmds, b.n, b.replies);
	if (rc == AWSMASK_OK)
		rc = check_replies(st, b.replies, b.n);
out:
	if (rc)
		am_store_items_release(it, n);
	batch_free(&b);
	return rc;
}

static void
redis_close(struct am_store *st)
{
	struct redis *r = st->priv;

	if (!r)
		return;
	if (r->c)
		redisFree(r->c);
	am_free(r->breaker);
	am_free(r);
	st->priv = NULL;
}

const struct am_store_ops am_store_redis_ops = {
	"redis",
	redis_open,
	redis_mask_many,
	redis_unmask_many,
	redis_ping,
	redis_close,
};
