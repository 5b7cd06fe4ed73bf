/*
 * Unit tests for lib/store_admin.c: awsmask_stats() and awsmask_cleanup()
 * through the public API, on the memory and embedded stores, with a fake
 * clock: counts by prefix, processing figures, eviction of the least
 * recently used, --min-idle and its granularity, dry runs, the lock
 * (held, waited for, released when stopped), a store that is down, and
 * NULL arguments.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "mask.h"

static long long fake_now;
static long long (*real_now)(void);
static char dir[64];

static long long
fake_clock(void)
{
	return fake_now;
}

static int
rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int
setup(void **state)
{
	(void)state;
	real_now = am_store_now;
	fake_now = 1800000000;
	am_store_now = fake_clock;
	strcpy(dir, "/tmp/awsmask-test-admin.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	am_store_now = real_now;
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

/* A context on `store` (NULL: sqlite in the test folder). */
static struct awsmask *
ctx(struct awsmask_config **cfg, const char *store, const char *max,
    const char *min_idle)
{
	struct awsmask *am;
	char uri[128];

	if (!store) {
		snprintf(uri, sizeof(uri), "sqlite:%s/m.db", dir);
		store = uri;
	}
	assert_int_equal(awsmask_config_new(cfg), AWSMASK_OK);
	assert_int_equal(awsmask_config_set(*cfg, "store", store), AWSMASK_OK);
	assert_int_equal(awsmask_config_set(*cfg, "state_dir", dir),
	    AWSMASK_OK);
	if (max)
		assert_int_equal(awsmask_config_set(*cfg, "max_entries", max),
		    AWSMASK_OK);
	if (min_idle)
		assert_int_equal(awsmask_config_set(*cfg, "min_idle", min_idle),
		    AWSMASK_OK);
	assert_int_equal(awsmask_new(*cfg, &am), AWSMASK_OK);
	return am;
}

static void
done(struct awsmask *am, struct awsmask_config *cfg)
{
	awsmask_free(am);
	awsmask_config_free(cfg);
}

static char *
mask(struct awsmask *am, const char *in)
{
	char *out;
	size_t n;

	assert_int_equal(awsmask_mask_buffer(am, in, strlen(in), &out, &n),
	    AWSMASK_OK);
	return out;
}

static void
mask_free(struct awsmask *am, const char *in)
{
	am_free(mask(am, in));
}

/* Mask i-<n> for n in [from, to), one call each, a second apart. */
static void
mask_ids(struct awsmask *am, int from, int to)
{
	char in[32];
	int i;

	for (i = from; i < to; i++) {
		snprintf(in, sizeof(in), "i-%017x\n", i);
		mask_free(am, in);
	}
}

static void
test_stats_counts(void **state)
{
	struct awsmask_config *cfg;
	struct awsmask *am = ctx(&cfg, "memory:", NULL, NULL);
	struct awsmask_stats st;

	(void)state;
	mask_free(am, "i-0abc12de34f567890 vpc-0123456789abcdef0 10.1.2.3 "
	    "i-0fedcba9876543210 10.1.2.3\n");
	assert_int_equal(awsmask_stats(am, &st, NULL, NULL), AWSMASK_OK);
	assert_true(st.up);
	assert_string_equal(st.backend, "memory");
	assert_string_equal(st.store, "memory:");
	assert_int_equal(st.mappings, 4);
	assert_int_equal(st.nkinds, 3);
	assert_string_equal(st.kinds[0].name, "EC2");
	assert_int_equal(st.kinds[0].n, 2);
	assert_string_equal(st.kinds[1].name, "PRIVATE_IP");
	assert_string_equal(st.kinds[2].name, "VPC");
	assert_int_equal(st.total_created, 4);
	assert_int_equal(st.ndaily, 1);
	assert_int_equal(st.daily[0].n, 4);
	assert_int_equal(st.created_today, 4);
	assert_int_equal(st.orphans, 0);
	assert_int_equal(st.processing.mask_runs, 1);
	assert_int_equal(st.processing.mask_identifiers, 5);
	assert_int_equal(st.processing.mask_bytes, 80);
	assert_int_equal(st.breaker, -1);
	assert_int_equal(st.used_memory, -1);
	assert_null(st.maxmemory_policy);
	assert_int_equal(st.granularity, 120);
	/* Again: the arrays are the new call's. */
	mask_free(am, "subnet-0123456789abcdef0\n");
	assert_int_equal(awsmask_stats(am, &st, NULL, NULL), AWSMASK_OK);
	assert_int_equal(st.nkinds, 4);
	assert_int_equal(st.processing.mask_runs, 1);
	assert_int_equal(st.processing.mask_identifiers, 6);
	done(am, cfg);
	assert_int_equal(awsmask_stats(NULL, &st, NULL, NULL), AWSMASK_EINVAL);
}

