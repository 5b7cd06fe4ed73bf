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
	assert_int_equal(awsmask_input_format(am), AWSMASK_FORMAT_NDJSON);
	free(out);
	/* Valid, then broken: the broken line is text. */
	out = mask(am, "[\"" ID1 "\"]\n[", 0);
	assert_string_equal(out, "[\"EC2_001\"]\n[");
	assert_int_equal(awsmask_input_format(am), AWSMASK_FORMAT_AUTO);
	free(out);
	out = mask(am, "plain " ID2 "\n", 0);
	assert_string_equal(out, "plain VPC_001\n");
	free(out);
	/* Forced, the same input is an error, which does not stick. */
	assert_int_equal(awsmask_config_set(cfg, "format", "ndjson"), 0);
	awsmask_free(am);
	assert_int_equal(awsmask_new(cfg, &am), 0);
	out = mask(am, "[\"" ID1 "\"]\n[", AWSMASK_EDATA);
	assert_null(out);
	assert_non_null(strstr(awsmask_errstr(am), "line 2, column 2"));
	out = mask(am, "[\"" ID2 "\"]\n", 0);
	assert_string_equal(out, "[\"VPC_001\"]\n");
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
	/* A Name tag, Key before Value or after it, in any case. */
	out = mask(am, "{\"Tags\": [{\"Key\": \"Name\", \"Value\": "
	    "\"web-1\"}, {\"value\": \"web-2\", \"key\": \"Name\"}, "
	    "{\"Key\": \"Env\", \"Value\": \"web-3\"}]}", 0);
	assert_string_equal(out, "{\"Tags\": [{\"Key\": \"Name\", \"Value\": "
	    "\"NAME_TAG_001\"}, {\"value\": \"NAME_TAG_002\", \"key\": "
	    "\"Name\"}, {\"Key\": \"Env\", \"Value\": \"web-3\"}]}");
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

/*
 * A string longer than a block is masked in pieces on the fd path, and
 * comes out as the whole-buffer path writes it: identifiers, escapes and
 * surrogate pairs at every distance from the cuts, reports at the same
 * offsets, a round trip back to the input.
 */
struct found {
	struct am_buf b;
};

static void
on_found(void *arg, const char *kind, const char *prefix,
    unsigned long long line, unsigned long long offset)
{
	struct found *f = arg;

	assert_int_equal(am_buf_addf(&f->b, "%s %s %llu %llu\n", kind, prefix,
	    line, offset), 0);
}

static void
on_report_buf(void *arg, const char *kind, const char *token, size_t toklen,
    unsigned long long offset, unsigned long long length)
{
	struct found *f = arg;

	assert_int_equal(am_buf_addf(&f->b, "%s %.*s %llu %llu\n", kind,
	    (int)toklen, token, offset, length), 0);
}

static int
scan_fd(struct awsmask *am, const char *in, size_t len, struct found *f)
{
	FILE *fi = tmpfile();
	int rc;

	assert_non_null(fi);
	assert_int_equal(fwrite(in, 1, len, fi), len);
	fflush(fi);
	rewind(fi);
	rc = awsmask_scan_fd(am, fileno(fi), on_found, f);
	fclose(fi);
	return rc;
}

