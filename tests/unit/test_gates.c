/*
 * Unit tests for lib/gates.c: a gate says 0 only where its row's
 * pattern cannot match.  Every gated row's pattern is compiled as the
 * scanner compiles it (anchored) and tried at every position of every
 * file under examples/ and tests/ (the labelled corpus among them) and
 * of texts written for each row; wherever it matches, the gate must have
 * said 1.  And the gates must be worth their place: on ordinary words
 * they say 0.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "internal.h"
#include "files.h"

struct gated {
	size_t row;
	pcre2_code *re;
	unsigned long matches;		/* positions where it matched */
};

static struct gated rows[32];
static size_t nrows;
static pcre2_match_data *md;

static int
setup(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < am_nkinds; i++) {
		int errcode;
		PCRE2_SIZE erroff;

		if (!am_kinds[i].gate)
			continue;
		assert_true(nrows < AM_ARRAY_SIZE(rows));
		rows[nrows].row = i;
		rows[nrows].re = pcre2_compile(
		    (PCRE2_SPTR)am_kinds[i].pattern, PCRE2_ZERO_TERMINATED,
		    PCRE2_ANCHORED | PCRE2_NO_START_OPTIMIZE, &errcode, &erroff,
		    NULL);
		assert_non_null(rows[nrows].re);
		(void)pcre2_jit_compile(rows[nrows].re, PCRE2_JIT_COMPLETE);
		nrows++;
	}
	md = pcre2_match_data_create(64, NULL);
	assert_non_null(md);
	return 0;
}

static int
teardown(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < nrows; i++)
		pcre2_code_free(rows[i].re);
	pcre2_match_data_free(md);
	return 0;
}

/* The gate's input at p, as the scanner makes it. */
static void
gate_in(struct am_gate_in *in, const char *buf, size_t len, size_t p)
{
	size_t e = len - p > AM_GATE_WORD ? p + AM_GATE_WORD : len;

	in->u = (const unsigned char *)buf;
	in->len = len;
	in->p = p;
	in->we = p;
	while (in->we < e && (isalnum(in->u[in->we]) || in->u[in->we] == '_'))
		in->we++;
}

/*
 * Does what follows the word at in (a letter) agree with the row's
 * entry of am_gate_follows, if it has one?
 */
static int
follows(const struct am_kind *k, const struct am_gate_in *in)
{
	size_t j, q = in->we;
	unsigned c;

	for (j = 0; j < am_ngate_follows; j++)
		if (am_gate_follows[j].gate == k->gate)
			break;
	if (j == am_ngate_follows || !isalpha(in->u[in->p]))
		return 1;
	c = q < in->len ? in->u[q] : 0;
	if (c != ' ' && c != '\t')
		return c && strchr(am_gate_follows[j].after, (int)c);
	while (q < in->len && (in->u[q] == ' ' || in->u[q] == '\t'))
		q++;
	c = q < in->len ? in->u[q] : 0;
	return c && strchr(am_gate_follows[j].after_blanks, (int)c);
}

/*
 * Every position of buf where a gated row matches passes its gate, and
 * what follows the word there is what the row's follow sets allow.
 */
static void
check_buf(const char *buf, size_t len, const char *what)
{
	size_t p, i;

	for (p = 0; p < len; p++) {
		struct am_gate_in in;

		gate_in(&in, buf, len, p);
		for (i = 0; i < nrows; i++) {
			const struct am_kind *k = &am_kinds[rows[i].row];
			int rc = pcre2_match(rows[i].re, (PCRE2_SPTR)buf, len, p,
			    0, md, NULL);

			if (rc == PCRE2_ERROR_NOMATCH)
				continue;
			assert_true(rc > 0);
			rows[i].matches++;
			if (!k->gate(&in))
				fail_msg("%s: %s matches at %zu but its gate "
				    "says no: \"%.40s\"", what, k->name, p,
				    buf + p);
			if (!follows(k, &in))
				fail_msg("%s: %s matches at %zu but not what "
				    "follows its word: \"%.40s\"", what,
				    k->name, p, buf + p);
		}
	}
}

static void
check_file(const char *path, const char *buf, size_t len, void *arg)
{
	(void)arg;
	check_buf(buf, len, path);
}

static const char *
root(void)
{
	const char *r = getenv("AWSMASK_TEST_ROOT");

	return r ? r : ".";
}

