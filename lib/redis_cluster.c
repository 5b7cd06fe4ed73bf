/*
 * redis_cluster.c - the transport of the Redis Cluster store, on
 * Debian's hiredis 0.14 (blocking contexts, one a node).
 *
 * store_redis.c queues its commands in RESP, as for one server, and
 * hands the whole batch here.  Each command goes to the master of its
 * key's slot (CRC16 mod 16384, hash tags as the specification says,
 * cluster.c); the commands of each node are written as one pipeline,
 * every node's before any is read, so a batch costs one round trip
 * however many nodes it touches; replies are put back in the order the
 * commands were queued.  Then:
 *
 *  - MOVED: the slot has a new master (resharding done, failover).  The
 *    map learns it at once, is read again (CLUSTER SLOTS) before the
 *    next pass, and the command goes again: it did not run.
 *  - ASK: the slot is migrating and the key is on the importing node.
 *    The command goes there, after ASKING, and the map stays.
 *  - TRYAGAIN, CLUSTERDOWN: a multi-key command caught in a migration,
 *    or slots without a master (a failover in progress).  Wait (10 ms,
 *    doubling to 200 ms) and send again, for up to failover_ms.
 *  - A node that cannot be reached or drops the connection: AM_RC_LOST,
 *    after every other node's replies were read (connections stay in
 *    step).  Its commands may have run or not, so none is sent again
 *    here: the caller starts its operation over (store_redis.c does for
 *    masking and unmasking, whose steps are safe to repeat) after
 *    am_rc_recover() has waited for the failover.
 *
 * Only the commands that were redirected are sent again, in their
 * original order, so two commands on one key keep their order.  Commands
 * on different nodes have no order between them; the allocation
 * protocol (store_redis.c) never needs one within a pipeline.
 *
 * Durability (am_rc_wait): every master that took a write of a mapping
 * since the last wait gets WAIT 1 <ms>, in one round trip, when the map
 * lists a replica for it.
 */
#include "internal.h"

#include <errno.h>
#include <hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "redis_cluster.h"

#define RECOVER_STEP_MS 100	/* between readings of the map */
#define BACKOFF_MIN_MS 10
#define BACKOFF_MAX_MS 200
#define SYNC_PX "60000"		/* life of the meta:sync: keys */

struct rc_node {
	char *host;
	int port;
	char name[280];		/* host:port, for messages */
	redisContext *c;	/* NULL: not connected */
	int master;		/* serves slots in the map */
	int replicas;		/* live replicas the map lists */
	int wrote;		/* durable writes since the last wait */
	int touched;		/* read what another client may have written */
	/* This pass of a flush. */
	struct am_buf out;
	size_t *cmd;
	size_t ncmd, capcmd;
	int used, lost;
};

struct am_rc {
	struct rc_node *node;
	size_t nnode, capnode;
	int slot[AM_CLUSTER_SLOTS];	/* node of each slot, -1: none */
	char *user, *pass;
	int timeout_ms, failover_ms;
	int stale;		/* read the map again before the next pass */
	char why[400];
	redisReply *refusal;
	unsigned long long round_trips;
	/* A flush's scratch, per command. */
	int *ask;		/* the node an ASK named, or -1 */
	int *slotof;		/* the command's slot, or -1 */
	char *done;
	size_t cap;
};

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_ms(long long ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void say(struct am_rc *cl, const char *fmt, ...) AM_PRINTF(2, 3);

static void
say(struct am_rc *cl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cl->why, sizeof(cl->why), fmt, ap);
	va_end(ap);
}

/* hiredis's reason for a failed context, in our words. */
static void
say_conn(struct am_rc *cl, const struct rc_node *nd, const redisContext *c)
{
	const char *why = c && c->err && c->errstr[0] ? c->errstr :
	    "connection lost";
	char buf[160];

	if (!strcmp(why, strerror(EAGAIN)) || !strcmp(why, strerror(ETIMEDOUT)) ||
	    !strcmp(why, strerror(EINPROGRESS)))
		snprintf(buf, sizeof(buf), "timed out after %d ms",
		    cl->timeout_ms);
	else {
		snprintf(buf, sizeof(buf), "%s", why);
		if (buf[0] >= 'A' && buf[0] <= 'Z' && buf[1] >= 'a' &&
		    buf[1] <= 'z')
			buf[0] = (char)(buf[0] - 'A' + 'a');
	}
	say(cl, "%s: %s", nd->name, buf);
}

