/*
 * Unit tests for lib/scanner.c: lists of kinds, lazy start-up, and the
 * differential test.  The scanner finds identifiers through tables made
 * at build time (lib/gen/scangen.c); its reference path tries every
 * enabled row at every start, compiled at run time, as the scanner did
 * before the tables.  Both must find exactly the same matches, parts and
 * kinds on every file in examples/ and tests/, on generated mixes of
 * identifiers, near misses and noise, under several configurations, fed
 * in windows as the masker feeds them.  The same holds one level up for
 * learnt names (mask.c's fast search against its byte-by-byte one) and
 * for tokens when unmasking.
 *
 * AWSMASK_DIFF_ROUNDS (default 150) sets how many generated inputs each
 * configuration gets; AWSMASK_DIFF_SEED changes the seed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "files.h"
#include "mask.h"
#include "gen/scandata.h"

/* A match, flattened for comparison. */
struct rec {
	size_t start, end;
	const struct am_kind *kind;
	const char *whole_prefix;
	int nparts;
	struct am_part parts[AM_MAX_PARTS];
};

struct recs {
	struct rec *v;
	size_t n, alloc;
};

static void
recs_add(struct recs *r, const struct am_match *m)
{
	if (r->n == r->alloc) {
		r->alloc = r->alloc ? r->alloc * 2 : 64;
		r->v = realloc(r->v, r->alloc * sizeof(*r->v));
		assert_non_null(r->v);
	}
	memset(&r->v[r->n], 0, sizeof(r->v[0]));
	r->v[r->n].start = m->start;
	r->v[r->n].end = m->end;
	r->v[r->n].kind = m->kind;
	r->v[r->n].whole_prefix = m->whole_prefix;
	r->v[r->n].nparts = m->nparts;
	memcpy(r->v[r->n].parts, m->parts, sizeof(m->parts));
	r->n++;
}

/*
 * Scan in as the masker does: windows that end after a newline about
 * every `block` bytes (a whole line longer than that is one window), the
 * scanner reset at each, each window's scan starting where the last
 * match ended.  With `slices` each window is its own subject (as the
 * JSON driver's texts are), else all share the buffer.
 */
static void
scan_all(struct am_scanner *s, const char *in, size_t len, size_t block,
    int slices, struct recs *out)
{
	struct am_error err;
	struct am_match m;
	size_t ws = 0, we, from = 0;
	int rc;

	memset(&err, 0, sizeof(err));
	out->n = 0;
	while (ws < len) {
		const char *nl;

		we = ws + block < len ? ws + block : len;
		if (we < len && (nl = memchr(in + we, '\n', len - we)))
			we = (size_t)(nl - in) + 1;
		else
			we = len;
		am_scanner_reset(s);
		if (slices) {
			size_t f = 0;

			while ((rc = am_scanner_next(s, in + ws, we - ws, f,
			    we - ws, &m, &err)) == 1) {
				size_t i;

				m.start += ws;
				m.end += ws;
				for (i = 0; i < (size_t)m.nparts; i++) {
					m.parts[i].start += ws;
					m.parts[i].end += ws;
				}
				recs_add(out, &m);
				f = m.end - ws;
			}
		} else {
			if (from < ws)
				from = ws;
			while ((rc = am_scanner_next(s, in, len, from, we, &m,
			    &err)) == 1) {
				recs_add(out, &m);
				from = m.end;
			}
		}
		if (rc != 0)
			fail_msg("scan failed: %s", err.msg);
		ws = we;
	}
}

static void
compare(const struct recs *a, const struct recs *b, const char *what,
    const char *in)
{
	size_t i;
	int j;

	for (i = 0; i < a->n && i < b->n; i++) {
		const struct rec *x = &a->v[i], *y = &b->v[i];
		int same = x->start == y->start && x->end == y->end &&
		    x->kind == y->kind && x->whole_prefix == y->whole_prefix &&
		    x->nparts == y->nparts;

		for (j = 0; same && j < x->nparts; j++)
			same = x->parts[j].start == y->parts[j].start &&
			    x->parts[j].end == y->parts[j].end &&
			    x->parts[j].prefix == y->parts[j].prefix &&
			    x->parts[j].kind == y->parts[j].kind;
		if (!same)
			fail_msg("%s: match %zu differs: tables %s [%zu,%zu) "
			    "\"%.*s\", reference %s [%zu,%zu) \"%.*s\"", what, i,
			    x->kind->name, x->start, x->end,
			    (int)(x->end - x->start), in + x->start,
			    y->kind->name, y->start, y->end,
			    (int)(y->end - y->start), in + y->start);
	}
	if (a->n != b->n) {
		const struct rec *x = i < a->n ? &a->v[i] : &b->v[i];

		fail_msg("%s: %zu matches with the tables, %zu with the "
		    "reference; the first extra: %s \"%.*s\" at %zu", what,
		    a->n, b->n, x->kind->name, (int)(x->end - x->start),
		    in + x->start, x->start);
	}
}

