/*
 * Unit tests for the streams (lib/stream.c, lib/mask.c, lib/window.c,
 * lib/unmask.c): their block boundaries, fail-secure behaviour,
 * scanning and unmasking.  lib/context.c has tests of its own.
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
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

static struct awsmask_config *
config(const char *store)
{
	struct awsmask_config *cfg;

	assert_int_equal(awsmask_config_new(&cfg), 0);
	assert_int_equal(awsmask_config_set(cfg, "store", store), 0);
	return cfg;
}

static void
test_null_and_lifecycle(void **state)
{
	struct awsmask_config *cfg = config("memory:");
	struct awsmask *am = NULL;
	char *out;
	size_t n;

	(void)state;
	awsmask_free(NULL);
	assert_int_equal(awsmask_new(NULL, &am), AWSMASK_EINVAL);
	assert_int_equal(awsmask_new(cfg, NULL), AWSMASK_EINVAL);
	assert_int_equal(awsmask_new(cfg, &am), 0);
	assert_int_equal(awsmask_mask_buffer(NULL, "x", 1, &out, &n),
	    AWSMASK_EINVAL);
	assert_int_equal(awsmask_mask_buffer(am, "", 0, &out, &n), 0);
	assert_int_equal(n, 0);
	assert_string_equal(out, "");
	free(out);
	awsmask_free(am);
	awsmask_config_free(cfg);
}

static void
test_unknown_type(void **state)
{
	struct awsmask_config *cfg = config("memory:");
	struct awsmask *am = NULL;

	(void)state;
	/* Checked when set, so a flag, a file line or a variable is named. */
	assert_int_equal(awsmask_config_set(cfg, "types", "ec2,no-such-kind"),
	    AWSMASK_ECONFIG);
	assert_non_null(strstr(awsmask_config_errstr(cfg), "no-such-kind"));
	assert_int_equal(awsmask_config_set(cfg, "exclude_types", "EC2"), 0);
	assert_int_equal(awsmask_new(cfg, &am), 0);
	awsmask_free(am);
	awsmask_config_free(cfg);
}

static void
test_round_trip_buffer(void **state)
{
	static const char in[] =
	    "start i-0123456789abcdef0 then i-0123456789abcdef0 and "
	    "i-0fedcba9876543210; EC2_001 literal\n";
	struct awsmask_config *cfg = config("memory:");
	struct awsmask *am;
	char *out, *back;
	size_t n, m;

	(void)state;
	assert_int_equal(awsmask_new(cfg, &am), 0);
	assert_int_equal(awsmask_mask_buffer(am, in, strlen(in), &out, &n), 0);
	assert_null(strstr(out, "i-0123456789abcdef0"));
	assert_null(strstr(out, "i-0fedcba9876543210"));
	assert_non_null(strstr(out, "start EC2_001 then EC2_001 and EC2_002;"));
	/* The literal EC2_001 in the input got a token of its own. */
	assert_null(strstr(out, "EC2_001 literal"));
	assert_int_equal(awsmask_unmask_buffer(am, out, n, &back, &m, NULL,
	    NULL), 0);
	assert_int_equal(m, strlen(in));
	assert_memory_equal(back, in, m);
	free(out);
	free(back);
	awsmask_free(am);
	awsmask_config_free(cfg);
}

/* Mask `in` as text with a fresh memory store; compare with `want`. */
static void
mask_expect(const char *in, const char *want)
{
	struct awsmask_config *cfg = config("memory:");
	struct awsmask *am;
	char *out;
	size_t n;

	assert_int_equal(awsmask_config_set(cfg, "format", "text"), 0);
	assert_int_equal(awsmask_new(cfg, &am), 0);
	assert_int_equal(awsmask_mask_buffer(am, in, strlen(in), &out, &n), 0);
	assert_string_equal(out, want);
	free(out);
	awsmask_free(am);
	awsmask_config_free(cfg);
}

/*
 * A name learnt with a '/' in it is masked where its whole path stands
 * bare, before its context or after it, with its leading slash or not,
 * less a sentence's dot; a longer or shorter path is another name, but
 * the last segment is learnt as a name of its own.
 */
