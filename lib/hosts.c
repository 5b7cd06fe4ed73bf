/*
 * hosts.c - AWS host names and URLs: EC2, RDS, ElastiCache, Redshift,
 * ELB, API Gateway, CloudFront, EKS, Lambda and OpenSearch endpoints,
 * SQS queue URLs, ECR registries and S3 buckets in URIs and URLs.
 */
#include "detect.h"

#include <ctype.h>
#include <string.h>

/*
 * Hostnames.  The identifying labels are either the first label (less
 * a kept literal prefix such as "dualstack." or "internal-"), or every
 * label before the last nkeep labels ahead of ".amazonaws.".  A first
 * label that is itself a resource ID (i-0123...) keeps the ID's kind.
 */
struct host_rule {
	const char *kind;
	int checkip;		/* ip-a-b-c-d, ec2-a-b-c-d: valid octets */
	const char *skip[2];
	int nkeep;		/* 0: first label */
	const char *prefix;
	const char *whole;
};

static const struct host_rule host_rules[] = {
	{ "ec2-hostname", 1, { NULL, NULL }, 0, "EC2_HOST", "EC2_HOST" },
	{ "rds-endpoint", 0, { NULL, NULL }, 2, "RDS", "RDS" },
	{ "elasticache-endpoint", 0, { NULL, NULL }, 2, "ELASTICACHE",
	    "ELASTICACHE" },
	{ "redshift-endpoint", 0, { NULL, NULL }, 2, "REDSHIFT", "REDSHIFT" },
	{ "elb-hostname", 0, { "dualstack.", "internal-" }, 0, "ELB", "ELB" },
	{ "api-gateway-host", 0, { NULL, NULL }, 0, "API_GW", "API_GW" },
	{ "cloudfront-domain", 0, { NULL, NULL }, 0, "CLOUDFRONT",
	    "CLOUDFRONT" },
	{ "eks-endpoint", 0, { NULL, NULL }, 0, "EKS_CLUSTER", "EKS_CLUSTER" },
	{ "lambda-url", 0, { NULL, NULL }, 0, "LAMBDA", "LAMBDA_ARN" },
	{ "opensearch-endpoint", 0, { "search-", "vpc-" }, 0, "OPENSEARCH",
	    "OPENSEARCH" },
	{ "beanstalk-host", 0, { NULL, NULL }, 0, "EB_ENV", "EB_ENV" },
	{ "awsapps-host", 0, { NULL, NULL }, 0, "DIRECTORY", "DIRECTORY" },
};

int
am_split_host(const char *subj, size_t len, struct am_match *m)
{
	const struct host_rule *r = NULL;
	const struct resource_id *id;
	size_t i, s = m->start, e;
	int o[4];

	(void)len;
	for (i = 0; i < AM_ARRAY_SIZE(host_rules) && !r; i++)
		if (!strcmp(host_rules[i].kind, m->kind->name))
			r = &host_rules[i];
	if (!r)
		return 0;
	for (i = 0; i < 2; i++)
		if (r->skip[i] &&
		    am_has_prefix(subj + s, m->end - s, r->skip[i]))
			s += strlen(r->skip[i]);
	if (r->nkeep == 0) {
		e = am_find_any(subj, s, m->end, ".");
	} else {
		/* The last ".amazonaws.", then nkeep labels back. */
		for (e = m->end; e > s; e--)
			if (am_has_prefix(subj + e - 1, m->end - e + 1,
			    ".amazonaws."))
				break;
		if (e == s)
			return 0;
		e--;
		for (i = 0; i < (size_t)r->nkeep && e > s; i++)
			while (--e > s && subj[e] != '.')
				;
		if (e <= s)
			return 0;
	}
	/* ip-10-0-1-2 and ec2-54-1-2-3 carry an address: check it. */
	if (r->checkip && am_has_prefix(subj + s, e - s, "ip-") &&
	    !am_octets(subj + s + 3, e - s - 3, '-', 4, o))
		return 0;
	if (r->checkip && am_has_prefix(subj + s, e - s, "ec2-") &&
	    !am_octets(subj + s + 4, e - s - 4, '-', 4, o))
		return 0;
	if (r->nkeep == 0 && (id = am_find_resource_id(subj + s, e - s)))
		am_match_add(m, s, e, id->prefix, id->kind);
	else
		am_match_add(m, s, e, r->prefix, NULL);
	m->whole_prefix = r->whole;
	return m->nparts > 0;
}

/* The bare ip-10-0-1-23 label of an EC2 host (shell prompts, node names). */
int
am_split_host_label(const char *subj, size_t len, struct am_match *m)
{
	int o[4];

	(void)len;
	if (!am_octets(subj + m->start + 3, m->end - m->start - 3, '-', 4, o))
		return 0;
	am_match_add(m, m->start, m->end, m->kind->prefix, NULL);
	return 1;
}

/* SQS queue URL: the account and the queue name. */
int
am_split_sqs_url(const char *subj, size_t len, struct am_match *m)
{
	size_t p = m->start, e;

	(void)len;
	for (e = p; e + 2 < m->end; e++)
		if (!memcmp(subj + e, "://", 3)) {
			p = e + 3;
			break;
		}
	p = am_find_any(subj, p, m->end, "/") + 1;
	e = am_find_any(subj, p, m->end, "/");
	if (e >= m->end || !am_arn_account(subj + p, e - p))
		return 0;
	am_match_add(m, p, e, "ACCOUNT", "account-id");
	am_match_add(m, e + 1, m->end, "SQS_QUEUE", NULL);
	m->whole_prefix = "SQS_QUEUE";
	return 1;
}

