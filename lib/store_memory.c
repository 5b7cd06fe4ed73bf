/*
 * store_memory.c - the per-process store ("memory:"), for tests and
 * one-off runs such as --check.  Every handle is a store of its own and
 * forgets everything when closed.
 *
 * Five maps:
 *	fwd:      original -> expiry, last renewal (8 bytes each, native
 *	          order), then token
 *	rev:      token -> original
 *	counters: prefix -> last number given (unsigned long long)
 *	stats:    name -> count (unsigned long long): total_mappings, one
 *	          a kind, daily:YYYY-MM-DD, processing:<field>
 *	locks:    name -> lease end (seconds), then owner
 *	cache:    key -> expiry (8 bytes), then the value: awsmask-claude's
 *	          response cache, its hits and misses counted in stats
 * The expiry lives only in fwd, so refreshing it touches one place.  A
 * counter moves before the mapping that uses its number is written: if
 * writing the mapping then fails, the number is skipped, never reused.
 * A batch that fails half-way (out of memory) keeps the mappings it made
 * before: each is whole in both maps, so the bijection holds.
 */
#include "internal.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

struct mem {
	struct am_map *fwd;
	struct am_map *rev;
	struct am_map *counters;
	struct am_map *stats;
	struct am_map *locks;
	/* The scan's snapshot: entries and the bytes they point to. */
	struct am_entry *snap;
	struct am_buf snapbuf;
	struct am_map *cache;
};

#define EXP_SIZE sizeof(long long)
/* Digest candidates tried before giving up (a collision is rare). */
#define DIGEST_TRIES 64
#define HEAD (2 * EXP_SIZE)	/* expiry, last renewal */

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
 * the times in place keeps a hit free of allocations.
 */
static void
set_ll(const char *v, size_t at, long long x)
{
	memcpy((char *)v + at, &x, EXP_SIZE);
}

static long long
get_ll(const char *v, size_t at)
{
	long long x;

	memcpy(&x, v + at, EXP_SIZE);
	return x;
}