/* The node at host:port, added when new: its number, or -1 on ENOMEM. */
static int
node_add(struct am_rc *cl, const char *host, int port)
{
	struct rc_node *nd;
	size_t i;

	for (i = 0; i < cl->nnode; i++)
		if (cl->node[i].port == port && !strcasecmp(cl->node[i].host, host))
			return (int)i;
	if (cl->nnode == cl->capnode) {
		size_t cap = cl->capnode ? 2 * cl->capnode : 8;

		if (!(nd = am_realloc(cl->node, cap * sizeof(*nd))))
			return -1;
		cl->node = nd;
		cl->capnode = cap;
	}
	nd = &cl->node[cl->nnode];
	memset(nd, 0, sizeof(*nd));
	if (!(nd->host = am_strdup(host)))
		return -1;
	nd->port = port;
	snprintf(nd->name, sizeof(nd->name), strchr(host, ':') ? "[%s]:%d" :
	    "%s:%d", host, port);
	return (int)cl->nnode++;
}

static void
node_drop(struct rc_node *nd)
{
	if (nd->c)
		redisFree(nd->c);
	nd->c = NULL;
}

static void
set_timeout(redisContext *c, int ms)
{
	struct timeval tv;

	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	redisSetTimeout(c, tv);
}

/* Connect to node i and authenticate.  AM_RC_OK, _LOST, _REFUSED, _NOMEM. */
static int
node_connect(struct am_rc *cl, int i)
{
	struct rc_node *nd = &cl->node[i];
	struct timeval tv;
	redisContext *c;

	if (nd->c)
		return AM_RC_OK;
	tv.tv_sec = cl->timeout_ms / 1000;
	tv.tv_usec = (cl->timeout_ms % 1000) * 1000;
	if (!(c = redisConnectWithTimeout(nd->host, nd->port, tv)))
		return AM_RC_NOMEM;
	if (c->err || redisSetTimeout(c, tv) != REDIS_OK) {
		say_conn(cl, nd, c);
		redisFree(c);
		return AM_RC_LOST;
	}
	if ((cl->user && *cl->user) || (cl->pass && *cl->pass)) {
		const char *argv[3];
		size_t len[3];
		int argc = 0;
		redisReply *rep;

		argv[argc++] = "AUTH";
		if (cl->user && *cl->user)
			argv[argc++] = cl->user;
		argv[argc++] = cl->pass ? cl->pass : "";
		for (int k = 0; k < argc; k++)
			len[k] = strlen(argv[k]);
		rep = redisCommandArgv(c, argc, argv, len);
		if (!rep) {
			say_conn(cl, nd, c);
			redisFree(c);
			return AM_RC_LOST;
		}
		if (rep->type == REDIS_REPLY_ERROR) {
			if (cl->refusal)
				freeReplyObject(cl->refusal);
			cl->refusal = rep;
			say(cl, "%s: authentication failed", nd->name);
			redisFree(c);
			return AM_RC_REFUSED;
		}
		freeReplyObject(rep);
	}
	nd->c = c;
	return AM_RC_OK;
}