/* A configuration, and its fast and reference scanners. */
struct pair {
	const char *name;
	struct am_scanner *fast, *ref;
};

static const struct am_kind custom_kinds[] = {
	{ "ticket", "TICKET", "TCK-[0-9]{4}", NULL, "a ticket", 0, NULL },
	{ "employee", "EMP_ID", "(?<![A-Za-z0-9])emp(?<id>[0-9]{6})", NULL,
	    "an employee number", 0, NULL },
};
static char *allow_list[] = { "10.0.0.1", "i-0123456789abcdef0",
    "my-bucket" };

static void
pair_init(struct pair *p, const char *name, const struct am_scanner_opts *o)
{
	struct am_scanner_opts r = *o;
	struct am_error err;

	memset(&err, 0, sizeof(err));
	p->name = name;
	if (am_scanner_new(&p->fast, o, &err))
		fail_msg("%s: %s", name, err.msg);
	r.reference = 1;
	if (am_scanner_new(&p->ref, &r, &err))
		fail_msg("%s: %s", name, err.msg);
}

static void
pair_free(struct pair *p)
{
	am_scanner_free(p->fast);
	am_scanner_free(p->ref);
}

#define NPAIRS 6

static void
pairs_init(struct pair *p)
{
	struct am_scanner_opts o;

	memset(&o, 0, sizeof(o));
	o.preserve_structure = 1;
	pair_init(&p[0], "defaults", &o);
	o.types = "all";
	pair_init(&p[1], "all kinds", &o);
	o.preserve_structure = 0;
	pair_init(&p[2], "all kinds, whole structures", &o);
	o.types = NULL;
	o.preserve_structure = 1;
	o.exclude_types = "ipv4,arn,resource-name";
	o.allow = allow_list;
	o.nallow = AM_ARRAY_SIZE(allow_list);
	pair_init(&p[3], "some excluded, an allow-list", &o);
	memset(&o, 0, sizeof(o));
	o.preserve_structure = 1;
	o.custom = custom_kinds;
	o.ncustom = AM_ARRAY_SIZE(custom_kinds);
	pair_init(&p[4], "custom kinds", &o);
	memset(&o, 0, sizeof(o));
	o.preserve_structure = 1;
	o.types = "ec2-host-label,ec2-hostname,s3-virtual-host,token-literal,"
	    "ipv6,kms-key-id";
	pair_init(&p[5], "a few kinds", &o);
}

/* Compare fast and reference on in, in several windowings. */
static void
diff_one(struct pair *p, const char *in, size_t len, const char *what,
    int windowings)
{
	static const size_t blocks[] = { 300, 1u << 20, 4096 };
	struct recs a = { 0 }, b = { 0 };
	char label[512];
	size_t i;

	for (i = 0; i < (size_t)windowings; i++) {
		int slices = i == 0;

		scan_all(p->fast, in, len, blocks[i], slices, &a);
		scan_all(p->ref, in, len, blocks[i], slices, &b);
		snprintf(label, sizeof(label), "%s, %s, windows of %zu%s", what,
		    p->name, blocks[i], slices ? " as slices" : "");
		compare(&a, &b, label, in);
		if (!am_scanner_uses_tables(p->fast))
			fail_msg("%s: the fast scanner did not use the tables",
			    label);
	}
	free(a.v);
	free(b.v);
}

/* Every file of a tree, through every pair, in three windowings. */
static void
diff_file(const char *path, const char *buf, size_t len, void *arg)
{
	struct pair *pairs = arg;
	size_t i;

	for (i = 0; i < NPAIRS; i++)
		diff_one(&pairs[i], buf, len, path, 3);
}

static const char *
root(void)
{
	const char *r = getenv("AWSMASK_TEST_ROOT");

	return r ? r : ".";
}

static void
test_differential_files(void **state)
{
	struct pair pairs[NPAIRS];
	char dir[4096];
	size_t i;

	int nfiles;

	(void)state;
	pairs_init(pairs);
	snprintf(dir, sizeof(dir), "%s/examples", root());
	nfiles = files_walk(dir, 0, diff_file, pairs);
	snprintf(dir, sizeof(dir), "%s/tests", root());
	nfiles += files_walk(dir, 0, diff_file, pairs);
	assert_true(nfiles > 50);
	for (i = 0; i < NPAIRS; i++)
		pair_free(&pairs[i]);
}

/*
 * Generated inputs.  Templates stand for identifiers of every kind, in
 * the contexts the catalogue knows; {h17} is 17 hex digits, {d12} twelve
 * digits, {u16} upper-case letters and digits, {l6} lower-case letters,
 * {a8} letters and digits, {w} a word, {uuid} a UUID, {r} a region.
 */
