/* Unit tests for lib/config.c: keys, values, files, environment, URIs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static char dir[] = "/tmp/awsmask-config-XXXXXX";

static const char *
write_file(const char *name, const char *text)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void
clear_env(void)
{
	static const char *const vars[] = { "AWSMASK_STORE", "AWSMASK_PREFIX",
	    "AWSMASK_TYPES", "REDIS_HOST", "REDIS_PORT", "REDIS_DB",
	    "REDIS_PASSWORD", "USE_REDIS", "MASKING_TTL", "AWSMASK_STATE_DIR",
	    "AWSMASK_SYSCONFIG", "XDG_CONFIG_HOME", "REDIS_FALLBACK" };
	size_t i;

	for (i = 0; i < AM_ARRAY_SIZE(vars); i++)
		unsetenv(vars[i]);
}

static void
test_defaults(void **state)
{
	struct awsmask_config *cfg;

	(void)state;
	clear_env();
	setenv("XDG_STATE_HOME", "/var/tmp/st", 1);
	assert_int_equal(awsmask_config_new(&cfg), 0);
	assert_int_equal(cfg->c.ttl, 604800);
	assert_int_equal(cfg->c.timeout_ms, 2000);
	assert_string_equal(cfg->c.ns, "aws:");
	assert_int_equal(cfg->c.preserve_structure, 1);
	assert_string_equal(awsmask_config_store_name(cfg),
	    "sqlite:/var/tmp/st/awsmask/mappings.db");
	awsmask_config_free(cfg);
	awsmask_config_free(NULL);
}

static void
test_set_values(void **state)
{
	struct awsmask_config *cfg;

	(void)state;
	assert_int_equal(awsmask_config_new(&cfg), 0);
	assert_int_equal(awsmask_config_set(cfg, "MASKING-TTL", "2h"), 0);
	assert_int_equal(cfg->c.ttl, 7200);
	assert_int_equal(awsmask_config_set(cfg, "ttl", "90"), 0);
	assert_int_equal(cfg->c.ttl, 90);
	assert_int_equal(awsmask_config_set(cfg, "ttl", "5x"), AWSMASK_ECONFIG);
	assert_int_equal(awsmask_config_set(cfg, "ttl", "-1"), AWSMASK_ECONFIG);
	assert_int_equal(awsmask_config_set(cfg, "ttl", "0"), AWSMASK_ECONFIG);
	assert_int_equal(awsmask_config_set(cfg, "ttl",
	    "99999999999999999999999"), AWSMASK_ECONFIG);
	assert_int_equal(awsmask_config_set(cfg, "ttl", ""), AWSMASK_ECONFIG);
	assert_int_equal(cfg->c.ttl, 90);
	assert_int_equal(awsmask_config_set(cfg, "use_redis", "yes"), 0);
	assert_int_equal(cfg->c.use_redis, 1);
	assert_int_equal(awsmask_config_set(cfg, "use_redis", "maybe"),
	    AWSMASK_ECONFIG);
	assert_int_equal(awsmask_config_set(cfg, "redis_port", "70000"),
	    AWSMASK_ECONFIG);
	assert_int_equal(awsmask_config_set(cfg, "no_such_key", "1"),
	    AWSMASK_ECONFIG);
	assert_non_null(strstr(awsmask_config_errstr(cfg), "no_such_key"));
	assert_int_equal(awsmask_config_set(cfg, "allow", "10.0.0.1"), 0);
	assert_int_equal(awsmask_config_set(cfg, "allow", "10.0.0.2"), 0);
	assert_int_equal(cfg->c.nallow, 2);
	assert_int_equal(awsmask_config_set(NULL, "ttl", "1"), AWSMASK_EINVAL);
	awsmask_config_free(cfg);
}

static void
test_file_errors(void **state)
{
	struct awsmask_config *cfg;
	const char *p;

	(void)state;
	assert_int_equal(awsmask_config_new(&cfg), 0);
	p = write_file("bad.conf", "# comment\n\nttl = 60\nbogus = 1\n");
	assert_int_equal(awsmask_config_load_file(cfg, p, 1), AWSMASK_ECONFIG);
	assert_non_null(strstr(awsmask_config_errstr(cfg), "bad.conf:4:"));
	assert_int_equal(cfg->c.ttl, 60);
	p = write_file("noeq.conf", "store\n");
	assert_int_equal(awsmask_config_load_file(cfg, p, 1), AWSMASK_ECONFIG);
	assert_non_null(strstr(awsmask_config_errstr(cfg), "noeq.conf:1:"));
	assert_int_equal(awsmask_config_load_file(cfg, "/nonexistent/x", 0), 0);
	assert_int_equal(awsmask_config_load_file(cfg, "/nonexistent/x", 1),
	    AWSMASK_ECONFIG);
	awsmask_config_free(cfg);
}

/* defaults < system file < user file < environment < flags */
static void
test_precedence(void **state)
{
	struct awsmask_config *cfg;
	char xdg[300];

	(void)state;
	clear_env();
	setenv("AWSMASK_SYSCONFIG", write_file("system.conf",
	    "types = ec2-instance\nnamespace = sys:\nttl = 100\n"
	    "redis_port = 7000\n"), 1);
	snprintf(xdg, sizeof(xdg), "%s/xdg", dir);
	mkdir(xdg, 0700);
	setenv("XDG_CONFIG_HOME", xdg, 1);
	mkdir(strcat(xdg, "/awsmask"), 0700);
	write_file("xdg/awsmask/config", "namespace = 'user:'\nttl = 200\n");
	setenv("MASKING_TTL", "300", 1);
	assert_int_equal(awsmask_config_new(&cfg), 0);
	assert_int_equal(awsmask_config_load_standard(cfg, NULL), 0);
	assert_string_equal(cfg->c.types, "ec2-instance");
	assert_string_equal(cfg->c.ns, "user:");
	assert_int_equal(cfg->c.ttl, 300);
	assert_int_equal(cfg->c.redis_port, 7000);
	assert_int_equal(awsmask_config_set(cfg, "ttl", "400"), 0);
	assert_int_equal(cfg->c.ttl, 400);
	awsmask_config_free(cfg);

	/* --config FILE replaces both files and must exist. */
	assert_int_equal(awsmask_config_new(&cfg), 0);
	assert_int_equal(awsmask_config_load_standard(cfg,
	    write_file("only.conf", "namespace = only:\n")), 0);
	assert_string_equal(cfg->c.ns, "only:");
	assert_null(cfg->c.types);
	awsmask_config_free(cfg);
	assert_int_equal(awsmask_config_new(&cfg), 0);
	assert_int_equal(awsmask_config_load_standard(cfg, "/nonexistent"),
	    AWSMASK_ECONFIG);
	awsmask_config_free(cfg);
	clear_env();
}