static int
unmask_fd(struct awsmask *am, const char *in, size_t len, char **out,
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
	rc = awsmask_unmask_fd(am, fileno(fi), fileno(fo), 0, NULL, NULL);
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

/* Identifiers (mostly: a cut falls in one), escapes and plain words:
 * bit k of a long string. */
static int
add_bit(struct am_buf *b, unsigned k, unsigned x, unsigned y)
{
	switch (k) {
	case 0: return am_buf_addf(b, "i-%017x ", x);
	case 1: return am_buf_addf(b, "arn:aws:iam::1234567%05u:role/app-%u ",
	    x, y);
	case 2: return am_buf_addf(b, "10.1.%u.7 ", y);
	case 3: return am_buf_addstr(b, "caf\\u00e9\\n\\t\\\"");
	case 4: return am_buf_addstr(b, "\\ud83d\\ude00");
	/* A token-shaped literal of a prefix this document never gets
	 * issued: whether an issued one is kept depends on the block it
	 * falls in (man awsmask, BUGS), which differs between the paths. */
	case 5: return am_buf_addf(b, "SNS_TOPIC_%03u ", y);
	case 6: return am_buf_addf(b, " \\u0069-0123456789abcdef%x ", y);
	case 7: return am_buf_addstr(b, "\\\\");
	case 8: return am_buf_addstr(b, "plain ");
	default: return am_buf_addf(b, "i-%017x ", x * y + k);
	}
}

static void
test_huge_string(void **state)
{
	struct awsmask_config *cfg1, *cfg2;
	struct awsmask *a1, *a2;
	struct am_buf doc = AM_BUF_INIT;
	struct found r1, r2, f1, f2;
	char *o1, *o2, *u, *u1;
	size_t n1, n2, nu, nu1;
	unsigned seed = 7, k;
	int variant;

	(void)state;
	for (variant = 0; variant < 6; variant++) {
		am_buf_reset(&doc);
		assert_int_equal(am_buf_addf(&doc, "{\"Records\": [{\"a\": \""
		    ID1 "\"}, {\"pad%*s\": 1, \"description\": \"", variant * 7,
		    ""), 0);
		while (doc.len < 800 * 1024) {
			seed = seed * 1103515245 + 12345;
			k = (seed >> 16) % 16;
			assert_int_equal(add_bit(&doc, k, (seed >> 8) & 0xfff,
			    (seed >> 4) & 0xff), 0);
		}
		assert_int_equal(am_buf_addstr(&doc, "\", \"RoleName\": "
		    "\"app-3\"}, {\"b\": \"" ID2 "\"}]}\n"), 0);

		a1 = context(&cfg1, NULL);
		a2 = context(&cfg2, NULL);
		memset(&r1, 0, sizeof(r1));
		memset(&r2, 0, sizeof(r2));
		awsmask_set_report(a1, on_report_buf, &r1);
		awsmask_set_report(a2, on_report_buf, &r2);
		assert_int_equal(awsmask_mask_buffer(a1, doc.buf, doc.len, &o1,
		    &n1), 0);
		assert_int_equal(mask_fd(a2, doc.buf, doc.len, &o2, &n2), 0);
		assert_int_equal(n1, n2);
		assert_memory_equal(o1, o2, n1);
		assert_null(strstr(o2, ID1));
		assert_int_equal(r1.b.len, r2.b.len);
		assert_memory_equal(r1.b.buf, r2.b.buf, r1.b.len);
		/* Back, through both paths: an identifier that was written
		 * with escapes comes back written plainly. */
		assert_int_equal(awsmask_unmask_buffer(a1, o1, n1, &u1, &nu1,
		    NULL, NULL), 0);
		assert_int_equal(unmask_fd(a2, o2, n2, &u, &nu), 0);
		assert_int_equal(nu, nu1);
		assert_memory_equal(u, u1, nu);
		assert_non_null(strstr(u, ID1));
		free(u);
		free(u1);
		/* --check reports the same finds at the same places. */
		memset(&f1, 0, sizeof(f1));
		memset(&f2, 0, sizeof(f2));
		assert_int_equal(awsmask_scan_buffer(a1, doc.buf, doc.len,
		    on_found, &f1), 0);
		assert_int_equal(scan_fd(a2, doc.buf, doc.len, &f2), 0);
		assert_int_equal(f1.b.len, f2.b.len);
		assert_memory_equal(f1.b.buf, f2.b.buf, f1.b.len);
		free(o1);
		free(o2);
		am_buf_free(&r1.b);
		am_buf_free(&r2.b);
		am_buf_free(&f1.b);
		am_buf_free(&f2.b);
		awsmask_free(a1);
		awsmask_free(a2);
		awsmask_config_free(cfg1);
		awsmask_config_free(cfg2);
	}
	am_buf_free(&doc);
}

/* The library's memory while one 24 MB string goes through. */
#include "countalloc.h"

static void
test_huge_string_memory(void **state)
{
	struct awsmask_config *cfg;
	struct awsmask *am;
	struct am_buf doc = AM_BUF_INIT;
	size_t len = 24 * 1024 * 1024, n, p;
	char *out;

	(void)state;
	assert_int_equal(am_buf_addstr(&doc, "{\"Blob\": \""), 0);
	while (doc.len < len)
		assert_int_equal(am_buf_addstr(&doc, "AAAA\\u00e9 " ID1 " "),
		    0);
	assert_int_equal(am_buf_addstr(&doc, "\"}\n"), 0);
	am_set_allocator(&count_allocator);
	live = peak = 0;
	am = context(&cfg, NULL);
	assert_int_equal(mask_fd(am, doc.buf, doc.len, &out, &n), 0);
	p = peak;
	awsmask_free(am);
	awsmask_config_free(cfg);
	am_set_allocator(NULL);
	assert_null(strstr(out, ID1));
	assert_non_null(strstr(out, "AAAA\\u00e9 EC2_001 "));
	print_message("# a %zu-byte string: peak %zu bytes\n", doc.len, p);
	/* Held output (4 MB, then a file) and a block or two of the
	 * string, not the string itself, once or thrice. */
	assert_true(p < 16 * 1024 * 1024);
	free(out);
	am_buf_free(&doc);
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

/*
 * --format auto decides per document.  Each case: the input, what it
 * masks to, and what -v says.  An identifier written \u0069-... is
 * found only when its part is read as JSON, and "t-admin" is a name only
 * under a JSON RoleName key (text knows it too, but not across lines).
 */
#define ESC1 "\\u0069-0123456789abcdef0"
static const struct {
	const char *in, *want;
	int format;
} auto_cases[] = {
	/* A JSON document, then text. */
	{ "{\"a\": \"" ESC1 "\"}\nand then " ID2 " in text\n",
	  "{\"a\": \"EC2_001\"}\nand then VPC_001 in text\n",
	  AWSMASK_FORMAT_AUTO },
	/* Text, then a document over many lines. */
	{ "$ aws ec2 describe-instances\n{\n  \"Reservations\": [\n    {\n"
	  "      \"InstanceId\": \"" ESC1 "\"\n    }\n  ]\n}\n",
	  "$ aws ec2 describe-instances\n{\n  \"Reservations\": [\n    {\n"
	  "      \"InstanceId\": \"EC2_001\"\n    }\n  ]\n}\n",
	  AWSMASK_FORMAT_AUTO },
	/* NDJSON records inside a log, the last line without a newline. */
	{ "10:00 start " ID2 "\n{\"a\": \"" ESC1 "\"}\n[INFO] x\n"
	  "  [\"" ESC1 "\"]\n10:01 end",
	  "10:00 start VPC_001\n{\"a\": \"EC2_001\"}\n[INFO] x\n"
	  "  [\"EC2_001\"]\n10:01 end", AWSMASK_FORMAT_AUTO },
	/* A value and text on one line: the line is text. */
	{ "{\"a\": 1} " ID2 "\n", "{\"a\": 1} VPC_001\n",
	  AWSMASK_FORMAT_TEXT },
	/* A number that starts a log line after JSON is no JSON. */
	{ "{\"a\": \"" ESC1 "\"}\n2026 " ID2 "\n",
	  "{\"a\": \"EC2_001\"}\n2026 VPC_001\n", AWSMASK_FORMAT_AUTO },
	/* Truncated: all text, the escaped ID left as text leaves it. */
	{ "{\"a\": \"" ID1 "\",\n \"b\": [1, 2,\n  \"" ID2 "\"",
	  "{\"a\": \"EC2_001\",\n \"b\": [1, 2,\n  \"VPC_001\"",
	  AWSMASK_FORMAT_TEXT },
	/* Bad deep inside: the document up to the bad line is text. */
	{ "{\n \"a\": \"" ID1 "\",\n \"b\": oops,\n \"c\": \"" ID2
	  "\"\n}\n{\"d\": \"" ESC1 "\"}\n",
	  "{\n \"a\": \"EC2_001\",\n \"b\": oops,\n \"c\": \"VPC_001\""
	  "\n}\n{\"d\": \"EC2_001\"}\n", AWSMASK_FORMAT_AUTO },
	/* Lone brackets are text. */
	{ "[", "[", AWSMASK_FORMAT_TEXT },
	{ "{", "{", AWSMASK_FORMAT_TEXT },
	{ "[\n", "[\n", AWSMASK_FORMAT_TEXT },
	{ "  {\n\n", "  {\n\n", AWSMASK_FORMAT_TEXT },
	{ "[\n[\n{\n", "[\n[\n{\n", AWSMASK_FORMAT_TEXT },
	{ "x\n{\n", "x\n{\n", AWSMASK_FORMAT_TEXT },
	/* Blanks around a document: still one JSON document. */
	{ "\n  \n{\"a\": \"" ESC1 "\"}\n\n", "\n  \n{\"a\": \"EC2_001\"}\n\n",
	  AWSMASK_FORMAT_JSON },
	{ "", "", AWSMASK_FORMAT_TEXT },
};

static void
test_auto_per_document(void **state)
{
	struct awsmask_config *cfg;
	struct awsmask *am;
	size_t i, n;
	char *out;

	(void)state;
	for (i = 0; i < AM_ARRAY_SIZE(auto_cases); i++) {
		const char *in = auto_cases[i].in;

		print_message("# case %zu\n", i);
		am = context(&cfg, NULL);
		out = mask(am, in, 0);
		assert_string_equal(out, auto_cases[i].want);
		assert_int_equal(awsmask_input_format(am),
		    auto_cases[i].format);
		free(out);
		/* The fd path cuts it the same way. */
		assert_int_equal(mask_fd(am, in, strlen(in), &out, &n), 0);
		assert_string_equal(out, auto_cases[i].want);
		free(out);
		/* And unmasking it, read the same way, gives it back, but
		 * for the escapes written anew. */
		assert_int_equal(awsmask_unmask_buffer(am, auto_cases[i].want,
		    strlen(auto_cases[i].want), &out, &n, NULL, NULL), 0);
		assert_null(strstr(out, "EC2_0"));
		assert_null(strstr(out, "VPC_0"));
		free(out);
		awsmask_free(am);
		awsmask_config_free(cfg);
	}
}

/*
 * A section that goes wrong: what it found is reported once, by the
 * text that reads it again, at the right lines; and what was counted
 * for it is taken back.
 */
static void
test_auto_fallback_reports(void **state)
{
	struct awsmask_config *cfg;
	struct awsmask *am = context(&cfg, NULL);
	const char *in = "{\"a\": \"" ID1 "\"}\n{\"b\": \"" ID2 "\",\n"
	    " \"c\": tru}\nend\n";
	struct found f = { AM_BUF_INIT };
	struct awsmask_counts c;
	char *out;
	size_t n;

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(awsmask_scan_buffer(am, in, strlen(in), on_found, &f),
	    0);
	assert_string_equal(f.b.buf, "ec2-instance EC2 1 7\n"
	    "vpc VPC 2 36\n");
	am_buf_reset(&f.b);
	assert_int_equal(scan_fd(am, in, strlen(in), &f), 0);
	assert_string_equal(f.b.buf, "ec2-instance EC2 1 7\n"
	    "vpc VPC 2 36\n");
	am_buf_reset(&f.b);
	awsmask_set_report(am, on_report_buf, &f);
	assert_int_equal(mask_fd(am, in, strlen(in), &out, &n), 0);
	assert_string_equal(out, "{\"a\": \"EC2_001\"}\n{\"b\": \"VPC_001\",\n"
	    " \"c\": tru}\nend\n");
	free(out);
	assert_string_equal(f.b.buf, "ec2-instance EC2_001 7 19\n"
	    "vpc VPC_001 36 21\n");
	awsmask_get_counts(am, &c);
	assert_int_equal(c.identifiers, 2 + 2 + 2);
	am_buf_free(&f.b);
	awsmask_free(am);
	awsmask_config_free(cfg);
}

/*
 * A naming key's evidence is looked for in its own record: an ECS event
 * makes its "service" a name, not the serviceName of the tracing span
 * on the next line, nor, in one document, of another top-level value.
 */
static void
test_evidence_per_record(void **state)
{
	static const char *const formats[] = { "auto", "ndjson" };
	const char *in = "{\"eventSource\": \"ecs.amazonaws.com\", "
	    "\"requestParameters\": {\"service\": \"orders-api\"}}\n"
	    "{\"serviceName\": \"checkout\", \"n\": 1}\n"
	    "[{\"eventSource\": \"ecs.amazonaws.com\"}, "
	    "{\"service\": \"billing-api\"}] \"x\" {\"service\": \"payments\"}\n";
	size_t i;

	(void)state;
	for (i = 0; i < AM_ARRAY_SIZE(formats); i++) {
		struct awsmask_config *cfg;
		struct awsmask *am = context(&cfg, formats[i]);
		char *out = mask(am, in, 0);

		assert_null(strstr(out, "orders-api"));
		assert_non_null(strstr(out, "\"checkout\""));
		/* Elements of one value share its evidence. */
		assert_null(strstr(out, "billing-api"));
		assert_non_null(strstr(out, "\"payments\""));
		free(out);
		awsmask_free(am);
		awsmask_config_free(cfg);
	}
}

/*
 * A Name tag read as JSON: its Key before or after its Value, over one
 * line or several; another tag's Key (the next object) is not its Key.
 */
static void
test_name_tags(void **state)
{
	static const char *const formats[] = { "auto", "ndjson" };
	const char *in = "{\"Tags\": [{\"Key\": \"Name\", \"Value\": \"web-1\"}, "
	    "{\"Key\": \"env\", \"Value\": \"blue-x\"}]}\n"
	    "{\"Tags\": [\n {\"Value\": \"Test\",\n  \"Key\": \"Stack\"},\n"
	    " {\"Value\": \"db-7\",\n  \"Key\": \"Name\"}]}\n"
	    "{\"Dimensions\": [{\"Name\": \"AutoScalingGroupName\", "
	    "\"Value\": \"web-asg\"}]}\n";
	size_t i;

	(void)state;
	for (i = 0; i < AM_ARRAY_SIZE(formats); i++) {
		struct awsmask_config *cfg;
		struct awsmask *am = context(&cfg, formats[i]);
		char *out = mask(am, in, 0);

		assert_null(strstr(out, "web-1"));
		assert_null(strstr(out, "db-7"));
		assert_null(strstr(out, "web-asg"));
		assert_non_null(strstr(out, "\"blue-x\""));
		assert_non_null(strstr(out, "\"Test\""));
		free(out);
		awsmask_free(am);
		awsmask_config_free(cfg);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_names),
		cmocka_unit_test(test_escapes_and_bytes),
		cmocka_unit_test(test_auto),
		cmocka_unit_test(test_auto_per_document),
		cmocka_unit_test(test_auto_fallback_reports),
		cmocka_unit_test(test_evidence_per_record),
		cmocka_unit_test(test_name_tags),
		cmocka_unit_test(test_format_json_is_one_value),
		cmocka_unit_test(test_name_value_pairs),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_report_offsets),
		cmocka_unit_test(test_held_output),
		cmocka_unit_test(test_ndjson_cut),
		cmocka_unit_test(test_number_across_blocks),
		cmocka_unit_test(test_unmask_escapes),
		cmocka_unit_test(test_huge_string),
		cmocka_unit_test(test_huge_string_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