static const char *const templates[] = {
	"i-{h17}", "i-{h8}", "vol-{h17}", "snap-{h8}", "ami-{h17}",
	"sgr-{h17}", "sg-{h8}", "subnet-{h17}", "vpce-svc-{h17}", "vpce-{h8}",
	"vpc-{h17}", "eni-attach-{h8}", "eni-{h17}", "eigw-{h17}", "igw-{h8}",
	"nat-{h17}", "rtbassoc-{h8}", "rtb-{h17}", "aclassoc-{h8}",
	"acl-{h17}", "eipalloc-{h8}", "eipassoc-{h17}", "tgw-attach-{h17}",
	"tgw-rtb-{h17}", "tgw-{h17}", "pcx-{h8}", "lt-{h17}", "dopt-{h8}",
	"key-{h17}", "pl-{h8}", "cgw-{h17}", "vgw-{h8}", "vpn-{h17}",
	"r-{h8}", "sir-{a8}", "sfr-{uuid}", "fleet-{uuid}", "fsmt-{h8}",
	"fsap-{h17}", "fs-{h8}", "cvpn-endpoint-{h17}", "ipam-pool-{h17}",
	"ipam-{h17}", "h-{h17}", "fl-{h8}", "cr-{h17}", "mi-{h17}",
	"j-{u13}", "d-{h10}", "ou-{a4}-{a8}", "o-{a10}", "db-{u26}",
	"cluster-{u26}",
	"arn:aws:iam::{d12}:role/{w}", "arn:aws:iam::{d12}:user/path/{w}",
	"arn:aws:sts::{d12}:assumed-role/{w}/{w}@example.com",
	"arn:aws:s3:::{l6}-bucket/logs/{w}.gz", "arn:aws:s3:::{l6}",
	"arn:aws:lambda:{r}:{d12}:function:{w}:prod",
	"arn:aws:ec2:{r}:{d12}:instance/i-{h17}",
	"arn:aws:sqs:{r}:{d12}:{w}.fifo", "arn:aws:sns:{r}:{d12}:{w}",
	"arn:aws:kms:{r}:{d12}:key/{uuid}", "arn:aws:kms:{r}:{d12}:alias/{w}",
	"arn:aws:logs:{r}:{d12}:log-group:/aws/lambda/{w}:*",
	"arn:aws:elasticloadbalancing:{r}:{d12}:loadbalancer/app/{w}/{h16}",
	"arn:aws:ecs:{r}:{d12}:task/{w}/{h16}", "arn:aws:iam::aws:policy/{w}",
	"arn:aws-cn:dynamodb:{r}:{d12}:table/{w}", "arn:aws:{l6}:{r}:{d12}:{w}",
	"ip-10-{d1}-{d2}-{d3}.ec2.internal",
	"ip-172-31-{d2}-{d1}.{r}.compute.internal",
	"ec2-54-{d2}-{d1}-{d3}.compute-1.amazonaws.com",
	"ec2-3-{d2}-{d1}-{d3}.{r}.compute.amazonaws.com",
	"{w}.{a8}{a4}.{r}.rds.amazonaws.com",
	"{w}.cluster-ro-{a8}.{r}.rds.amazonaws.com",
	"{w}.{a6}.0001.use1.cache.amazonaws.com",
	"{w}.{a8}.{r}.redshift.amazonaws.com",
	"{w}-{d10}.{r}.elb.amazonaws.com",
	"internal-{w}-{h16}.elb.{r}.amazonaws.com",
	"{a10}.execute-api.{r}.amazonaws.com", "d{a13}.cloudfront.net",
	"{U32}.gr7.{r}.eks.amazonaws.com",
	"https://oidc.eks.{r}.amazonaws.com/id/{U32}",
	"{a32}.lambda-url.{r}.on.aws",
	"search-{l6}-{a10}.{r}.es.amazonaws.com",
	"{l6}-bucket.s3.amazonaws.com", "{l6}.s3.{r}.amazonaws.com/x",
	"s3://{l6}-bucket/key/{w}", "s3a://{l6}/x",
	"https://s3.{r}.amazonaws.com/{l6}-bucket/key",
	"https://sqs.{r}.amazonaws.com/{d12}/{w}",
	"https://queue.amazonaws.com/{d12}/{w}",
	"{d12}.dkr.ecr.{r}.amazonaws.com/{w}",
	"https://console.aws.amazon.com/s3/buckets/{l6}",
	"aws_secret_access_key = {B40}", "AWS_SESSION_TOKEN={B40}{B40}",
	"\"SecretAccessKey\": \"{B40}\"", "x-amz-security-token: {B40}",
	"AKIA{U16}", "ASIA{U16}", "AROA{U16}:{w}", "AIDA{U17}", "ANPA{U16}",
	"\"AccountId\": \"{d12}\"", "\"accountId\":\"{d12}\"",
	"\"OwnerId\": {d12}", "account {d12}", "AWS account ID: {d12}",
	"--owner-id {d12}", "AWSLogs/{d12}/", "[id={d12}]",
	"{d12}  eni-{h17}", "\"AWS\": [\"{d12}\", \"{d12}\"]",
	"source_account_id={d12}", "\"KeyId\": \"{uuid}\"", "key/{uuid}",
	"mrk-{h32}", "--kms-key-id {uuid}", "<ID>{h64}</ID>",
	"\"ID\": \"{h64}\"", "\"HostedZoneId\": \"Z{U12}\"",
	"hostedzone/Z{U12}", "--hosted-zone-id Z{U10}",
	"distribution/E{U12}", "\"DistributionId\": \"E{U12}\"",
	"cloudfront update --id E{U13}", "/aws/lambda/{w}",
	"/aws/ecs/{w}/{w}", "app/{w}/{h16}", "targetgroup/{w}/{h16}",
	"\"RoleName\": \"{w}\"", "ROLE_NAME={w}", "--role-name {w}",
	"roleName: {w}", "| StackName | {w} |", "\"BucketName\": \"{w}\"",
	"--function-name={w}", "sso_role_name = {w}",
	"\"ServiceName\": \"{w}\" aws ecs ", "cluster: {w} eksctl",
	"GroupName={w} sg-{h8}", "\"TableNames\": [\"{w}\", \"{w}\"]",
	"  name = \"{w}\"", "resource \"aws_iam_role\" \"x\" {\n  name = \"{w}\"\n}",
	"{r}_{A9}", "ip-10-{d1}-{d2}-{d3}", "2001:db8:{h4}::{h4}",
	"fe80::{h4}:{h4}:{h4}:{h4}", "2600:1f18:{h4}:{h4}::{h2}/64",
	"::1", "10.{d2}.{d1}.{d3}", "172.16.{d1}.{d2}/24",
	"192.168.{d1}.{d2}", "54.{d2}.{d1}.{d3}", "100.64.{d1}.{d2}",
	"version 1.{d1}.{d2}.{d1}", "Chrome/122.0.0.0", "169.254.169.254",
	"EC2_{d3}", "ec2-{d3}", "EC2\\_{d4}", "**SUBNET_{d3}**",
	"backup_EC2_{d3}_2026.tar", "IAM_ROLE_{d5}", "nat_gw\u2010{d3}",
	"TICKET_{d3}", "EMP_ID_{d3}", "TCK-{d4}", "emp{d6}", "web-ec2-{d3}",
	"HTTP_{d3}",
};

