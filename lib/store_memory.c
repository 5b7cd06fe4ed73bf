/*
 * store_memory.c - the per-process store ("memory:"), for tests and
 * one-off runs such as --check.  Every handle is a store of its own and
 * forgets everything when closed.
 *
 * Three maps:
 *	fwd:      original -> expiry (8 bytes, native order), then token
 *	rev:      token -> original
 *	counters: prefix -> last number given (unsigned long long)
 * and for awsmask-claude's response cache
 *	cache:    key -> expiry (8 bytes), then the value
 * with its hits and misses counted in the handle.
 * The expiry lives only in fwd, so refreshing it touches one place.  A
 * counter moves before the mapping that uses its number is written: if
 * writing the mapping then fails, the number is skipped, never reused.
 * A batch that fails half-way (out of memory) keeps the mappings it made
 * before: each is whole in both maps, so the bijection holds.
 */
#include "internal.h"

#include <limits.h>
#include <string.h>

struct mem {
	struct am_map *fwd;
	struct am_map *rev;
	struct am_map *counters;
	struct am_map *cache;
	unsigned long long cache_hits, cache_misses;
};

#define EXP_SIZE sizeof(long long)
/* Digest candidates tried before giving up (a collision is rare). */
#define DIGEST_TRIES 64

static int
nomem(struct am_store *st)
{
	return am_seterr(&st->err, AWSMASK_ENOMEM, "out of memory");
}

static long long
expiry(const struct am_store *st, long long now)
{
	if (st->ttl <= 0 || now > LLONG_MAX - st->ttl)
		return LLONG_MAX;
	return now + st->ttl;
}

/*
 * The map owns the bytes of its values and they are writable; writing
 * the expiry in place keeps a hit free of allocations.
 */
static void
set_expiry(const char *v, long long exp)
{
	memcpy((char *)v, &exp, EXP_SIZE);
}

static long long
get_expiry(const char *v)
{
	long long exp;

	memcpy(&exp, v, EXP_SIZE);
	return exp;
}

static int
give(struct am_store *st, struct am_store_item *it, const char *v,
    size_t n)
{
	it->value = am_strndup(v, n);
	if (!it->value)
		return nomem(st);
	it->value_len = n;
	return AWSMASK_OK;
}

static int
mem_open(struct am_store *st, const char *uri)
{
	struct mem *m;

	(void)uri;
	m = am_calloc(1, sizeof(*m));
	if (!m)
		return nomem(st);
	st->priv = m;
	m->fwd = am_map_new();
	m->rev = am_map_new();
	m->counters = am_map_new();
	if (!m->fwd || !m->rev || !m->counters)
		return nomem(st);
	return AWSMASK_OK;
}

static void
mem_close(struct am_store *st)
{
	struct mem *m = st->priv;

	if (!m)
		return;
	am_map_free(m->fwd);
	am_map_free(m->rev);
	am_map_free(m->counters);
	am_map_free(m->cache);
	am_free(m);
	st->priv = NULL;
}

/* Allocate the next token of it->prefix for it->key. */
static int
allocate(struct am_store *st, struct am_store_item *it, long long now)
{
	struct mem *m = st->priv;
	unsigned long long n = 0;
	char rec[EXP_SIZE + 64];
	const char *c;
	size_t plen = strlen(it->prefix), clen;
	long long exp = expiry(st, now);
	int tlen;

	if (st->token_style == AM_TOKEN_DIGEST) {
		unsigned attempt;

		/* The first candidate no live mapping holds (store.c). */
		for (attempt = 0; attempt < DIGEST_TRIES; attempt++) {
			tlen = am_store_digest_token(st, it->prefix, it->key,
			    it->key_len, attempt, rec + EXP_SIZE,
			    sizeof(rec) - EXP_SIZE);
			if (tlen < 0 || !am_map_get(m->rev, rec + EXP_SIZE,
			    (size_t)tlen, NULL))
				break;
		}
		if (tlen < 0)
			return am_seterr(&st->err, AWSMASK_EINVAL,
			    "store '%s': token prefix too long", st->name);
		if (attempt == DIGEST_TRIES)
			return am_seterr(&st->err, AWSMASK_ESTORE, "store '%s': "
			    "%d digest tokens of %s in a row are taken",
			    st->name, DIGEST_TRIES, it->prefix);
		goto put;
	}
	c = am_map_get(m->counters, it->prefix, plen, &clen);
	if (c)
		memcpy(&n, c, sizeof(n));
	if (n == ULLONG_MAX)
		return am_seterr(&st->err, AWSMASK_ESTORE,
		    "store '%s': counter of %s exhausted", st->name, it->prefix);
	n++;
	tlen = am_token_format(rec + EXP_SIZE, sizeof(rec) - EXP_SIZE,
	    it->prefix, n);
	if (tlen < 0)
		return am_seterr(&st->err, AWSMASK_EINVAL,
		    "store '%s': token prefix too long", st->name);
	if (c)
		memcpy((char *)c, &n, sizeof(n));
	else if (am_map_put(m->counters, it->prefix, plen, (const char *)&n,
	    sizeof(n)) < 0)
		return nomem(st);
put:
	memcpy(rec, &exp, EXP_SIZE);
	if (am_map_put(m->rev, rec + EXP_SIZE, (size_t)tlen, it->key,
	    it->key_len) < 0)
		return nomem(st);
	if (am_map_put(m->fwd, it->key, it->key_len, rec,
	    EXP_SIZE + (size_t)tlen) < 0) {
		am_map_del(m->rev, rec + EXP_SIZE, (size_t)tlen);
		return nomem(st);
	}
	return give(st, it, rec + EXP_SIZE, (size_t)tlen);
}