static void
test_stats_down(void **state)
{
	struct awsmask_config *cfg;
	struct awsmask *am = ctx(&cfg, "sqlite:/proc/no-such/m.db", NULL,
	    NULL);
	struct awsmask_stats st;
	struct awsmask_cleanup_result r;

	(void)state;
	assert_int_equal(awsmask_stats(am, &st, NULL, NULL), AWSMASK_ESTORE);
	assert_false(st.up);
	assert_non_null(strstr(st.error, "/proc/no-such"));
	assert_string_equal(st.backend, "sqlite");
	done(am, cfg);
	am = ctx(&cfg, "sqlite:/proc/no-such/m.db", NULL, NULL);
	assert_int_equal(awsmask_cleanup(am, 0, NULL, NULL, &r),
	    AWSMASK_ESTORE);
	assert_non_null(strstr(awsmask_errstr(am), "/proc/no-such"));
	done(am, cfg);
	assert_int_equal(awsmask_cleanup(NULL, 0, NULL, NULL, &r),
	    AWSMASK_EINVAL);
}

/* Ten mappings, the i-th used at start + 1000 i; an hour later. */
static long long
ten(struct awsmask *am)
{
	long long start = fake_now;
	int i;

	for (i = 0; i < 10; i++) {
		fake_now = start + 1000 * i;
		mask_ids(am, i, i + 1);
	}
	fake_now = start + 9000 + 3600;
	return start;
}

static unsigned long long
live(struct awsmask_config **cfg, const char *store)
{
	struct awsmask *am = ctx(cfg, store, NULL, NULL);
	struct awsmask_stats st;
	unsigned long long n;

	assert_int_equal(awsmask_stats(am, &st, NULL, NULL), AWSMASK_OK);
	n = st.mappings;
	done(am, *cfg);
	return n;
}

static void
test_cleanup_lru(void **state)
{
	struct awsmask_config *cfg;
	struct awsmask *am = ctx(&cfg, NULL, "3", "0");
	struct awsmask_cleanup_result r;
	char *out;

	(void)state;
	ten(am);
	assert_int_equal(awsmask_cleanup(am, 0, NULL, NULL, &r), AWSMASK_OK);
	assert_int_equal(r.examined, 10);
	assert_int_equal(r.evicted, 7);
	assert_int_equal(r.kept, 3);
	assert_int_equal(r.over_cap, 0);
	assert_int_equal(r.max_entries, 3);
	done(am, cfg);
	/* The three most recent are left, and numbers go on. */
	am = ctx(&cfg, NULL, NULL, NULL);
	out = mask(am, "i-00000000000000009 i-00000000000000007 "
	    "i-00000000000000000\n");
	assert_string_equal(out, "EC2_010 EC2_008 EC2_011\n");
	am_free(out);
	done(am, cfg);
}

static void
test_cleanup_min_idle(void **state)
{
	struct awsmask_config *cfg;
	struct awsmask *am = ctx(&cfg, "memory:", "1", "1h");
	struct awsmask_cleanup_result r;

	(void)state;
	/* Used 3600 + 9000 - 1000 i s ago; idle enough when that is at
	 * least 3600 + 120: i <= 8. */
	ten(am);
	assert_int_equal(awsmask_cleanup(am, AWSMASK_CLEANUP_DRY_RUN, NULL,
	    NULL, &r), AWSMASK_OK);
	assert_int_equal(r.evicted, 9);
	assert_int_equal(r.over_cap, 0);
	assert_int_equal(r.kept, 1);
	/* 3500 s earlier, idle 9100 - 1000 i: only i <= 5 reach 3720. */
	fake_now -= 3500;
	assert_int_equal(awsmask_cleanup(am, 0, NULL, NULL, &r), AWSMASK_OK);
	assert_int_equal(r.evicted, 6);
	assert_int_equal(r.over_cap, 3);
	assert_int_equal(r.kept, 4);
	assert_int_equal(r.min_idle, 3600);
	assert_int_equal(r.granularity, 120);
	done(am, cfg);
}

