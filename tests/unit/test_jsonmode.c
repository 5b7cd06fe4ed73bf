/*
 * Unit tests for lib/jsonmode.c: the JSON formats through the public
 * API, the choice of format, held output, reports and numbers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define ID1 "i-0123456789abcdef0"
#define ID2 "vpc-0123456789abcdef1"

static struct awsmask *
context(struct awsmask_config **cfg, const char *format)
{
	struct awsmask *am;

	assert_int_equal(awsmask_config_new(cfg), 0);
	assert_int_equal(awsmask_config_set(*cfg, "store", "memory:"), 0);
	if (format)
		assert_int_equal(awsmask_config_set(*cfg, "format", format), 0);
	assert_int_equal(awsmask_new(*cfg, &am), 0);
	return am;
}

static char *
mask(struct awsmask *am, const char *in, int want)
{
	char *out = NULL;
	size_t n;

	assert_int_equal(awsmask_mask_buffer(am, in, strlen(in), &out, &n),
	    want);
	return out;
}

static void
test_format_names(void **state)
{
	struct awsmask_config *cfg;

	(void)state;
	assert_int_equal(awsmask_format_parse("auto"), AWSMASK_FORMAT_AUTO);
	assert_int_equal(awsmask_format_parse("ndjson"), AWSMASK_FORMAT_NDJSON);
	assert_int_equal(awsmask_format_parse("JSON"), -1);
	assert_int_equal(awsmask_format_parse(NULL), -1);
	assert_string_equal(awsmask_format_name(AWSMASK_FORMAT_TEXT), "text");
	assert_null(awsmask_format_name(42));
	assert_int_equal(awsmask_config_new(&cfg), 0);
	assert_int_equal(awsmask_config_set(cfg, "format", "yaml"),
	    AWSMASK_ECONFIG);
	assert_non_null(strstr(awsmask_config_errstr(cfg), "ndjson"));
	awsmask_config_free(cfg);
}

static void
test_escapes_and_bytes(void **state)
{
	struct awsmask_config *cfg;
	struct awsmask *am = context(&cfg, NULL);
	char *out;

	(void)state;
	/* \/ and \u escapes are decoded before matching; the unchanged
	 * escapes of a changed string stay as they were written. */
	out = mask(am, "{\"Arn\": \"arn:aws:iam::123456789012:role\\/Admin\","
	    "\"x\": \"\\u0069-0123456789abcdef0 caf\\u00e9\",  \"n\": 1.5e3}\n",
	    0);
	assert_string_equal(out, "{\"Arn\": \"arn:aws:iam::ACCOUNT_001:role\\/"
	    "IAM_ROLE_001\",\"x\": \"EC2_001 caf\\u00e9\",  \"n\": 1.5e3}\n");
	assert_int_equal(awsmask_input_format(am), AWSMASK_FORMAT_JSON);
	free(out);
	/* Keys are strings too, and a key gives its values context. */
	out = mask(am, "{\"" ID1 "\": {\"RoleName\": \"prod-admin\"}}", 0);
	assert_string_equal(out,
	    "{\"EC2_001\": {\"RoleName\": \"IAM_ROLE_002\"}}");
	free(out);
	awsmask_free(am);
	awsmask_config_free(cfg);
}

static void
test_auto(void **state)
{
	struct awsmask_config *cfg;
	struct awsmask *am = context(&cfg, NULL);
	char *out;

	(void)state;
	/* Opens like JSON but is not: read as text, nothing refused. */
	out = mask(am, "{oops} " ID1 "\n", 0);
	assert_string_equal(out, "{oops} EC2_001\n");
	assert_int_equal(awsmask_input_format(am), AWSMASK_FORMAT_TEXT);
	free(out);
	out = mask(am, "{\"a\": \"" ID1 "\"}\n{\"b\": 2}\n", 0);
	assert_string_equal(out, "{\"a\": \"EC2_001\"}\n{\"b\": 2}\n");
	free(out);
	/* Valid so far, then broken: an error, not text. */
	out = mask(am, "[\"" ID1 "\"]\n[", AWSMASK_EDATA);
	assert_null(out);
	assert_non_null(strstr(awsmask_errstr(am), "line 2, column 2"));
	/* An error of the input does not stick to the context. */
	out = mask(am, "plain " ID2 "\n", 0);
	assert_string_equal(out, "plain VPC_001\n");
	free(out);
	awsmask_free(am);
	awsmask_config_free(cfg);
}