int
am_rc_parse_slots(const redisReply *rep, struct am_rc_range **out, size_t *n)
{
	struct am_rc_range *r;
	size_t i, j, k = 0;

	*out = NULL;
	*n = 0;
	if (rep->type != REDIS_REPLY_ARRAY)
		return -2;
	if (!(r = am_calloc(rep->elements + 1, sizeof(*r))))
		return -1;
	for (i = 0; i < rep->elements; i++) {
		const redisReply *e = rep->element[i], *m;

		if (e->type != REDIS_REPLY_ARRAY || e->elements < 3 ||
		    e->element[0]->type != REDIS_REPLY_INTEGER ||
		    e->element[1]->type != REDIS_REPLY_INTEGER)
			goto bad;
		m = e->element[2];
		if (e->element[0]->integer < 0 ||
		    e->element[1]->integer < e->element[0]->integer ||
		    e->element[1]->integer >= AM_CLUSTER_SLOTS ||
		    m->type != REDIS_REPLY_ARRAY || m->elements < 2 ||
		    m->element[0]->type != REDIS_REPLY_STRING ||
		    m->element[1]->type != REDIS_REPLY_INTEGER ||
		    m->element[1]->integer <= 0 || m->element[1]->integer > 65535)
			goto bad;
		r[k].start = (unsigned)e->element[0]->integer;
		r[k].end = (unsigned)e->element[1]->integer;
		r[k].port = (int)m->element[1]->integer;
		/* "" or "?": the node does not know its address. */
		if (m->element[0]->len && strcmp(m->element[0]->str, "?") &&
		    !(r[k].host = am_strndup(m->element[0]->str,
		    m->element[0]->len))) {
			am_rc_ranges_free(r, k + 1);
			return -1;
		}
		for (j = 3; j < e->elements; j++)
			r[k].replicas += e->element[j]->type == REDIS_REPLY_ARRAY;
		k++;
	}
	*out = r;
	*n = k;
	return 0;
bad:
	am_rc_ranges_free(r, k);
	return -2;
}

void
am_rc_ranges_free(struct am_rc_range *r, size_t n)
{
	size_t i;

	for (i = 0; r && i < n; i++)
		am_free(r[i].host);
	am_free(r);
}

/* Make the map the ranges describe; asked: the host of the node asked. */
static int
install(struct am_rc *cl, const struct am_rc_range *r, size_t n,
    const char *asked)
{
	size_t i;
	unsigned s;
	char *host;

	/* node_add() may move cl->node: keep the name. */
	if (!(host = am_strdup(asked)))
		return AM_RC_NOMEM;
	for (i = 0; i < cl->nnode; i++)
		cl->node[i].master = cl->node[i].replicas = 0;
	for (s = 0; s < AM_CLUSTER_SLOTS; s++)
		cl->slot[s] = -1;
	for (i = 0; i < n; i++) {
		int k = node_add(cl, r[i].host ? r[i].host : host, r[i].port);

		if (k < 0) {
			am_free(host);
			return AM_RC_NOMEM;
		}
		cl->node[k].master = 1;
		if (cl->node[k].replicas < r[i].replicas)
			cl->node[k].replicas = r[i].replicas;
		for (s = r[i].start; s <= r[i].end; s++)
			cl->slot[s] = k;
	}
	am_free(host);
	return AM_RC_OK;
}

/*
 * Read the map from the first node that gives it: the masters first,
 * then every other node known (the seeds among them).
 */
