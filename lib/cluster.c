/*
 * cluster.c - what a Redis Cluster client must compute for itself: the
 * slot of a key, and the slot map a node describes.  Pure functions, no
 * connection: store_redis.c does the talking.
 *
 * The slot of a key is CRC16 (XMODEM: polynomial 0x1021, initial value
 * 0) of the key mod 16384, with hash tags: when the key holds a '{' and,
 * after it, a '}' with at least one byte between them, only those bytes
 * are hashed (the Redis Cluster specification, "Keys hash tags").
 */
#include "internal.h"

#include <string.h>

static uint16_t crc_table[256];

static void
crc_init(void)
{
	unsigned i, j;

	for (i = 0; i < 256; i++) {
		uint16_t c = (uint16_t)(i << 8);

		for (j = 0; j < 8; j++)
			c = (uint16_t)(c & 0x8000 ? (c << 1) ^ 0x1021 : c << 1);
		crc_table[i] = c;
	}
}

uint16_t
am_crc16(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint16_t crc = 0;

	if (!crc_table[1])
		crc_init();
	while (n--)
		crc = (uint16_t)((crc << 8) ^ crc_table[((crc >> 8) ^ *s++) & 0xff]);
	return crc;
}

unsigned
am_cluster_slot(const char *key, size_t len)
{
	const char *open = memchr(key, '{', len), *close;

	if (open) {
		size_t rest = len - (size_t)(open - key) - 1;

		close = memchr(open + 1, '}', rest);
		if (close && close > open + 1)
			return am_crc16(open + 1, (size_t)(close - open - 1)) &
			    (AM_CLUSTER_SLOTS - 1);
	}
	return am_crc16(key, len) & (AM_CLUSTER_SLOTS - 1);
}

/*
 * What an error reply of a cluster node asks for.  MOVED and ASK carry
 * "<slot> <host>:<port>", where the host may be empty (the node does not
 * know its own address: the caller uses the one it asked) or an IPv6
 * address (the port follows the last ':').
 */
enum am_cluster_reply
am_cluster_error(const char *s, size_t n, struct am_cluster_redirect *rd)
{
	enum am_cluster_reply kind;
	const char *p, *end = s + n, *colon = NULL, *q;
	unsigned long slot = 0;
	long port = 0;

	if (n >= 6 && !memcmp(s, "MOVED ", 6)) {
		kind = AM_CR_MOVED;
		p = s + 6;
	} else if (n >= 4 && !memcmp(s, "ASK ", 4)) {
		kind = AM_CR_ASK;
		p = s + 4;
	} else if (n >= 8 && !memcmp(s, "TRYAGAIN", 8))
		return AM_CR_TRYAGAIN;
	else if (n >= 11 && !memcmp(s, "CLUSTERDOWN", 11))
		return AM_CR_DOWN;
	else
		return AM_CR_OTHER;
	/* The slot. */
	if (p == end || *p < '0' || *p > '9')
		return AM_CR_OTHER;
	while (p < end && *p >= '0' && *p <= '9') {
		slot = slot * 10 + (unsigned long)(*p++ - '0');
		if (slot >= AM_CLUSTER_SLOTS)
			return AM_CR_OTHER;
	}
	if (p == end || *p++ != ' ')
		return AM_CR_OTHER;
	/* host:port, up to the end or a space. */
	for (q = p; q < end && *q != ' ' && *q != '\r' && *q != '\n'; q++)
		if (*q == ':')
			colon = q;
	if (!colon || colon + 1 == q || (size_t)(colon - p) >= sizeof(rd->host))
		return AM_CR_OTHER;
	for (q = colon + 1; q < end && *q >= '0' && *q <= '9'; q++) {
		port = port * 10 + (*q - '0');
		if (port > 65535)
			return AM_CR_OTHER;
	}
	if (port == 0 || (q < end && *q != ' ' && *q != '\r' && *q != '\n'))
		return AM_CR_OTHER;
	/* "[::1]:6379" is not what Redis writes, but take it. */
	if (colon - p >= 2 && *p == '[' && colon[-1] == ']') {
		memcpy(rd->host, p + 1, (size_t)(colon - p - 2));
		rd->host[colon - p - 2] = '\0';
	} else {
		memcpy(rd->host, p, (size_t)(colon - p));
		rd->host[colon - p] = '\0';
	}
	rd->slot = (unsigned)slot;
	rd->port = (int)port;
	return kind;
}

/* Read a RESP bulk string header and its bytes at *p: 0, or -1. */
static int
resp_bulk(const char **p, const char *end, const char **s, size_t *n)
{
	const char *q = *p;
	size_t len = 0;

	if (q >= end || *q++ != '$')
		return -1;
	if (q >= end || *q < '0' || *q > '9')
		return -1;
	while (q < end && *q >= '0' && *q <= '9') {
		len = len * 10 + (size_t)(*q++ - '0');
		if (len > (size_t)(end - *p))
			return -1;
	}
	if (end - q < 2 || q[0] != '\r' || q[1] != '\n')
		return -1;
	q += 2;
	if ((size_t)(end - q) < len + 2 || q[len] != '\r' || q[len + 1] != '\n')
		return -1;
	*s = q;
	*n = len;
	*p = q + len + 2;
	return 0;
}

static int
verb_is(const char *v, size_t n, const char *name)
{
	size_t i;

	if (strlen(name) != n)
		return 0;
	for (i = 0; i < n; i++)
		if ((v[i] & ~0x20) != name[i])
			return 0;
	return 1;
}

/*
 * The key of one command in RESP (as the store writes them: an array of
 * bulk strings), which decides its slot: the second word, or for EVAL
 * and EVALSHA the first of their keys.  Commands about the server (no
 * key) return 0.
 */
int
am_cluster_cmd_key(const char *cmd, size_t n, const char **key, size_t *klen)
{
	static const char *const keyless[] = {
		"PING", "INFO", "DBSIZE", "SCAN", "SCRIPT", "COMMAND", "WAIT",
		"AUTH", "SELECT", "CLUSTER", "ASKING", "READONLY", "READWRITE",
		"FLUSHALL", "FLUSHDB", "CONFIG", "ROLE",
	};
	const char *p = cmd, *end = cmd + n, *w[4];
	size_t wl[4], nw = 0, i, words = 0;

	if (p >= end || *p++ != '*')
		return -1;
	while (p < end && *p >= '0' && *p <= '9')
		words = words * 10 + (size_t)(*p++ - '0');
	if (end - p < 2 || p[0] != '\r' || p[1] != '\n' || !words)
		return -1;
	p += 2;
	for (nw = 0; nw < words && nw < 4; nw++)
		if (resp_bulk(&p, end, &w[nw], &wl[nw]) < 0)
			return -1;
	for (i = 0; i < AM_ARRAY_SIZE(keyless); i++)
		if (verb_is(w[0], wl[0], keyless[i]))
			return 0;
	if (verb_is(w[0], wl[0], "EVAL") || verb_is(w[0], wl[0], "EVALSHA")) {
		if (nw < 4 || (wl[2] == 1 && w[2][0] == '0'))
			return 0;
		*key = w[3];
		*klen = wl[3];
		return 1;
	}
	if (nw < 2)
		return 0;
	*key = w[1];
	*klen = wl[1];
	return 1;
}