static void
test_learnt_paths(void **state)
{
	(void)state;
	mask_expect(
	    "get /app/red-team/pass-25 first\n"
	    "arn:aws:ssm:us-west-2:111122223333:parameter/app/red-team/pass-25\n"
	    "app/red-team/pass-25. //app/red-team/pass-25/ \"/app/red-team/pass-25\"\n"
	    "/app/red-team/pass-250 /app/red-team /x/app/red-team/pass-25 red-team\n"
	    "pass-25 ResourceId=pass-25,x\n",
	    "get /PARAM_001 first\n"
	    "arn:aws:ssm:us-west-2:ACCOUNT_001:parameter/PARAM_001\n"
	    "PARAM_001. //PARAM_001/ \"/PARAM_001\"\n"
	    "/app/red-team/pass-250 /app/red-team /x/app/red-team/PARAM_002 red-team\n"
	    "PARAM_002 ResourceId=PARAM_002,x\n");
	/* A name learnt with its leading slash keeps it. */
	mask_expect(
	    "LogGroupName: /ecs/payroll-web\nsee /ecs/payroll-web, ecs/x\n",
	    "LogGroupName: LOG_GROUP_001\nsee LOG_GROUP_001, ecs/x\n");
	/* IDs only a key makes out are learnt too: a KMS key's UUID. */
	mask_expect(
	    "the 1234abcd-12ab-34cd-56ef-1234567890ab key\n"
	    "aws kms create-grant --key-id 1234abcd-12ab-34cd-56ef-1234567890ab\n",
	    "the KMS_KEY_001 key\n"
	    "aws kms create-grant --key-id KMS_KEY_001\n");
	/* key=value: a learnt name as the value, not as the key. */
	mask_expect(
	    "--auto-scaling-group-name web-asg-1 x=web-asg-1 web-asg-1=x "
	    "a=b=web-asg-1\n",
	    "--auto-scaling-group-name ASG_001 x=ASG_001 web-asg-1=x "
	    "a=b=ASG_001\n");
}

/* Buckets, queues and repositories are learnt from their URLs. */
static void
test_learnt_from_urls(void **state)
{
	(void)state;
	mask_expect(
	    "payroll-lake s3://payroll-lake/k payroll-lake payroll-lakes\n",
	    "BUCKET_001 s3://BUCKET_001/k BUCKET_001 payroll-lakes\n");
	mask_expect(
	    "https://sqs.us-east-1.amazonaws.com/123456789012/orders-in orders-in\n",
	    "https://sqs.us-east-1.amazonaws.com/ACCOUNT_001/SQS_QUEUE_001 "
	    "SQS_QUEUE_001\n");
	/* Not a common word, nor a short one. */
	mask_expect("s3://backup/k backup s3://abc/k abc\n",
	    "s3://BUCKET_001/k backup s3://BUCKET_002/k abc\n");
	/* The canonical IDs and bucket of an S3 server access log line
	 * too; another 64-hex value stays. */
	mask_expect(
	    "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be "
	    "payroll-logs [06/Feb/2019:00:00:38 +0000] 192.0.2.3 - REQ "
	    "REST.GET.VERSIONING -\n"
	    "owner 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
	    " of payroll-logs\n"
	    "sha 89a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be\n",
	    "S3_CANONICAL_001 BUCKET_001 [06/Feb/2019:00:00:38 +0000] "
	    "PUBLIC_IP_001 - REQ REST.GET.VERSIONING -\n"
	    "owner S3_CANONICAL_001 of BUCKET_001\n"
	    "sha 89a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be\n");
}

/*
 * Run the masker over `in` through pipes, the way the tools do: a writer
 * child feeds irregular small writes, a masker child filters, and the
 * parent collects.
 */