static int
refresh(struct am_rc *cl)
{
	size_t i, n = cl->nnode, k = 0, *order;
	int rc, answered = 0;

	if (!(order = am_calloc(n + 1, sizeof(*order))))
		return AM_RC_NOMEM;
	for (i = 0; i < n; i++)
		if (cl->node[i].master)
			order[k++] = i;
	for (i = 0; i < n; i++)
		if (!cl->node[i].master)
			order[k++] = i;
	rc = AM_RC_LOST;
	for (i = 0; i < n; i++) {
		int at = (int)order[i];
		struct am_rc_range *r;
		redisReply *rep;
		size_t nr;
		int p;

		if ((rc = node_connect(cl, at)) == AM_RC_LOST)
			continue;
		if (rc)
			break;
		rep = redisCommand(cl->node[at].c, "CLUSTER SLOTS");
		if (!rep) {
			say_conn(cl, &cl->node[at], cl->node[at].c);
			node_drop(&cl->node[at]);
			rc = AM_RC_LOST;
			continue;
		}
		answered = 1;
		if (rep->type == REDIS_REPLY_ERROR) {
			if (strstr(rep->str, "cluster support disabled")) {
				say(cl, "%s is not a cluster node (a single "
				    "server is redis://)", cl->node[at].name);
				rc = AM_RC_PROTO;
			} else if (!strncmp(rep->str, "NOAUTH", 6) ||
			    !strncmp(rep->str, "NOPERM", 6) ||
			    !strncmp(rep->str, "WRONGPASS", 9)) {
				if (cl->refusal)
					freeReplyObject(cl->refusal);
				cl->refusal = rep;
				say(cl, "%s refused CLUSTER SLOTS",
				    cl->node[at].name);
				rc = AM_RC_REFUSED;
				break;
			} else {
				say(cl, "%s: cannot read the slot map (%.60s)",
				    cl->node[at].name, rep->str);
				rc = AM_RC_LOST;
			}
			freeReplyObject(rep);
			if (rc == AM_RC_PROTO)
				break;
			continue;
		}
		p = am_rc_parse_slots(rep, &r, &nr);
		freeReplyObject(rep);
		if (p == -1) {
			rc = AM_RC_NOMEM;
			break;
		}
		if (p == -2) {
			say(cl, "%s: unexpected reply to CLUSTER SLOTS",
			    cl->node[at].name);
			rc = AM_RC_PROTO;
			break;
		}
		if (!nr) {
			am_rc_ranges_free(r, nr);
			say(cl, "%s serves no slot (the cluster is not set up)",
			    cl->node[at].name);
			rc = AM_RC_DOWN;
			continue;
		}
		rc = install(cl, r, nr, cl->node[at].host);
		am_rc_ranges_free(r, nr);
		if (rc == AM_RC_OK)
			cl->stale = 0;
		break;
	}
	am_free(order);
	if (rc == AM_RC_LOST && !answered && n)
		say(cl, "no node of the cluster answers (%s)", cl->why);
	return rc;
}

int
am_rc_new(struct am_rc **out, const struct am_rc_opts *o)
{
	struct am_rc *cl;
	size_t i;

	*out = NULL;
	if (!(cl = am_calloc(1, sizeof(*cl))))
		return AM_RC_NOMEM;
	*out = cl;
	for (i = 0; i < AM_CLUSTER_SLOTS; i++)
		cl->slot[i] = -1;
	cl->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 2000;
	cl->failover_ms = o->failover_ms >= 0 ? o->failover_ms : 10000;
	if ((o->user && !(cl->user = am_strdup(o->user))) ||
	    (o->pass && !(cl->pass = am_strdup(o->pass))))
		return AM_RC_NOMEM;
	for (i = 0; i < o->nseeds; i++)
		if (node_add(cl, o->hosts[i], o->ports[i]) < 0)
			return AM_RC_NOMEM;
	cl->stale = 1;
	return AM_RC_OK;
}

void
am_rc_free(struct am_rc *cl)
{
	size_t i;

	if (!cl)
		return;
	for (i = 0; i < cl->nnode; i++) {
		node_drop(&cl->node[i]);
		am_free(cl->node[i].host);
		am_buf_free(&cl->node[i].out);
		am_free(cl->node[i].cmd);
	}
	am_free(cl->node);
	am_free(cl->user);
	if (cl->pass) {
		explicit_bzero(cl->pass, strlen(cl->pass));
		am_free(cl->pass);
	}
	if (cl->refusal)
		freeReplyObject(cl->refusal);
	am_free(cl->ask);
	am_free(cl->slotof);
	am_free(cl->done);
	am_free(cl);
}

/* PING a node on a connection made just now: a node stopped still
 * accepts connections, it only never answers. */
static int
node_ping(struct am_rc *cl, int i)
{
	redisReply *rep = redisCommand(cl->node[i].c, "PING");

	if (!rep) {
		say_conn(cl, &cl->node[i], cl->node[i].c);
		node_drop(&cl->node[i]);
		return AM_RC_LOST;
	}
	if (rep->type == REDIS_REPLY_ERROR) {
		say(cl, "%s: %.80s", cl->node[i].name, rep->str);
		freeReplyObject(rep);
		node_drop(&cl->node[i]);
		return AM_RC_LOST;
	}
	freeReplyObject(rep);
	return AM_RC_OK;
}

