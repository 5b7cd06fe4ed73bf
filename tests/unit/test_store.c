/*
 * Unit tests for lib/store.c, lib/store_memory.c and lib/store_sqlite.c:
 * the bijection, counters, TTLs (on a fake clock), binary originals,
 * sticky errors, file modes, read-only files, allocation failures, and
 * many processes sharing one SQLite file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "internal.h"

/* One backend under test: a fresh store per test. */
struct fixture {
	const char *scheme;	/* "memory" or "sqlite" */
	char dir[64];		/* sqlite: a mkdtemp folder */
	char path[128];		/* sqlite: the database file */
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

static void
rm_rf(const char *dir)
{
	if (*dir)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
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
	strcpy(fx->dir, "/tmp/awsmask-test-store.XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	snprintf(fx->path, sizeof(fx->path), "%s/state/mappings.db", fx->dir);
	snprintf(fx->uri, sizeof(fx->uri), "sqlite://%s", fx->path);
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	am_store_now = real_now;
	am_set_allocator(NULL);
	rm_rf(fx->dir);
	fx->dir[0] = '\0';
	return 0;
}

static struct am_store *
open_store(const struct fixture *fx)
{
	struct am_error err = { 0, "" };
	struct am_store *st = NULL;

	assert_int_equal(am_store_open(&st, fx->uri, NULL, &err), AWSMASK_OK);
	assert_non_null(st);
	return st;
}

/* Mask one original; its token goes to tok.  Returns the store's code. */
static int
mask1(struct am_store *st, const char *key, size_t klen, const char *prefix,
    char *tok, size_t toksize)
{
	struct am_store_item it;
	int rc;

	memset(&it, 0, sizeof(it));
	it.key = key;
	it.key_len = klen;
	it.prefix = prefix;
	it.kind = "test-kind";
	rc = am_store_mask_many(st, &it, 1);
	if (rc == AWSMASK_OK) {
		assert_non_null(it.value);
		assert_int_equal(strlen(it.value), it.value_len);
		assert_true(it.value_len < toksize);
		memcpy(tok, it.value, it.value_len + 1);
	} else {
		assert_null(it.value);
	}
	am_store_items_release(&it, 1);
	return rc;
}

static const char *
mask_ok(struct am_store *st, const char *key, const char *prefix)
{
	static char tok[128];

	assert_int_equal(mask1(st, key, strlen(key), prefix, tok,
	    sizeof(tok)), AWSMASK_OK);
	return tok;
}

/* Unmask one token: the original (malloc'd by am_malloc) or NULL. */
static char *
unmask1(struct am_store *st, const char *tok, size_t *len)
{
	struct am_store_item it;

	memset(&it, 0, sizeof(it));
	it.key = tok;
	it.key_len = strlen(tok);
	assert_int_equal(am_store_unmask_many(st, &it, 1), AWSMASK_OK);
	if (it.value) {
		assert_int_equal(it.value[it.value_len], '\0');
		if (len)
			*len = it.value_len;
	}
	return it.value;
}

static void
assert_unmasks_to(struct am_store *st, const char *tok, const char *orig)
{
	char *v = unmask1(st, tok, NULL);

	assert_non_null(v);
	assert_string_equal(v, orig);
	am_free(v);
}

static void
assert_unknown(struct am_store *st, const char *tok)
{
	char *v = unmask1(st, tok, NULL);

	assert_null(v);
}

static void
test_token_format(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(am_token_format(buf, sizeof(buf), "EC2", 1), 7);
	assert_string_equal(buf, "EC2_001");
	assert_int_equal(am_token_format(buf, sizeof(buf), "EC2", 999), 7);
	assert_string_equal(buf, "EC2_999");
	assert_int_equal(am_token_format(buf, sizeof(buf), "EC2", 1234), 8);
	assert_string_equal(buf, "EC2_1234");
	assert_int_equal(am_token_format(buf, sizeof(buf), "EC2", 0), 7);
	assert_string_equal(buf, "EC2_000");
	assert_int_equal(am_token_format(buf, sizeof(buf), "NAT_GW",
	    ULLONG_MAX), 6 + 1 + 20);
	assert_string_equal(buf, "NAT_GW_18446744073709551615");
	/* Exactly enough room, and one byte short. */
	assert_int_equal(am_token_format(buf, 8, "EC2", 1), 7);
	assert_int_equal(am_token_format(buf, 7, "EC2", 1), -1);
	assert_string_equal(buf, "");
	assert_int_equal(am_token_format(buf, 0, "EC2", 1), -1);
	assert_int_equal(am_token_format(NULL, 64, "EC2", 1), -1);
	assert_int_equal(am_token_format(buf, sizeof(buf), NULL, 1), -1);
	assert_int_equal(am_token_format(buf, sizeof(buf), "", 1), -1);
}

static void
test_open_errors(void **state)
{
	struct am_error err = { 0, "" };
	struct am_store *st = (struct am_store *)1;

	(void)state;
	am_store_close(NULL);
	assert_int_equal(am_store_open(NULL, "memory:", NULL, &err),
	    AWSMASK_EINVAL);
	assert_int_equal(am_store_open(&st, NULL, NULL, &err), AWSMASK_EINVAL);
	assert_null(st);

	/* Only the scheme is quoted back, never the rest of the URI. */
	assert_int_equal(am_store_open(&st, "xyz://bob:hunter2@host/0", NULL,
	    &err), AWSMASK_ECONFIG);
	assert_null(st);
	assert_string_equal(err.msg, "unknown store 'xyz:'");
	assert_int_equal(am_store_open(&st, "hunter2", NULL, &err),
	    AWSMASK_ECONFIG);
	assert_null(strstr(err.msg, "hunter2"));
	assert_int_equal(am_store_open(&st, "", NULL, &err), AWSMASK_ECONFIG);
	assert_int_equal(am_store_open(&st, ":x", NULL, &err), AWSMASK_ECONFIG);
#ifndef HAVE_HIREDIS
	assert_int_equal(am_store_open(&st, "redis://:hunter2@localhost", NULL,
	    &err), AWSMASK_ECONFIG);
	assert_non_null(strstr(err.msg, "redis support not built"));
	assert_null(strstr(err.msg, "hunter2"));
	assert_int_equal(am_store_open(&st, "unix:///run/redis.sock", NULL,
	    &err), AWSMASK_ECONFIG);
	assert_non_null(strstr(err.msg, "redis support not built"));
#endif
	assert_int_equal(am_store_open(&st, "sqlite:", NULL, &err),
	    AWSMASK_ECONFIG);
	assert_int_equal(am_store_open(&st, "sqlite://host/x.db", NULL, &err),
	    AWSMASK_ECONFIG);
	assert_null(st);

	/* Without a NULL err, failures still come back as codes. */
	assert_int_equal(am_store_open(&st, "nope:", NULL, NULL),
	    AWSMASK_ECONFIG);

	/* NULL stores and empty batches. */
	assert_int_equal(am_store_mask_many(NULL, NULL, 0), AWSMASK_EINVAL);
	assert_int_equal(am_store_unmask_many(NULL, NULL, 0), AWSMASK_EINVAL);
	am_store_items_release(NULL, 3);
}

static void
test_open_settings(void **state)
{
	struct am_error err = { 0, "" };
	struct am_config cfg;
	struct am_store *st;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.ttl = 42;
	cfg.ns = "team:";
	cfg.timeout_ms = 1234;
	assert_int_equal(am_store_open(&st, "memory://bob:hunter2@x?a=1&"
	    "password=hunter2&b=2", &cfg, &err), AWSMASK_OK);
	assert_int_equal(st->ttl, 42);
	assert_string_equal(st->ns, "team:");
	assert_int_equal(st->timeout_ms, 1234);
	assert_ptr_equal(st->cfg, &cfg);
	assert_string_equal(st->name,
	    "memory://bob:***@x?a=1&password=***&b=2");
	assert_ptr_equal(st->ops, &am_store_memory_ops);
	am_store_close(st);

	/* Defaults without a configuration; schemes ignore case. */
	assert_int_equal(am_store_open(&st, "MEMORY:", NULL, &err), AWSMASK_OK);
	assert_int_equal(st->ttl, 604800);
	assert_string_equal(st->ns, "aws:");
	assert_int_equal(st->timeout_ms, 2000);
	assert_string_equal(st->name, "MEMORY:");
	am_store_close(st);
}

static void
test_bijection(void **state)
{
	struct am_store *st = open_store(*state);
	char a[64], b[64];

	strcpy(a, mask_ok(st, "i-0abc12de34f567890", "EC2"));
	assert_string_equal(a, "EC2_001");
	assert_string_equal(mask_ok(st, "i-0abc12de34f567890", "EC2"),
	    "EC2_001");
	strcpy(b, mask_ok(st, "i-0fff12de34f567890", "EC2"));
	assert_string_equal(b, "EC2_002");
	assert_string_equal(mask_ok(st, "vpc-0123456789abcdef0", "VPC"),
	    "VPC_001");
	assert_string_equal(mask_ok(st, "i-0abc12de34f567890", "EC2"),
	    "EC2_001");
	assert_unmasks_to(st, "EC2_001", "i-0abc12de34f567890");
	assert_unmasks_to(st, "EC2_002", "i-0fff12de34f567890");
	assert_unmasks_to(st, "VPC_001", "vpc-0123456789abcdef0");
	assert_unknown(st, "EC2_003");
	assert_unknown(st, "VPC_000");
	assert_unknown(st, "");
	assert_unknown(st, "i-0abc12de34f567890");
	am_store_close(st);
}

static void
test_batch(void **state)
{
	struct am_store *st = open_store(*state);
	struct am_store_item it[6];
	static const char *const keys[] = {
		"10.0.1.2", "10.0.1.3", "10.0.1.2", "subnet-1234abcd",
		"10.0.1.3", "10.0.1.2",
	};
	static const char *const want[] = {
		"PRIVATE_IP_001", "PRIVATE_IP_002", "PRIVATE_IP_001",
		"SUBNET_001", "PRIVATE_IP_002", "PRIVATE_IP_001",
	};
	size_t i;

	memset(it, 0, sizeof(it));
	for (i = 0; i < 6; i++) {
		it[i].key = keys[i];
		it[i].key_len = strlen(keys[i]);
		it[i].prefix = strchr(keys[i], '-') ? "SUBNET" : "PRIVATE_IP";
		it[i].kind = strchr(keys[i], '-') ? "subnet" : "ipv4-private";
	}
	assert_int_equal(am_store_mask_many(st, it, 6), AWSMASK_OK);
	for (i = 0; i < 6; i++) {
		assert_string_equal(it[i].value, want[i]);
		assert_int_equal(it[i].value_len, strlen(want[i]));
	}
	am_store_items_release(it, 6);
	for (i = 0; i < 6; i++)
		assert_null(it[i].value);

	/* The same batch of tokens back, with an unknown one among them. */
	memset(it, 0, sizeof(it));
	for (i = 0; i < 6; i++) {
		it[i].key = i == 4 ? "SUBNET_002" : want[i];
		it[i].key_len = strlen(it[i].key);
	}
	assert_int_equal(am_store_unmask_many(st, it, 6), AWSMASK_OK);
	for (i = 0; i < 6; i++) {
		if (i == 4) {
			assert_null(it[i].value);
			continue;
		}
		assert_string_equal(it[i].value, keys[i]);
	}
	am_store_items_release(it, 6);

	/* An empty batch does nothing. */
	assert_int_equal(am_store_mask_many(st, it, 0), AWSMASK_OK);
	assert_int_equal(am_store_unmask_many(st, NULL, 0), AWSMASK_OK);
	am_store_close(st);
}

static void
test_binary_originals(void **state)
{
	struct am_store *st = open_store(*state);
	char tok[64], tok2[64], tok3[64], big[10240], *v;
	size_t i, n;

	assert_int_equal(mask1(st, "a\0b", 3, "BUCKET", tok, sizeof(tok)), 0);
	assert_int_equal(mask1(st, "a\0c", 3, "BUCKET", tok2, sizeof(tok2)), 0);
	assert_int_equal(mask1(st, "a", 1, "BUCKET", tok3, sizeof(tok3)), 0);
	assert_string_not_equal(tok, tok2);
	assert_string_not_equal(tok, tok3);
	assert_string_not_equal(tok2, tok3);
	v = unmask1(st, tok, &n);
	assert_non_null(v);
	assert_int_equal(n, 3);
	assert_memory_equal(v, "a\0b", 3);
	am_free(v);

	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)(i % 251);	/* NULs and high bytes */
	assert_int_equal(mask1(st, big, sizeof(big), "SECRET_KEY", tok,
	    sizeof(tok)), 0);
	assert_string_equal(tok, "SECRET_KEY_001");
	assert_int_equal(mask1(st, big, sizeof(big), "SECRET_KEY", tok2,
	    sizeof(tok2)), 0);
	assert_string_equal(tok2, tok);
	v = unmask1(st, tok, &n);
	assert_non_null(v);
	assert_int_equal(n, sizeof(big));
	assert_memory_equal(v, big, sizeof(big));
	am_free(v);

	/* The empty original is an original too. */
	assert_int_equal(mask1(st, "", 0, "ARN", tok, sizeof(tok)), 0);
	v = unmask1(st, tok, &n);
	assert_non_null(v);
	assert_int_equal(n, 0);
	am_free(v);
	am_store_close(st);
}

static void
test_ttl(void **state)
{
	struct am_store *st = open_store(*state);

	st->ttl = 10;
	assert_string_equal(mask_ok(st, "i-1", "EC2"), "EC2_001");
	fake_now += 9;		/* live: unmask refreshes it to now + 10 */
	assert_unmasks_to(st, "EC2_001", "i-1");
	fake_now += 9;		/* live: mask refreshes it too */
	assert_string_equal(mask_ok(st, "i-1", "EC2"), "EC2_001");
	fake_now += 9;
	assert_unmasks_to(st, "EC2_001", "i-1");
	fake_now += 10;		/* expired: expires == now is not live */
	assert_unknown(st, "EC2_001");
	/* A new token, and the old number is not given again. */
	assert_string_equal(mask_ok(st, "i-1", "EC2"), "EC2_002");
	assert_unmasks_to(st, "EC2_002", "i-1");
	assert_unknown(st, "EC2_001");

	/* Expired on mask, not on unmask first. */
	assert_string_equal(mask_ok(st, "i-2", "EC2"), "EC2_003");
	fake_now += 11;
	assert_string_equal(mask_ok(st, "i-2", "EC2"), "EC2_004");
	assert_unknown(st, "EC2_003");
	assert_unmasks_to(st, "EC2_004", "i-2");
	am_store_close(st);
}

/* A call with a bad item fails, and the store stays failed. */
static void
test_errors_stick(void **state)
{
	struct am_store *st = open_store(*state);
	struct am_store_item it[2];
	char tok[64];

	memset(it, 0, sizeof(it));
	it[0].key = "i-1";
	it[0].key_len = 3;
	it[0].prefix = "EC2";
	it[1].key = "i-2";
	it[1].key_len = 3;
	it[1].prefix = NULL;
	assert_int_equal(am_store_mask_many(st, it, 2), AWSMASK_EINVAL);
	assert_null(it[0].value);
	assert_null(it[1].value);
	assert_int_equal(st->err.code, AWSMASK_EINVAL);
	assert_non_null(strstr(st->err.msg, "no prefix"));
	assert_int_equal(mask1(st, "i-3", 3, "EC2", tok, sizeof(tok)),
	    AWSMASK_EINVAL);
	assert_int_equal(am_store_unmask_many(st, it, 1), AWSMASK_EINVAL);
	am_store_close(st);

	/* A prefix too long for any token. */
	st = open_store(*state);
	memset(tok, 'P', 63);
	tok[63] = '\0';
	assert_int_equal(mask1(st, "i-1", 3, tok, tok, sizeof(tok)),
	    AWSMASK_EINVAL);
	am_store_close(st);
}

/*
 * Allocation failures: fail the n-th allocation, for every n, until a
 * run passes without one.  No crash, no leak (valgrind), ENOMEM reported
 * and sticky, and what was stored stays a bijection.
 */
static long fail_at = -1;

static void *
fail_malloc(size_t n)
{
	return fail_at-- == 0 ? NULL : malloc(n);
}

static void *
fail_calloc(size_t n, size_t size)
{
	return fail_at-- == 0 ? NULL : calloc(n, size);
}

static void *
fail_realloc(void *p, size_t n)
{
	return fail_at-- == 0 ? NULL : realloc(p, n);
}

static const struct am_allocator failing = {
	fail_malloc, fail_calloc, fail_realloc, free,
};

static void
test_alloc_failure(void **state)
{
	struct fixture *fx = *state;
	struct am_error err;
	struct am_store_item it[40];
	char keys[40][32], tok[64], state_dir[96];
	long i, k;
	int rc, passed = 0;

	snprintf(state_dir, sizeof(state_dir), "%s/state", fx->dir);
	for (i = 0; !passed && i < 100000; i++) {
		struct am_store *st = NULL;

		if (fx->dir[0])
			rm_rf(state_dir);	/* start from no file each time */
		memset(&err, 0, sizeof(err));
		memset(it, 0, sizeof(it));
		for (k = 0; k < 40; k++) {
			/* 20 distinct originals, each twice. */
			snprintf(keys[k], sizeof(keys[k]), "i-%04ld", k % 20);
			it[k].key = keys[k];
			it[k].key_len = strlen(keys[k]);
			it[k].prefix = k % 20 % 3 ? "EC2" : "AMI";
		}
		fail_at = i;
		am_set_allocator(&failing);
		rc = am_store_open(&st, fx->uri, NULL, &err);
		if (rc) {
			am_set_allocator(NULL);
			assert_int_equal(rc, AWSMASK_ENOMEM);
			assert_int_equal(err.code, AWSMASK_ENOMEM);
			assert_null(st);
			continue;
		}
		rc = am_store_mask_many(st, it, 40);
		if (rc == AWSMASK_OK) {
			for (k = 0; k < 40; k++)
				assert_non_null(it[k].value);
			for (k = 0; k < 20; k++)
				assert_string_equal(it[k].value,
				    it[k + 20].value);
			am_store_items_release(it, 40);
			for (k = 0; k < 40; k++) {
				it[k].key = it[k].prefix = NULL;
				it[k].key_len = 0;
			}
			it[0].key = "EC2_001";
			it[0].key_len = 7;
			rc = am_store_unmask_many(st, it, 1);
		}
		am_set_allocator(NULL);
		if (rc == AWSMASK_OK) {
			assert_non_null(it[0].value);
			am_store_items_release(it, 1);
			passed = fail_at >= 0;
		} else {
			assert_int_equal(rc, AWSMASK_ENOMEM);
			for (k = 0; k < 40; k++)
				assert_null(it[k].value);
			/* Sticky, even now that memory is back. */
			assert_int_equal(mask1(st, "x", 1, "EC2", tok,
			    sizeof(tok)), AWSMASK_ENOMEM);
		}
		am_store_close(st);
	}
	assert_true(passed);
	assert_true(i > 3);
}

/* sqlite only from here on. */

static long long
query_int(const char *path, const char *q)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	long long v = -1;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &stmt, NULL),
	    SQLITE_OK);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return v;
}