static char *
mask_through_pipe(struct awsmask *am, const char *in, size_t len,
    unsigned flags, size_t *outlen)
{
	int inp[2], outp[2], status;
	pid_t writer, masker;
	struct am_buf b = AM_BUF_INIT;
	char chunk[65536];
	ssize_t r;

	assert_int_equal(pipe(inp), 0);
	assert_int_equal(pipe(outp), 0);
	writer = fork();
	assert_true(writer >= 0);
	if (writer == 0) {
		size_t off = 0, step = 1;

		close(inp[0]);
		close(outp[0]);
		close(outp[1]);
		while (off < len) {
			size_t n = step < len - off ? step : len - off;

			if (write(inp[1], in + off, n) < 0)
				_exit(1);
			off += n;
			step = step * 7 % 100003 + 1;
		}
		_exit(0);
	}
	close(inp[1]);
	masker = fork();
	assert_true(masker >= 0);
	if (masker == 0) {
		close(outp[0]);
		_exit(awsmask_mask_fd(am, inp[0], outp[1], flags) ? 1 : 0);
	}
	close(inp[0]);
	close(outp[1]);
	while ((r = read(outp[0], chunk, sizeof(chunk))) > 0)
		assert_int_equal(am_buf_add(&b, chunk, (size_t)r), 0);
	close(outp[0]);
	waitpid(masker, &status, 0);
	assert_int_equal(status, 0);
	waitpid(writer, &status, 0);
	assert_int_equal(status, 0);
	return am_buf_release(&b, outlen);
}

/*
 * Identifiers at every distance from the block and read boundaries, in
 * short lines and in one line far longer than a block: none may leak.
 */
static void
check_no_leak(const char *in, size_t len, unsigned flags)
{
	struct awsmask_config *cfg = config("memory:");
	struct awsmask *am;
	char *out, *back;
	size_t n, m;

	assert_int_equal(awsmask_new(cfg, &am), 0);
	out = mask_through_pipe(am, in, len, flags, &n);
	assert_null(memmem(out, n, "i-0", 3));
	/* The same context unmasks (the memory store lives in it). */
	assert_int_equal(awsmask_mask_buffer(am, in, len, &back, &m), 0);
	assert_int_equal(m, n);
	assert_memory_equal(back, out, n);
	free(back);
	assert_int_equal(awsmask_unmask_buffer(am, out, n, &back, &m, NULL,
	    NULL), 0);
	assert_int_equal(m, len);
	assert_memory_equal(back, in, len);
	free(back);
	free(out);
	awsmask_free(am);
	awsmask_config_free(cfg);
}

static char *
make_input(size_t len, int newlines)
{
	char *in = malloc(len + 1);
	size_t i = 0;
	unsigned k = 0;

	assert_non_null(in);
	while (i < len) {
		char id[32];
		int n = snprintf(id, sizeof(id), "i-0%016x", k * 2654435761u);
		size_t gap = 1 + (k * 37) % 97;

		for (; gap && i < len; gap--)
			in[i++] = (newlines && gap == 1) ? '\n' : 'x';
		if (i < len)
			in[i++] = ' ';
		if (i + (size_t)n + 1 < len) {
			memcpy(in + i, id, (size_t)n);
			i += (size_t)n;
			in[i++] = ' ';
		}
		k++;
	}
	in[len] = '\0';
	return in;
}

static void
test_blocks_short_lines(void **state)
{
	char *in = make_input(3 * 1024 * 1024 + 17, 1);

	(void)state;
	check_no_leak(in, strlen(in), 0);
	check_no_leak(in, strlen(in), AWSMASK_LINE_BUFFERED);
	free(in);
}

static void
test_blocks_one_long_line(void **state)
{
	char *in = make_input(2 * 1024 * 1024 + 5, 0);

	(void)state;
	check_no_leak(in, strlen(in), 0);
	free(in);
}

static void
test_nul_and_binary(void **state)
{
	static const char in[] = "\0\xff\xfei-0123456789abcdef0\0\x80\r\n";
	struct awsmask_config *cfg = config("memory:");
	struct awsmask *am;
	char *out, *back;
	size_t n, m;

	(void)state;
	assert_int_equal(awsmask_new(cfg, &am), 0);
	assert_int_equal(awsmask_mask_buffer(am, in, sizeof(in) - 1, &out, &n),
	    0);
	assert_null(memmem(out, n, "i-0123", 6));
	assert_int_equal(awsmask_unmask_buffer(am, out, n, &back, &m, NULL,
	    NULL), 0);
	assert_int_equal(m, sizeof(in) - 1);
	assert_memory_equal(back, in, m);
	free(out);
	free(back);
	awsmask_free(am);
	awsmask_config_free(cfg);
}

