/*
 * Unit tests for lib/names.c: which values are never names, and which
 * names may be learnt (masked again at their bare occurrences).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "internal.h"

static int
placeholder(const char *s)
{
	return am_name_placeholder(s, strlen(s));
}

static int
learnable(const char *s)
{
	return am_name_learnable(s, strlen(s));
}

static void
test_placeholders(void **state)
{
	(void)state;
	assert_true(placeholder("example"));
	assert_true(placeholder("ROLE_NAME"));
	/* '-' and '_' alike, on both sides of the comparison. */
	assert_true(placeholder("role-name"));
	assert_true(placeholder("kubernetes-admin"));
	assert_true(placeholder("kubernetes_admin"));
	assert_true(placeholder("MY_BUCKET_NAME"));
	assert_true(placeholder("AWSServiceRoleForSSO"));
	assert_true(placeholder("aws/s3"));
	/* AWS's dotted namespaces: EventBridge sources, log types. */
	assert_true(placeholder("aws.ec2"));
	assert_true(placeholder("AWS.CloudTrail.UserAccessKeyAuth"));
	assert_false(placeholder("kubernetes-admins"));
	assert_false(placeholder("payroll-app"));
	assert_false(placeholder("awsome.app"));
	assert_false(placeholder("AWSBackupDefaultServiceRole"));
	assert_false(placeholder("DOC-EXAMPLE-BUCKET"));
}

static void
test_learnable(void **state)
{
	(void)state;
	assert_true(learnable("payroll-app"));
	assert_true(learnable("app/red-team/pass-25"));
	assert_false(learnable("Bob"));		/* short */
	assert_false(learnable("prod"));	/* common */
	assert_false(learnable("Backup"));	/* common, any case */
	assert_false(learnable("2024"));	/* no letter */
	assert_false(learnable("example"));	/* placeholder */
	assert_false(learnable("aws.s3"));	/* AWS's */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_placeholders),
		cmocka_unit_test(test_learnable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
