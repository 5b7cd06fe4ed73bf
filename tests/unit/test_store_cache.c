/*
 * Unit tests for the response cache of the memory and SQLite stores
 * (cache_get, cache_put): misses, hits, binary values, TTLs on a fake
 * clock, overwrites, the hit and miss counters, the tables made at first
 * use without a schema change, a read-only file, bad arguments and a
 * failing allocator.  The Redis store's cache is tested end to end in
 * tests/cli/t5100-claude-cache.sh.
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
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "internal.h"

struct fixture {
	const char *scheme;
	char dir[64];
	char path[128];
	char uri[160];
};

static struct fixture memory_fx = { "memory", "", "", "" };
static struct fixture sqlite_fx = { "sqlite", "", "", "" };

static long long fake_now;
static long long (*real_now)(void);

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
	struct fixture *fx = *state;

	real_now = am_store_now;
	fake_now = 1000000;
	am_store_now = fake_clock;
	if (!strcmp(fx->scheme, "memory")) {
		strcpy(fx->uri, "memory:");
		return 0;
	}
	strcpy(fx->dir, "/tmp/awsmask-test-cache.XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	snprintf(fx->path, sizeof(fx->path), "%s/mappings.db", fx->dir);
	snprintf(fx->uri, sizeof(fx->uri), "sqlite://%s", fx->path);
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	am_store_now = real_now;
	if (*fx->dir) {
		chmod(fx->path, 0600);
		nftw(fx->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
		fx->dir[0] = '\0';
	}
	return 0;
}

static struct am_store *
open_store(const struct fixture *fx)
{
	struct am_store *st = NULL;
	struct am_error err = { AWSMASK_OK, "" };

	assert_int_equal(am_store_open(&st, fx->uri, NULL, &err), AWSMASK_OK);
	assert_non_null(st);
	return st;
}

static void
expect_miss(struct am_store *st, const char *key)
{
	char *v = (char *)"junk";
	size_t n = 99;

	assert_int_equal(am_store_cache_get(st, key, &v, &n), AWSMASK_OK);
	assert_null(v);
	assert_int_equal(n, 0);
}

static void
expect_hit(struct am_store *st, const char *key, const char *want,
    size_t wlen)
{
	char *v = NULL;
	size_t n = 0;

	assert_int_equal(am_store_cache_get(st, key, &v, &n), AWSMASK_OK);
	assert_non_null(v);
	assert_int_equal(n, wlen);
	assert_memory_equal(v, want, wlen);
	assert_int_equal(v[n], '\0');
	am_free(v);
}

/* The stats row cache:<name> of a SQLite file, or -1 when it has none
 * (-2 when the file cannot be read). */
static long long
sqlite_count_raw(const char *path, const char *name)
{
	sqlite3 *db;
	sqlite3_stmt *q;
	long long n = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return -2;
	}
	if (sqlite3_prepare_v2(db, "SELECT n FROM stats WHERE kind = "
	    "'cache:' || ?1", -1, &q, NULL) == SQLITE_OK) {
		sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
		if (sqlite3_step(q) == SQLITE_ROW)
			n = sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
	}
	sqlite3_close(db);
	return n;
}

static long long
sqlite_count(const char *path, const char *name)
{
	long long n = sqlite_count_raw(path, name);

	assert_true(n >= -1);
	return n;
}

