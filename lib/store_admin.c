/*
 * store_admin.c - the operator side of the store: awsmask_stats() and
 * awsmask_cleanup(), written once over the op table's scan, remove,
 * info and lock (internal.h), so that every backend, a Redis Cluster
 * one included, gets the same figures and the same rules.
 *
 * Cleanup, in two walks over the store with bounded memory:
 *
 *  1. Remove orphaned halves and expired rows as they are met, and
 *     count the live pairs in a histogram of how long each has been
 *     idle.
 *  2. Only when there are more live pairs than masking_max_entries:
 *     from the histogram, the idle time above which enough pairs lie to
 *     get down to the cap (the least recently used ones); walk again and
 *     evict those, both directions together.
 *
 * What is never removed: a pair used in the last min_idle seconds plus
 * the granularity of last use (am_store_granularity()), however far over
 * the cap the store is; a half younger than AM_ORPHAN_MIN_AGE or the
 * granularity (it may be a mapping being written); a counter.  Every
 * removal is the backend's atomic compare-and-delete: an entry used,
 * repaired or re-created since it was scanned stays.  So a cleanup
 * racing awsmask never leaves a half mapping, and one stopped at any
 * point leaves a store a second run finishes.
 *
 * The lock: <ns>lock:cleanup, a lease of LEASE_MS held by a random owner
 * and extended as the walk goes, so that cron jobs on many machines take
 * turns; a run that finds it held does nothing (or waits).
 */
#include "mask.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#define LEASE_MS 60000		/* the lock's lease */
#define EXTEND_EVERY 10		/* seconds between renewals of the lease */
#define WAIT_MS 250		/* between tries of a held lock (--wait) */
#define NBUCKETS 4096		/* of the idle-time histogram */
#define PINGS 5			/* round trips for the latency figure */

struct am_admin {
	struct awsmask_count *kinds;
	size_t nkinds, capkinds;
	struct awsmask_count daily[AM_DAILY_DAYS];
	struct am_store_info info;
};