static void
exec_sql(const char *path, const char *q)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 10000);
	assert_int_equal(sqlite3_exec(db, q, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static unsigned
mode_of(const char *path)
{
	struct stat sb;

	assert_int_equal(stat(path, &sb), 0);
	return (unsigned)(sb.st_mode & 07777);
}

static void
test_sqlite_modes(void **state)
{
	struct fixture *fx = *state;
	struct am_error err = { 0, "" };
	struct am_store *st;
	char deep[256], uri[300], wal[300];
	mode_t old = umask(022);

	/* Relative form, missing parents: mkdir -p with 0700. */
	snprintf(deep, sizeof(deep), "%s/a/b//c/m.db", fx->dir);
	snprintf(uri, sizeof(uri), "sqlite:%s", deep);
	assert_int_equal(am_store_open(&st, uri, NULL, &err), AWSMASK_OK);
	assert_string_equal(st->name, uri);
	assert_int_equal(st->ops->ping(st), AWSMASK_OK);
	assert_string_equal(mask_ok(st, "i-1", "EC2"), "EC2_001");
	snprintf(wal, sizeof(wal), "%s-wal", deep);
	assert_int_equal(mode_of(wal), 0600);
	am_store_close(st);
	umask(old);
	assert_int_equal(mode_of(deep), 0600);
	snprintf(uri, sizeof(uri), "%s/a", fx->dir);
	assert_int_equal(mode_of(uri), 0700);
	snprintf(uri, sizeof(uri), "%s/a/b", fx->dir);
	assert_int_equal(mode_of(uri), 0700);
	snprintf(uri, sizeof(uri), "%s/a/b/c", fx->dir);
	assert_int_equal(mode_of(uri), 0700);

	/* A stricter umask cannot leave the file unreadable to its owner. */
	old = umask(0277);
	st = open_store(fx);
	umask(old);
	assert_int_equal(mode_of(fx->path), 0600);
	snprintf(uri, sizeof(uri), "%s/state", fx->dir);
	assert_int_equal(mode_of(uri), 0700);
	am_store_close(st);

	assert_int_equal(query_int(fx->path, "PRAGMA user_version"), 3);
	assert_int_equal(query_int(deep, "PRAGMA user_version"), 3);
}

static void
test_sqlite_persist(void **state)
{
	struct fixture *fx = *state;
	struct am_store_item it[3];
	struct am_store *st = open_store(fx);
	char hdr[2];
	int fd;

	memset(it, 0, sizeof(it));
	it[0].key = "i-1";
	it[1].key = "i-2";
	it[2].key = "vpc-1";
	it[0].prefix = it[1].prefix = "EC2";
	it[2].prefix = "VPC";
	it[0].kind = it[1].kind = "ec2-instance";
	it[2].kind = NULL;
	it[0].key_len = it[1].key_len = 3;
	it[2].key_len = 5;
	assert_int_equal(am_store_mask_many(st, it, 3), AWSMASK_OK);
	am_store_items_release(it, 3);
	am_store_close(st);

	st = open_store(fx);
	assert_unmasks_to(st, "EC2_002", "i-2");
	assert_string_equal(mask_ok(st, "i-3", "EC2"), "EC2_003");
	assert_string_equal(mask_ok(st, "vpc-1", "VPC"), "VPC_001");
	am_store_close(st);

	assert_int_equal(query_int(fx->path, "SELECT n FROM counters WHERE "
	    "prefix = 'EC2'"), 3);
	assert_int_equal(query_int(fx->path, "SELECT n FROM stats WHERE "
	    "kind = 'ec2-instance'"), 2);
	assert_int_equal(query_int(fx->path, "SELECT n FROM stats WHERE "
	    "kind = 'test-kind'"), 1);
	assert_int_equal(query_int(fx->path, "SELECT n FROM stats WHERE "
	    "kind = 'total_mappings'"), 4);
	assert_int_equal(query_int(fx->path, "SELECT expires - created FROM "
	    "mappings WHERE token = 'EC2_003'"), 604800);
	/* WAL: bytes 18 and 19 of the header are 2. */
	fd = open(fx->path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, hdr, 2, 18), 2);
	close(fd);
	assert_memory_equal(hdr, "\2\2", 2);
}

/*
 * A batch is one transaction: when an item fails, the items before it
 * are rolled back, their numbers included.  The failure sticks, and its
 * message names the file but never an original.
 */
static void
test_sqlite_rollback(void **state)
{
	struct fixture *fx = *state;
	struct am_store_item it[2];
	struct am_store *st = open_store(fx);
	char tok[64];

	exec_sql(fx->path, "CREATE TRIGGER nope BEFORE INSERT ON mappings "
	    "WHEN NEW.prefix = 'BAD' BEGIN SELECT RAISE(ABORT, 'no'); END");
	memset(it, 0, sizeof(it));
	it[0].key = "i-secret1";
	it[0].key_len = 9;
	it[0].prefix = "EC2";
	it[1].key = "i-secret2";
	it[1].key_len = 9;
	it[1].prefix = "BAD";
	assert_int_equal(am_store_mask_many(st, it, 2), AWSMASK_ESTORE);
	assert_null(it[0].value);
	assert_null(it[1].value);
	assert_non_null(strstr(st->err.msg, fx->path));
	assert_null(strstr(st->err.msg, "secret"));
	assert_int_equal(mask1(st, "i-3", 3, "EC2", tok, sizeof(tok)),
	    AWSMASK_ESTORE);
	assert_int_equal(am_store_unmask_many(st, it, 1), AWSMASK_ESTORE);
	am_store_close(st);

	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM mappings"),
	    0);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM counters"),
	    0);
	st = open_store(fx);
	assert_string_equal(mask_ok(st, "i-secret1", "EC2"), "EC2_001");
	am_store_close(st);

	/* A table gone under an open store: a clean ESTORE. */
	st = open_store(fx);
	exec_sql(fx->path, "DROP TABLE mappings");
	assert_int_equal(mask1(st, "i-4", 3, "EC2", tok, sizeof(tok)),
	    AWSMASK_ESTORE);
	assert_non_null(strstr(st->err.msg, "mappings"));
	am_store_close(st);
}