static const char *const words[] = {
	"deploy-bot", "prod", "web", "app-12", "orders", "MyRole", "x",
	"service", "cluster", "user", "name", "default", "null", "alpha.beta",
	"role_name", "RoleName", "us-east-1", "amazonaws", "arn", "s3",
	"key", "id", "account", "owner", "version", "a_b-c", "AKIA",
	"status", "request", "0123", "café", "\xe2\x80\x91", "\\_",
};

static const char *const regions[] = { "us-east-1", "eu-west-2",
    "ap-southeast-1", "us-gov-west-1", "cn-north-1", "xx-yy-9" };

static const char *const noise[] = {
	" ", " ", " ", "\n", "\t", ", ", "=", ": ", "\"", "'", "/", "-", "_",
	".", "(", ")", "[", "]", "{", "}", "|", "\\", "\r\n", "",
	" request completed status ok ", " the service on ", " user ",
	"2026-11-28T12:34:56.789Z INFO ", " pid=1234 ", " id=0a1b2c3d ",
	"{\"eventName\": \"x\", ", "\"}, ", "\xff\xfe", "\x00", "caf\xc3\xa9",
};

static uint64_t rng = 88172645463325252ULL;

static unsigned
rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? (unsigned)(rng % n) : 0;
}

struct gen {
	char *buf;
	size_t len, alloc;
};

static void
put(struct gen *g, const char *p, size_t n)
{
	if (g->len + n + 1 > g->alloc) {
		g->alloc = (g->len + n + 1) * 2;
		g->buf = realloc(g->buf, g->alloc);
		assert_non_null(g->buf);
	}
	memcpy(g->buf + g->len, p, n);
	g->len += n;
}

static void
put_random(struct gen *g, const char *set, size_t n)
{
	size_t i, k = strlen(set);

	for (i = 0; i < n; i++)
		put(g, &set[rnd((unsigned)k)], 1);
}

