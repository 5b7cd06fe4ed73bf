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