/*
 * Statements are prepared at their first use.  One that SQLite refuses
 * then (its table gone since the store was opened) fails that batch
 * with SQLite's reason and hands no token back; reads that need no
 * such statement still work until then, and the failure sticks.
 */
static void
test_sqlite_first_use(void **state)
{
	struct fixture *fx = *state;
	struct am_store *st = open_store(fx);
	char tok[64];

	assert_string_equal(mask_ok(st, "i-1", "EC2"), "EC2_001");
	am_store_close(st);
	st = open_store(fx);
	exec_sql(fx->path, "DROP TABLE counters");
	assert_unmasks_to(st, "EC2_001", "i-1");
	assert_int_equal(mask1(st, "i-secret", 8, "EC2", tok, sizeof(tok)),
	    AWSMASK_ESTORE);
	assert_non_null(strstr(st->err.msg, "counters"));
	assert_null(strstr(st->err.msg, "secret"));
	assert_int_equal(mask1(st, "i-other", 7, "EC2", tok, sizeof(tok)),
	    AWSMASK_ESTORE);
	am_store_close(st);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM mappings"),
	    1);
}

static void
test_sqlite_bad_files(void **state)
{
	struct fixture *fx = *state;
	struct am_error err = { 0, "" };
	struct am_store *st = NULL;
	char p[256], uri[300];
	int fd;

	/* Not a database. */
	snprintf(p, sizeof(p), "%s/junk.db", fx->dir);
	fd = open(p, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "this is not sqlite, not at all, no.\n"
	    "this is not sqlite, not at all, no.\n", 72), 72);
	close(fd);
	snprintf(uri, sizeof(uri), "sqlite://%s", p);
	assert_int_equal(am_store_open(&st, uri, NULL, &err), AWSMASK_ESTORE);
	assert_null(st);
	assert_non_null(strstr(err.msg, p));

	/* A folder that cannot be made: a file is in the way. */
	snprintf(uri, sizeof(uri), "sqlite:%s/junk.db/sub/m.db", fx->dir);
	assert_int_equal(am_store_open(&st, uri, NULL, &err), AWSMASK_ESTORE);
	assert_non_null(strstr(err.msg, "cannot create folder"));

	/* A schema from the future. */
	st = open_store(fx);
	am_store_close(st);
	exec_sql(fx->path, "PRAGMA user_version = 99");
	assert_int_equal(am_store_open(&st, fx->uri, NULL, &err),
	    AWSMASK_ESTORE);
	assert_non_null(strstr(err.msg, "schema version 99"));
}