static void
test_format_json_is_one_value(void **state)
{
	struct awsmask_config *cfg;
	struct awsmask *am = context(&cfg, "json");
	char *out;

	(void)state;
	out = mask(am, "{} {}", AWSMASK_EDATA);
	assert_null(out);
	out = mask(am, "not json", AWSMASK_EDATA);
	assert_null(out);
	awsmask_free(am);
	awsmask_config_free(cfg);
	am = context(&cfg, "text");
	out = mask(am, "{\"k\": \"\\u0069-0123456789abcdef0\"}", 0);
	/* Text mode does not decode escapes. */
	assert_string_equal(out, "{\"k\": \"\\u0069-0123456789abcdef0\"}");
	free(out);
	awsmask_free(am);
	awsmask_config_free(cfg);
}

/* A Name or Key member names the Value beside it. */
static void
test_name_value_pairs(void **state)
{
	struct awsmask_config *cfg;
	struct awsmask *am = context(&cfg, NULL);
	char *out;

	(void)state;
	out = mask(am, "{\"Dimensions\": [{\"Name\": \"AutoScalingGroupName\", "
	    "\"Value\": \"web-asg\"}, {\"Value\": \"other\"}], \"Tags\": "
	    "[{\"Key\": \"aws:cloudformation:stack-name\", \"Value\": "
	    "\"prod-net\"}, {\"Key\": \"team\", \"Value\": \"infra\"}], "
	    "\"x\": {\"name\": \"RoleName\", \"in\": {}, \"Value\": \"k\"}}", 0);
	assert_string_equal(out, "{\"Dimensions\": [{\"Name\": "
	    "\"AutoScalingGroupName\", \"Value\": \"ASG_001\"}, {\"Value\": "
	    "\"other\"}], \"Tags\": [{\"Key\": \"aws:cloudformation:stack-name\", "
	    "\"Value\": \"STACK_001\"}, {\"Key\": \"team\", \"Value\": "
	    "\"infra\"}], \"x\": {\"name\": \"RoleName\", \"in\": {}, "
	    "\"Value\": \"k\"}}");
	free(out);
	/* A plural naming key names every element of its list. */
	out = mask(am, "{\"TableNames\": [\"orders\", \"users-prod\"], "
	    "\"Buckets\": [{\"Name\": \"x1\"}]}", 0);
	assert_string_equal(out, "{\"TableNames\": [\"DYNAMODB_TABLE_001\", "
	    "\"DYNAMODB_TABLE_002\"], \"Buckets\": [{\"Name\": \"x1\"}]}");
	free(out);
	awsmask_free(am);
	awsmask_config_free(cfg);
}

static void
test_numbers(void **state)
{
	struct awsmask_config *cfg;
	struct awsmask *am = context(&cfg, NULL);
	char *out;

	(void)state;
	out = mask(am, "{\"OwnerId\": 123456789012, \"AccountIds\": [111122223333],"
	    " \"n\": [123456789012.5, -123456789012, 1234567890123], "
	    "\"size\": 123456789012}", 0);
	assert_string_equal(out, "{\"OwnerId\": \"ACCOUNT_001\", \"AccountIds\": "
	    "[\"ACCOUNT_002\"], \"n\": [123456789012.5, -123456789012, "
	    "1234567890123], \"size\": 123456789012}");
	free(out);
	awsmask_free(am);
	awsmask_config_free(cfg);
}

struct rep {
	char kinds[8][32];
	unsigned long long off[8], len[8];
	int n;
};