int
am_rc_recover(struct am_rc *cl)
{
	long long deadline = now_ms() + cl->failover_ms;
	size_t i;
	int rc;

	for (;;) {
		rc = refresh(cl);
		if (rc == AM_RC_OK) {
			for (i = 0; i < AM_CLUSTER_SLOTS && cl->slot[i] >= 0; i++)
				;
			if (i < AM_CLUSTER_SLOTS) {
				say(cl, "slot %zu has no master", i);
				rc = AM_RC_DOWN;
			}
			for (i = 0; rc == AM_RC_OK && i < cl->nnode; i++) {
				int fresh = !cl->node[i].c;

				if (!cl->node[i].master)
					continue;
				if ((rc = node_connect(cl, (int)i)) == AM_RC_OK &&
				    fresh)
					rc = node_ping(cl, (int)i);
			}
			if (rc == AM_RC_OK)
				return AM_RC_OK;
		}
		if (rc == AM_RC_NOMEM || rc == AM_RC_REFUSED ||
		    rc == AM_RC_PROTO)
			return rc;
		/* Nothing answers at all: no failover to wait for. */
		if (!strncmp(cl->why, "no node of the cluster", 22))
			return rc;
		if (now_ms() >= deadline) {
			size_t len = strlen(cl->why);

			snprintf(cl->why + len, sizeof(cl->why) - len,
			    "; no failover within %d ms", cl->failover_ms);
			cl->stale = 1;
			return rc;
		}
		sleep_ms(RECOVER_STEP_MS);
	}
}

static int
scratch(struct am_rc *cl, size_t n)
{
	int *a, *s;
	char *d;

	if (n <= cl->cap)
		return 0;
	if (!(a = am_realloc(cl->ask, n * sizeof(*a))))
		return -1;
	cl->ask = a;
	if (!(s = am_realloc(cl->slotof, n * sizeof(*s))))
		return -1;
	cl->slotof = s;
	if (!(d = am_realloc(cl->done, n)))
		return -1;
	cl->done = d;
	cl->cap = n;
	return 0;
}

static int
node_push(struct rc_node *nd, size_t i)
{
	if (nd->ncmd == nd->capcmd) {
		size_t cap = nd->capcmd ? 2 * nd->capcmd : 64;
		size_t *p = am_realloc(nd->cmd, cap * sizeof(*p));

		if (!p)
			return -1;
		nd->cmd = p;
		nd->capcmd = cap;
	}
	nd->cmd[nd->ncmd++] = i;
	return 0;
}

/* A master to send a command without a key to: a connected one first. */
static int
any_master(const struct am_rc *cl)
{
	size_t i;
	int first = -1;

	for (i = 0; i < cl->nnode; i++)
		if (cl->node[i].master) {
			if (cl->node[i].c)
				return (int)i;
			if (first < 0)
				first = (int)i;
		}
	return first;
}

/* Write a node's pipeline whole.  0, or -1 when the connection failed. */
static int
node_write(struct rc_node *nd)
{
	int done = 0;

	if (redisAppendFormattedCommand(nd->c, nd->out.buf, nd->out.len) !=
	    REDIS_OK)
		return -1;
	do {
		if (redisBufferWrite(nd->c, &done) != REDIS_OK)
			return -1;
	} while (!done);
	return 0;
}

static const char asking[] = "*1\r\n$6\r\nASKING\r\n";

/* A pass given up half-way: replies may be left unread on the nodes it
 * wrote to, whose connections are out of step for good. */
static int
abandon(struct am_rc *cl, int rc)
{
	size_t j;

	for (j = 0; j < cl->nnode; j++)
		if (cl->node[j].used)
			node_drop(&cl->node[j]);
	cl->stale = 1;
	return rc;
}