/* ECR registry host: the account, and the repository when present. */
int
am_split_ecr(const char *subj, size_t len, struct am_match *m)
{
	size_t p;

	(void)len;
	am_match_add(m, m->start, m->start + 12, "ACCOUNT", "account-id");
	p = am_find_any(subj, m->start, m->end, "/");
	if (p < m->end)
		am_match_add(m, p + 1, m->end, "ECR_REPO", NULL);
	m->whole_prefix = "ECR_URI";
	return 1;
}

/*
 * Buckets AWS owns and publishes (CloudFormation's samples, EKS's
 * binaries, Lambda's code store), and the S3 XML namespace's "doc":
 * public names, not a customer's.
 */
static const char *const aws_bucket_prefixes[] = {
	"cloudformation-examples", "cloudformation-templates-",
	"awslambda-", "aws-cloudtrail-", "amazon-eks", "amazon-ssm-",
	"aws-codedeploy-", "elasticmapreduce",
};

static int
aws_bucket(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < AM_ARRAY_SIZE(aws_bucket_prefixes); i++)
		if (am_has_prefix(p, n, aws_bucket_prefixes[i]))
			return 1;
	return am_name_placeholder(p, n);
}

/* [s, e) as a BUCKET part, unless it is AWS's or a placeholder. */
static void
add_bucket(const char *subj, struct am_match *m, size_t s, size_t e)
{
	if (e > s && !aws_bucket(subj + s, e - s))
		am_match_add(m, s, e, "BUCKET", NULL);
}

/* s3://bucket/key: the bucket. */
int
am_split_s3_uri(const char *subj, size_t len, struct am_match *m)
{
	size_t s = am_find_any(subj, m->start, m->end, "/") + 2;

	(void)len;
	add_bucket(subj, m, s, am_find_any(subj, s, m->end, "/"));
	m->whole_prefix = "S3_URL";
	return m->nparts > 0;
}

/* bucket.s3.<region>.amazonaws.com: the labels before the last ".s3". */
int
am_split_s3_vhost(const char *subj, size_t len, struct am_match *m)
{
	size_t e;

	(void)len;
	for (e = m->end - 3; e > m->start; e--)
		if (!memcmp(subj + e, ".s3", 3) &&
		    (subj[e + 3] == '.' || subj[e + 3] == '-'))
			break;
	/* S3's own service principals: log delivery, Storage Lens, Batch
	 * Operations (logging.s3.amazonaws.com). */
	if (!am_field_is(subj + m->start, e - m->start, "logging") &&
	    !am_field_is(subj + m->start, e - m->start, "storage-lens") &&
	    !am_field_is(subj + m->start, e - m->start, "batchoperations"))
		add_bucket(subj, m, m->start, e);
	m->whole_prefix = "S3_URL";
	return m->nparts > 0;
}

/* s3.<region>.amazonaws.com/bucket/key and the console's
 * .../s3/buckets/bucket: the bucket. */
int
am_split_s3_path(const char *subj, size_t len, struct am_match *m)
{
	static const char *const marks[] = { "/buckets/", "/object/",
	    ".com/", ".com.cn/" };
	size_t i, s, e;

	for (i = 0; i < AM_ARRAY_SIZE(marks); i++) {
		size_t l = strlen(marks[i]);

		for (s = m->start; s + l <= m->end; s++)
			if (!memcmp(subj + s, marks[i], l))
				break;
		if (s + l <= m->end) {
			s += l;
			e = am_find_any(subj, s, m->end, "/?");
			/* The S3 XML namespace, s3.amazonaws.com/doc/2006-03-01/ */
			if (!(am_field_is(subj + s, e - s, "doc") &&
			    e + 3 < len && !memcmp(subj + e, "/20", 3)))
				add_bucket(subj, m, s, e);
			break;
		}
	}
	m->whole_prefix = "S3_URL";
	return m->nparts > 0;
}

/*
 * S3 server access log lines: the bucket owner's canonical ID opens the
 * line, then the bucket and the [time]; the requester's ID follows the
 * time and the remote address.  The row's match is the owner and the
 * bucket, or 64 hex that must stand in the requester's place.
 */
int
am_split_s3_log(const char *subj, size_t len, struct am_match *m)
{
	size_t s = m->start, p, n, lo = s > 64 ? s - 64 : 0;

	(void)len;
	if (m->end - s > 64) {
		am_match_add(m, s, s + 64, "S3_CANONICAL", NULL);
		am_match_add(m, s + 65, m->end, "BUCKET", NULL);
		return 1;
	}
	/* "... +0000] 192.0.2.3 <requester>" */
	if (s < 2 || subj[s - 1] != ' ')
		return 0;
	for (p = s - 1, n = 0; p > lo && (isxdigit((unsigned char)subj[p - 1]) ||
	    am_is_in(subj[p - 1], ".:")); p--)
		n++;
	if (n < 2 || p < lo + 28 || memcmp(subj + p - 2, "] ", 2))
		return 0;
	p -= 2;		/* at ']': [06/Feb/2019:00:00:38 +0000] */
	if (subj[p - 27] != '[' || subj[p - 24] != '/' || subj[p - 6] != ' ')
		return 0;
	am_match_add(m, s, m->end, "S3_CANONICAL", NULL);
	return 1;
}