/*
 * Read-only files.  Root ignores file modes, so the checks run in a
 * child that drops to nobody when it is root.  The child reports by its
 * exit status: 0 when every check passed, else the failing line.
 */
#define CHECK(c) do { if (!(c)) { \
	fprintf(stderr, "readonly check failed: line %d: %s\n", __LINE__, \
	    #c); rm_rf(dir); _exit(__LINE__ % 250 + 1); } } while (0)

static void
readonly_child(void)
{
	char dir[] = "/tmp/awsmask-test-ro.XXXXXX", path[128], uri[160];
	struct am_error err = { 0, "" };
	struct am_store *st;
	struct am_store_item it;
	char tok[64];
	int rc;

	if (geteuid() == 0 && (setgid(65534) < 0 || setuid(65534) < 0))
		_exit(200);
	if (!mkdtemp(dir))
		_exit(201);
	snprintf(path, sizeof(path), "%s/m.db", dir);
	snprintf(uri, sizeof(uri), "sqlite:%s", path);
	CHECK(am_store_open(&st, uri, NULL, &err) == 0);
	CHECK(mask1(st, "i-1", 3, "EC2", tok, sizeof(tok)) == 0);
	am_store_close(st);

	/* A read-only file: masking fails, unmasking still works. */
	CHECK(chmod(path, 0400) == 0);
	CHECK(am_store_open(&st, uri, NULL, &err) == 0);
	memset(&it, 0, sizeof(it));
	it.key = "EC2_001";
	it.key_len = 7;
	CHECK(am_store_unmask_many(st, &it, 1) == 0);
	CHECK(it.value && !strcmp(it.value, "i-1"));
	am_store_items_release(&it, 1);
	CHECK(mask1(st, "i-2", 3, "EC2", tok, sizeof(tok)) == AWSMASK_ESTORE);
	CHECK(strstr(st->err.msg, "readonly") != NULL);
	CHECK(strstr(st->err.msg, path) != NULL);
	CHECK(mask1(st, "i-1", 3, "EC2", tok, sizeof(tok)) == AWSMASK_ESTORE);
	am_store_close(st);

	/* Writable again: the side files the reader left do not get in
	 * the way. */
	CHECK(chmod(path, 0600) == 0);
	CHECK(am_store_open(&st, uri, NULL, &err) == 0);
	CHECK(mask1(st, "i-2", 3, "EC2", tok, sizeof(tok)) == 0);
	CHECK(!strcmp(tok, "EC2_002"));
	am_store_close(st);
	CHECK(chmod(path, 0400) == 0);

	/* A read-only folder too: whatever happens is clean. */
	CHECK(chmod(dir, 0500) == 0);
	rc = am_store_open(&st, uri, NULL, &err);
	CHECK(rc == 0 || rc == AWSMASK_ESTORE);
	if (rc == 0) {
		memset(&it, 0, sizeof(it));
		it.key = "EC2_001";
		it.key_len = 7;
		rc = am_store_unmask_many(st, &it, 1);
		CHECK(rc == 0 || rc == AWSMASK_ESTORE);
		CHECK(rc || (it.value && !strcmp(it.value, "i-1")));
		am_store_items_release(&it, 1);
		CHECK(mask1(st, "i-9", 3, "EC2", tok, sizeof(tok)) ==
		    AWSMASK_ESTORE);
		am_store_close(st);
	}
	CHECK(chmod(dir, 0700) == 0);
	/* A writable file in a read-only folder: no -wal, no masking. */
	CHECK(chmod(path, 0600) == 0);
	CHECK(chmod(dir, 0500) == 0);
	rc = am_store_open(&st, uri, NULL, &err);
	CHECK(rc == 0 || rc == AWSMASK_ESTORE);
	if (rc == 0) {
		rc = mask1(st, "i-9", 3, "EC2", tok, sizeof(tok));
		CHECK(rc == 0 || rc == AWSMASK_ESTORE);
		am_store_close(st);
	}
	CHECK(chmod(dir, 0700) == 0);
	rm_rf(dir);
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

/*
 * Many processes, one file: 8 children mask overlapping ranges of 500
 * originals each, all at once, through their own handles.  The table
 * must end a bijection, and every number each counter gave must be in
 * use (no number handed out twice, none lost).
 */
#define NCHILD 8
#define PER_CHILD 500
#define STRIDE 125
#define BATCH 50

static int
mp_child(const char *uri, int c, int go)
{
	struct am_error err = { 0, "" };
	struct am_store_item it[BATCH];
	char keys[BATCH][32], toks[BATCH][64], byte;
	struct am_store *st = NULL;
	int i, k, round;

	if (read(go, &byte, 1) < 0)
		return 1;
	if (am_store_open(&st, uri, NULL, &err)) {
		fprintf(stderr, "child %d: %s\n", c, err.msg);
		return 2;
	}
	for (i = 0; i < PER_CHILD; i += BATCH) {
		for (round = 0; round < 2; round++) {
			memset(it, 0, sizeof(it));
			for (k = 0; k < BATCH; k++) {
				int o = c * STRIDE + i + k;

				snprintf(keys[k], sizeof(keys[k]), "i-%017x",
				    (unsigned)o);
				it[k].key = keys[k];
				it[k].key_len = strlen(keys[k]);
				it[k].prefix = o % 2 ? "EC2" : "VPC";
				it[k].kind = "mp";
			}
			if (am_store_mask_many(st, it, BATCH)) {
				fprintf(stderr, "child %d: %s\n", c,
				    st->err.msg);
				return 3;
			}
			for (k = 0; k < BATCH; k++) {
				if (round == 0)
					strcpy(toks[k], it[k].value);
				else if (strcmp(toks[k], it[k].value))
					return 4;
			}
			am_store_items_release(it, BATCH);
		}
		memset(it, 0, sizeof(it));
		for (k = 0; k < BATCH; k++) {
			it[k].key = toks[k];
			it[k].key_len = strlen(toks[k]);
		}
		if (am_store_unmask_many(st, it, BATCH))
			return 5;
		for (k = 0; k < BATCH; k++)
			if (!it[k].value || strcmp(it[k].value, keys[k]))
				return 6;
		am_store_items_release(it, BATCH);
	}
	am_store_close(st);
	return 0;
}

static void
test_sqlite_processes(void **state)
{
	struct fixture *fx = *state;
	pid_t pid[NCHILD];
	int go[2], i, status;
	long long distinct = (NCHILD - 1) * STRIDE + PER_CHILD;

	am_store_now = real_now;	/* children use the real clock */
	assert_int_equal(pipe(go), 0);
	for (i = 0; i < NCHILD; i++) {
		pid[i] = fork();
		assert_true(pid[i] >= 0);
		if (pid[i] == 0) {
			close(go[1]);
			_exit(mp_child(fx->uri, i, go[0]));
		}
	}
	close(go[0]);
	close(go[1]);		/* all start now */
	for (i = 0; i < NCHILD; i++) {
		assert_int_equal(waitpid(pid[i], &status, 0), pid[i]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM mappings"),
	    distinct);
	assert_int_equal(query_int(fx->path,
	    "SELECT count(DISTINCT token) FROM mappings"), distinct);
	assert_int_equal(query_int(fx->path,
	    "SELECT count(DISTINCT original) FROM mappings"), distinct);
	assert_int_equal(query_int(fx->path, "SELECT n FROM stats "
	    "WHERE kind = 'total_mappings'"), distinct);
	/* Per prefix: count == last number given == highest number used. */
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM counters c "
	    "WHERE n != (SELECT count(*) FROM mappings m WHERE m.prefix = "
	    "c.prefix) OR n != (SELECT max(CAST(substr(token, length(prefix) "
	    "+ 2) AS INTEGER)) FROM mappings m WHERE m.prefix = c.prefix)"),
	    0);
	assert_int_equal(query_int(fx->path, "SELECT sum(n) FROM counters"),
	    distinct);
	/* Every token is its prefix's. */
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM mappings "
	    "WHERE substr(token, 1, length(prefix) + 1) != prefix || '_'"), 0);
}