/* A hit: renew it when its last renewal is stale (internal.h). */
static void
touch(const struct am_store *st, const char *v, long long now)
{
	long long every = am_store_refresh_interval(st->ttl);

	/* Due when last renewed an interval ago, or when it has less life
	 * left than that would leave (it was written with a shorter TTL). */
	if (now - get_ll(v, EXP_SIZE) >= every ||
	    get_ll(v, 0) - now < st->ttl - every) {
		set_ll(v, 0, expiry(st, now));
		set_ll(v, EXP_SIZE, now);
	}
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

static unsigned long long
stat_get(const struct mem *m, const char *name)
{
	unsigned long long n = 0;
	const char *v = am_map_get(m->stats, name, strlen(name), NULL);

	if (v)
		memcpy(&n, v, sizeof(n));
	return n;
}

static int
stat_add(struct mem *m, const char *name, unsigned long long by)
{
	unsigned long long n = stat_get(m, name) + by;

	return am_map_put(m->stats, name, strlen(name), (const char *)&n,
	    sizeof(n));
}

/* The processing figures go in at once: nothing is cheaper here. */
static int
add_pending(struct am_store *st)
{
	struct mem *m = st->priv;
	char name[64];
	size_t i;

	for (i = 0; i < am_nproc_fields; i++) {
		unsigned long long *f = &AM_PROC_FIELD(&st->proc_pending, i);

		if (!*f)
			continue;
		snprintf(name, sizeof(name), "processing:%s",
		    am_proc_fields[i].name);
		if (stat_add(m, name, *f) < 0)
			return nomem(st);
		*f = 0;
	}
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
	m->stats = am_map_new();
	m->locks = am_map_new();
	if (!m->fwd || !m->rev || !m->counters || !m->stats || !m->locks)
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
	am_map_free(m->stats);
	am_map_free(m->locks);
	am_free(m->snap);
	am_buf_free(&m->snapbuf);
	am_map_free(m->cache);
	am_free(m);
	st->priv = NULL;
}

/* Count one new mapping of `kind`. */
static int
count_new(struct am_store *st, const char *kind, long long now)
{
	struct mem *m = st->priv;
	char day[32];

	memcpy(day, "daily:", 6);
	am_store_day(now, day + 6);
	if (stat_add(m, "total_mappings", 1) < 0 || stat_add(m, day, 1) < 0 ||
	    stat_add(m, kind && *kind ? kind : "unknown", 1) < 0)
		return nomem(st);
	return AWSMASK_OK;
}

/* Allocate the next token of it->prefix for it->key. */
static int
allocate(struct am_store *st, struct am_store_item *it, long long now)
{
	struct mem *m = st->priv;
	unsigned long long n = 0;
	char rec[HEAD + 64];
	const char *c;
	size_t plen = strlen(it->prefix), clen;
	int tlen;

	if (st->token_style == AM_TOKEN_DIGEST) {
		unsigned attempt;

		/* The first candidate no live mapping holds (store.c). */
		for (attempt = 0; attempt < DIGEST_TRIES; attempt++) {
			tlen = am_store_digest_token(st, it->prefix, it->key,
			    it->key_len, attempt, rec + HEAD,
			    sizeof(rec) - HEAD);
			if (tlen < 0 || !am_map_get(m->rev, rec + HEAD,
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
	tlen = am_token_format(rec + HEAD, sizeof(rec) - HEAD, it->prefix, n);
	if (tlen < 0)
		return am_seterr(&st->err, AWSMASK_EINVAL,
		    "store '%s': token prefix too long", st->name);
	if (c)
		memcpy((char *)c, &n, sizeof(n));
	else if (am_map_put(m->counters, it->prefix, plen, (const char *)&n,
	    sizeof(n)) < 0)
		return nomem(st);
put:
	set_ll(rec, 0, expiry(st, now));
	set_ll(rec, EXP_SIZE, now);
	if (am_map_put(m->rev, rec + HEAD, (size_t)tlen, it->key,
	    it->key_len) < 0)
		return nomem(st);
	if (am_map_put(m->fwd, it->key, it->key_len, rec,
	    HEAD + (size_t)tlen) < 0) {
		am_map_del(m->rev, rec + HEAD, (size_t)tlen);
		return nomem(st);
	}
	if (count_new(st, it->kind, now))
		return st->err.code;
	return give(st, it, rec + HEAD, (size_t)tlen);
}

static int
mem_mask_many(struct am_store *st, struct am_store_item *it, size_t n)
{
	struct mem *m = st->priv;
	long long now = am_store_now();
	size_t i, vlen;
	const char *v;
	int rc;

	if ((rc = add_pending(st)))
		return rc;
	for (i = 0; i < n; i++) {
		v = am_map_get(m->fwd, it[i].key, it[i].key_len, &vlen);
		if (v && get_ll(v, 0) > now) {
			touch(st, v, now);
			rc = give(st, &it[i], v + HEAD, vlen - HEAD);
		} else {
			if (v) {
				/* Expired: its token dies with it. */
				am_map_del(m->rev, v + HEAD, vlen - HEAD);
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

	if ((rc = add_pending(st)))
		return rc;
	for (i = 0; i < n; i++) {
		o = am_map_get(m->rev, it[i].key, it[i].key_len, &olen);
		if (!o)
			continue;
		v = am_map_get(m->fwd, o, olen, &vlen);
		if (!v || get_ll(v, 0) <= now) {
			if (v)
				am_map_del(m->fwd, o, olen);
			am_map_del(m->rev, it[i].key, it[i].key_len);
			continue;
		}
		if (vlen - HEAD != it[i].key_len || memcmp(v + HEAD,
		    it[i].key, it[i].key_len)) {
			it[i].corrupt = 1;	/* o maps to another token */
			continue;
		}
		touch(st, v, now);
		if ((rc = give(st, &it[i], o, olen)))
			return rc;
	}
	return AWSMASK_OK;
}

static int
mem_info(struct am_store *st, struct am_store_info *info)
{
	struct mem *m = st->priv;
	char name[64];
	size_t i;
	int rc;

	if ((rc = add_pending(st)))
		return rc;
	info->total_created = stat_get(m, "total_mappings");
	for (i = 0; i < AM_DAILY_DAYS; i++) {
		snprintf(name, sizeof(name), "daily:%s", info->day[i]);
		info->daily[i] = stat_get(m, name);
	}
	info->cache_hits = stat_get(m, "cache:hits");
	info->cache_misses = stat_get(m, "cache:misses");
	for (i = 0; i < am_nproc_fields; i++) {
		snprintf(name, sizeof(name), "processing:%s",
		    am_proc_fields[i].name);
		AM_PROC_FIELD(&info->proc, i) = stat_get(m, name);
	}
	return AWSMASK_OK;
}

/*
 * One step holds everything: the store lives in this process's memory
 * already, and the maps must not change while they are walked.  The
 * snapshot copies what it yields, so removing entries cannot disturb it.
 */
static int
mem_scan(struct am_store *st, struct am_scan *sc)
{
	struct mem *m = st->priv;
	long long now = am_store_now();
	size_t pos = 0, n = 0, klen, vlen, olen, tlen, max;
	const char *k, *v, *o, *t;

	sc->priv = m;
	max = am_map_count(m->fwd) + am_map_count(m->rev);
	am_free(m->snap);
	am_buf_reset(&m->snapbuf);
	if (!(m->snap = am_calloc(max ? max : 1, sizeof(*m->snap))))
		return nomem(st);
	/* Offsets first: the buffer may move as it grows. */
	while (am_map_next(m->fwd, &pos, &k, &klen, &v, &vlen)) {
		struct am_entry *e = &m->snap[n++];

		tlen = vlen - HEAD;
		o = am_map_get(m->rev, v + HEAD, tlen, &olen);
		e->state = get_ll(v, 0) <= now ? AM_ENTRY_EXPIRED :
		    o && olen == klen && !memcmp(o, k, klen) ? AM_ENTRY_PAIR :
		    AM_ENTRY_ORPHAN_MASK;
		e->used = get_ll(v, EXP_SIZE);
		e->original = (const char *)m->snapbuf.len;
		e->original_len = klen;
		e->token = (const char *)(m->snapbuf.len + klen);
		e->token_len = tlen;
		if (am_buf_add(&m->snapbuf, k, klen) < 0 ||
		    am_buf_add(&m->snapbuf, v + HEAD, tlen) < 0)
			return nomem(st);
	}
	pos = 0;
	while (am_map_next(m->rev, &pos, &t, &tlen, &o, &olen)) {
		const char *f = am_map_get(m->fwd, o, olen, &vlen);
		struct am_entry *e;

		if (f && vlen - HEAD == tlen && !memcmp(f + HEAD, t, tlen))
			continue;	/* yielded from its mask side */
		e = &m->snap[n++];
		e->state = AM_ENTRY_ORPHAN_UNMASK;
		e->used = 0;
		e->token = (const char *)m->snapbuf.len;
		e->token_len = tlen;
		e->original = (const char *)(m->snapbuf.len + tlen);
		e->original_len = olen;
		if (am_buf_add(&m->snapbuf, t, tlen) < 0 ||
		    am_buf_add(&m->snapbuf, o, olen) < 0)
			return nomem(st);
	}
	for (max = 0; max < n; max++) {
		m->snap[max].original = m->snapbuf.buf +
		    (size_t)m->snap[max].original;
		m->snap[max].token = m->snapbuf.buf + (size_t)m->snap[max].token;
	}
	sc->entries = m->snap;
	sc->n = n;
	sc->seen = sc->total = n;
	sc->done = 1;
	return AWSMASK_OK;
}

static void
mem_scan_end(struct am_store *st, struct am_scan *sc)
{
	(void)st;
	(void)sc;
}

static int
same(const char *p, size_t n, const char *q, size_t m)
{
	return p && n == m && !memcmp(p, q, n);
}

static int
mem_remove(struct am_store *st, struct am_entry *e, size_t n,
    long long used_before)
{
	struct mem *m = st->priv;
	long long now = am_store_now();
	size_t i, vlen, olen;
	const char *v, *o;

	for (i = 0; i < n; i++) {
		int fwd_ok, rev_ok;

		v = am_map_get(m->fwd, e[i].original, e[i].original_len, &vlen);
		o = am_map_get(m->rev, e[i].token, e[i].token_len, &olen);
		fwd_ok = v && same(v + HEAD, vlen - HEAD, e[i].token,
		    e[i].token_len);
		rev_ok = same(o, o ? olen : 0, e[i].original, e[i].original_len);

		switch (e[i].state) {
		case AM_ENTRY_PAIR:
		case AM_ENTRY_EXPIRED:
			if (!fwd_ok || (e[i].state == AM_ENTRY_PAIR ?
			    get_ll(v, 0) <= now ||
			    get_ll(v, EXP_SIZE) > used_before :
			    get_ll(v, 0) > now))
				break;
			if (rev_ok)
				am_map_del(m->rev, e[i].token, e[i].token_len);
			am_map_del(m->fwd, e[i].original, e[i].original_len);
			e[i].removed = 1;
			break;
		case AM_ENTRY_ORPHAN_MASK:
			if (fwd_ok && !rev_ok &&
			    get_ll(v, EXP_SIZE) <= used_before) {
				am_map_del(m->fwd, e[i].original,
				    e[i].original_len);
				e[i].removed = 1;
			}
			break;
		case AM_ENTRY_ORPHAN_UNMASK:
			if (rev_ok && !fwd_ok) {
				am_map_del(m->rev, e[i].token, e[i].token_len);
				e[i].removed = 1;
			}
			break;
		}
	}
	return AWSMASK_OK;
}

/* Locks within one process: the store is no one else's. */
static int
mem_lock(struct am_store *st, enum am_lock_op op, const char *name,
    const char *owner, long long ms, int *got)
{
	struct mem *m = st->priv;
	long long now = am_store_now(), end;
	size_t vlen, nlen = strlen(name);
	const char *v = am_map_get(m->locks, name, nlen, &vlen);
	int mine = v && same(v + EXP_SIZE, vlen - EXP_SIZE, owner,
	    strlen(owner));
	char rec[EXP_SIZE + 128];

	switch (op) {
	case AM_LOCK_TAKE:
	case AM_LOCK_EXTEND:
		if (op == AM_LOCK_TAKE ? v && !mine && get_ll(v, 0) > now :
		    !mine)
			return AWSMASK_OK;
		if (strlen(owner) > 128)
			return am_seterr(&st->err, AWSMASK_EINVAL,
			    "lock owner too long");
		end = now + (ms + 999) / 1000;
		set_ll(rec, 0, end);
		memcpy(rec + EXP_SIZE, owner, strlen(owner));
		if (am_map_put(m->locks, name, nlen, rec,
		    EXP_SIZE + strlen(owner)) < 0)
			return nomem(st);
		*got = 1;
		break;
	case AM_LOCK_RELEASE:
		if (mine)
			am_map_del(m->locks, name, nlen);
		*got = mine;
		break;
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
	    get_ll(v, 0) <= am_store_now()) {
		am_map_del(m->cache, key, klen);
		v = NULL;
	}
	if (!v)
		return stat_add(m, "cache:misses", 1) < 0 ? nomem(st) :
		    AWSMASK_OK;
	if (!(*value = am_strndup(v + EXP_SIZE, n - EXP_SIZE)))
		return nomem(st);
	*vlen = n - EXP_SIZE;
	return stat_add(m, "cache:hits", 1) < 0 ? nomem(st) : AWSMASK_OK;
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
	.ping = NULL,
	.close = mem_close,
	.info = mem_info,
	.scan = mem_scan,
	.scan_end = mem_scan_end,
	.remove = mem_remove,
	.lock = mem_lock,
	.flush_stats = NULL,
	.cache_get = mem_cache_get,
	.cache_put = mem_cache_put,
};
