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

#endif /* AM_STORE_REDIS_H */
