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
	};

	if (!mkdtemp(dir))
		return 1;
	return cmocka_run_group_tests(tests, NULL, teardown);
}
