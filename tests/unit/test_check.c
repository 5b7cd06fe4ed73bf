/*
 * test_check.c - awsmask_check_buffer(): what a finding says (line,
 * offset, length as written, in text and JSON), and that the tokens the
 * store issued, alone or joined by punctuation, are no finding while
 * everything else is; masking leaves those same tokens as they are.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsmask.h"

#define MAXF 32

struct seen {
	struct awsmask_finding f[MAXF];
	char kind[MAXF][64];
	size_t n;
};

static void
on_finding(void *arg, const struct awsmask_finding *f)
{
	struct seen *s = arg;

	assert_true(s->n < MAXF);
	s->f[s->n] = *f;
	/* The struct is valid during the call only: keep a copy. */
	snprintf(s->kind[s->n], sizeof(s->kind[0]), "%s", f->kind);
	s->f[s->n].kind = s->kind[s->n];
	s->n++;
}

static struct awsmask *
context(struct awsmask_config **cfg, const char *format)
{
	struct awsmask *am;

	assert_int_equal(awsmask_config_new(cfg), 0);
	assert_int_equal(awsmask_config_set(*cfg, "store", "memory:"), 0);
	assert_int_equal(awsmask_config_set(*cfg, "format", format), 0);
	assert_int_equal(awsmask_new(*cfg, &am), 0);
	return am;
}

static void
test_null(void **state)
{
	(void)state;
	assert_int_equal(awsmask_check_buffer(NULL, "x", 1, on_finding, NULL),
	    AWSMASK_EINVAL);
	assert_int_equal(awsmask_check_fd(NULL, 0, on_finding, NULL),
	    AWSMASK_EINVAL);
}

/* Text: line, byte offset and length of each finding. */
static void
test_text_places(void **state)
{
	static const char in[] = "nothing\nhere i-0abc12de34f567890 and\n"
	    "vpc-0a1b2c3d4e5f67890\n";
	struct awsmask_config *cfg;
	struct awsmask *am = context(&cfg, "text");
	struct seen s = { .n = 0 };

	(void)state;
	assert_int_equal(awsmask_check_buffer(am, in, sizeof(in) - 1,
	    on_finding, &s), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.f[0].kind, "ec2-instance");
	assert_int_equal(s.f[0].line, 2);
	assert_int_equal(s.f[0].offset, 13);
	assert_int_equal(s.f[0].length, 19);
	assert_int_equal(s.f[1].line, 3);
	assert_int_equal(s.f[1].offset, 37);
	assert_int_equal(s.f[1].length, 21);
	awsmask_free(am);
	awsmask_config_free(cfg);
}

/* JSON: the place as written, escapes counted; a number's own line. */
static void
test_json_places(void **state)
{
	static const char in[] = "{\"a\": \"x \\u0069-0abc12de34f567890\",\n"
	    "\"OwnerId\":\n  123456789012}\n";
	struct awsmask_config *cfg;
	struct awsmask *am = context(&cfg, "json");
	struct seen s = { .n = 0 };

	(void)state;
	assert_int_equal(awsmask_check_buffer(am, in, sizeof(in) - 1,
	    on_finding, &s), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.f[0].kind, "ec2-instance");
	assert_int_equal(s.f[0].line, 1);
	assert_int_equal(s.f[0].offset, 9);
	assert_int_equal(s.f[0].length, 24);	/* \u0069 is six bytes */
	assert_string_equal(s.f[1].kind, "account-id");
	assert_int_equal(s.f[1].line, 3);
	assert_int_equal(s.f[1].offset, 49);
	assert_int_equal(s.f[1].length, 12);
	awsmask_free(am);
	awsmask_config_free(cfg);
}

/*
 * Masked text: the tokens issued, alone or joined by punctuation, are
 * no finding and stay as they are; a token never issued, or one beside
 * other text, is found and masked.
 */
static void
test_issued(void **state)
{
	static const char in[] = "i-0abc12de34f567890 vpc-0a1b2c3d4e5f67890\n";
	struct awsmask_config *cfg;
	struct awsmask *am = context(&cfg, "text");
	struct seen s = { .n = 0 };
	char *out, *again;
	size_t n, m;
	const char *clean = "EC2_001/VPC_001 (EC2_001) EC2_001:VPC_001\n";
	const char *dirty = "EC2_002 ec2-001 EC2_001/EC2_009\n";

	(void)state;
	assert_int_equal(awsmask_mask_buffer(am, in, sizeof(in) - 1, &out, &n),
	    0);
	assert_string_equal(out, "EC2_001 VPC_001\n");
	assert_int_equal(awsmask_check_buffer(am, out, n, on_finding, &s), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(awsmask_mask_buffer(am, out, n, &again, &m), 0);
	assert_string_equal(again, out);
	free(out);
	free(again);

	assert_int_equal(awsmask_check_buffer(am, clean, strlen(clean),
	    on_finding, &s), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(awsmask_mask_buffer(am, clean, strlen(clean), &out,
	    &n), 0);
	assert_string_equal(out, clean);
	free(out);

	assert_int_equal(awsmask_check_buffer(am, dirty, strlen(dirty),
	    on_finding, &s), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.f[0].kind, "token-literal");
	assert_int_equal(s.f[0].offset, 0);
	assert_int_equal(s.f[1].offset, 8);
	assert_int_equal(awsmask_mask_buffer(am, dirty, strlen(dirty), &out,
	    &n), 0);
	assert_null(strstr(out, "EC2_002"));
	assert_null(strstr(out, "EC2_009"));
	free(out);
	awsmask_free(am);
	awsmask_config_free(cfg);
}

/* Without a store to ask, token-shaped text fails the check. */
static void
test_store_down(void **state)
{
	struct awsmask_config *cfg;
	struct awsmask *am;
	struct seen s = { .n = 0 };

	(void)state;
	assert_int_equal(awsmask_config_new(&cfg), 0);
	assert_int_equal(awsmask_config_set(cfg, "store",
	    "sqlite:/proc/nope/x.db"), 0);
	assert_int_equal(awsmask_new(cfg, &am), 0);
	assert_int_equal(awsmask_check_buffer(am, "i-0abc12de34f567890", 19,
	    on_finding, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(awsmask_check_buffer(am, "EC2_001", 7, on_finding,
	    &s), AWSMASK_ESTORE);
	awsmask_free(am);
	awsmask_config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_null),
		cmocka_unit_test(test_text_places),
		cmocka_unit_test(test_json_places),
		cmocka_unit_test(test_issued),
		cmocka_unit_test(test_store_down),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