static void
on_report(void *arg, const char *kind, const char *token, size_t toklen,
    unsigned long long offset, unsigned long long length)
{
	struct rep *r = arg;

	(void)token;
	(void)toklen;
	assert_true(r->n < 8);
	snprintf(r->kinds[r->n], sizeof(r->kinds[0]), "%s", kind);
	r->off[r->n] = offset;
	r->len[r->n++] = length;
}

static void
test_report_offsets(void **state)
{
	struct awsmask_config *cfg;
	struct awsmask *am = context(&cfg, NULL);
	const char *in = "{\"a\": \"x \\u0069-0123456789abcdef0\", \"OwnerId\": "
	    "123456789012}";
	struct rep r;
	char *out;

	(void)state;
	memset(&r, 0, sizeof(r));
	awsmask_set_report(am, on_report, &r);
	out = mask(am, in, 0);
	free(out);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.kinds[0], "ec2-instance");
	/* The escaped form in the input: \u0069 counts six bytes. */
	assert_int_equal(r.len[0], 24);
	assert_memory_equal(in + r.off[0], "\\u0069-0123456789abcdef0", 24);
	assert_string_equal(r.kinds[1], "account-id");
	assert_memory_equal(in + r.off[1], "123456789012", 12);
	/* Text mode reports too. */
	memset(&r, 0, sizeof(r));
	out = mask(am, "see " ID2 "\n", 0);
	free(out);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.off[0], 4);
	assert_int_equal(r.len[0], strlen(ID2));
	awsmask_free(am);
	awsmask_config_free(cfg);
}

/* Run the fd path: in -> out through temporary files. */
static int
mask_fd(struct awsmask *am, const char *in, size_t len, char **out,
    size_t *outlen)
{
	FILE *fi = tmpfile(), *fo = tmpfile();
	long n;
	int rc;

	assert_non_null(fi);
	assert_non_null(fo);
	assert_int_equal(fwrite(in, 1, len, fi), len);
	fflush(fi);
	rewind(fi);
	rc = awsmask_mask_fd(am, fileno(fi), fileno(fo), 0);
	n = lseek(fileno(fo), 0, SEEK_END);
	*out = malloc((size_t)n + 1);
	assert_non_null(*out);
	assert_int_equal(pread(fileno(fo), *out, (size_t)n, 0), n);
	(*out)[n] = '\0';
	*outlen = (size_t)n;
	fclose(fi);
	fclose(fo);
	return rc;
}

/* A document bigger than what is held in memory, complete or cut. */
static void
test_held_output(void **state)
{
	struct awsmask_config *cfg;
	struct awsmask *am = context(&cfg, NULL);
	size_t cap = 12 * 1024 * 1024, len = 0, n, outlen;
	char *in = malloc(cap), *out, *want;
	int i = 0;

	(void)state;
	assert_non_null(in);
	len += (size_t)sprintf(in, "{\"Records\": [\n");
	while (len < 9 * 1024 * 1024)
		len += (size_t)sprintf(in + len, "%s{\"id\": \"" ID1 "\", "
		    "\"i\": %d, \"pad\": \"%0200d\"}", i ? ",\n" : "", i, i),
		    i++;
	len += (size_t)sprintf(in + len, "\n]}\n");

	assert_int_equal(awsmask_mask_buffer(am, in, len, &want, &n), 0);
	assert_int_equal(mask_fd(am, in, len, &out, &outlen), 0);
	assert_int_equal(outlen, n);
	assert_memory_equal(out, want, n);
	assert_null(strstr(out, ID1));
	free(out);
	/* Cut: nothing at all of the one document is written. */
	assert_int_equal(mask_fd(am, in, len - 4, &out, &outlen),
	    AWSMASK_EDATA);
	assert_int_equal(outlen, 0);
	assert_non_null(strstr(awsmask_errstr(am), "truncated JSON"));
	free(out);
	free(want);
	free(in);
	awsmask_free(am);
	awsmask_config_free(cfg);
}