/* Texts every gated row matches in, in the shapes its pattern reads. */
static const char *const texts[] = {
	/* keyed-id */
	"\"VpcId\": \"vpc-1234abcd\"", "VpcId: vpc-1234abcd",
	"vpc_id = \"vpc-0123456789abcdef0\"", "instance_uid: i-1234",
	"<groupId>sg-1234</groupId>", "DetectorId='12abc34d5e6f7890'",
	"Name=volume-id,Values=vol-1234abcd,vol-5678efab",
	"\"SubnetIds\": [\"subnet-1\", \"subnet-2\"]", "ImageID=ami-12345",
	"{\\\"VpcId\\\" : \\\"vpc-1234abcd\\\"} and \"instance_ids\": [\"i-1\"]",
	"<VpcId>vpc-1234abcd</VpcId>",
	/* keyed-iam-id */
	"\"principalId\": \"AROAEXAMPLEEXAMPLE12:s\", <userId>AIDAEXAMPLEEXAMPLE12</userId>",
	"\\\"userId\\\": \\\"AIDAEXAMPLEEXAMPLE12\\\"",
	"assumed_role_id = 'AROAEXAMPLEEXAMPLE12'", "\\userId: AIDAEXAMPLEEXAMPLE12",
	/* kms-key-id */
	"\"KmsKeyId\": \"1234abcd-12ab-34cd-56ef-1234567890ab\", "
	"<KeyId>1234abcd-12ab-34cd-56ef-1234567890ab</KeyId>, "
	"--key-id 1234abcd-12ab-34cd-56ef-1234567890ab, key/1234abcd-12ab-34cd-"
	"56ef-1234567890ab, kms_key_id=1234abcd-12ab-34cd-56ef-1234567890ab, "
	"Key ID ``1234abcd-12ab-34cd-56ef-1234567890ab`` and "
	"mrk-1234abcd12ab34cd56ef1234567890ab",
	"\\\"targetKeyId\\\": \\\"1234abcd-12ab-34cd-56ef-1234567890ab\\\"",
	/* kind-keyed-id */
	"\"instance\": \"i-0abc234\", volume = 'vol-12ab34', "
	"network-interface: eni-1a2b3c, Security_Group=sg-12ab, "
	"\\\"vpc\\\": \\\"vpc-1a2b3c\\\", IMAGE : ami-12ab34",
	/* account-key */
	"recipientAccountId: \"123456789012\"",
	"eC2SecurityGroupOwnerId=123456789012",
	"sourceAccountNumber: 123456789012", "peerAccount = 123456789012",
	/* aws-id */
	"iew-0123abcd and import-ami-0123456789abcdef0 and ipv4pool-ec2-"
	"0123456789abcdef0 and tgw-mcast-domain-0123abcd",
	"x12345678901234567890123-0123abcd",
	"web-0123abcd- and fl-0123abcd. and iew-0123abcd-ab and "
	"a-b-c-d-e-0123456789abcdef0 and "
	"eipxassoc-3887e482d3fd1a7c6--hosted-zone-id Z7E089692357",
	/* prose-name */
	"a role named ``Test-Role`` and a key pair named `my-key`",
	"the tables called \"GameScores\"", "Key Pairs  named 'k'",
	"a subfolder named `my-logs`",
	/* resource-name */
	"\"RoleName\": \"admin\"", "role_name = 'admin'", "ROLE-NAME=admin",
	"StackNames: [\"a\"]", "--role-name admin", "GroupName=web",
	"| StackName  |  prod  |", "LogGroup: /x/y", "s3Bucket: my-bucket",
	"DBInstanceIdentifier=db1", "Service: web", "CacheClusterId: c1",
	"name = \"web\"", "Name=tag:Name,Values=web-1",
	"sso_role_name = Admin", "<BucketName>b</BucketName>",
	"123456789012_CloudTrail-Digest_us-east-1_trail_us-east-1_"
	"20240101T000000Z",
	/* account-id */
	"account 123456789012 and AWSLogs/123456789012/ and "
	"arn:aws:iam::123456789012:root and \"OwnerId\": \"123456789012\"",
	"- 123456789012\n", "Owner_Id: 123456789012",
	"123456789012_CloudTrail_us-east-1_x.json.gz",
	"name=requester-id,values=123456789012",
	"registryId: 123456789012", "Account No. 123456789012",
	"a request to 123456789012 and acceptance by 123456789012",
	"\"recipientAccountId\": \"123456789012\", \"accountIds\": [\"123456789012\"]",
	"\"aws:SourceAccount\": \"123456789012\" and \"123456789012\"",
	"{\\\"OwnerId\\\":\\\"123456789012\\\"} 'imageLocation': '123456789012/x'",
	"\"Account\": \"123456789012\", \"AWS\": \"123456789012\"",
	"\"owner_id\" : \"123456789012\"",
	/* s3-access-log */
	"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be "
	"awsexamplebucket1 [06/Feb/2019:00:00:38 +0000]",
	/* ipv6 */
	"2001:db8::1 and fe80::1ff:fe23:4567:890a/64 and ::1",
	"::ffff:192.0.2.128 and 64:ff9b::198.51.100.7, 2001:db8::/32",
	"fe80::39d4:20a3:a076:e31f.vol-8ede9e03d090e5d71 and fe80::1.",
};

static void
test_gates_admit_every_match(void **state)
{
	char dir[4096];
	size_t i;
	int nfiles;

	(void)state;
	assert_true(nrows >= 5);
	for (i = 0; i < AM_ARRAY_SIZE(texts); i++)
		check_buf(texts[i], strlen(texts[i]), texts[i]);
	for (i = 0; i < nrows; i++)
		if (!rows[i].matches)
			fail_msg("no text for %s", am_kinds[rows[i].row].name);
	snprintf(dir, sizeof(dir), "%s/examples", root());
	nfiles = files_walk(dir, 1, check_file, NULL);
	snprintf(dir, sizeof(dir), "%s/tests/corpus", root());
	nfiles += files_walk(dir, 1, check_file, NULL);
	snprintf(dir, sizeof(dir), "%s/tests/cli", root());
	nfiles += files_walk(dir, 1, check_file, NULL);
	assert_true(nfiles > 50);
}