/* A configuration with the custom kinds of `text`, from a scratch file. */
static struct awsmask_config *
config_patterns(const char *text)
{
	struct awsmask_config *cfg = config("memory:");
	char path[] = "/tmp/awsmask-patterns-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(awsmask_config_set(cfg, "patterns", path), 0);
	unlink(path);
	return cfg;
}

static void
expect_masked(struct awsmask *am, const char *in, const char *want)
{
	char *out;
	size_t n;

	assert_int_equal(awsmask_mask_buffer(am, in, strlen(in), &out, &n), 0);
	assert_string_equal(out, want);
	free(out);
}

static void
test_custom_kinds(void **state)
{
	struct awsmask_config *cfg = config_patterns(
	    "emp EMP \\bE[0-9]{6}\\b\n"
	    "cust CUST customer=(?<id>C[0-9]{8})\n"
	    "mine HOST_ID \\bi-0abc[0-9a-f]{13}\\b\n"
	    "keep KEEP key=\\K[a-z]+(?=;)\n"
	    "spaced SP a\\s+b\n"
	    "backref DUP \\b([a-z])\\1[0-9]+\\b\n"
	    "unset OPT \\bopt(?:ion(?<id>[0-9]+))?\\b\n");
	struct awsmask_kind_info k;
	struct awsmask *am;
	char *out, *back;
	size_t n, m;

	(void)state;
	assert_int_equal(awsmask_new(cfg, &am), 0);
	assert_int_equal(awsmask_kind_count(am), am_nkinds + 7);
	assert_int_equal(awsmask_kind_get(am, am_nkinds + 1, &k), 0);
	assert_string_equal(k.name, "cust");
	assert_string_equal(k.prefix, "CUST");
	assert_int_equal(k.enabled, 1);
	assert_int_equal(awsmask_kind_get(am, am_nkinds + 7, &k),
	    AWSMASK_EINVAL);
	/* The group `id` alone; \K and look-aheads; back-references. */
	expect_masked(am, "E123456 customer=C12345678 key=abc; bb42 aa7\n",
	    "EMP_001 customer=CUST_001 key=KEEP_001; DUP_001 DUP_002\n");
	/* At one start the custom kind wins; elsewhere the leftmost. */
	expect_masked(am, "i-0abc12de34f567890 i-0def12de34f567890\n",
	    "HOST_ID_001 EC2_001\n");
	/* Inside words too, unless the regex says otherwise; never across
	 * lines; an unset `id` group masks nothing; a part that would put
	 * its token against a letter or digit takes the whole word, so the
	 * token stands alone and comes back. */
	expect_masked(am, "xE123456 a\nb a  b option7 opt\n",
	    "xE123456 a\nb SP_001 OPT_001 opt\n");
	assert_int_equal(awsmask_unmask_buffer(am, "OPT_001", 7, &back, &m,
	    NULL, NULL), 0);
	assert_string_equal(back, "option7");
	free(back);
	/* Our own tokens of a custom prefix are literals, and come back. */
	assert_int_equal(awsmask_mask_buffer(am, "EMP_042 E123456", 15, &out,
	    &n), 0);
	assert_string_equal(out, "LITERAL_001 EMP_001");
	assert_int_equal(awsmask_unmask_buffer(am, out, n, &back, &m, NULL,
	    NULL), 0);
	assert_string_equal(back, "EMP_042 E123456");
	free(out);
	free(back);
	awsmask_free(am);
	/* --types and --exclude-types by name or prefix. */
	assert_int_equal(awsmask_config_set(cfg, "types", "EMP,ec2-instance"), 0);
	assert_int_equal(awsmask_config_set(cfg, "exclude_types", "emp"), 0);
	assert_int_equal(awsmask_new(cfg, &am), 0);
	assert_int_equal(awsmask_kind_get(am, am_nkinds, &k), 0);
	assert_int_equal(k.enabled, 0);
	expect_masked(am, "E123456 customer=C12345678 i-0def12de34f567890\n",
	    "E123456 customer=C12345678 EC2_001\n");
	awsmask_free(am);
	awsmask_config_free(cfg);
}