static void
test_hit_miss_ttl(void **state)
{
	struct fixture *fx = *state;
	struct am_store *st = open_store(fx);
	static const char bin[] = "{\"a\":1}\0\xff tail";

	expect_miss(st, "k1");
	assert_int_equal(am_store_cache_put(st, "k1", bin, sizeof(bin), 3600),
	    AWSMASK_OK);
	expect_hit(st, "k1", bin, sizeof(bin));
	expect_miss(st, "k2");
	/* Live until its TTL is over, then gone. */
	fake_now += 3599;
	expect_hit(st, "k1", bin, sizeof(bin));
	fake_now += 1;
	expect_miss(st, "k1");
	/* An overwrite replaces value and TTL; an empty value is a value. */
	assert_int_equal(am_store_cache_put(st, "k1", "one", 3, 10), AWSMASK_OK);
	assert_int_equal(am_store_cache_put(st, "k1", "two!", 4, 20), AWSMASK_OK);
	fake_now += 15;
	expect_hit(st, "k1", "two!", 4);
	assert_int_equal(am_store_cache_put(st, "k3", NULL, 0, 20), AWSMASK_OK);
	expect_hit(st, "k3", "", 0);
	am_store_close(st);

	if (!strcmp(fx->scheme, "sqlite")) {
		/* 4 hits (k1 twice, k1, k3) and 3 misses (k1, k2, k1). */
		assert_int_equal(sqlite_count(fx->path, "hits"), 4);
		assert_int_equal(sqlite_count(fx->path, "misses"), 3);
		/* A second process sees the same cache. */
		st = open_store(fx);
		expect_hit(st, "k1", "two!", 4);
		am_store_close(st);
	} else {
		/* memory: a new handle is a new, empty store. */
		st = open_store(fx);
		expect_miss(st, "k1");
		am_store_close(st);
	}
}

static int
user_version(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *q;
	int v;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &q,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	v = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	sqlite3_close(db);
	return v;
}

/* The cache tables come at first use; the schema version stays. */
static void
test_sqlite_schema(void **state)
{
	struct fixture *fx = *state;
	struct am_store *st = open_store(fx);
	int v = user_version(fx->path);

	assert_true(v > 0);
	assert_int_equal(sqlite_count(fx->path, "misses"), -1);
	expect_miss(st, "k");
	assert_int_equal(sqlite_count(fx->path, "misses"), 1);
	am_store_close(st);
	assert_int_equal(user_version(fx->path), v);
}

/*
 * Read-only files.  Root ignores file modes, so the checks run in a
 * child that drops to nobody when it is root, in a folder of its own;
 * it reports by its exit status: 0, or the failing line.
 */
