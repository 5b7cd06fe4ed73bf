/*
 * Unit tests for lib/unstream.c (unmasking text that comes in pieces)
 * and am_drop_issued() (a scan that takes our own tokens for what they
 * are): a streamed answer cut at every byte, byte by byte and at random
 * must unmask exactly as the whole text does; what is held back is only
 * a tail that may still be a token; a scan of masked text finds nothing,
 * while never-issued and tolerant-form tokens are still found.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mask.h"

struct ctx {
	struct awsmask_config *cfg;
	struct awsmask *am;
	char *masked;		/* the originals below, masked */
};

static const char originals[] =
	"i-0abc12de34f567890 vpc-0a1b2c3d4e5f67890 10.0.1.23 "
	"sg-0123456789abcdef0 arn:aws:iam::123456789012:role/Admin\n";

static int
setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	size_t n;

	if (awsmask_config_new(&c->cfg) ||
	    awsmask_config_set(c->cfg, "store", "memory:") ||
	    awsmask_new(c->cfg, &c->am) ||
	    awsmask_mask_buffer(c->am, originals, strlen(originals), &c->masked,
	    &n))
		return -1;
	*state = c;
	return 0;
}

static int
teardown(void **state)
{
	struct ctx *c = *state;

	free(c->masked);
	awsmask_free(c->am);
	awsmask_config_free(c->cfg);
	free(c);
	return 0;
}

/* An answer written with our tokens, as an LLM may write them. */
static const char answer[] =
	"EC2_001 sits in VPC_001 (ec2-001, **EC2\\_001**, `vpc_001`); "
	"its address PRIVATE_IP_001 and SG_001 allow it.  Role "
	"arn:aws:iam::ACCOUNT_001:role/IAM_ROLE_001.  Not ours: web-ec2-001, "
	"ec2-001.example.com, EC2_0012, EC2_999, ec2-001-b.  Caf\xc3\xa9 "
	"\xe2\x80\x94 EC2\xe2\x80\x91" "001 and EC2\xe2\x80\x93" "001.  "
	"Ends with EC2_001";

static char *
whole(struct awsmask *am, const char *s, size_t n)
{
	char *out;
	size_t len;

	am->format_force = AWSMASK_FORMAT_TEXT;
	assert_int_equal(awsmask_unmask_buffer(am, s, n, &out, &len, NULL,
	    NULL), AWSMASK_OK);
	am->format_force = 0;
	return out;
}

/* Feed s cut at the offsets cuts[0..ncuts); the output, malloc'd. */
static char *
pieces(struct awsmask *am, const char *s, size_t n, const size_t *cuts,
    size_t ncuts)
{
	struct am_unstream u = AM_UNSTREAM_INIT;
	struct am_buf out = AM_BUF_INIT;
	size_t i, at = 0;

	for (i = 0; i <= ncuts; i++) {
		size_t to = i < ncuts ? cuts[i] : n;

		assert_int_equal(am_unstream_feed(am, &u, s + at, to - at, 0,
		    &out, NULL, NULL), AWSMASK_OK);
		at = to;
	}
	assert_int_equal(am_unstream_feed(am, &u, NULL, 0, 1, &out, NULL,
	    NULL), AWSMASK_OK);
	am_unstream_release(&u);
	am_buf_addstr(&out, "");
	return am_buf_release(&out, NULL);
}

static void
test_reference(void **state)
{
	struct ctx *c = *state;
	char *ref = whole(c->am, answer, strlen(answer));

	/* The reference itself restores what it should, and only that. */
	assert_non_null(strstr(ref, "i-0abc12de34f567890 sits in "
	    "vpc-0a1b2c3d4e5f67890 (i-0abc12de34f567890, "
	    "**i-0abc12de34f567890**, `vpc-0a1b2c3d4e5f67890`)"));
	assert_non_null(strstr(ref, "Not ours: web-ec2-001, "
	    "ec2-001.example.com, EC2_0012, EC2_999, ec2-001-b."));
	assert_non_null(strstr(ref, "role/Admin."));
	assert_non_null(strstr(ref, "Ends with i-0abc12de34f567890"));
	free(ref);
}

static void
test_every_cut(void **state)
{
	struct ctx *c = *state;
	size_t n = strlen(answer), k;
	char *ref = whole(c->am, answer, n);

	for (k = 0; k <= n; k++) {
		char *got = pieces(c->am, answer, n, &k, 1);

		if (strcmp(got, ref))
			fail_msg("cut at %zu:\n%s\n%s", k, got, ref);
		free(got);
	}
	free(ref);
}

static void
test_byte_by_byte(void **state)
{
	struct ctx *c = *state;
	size_t n = strlen(answer), k, cuts[sizeof(answer)];
	char *ref = whole(c->am, answer, n), *got;

	for (k = 0; k < n; k++)
		cuts[k] = k;
	got = pieces(c->am, answer, n, cuts, n);
	assert_string_equal(got, ref);
	free(got);
	free(ref);
}

static void
test_random_cuts(void **state)
{
	struct ctx *c = *state;
	size_t n = strlen(answer), cuts[16], i, j, t;
	char *ref = whole(c->am, answer, n);
	unsigned seed = 12345;

	for (t = 0; t < 500; t++) {
		size_t nc = 1 + rand_r(&seed) % 15;
		char *got;

		for (i = 0; i < nc; i++)
			cuts[i] = (size_t)rand_r(&seed) % (n + 1);
		for (i = 1; i < nc; i++)	/* sort */
			for (j = i; j > 0 && cuts[j - 1] > cuts[j]; j--) {
				size_t x = cuts[j];

				cuts[j] = cuts[j - 1];
				cuts[j - 1] = x;
			}
		got = pieces(c->am, answer, n, cuts, nc);
		assert_string_equal(got, ref);
		free(got);
	}
	free(ref);
}

