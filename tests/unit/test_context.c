/*
 * Unit tests for lib/context.c: creating and freeing a context, the
 * lazily opened store and its sticky failure, warnings, the kinds a
 * context knows, the caches' age and the processing figures.  Only
 * context.h is included: what context.c does is tested without the
 * layers above it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "context.h"

static struct awsmask_config *
config(const char *store)
{
	struct awsmask_config *cfg;

	assert_int_equal(awsmask_config_new(&cfg), 0);
	assert_int_equal(awsmask_config_set(cfg, "store", store), 0);
	return cfg;
}

static void
test_new_arguments(void **state)
{
	struct awsmask_config *cfg = config("memory:");
	struct awsmask *am = (struct awsmask *)1;

	(void)state;
	assert_int_equal(awsmask_new(cfg, NULL), AWSMASK_EINVAL);
	assert_int_equal(awsmask_new(NULL, &am), AWSMASK_EINVAL);
	assert_null(am);
	awsmask_free(NULL);
	assert_string_equal(awsmask_errstr(NULL), "out of memory");
	assert_int_equal(awsmask_input_format(NULL), AWSMASK_FORMAT_AUTO);
	awsmask_set_report(NULL, NULL, NULL);
	assert_int_equal(awsmask_new(cfg, &am), 0);
	assert_non_null(am);
	/* Nothing is opened before the first identifier. */
	assert_null(am->store);
	assert_null(am->token_re);
	assert_int_equal(am->call.dir, -1);
	assert_int_equal(awsmask_input_format(am), AWSMASK_FORMAT_AUTO);
	assert_null(awsmask_take_warning(am));
	awsmask_free(am);
	awsmask_config_free(cfg);
}

/* What the configuration gets wrong shows at once, and the half-built
 * context carries the reason. */
static void
test_new_checks_config(void **state)
{
	struct awsmask_config *cfg = config("memory:");
	struct awsmask *am = NULL;

	(void)state;
	assert_int_equal(awsmask_config_set(cfg, "token_style", "digest"), 0);
	assert_int_equal(awsmask_new(cfg, &am), AWSMASK_ECONFIG);
	assert_non_null(am);
	assert_non_null(strstr(awsmask_errstr(am), "token_key_file"));
	awsmask_free(am);
	assert_int_equal(awsmask_config_set(cfg, "token_key",
	    "0123456789abcdef0123456789abcdef"), 0);
	am = NULL;
	assert_int_equal(awsmask_new(cfg, &am), 0);
	awsmask_free(am);
	awsmask_config_free(cfg);
}

static void
test_store_lazy(void **state)
{
	struct awsmask_config *cfg = config("memory:");
	struct awsmask *am;
	struct am_store *st;
	const char *name, *detail;
	double ms = -1;
	long long age = 1;

	(void)state;
	assert_int_equal(awsmask_new(cfg, &am), 0);
	assert_null(am->store);
	assert_int_equal(am_store_ensure(am), AWSMASK_OK);
	assert_non_null(st = am->store);
	assert_int_equal(am_store_ensure(am), AWSMASK_OK);
	assert_ptr_equal(am->store, st);
	assert_int_equal(awsmask_store_status(am, &name, &ms, &detail),
	    AWSMASK_OK);
	assert_string_equal(detail, "reachable");
	assert_true(ms >= 0);
	/* Only Redis has a circuit breaker. */
	assert_int_equal(awsmask_store_breaker(am, &age), -1);
	assert_int_equal(age, 0);
	awsmask_free(am);
	awsmask_config_free(cfg);
}

/* A store that cannot be opened: the error sticks, and the same error
 * comes back at once, without a second try. */
static void
test_store_failure_sticks(void **state)
{
	struct awsmask_config *cfg = config("sqlite:/proc/nonexistent/x.db");
	struct awsmask *am;
	const char *name, *detail;
	char msg[256];
	double ms;
	int rc;

	(void)state;
	assert_int_equal(awsmask_new(cfg, &am), 0);
	rc = am_store_ensure(am);
	assert_int_not_equal(rc, AWSMASK_OK);
	assert_null(am->store);
	assert_int_equal(am->err.code, rc);
	snprintf(msg, sizeof(msg), "%s", awsmask_errstr(am));
	assert_true(msg[0] != '\0');
	assert_int_equal(am_store_ensure(am), rc);
	assert_null(am->store);
	assert_string_equal(awsmask_errstr(am), msg);
	assert_int_equal(awsmask_store_status(am, &name, &ms, &detail), rc);
	assert_string_equal(detail, msg);
	awsmask_free(am);

	/* An error already in the context stops the store from opening. */
	awsmask_config_free(cfg);
	cfg = config("memory:");
	assert_int_equal(awsmask_new(cfg, &am), 0);
	am_seterr(&am->err, AWSMASK_EIO, "earlier failure");
	assert_int_equal(am_store_ensure(am), AWSMASK_EIO);
	assert_null(am->store);
	assert_string_equal(awsmask_errstr(am), "earlier failure");
	awsmask_free(am);
	awsmask_config_free(cfg);
}