/*
 * On ordinary words, the gates say no.  (At a digit or a quote the
 * gates of the key rows say yes: the scanner never tries those rows
 * there unless a quoted form may start.)
 */
static void
test_gates_refuse_words(void **state)
{
	static const char text[] =
	    "the query completed id in 12 ms, named pool worker cache "
	    "timeout user payload Identity status handler group_ pid=12 "
	    "at 12:00:00.000Z id=b896 no 2026-11-28";
	size_t p, i, open = 0, starts = 0;

	(void)state;
	for (p = 0; p < sizeof(text) - 1; p++) {
		struct am_gate_in in;

		if (!isalpha((unsigned char)text[p]) ||
		    (p > 0 && isalnum((unsigned char)text[p - 1])))
			continue;
		starts++;
		gate_in(&in, text, sizeof(text) - 1, p);
		for (i = 0; i < nrows; i++)
			if (am_kinds[rows[i].row].gate(&in)) {
				open++;
				print_message("%s passes at \"%.20s\"\n",
				    am_kinds[rows[i].row].name, text + p);
			}
	}
	assert_true(starts > 14);
	assert_int_equal(open, 0);
}

/* The gate of the row named name, at the start of text. */
static int
gate_of(const char *name, const char *text)
{
	struct am_gate_in in;
	size_t i;

	for (i = 0; i < nrows; i++)
		if (!strcmp(am_kinds[rows[i].row].name, name))
			break;
	assert_true(i < nrows);
	gate_in(&in, text, strlen(text), 0);
	return am_kinds[rows[i].row].gate(&in);
}

/* Numbers, times and look-alikes of logs. */
static void
test_gates_refuse_numbers(void **state)
{
	(void)state;
	assert_false(gate_of("account-id", "1000 "));
	assert_false(gate_of("account-id", "1234567890123 "));
	assert_true(gate_of("account-id", "123456789012 "));
	assert_false(gate_of("account-id", "retry "));
	assert_false(gate_of("account-id", "request ok"));
	assert_true(gate_of("account-id", "request  to"));
	assert_true(gate_of("account-id", "Acceptance by"));
	assert_true(gate_of("account-id", "AWSLogs/"));
	assert_false(gate_of("ipv6", "12:00:00.000Z "));
	assert_false(gate_of("ipv6", "2026-11-28T12:00:00"));
	assert_true(gate_of("ipv6", "::ffff:192.0.2.1 "));
	assert_false(gate_of("ipv6", "12:00:00.1.2 "));
	assert_true(gate_of("ipv6", "fe80::1.vol "));
	assert_false(gate_of("keyed-id", "pid=12"));
	assert_false(gate_of("keyed-id", "id=b896894e"));
	assert_true(gate_of("keyed-id", "vpc_id=b896894e"));
	assert_true(gate_of("keyed-id", "VpcId=b896894e"));
	assert_false(gate_of("resource-name", "pid=12"));
	assert_true(gate_of("resource-name", "secret-id=12"));
	assert_false(gate_of("account-key", "pid=12"));
	assert_false(gate_of("account-key", "myaccountid=12"));
	assert_true(gate_of("account-key", "myAccountId=12"));
	assert_false(gate_of("s3-access-log", "79a59df900b949e55d96a1e6 "));
	assert_false(gate_of("account-id", "\"eventName\": \"x\""));
	assert_true(gate_of("account-id", "\"recipientAccountId\": \"x\""));
	assert_false(gate_of("kms-key-id", "\"eventName\": \"x\""));
	assert_true(gate_of("kms-key-id", "\"kmsKeyId\": \"x\""));
	assert_false(gate_of("keyed-id", "\"eventName\": \"x\""));
	assert_true(gate_of("keyed-id", "\"eventId\": \"x\""));
	assert_false(gate_of("keyed-iam-id", "\"eventName\": \"x\""));
	assert_false(gate_of("kind-keyed-id", "instances: i-12345"));
	assert_false(gate_of("kind-keyed-id", "vpc-id: vpc-12345"));
	assert_true(gate_of("kind-keyed-id", "\"Vpc\" : vpc-12345"));
	assert_false(gate_of("aws-id", "us-east-1 "));
	assert_false(gate_of("aws-id", "my-deadbeef0 "));
	assert_true(gate_of("aws-id", "my-deadbeef "));
	assert_true(gate_of("aws-id", "my-app-deadbeef- "));
	assert_true(gate_of("keyed-iam-id", "\"userIdentity\": {"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gates_admit_every_match),
		cmocka_unit_test(test_gates_refuse_words),
		cmocka_unit_test(test_gates_refuse_numbers),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
