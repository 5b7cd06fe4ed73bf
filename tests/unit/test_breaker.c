/*
 * Unit tests for lib/breaker.c: the circuit breaker file, on a clock the
 * tests choose.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "breaker.h"

#define NAME "redis://127.0.0.1:6379/0"
#define T0 1700000000LL

static char tmpdir[200];
static char dir[240];

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
	const char *tmp = getenv("TMPDIR");

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/awsmask-test-breaker.XXXXXX",
	    tmp && *tmp && strlen(tmp) < 150 ? tmp : "/tmp");
	if (!mkdtemp(tmpdir))
		return -1;
	/* Two levels that do not exist yet: fail() must create them. */
	snprintf(dir, sizeof(dir), "%s/state/awsmask", tmpdir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	chmod(tmpdir, 0700);
	nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* Entries in dir, "." and ".." aside. */
static int
count_entries(const char *d)
{
	DIR *dp = opendir(d);
	struct dirent *e;
	int n = 0;

	assert_non_null(dp);
	while ((e = readdir(dp)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(dp);
	return n;
}

static void
test_path(void **state)
{
	char *a, *b, *c;

	(void)state;
	a = am_breaker_path("/x", NAME);
	b = am_breaker_path("/x", "redis://127.0.0.1:6380/0");
	c = am_breaker_path("/x", NAME);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(strncmp(a, "/x/breaker-", 11), 0);
	assert_int_equal(strlen(a), strlen("/x/breaker-") + 16);
	assert_string_not_equal(a, b);
	assert_string_equal(a, c);
	assert_null(strstr(a, "6379"));
	am_free(a);
	am_free(b);
	am_free(c);
	assert_null(am_breaker_path(NULL, NAME));
	assert_null(am_breaker_path("/x", NULL));
}

static void
test_closed_without_file(void **state)
{
	long long age = 99;

	(void)state;
	assert_int_equal(am_breaker_check(dir, NAME, T0, &age), 0);
	assert_int_equal(age, 0);
	assert_int_equal(am_breaker_check(dir, NAME, T0, NULL), 0);
	assert_int_equal(am_breaker_check(NULL, NAME, T0, NULL), 0);
	/* ok() on a breaker that was never tripped is no error. */
	assert_int_equal(am_breaker_ok(dir, NAME), 0);
}

static void
test_fail_opens_for_the_cooldown(void **state)
{
	long long age = -1;

	(void)state;
	assert_int_equal(am_breaker_fail(dir, NAME, T0), 0);
	assert_int_equal(am_breaker_check(dir, NAME, T0, &age), 1);
	assert_int_equal(age, 0);
	assert_int_equal(am_breaker_check(dir, NAME, T0 + 1, &age), 1);
	assert_int_equal(age, 1);
	assert_int_equal(am_breaker_check(dir, NAME,
	    T0 + AM_BREAKER_COOLDOWN - 1, &age), 1);
	assert_int_equal(age, AM_BREAKER_COOLDOWN - 1);
	assert_int_equal(am_breaker_check(dir, NAME,
	    T0 + AM_BREAKER_COOLDOWN, &age), 0);
	assert_int_equal(age, 0);
	assert_int_equal(am_breaker_check(dir, NAME, T0 + 3600, NULL), 0);
	/* Another store's breaker is not this one's. */
	assert_int_equal(am_breaker_check(dir, "redis://other:6379/0", T0,
	    NULL), 0);
}

static void
test_later_failure_extends(void **state)
{
	(void)state;
	assert_int_equal(am_breaker_fail(dir, NAME, T0), 0);
	assert_int_equal(am_breaker_fail(dir, NAME, T0 + 20), 0);
	assert_int_equal(am_breaker_check(dir, NAME, T0 + 40, NULL), 1);
	assert_int_equal(am_breaker_check(dir, NAME, T0 + 50, NULL), 0);
}

static void
test_ok_closes(void **state)
{
	char *path;
	struct stat sb;

	(void)state;
	assert_int_equal(am_breaker_fail(dir, NAME, T0), 0);
	assert_int_equal(am_breaker_ok(dir, NAME), 0);
	assert_int_equal(am_breaker_check(dir, NAME, T0 + 1, NULL), 0);
	path = am_breaker_path(dir, NAME);
	assert_int_equal(stat(path, &sb), -1);
	assert_int_equal(errno, ENOENT);
	am_free(path);
}

static void
test_modes_and_no_leftovers(void **state)
{
	char *path, top[260];
	struct stat sb;

	(void)state;
	assert_int_equal(am_breaker_fail(dir, NAME, T0), 0);
	assert_int_equal(am_breaker_fail(dir, NAME, T0 + 1), 0);
	path = am_breaker_path(dir, NAME);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(stat(dir, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	snprintf(top, sizeof(top), "%s/state", tmpdir);
	assert_int_equal(stat(top, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	/* The temporary file was renamed, not left behind. */
	assert_int_equal(count_entries(dir), 1);
	am_free(path);
}

static void
test_bad_files_read_closed(void **state)
{
	static const char *const bad[] = { "", "\n", "abc\n", "12x\n",
	    "-5\n", "1700000000 junk", "99999999999999999999999\n" };
	char *path;
	size_t i;

	(void)state;
	assert_int_equal(am_breaker_fail(dir, NAME, T0), 0);
	path = am_breaker_path(dir, NAME);
	for (i = 0; i < AM_ARRAY_SIZE(bad); i++) {
		write_file(path, bad[i]);
		assert_int_equal(am_breaker_check(dir, NAME, T0, NULL), 0);
	}
	/* Without the newline is fine too. */
	write_file(path, "1700000000");
	assert_int_equal(am_breaker_check(dir, NAME, T0 + 2, NULL), 1);
	/* A symbolic link is not followed. */
	unlink(path);
	{
		char target[260];

		snprintf(target, sizeof(target), "%s/target", tmpdir);
		write_file(target, "1700000000\n");
		assert_int_equal(symlink(target, path), 0);
		assert_int_equal(am_breaker_check(dir, NAME, T0 + 2, NULL), 0);
		/* ok() removes the link, not its target. */
		assert_int_equal(am_breaker_ok(dir, NAME), 0);
		assert_int_equal(access(target, F_OK), 0);
	}
	am_free(path);
}

static void
test_clock_set_back(void **state)
{
	(void)state;
	/* A failure "in the future" must not hold the breaker open. */
	assert_int_equal(am_breaker_fail(dir, NAME, T0 + 3600), 0);
	assert_int_equal(am_breaker_check(dir, NAME, T0, NULL), 0);
}

static void
test_unwritable_folder(void **state)
{
	(void)state;
	/* Root writes anywhere.  (Not skip(): cmocka 1.1.5's TAP prints
	 * it as "not ok", which tests/run.sh counts as a failure.) */
	if (geteuid() == 0) {
		print_message("# SKIP %s: root writes anywhere\n", __func__);
		return;
	}
	assert_int_equal(am_breaker_fail(dir, NAME, T0), 0);
	assert_int_equal(am_breaker_ok(dir, NAME), 0);
	assert_int_equal(chmod(dir, 0500), 0);
	assert_int_equal(am_breaker_fail(dir, NAME, T0), -1);
	assert_int_equal(errno, EACCES);
	assert_int_equal(am_breaker_check(dir, NAME, T0, NULL), 0);
	chmod(dir, 0700);
}

static void
test_folder_is_a_file(void **state)
{
	char file[260], sub[300];

	(void)state;
	snprintf(file, sizeof(file), "%s/plain", tmpdir);
	write_file(file, "x");
	snprintf(sub, sizeof(sub), "%s/awsmask", file);
	assert_int_equal(am_breaker_fail(sub, NAME, T0), -1);
	assert_int_equal(errno, ENOTDIR);
	assert_int_equal(am_breaker_fail("", NAME, T0), -1);
	assert_int_equal(am_breaker_check(sub, NAME, T0, NULL), 0);
	assert_int_equal(am_breaker_ok(sub, NAME), -1);
}

/* Fails every allocation: the breaker reports ENOMEM and reads closed. */
static void *fail_malloc(size_t n) { (void)n; return NULL; }
static void *fail_calloc(size_t n, size_t s) { (void)n; (void)s; return NULL; }
static void *fail_realloc(void *p, size_t n) { (void)p; (void)n; return NULL; }

static void
test_alloc_failure(void **state)
{
	static const struct am_allocator failing = { fail_malloc,
	    fail_calloc, fail_realloc, free };

	(void)state;
	assert_int_equal(am_breaker_fail(dir, NAME, T0), 0);
	am_set_allocator(&failing);
	assert_null(am_breaker_path(dir, NAME));
	assert_int_equal(am_breaker_check(dir, NAME, T0, NULL), 0);
	assert_int_equal(am_breaker_fail(dir, NAME, T0), -1);
	assert_int_equal(errno, ENOMEM);
	assert_int_equal(am_breaker_ok(dir, NAME), -1);
	am_set_allocator(NULL);
	assert_int_equal(am_breaker_check(dir, NAME, T0, NULL), 1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_path),
		T(test_closed_without_file),
		T(test_fail_opens_for_the_cooldown),
		T(test_later_failure_extends),
		T(test_ok_closes),
		T(test_modes_and_no_leftovers),
		T(test_bad_files_read_closed),
		T(test_clock_set_back),
		T(test_unwritable_folder),
		T(test_folder_is_a_file),
		T(test_alloc_failure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