/* The operator side: scans, removal, locks, statistics, last use. */

/* Scan everything; copies of the entries go to out (strings leak into
 * a buffer freed by scan_free()). */
struct scanned {
	struct am_entry e[256];
	char buf[256][2][64];
	size_t n;
};

static void
scan_all(struct am_store *st, struct scanned *sc)
{
	struct am_scan s;
	size_t i;

	memset(&s, 0, sizeof(s));
	s.flags = AM_SCAN_USED;
	sc->n = 0;
	while (!s.done) {
		assert_int_equal(am_store_scan(st, &s), AWSMASK_OK);
		for (i = 0; i < s.n; i++) {
			struct am_entry *e = &sc->e[sc->n];

			assert_true(sc->n < 256);
			assert_true(s.entries[i].original_len < 64 &&
			    s.entries[i].token_len < 64);
			*e = s.entries[i];
			memcpy(sc->buf[sc->n][0], e->original, e->original_len);
			memcpy(sc->buf[sc->n][1], e->token, e->token_len);
			e->original = sc->buf[sc->n][0];
			e->token = sc->buf[sc->n][1];
			sc->n++;
		}
	}
	am_store_scan_end(st, &s);
}

static const struct am_entry *
find(const struct scanned *sc, const char *tok)
{
	size_t i;

	for (i = 0; i < sc->n; i++)
		if (sc->e[i].token_len == strlen(tok) &&
		    !memcmp(sc->e[i].token, tok, strlen(tok)))
			return &sc->e[i];
	return NULL;
}