static void
test_store_uri(void **state)
{
	struct awsmask_config *cfg;
	char *uri;

	(void)state;
	clear_env();
	setenv("REDIS_HOST", "10.1.2.3", 1);
	setenv("REDIS_DB", "4", 1);
	setenv("REDIS_PASSWORD", "s3cret", 1);
	assert_int_equal(awsmask_config_new(&cfg), 0);
	assert_int_equal(awsmask_config_load_env(cfg), 0);
	assert_string_equal(awsmask_config_store_name(cfg),
	    "redis://10.1.2.3:6379/4");
	assert_int_equal(awsmask_config_set(cfg, "use_redis", "false"), 0);
	assert_non_null(strstr(awsmask_config_store_name(cfg), "sqlite:"));
	assert_int_equal(awsmask_config_set(cfg, "store",
	    "redis://bob:hunter2@127.0.0.1:6380/1"), 0);
	assert_string_equal(awsmask_config_store_name(cfg),
	    "redis://bob:***@127.0.0.1:6380/1");
	uri = am_config_store_uri(&cfg->c, 1);
	assert_string_equal(uri, "redis://bob:hunter2@127.0.0.1:6380/1");
	am_free(uri);
	awsmask_config_free(cfg);
	clear_env();
}

/* Custom kinds: the patterns key reads and checks a file at once. */
static void
test_patterns(void **state)
{
	struct awsmask_config *cfg;
	const char *p;

	(void)state;
	clear_env();
	assert_int_equal(awsmask_config_new(&cfg), 0);
	p = write_file("a.patterns", "# comment\n\n  emp-id\tEMP  \\bE[0-9]{6}\\b  \n"
	    "ticket TICKET (?:OPS|SEC) - [0-9]+\n"
	    "cust CUST customer=(?<id>C[0-9]{8})\n");
	assert_int_equal(awsmask_config_set(cfg, "patterns", p), 0);
	assert_int_equal(cfg->c.ncustom, 3);
	assert_string_equal(cfg->c.custom[0].name, "emp-id");
	assert_string_equal(cfg->c.custom[0].prefix, "EMP");
	assert_string_equal(cfg->c.custom[0].pattern, "\\bE[0-9]{6}\\b");
	assert_non_null(strstr(cfg->c.custom[0].description, "a.patterns:3"));
	/* The regex is the rest of the line, inner blanks included. */
	assert_string_equal(cfg->c.custom[1].pattern, "(?:OPS|SEC) - [0-9]+");
	assert_int_equal(cfg->c.custom[2].default_off, 0);
	assert_null(cfg->c.custom[2].split);
	/* Now --types and --exclude-types know them, by name or prefix. */
	assert_int_equal(awsmask_config_set(cfg, "types", "emp-id,TICKET,EC2"), 0);
	assert_int_equal(awsmask_config_set(cfg, "exclude_types", "cust"), 0);
	/* A later file replaces a kind of the same name, adds the others. */
	p = write_file("b.patterns", "ticket JIRA \\bOPS-[0-9]+\\b\nhost HOST x\\.corp\n");
	assert_int_equal(awsmask_config_set(cfg, "patterns", p), 0);
	assert_int_equal(cfg->c.ncustom, 4);
	assert_string_equal(cfg->c.custom[1].prefix, "JIRA");
	assert_string_equal(cfg->c.custom[3].name, "host");
	/* A bad file changes nothing. */
	p = write_file("c.patterns", "new NEW x\nbad BAD a(b\n");
	assert_int_equal(awsmask_config_set(cfg, "patterns", p),
	    AWSMASK_ECONFIG);
	assert_int_equal(cfg->c.ncustom, 4);
	assert_non_null(strstr(awsmask_config_errstr(cfg), "c.patterns:2: "
	    "bad pattern for kind bad: missing closing parenthesis at offset 3"));
	awsmask_config_free(cfg);
}

