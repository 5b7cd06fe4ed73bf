/*
 * Unit tests for lib/unmask.c of its own: am_token_at()'s three answers,
 * and the token grammar the build serialized (a context without custom
 * kinds decodes it) against the one compiled at run time (custom kinds
 * add prefixes, so their context compiles it), which must find the same
 * built-in tokens, tolerant or exact.  The streams' unmasking is tested
 * through the API in test_mask.c and against a byte-by-byte search in
 * test_scanner.c.
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

#include "mask.h"

static struct awsmask_config *
config(const char *patterns, int exact)
{
	struct awsmask_config *cfg;

	assert_int_equal(awsmask_config_new(&cfg), 0);
	assert_int_equal(awsmask_config_set(cfg, "store", "memory:"), 0);
	if (exact)
		assert_int_equal(awsmask_config_set(cfg, "unmask_exact", "yes"),
		    0);
	if (patterns) {
		char path[] = "/tmp/awsmask-patterns-XXXXXX";
		int fd = mkstemp(path);

		assert_true(fd >= 0);
		assert_int_equal(write(fd, patterns, strlen(patterns)),
		    (ssize_t)strlen(patterns));
		close(fd);
		assert_int_equal(awsmask_config_set(cfg, "patterns", path), 0);
		unlink(path);
	}
	return cfg;
}

/* 1: a token from start, ending at *end; 2: more text could decide;
 * 0: none, whatever follows. */
static void
test_token_at(void **state)
{
	static const struct {
		const char *s;
		size_t start;
		int want;
		size_t end;
	} cases[] = {
		{ "EC2_001 x", 0, 1, 7 },
		{ "x EC2_001. y", 2, 1, 9 },
		{ "x EC2_001.", 2, 2, 0 },	/* ec2-001.example.com? */
		{ "EC2_001", 0, 2, 0 },		/* EC2_0012 would be longer */
		{ "EC2_", 0, 2, 0 },
		{ "EC", 0, 2, 0 },
		{ "hello world", 0, 0, 0 },
		{ "EC2_01 x", 0, 0, 0 },	/* two digits: no token */
		{ "ec2-001 x", 0, 1, 7 },	/* tolerant by default */
		{ "IAM_ROLE_001 x", 0, 1, 12 },
		{ "EC2_001x", 0, 0, 0 },	/* glued to a letter */
	};
	struct awsmask_config *cfg = config(NULL, 0);
	struct awsmask *am;
	size_t i, end;

	(void)state;
	assert_int_equal(awsmask_new(cfg, &am), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r;

		end = 0;
		r = am_token_at(am, cases[i].s, strlen(cases[i].s),
		    cases[i].start, &end);
		if (r != cases[i].want)
			fail_msg("'%s' at %zu: %d, not %d", cases[i].s,
			    cases[i].start, r, cases[i].want);
		if (r == 1)
			assert_int_equal(end, cases[i].end);
	}
	awsmask_free(am);
	awsmask_config_free(cfg);
}

/* The exact grammar takes no tolerant form. */
static void
test_token_at_exact(void **state)
{
	struct awsmask_config *cfg = config(NULL, 1);
	struct awsmask *am;
	size_t end = 0;

	(void)state;
	assert_int_equal(awsmask_new(cfg, &am), 0);
	assert_int_equal(am_token_at(am, "EC2_001 x", 9, 0, &end), 1);
	assert_int_equal(end, 7);
	assert_int_equal(am_token_at(am, "ec2-001 x", 9, 0, &end), 0);
	assert_int_equal(am_token_at(am, "EC2\\_001 x", 10, 0, &end), 0);
	awsmask_free(am);
	awsmask_config_free(cfg);
}

static const char corpus[] =
    "EC2_001 ec2_001 Ec2_001 EC2\\_001 ec2\\_001 EC2-001 ec2-001 "
    "EC2\xe2\x80\x91" "001 ec2\xe2\x80\x90" "001 **EC2_001** *ec2-001*\n"
    "`EC2\\_001` iam\\_role\\_001 Iam-Role\\_001 vpc-001 (VPC\\_001).\n"
    "web-ec2-001 ec2-001-backup ec2-001.example.com x.ec2-001\n"
    "EC2_**001** EC2\xe2\x80\x93" "001 EC2 001 EC2__001 _ec2_001 ec2-001a\n"
    "my-EC2_001 my-ec2_001 ec2-001. ec2-999 Vpc\\_042 EC2_009 HTTP_200\n"
    "ACCOUNT_12345678901234567890 ACCOUNT_123456789012345678901 "
    "S3_BUCKET_001 s3-bucket-001 LITERAL_001 SUBNET_0001 PUBLIC_IP_7\n";

/*
 * Every start of the corpus, and every length of it from there (so that
 * the partial answers are compared too), with the build's grammar and
 * with a compiled one.
 */
static void
compare_grammars(int exact)
{
	struct awsmask_config *built = config(NULL, exact);
	struct awsmask_config *compiled = config(
	    "ticket TICKET \\bTCK-[0-9]{4}\\b\n", exact);
	struct awsmask *a, *b;
	size_t len = sizeof(corpus) - 1, start, n, ea, eb;
	unsigned found = 0;

	assert_int_equal(awsmask_new(built, &a), 0);
	assert_int_equal(awsmask_new(compiled, &b), 0);
	for (start = 0; start < len; start++) {
		for (n = start + 1; n <= len && n <= start + 40; n++) {
			int ra, rb;

			ea = eb = 0;
			ra = am_token_at(a, corpus, n, start, &ea);
			rb = am_token_at(b, corpus, n, start, &eb);
			if (ra != rb || (ra == 1 && ea != eb))
				fail_msg("at %zu, %zu bytes: %d/%zu against "
				    "%d/%zu", start, n, ra, ea, rb, eb);
			found += ra == 1;
		}
	}
	assert_true(found > 20);
	/* The custom prefix is only in the compiled grammar. */
	assert_int_equal(am_token_at(a, "TICKET_001 x", 12, 0, &ea), 0);
	assert_int_equal(am_token_at(b, "TICKET_001 x", 12, 0, &eb), 1);
	awsmask_free(a);
	awsmask_free(b);
	awsmask_config_free(built);
	awsmask_config_free(compiled);
}

static void
test_build_grammar_tolerant(void **state)
{
	(void)state;
	compare_grammars(0);
}

static void
test_build_grammar_exact(void **state)
{
	(void)state;
	compare_grammars(1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token_at),
		cmocka_unit_test(test_token_at_exact),
		cmocka_unit_test(test_build_grammar_tolerant),
		cmocka_unit_test(test_build_grammar_exact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