/* Custom and built-in matches over many blocks and window ends. */
static void
test_custom_kinds_blocks(void **state)
{
	struct awsmask_config *cfg = config_patterns(
	    "emp EMP \\bE[0-9]{6}\\b\n"
	    "ticket TICKET \\bOPS-[0-9]+\\b\n");
	size_t len = 2 * 1024 * 1024 + 3, i = 0, n, m;
	char *in = malloc(len + 1), *out, *back;
	struct awsmask *am;
	unsigned k = 0;

	(void)state;
	assert_non_null(in);
	while (i < len) {
		char w[64];
		int l = snprintf(w, sizeof(w), "E%06u OPS-%u i-0%016x %s",
		    k % 1000000, k, k * 2654435761u, k % 7 ? "x" : "x\n");

		if (i + (size_t)l > len)
			break;
		memcpy(in + i, w, (size_t)l);
		i += (size_t)l;
		k++;
	}
	memset(in + i, 'y', len - i);
	in[len] = '\0';
	assert_int_equal(awsmask_new(cfg, &am), 0);
	out = mask_through_pipe(am, in, len, 0, &n);
	assert_null(memmem(out, n, "i-0", 3));
	assert_null(memmem(out, n, "OPS-", 4));
	assert_null(memmem(out, n, " E0", 3));
	/* The pipe's masking ran in a child: map again here, alike. */
	assert_int_equal(awsmask_mask_buffer(am, in, len, &back, &m), 0);
	assert_int_equal(m, n);
	assert_memory_equal(back, out, n);
	free(back);
	assert_int_equal(awsmask_unmask_buffer(am, out, n, &back, &m, NULL,
	    NULL), 0);
	assert_int_equal(m, len);
	assert_memory_equal(back, in, len);
	free(back);
	free(out);
	free(in);
	awsmask_free(am);
	awsmask_config_free(cfg);
}

/* A store that cannot be opened: no output for identifiers, text passes. */
static void
test_fail_secure(void **state)
{
	struct awsmask_config *cfg = config("sqlite:/proc/nonexistent/x.db");
	struct awsmask *am;
	char *out = (char *)1;
	size_t n;

	(void)state;
	assert_int_equal(awsmask_new(cfg, &am), 0);
	assert_int_equal(awsmask_mask_buffer(am, "plain text\n", 11, &out, &n),
	    0);
	assert_string_equal(out, "plain text\n");
	free(out);
	assert_int_equal(awsmask_mask_buffer(am, "id i-0123456789abcdef0\n", 23,
	    &out, &n), AWSMASK_ESTORE);
	assert_null(out);
	assert_null(strstr(awsmask_errstr(am), "i-0123456789abcdef0"));
	/* Errors stick. */
	assert_int_equal(awsmask_mask_buffer(am, "x", 1, &out, &n),
	    AWSMASK_ESTORE);
	awsmask_free(am);
	awsmask_config_free(cfg);
}

struct found {
	unsigned long long lines[8];
	int n;
};

static void
on_found(void *arg, const char *kind, const char *prefix,
    unsigned long long line, unsigned long long offset)
{
	struct found *f = arg;

	(void)kind; (void)offset;
	assert_string_equal(prefix, "EC2");
	if (f->n < 8)
		f->lines[f->n++] = line;
}

static void
test_scan_lines(void **state)
{
	static const char in[] = "a\nb i-0123456789abcdef0\n\n\nc i-01234567 "
	    "i-0fedcba9876543210\n";
	struct awsmask_config *cfg = config("sqlite:/proc/nonexistent/x.db");
	struct awsmask *am;
	struct found f = { { 0 }, 0 };

	(void)state;
	assert_int_equal(awsmask_new(cfg, &am), 0);
	/* Scanning never opens the store. */
	assert_int_equal(awsmask_scan_buffer(am, in, sizeof(in) - 1, on_found,
	    &f), 0);
	assert_int_equal(f.n, 3);
	assert_int_equal(f.lines[0], 2);
	assert_int_equal(f.lines[1], 5);
	assert_int_equal(f.lines[2], 5);
	awsmask_free(am);
	awsmask_config_free(cfg);
}