static void
test_patterns_errors(void **state)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "x X1 a*\n", ":1: bad pattern for kind x: it can match the empty string" },
		{ "x X1 (?:)\n", "can match the empty string" },
		{ "x X1 [z-a]\n", "bad pattern for kind x: range out of order in character class at offset 3" },
		{ "\n\nx X1\n", ":3: expected NAME PREFIX REGEX" },
		{ "X X1 y\n", "bad kind name 'X'" },
		{ "-x X1 y\n", "bad kind name '-x'" },
		{ "arn X1 y\n", "kind name 'arn' is taken" },
		{ "ec2 X1 y\n", "kind name 'ec2' is taken" },
		{ "all X1 y\n", "bad kind name 'all'" },
		{ "x x1 y\n", "bad token prefix 'x1'" },
		{ "x X y\n", "bad token prefix 'X'" },
		{ "x 1X y\n", "bad token prefix '1X'" },
		{ "x X_ y\n", "bad token prefix 'X_'" },
		{ "x ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFG y\n", "bad token prefix" },
		{ "x LITERAL y\n", "'LITERAL' is reserved" },
		{ "x S3_BUCKET_NAME y\nx X2 z\n", ":2: kind 'x' is defined twice" },
	};
	struct awsmask_config *cfg;
	const char *p;
	size_t i;

	(void)state;
	clear_env();
	for (i = 0; i < AM_ARRAY_SIZE(bad); i++) {
		assert_int_equal(awsmask_config_new(&cfg), 0);
		p = write_file("bad.patterns", bad[i].text);
		assert_int_equal(awsmask_config_set(cfg, "patterns", p),
		    AWSMASK_ECONFIG);
		if (!strstr(awsmask_config_errstr(cfg), bad[i].msg))
			fail_msg("%zu: '%s' lacks '%s'", i,
			    awsmask_config_errstr(cfg), bad[i].msg);
		assert_int_equal(cfg->c.ncustom, 0);
		awsmask_config_free(cfg);
	}
	assert_int_equal(awsmask_config_new(&cfg), 0);
	assert_int_equal(awsmask_config_set(cfg, "patterns", "/nonexistent/p"),
	    AWSMASK_ECONFIG);
	assert_string_equal(awsmask_config_errstr(cfg), "cannot open patterns "
	    "file '/nonexistent/p': No such file or directory");
	/* Built-in prefixes may be reused; a built-in kind's name may not. */
	p = write_file("ok.patterns", "acct ACCOUNT \\bacct-[0-9]{12}\\b\n");
	assert_int_equal(awsmask_config_set(cfg, "patterns", p), 0);
	p = write_file("ok.patterns", "x ARN y\n");
	assert_int_equal(awsmask_config_set(cfg, "patterns", p),
	    AWSMASK_ECONFIG);
	awsmask_config_free(cfg);
}