/* A hit renews a mapping only when its last renewal is stale. */
static void
test_last_use(void **state)
{
	struct am_store *st = open_store(*state);
	struct scanned sc;
	long long t0 = fake_now;

	st->ttl = 800;		/* renewed every 50 s */
	assert_int_equal(am_store_refresh_interval(800), 50);
	assert_int_equal(am_store_granularity(800), 100);
	assert_int_equal(am_store_granularity(604800), 120);
	assert_int_equal(am_store_granularity(10), 1);
	assert_string_equal(mask_ok(st, "i-1", "EC2"), "EC2_001");
	fake_now += 49;
	assert_string_equal(mask_ok(st, "i-1", "EC2"), "EC2_001");
	assert_unmasks_to(st, "EC2_001", "i-1");
	scan_all(st, &sc);
	assert_int_equal(sc.n, 1);
	assert_int_equal(sc.e[0].state, AM_ENTRY_PAIR);
	assert_int_equal(sc.e[0].used, t0);	/* fresh: not written */
	fake_now += 1;
	assert_string_equal(mask_ok(st, "i-1", "EC2"), "EC2_001");
	scan_all(st, &sc);
	assert_int_equal(sc.e[0].used, t0 + 50);
	/* Unmasking counts as use too. */
	fake_now += 60;
	assert_unmasks_to(st, "EC2_001", "i-1");
	scan_all(st, &sc);
	assert_int_equal(sc.e[0].used, t0 + 110);
	/* And it lives ttl from its last renewal. */
	fake_now += 799;
	assert_unmasks_to(st, "EC2_001", "i-1");
	fake_now += 800;
	assert_unknown(st, "EC2_001");
	am_store_close(st);
}