/* What is written at once, and what waits. */
static void
test_holdback(void **state)
{
	static const struct {
		const char *in, *now;
	} cases[] = {
		{ "Hello wor", "Hello wor" },		/* no token starts so */
		{ "See EC2_00", "See " },
		{ "See EC2_001", "See " },		/* EC2_0012? */
		{ "See EC2_001 ", "See i-0abc12de34f567890 " },
		{ "See ec2-001", "See " },
		{ "See ec2-001.", "See " },		/* .example? */
		{ "See ec2-001.\n", "See i-0abc12de34f567890.\n" },
		{ "See web-ec2-001 ", "See web-ec2-001 " },
		{ "x EC2\\", "x " },
		{ "x EC2\xe2\x80", "x " },
		{ "x EC2 \xe2\x80\x94", "x EC2 \xe2\x80\x94" },
		{ "3 x 4", "3 x 4" },
	};
	struct ctx *c = *state;
	size_t i;

	for (i = 0; i < AM_ARRAY_SIZE(cases); i++) {
		struct am_unstream u = AM_UNSTREAM_INIT;
		struct am_buf out = AM_BUF_INIT;

		assert_int_equal(am_unstream_feed(c->am, &u, cases[i].in,
		    strlen(cases[i].in), 0, &out, NULL, NULL), AWSMASK_OK);
		am_buf_addstr(&out, "");
		if (strcmp(out.buf, cases[i].now))
			fail_msg("'%s' wrote '%s', want '%s'", cases[i].in,
			    out.buf, cases[i].now);
		am_buf_free(&out);
		am_unstream_release(&u);
	}
}

static void
count_found(void *arg, const char *kind, const char *prefix,
    unsigned long long line, unsigned long long offset)
{
	(void)kind; (void)prefix; (void)line; (void)offset;
	(*(int *)arg)++;
}

static int
scan(struct awsmask *am, const char *s, int issued_ok)
{
	int n = 0;

	am->scan_issued_ok = issued_ok;
	assert_int_equal(awsmask_scan_buffer(am, s, strlen(s), count_found, &n),
	    AWSMASK_OK);
	am->scan_issued_ok = 0;
	return n;
}

static void
test_drop_issued(void **state)
{
	struct ctx *c = *state;
	char json[1024];

	/* Our own masked text: tokens only, all issued. */
	assert_true(scan(c->am, c->masked, 0) >= 5);	/* token-literal */
	assert_int_equal(scan(c->am, c->masked, 1), 0);
	snprintf(json, sizeof(json), "{\"text\": \"%.*s\"}",
	    (int)strcspn(c->masked, "\n"), c->masked);
	assert_int_equal(scan(c->am, json, 1), 0);
	/* Tokens where context kinds expect an identifier: ours too. */
	{
		char *m;
		size_t n;
		static const char ctx_in[] = "s3://acme-orders-exports/2026/ "
		    "{\"GroupName\": \"orders-app\", \"RoleName\": \"Admin\"}";

		assert_int_equal(awsmask_mask_buffer(c->am, ctx_in,
		    strlen(ctx_in), &m, &n), AWSMASK_OK);
		assert_null(strstr(m, "acme-orders-exports"));
		assert_null(strstr(m, "orders-app"));
		assert_true(scan(c->am, m, 0) >= 2);
		assert_int_equal(scan(c->am, m, 1), 0);
		free(m);
	}
	/* Never issued, or a tolerant form, or an identifier: found. */
	assert_int_equal(scan(c->am, "EC2_999", 1), 1);
	assert_int_equal(scan(c->am, "ec2-001", 1), 1);
	assert_int_equal(scan(c->am, "EC2\\_001", 1), 1);
	assert_int_equal(scan(c->am, "EC2_001 i-0fedcba9876543210", 1), 1);
	assert_int_equal(scan(c->am, "s3://BUCKET_999/x", 1), 1);
	assert_int_equal(scan(c->am, "{\"a\": \"EC2_001 10.1.2.3\"}", 1), 1);
}

/* The store down: the scan fails, it never passes a token unchecked. */
static void
test_drop_issued_store_down(void **state)
{
	struct awsmask_config *cfg;
	struct awsmask *am;
	int n = 0;

	(void)state;
	assert_int_equal(awsmask_config_new(&cfg), 0);
	assert_int_equal(awsmask_config_set(cfg, "store",
	    "sqlite:/proc/no/such/dir/m.db"), 0);
	assert_int_equal(awsmask_new(cfg, &am), 0);
	am->scan_issued_ok = 1;
	assert_int_equal(awsmask_scan_buffer(am, "EC2_001", 7, count_found, &n),
	    AWSMASK_ESTORE);
	assert_int_equal(n, 0);
	awsmask_free(am);
	awsmask_config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference),
		cmocka_unit_test(test_every_cut),
		cmocka_unit_test(test_byte_by_byte),
		cmocka_unit_test(test_random_cuts),
		cmocka_unit_test(test_holdback),
		cmocka_unit_test(test_drop_issued),
		cmocka_unit_test(test_drop_issued_store_down),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