static void
expand(struct gen *g, const char *t)
{
	while (*t) {
		const char *e;
		char kind;
		size_t n;

		if (*t != '{' || !(e = strchr(t, '}'))) {
			put(g, t++, 1);
			continue;
		}
		kind = t[1];
		n = (size_t)strtoul(t + 2, NULL, 10);
		if (!strncmp(t, "{uuid}", 6)) {
			put_random(g, "0123456789abcdef", 8);
			put(g, "-", 1);
			put_random(g, "0123456789abcdef", 4);
			put(g, "-", 1);
			put_random(g, "0123456789abcdef", 4);
			put(g, "-", 1);
			put_random(g, "0123456789abcdef", 4);
			put(g, "-", 1);
			put_random(g, "0123456789abcdef", 12);
		} else if (!strncmp(t, "{w}", 3)) {
			const char *w = words[rnd(AM_ARRAY_SIZE(words))];

			put(g, w, strlen(w));
		} else if (!strncmp(t, "{r}", 3)) {
			const char *r = regions[rnd(AM_ARRAY_SIZE(regions))];

			put(g, r, strlen(r));
		} else if (kind == 'h') {
			put_random(g, "0123456789abcdef", n);
		} else if (kind == 'd') {
			put_random(g, "0123456789", n);
		} else if (kind == 'u') {
			put_random(g, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", n);
		} else if (kind == 'U') {
			put_random(g, "0123456789ABCDEF", n);
		} else if (kind == 'l') {
			put_random(g, "abcdefghijklmnopqrstuvwxyz", n);
		} else if (kind == 'a') {
			put_random(g, "0123456789abcdefghijklmnopqrstuvwxyz", n);
		} else if (kind == 'A') {
			put_random(g, "0123456789abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ", n);
		} else if (kind == 'B') {
			put_random(g, "0123456789abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ/+=", n);
		}
		t = e + 1;
	}
}

/* Near misses: one byte deleted, doubled, replaced or inserted. */
static void
mutate(struct gen *g, size_t from)
{
	static const char pool[] = "-_.:/=\"' 0aZ\\@9fx\n";
	size_t n = g->len - from, at;
	char c = pool[rnd(sizeof(pool) - 1)];

	if (!n)
		return;
	at = from + rnd((unsigned)n);
	switch (rnd(5)) {
	case 0:		/* delete */
		memmove(g->buf + at, g->buf + at + 1, g->len - at - 1);
		g->len--;
		break;
	case 1:		/* replace */
		g->buf[at] = c;
		break;
	case 2:		/* insert */
		put(g, "", 0);
		put(g, " ", 1);
		memmove(g->buf + at + 1, g->buf + at, g->len - at - 1);
		g->buf[at] = c;
		break;
	case 3:		/* truncate */
		g->len = at;
		break;
	default:	/* glue a letter or digit on */
		put(g, rnd(2) ? "a" : "7", 1);
		break;
	}
}

static void
generate(struct gen *g, size_t size)
{
	g->len = 0;
	while (g->len < size) {
		size_t from = g->len;

		if (rnd(3)) {
			const char *n = noise[rnd(AM_ARRAY_SIZE(noise))];

			put(g, n, strlen(n) + (n[0] == '\0' && rnd(4) == 0));
			continue;
		}
		expand(g, templates[rnd(AM_ARRAY_SIZE(templates))]);
		if (rnd(3) == 0)
			mutate(g, from);
	}
}

static unsigned
env_number(const char *name, unsigned dflt)
{
	const char *v = getenv(name);

	return v && *v ? (unsigned)strtoul(v, NULL, 10) : dflt;
}

static void
test_differential_generated(void **state)
{
	struct pair pairs[NPAIRS];
	struct gen g = { 0 };
	unsigned rounds = env_number("AWSMASK_DIFF_ROUNDS", 150), r;
	size_t i;

	(void)state;
	rng += env_number("AWSMASK_DIFF_SEED", 0);
	pairs_init(pairs);
	for (r = 0; r < rounds; r++) {
		char what[64];

		generate(&g, 256 + rnd(8192));
		snprintf(what, sizeof(what), "generated input %u", r);
		for (i = 0; i < NPAIRS; i++)
			diff_one(&pairs[i], g.buf, g.len, what, 2);
	}
	for (i = 0; i < NPAIRS; i++)
		pair_free(&pairs[i]);
	free(g.buf);
}

/*
 * One level up: every part a context finds, learnt names included,
 * with the fast paths and with the reference ones.
 */
struct found {
	struct gen g;
};

static void
on_found(void *arg, const char *kind, const char *prefix,
    unsigned long long line, unsigned long long offset)
{
	struct found *f = arg;
	char buf[256];
	int n;

	n = snprintf(buf, sizeof(buf), "%s %s %llu %llu\n", kind, prefix, line,
	    offset);
	put(&f->g, buf, (size_t)n);
}

static void
found_with(const char *in, size_t len, int reference, struct found *f,
    int format)
{
	struct awsmask_config *cfg;
	struct awsmask *am;

	f->g.len = 0;
	assert_int_equal(awsmask_config_new(&cfg), 0);
	assert_int_equal(awsmask_config_set(cfg, "store", "memory:"), 0);
	assert_int_equal(awsmask_config_set(cfg, "format",
	    awsmask_format_name(format)), 0);
	assert_int_equal(awsmask_new(cfg, &am), 0);
	am_set_reference(am, reference);
	assert_int_equal(awsmask_scan_buffer(am, in, len, on_found, f), 0);
	awsmask_free(am);
	awsmask_config_free(cfg);
}

static void
test_differential_learnt_names(void **state)
{
	/* The last name's second byte is no ASCII: the vector search of
	 * learnt names is off in the rounds that may learn it (mask.c). */
	static const char *const names[] = { "deploy-bot", "orders.prod",
	    "web_01", "x=y@z", "café-app", "app/red-team/pass-25",
	    "dépôt-42" };
	struct found a = { { 0 } }, b = { { 0 } };
	struct gen g = { 0 };
	unsigned r;
	size_t i;

	(void)state;
	for (r = 0; r < 40; r++) {
		g.len = 0;
		/* Names learnt from context, then seen bare, glued, dotted. */
		for (i = 0; i < 200; i++) {
			const char *n = names[rnd(AM_ARRAY_SIZE(names) -
			    (r % 2 == 0))];
			static const char *const ctx[] = {
			    "\"RoleName\": \"", "arn:aws:iam::123456789012:role/",
			    "arn:aws:ssm:us-west-2:123456789012:parameter/",
			    "--user-name ", " ", "(", "-", "_", ".", "\n",
			    "x", "\"", "/", "//", "Id=", "a=b=",
			    "{\"Key\": \"Name\", \"Value\": \"" };
			const char *c = ctx[rnd(AM_ARRAY_SIZE(ctx))];

			put(&g, c, strlen(c));
			put(&g, n, strlen(n));
			if (rnd(4) == 0)
				put(&g, ".", 1);
			if (rnd(3) == 0)
				expand(&g, templates[rnd(AM_ARRAY_SIZE(templates))]);
			put(&g, rnd(2) ? "\" " : " ", rnd(2) ? 2 : 1);
		}
		found_with(g.buf, g.len, 0, &a, AWSMASK_FORMAT_TEXT);
		found_with(g.buf, g.len, 1, &b, AWSMASK_FORMAT_TEXT);
		assert_int_equal(a.g.len, b.g.len);
		assert_memory_equal(a.g.buf, b.g.buf, a.g.len);
		assert_true(a.g.len > 0);
	}
	free(a.g.buf);
	free(b.g.buf);
	free(g.buf);
}

/*
 * Unmasking: tokens in every form an LLM writes them, known and not,
 * found by the fast search and by the byte-by-byte one alike.
 */
struct unknown {
	struct gen g;
};

static void
on_unknown(void *arg, const char *token, unsigned long long line, int why)
{
	struct unknown *u = arg;
	char buf[256];
	int n = snprintf(buf, sizeof(buf), "%s %llu %d\n", token, line, why);

	put(&u->g, buf, (size_t)n);
}

static void
test_differential_unmask(void **state)
{
	static const char *const forms[] = { "EC2_{d3}", "ec2_{d3}",
	    "EC2-{d3}", "EC2\\_{d4}", "**SUBNET_{d3}**", "Subnet\xe2\x80\x91{d3}",
	    "x_IAM_ROLE_{d3}_y", "NAT_GW_{d3}", "web-ec2-{d3}",
	    "EC2_{d3}.example.com", "HTTP_{d3}", "EC2_{d2}", "EC2__{d3}",
	    "2026-11-28", "a_123", "_{d5}", "-{d4}", "EC2_{d21}" };
	struct awsmask_config *cfg;
	struct awsmask *am;
	struct unknown ua = { { 0 } }, ub = { { 0 } };
	struct gen g = { 0 };
	char *masked, *a, *b;
	size_t mlen, alen, blen, i;
	unsigned r;

	(void)state;
	assert_int_equal(awsmask_config_new(&cfg), 0);
	assert_int_equal(awsmask_config_set(cfg, "store", "memory:"), 0);
	assert_int_equal(awsmask_config_set(cfg, "format", "text"), 0);
	assert_int_equal(awsmask_new(cfg, &am), 0);
	for (r = 0; r < 30; r++) {
		/* Masked text (known tokens), then LLM-ish forms around it. */
		generate(&g, 4096);
		assert_int_equal(awsmask_mask_buffer(am, g.buf, g.len, &masked,
		    &mlen), 0);
		g.len = 0;
		put(&g, masked, mlen);
		free(masked);
		for (i = 0; i < 300; i++) {
			const char *n = noise[rnd(AM_ARRAY_SIZE(noise))];

			put(&g, n, strlen(n));
			expand(&g, forms[rnd(AM_ARRAY_SIZE(forms))]);
		}
		ua.g.len = ub.g.len = 0;
		am_set_reference(am, 0);
		assert_int_equal(awsmask_unmask_buffer(am, g.buf, g.len, &a,
		    &alen, on_unknown, &ua), 0);
		am_set_reference(am, 1);
		assert_int_equal(awsmask_unmask_buffer(am, g.buf, g.len, &b,
		    &blen, on_unknown, &ub), 0);
		assert_int_equal(alen, blen);
		assert_memory_equal(a, b, alen);
		assert_int_equal(ua.g.len, ub.g.len);
		if (ua.g.len)
			assert_memory_equal(ua.g.buf, ub.g.buf, ua.g.len);
		assert_true(alen != g.len || memcmp(a, g.buf, alen));
		free(a);
		free(b);
	}
	awsmask_free(am);
	awsmask_config_free(cfg);
	free(ua.g.buf);
	free(ub.g.buf);
	free(g.buf);
}

static void
test_free_null(void **state)
{
	(void)state;
	am_scanner_free(NULL);
}

/* Nothing is made ready before the first scan: awsunmask never pays. */
static void
test_lazy(void **state)
{
	struct am_scanner_opts o;
	struct am_scanner *s;
	struct am_error err;
	struct am_match m;

	(void)state;
	memset(&o, 0, sizeof(o));
	memset(&err, 0, sizeof(err));
	assert_int_equal(am_scanner_new(&s, &o, &err), 0);
	assert_false(am_scanner_uses_tables(s));
	assert_int_equal(am_scanner_next(s, "i-0123456789abcdef0", 19, 0, 19,
	    &m, &err), 1);
	assert_true(am_scanner_uses_tables(s));
	assert_string_equal(m.kind->name, "ec2-instance");
	am_scanner_set_reference(s, 1);
	am_scanner_reset(s);
	assert_int_equal(am_scanner_next(s, "i-0123456789abcdef0", 19, 0, 19,
	    &m, &err), 1);
	assert_false(am_scanner_uses_tables(s));
	am_scanner_free(s);
}

/*
 * Custom kinds are compiled at the first scan too: a pattern that does
 * not compile (the configuration's reader refuses it first; here it is
 * handed over directly) fails only there, and the failure sticks.  What
 * is enabled is known before.
 */
static void
test_lazy_custom(void **state)
{
	static const struct am_kind bad[] = {
		{ "ticket", "TICKET", "TCK-[0-9]{4}", NULL, "a ticket", 0, NULL },
		{ "broken", "BROKEN", "(unclosed", NULL, "a bad pattern", 0,
		    NULL },
		{ "off", "OFF", "off-[0-9]+", NULL, "disabled", 1, NULL },
	};
	struct am_scanner_opts o;
	struct am_scanner *s;
	struct am_error err;
	struct am_match m;

	(void)state;
	memset(&o, 0, sizeof(o));
	memset(&err, 0, sizeof(err));
	o.custom = bad;
	o.ncustom = 3;
	assert_int_equal(am_scanner_new(&s, &o, &err), 0);
	assert_int_equal(err.code, 0);
	assert_true(am_scanner_kind_enabled(s, am_nkinds));
	assert_true(am_scanner_kind_enabled(s, am_nkinds + 1));
	assert_false(am_scanner_kind_enabled(s, am_nkinds + 2));
	assert_false(am_scanner_kind_enabled(s, am_nkinds + 3));
	assert_int_equal(am_scanner_next(s, "TCK-1234", 8, 0, 8, &m, &err), -1);
	assert_int_equal(err.code, AWSMASK_ECONFIG);
	assert_non_null(strstr(err.msg, "broken"));
	am_scanner_reset(s);
	assert_int_equal(am_scanner_next(s, "TCK-1234", 8, 0, 8, &m, &err), -1);
	am_scanner_free(s);

	/* Without the broken one, the same text is found. */
	memset(&err, 0, sizeof(err));
	o.ncustom = 1;
	assert_int_equal(am_scanner_new(&s, &o, &err), 0);
	assert_int_equal(am_scanner_next(s, "TCK-1234", 8, 0, 8, &m, &err), 1);
	assert_string_equal(m.kind->name, "ticket");
	am_scanner_free(s);
}

static void
test_lists(void **state)
{
	struct am_error err;

	(void)state;
	memset(&err, 0, sizeof(err));
	assert_int_equal(am_kind_list_check("ec2-instance, ARN,all", NULL, 0,
	    &err), 0);
	assert_int_equal(am_kind_list_check("no-such-kind", NULL, 0, &err),
	    AWSMASK_ECONFIG);
	assert_non_null(strstr(err.msg, "no-such-kind"));
	assert_int_equal(am_kind_list_check("ticket", custom_kinds,
	    AM_ARRAY_SIZE(custom_kinds), &err), 0);
}

/* Empty subjects, limits before from, a start at the very end. */
static void
test_edges(void **state)
{
	struct am_scanner_opts o;
	struct am_scanner *s;
	struct am_error err;
	struct am_match m;
	const char *in = "vpc-0123abcd";

	(void)state;
	memset(&o, 0, sizeof(o));
	memset(&err, 0, sizeof(err));
	assert_int_equal(am_scanner_new(&s, &o, &err), 0);
	assert_int_equal(am_scanner_next(s, "", 0, 0, 0, &m, &err), 0);
	assert_int_equal(am_scanner_next(s, in, 12, 12, 12, &m, &err), 0);
	assert_int_equal(am_scanner_next(s, in, 12, 3, 1, &m, &err), 0);
	assert_int_equal(am_scanner_next(s, in, 12, 0, 100, &m, &err), 1);
	assert_int_equal(m.start, 0);
	assert_int_equal(m.end, 12);
	/* A match whose start is at or past the limit is the next block's. */
	am_scanner_reset(s);
	assert_int_equal(am_scanner_next(s, "x vpc-0123abcd", 14, 0, 2, &m,
	    &err), 0);
	am_scanner_free(s);
}

/*
 * A host name's rows are tried only where the host bytes run on to
 * their needle: a CloudTrail line names ec2.amazonaws.com, and the
 * words around it are no RDS endpoints.  The RDS endpoint itself is
 * found, also when the needle's first occurrence is in another word.
 */
static void
test_needles(void **state)
{
	static const char in[] = "{\"eventSource\": \"ec2.amazonaws.com\", "
	    "\"db\": \"orders.abcdef123456.us-east-1.rds.amazonaws.com\"}";
	struct am_scanner_opts o;
	struct am_scanner *s;
	struct am_error err;
	struct am_match m;

	(void)state;
	memset(&o, 0, sizeof(o));
	memset(&err, 0, sizeof(err));
	o.preserve_structure = 1;
	assert_int_equal(am_scanner_new(&s, &o, &err), 0);
	assert_int_equal(am_scanner_next(s, in, sizeof(in) - 1, 0,
	    sizeof(in) - 1, &m, &err), 1);
	assert_string_equal(m.kind->name, "rds-endpoint");
	assert_int_equal(m.parts[0].end - m.parts[0].start, 19);
	am_scanner_free(s);
}

/* With custom kinds, their prefixes are tokens too. */
static void
test_custom_token_literal(void **state)
{
	static const char in[] = "see TICKET_004 and ticket-005 and EC2_001";
	struct am_scanner_opts o;
	struct am_scanner *s;
	struct am_error err;
	struct am_match m;
	size_t from = 0, n = 0;

	(void)state;
	memset(&o, 0, sizeof(o));
	memset(&err, 0, sizeof(err));
	o.custom = custom_kinds;
	o.ncustom = AM_ARRAY_SIZE(custom_kinds);
	o.types = "token-literal";
	assert_int_equal(am_scanner_new(&s, &o, &err), 0);
	while (am_scanner_next(s, in, sizeof(in) - 1, from, sizeof(in) - 1,
	    &m, &err) == 1) {
		assert_string_equal(m.kind->name, "token-literal");
		from = m.end;
		n++;
	}
	assert_int_equal(n, 3);
	am_scanner_free(s);
}

/*
 * Every distinct needle of the catalogue is tracked: a row whose needle
 * did not fit would be tried at every start its first bytes allow (a
 * ninth needle, awsapps, once cost 5 million PCRE2 calls on 40 MB).
 */
static void
test_needles_fit(void **state)
{
	const char *seen[64];
	size_t seen_len[64], nseen = 0, i, j, n;

	(void)state;
	for (i = 0; i < am_nkinds; i++) {
		const char *p = am_kinds[i].needles;

		while (p && *p) {
			n = strcspn(p, "|");
			for (j = 0; j < nseen; j++)
				if (seen_len[j] == n && !memcmp(seen[j], p, n))
					break;
			if (j == nseen) {
				assert_true(nseen < AM_ARRAY_SIZE(seen));
				seen[nseen] = p;
				seen_len[nseen++] = n;
			}
			p += n + (p[n] == '|');
		}
	}
	if (nseen > AM_MAX_NEEDLES)
		fail_msg("%zu distinct needles, the scanner tracks %d", nseen,
		    AM_MAX_NEEDLES);
}

/*
 * The vector loop of the fast path takes the printable ASCII bytes for
 * starts; were a row to begin with another byte, the scanner would
 * silently go back to a byte at a time (it did once, when the detection
 * work grew the catalogue past the sixteen bytes an older loop compared
 * with one by one).
 */
static void
test_starts_printable(void **state)
{
	const struct am_scan_data *d = &am_scan_data;
	unsigned c, n = 0;

	(void)state;
	for (c = 0; c < 256; c++)
		if (d->delta[d->root * (size_t)d->nblocks + d->block[c]]) {
			n++;
			if (!am_start_printable(c))
				fail_msg("byte 0x%02x may start a match: the "
				    "vector loop would be off", c);
		}
	assert_true(n > 62);
	assert_false(am_start_printable(' '));
	assert_false(am_start_printable(0x80));
}

/* The same comparisons with the SSE2 loops that a processor without
 * SSSE3 runs (Teddy and the learnt names' look-up are off). */
static int
without_ssse3(void **state)
{
	(void)state;
	am_force_ssse3(0);
	assert_false(am_have_ssse3());
	return 0;
}

static int
with_ssse3(void **state)
{
	(void)state;
	am_force_ssse3(-1);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_free_null),
		cmocka_unit_test(test_lazy),
		cmocka_unit_test(test_lazy_custom),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_needles),
		cmocka_unit_test(test_needles_fit),
		cmocka_unit_test(test_starts_printable),
		cmocka_unit_test(test_custom_token_literal),
		cmocka_unit_test(test_differential_files),
		cmocka_unit_test(test_differential_generated),
		cmocka_unit_test(test_differential_learnt_names),
		cmocka_unit_test_setup_teardown(test_differential_generated,
		    without_ssse3, with_ssse3),
		cmocka_unit_test_setup_teardown(test_differential_learnt_names,
		    without_ssse3, with_ssse3),
		cmocka_unit_test(test_differential_unmask),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