static int unknown_seen;
static void
on_unknown(void *arg, const char *token, unsigned long long line, int why)
{
	(void)arg;
	assert_int_equal(why, AWSMASK_TOKEN_UNKNOWN);
	assert_true(!strcmp(token, "EC2_999") || !strcmp(token, "EC2_0012"));
	assert_int_equal(line, 2);
	unknown_seen++;
}

static void
test_unmask_unknown_and_boundaries(void **state)
{
	static const char in[] = "EC2_001\nEC2_999 EC2_0012 xEC2_001 EC2_001x "
	    "HTTP_200\n";
	struct awsmask_config *cfg = config("memory:");
	struct awsmask *am;
	char *out;
	size_t n;

	(void)state;
	assert_int_equal(awsmask_new(cfg, &am), 0);
	assert_int_equal(awsmask_mask_buffer(am, "i-0123456789abcdef0", 19, &out,
	    &n), 0);
	assert_string_equal(out, "EC2_001");
	free(out);
	assert_int_equal(awsmask_unmask_buffer(am, in, sizeof(in) - 1, &out, &n,
	    on_unknown, NULL), 0);
	assert_string_equal(out, "i-0123456789abcdef0\nEC2_999 EC2_0012 "
	    "xEC2_001 EC2_001x HTTP_200\n");
	assert_int_equal(unknown_seen, 2);
	free(out);
	awsmask_free(am);
	awsmask_config_free(cfg);
}

/* Every unknown token, as written, one per line. */
static void
collect_unknown(void *arg, const char *token, unsigned long long line,
    int why)
{
	char *list = arg;

	(void)line;
	(void)why;
	strcat(list, token);
	strcat(list, "\n");
}

/* A context whose store knows EC2_001, VPC_001 and IAM_ROLE_001. */
static struct awsmask *
known_context(struct awsmask_config *cfg)
{
	static const char ids[] = "i-0123456789abcdef0 vpc-0a1b2c3d4e5f67890 "
	    "arn:aws:iam::123456789012:role/Deployer";
	struct awsmask *am;
	char *out;
	size_t n;

	assert_int_equal(awsmask_new(cfg, &am), 0);
	assert_int_equal(awsmask_mask_buffer(am, ids, strlen(ids), &out, &n), 0);
	assert_string_equal(out, "EC2_001 VPC_001 "
	    "arn:aws:iam::ACCOUNT_001:role/IAM_ROLE_001");
	free(out);
	return am;
}

#define ID "i-0123456789abcdef0"

static void
test_unmask_tolerant(void **state)
{
	static const char in[] =
	    "ec2_001 Ec2_001 EC2\\_001 ec2\\_001 EC2-001 ec2-001\n"
	    "EC2\xe2\x80\x91" "001 ec2\xe2\x80\x90" "001 **EC2_001** *ec2-001*\n"
	    "`EC2\\_001` iam\\_role\\_001 Iam-Role\\_001 vpc-001 (VPC\\_001).\n"
	    "web-ec2-001 ec2-001-backup ec2-001.example.com x.ec2-001\n"
	    "EC2_**001** EC2\xe2\x80\x93" "001 EC2 001 EC2__001 _ec2_001 ec2-001a\n"
	    "my-EC2_001 my-ec2_001 ec2-001. ec2-999 Vpc\\_042 EC2_009\n";
	static const char want[] =
	    ID " " ID " " ID " " ID " " ID " " ID "\n"
	    ID " " ID " **" ID "** *" ID "*\n"
	    "`" ID "` Deployer Deployer vpc-0a1b2c3d4e5f67890 "
	    "(vpc-0a1b2c3d4e5f67890).\n"
	    "web-ec2-001 ec2-001-backup ec2-001.example.com x.ec2-001\n"
	    "EC2_**001** EC2\xe2\x80\x93" "001 EC2 001 EC2__001 _ec2_001 ec2-001a\n"
	    "my-" ID " my-" ID " " ID ". ec2-999 Vpc\\_042 EC2_009\n";
	struct awsmask_config *cfg = config("memory:");
	struct awsmask *am;
	struct awsmask_counts c;
	char unknown[256] = "";
	char *out;
	size_t n;

	(void)state;
	am = known_context(cfg);
	assert_int_equal(awsmask_unmask_buffer(am, in, sizeof(in) - 1, &out, &n,
	    collect_unknown, unknown), 0);
	assert_string_equal(out, want);
	assert_int_equal(n, strlen(want));
	/* Unknown ones as written, never canonical, never an original. */
	assert_string_equal(unknown, "ec2-999\nVpc\\_042\nEC2_009\n");
	awsmask_get_counts(am, &c);
	assert_int_equal(c.tokens_restored, 18);
	assert_int_equal(c.tokens_unknown, 3);
	free(out);
	awsmask_free(am);
	awsmask_config_free(cfg);
}