int
am_rc_flush(struct am_rc *cl, const char *buf, const struct am_rc_cmd *cmd,
    size_t n, redisReply **rep)
{
	size_t i, j, left = n;
	long long wait_from = 0, backoff = 0;
	int passes = 0, rc;

	if (scratch(cl, n))
		return AM_RC_NOMEM;
	for (i = 0; i < n; i++) {
		const char *key;
		size_t klen;
		int k;

		rep[i] = NULL;
		cl->done[i] = 0;
		cl->ask[i] = -1;
		cl->slotof[i] = -1;
		if (cmd[i].node >= 0)
			continue;
		if ((k = am_cluster_cmd_key(buf + cmd[i].off, cmd[i].len, &key,
		    &klen)) < 0) {
			say(cl, "a command the client cannot route");
			return AM_RC_PROTO;
		}
		if (k)
			cl->slotof[i] = (int)am_cluster_slot(key, klen);
	}
	if (cl->stale && (rc = refresh(cl)))
		return rc;
	while (left) {
		int lost = 0, again = 0, moved = 0;

		if (++passes > AM_RC_PASSES) {
			say(cl, "still redirected after %d passes (a resharding "
			    "in progress?)", AM_RC_PASSES);
			return AM_RC_DOWN;
		}
		for (j = 0; j < cl->nnode; j++) {
			cl->node[j].ncmd = 0;
			cl->node[j].used = cl->node[j].lost = 0;
			am_buf_reset(&cl->node[j].out);
		}
		/* Each command to its node. */
		for (i = 0; i < n; i++) {
			struct rc_node *nd;
			int t;

			if (cl->done[i])
				continue;
			t = cl->ask[i] >= 0 ? cl->ask[i] : cmd[i].node >= 0 ?
			    cmd[i].node : cl->slotof[i] >= 0 ?
			    cl->slot[cl->slotof[i]] : any_master(cl);
			if (t < 0 || (size_t)t >= cl->nnode) {
				say(cl, "slot %d has no master",
				    cl->slotof[i]);
				again = 1;
				continue;
			}
			nd = &cl->node[t];
			nd->used = 1;
			if ((cl->ask[i] >= 0 && am_buf_add(&nd->out, asking,
			    sizeof(asking) - 1) < 0) ||
			    am_buf_add(&nd->out, buf + cmd[i].off,
			    cmd[i].len) < 0 || node_push(nd, i) < 0)
				return AM_RC_NOMEM;
			if (cmd[i].durable)
				nd->wrote = 1;
		}
		/* Every pipeline out, then every reply in. */
		for (j = 0; j < cl->nnode; j++) {
			struct rc_node *nd = &cl->node[j];

			if (!nd->used)
				continue;
			if ((rc = node_connect(cl, (int)j)) == AM_RC_LOST) {
				nd->lost = lost = 1;
				continue;
			}
			if (rc)
				return abandon(cl, rc);
			if (node_write(nd) < 0) {
				say_conn(cl, nd, nd->c);
				nd->lost = lost = 1;
			}
		}
		if (passes == 1)
			cl->round_trips++;
		for (j = 0; j < cl->nnode; j++) {
			size_t k;

			if (!cl->node[j].used || cl->node[j].lost)
				continue;
			for (k = 0; k < cl->node[j].ncmd; k++) {
				struct am_cluster_redirect rd;
				struct rc_node *nd = &cl->node[j];
				void *v = NULL;
				redisReply *r;
				int t;

				i = nd->cmd[k];
				if (cl->ask[i] >= 0) {
					if (redisGetReply(nd->c, &v) != REDIS_OK ||
					    !v)
						goto gone;
					freeReplyObject(v);
					v = NULL;
				}
				if (redisGetReply(nd->c, &v) != REDIS_OK || !v)
					goto gone;
				r = v;
				if (r->type != REDIS_REPLY_ERROR) {
					rep[i] = r;
					cl->done[i] = 1;
					left--;
					continue;
				}
				switch (am_cluster_error(r->str, r->len, &rd)) {
				case AM_CR_MOVED:
				case AM_CR_ASK:
					t = node_add(cl, rd.host[0] ? rd.host :
					    cl->node[j].host, rd.port);
					if (t < 0) {
						freeReplyObject(r);
						return abandon(cl, AM_RC_NOMEM);
					}
					if (r->str[0] == 'M') {
						cl->slot[rd.slot] = t;
						cl->ask[i] = -1;
						moved = 1;
					} else
						cl->ask[i] = t;
					freeReplyObject(r);
					continue;
				case AM_CR_TRYAGAIN:
				case AM_CR_DOWN:
					say(cl, "%s: %.60s", cl->node[j].name,
					    r->str);
					cl->ask[i] = -1;
					again = 1;
					freeReplyObject(r);
					continue;
				case AM_CR_OTHER:
					rep[i] = r;
					cl->done[i] = 1;
					left--;
					continue;
				}
gone:
				say_conn(cl, &cl->node[j], cl->node[j].c);
				cl->node[j].lost = lost = 1;
				break;
			}
		}
		if (lost) {
			for (j = 0; j < cl->nnode; j++)
				if (cl->node[j].lost)
					node_drop(&cl->node[j]);
			cl->stale = 1;
			return AM_RC_LOST;
		}
		if (!left)
			break;
		if (again) {
			long long now = now_ms();

			if (!wait_from)
				wait_from = now;
			if (now - wait_from >= cl->failover_ms) {
				size_t len = strlen(cl->why);

				snprintf(cl->why + len, sizeof(cl->why) - len,
				    " for %d ms", cl->failover_ms);
				return AM_RC_DOWN;
			}
			backoff = backoff ? backoff * 2 : BACKOFF_MIN_MS;
			if (backoff > BACKOFF_MAX_MS)
				backoff = BACKOFF_MAX_MS;
			sleep_ms(backoff);
			passes--;	/* waiting is bounded by the time */
			cl->stale = 1;
		}
		if ((moved || again) && (rc = refresh(cl)) &&
		    rc != AM_RC_LOST && rc != AM_RC_DOWN)
			return rc;
	}
	return AM_RC_OK;
}