/* NDJSON cut in its third line: the first two are written, whole. */
static void
test_ndjson_cut(void **state)
{
	struct awsmask_config *cfg;
	struct awsmask *am = context(&cfg, "ndjson");
	const char *in = "{\"a\": \"" ID1 "\"}\n{\"b\": \"" ID2 "\"}\n"
	    "{\"c\": \"i-0123456789abcdef2\", \"d\": ";
	char *out;
	size_t n;

	(void)state;
	assert_int_equal(mask_fd(am, in, strlen(in), &out, &n), AWSMASK_EDATA);
	assert_string_equal(out, "{\"a\": \"EC2_001\"}\n{\"b\": \"VPC_001\"}\n");
	assert_non_null(strstr(awsmask_errstr(am), "line 3"));
	free(out);
	awsmask_free(am);
	awsmask_config_free(cfg);
}

/* A number is never split between two blocks of the fd path. */
static void
test_number_across_blocks(void **state)
{
	struct awsmask_config *cfg;
	struct awsmask *am = context(&cfg, NULL);
	size_t block = 256 * 1024, len, n, at;
	char *in = malloc(block * 2), *out;

	(void)state;
	assert_non_null(in);
	for (at = block - 16; at < block + 2; at += 5) {
		len = (size_t)sprintf(in, "{\"pad\": \"");
		memset(in + len, 'x', at - len - 14);
		len = at - 14;
		/* The digits start six bytes before the block's end. */
		len += (size_t)sprintf(in + len, "\", \"OwnerId\": 123456789012}\n");
		assert_int_equal(mask_fd(am, in, len, &out, &n), 0);
		assert_null(strstr(out, "123456789012"));
		assert_non_null(strstr(out, "\"OwnerId\": \"ACCOUNT_001\"}"));
		free(out);
	}
	free(in);
	awsmask_free(am);
	awsmask_config_free(cfg);
}

/* An original with quotes goes back into JSON escaped. */
static void
test_unmask_escapes(void **state)
{
	struct awsmask_config *cfg;
	struct awsmask *am;
	char path[] = "/tmp/test_jsonmode.XXXXXX", *out;
	const char *in;
	size_t n;
	int fd = mkstemp(path);
	const char *pat = "quoted  QT  \"q[a-z]+\\\\x\"\n";

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, pat, strlen(pat)), (ssize_t)strlen(pat));
	close(fd);
	assert_int_equal(awsmask_config_new(&cfg), 0);
	assert_int_equal(awsmask_config_set(cfg, "store", "memory:"), 0);
	assert_int_equal(awsmask_config_set(cfg, "patterns", path), 0);
	assert_int_equal(awsmask_new(cfg, &am), 0);
	unlink(path);
	/* Masked as text, so that the quotes are part of the original. */
	assert_int_equal(awsmask_config_set(cfg, "format", "text"), 0);
	assert_int_equal(awsmask_mask_buffer(am, "say \"qabc\\x\" now", 16,
	    &out, &n), 0);
	assert_string_equal(out, "say QT_001 now");
	free(out);
	assert_int_equal(awsmask_config_set(cfg, "format", "json"), 0);
	in = "{\"QT_001\": [\"QT_001!\"]}";
	assert_int_equal(awsmask_unmask_buffer(am, in, strlen(in), &out, &n,
	    NULL, NULL), 0);
	assert_string_equal(out,
	    "{\"\\\"qabc\\\\x\\\"\": [\"\\\"qabc\\\\x\\\"!\"]}");
	free(out);
	awsmask_free(am);
	awsmask_config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_names),
		cmocka_unit_test(test_escapes_and_bytes),
		cmocka_unit_test(test_auto),
		cmocka_unit_test(test_format_json_is_one_value),
		cmocka_unit_test(test_name_value_pairs),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_report_offsets),
		cmocka_unit_test(test_held_output),
		cmocka_unit_test(test_ndjson_cut),
		cmocka_unit_test(test_number_across_blocks),
		cmocka_unit_test(test_unmask_escapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