static void
test_unmask_exact(void **state)
{
	static const char in[] = "ec2_001 EC2\\_001 EC2-001 **EC2_001** "
	    "ec2-999 EC2_009 VPC_001\n";
	struct awsmask_config *cfg = config("memory:");
	struct awsmask *am;
	char unknown[256] = "";
	char *out;
	size_t n;

	(void)state;
	assert_int_equal(awsmask_config_set(cfg, "unmask-exact", "yes"), 0);
	am = known_context(cfg);
	assert_int_equal(awsmask_unmask_buffer(am, in, sizeof(in) - 1, &out, &n,
	    collect_unknown, unknown), 0);
	assert_string_equal(out, "ec2_001 EC2\\_001 EC2-001 **" ID "** "
	    "ec2-999 EC2_009 vpc-0a1b2c3d4e5f67890\n");
	assert_string_equal(unknown, "EC2_009\n");
	free(out);
	awsmask_free(am);
	awsmask_config_free(cfg);
	cfg = config("memory:");
	assert_int_equal(awsmask_config_set(cfg, "unmask_exact", "maybe"),
	    AWSMASK_ECONFIG);
	awsmask_config_free(cfg);
}

/*
 * The reference unmasker: the tolerant pattern run over the whole text
 * from start to end, with no pre-filter and no windows.
 */
static char *
reference_unmask(const char *in, size_t len, size_t *outlen, size_t *count)
{
	static const char *const known[][2] = {
		{ "EC2_001", ID }, { "VPC_001", "vpc-0a1b2c3d4e5f67890" },
		{ "IAM_ROLE_001", "Deployer" }, { "ACCOUNT_001", "123456789012" },
	};
	struct am_map *prefixes = am_prefix_set_new(NULL, 0);
	struct am_buf out = AM_BUF_INIT;
	char *pat = am_token_pattern(NULL, 0, 1);
	PCRE2_SIZE erroff, *ov;
	pcre2_match_data *md;
	pcre2_code *re;
	size_t from = 0, at = 0, i;
	int errcode;

	assert_non_null(pat);
	re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, 0, &errcode,
	    &erroff, NULL);
	assert_non_null(re);
	md = pcre2_match_data_create_from_pattern(re, NULL);
	while (pcre2_match(re, (PCRE2_SPTR)in, len, from, 0, md, NULL) > 0) {
		char canon[256];
		size_t n;
		int hyphen;

		ov = pcre2_get_ovector_pointer(md);
		from = ov[1];
		if (!am_token_tolerated(in, len, ov[0], ov[1]))
			continue;
		n = am_token_canon(in + ov[0], ov[1] - ov[0], canon, &hyphen);
		for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			if (strlen(known[i][0]) == n && !memcmp(canon, known[i][0], n))
				break;
		if (i == sizeof(known) / sizeof(known[0]))
			continue;
		assert_int_equal(am_buf_add(&out, in + at, ov[0] - at), 0);
		assert_int_equal(am_buf_addstr(&out, known[i][1]), 0);
		at = ov[1];
		(*count)++;
	}
	assert_int_equal(am_buf_add(&out, in + at, len - at), 0);
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	am_free(pat);
	am_map_free(prefixes);
	return am_buf_release(&out, outlen);
}

/*
 * Random text made of the pieces tokens and near-tokens are made of: the
 * unmasker, with its digit-run pre-filter and its windows, must do what
 * the plain pattern does, on a buffer and through a file in blocks.
 */