void
am_rc_touch(struct am_rc *cl, const char *key, size_t len)
{
	int t = cl->slot[am_cluster_slot(key, len)];

	if (t >= 0)
		cl->node[t].touched = 1;
}

/* <ns>meta:sync:{N}, a key of node t's slots, into b. */
static int
sync_key(const struct am_rc *cl, int t, const char *ns, struct am_buf *b)
{
	unsigned long k;

	for (k = 0; k < 10000000UL; k++) {
		am_buf_reset(b);
		if (am_buf_addf(b, "%smeta:sync:{%lu}", ns, k) < 0)
			return -1;
		if (cl->slot[am_cluster_slot(b->buf, b->len)] == t)
			return 0;
	}
	return -1;
}

/* Append a command of string words to b in RESP. */
static int
resp_words(struct am_buf *b, int n, const char *const *w)
{
	int i;

	if (am_buf_addf(b, "*%d\r\n", n) < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (am_buf_addf(b, "$%zu\r\n", strlen(w[i])) < 0 ||
		    am_buf_addstr(b, w[i]) < 0 || am_buf_add(b, "\r\n", 2) < 0)
			return -1;
	return 0;
}

int
am_rc_wait(struct am_rc *cl, int wait_ms, const char *ns)
{
	struct am_buf key = AM_BUF_INIT;
	char ms[24];
	size_t j;
	int rc = AM_RC_OK, lost = 0, nshort = 0, sent = 0;

	snprintf(ms, sizeof(ms), "%d", wait_ms);
	for (j = 0; j < cl->nnode; j++)
		cl->node[j].used = cl->node[j].lost = 0;
	for (j = 0; j < cl->nnode; j++) {
		struct rc_node *nd = &cl->node[j];
		const char *wait[] = { "WAIT", "1", ms };

		if (!nd->master || !nd->replicas || (!nd->wrote && !nd->touched))
			continue;
		am_buf_reset(&nd->out);
		if (!nd->wrote) {
			const char *set[] = { "SET", NULL, "1", "PX", SYNC_PX };

			if (sync_key(cl, (int)j, ns, &key) < 0) {
				rc = abandon(cl, AM_RC_NOMEM);
				goto out;
			}
			set[1] = key.buf;
			if (resp_words(&nd->out, 5, set) < 0) {
				rc = abandon(cl, AM_RC_NOMEM);
				goto out;
			}
		}
		if (resp_words(&nd->out, 3, wait) < 0) {
			rc = abandon(cl, AM_RC_NOMEM);
			goto out;
		}
		if ((rc = node_connect(cl, (int)j)) == AM_RC_LOST) {
			nd->lost = lost = 1;
			rc = AM_RC_OK;
			continue;
		}
		if (rc) {
			rc = abandon(cl, rc);
			goto out;
		}
		nd->used = sent = 1;
		set_timeout(nd->c, wait_ms + cl->timeout_ms);
		if (node_write(nd) < 0) {
			say_conn(cl, nd, nd->c);
			nd->lost = lost = 1;
		}
	}
	cl->round_trips += sent;
	for (j = 0; j < cl->nnode; j++) {
		struct rc_node *nd = &cl->node[j];
		void *v = NULL;
		redisReply *r;

		if (!nd->used || nd->lost)
			continue;
		if (!nd->wrote) {
			if (redisGetReply(nd->c, &v) != REDIS_OK || !v) {
				say_conn(cl, nd, nd->c);
				nd->lost = lost = 1;
				continue;
			}
			r = v;
			if (r->type == REDIS_REPLY_ERROR) {
				/* MOVED, READONLY: the master is not one now. */
				say(cl, "%s: %.60s", nd->name, r->str);
				lost = 1;
				nd->lost = 2;
			}
			freeReplyObject(r);
			v = NULL;
		}
		if (redisGetReply(nd->c, &v) != REDIS_OK || !v) {
			say_conn(cl, nd, nd->c);
			nd->lost = lost = 1;
			continue;
		}
		r = v;
		set_timeout(nd->c, cl->timeout_ms);
		if (r->type == REDIS_REPLY_ERROR) {
			say(cl, "%s: %.60s", nd->name, r->str);
			nd->lost = lost = 1;
		} else if (r->type != REDIS_REPLY_INTEGER || r->integer < 1)
			nd->used = 2;	/* short */
		freeReplyObject(r);
	}
	if (lost) {
		for (j = 0; j < cl->nnode; j++)
			if (cl->node[j].lost == 1)
				node_drop(&cl->node[j]);
		cl->stale = 1;
		rc = AM_RC_LOST;
		goto out;
	}
	for (j = 0; j < cl->nnode; j++)
		nshort += cl->node[j].used == 2;
	if (nshort) {
		/* A replica that failed leaves the map: is there one still? */
		if ((rc = refresh(cl)))
			goto out;
		for (j = 0; j < cl->nnode; j++) {
			struct rc_node *nd = &cl->node[j];

			if (nd->used != 2)
				continue;
			if (!nd->master) {
				say(cl, "%s is no longer a master", nd->name);
				rc = AM_RC_LOST;
				goto out;
			}
			if (nd->replicas) {
				say(cl, "no replica of %s acknowledged the new "
				    "mappings within %d ms", nd->name, wait_ms);
				rc = AM_RC_NOACK;
				goto out;
			}
		}
	}
	for (j = 0; j < cl->nnode; j++)
		cl->node[j].wrote = cl->node[j].touched = 0;
out:
	am_buf_free(&key);
	return rc;
}

size_t
am_rc_masters(const struct am_rc *cl, int *idx, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < cl->nnode; i++)
		if (cl->node[i].master) {
			if (n < max)
				idx[n] = (int)i;
			n++;
		}
	return n;
}

const char *
am_rc_node_name(const struct am_rc *cl, int node)
{
	if (node < 0 || (size_t)node >= cl->nnode)
		return "?";
	return cl->node[node].name;
}

const char *
am_rc_why(const struct am_rc *cl)
{
	return cl->why[0] ? cl->why : "the cluster failed";
}

const struct redisReply *
am_rc_refusal(const struct am_rc *cl)
{
	return cl->refusal;
}

unsigned long long
am_rc_round_trips(const struct am_rc *cl)
{
	return cl->round_trips;
}