static int
mem_mask_many(struct am_store *st, struct am_store_item *it, size_t n)
{
	struct mem *m = st->priv;
	long long now = am_store_now();
	size_t i, vlen;
	const char *v;
	int rc;

	for (i = 0; i < n; i++) {
		v = am_map_get(m->fwd, it[i].key, it[i].key_len, &vlen);
		if (v && get_expiry(v) > now) {
			set_expiry(v, expiry(st, now));
			rc = give(st, &it[i], v + EXP_SIZE, vlen - EXP_SIZE);
		} else {
			if (v) {
				/* Expired: its token dies with it. */
				am_map_del(m->rev, v + EXP_SIZE, vlen - EXP_SIZE);
				am_map_del(m->fwd, it[i].key, it[i].key_len);
			}
			rc = allocate(st, &it[i], now);
		}
		if (rc)
			return rc;
	}
	return AWSMASK_OK;
}

static int
mem_unmask_many(struct am_store *st, struct am_store_item *it, size_t n)
{
	struct mem *m = st->priv;
	long long now = am_store_now();
	size_t i, olen, vlen;
	const char *o, *v;
	int rc;

	for (i = 0; i < n; i++) {
		o = am_map_get(m->rev, it[i].key, it[i].key_len, &olen);
		if (!o)
			continue;
		v = am_map_get(m->fwd, o, olen, &vlen);
		if (!v || get_expiry(v) <= now) {
			if (v)
				am_map_del(m->fwd, o, olen);
			am_map_del(m->rev, it[i].key, it[i].key_len);
			continue;
		}
		if (vlen - EXP_SIZE != it[i].key_len || memcmp(v + EXP_SIZE,
		    it[i].key, it[i].key_len)) {
			it[i].corrupt = 1;	/* o maps to another token */
			continue;
		}
		set_expiry(v, expiry(st, now));
		if ((rc = give(st, &it[i], o, olen)))
			return rc;
	}
	return AWSMASK_OK;
}

static int
mem_cache_get(struct am_store *st, const char *key, char **value,
    size_t *vlen)
{
	struct mem *m = st->priv;
	const char *v = NULL;
	size_t n = 0, klen = strlen(key);

	if (m->cache && (v = am_map_get(m->cache, key, klen, &n)) &&
	    get_expiry(v) <= am_store_now()) {
		am_map_del(m->cache, key, klen);
		v = NULL;
	}
	if (!v) {
		m->cache_misses++;
		return AWSMASK_OK;
	}
	if (!(*value = am_strndup(v + EXP_SIZE, n - EXP_SIZE)))
		return nomem(st);
	*vlen = n - EXP_SIZE;
	m->cache_hits++;
	return AWSMASK_OK;
}

static int
mem_cache_put(struct am_store *st, const char *key, const char *value,
    size_t vlen, long long ttl)
{
	struct mem *m = st->priv;
	long long now = am_store_now();
	long long exp = now > LLONG_MAX - ttl ? LLONG_MAX : now + ttl;
	char *rec;
	int rc;

	if (!m->cache && !(m->cache = am_map_new()))
		return nomem(st);
	if (vlen > SIZE_MAX - EXP_SIZE || !(rec = am_malloc(EXP_SIZE + vlen)))
		return nomem(st);
	memcpy(rec, &exp, EXP_SIZE);
	memcpy(rec + EXP_SIZE, value, vlen);
	rc = am_map_put(m->cache, key, strlen(key), rec, EXP_SIZE + vlen);
	am_free(rec);
	return rc < 0 ? nomem(st) : AWSMASK_OK;
}

const struct am_store_ops am_store_memory_ops = {
	.scheme = "memory",
	.open = mem_open,
	.mask_many = mem_mask_many,
	.unmask_many = mem_unmask_many,
	.close = mem_close,
	.cache_get = mem_cache_get,
	.cache_put = mem_cache_put,
};