static void
test_scan_remove(void **state)
{
	struct am_store *st = open_store(*state);
	struct scanned sc;
	const struct am_entry *e;
	long long t0 = fake_now;
	char key[16];
	int i;

	for (i = 1; i <= 5; i++) {
		snprintf(key, sizeof(key), "i-%d", i);
		mask_ok(st, key, "EC2");
		fake_now += 100;
	}
	scan_all(st, &sc);
	assert_int_equal(sc.n, 5);
	e = find(&sc, "EC2_003");
	assert_non_null(e);
	assert_int_equal(e->state, AM_ENTRY_PAIR);
	assert_int_equal(e->used, t0 + 200);
	assert_int_equal(e->original_len, 3);
	assert_memory_equal(e->original, "i-3", 3);

	/* Used after the cut-off: stays.  Before it: goes, both ways. */
	assert_int_equal(am_store_remove(st, sc.e, sc.n, t0 + 150),
	    AWSMASK_OK);
	for (i = 0; i < (int)sc.n; i++)
		assert_int_equal(sc.e[i].removed, sc.e[i].used <= t0 + 150);
	assert_unknown(st, "EC2_001");
	assert_unknown(st, "EC2_002");
	assert_unmasks_to(st, "EC2_003", "i-3");

	/* A pair used since it was scanned is not removed. */
	scan_all(st, &sc);
	assert_int_equal(sc.n, 3);
	fake_now += 3600;
	assert_string_equal(mask_ok(st, "i-3", "EC2"), "EC2_003");
	assert_int_equal(am_store_remove(st, sc.e, sc.n, fake_now - 1000),
	    AWSMASK_OK);
	assert_false(find(&sc, "EC2_003")->removed);
	assert_true(find(&sc, "EC2_004")->removed);
	assert_unmasks_to(st, "EC2_003", "i-3");

	/* Nor one re-created with another token. */
	scan_all(st, &sc);
	fake_now += 3600;
	assert_int_equal(am_store_remove(st, sc.e, sc.n, fake_now), AWSMASK_OK);
	assert_string_equal(mask_ok(st, "i-5", "EC2"), "EC2_006");
	assert_int_equal(am_store_remove(st, sc.e, sc.n, fake_now), AWSMASK_OK);
	assert_unmasks_to(st, "EC2_006", "i-5");
	/* Counters are never lowered. */
	assert_string_equal(mask_ok(st, "i-1", "EC2"), "EC2_007");
	am_store_close(st);
}

static void
test_expired_rows(void **state)
{
	struct am_store *st = open_store(*state);
	struct scanned sc;

	st->ttl = 10;
	mask_ok(st, "i-1", "EC2");
	mask_ok(st, "i-2", "EC2");
	fake_now += 5;
	assert_unmasks_to(st, "EC2_002", "i-2");
	fake_now += 6;
	scan_all(st, &sc);
	assert_int_equal(sc.n, 2);
	assert_int_equal(find(&sc, "EC2_001")->state, AM_ENTRY_EXPIRED);
	assert_int_equal(find(&sc, "EC2_002")->state, AM_ENTRY_PAIR);
	assert_int_equal(am_store_remove(st, sc.e, sc.n, 0), AWSMASK_OK);
	assert_true(find(&sc, "EC2_001")->removed);
	assert_false(find(&sc, "EC2_002")->removed);
	scan_all(st, &sc);
	assert_int_equal(sc.n, 1);
	am_store_close(st);
}

static void
test_lock(void **state)
{
	struct am_store *st = open_store(*state);
	int got;

	assert_int_equal(am_store_lock(st, AM_LOCK_TAKE, "cleanup", "a", 30000,
	    &got), AWSMASK_OK);
	assert_true(got);
	am_store_lock(st, AM_LOCK_TAKE, "cleanup", "b", 30000, &got);
	assert_false(got);
	am_store_lock(st, AM_LOCK_TAKE, "other", "b", 30000, &got);
	assert_true(got);
	am_store_lock(st, AM_LOCK_EXTEND, "cleanup", "b", 30000, &got);
	assert_false(got);
	am_store_lock(st, AM_LOCK_RELEASE, "cleanup", "b", 0, &got);
	assert_false(got);
	fake_now += 25;
	am_store_lock(st, AM_LOCK_EXTEND, "cleanup", "a", 30000, &got);
	assert_true(got);
	fake_now += 25;		/* still a's: extended */
	am_store_lock(st, AM_LOCK_TAKE, "cleanup", "b", 30000, &got);
	assert_false(got);
	am_store_lock(st, AM_LOCK_RELEASE, "cleanup", "a", 0, &got);
	assert_true(got);
	am_store_lock(st, AM_LOCK_TAKE, "cleanup", "b", 30000, &got);
	assert_true(got);
	/* A lease that ran out is anyone's. */
	fake_now += 31;
	am_store_lock(st, AM_LOCK_TAKE, "cleanup", "c", 30000, &got);
	assert_true(got);
	am_store_lock(st, AM_LOCK_EXTEND, "cleanup", "b", 30000, &got);
	assert_false(got);
	am_store_close(st);
}

static void
test_info(void **state)
{
	struct am_store *st = open_store(*state);
	struct am_store_info info;
	char today[11];

	mask_ok(st, "i-1", "EC2");
	mask_ok(st, "i-2", "EC2");
	mask_ok(st, "i-1", "EC2");
	st->proc_pending.mask_runs = 1;
	st->proc_pending.mask_bytes = 1234;
	st->proc_pending.unmask_unknown = 7;
	assert_unmasks_to(st, "EC2_001", "i-1");
	assert_int_equal(am_store_info(st, &info), AWSMASK_OK);
	assert_true(am_proc_empty(&st->proc_pending));
	assert_int_equal(info.total_created, 2);
	am_store_day(fake_now, today);
	assert_string_equal(info.day[0], today);
	assert_int_equal(info.daily[0], 2);
	assert_int_equal(info.daily[1], 0);
	assert_int_equal(info.proc.mask_runs, 1);
	assert_int_equal(info.proc.mask_bytes, 1234);
	assert_int_equal(info.proc.unmask_unknown, 7);
	assert_int_equal(info.cache_hits, 0);
	assert_int_equal(info.used_memory, -1);
	/* Added up, run after run. */
	st->proc_pending.mask_runs = 1;
	assert_int_equal(am_store_info(st, &info), AWSMASK_OK);
	assert_int_equal(info.proc.mask_runs, 2);
	am_store_close(st);
}