static void
test_cleanup_dry_run(void **state)
{
	struct awsmask_config *cfg;
	struct awsmask *am = ctx(&cfg, NULL, "2", "0");
	struct awsmask_cleanup_result r;

	(void)state;
	ten(am);
	assert_int_equal(awsmask_cleanup(am, AWSMASK_CLEANUP_DRY_RUN, NULL,
	    NULL, &r), AWSMASK_OK);
	assert_int_equal(r.evicted, 8);
	assert_int_equal(r.kept, 2);
	done(am, cfg);
	assert_int_equal(live(&cfg, NULL), 10);
}

struct waiter {
	int calls;
	int stop_at_scan;
};

static int
progress(void *arg, const char *phase, unsigned long long n,
    unsigned long long total)
{
	struct waiter *w = arg;

	(void)n;
	(void)total;
	w->calls++;
	if (!strcmp(phase, "waiting"))
		fake_now += 61;		/* the other run's lease runs out */
	return !strcmp(phase, "scanning") && w->stop_at_scan;
}

static void
test_cleanup_lock(void **state)
{
	struct awsmask_config *cfg;
	struct awsmask *am = ctx(&cfg, NULL, "2", "0");
	struct awsmask_cleanup_result r;
	struct waiter w = { 0, 0 };
	int got;

	(void)state;
	ten(am);
	assert_int_equal(am_store_lock(am->store, AM_LOCK_TAKE, "cleanup",
	    "other:1:ab", 60000, &got), AWSMASK_OK);
	assert_true(got);
	assert_int_equal(awsmask_cleanup(am, 0, NULL, NULL, &r), AWSMASK_OK);
	assert_true(r.locked);
	assert_int_equal(r.evicted, 0);
	assert_int_equal(r.examined, 0);
	/* Waiting for it: the lease runs out (the fake clock moves). */
	assert_int_equal(awsmask_cleanup(am, AWSMASK_CLEANUP_WAIT, progress,
	    &w, &r), AWSMASK_OK);
	assert_false(r.locked);
	assert_int_equal(r.evicted, 8);
	assert_true(w.calls >= 2);
	/* Released: another owner gets it at once. */
	assert_int_equal(am_store_lock(am->store, AM_LOCK_TAKE, "cleanup",
	    "other:1:ab", 60000, &got), AWSMASK_OK);
	assert_true(got);
	am_store_lock(am->store, AM_LOCK_RELEASE, "cleanup", "other:1:ab", 0,
	    &got);
	done(am, cfg);
}

static void
test_cleanup_stopped(void **state)
{
	struct awsmask_config *cfg;
	struct awsmask *am = ctx(&cfg, NULL, "2", "0");
	struct awsmask_cleanup_result r;
	struct awsmask_stats st;
	struct waiter w = { 0, 1 };
	int got;

	(void)state;
	ten(am);
	assert_int_equal(awsmask_cleanup(am, 0, progress, &w, &r), AWSMASK_OK);
	assert_true(r.stopped);
	assert_int_equal(r.evicted, 0);
	assert_int_equal(am_store_lock(am->store, AM_LOCK_TAKE, "cleanup",
	    "other:1:ab", 60000, &got), AWSMASK_OK);
	assert_true(got);	/* the stopped run let it go */
	am_store_lock(am->store, AM_LOCK_RELEASE, "cleanup", "other:1:ab", 0,
	    &got);
	assert_int_equal(awsmask_stats(am, &st, progress, &w), AWSMASK_OK);
	assert_true(st.stopped);
	done(am, cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_stats_counts, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_stats_down, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cleanup_lru, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cleanup_min_idle, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cleanup_dry_run, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cleanup_lock, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cleanup_stopped, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