static void
test_warnings(void **state)
{
	struct awsmask_config *cfg = config("memory:");
	struct awsmask *am;
	const char *w;

	(void)state;
	assert_int_equal(awsmask_new(cfg, &am), 0);
	/* No store yet: nothing to take, and no crash. */
	am_store_take_warning(am);
	assert_null(awsmask_take_warning(am));
	assert_int_equal(am_store_ensure(am), AWSMASK_OK);
	am->store->warning = am_strdup("first note");
	am_store_take_warning(am);
	assert_null(am->store->warning);
	am->store->warning = am_strdup("second note");
	am_store_take_warning(am);
	w = awsmask_take_warning(am);
	assert_non_null(w);
	assert_string_equal(w, "first note; second note");
	/* Taken: the next take has nothing, and w lives until then. */
	assert_null(awsmask_take_warning(am));
	awsmask_free(am);
	awsmask_config_free(cfg);
}

static void
test_kinds(void **state)
{
	struct awsmask_config *cfg = config("memory:");
	struct awsmask_kind_info info;
	struct awsmask *am;
	char path[4096];
	const char *tmp = getenv("TMPDIR");
	size_t i, n = awsmask_kind_count(NULL), ec2 = n;
	FILE *f;

	(void)state;
	assert_int_equal(n, am_nkinds);
	assert_int_equal(awsmask_kind_get(NULL, n, &info), AWSMASK_EINVAL);
	assert_int_equal(awsmask_kind_get(NULL, 0, NULL), AWSMASK_EINVAL);
	for (i = 0; i < n; i++) {
		assert_int_equal(awsmask_kind_get(NULL, i, &info), 0);
		assert_string_equal(info.name, am_kinds[i].name);
		assert_int_equal(info.enabled, !am_kinds[i].default_off);
		if (!strcmp(info.name, "ec2-instance"))
			ec2 = i;
	}
	assert_true(ec2 < n);

	/* A context's kinds: its configuration's types, and its custom
	 * kinds after the catalogue's rows. */
	snprintf(path, sizeof(path), "%s/ctx.patterns", tmp ? tmp : "/tmp");
	assert_non_null(f = fopen(path, "w"));
	fputs("emp-id EMP \\bE[0-9]{6}\\b\n", f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(awsmask_config_set(cfg, "patterns", path), 0);
	assert_int_equal(awsmask_config_set(cfg, "types", "emp-id"), 0);
	assert_int_equal(awsmask_new(cfg, &am), 0);
	assert_int_equal(awsmask_kind_count(am), n + 1);
	assert_int_equal(awsmask_kind_get(am, n, &info), 0);
	assert_string_equal(info.name, "emp-id");
	assert_string_equal(info.prefix, "EMP");
	assert_true(info.enabled);
	assert_int_equal(awsmask_kind_get(am, ec2, &info), 0);
	assert_false(info.enabled);
	assert_int_equal(awsmask_kind_get(am, n + 1, &info), AWSMASK_EINVAL);
	awsmask_free(am);
	awsmask_config_free(cfg);
	unlink(path);
}

static long long fake_now;

static long long
now_fake(void)
{
	return fake_now;
}

static void
test_caches_age(void **state)
{
	struct awsmask_config *cfg = config("memory:");
	long long (*real_now)(void) = am_store_now;
	struct awsmask *am;
	long long life;

	(void)state;
	fake_now = 1000000;
	am_store_now = now_fake;
	assert_int_equal(awsmask_new(cfg, &am), 0);
	assert_int_equal(am->cache_born, fake_now);
	life = am_store_cache_life(am->cfg->ttl);
	assert_true(life > 0);
	assert_int_equal(am_map_put(am->cache, "k", 1, "v", 1), 0);
	assert_int_equal(am_map_put(am->rcache, "v", 1, "k", 1), 0);
	fake_now += life - 1;
	am_caches_age(am);
	assert_int_equal(am_map_count(am->cache), 1);
	assert_int_equal(am_map_count(am->rcache), 1);
	fake_now += 1;
	am_caches_age(am);
	assert_int_equal(am_map_count(am->cache), 0);
	assert_int_equal(am_map_count(am->rcache), 0);
	assert_int_equal(am->cache_born, fake_now);
	/* A clock that went back empties them too. */
	assert_int_equal(am_map_put(am->cache, "k", 1, "v", 1), 0);
	fake_now -= 10;
	am_caches_age(am);
	assert_int_equal(am_map_count(am->cache), 0);
	am_store_now = real_now;
	awsmask_free(am);
	awsmask_config_free(cfg);
}

static void
test_proc_figures(void **state)
{
	struct awsmask_config *cfg = config("memory:");
	struct awsmask *am;

	(void)state;
	assert_int_equal(awsmask_new(cfg, &am), 0);
	am->counts.bytes_in = 5;
	am->counts.identifiers = 1;
	am_proc_begin(am, AM_DIR_MASK);
	assert_int_equal(am->call.dir, AM_DIR_MASK);
	am->counts.bytes_in += 100;
	am->counts.identifiers += 3;
	am_proc_end(am);
	assert_int_equal(am->call.dir, -1);
	assert_int_equal(am->proc.mask_runs, 1);
	assert_int_equal(am->proc.mask_bytes, 100);
	assert_int_equal(am->proc.mask_identifiers, 3);
	assert_int_equal(am->proc.unmask_runs, 0);

	am_proc_begin(am, AM_DIR_UNMASK);
	am->counts.bytes_in += 40;
	am->counts.tokens_restored += 2;
	am->counts.tokens_unknown += 1;
	am_proc_end(am);
	assert_int_equal(am->proc.unmask_runs, 1);
	assert_int_equal(am->proc.unmask_bytes, 40);
	assert_int_equal(am->proc.unmask_tokens, 2);
	assert_int_equal(am->proc.unmask_unknown, 1);
	assert_int_equal(am->proc.mask_bytes, 100);

	/* Scanning is neither. */
	am_proc_begin(am, AM_DIR_SCAN);
	am->counts.bytes_in += 7;
	am_proc_end(am);
	assert_int_equal(am->proc.mask_bytes, 100);
	assert_int_equal(am->proc.unmask_bytes, 40);

	/* Without a store there is nobody to hand the figures to. */
	am_proc_sync(am);
	am_proc_sync(NULL);
	assert_int_equal(am_store_ensure(am), AWSMASK_OK);
	am_proc_sync(am);
	assert_int_equal(am->store->proc_pending.mask_bytes, 100);
	assert_int_equal(am->store->proc_pending.unmask_tokens, 2);
	/* What the store was given is not given twice; a call in progress
	 * is handed over as far as it went. */
	am_proc_begin(am, AM_DIR_MASK);
	am->counts.bytes_in += 10;
	am_proc_sync(am);
	am_proc_sync(am);
	assert_int_equal(am->store->proc_pending.mask_bytes, 110);
	am_proc_end(am);
	am_proc_sync(am);
	assert_int_equal(am->store->proc_pending.mask_bytes, 110);
	assert_int_equal(am->proc.mask_bytes, 110);
	awsmask_free(am);
	awsmask_config_free(cfg);
}

static int freed;

static void
fake_free(void *p)
{
	assert_ptr_equal(p, &freed);
	freed++;
}

/* context.c frees what a layer above hung on the context through the
 * function that came with it, and nothing when there is nothing. */
static void
test_free_token_re(void **state)
{
	struct awsmask_config *cfg = config("memory:");
	struct awsmask *am;

	(void)state;
	assert_int_equal(awsmask_new(cfg, &am), 0);
	awsmask_free(am);
	assert_int_equal(awsmask_new(cfg, &am), 0);
	freed = 0;
	am->token_re = &freed;
	am->token_re_free = fake_free;
	awsmask_free(am);
	assert_int_equal(freed, 1);
	awsmask_config_free(cfg);
}

static void
on_report(void *arg, const char *kind, const char *token, size_t token_len,
    unsigned long long offset, unsigned long long length)
{
	(void)arg; (void)kind; (void)token; (void)token_len; (void)offset;
	(void)length;
}

static void
test_set_report(void **state)
{
	struct awsmask_config *cfg = config("memory:");
	struct awsmask *am;
	int arg;

	(void)state;
	assert_int_equal(awsmask_new(cfg, &am), 0);
	awsmask_set_report(am, on_report, &arg);
	assert_ptr_equal(am->report, on_report);
	assert_ptr_equal(am->report_arg, &arg);
	awsmask_set_report(am, NULL, NULL);
	assert_null(am->report);
	awsmask_free(am);
	awsmask_config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_arguments),
		cmocka_unit_test(test_new_checks_config),
		cmocka_unit_test(test_store_lazy),
		cmocka_unit_test(test_store_failure_sticks),
		cmocka_unit_test(test_warnings),
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_caches_age),
		cmocka_unit_test(test_proc_figures),
		cmocka_unit_test(test_free_token_re),
		cmocka_unit_test(test_set_report),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