/* A version 1 file is upgraded in place: last use from its expiry. */
static void
test_sqlite_upgrade(void **state)
{
	struct fixture *fx = *state;
	struct am_store *st;
	char dir[160];

	snprintf(dir, sizeof(dir), "%s/state", fx->dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	exec_sql(fx->path, "CREATE TABLE mappings (original BLOB PRIMARY KEY,"
	    " token TEXT NOT NULL UNIQUE, prefix TEXT NOT NULL, kind TEXT,"
	    " created INTEGER, expires INTEGER);"
	    "CREATE INDEX mappings_expires ON mappings(expires);"
	    "CREATE TABLE counters (prefix TEXT PRIMARY KEY, n INTEGER NOT NULL);"
	    "CREATE TABLE stats (kind TEXT PRIMARY KEY, n INTEGER);"
	    "INSERT INTO mappings VALUES ('i-1', 'EC2_001', 'EC2', 'ec2',"
	    " 999000, 1000000 + 604800 - 100);"
	    "INSERT INTO counters VALUES ('EC2', 1);"
	    "PRAGMA user_version = 1;");
	st = open_store(fx);
	assert_unmasks_to(st, "EC2_001", "i-1");
	assert_string_equal(mask_ok(st, "i-2", "EC2"), "EC2_002");
	am_store_close(st);
	assert_int_equal(query_int(fx->path, "PRAGMA user_version"), 3);
	assert_int_equal(query_int(fx->path, "SELECT used FROM mappings WHERE"
	    " token = 'EC2_001'"), 1000000 - 100);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM"
	    " sqlite_master WHERE name = 'mappings_expires'"), 0);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM locks"), 0);
	/* ... and the store got its identity. */
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM meta"
	    " WHERE key = 'id'"), 1);
}

/* Version 2 (the meta table, no `used`) is upgraded too, keeping it. */
static void
test_sqlite_upgrade_2(void **state)
{
	struct fixture *fx = *state;
	struct am_store *st;
	char dir[160];

	snprintf(dir, sizeof(dir), "%s/state", fx->dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	exec_sql(fx->path, "CREATE TABLE mappings (original BLOB PRIMARY KEY,"
	    " token TEXT NOT NULL UNIQUE, prefix TEXT NOT NULL, kind TEXT,"
	    " created INTEGER, expires INTEGER);"
	    "CREATE TABLE counters (prefix TEXT PRIMARY KEY, n INTEGER NOT NULL);"
	    "CREATE TABLE stats (kind TEXT PRIMARY KEY, n INTEGER);"
	    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
	    "INSERT INTO meta VALUES ('id', 'abcdef0123456789abcdef0123456789');"
	    "INSERT INTO mappings VALUES ('i-1', 'EC2_001', 'EC2', 'ec2',"
	    " 999000, 1000000 + 604800 - 100);"
	    "INSERT INTO counters VALUES ('EC2', 1);"
	    "PRAGMA user_version = 2;");
	st = open_store(fx);
	assert_string_equal(st->id, "abcdef0123456789abcdef0123456789");
	assert_unmasks_to(st, "EC2_001", "i-1");
	assert_string_equal(mask_ok(st, "i-2", "EC2"), "EC2_002");
	am_store_close(st);
	assert_int_equal(query_int(fx->path, "PRAGMA user_version"), 3);
	assert_int_equal(query_int(fx->path, "SELECT used FROM mappings WHERE"
	    " token = 'EC2_001'"), 1000000 - 100);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM locks"), 0);
}

/*
 * Two processes on a new store: one opened it before the other gave it
 * its identity and wrote this machine's record.  Its first allocation
 * must compare the identity the store has now, not the none it read at
 * open, and not take the store for one that lost its data (t3000's
 * eight processes met that now and then: a false warning on stderr).
 */
static void
test_sqlite_ident_race(void **state)
{
	struct fixture *fx = *state;
	struct awsmask_config *cfg;
	struct am_store *a = NULL, *b = NULL;
	struct am_error err = { 0, "" };
	char dir[96], tok[64];

	snprintf(dir, sizeof(dir), "%s/record", fx->dir);
	assert_int_equal(awsmask_config_new(&cfg), 0);
	assert_int_equal(awsmask_config_set(cfg, "state_dir", dir), 0);
	assert_int_equal(am_store_open(&b, fx->uri, &cfg->c, &err), AWSMASK_OK);
	assert_null(b->id);
	assert_int_equal(am_store_open(&a, fx->uri, &cfg->c, &err), AWSMASK_OK);
	assert_int_equal(mask1(a, "i-1", 3, "EC2", tok, sizeof(tok)), AWSMASK_OK);
	assert_non_null(a->id);
	assert_null(a->warning);
	assert_int_equal(mask1(b, "i-2", 3, "EC2", tok, sizeof(tok)), AWSMASK_OK);
	assert_string_equal(tok, "EC2_002");
	assert_null(b->warning);
	assert_string_equal(b->id, a->id);
	am_store_close(a);
	am_store_close(b);
	awsmask_config_free(cfg);
}

#define ON(f, fx) { #f "(" #fx ")", f, setup, teardown, &fx##_fx }
#define BOTH(f) ON(f, memory), ON(f, sqlite)
#define SQLITE(f) ON(f, sqlite)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token_format),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_open_settings),
		BOTH(test_bijection),
		BOTH(test_batch),
		BOTH(test_binary_originals),
		BOTH(test_ttl),
		BOTH(test_errors_stick),
		BOTH(test_alloc_failure),
		SQLITE(test_sqlite_modes),
		SQLITE(test_sqlite_persist),
		SQLITE(test_sqlite_rollback),
		SQLITE(test_sqlite_first_use),
		SQLITE(test_sqlite_bad_files),
		SQLITE(test_sqlite_readonly),
		SQLITE(test_sqlite_processes),
		SQLITE(test_sqlite_ident_race),
		BOTH(test_last_use),
		BOTH(test_scan_remove),
		BOTH(test_expired_rows),
		BOTH(test_lock),
		BOTH(test_info),
		SQLITE(test_sqlite_upgrade),
		SQLITE(test_sqlite_upgrade_2),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