void
am_admin_free(struct am_admin *a)
{
	size_t i;

	if (!a)
		return;
	for (i = 0; i < a->nkinds; i++)
		am_free((char *)a->kinds[i].name);
	am_free(a->kinds);
	am_free(a);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The backend's name, as the configuration has it before the store opens. */
static const char *
backend_of(const char *uri)
{
	if (!strncmp(uri, "redis-cluster:", 14))
		return "redis-cluster";
	if (!strncmp(uri, "redis:", 6) || !strncmp(uri, "unix:", 5))
		return "redis";
	if (!strncmp(uri, "memory:", 7))
		return "memory";
	return "sqlite";
}

/* The store's failure, copied into the context where it sticks. */
static int
failed(struct awsmask *am, int rc)
{
	return am_store_failed(am, rc);
}

/* Count one live pair under its token's prefix (PREFIX_NNN). */
static int
count_kind(struct awsmask *am, struct am_map *idx, const struct am_entry *e)
{
	struct am_admin *a = am->admin;
	size_t plen = e->token_len, k;
	const char *v;

	while (plen > 0 && e->token[plen - 1] != '_')
		plen--;
	plen = plen ? plen - 1 : e->token_len;
	if ((v = am_map_get(idx, e->token, plen, NULL))) {
		memcpy(&k, v, sizeof(k));
		a->kinds[k].n++;
		return AWSMASK_OK;
	}
	if (a->nkinds == a->capkinds) {
		size_t cap = a->capkinds ? 2 * a->capkinds : 64;
		struct awsmask_count *p = am_realloc(a->kinds, cap * sizeof(*p));

		if (!p)
			return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
		a->kinds = p;
		a->capkinds = cap;
	}
	k = a->nkinds;
	if (!(a->kinds[k].name = am_strndup(e->token, plen)) ||
	    am_map_put(idx, e->token, plen, (const char *)&k, sizeof(k)) < 0) {
		am_free((char *)a->kinds[k].name);
		return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
	}
	a->kinds[k].n = 1;
	a->nkinds++;
	return AWSMASK_OK;
}

static int
cmp_count(const void *x, const void *y)
{
	return strcmp(((const struct awsmask_count *)x)->name,
	    ((const struct awsmask_count *)y)->name);
}

static int
cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

/* The median of PINGS round trips, in ms. */
static int
latency(struct am_store *st, double *ms)
{
	double t[PINGS], t0;
	int i, rc;

	*ms = 0;
	if (!st->ops->ping)
		return AWSMASK_OK;
	for (i = 0; i < PINGS; i++) {
		t0 = now_s();
		if ((rc = st->ops->ping(st)))
			return rc;
		t[i] = (now_s() - t0) * 1e3;
	}
	qsort(t, PINGS, sizeof(t[0]), cmp_double);
	*ms = t[PINGS / 2];
	return AWSMASK_OK;
}

int
awsmask_stats(struct awsmask *am, struct awsmask_stats *out,
    awsmask_progress_fn *fn, void *arg)
{
	struct am_scan sc;
	struct am_map *idx = NULL;
	struct am_admin *a;
	double t0 = now_s();
	char *uri;
	size_t i;
	int rc;

	if (!am || !out)
		return AWSMASK_EINVAL;
	memset(out, 0, sizeof(*out));
	out->used_memory = out->maxmemory = out->evicted_keys = -1;
	out->size_bytes = -1;
	out->ttl = am->cfg->ttl;
	out->granularity = am_store_granularity(am->cfg->ttl);
	out->store = awsmask_config_store_name(
	    (const struct awsmask_config *)am->cfg);
	if (!(uri = am_config_store_uri(am->cfg, 0)))
		return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
	out->backend = backend_of(uri);
	am_free(uri);
	am_admin_free(am->admin);
	if (!(am->admin = a = am_calloc(1, sizeof(*a))))
		return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");

	rc = am_store_ensure(am);
	/* After the attempt: it opens or closes the breaker. */
	out->breaker = awsmask_store_breaker(am, &out->breaker_age);
	if (rc || (rc = latency(am->store, &out->latency_ms)))
		goto down;
	out->up = 1;
	out->store = am->store->name;
	out->id = am->store->id;
	/* This context's own runs count too. */
	am_proc_sync(am);
	if ((rc = am_store_info(am->store, &a->info)))
		goto down;
	out->used_memory = a->info.used_memory;
	out->maxmemory = a->info.maxmemory;
	out->evicted_keys = a->info.evicted_keys;
	out->size_bytes = a->info.size_bytes;
	if (a->info.policy[0]) {
		out->maxmemory_policy = a->info.policy;
		out->eviction_risk = a->info.maxmemory > 0 &&
		    strcmp(a->info.policy, "noeviction");
	}
	out->total_created = a->info.total_created;
	for (i = 0; i < AM_DAILY_DAYS; i++)
		if (a->info.daily[i]) {
			a->daily[out->ndaily].name = a->info.day[i];
			a->daily[out->ndaily++].n = a->info.daily[i];
		}
	out->daily = a->daily;
	out->created_today = a->info.daily[0];
	out->cache_hits = a->info.cache_hits;
	out->cache_misses = a->info.cache_misses;
	memcpy(&out->processing, &a->info.proc, sizeof(out->processing));

	if (!(idx = am_map_new()))
		return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
	memset(&sc, 0, sizeof(sc));
	while (!sc.done && rc == AWSMASK_OK) {
		if ((rc = am_store_scan(am->store, &sc))) {
			rc = failed(am, rc);
			break;
		}
		for (i = 0; i < sc.n && rc == AWSMASK_OK; i++) {
			const struct am_entry *e = &sc.entries[i];

			if (e->state == AM_ENTRY_PAIR) {
				out->mappings++;
				rc = count_kind(am, idx, e);
			} else if (e->state == AM_ENTRY_EXPIRED)
				out->expired++;
			else
				out->orphans++;
		}
		if (rc == AWSMASK_OK && fn && fn(arg, "scanning", sc.seen,
		    sc.total)) {
			out->stopped = 1;
			break;
		}
	}
	am_store_scan_end(am->store, &sc);
	am_map_free(idx);
	if (a->nkinds)
		qsort(a->kinds, a->nkinds, sizeof(*a->kinds), cmp_count);
	out->kinds = a->kinds;
	out->nkinds = a->nkinds;
	out->seconds = now_s() - t0;
	return rc;
down:
	rc = failed(am, rc);
	out->up = 0;
	out->error = am->err.msg;
	out->seconds = now_s() - t0;
	return rc;
}

/* The lock, and when its lease was last renewed. */
struct lock {
	char owner[96];
	int held;
	long long renewed;
};

static void
make_owner(char *buf, size_t size)
{
	unsigned char r[12];
	char host[64];
	size_t i, n;

	if (gethostname(host, sizeof(host)) < 0)
		strcpy(host, "localhost");
	host[sizeof(host) - 1] = '\0';
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
		long long t = (long long)now_s() * 1000003 ^ (long long)getpid();

		memcpy(r, &t, sizeof(t) < sizeof(r) ? sizeof(t) : sizeof(r));
	}
	n = (size_t)snprintf(buf, size, "%.40s:%ld:", host, (long)getpid());
	for (i = 0; i < sizeof(r) && n + 2 < size; i++, n += 2)
		snprintf(buf + n, size - n, "%02x", r[i]);
}

