/*
 * store_redis.h - what the Redis store shows beyond its op table, for
 * tests and the bench.  Only meaningful when HAVE_HIREDIS is defined.
 */
#ifndef AM_STORE_REDIS_H
#define AM_STORE_REDIS_H

/*
 * Round trips to the server since the store was opened (the open's own
 * included): each is one pipeline sent and all its replies read.  0 for
 * a store that is not a Redis store.
 */
unsigned long long am_store_redis_round_trips(const struct am_store *st);

/*
 * Use GETEX (read and refresh a key's TTL in one command) when the server
 * has it, or not: it is on by default on Redis 6.2 and later, and tests
 * turn it off to cover the path older servers take.  Returns whether it
 * is now in use.
 */
int am_store_redis_use_getex(struct am_store *st, int on);

#endif /* AM_STORE_REDIS_H */