static void
test_unmask_tolerant_random(void **state)
{
	static const char *const words[] = {
		"ec2", "EC2", "Ec2", "vpc", "VPC", "iam_role", "IAM\\_ROLE",
		"iam-role", "Iam\xe2\x80\x91Role", "role", "account", "host",
		"web", "x", "LITERAL", "EC2_HOST", "ec2-host",
	};
	static const char *const seps[] = {
		"_", "\\_", "-", "\xe2\x80\x91", "\xe2\x80\x90", "\xe2\x80\x93",
		"\xe2\x80", "\\", "__", "",
	};
	static const char *const digits[] = {
		"001", "001", "001", "002", "0012", "999", "01", "12", "1234567890",
		"123456789012345678901", "0", "9",
	};
	static const char *const between[] = {
		" ", " ", " ", " ", "", ".", "-", "*", "**", "`", "(", ")", "_",
		"a", "\n",
	};
	const char *const *lists[] = { words, seps, digits, between };
	const size_t sizes[] = { AM_ARRAY_SIZE(words), AM_ARRAY_SIZE(seps),
	    AM_ARRAY_SIZE(digits), AM_ARRAY_SIZE(between) };
	struct awsmask_config *cfg = config("memory:");
	struct awsmask *am;
	struct am_buf in = AM_BUF_INIT;
	char *out, *want, path[] = "/tmp/test_mask.XXXXXX";
	size_t n, wn, i, ntok;
	unsigned seed;
	int fd, outfd;

	(void)state;
	am = known_context(cfg);
	for (seed = 1; seed <= 4; seed++) {
		srand(seed);
		am_buf_reset(&in);
		/* The last seeds make one line longer than a block. */
		for (i = 0; in.len < (seed > 2 ? 700000u : 20000u); i++) {
			/* Mostly word, separator, digits, between; now and then
			 * any piece at all. */
			size_t l = rand() % 8 ? i % 4 : (size_t)rand() % 4;
			const char *p = lists[l][(size_t)rand() % sizes[l]];

			if (seed > 2 && *p == '\n')
				continue;
			assert_int_equal(am_buf_addstr(&in, p), 0);
		}
		ntok = 0;
		want = reference_unmask(in.buf, in.len, &wn, &ntok);
		/* Enough tokens to mean something: more than one in 3000 bytes. */
		assert_true(ntok > in.len / 3000);
		assert_int_equal(awsmask_unmask_buffer(am, in.buf, in.len, &out,
		    &n, NULL, NULL), 0);
		assert_int_equal(n, wn);
		assert_memory_equal(out, want, n);
		free(out);

		fd = mkstemp(path);
		assert_true(fd >= 0);
		assert_int_equal(am_write_all(fd, in.buf, in.len), 0);
		assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
		unlink(path);
		strcpy(path, "/tmp/test_mask.XXXXXX");
		outfd = mkstemp(path);
		assert_true(outfd >= 0);
		unlink(path);
		strcpy(path, "/tmp/test_mask.XXXXXX");
		assert_int_equal(awsmask_unmask_fd(am, fd, outfd, 0, NULL, NULL), 0);
		n = (size_t)lseek(outfd, 0, SEEK_CUR);
		assert_int_equal(n, wn);
		out = malloc(n + 1);
		assert_int_equal(pread(outfd, out, n, 0), (ssize_t)n);
		assert_memory_equal(out, want, n);
		free(out);
		free(want);
		close(fd);
		close(outfd);
	}
	am_buf_free(&in);
	awsmask_free(am);
	awsmask_config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_null_and_lifecycle),
		cmocka_unit_test(test_unknown_type),
		cmocka_unit_test(test_round_trip_buffer),
		cmocka_unit_test(test_learnt_paths),
		cmocka_unit_test(test_learnt_from_urls),
		cmocka_unit_test(test_blocks_short_lines),
		cmocka_unit_test(test_blocks_one_long_line),
		cmocka_unit_test(test_nul_and_binary),
		cmocka_unit_test(test_custom_kinds),
		cmocka_unit_test(test_custom_kinds_blocks),
		cmocka_unit_test(test_fail_secure),
		cmocka_unit_test(test_scan_lines),
		cmocka_unit_test(test_unmask_unknown_and_boundaries),
		cmocka_unit_test(test_unmask_tolerant),
		cmocka_unit_test(test_unmask_exact),
		cmocka_unit_test(test_unmask_tolerant_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