static int
lock_take(struct awsmask *am, struct lock *lk, unsigned flags,
    awsmask_progress_fn *fn, void *arg, int *stopped)
{
	struct timespec ts = { WAIT_MS / 1000, (WAIT_MS % 1000) * 1000000L };
	unsigned long long waited = 0;
	int rc, got;

	make_owner(lk->owner, sizeof(lk->owner));
	for (;;) {
		if ((rc = am_store_lock(am->store, AM_LOCK_TAKE, "cleanup",
		    lk->owner, LEASE_MS, &got)))
			return failed(am, rc);
		if (got || !(flags & AWSMASK_CLEANUP_WAIT))
			break;
		if (fn && fn(arg, "waiting", ++waited, 0)) {
			*stopped = 1;
			return AWSMASK_OK;
		}
		nanosleep(&ts, NULL);
	}
	lk->held = got;
	lk->renewed = am_store_now();
	return AWSMASK_OK;
}

/* Renew the lease when due; losing it stops the run. */
static int
lock_keep(struct awsmask *am, struct lock *lk)
{
	long long now = am_store_now();
	int rc, got;

	if (!lk->held || now - lk->renewed < EXTEND_EVERY)
		return AWSMASK_OK;
	if ((rc = am_store_lock(am->store, AM_LOCK_EXTEND, "cleanup",
	    lk->owner, LEASE_MS, &got)))
		return failed(am, rc);
	if (!got) {
		lk->held = 0;
		return am_seterr(&am->err, AWSMASK_ESTORE, "store '%s': lost the "
		    "lock 'cleanup' (its lease of %d s ran out)",
		    am->store->name, LEASE_MS / 1000);
	}
	lk->renewed = now;
	return AWSMASK_OK;
}

static void
lock_drop(struct awsmask *am, struct lock *lk)
{
	int got;

	if (lk->held && !am->store->err.code)
		am_store_lock(am->store, AM_LOCK_RELEASE, "cleanup", lk->owner,
		    0, &got);
	lk->held = 0;
}

/*
 * Idle times, bucketed: entries idle for less than `from` seconds are
 * not counted (they may not be evicted); above it, NBUCKETS buckets of
 * `width` seconds, the last also holding everything older, and one
 * more for pairs whose last use is unknown (the oldest of all).
 */
struct hist {
	unsigned long long b[NBUCKETS + 1];
	long long from, width;
};

static int
bucket_of(const struct hist *h, long long now, long long used)
{
	long long idle = now - used, k;

	if (used <= 0)
		return NBUCKETS;
	if (idle < h->from)
		return -1;
	k = (idle - h->from) / h->width;
	return k >= NBUCKETS ? NBUCKETS - 1 : (int)k;
}

/* Remove the n entries of cand, unused since before; count them. */
static int
remove_some(struct awsmask *am, struct am_entry *cand, size_t n,
    long long before, unsigned long long *count)
{
	size_t i;
	int rc;

	if (!n)
		return AWSMASK_OK;
	if ((rc = am_store_remove(am->store, cand, n, before)))
		return failed(am, rc);
	for (i = 0; i < n; i++)
		*count += cand[i].removed != 0;
	return AWSMASK_OK;
}

/* Room for a step's candidates. */
static int
cand_room(struct awsmask *am, struct am_entry **c, size_t *cap, size_t n)
{
	struct am_entry *p;

	if (n <= *cap)
		return AWSMASK_OK;
	if (!(p = am_realloc(*c, n * sizeof(*p))))
		return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
	*c = p;
	*cap = n;
	return AWSMASK_OK;
}

