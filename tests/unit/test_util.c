/* Unit tests for lib/util.c: the byte buffer, the string map, errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void
test_buf_basic(void **state)
{
	struct am_buf b = AM_BUF_INIT;
	size_t n;
	char *p;

	(void)state;
	assert_int_equal(am_buf_addstr(&b, "abc"), 0);
	assert_int_equal(am_buf_add(&b, "\0x", 2), 0);
	assert_int_equal(am_buf_addf(&b, "%d-%s", 42, "y"), 0);
	assert_int_equal(b.len, 3 + 2 + 4);
	assert_memory_equal(b.buf, "abc\0x42-y", 9);
	assert_int_equal(b.buf[b.len], '\0');
	p = am_buf_release(&b, &n);
	assert_int_equal(n, 9);
	assert_null(b.buf);
	am_free(p);
	/* An empty buffer releases an empty string, not NULL. */
	p = am_buf_release(&b, &n);
	assert_non_null(p);
	assert_int_equal(n, 0);
	assert_string_equal(p, "");
	am_free(p);
	am_buf_free(&b);
}

static void
test_buf_huge(void **state)
{
	struct am_buf b = AM_BUF_INIT;
	char chunk[4096];
	int i;

	(void)state;
	memset(chunk, 'x', sizeof(chunk));
	for (i = 0; i < 1024; i++)
		assert_int_equal(am_buf_add(&b, chunk, sizeof(chunk)), 0);
	assert_int_equal(b.len, 4096 * 1024);
	assert_int_equal(am_buf_grow(&b, SIZE_MAX), -1);
	am_buf_free(&b);
}

static void
test_map(void **state)
{
	struct am_map *m = am_map_new();
	char k[32], v[32];
	const char *got;
	size_t n;
	int i;

	(void)state;
	assert_non_null(m);
	for (i = 0; i < 10000; i++) {
		snprintf(k, sizeof(k), "key-%d", i);
		snprintf(v, sizeof(v), "val-%d", i);
		assert_int_equal(am_map_put(m, k, strlen(k), v, strlen(v)), 0);
	}
	assert_int_equal(am_map_count(m), 10000);
	for (i = 0; i < 10000; i += 2) {
		snprintf(k, sizeof(k), "key-%d", i);
		assert_int_equal(am_map_del(m, k, strlen(k)), 1);
	}
	assert_int_equal(am_map_count(m), 5000);
	for (i = 0; i < 10000; i++) {
		snprintf(k, sizeof(k), "key-%d", i);
		snprintf(v, sizeof(v), "val-%d", i);
		got = am_map_get(m, k, strlen(k), &n);
		if (i % 2 == 0)
			assert_null(got);
		else {
			assert_non_null(got);
			assert_int_equal(n, strlen(v));
			assert_memory_equal(got, v, n);
		}
	}
	/* Keys are bytes: NUL inside, and replacing a value. */
	assert_int_equal(am_map_put(m, "a\0b", 3, "1", 1), 0);
	assert_int_equal(am_map_put(m, "a\0b", 3, "22", 2), 0);
	got = am_map_get(m, "a\0b", 3, &n);
	assert_int_equal(n, 2);
	assert_memory_equal(got, "22", 2);
	assert_null(am_map_get(m, "a", 1, NULL));
	/* am_map_add keeps a value there, and the memory it is in. */
	assert_int_equal(am_map_add(m, "a\0b", 3, "333", 3), 0);
	assert_ptr_equal(am_map_get(m, "a\0b", 3, &n), got);
	assert_int_equal(n, 2);
	assert_int_equal(am_map_add(m, "new", 3, "4", 1), 0);
	got = am_map_get(m, "new", 3, &n);
	assert_int_equal(n, 1);
	assert_memory_equal(got, "4", 1);
	am_map_clear(m);
	assert_int_equal(am_map_count(m), 0);
	am_map_free(m);
	am_map_free(NULL);
}

static int fail_after;
static void *
failing_malloc(size_t n)
{
	return fail_after-- > 0 ? malloc(n) : NULL;
}
static void *
failing_calloc(size_t n, size_t s)
{
	return fail_after-- > 0 ? calloc(n, s) : NULL;
}
static void *
failing_realloc(void *p, size_t n)
{
	return fail_after-- > 0 ? realloc(p, n) : NULL;
}

static void
test_alloc_failure(void **state)
{
	static const struct am_allocator a = { failing_malloc, failing_calloc,
	    failing_realloc, free };
	struct am_buf b = AM_BUF_INIT;
	struct am_map *m;
	int i;

	(void)state;
	am_set_allocator(&a);
	fail_after = 0;
	assert_null(am_map_new());
	assert_int_equal(am_buf_addstr(&b, "x"), -1);
	assert_null(am_strdup("x"));
	/* A map that stops getting memory mid-growth stays usable. */
	fail_after = 2;
	m = am_map_new();
	assert_non_null(m);
	fail_after = 60;
	for (i = 0; i < 200; i++) {
		char k[16];

		snprintf(k, sizeof(k), "%d", i);
		if (am_map_put(m, k, strlen(k), "v", 1) < 0)
			break;
	}
	assert_true(i < 200);
	am_set_allocator(NULL);
	assert_non_null(am_map_get(m, "0", 1, NULL));
	am_map_free(m);
	am_buf_free(&b);
}

static void
test_errors(void **state)
{
	struct am_error e;

	(void)state;
	memset(&e, 0, sizeof(e));
	assert_int_equal(am_seterr(&e, AWSMASK_ESTORE, "store '%s' down", "x"),
	    AWSMASK_ESTORE);
	assert_string_equal(e.msg, "store 'x' down");
	errno = ENOENT;
	am_seterr_errno(&e, AWSMASK_EIO, "cannot open '%s'", "f");
	assert_string_equal(e.msg, "cannot open 'f': No such file or directory");
	assert_int_equal(e.code, AWSMASK_EIO);
	assert_int_equal(am_seterr(NULL, AWSMASK_EIO, "x"), AWSMASK_EIO);
	assert_string_equal(awsmask_strerror(AWSMASK_OK), "success");
	assert_string_equal(awsmask_strerror((enum awsmask_err)99),
	    "unknown error");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_basic),
		cmocka_unit_test(test_buf_huge),
		cmocka_unit_test(test_map),
		cmocka_unit_test(test_alloc_failure),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