#define CHECK(c) do { if (!(c)) { \
	fprintf(stderr, "readonly check failed: line %d: %s\n", __LINE__, \
	    #c); _exit(__LINE__ % 250 + 1); } } while (0)

static int
child_get(struct am_store *st, const char *key, const char *want)
{
	char *v = NULL;
	size_t n = 0;
	int ok;

	if (am_store_cache_get(st, key, &v, &n) != AWSMASK_OK)
		return 0;
	ok = want ? v && n == strlen(want) && !memcmp(v, want, n) : !v;
	am_free(v);
	return ok;
}

static void
readonly_child(void)
{
	char dir[] = "/tmp/awsmask-test-cache-ro.XXXXXX", path[128], uri[160];
	struct am_error err = { AWSMASK_OK, "" };
	struct am_store_item it = { "i-0abc", 6, "EC2", "ec2-instance", NULL, 0 };
	struct am_store *st;

	if (geteuid() == 0 && (setgid(65534) < 0 || setuid(65534) < 0))
		_exit(200);
	if (!mkdtemp(dir))
		_exit(201);
	/* A file that had a cache: gets work and count nothing; puts fail. */
	snprintf(path, sizeof(path), "%s/a.db", dir);
	snprintf(uri, sizeof(uri), "sqlite:%s", path);
	CHECK(am_store_open(&st, uri, NULL, &err) == 0);
	CHECK(am_store_cache_put(st, "k", "v", 1, 60) == 0);
	am_store_close(st);
	CHECK(chmod(path, 0400) == 0);
	CHECK(am_store_open(&st, uri, NULL, &err) == 0);
	CHECK(child_get(st, "k", "v"));
	CHECK(child_get(st, "other", NULL));
	CHECK(am_store_cache_put(st, "k2", "v", 1, 60) == AWSMASK_ESTORE);
	CHECK(strstr(st->err.msg, "readonly") != NULL);
	am_store_close(st);
	CHECK(sqlite_count_raw(path, "hits") == -1);
	/* A file that never had one: every get misses, without error. */
	snprintf(path, sizeof(path), "%s/b.db", dir);
	snprintf(uri, sizeof(uri), "sqlite:%s", path);
	CHECK(am_store_open(&st, uri, NULL, &err) == 0);
	CHECK(am_store_mask_many(st, &it, 1) == 0);
	am_store_items_release(&it, 1);
	am_store_close(st);
	CHECK(chmod(path, 0400) == 0);
	CHECK(am_store_open(&st, uri, NULL, &err) == 0);
	CHECK(child_get(st, "k", NULL));
	CHECK(child_get(st, "k", NULL));
	am_store_close(st);
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	_exit(0);
}

static void
test_sqlite_readonly(void **state)
{
	pid_t pid;
	int status;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		readonly_child();
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void
test_bad_arguments(void **state)
{
	struct fixture *fx = *state;
	struct am_store *st = open_store(fx);
	char *v;
	size_t n;

	assert_int_equal(am_store_cache_get(NULL, "k", &v, &n), AWSMASK_EINVAL);
	assert_null(v);
	assert_int_equal(am_store_cache_get(st, NULL, &v, &n), AWSMASK_EINVAL);
	assert_int_equal(am_store_cache_get(st, "k", NULL, &n), AWSMASK_EINVAL);
	assert_int_equal(am_store_cache_put(NULL, "k", "v", 1, 1),
	    AWSMASK_EINVAL);
	assert_int_equal(am_store_cache_put(st, "k", "v", 1, 0), AWSMASK_EINVAL);
	assert_int_equal(am_store_cache_put(st, "k", NULL, 1, 1),
	    AWSMASK_EINVAL);
	/* Bad arguments do not break the store. */
	assert_int_equal(am_store_cache_put(st, "k", "v", 1, 1), AWSMASK_OK);
	expect_hit(st, "k", "v", 1);
	am_store_close(st);
}

static int fail_now;

static void *
failing_malloc(size_t n)
{
	return fail_now ? NULL : malloc(n);
}

static void *
failing_calloc(size_t n, size_t s)
{
	return fail_now ? NULL : calloc(n, s);
}

static void *
failing_realloc(void *p, size_t n)
{
	return fail_now ? NULL : realloc(p, n);
}

/* Out of memory in the memory store: the error sticks. */
static void
test_nomem(void **state)
{
	static const struct am_allocator a = {
		failing_malloc, failing_calloc, failing_realloc, free
	};
	struct fixture *fx = *state;
	struct am_store *st = open_store(fx);
	char *v;
	size_t n;
	int rc;

	assert_int_equal(am_store_cache_put(st, "k", "v", 1, 60), AWSMASK_OK);
	am_set_allocator(&a);
	fail_now = 1;
	rc = am_store_cache_get(st, "k", &v, &n);
	fail_now = 0;
	am_set_allocator(NULL);
	assert_int_equal(rc, AWSMASK_ENOMEM);
	assert_null(v);
	assert_int_equal(am_store_cache_get(st, "k", &v, &n), AWSMASK_ENOMEM);
	am_store_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_prestate_setup_teardown(test_hit_miss_ttl,
		    setup, teardown, &memory_fx),
		cmocka_unit_test_prestate_setup_teardown(test_hit_miss_ttl,
		    setup, teardown, &sqlite_fx),
		cmocka_unit_test_prestate_setup_teardown(test_sqlite_schema,
		    setup, teardown, &sqlite_fx),
		cmocka_unit_test(test_sqlite_readonly),
		cmocka_unit_test_prestate_setup_teardown(test_bad_arguments,
		    setup, teardown, &memory_fx),
		cmocka_unit_test_prestate_setup_teardown(test_bad_arguments,
		    setup, teardown, &sqlite_fx),
		cmocka_unit_test_prestate_setup_teardown(test_nomem,
		    setup, teardown, &memory_fx),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