int
awsmask_cleanup(struct awsmask *am, unsigned flags, awsmask_progress_fn *fn,
    void *arg, struct awsmask_cleanup_result *res)
{
	int dry = flags & AWSMASK_CLEANUP_DRY_RUN;
	struct am_entry *orph = NULL, *dead = NULL, *evict = NULL;
	size_t cap = 0, capd = 0, cape = 0, i, no, nd, ne;
	struct hist *h = NULL;
	struct lock lk;
	struct am_scan sc;
	unsigned long long live = 0, excess, eligible = 0, above, quota = 0,
	    chosen = 0;
	long long now, g, orphan_before, evict_before, max;
	double t0 = now_s();
	int rc, cut = -1, b;

	if (!am || !res)
		return AWSMASK_EINVAL;
	memset(res, 0, sizeof(*res));
	memset(&lk, 0, sizeof(lk));
	memset(&sc, 0, sizeof(sc));
	max = res->max_entries = am->cfg->max_entries;
	res->min_idle = am->cfg->min_idle;
	g = res->granularity = am_store_granularity(am->cfg->ttl);
	if ((rc = am_store_ensure(am)))
		return failed(am, rc);
	if (!dry && ((rc = lock_take(am, &lk, flags, fn, arg, &res->stopped)) ||
	    res->stopped))
		goto out;
	if (!dry && !lk.held) {
		res->locked = 1;
		goto out;
	}
	now = am_store_now();
	orphan_before = now - (g > AM_ORPHAN_MIN_AGE ? g : AM_ORPHAN_MIN_AGE);
	evict_before = now - res->min_idle - g;
	if (max > 0) {
		if (!(h = am_calloc(1, sizeof(*h)))) {
			rc = am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
			goto out;
		}
		h->from = now - evict_before;
		h->width = (am->cfg->ttl + NBUCKETS - 1) / NBUCKETS;
		if (h->width < 1)
			h->width = 1;
	}

	/* 1. Orphans and expired rows go; live pairs are counted. */
	sc.flags = AM_SCAN_USED;
	while (!sc.done) {
		if ((rc = am_store_scan(am->store, &sc))) {
			rc = failed(am, rc);
			goto out;
		}
		if ((rc = cand_room(am, &orph, &cap, sc.n)) ||
		    (rc = cand_room(am, &dead, &capd, sc.n)))
			goto out;
		for (i = no = nd = 0; i < sc.n; i++) {
			const struct am_entry *e = &sc.entries[i];

			res->examined++;
			switch (e->state) {
			case AM_ENTRY_PAIR:
				live++;
				if (h && (b = bucket_of(h, now, e->used)) >= 0)
					h->b[b]++;
				break;
			case AM_ENTRY_EXPIRED:
				dead[nd++] = *e;
				break;
			default:
				if (e->used <= orphan_before)
					orph[no++] = *e;
				else
					res->orphans_young++;
				break;
			}
		}
		if (dry) {
			res->orphans += no;
			res->expired += nd;
		} else if ((rc = remove_some(am, dead, nd, now, &res->expired)) ||
		    (rc = remove_some(am, orph, no, orphan_before,
		    &res->orphans)) || (rc = lock_keep(am, &lk)))
			goto out;
		if (fn && fn(arg, "scanning", sc.seen, sc.total)) {
			res->stopped = 1;
			goto out;
		}
	}
	am_store_scan_end(am->store, &sc);

	/* 2. Over the cap: the least recently used pairs, idle enough. */
	excess = max > 0 && live > (unsigned long long)max ?
	    live - (unsigned long long)max : 0;
	if (excess) {
		for (b = NBUCKETS; b >= 0; b--)
			eligible += h->b[b];
		quota = excess < eligible ? excess : eligible;
		res->over_cap = excess - quota;
		/* The bucket where the quota is reached, and how many of
		 * its pairs go. */
		for (b = NBUCKETS, above = 0; b >= 0 && quota; b--) {
			if (above + h->b[b] >= quota) {
				cut = b;
				break;
			}
			above += h->b[b];
		}
		if (dry)
			res->evicted = quota;
	}
	if (excess && !dry && quota) {
		unsigned long long at_cut = quota - above;

		memset(&sc, 0, sizeof(sc));
		sc.flags = AM_SCAN_USED | AM_SCAN_CANDIDATES;
		while (!sc.done && chosen < quota) {
			if ((rc = am_store_scan(am->store, &sc))) {
				rc = failed(am, rc);
				goto out;
			}
			if ((rc = cand_room(am, &evict, &cape, sc.n)))
				goto out;
			for (i = ne = 0; i < sc.n && chosen < quota; i++) {
				const struct am_entry *e = &sc.entries[i];

				if (e->state != AM_ENTRY_PAIR ||
				    (b = bucket_of(h, now, e->used)) < cut)
					continue;
				if (b == cut) {
					if (!at_cut)
						continue;
					at_cut--;
				}
				evict[ne++] = *e;
				chosen++;
			}
			if ((rc = remove_some(am, evict, ne, evict_before,
			    &res->evicted)) || (rc = lock_keep(am, &lk)))
				goto out;
			if (fn && fn(arg, "evicting", res->evicted, quota)) {
				res->stopped = 1;
				goto out;
			}
		}
	}
	/* Short of the quota: pairs used between the two walks stay. */
	if (!dry && excess > res->evicted)
		res->over_cap = excess - res->evicted;
out:
	am_store_scan_end(am->store, &sc);
	res->kept = live > res->evicted ? live - res->evicted : 0;
	lock_drop(am, &lk);
	am_free(orph);
	am_free(dead);
	am_free(evict);
	am_free(h);
	res->seconds = now_s() - t0;
	return rc;
}