/* In a file, patterns are read first: types may name their kinds before. */
static void
test_patterns_in_files(void **state)
{
	struct awsmask_config *cfg;
	char text[512];
	const char *p;

	(void)state;
	clear_env();
	p = write_file("k.patterns", "emp EMP \\bE[0-9]{6}\\b\n");
	snprintf(text, sizeof(text), "types = emp,EC2\nbogus line\n"
	    "patterns = %s/k.patterns\n", dir);
	(void)p;
	p = write_file("k.conf", text);
	assert_int_equal(awsmask_config_new(&cfg), 0);
	assert_int_equal(awsmask_config_load_file(cfg, p, 1), AWSMASK_ECONFIG);
	/* The syntax error is still reported, with its line. */
	assert_non_null(strstr(awsmask_config_errstr(cfg), "k.conf:2: expected"));
	awsmask_config_free(cfg);
	snprintf(text, sizeof(text), "types = emp,EC2\n"
	    "patterns = %s/k.patterns\n", dir);
	p = write_file("k.conf", text);
	assert_int_equal(awsmask_config_new(&cfg), 0);
	assert_int_equal(awsmask_config_load_file(cfg, p, 1), 0);
	assert_int_equal(cfg->c.ncustom, 1);
	assert_string_equal(cfg->c.types, "emp,EC2");
	awsmask_config_free(cfg);
	/* The environment too. */
	snprintf(text, sizeof(text), "%s/k.patterns", dir);
	setenv("AWSMASK_PATTERNS", text, 1);
	setenv("AWSMASK_EXCLUDE_TYPES", "emp", 1);
	assert_int_equal(awsmask_config_new(&cfg), 0);
	assert_int_equal(awsmask_config_load_env(cfg), 0);
	assert_int_equal(cfg->c.ncustom, 1);
	awsmask_config_free(cfg);
	unsetenv("AWSMASK_PATTERNS");
	unsetenv("AWSMASK_EXCLUDE_TYPES");
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

/* Out of memory anywhere in reading a patterns file: ENOMEM, no leak. */
static void
test_patterns_alloc_failure(void **state)
{
	static const struct am_allocator a = { failing_malloc, failing_calloc,
	    failing_realloc, free };
	struct awsmask_config *cfg;
	const char *p;
	int n, rc;

	(void)state;
	p = write_file("m.patterns", "a AA x\nb BB y\nc CC z\n");
	for (n = 0; n < 40; n++) {
		assert_int_equal(awsmask_config_new(&cfg), 0);
		fail_after = n;
		am_set_allocator(&a);
		rc = awsmask_config_set(cfg, "patterns", p);
		am_set_allocator(NULL);
		if (rc == AWSMASK_OK) {
			assert_int_equal(cfg->c.ncustom, 3);
			awsmask_config_free(cfg);
			return;
		}
		assert_int_equal(rc, AWSMASK_ENOMEM);
		assert_int_equal(cfg->c.ncustom, 0);
		awsmask_config_free(cfg);
	}
	fail_msg("never succeeded");
}

static int
teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_set_values),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_store_uri),
		cmocka_unit_test(test_patterns),
		cmocka_unit_test(test_patterns_errors),
		cmocka_unit_test(test_patterns_in_files),
		cmocka_unit_test(test_patterns_alloc_failure),
	};

	if (!mkdtemp(dir))
		return 1;
	return cmocka_run_group_tests(tests, NULL, teardown);
}
