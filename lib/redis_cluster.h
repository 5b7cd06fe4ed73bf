/*
 * redis_cluster.h - the transport of the Redis Cluster store: the slot
 * map, one connection a node, and a pipeline of commands sent to the
 * nodes that own their keys (redis_cluster.c).  store_redis.c queues its
 * commands as on one server and hands them here; cmd/ never knows.
 */
#ifndef AM_REDIS_CLUSTER_H
#define AM_REDIS_CLUSTER_H

#include <stddef.h>

struct redisReply;
struct am_rc;

/* One queued command: bytes [off, off+len) of the caller's buffer. */
struct am_rc_cmd {
	size_t off, len;
	int node;		/* send it to this node (am_rc_masters), or -1:
				 * to the master of its key's slot (a command
				 * without a key: to any master) */
	int durable;		/* a write of a mapping that a WAIT must cover */
};

struct am_rc_opts {
	const char *const *hosts;	/* the seeds */
	const int *ports;
	size_t nseeds;
	const char *user, *pass;	/* AUTH on every connection, or NULL */
	int timeout_ms;		/* connect and command timeout, a node */
	int failover_ms;	/* how long to wait for a failover */
};

/* Results. */
enum {
	AM_RC_OK = 0,
	AM_RC_NOMEM,
	AM_RC_LOST,	/* a node cannot be reached: the topology may be
			 * changing; commands may have run on it or not */
	AM_RC_REFUSED,	/* a node refused a connection (AUTH): am_rc_refusal */
	AM_RC_DOWN,	/* redirections, CLUSTERDOWN or TRYAGAIN without end,
			 * or no replica acknowledged: am_rc_why */
	AM_RC_PROTO,	/* not a cluster, or a reply it cannot read */
	AM_RC_NOACK,	/* am_rc_wait: a replica did not acknowledge */
};

int am_rc_new(struct am_rc **out, const struct am_rc_opts *o);
void am_rc_free(struct am_rc *cl);

/*
 * Read the slot map from any node that answers (CLUSTER SLOTS), then
 * connect to every master; while a master cannot be reached or a slot
 * has no master, read the map again, for up to failover_ms (a failover
 * in progress).  A cluster no node of which answers fails at once.
 */
int am_rc_recover(struct am_rc *cl);

/*
 * Send n commands and read their replies into rep[0..n), in the order
 * given: the commands of each node in one pipeline, every pipeline
 * written before any is read (one round trip for the lot).  MOVED
 * updates the map and sends the command again, ASK sends it with
 * ASKING to the node named, TRYAGAIN and CLUSTERDOWN wait (10 ms
 * doubling, for up to failover_ms) and send it again; at most
 * AM_RC_PASSES passes.  Other error replies are the caller's, in rep[].
 * On failure the replies read so far are left in rep[] (the others
 * NULL) for the caller to free.
 */
#define AM_RC_PASSES 16
int am_rc_flush(struct am_rc *cl, const char *buf, const struct am_rc_cmd *cmd,
    size_t n, struct redisReply **rep);

/*
 * The key's master must have passed to a replica what it holds (the key
 * was read, not written, by us: a mapping another process created may
 * not be replicated yet).  The next am_rc_wait() covers it.
 */
void am_rc_touch(struct am_rc *cl, const char *key, size_t len);

/*
 * Durability: on every master that took durable writes (or was touched)
 * since the last call and has a replica, WAIT 1 wait_ms, after a write
 * of our own for a master that was only touched (<ns>meta:sync:{tag},
 * a key of that master's slots, PX 60 s), so that everything it
 * holds is covered.  All in one round trip.  A master whose replica
 * did not answer in time fails with AM_RC_NOACK unless the map, read
 * again, says it has no replica left.
 */
int am_rc_wait(struct am_rc *cl, int wait_ms, const char *ns);

/* The masters of the map: their node numbers into idx[0..max), and how
 * many there are. */
size_t am_rc_masters(const struct am_rc *cl, int *idx, size_t max);
/* "host:port" of a node. */
const char *am_rc_node_name(const struct am_rc *cl, int node);
/* Why the last call failed, in a few words (no command, no value). */
const char *am_rc_why(const struct am_rc *cl);
/* The error reply behind AM_RC_REFUSED (owned by cl). */
const struct redisReply *am_rc_refusal(const struct am_rc *cl);
unsigned long long am_rc_round_trips(const struct am_rc *cl);

/*
 * The slot map a CLUSTER SLOTS reply describes, for tests and the
 * transport: ranges with their master and how many live replicas it
 * lists.  host is NULL where the node left its address out (use the
 * one asked).  0, -1 on ENOMEM, -2 on a reply of another shape.
 */
struct am_rc_range {
	unsigned start, end;
	char *host;
	int port;
	int replicas;
};
int am_rc_parse_slots(const struct redisReply *rep, struct am_rc_range **out,
    size_t *n);
void am_rc_ranges_free(struct am_rc_range *r, size_t n);

#endif /* AM_REDIS_CLUSTER_H */
