/*
 * arn.c - ARNs: which fields of an ARN are masked, by service and
 * resource type (arn_rules[]), and what of the resource is a name, an
 * ID or AWS's own.  The pattern is ARN_PAT (patterns.h).
 */
#include "detect.h"

#include <ctype.h>
#include <string.h>

/*
 * Is [p, p + n) shaped like one of our tokens (PREFIX_NNN)?  Such a field
 * of a structure (an ARN's account, an EKS issuer's ID) is masked text
 * met again, or text that must be masked as a literal: either way it is
 * a part of its own, which the masker keeps when the store issued it.
 */
static int
token_shaped(const char *p, size_t n)
{
	size_t i = n;

	while (i > 0 && isdigit((unsigned char)p[i - 1]))
		i--;
	if (n - i < 3 || i < 2 || p[i - 1] != '_' ||
	    !isupper((unsigned char)p[0]))
		return 0;
	while (--i > 0)
		if (!isupper((unsigned char)p[i - 1]) &&
		    !isdigit((unsigned char)p[i - 1]) && p[i - 1] != '_')
			return 0;
	return 1;
}

enum arn_how {
	H_NONE,		/* nothing to mask in the resource */
	H_SEG,		/* the first segment of the name, up to '/' or ':' */
	H_REST,		/* the whole name */
	H_LAST,		/* the last '/' segment, and the path's (IAM) */
	H_PAIR,		/* parent/child: two parts */
	H_ID,		/* a resource ID, tokenised like the bare ID */
	H_S3,		/* bucket; the object key is kept */
	H_LOG,		/* log group name, /aws/<service>/ kept */
	H_ELB,		/* app|net|gwy/ kept, then the name and the ID */
	H_SEGID,	/* the first segment, and an ID after it */
	H_OIDC,		/* an EKS issuer's ID, or the whole provider */
};

#define F_AWSPUB	0x1	/* a name under aws/ is AWS's own: keep it */
#define F_ACCTSEG	0x2	/* a first segment of twelve digits is an
				   account (product/<account>/default) */

struct arn_rule {
	const char *service;
	const char *type;	/* NULL: bare resource; "*": any type */
	enum arn_how how;
	const char *prefix;	/* the name's part */
	const char *parent;	/* H_PAIR: the first segment's part */
	const char *whole;	/* --no-preserve-structure; NULL: ARN */
	int flags;
};

static const struct arn_rule arn_rules[] = {
	{ "iam", "role", H_LAST, "IAM_ROLE", NULL, "IAM_ROLE", 0 },
	{ "iam", "user", H_LAST, "IAM_USER", NULL, "IAM_USER", 0 },
	{ "iam", "group", H_LAST, "IAM_GROUP", NULL, NULL, 0 },
	{ "iam", "policy", H_LAST, "IAM_POLICY", NULL, NULL, 0 },
	{ "iam", "instance-profile", H_LAST, "IAM_PROFILE", NULL, NULL, 0 },
	{ "iam", "mfa", H_LAST, "IAM_USER", NULL, NULL, 0 },
	{ "iam", "server-certificate", H_LAST, "ARN", NULL, NULL, 0 },
	{ "iam", "oidc-provider", H_OIDC, "EKS_CLUSTER", NULL, NULL, 0 },
	{ "iam", "root", H_NONE, NULL, NULL, NULL, 0 },
	{ "sts", "assumed-role", H_PAIR, "IAM_USER", "IAM_ROLE", "IAM_ROLE",
	    0 },
	{ "sts", "federated-user", H_LAST, "IAM_USER", NULL, "IAM_USER", 0 },
	{ "lambda", "function", H_SEG, "LAMBDA", NULL, "LAMBDA_ARN", 0 },
	{ "sns", NULL, H_SEG, "SNS_TOPIC", NULL, "SNS_TOPIC", 0 },
	{ "sqs", NULL, H_SEG, "SQS_QUEUE", NULL, "SQS_QUEUE", 0 },
	{ "dynamodb", "table", H_SEG, "DYNAMODB_TABLE", NULL,
	    "DYNAMODB_TABLE", 0 },
	{ "elasticloadbalancing", "loadbalancer", H_ELB, "ELB", NULL,
	    "ELB_ARN", 0 },
	{ "elasticloadbalancing", "listener", H_ELB, "ELB", NULL, "ELB_ARN",
	    0 },
	{ "elasticloadbalancing", "listener-rule", H_ELB, "ELB", NULL,
	    "ELB_ARN", 0 },
	{ "elasticloadbalancing", "targetgroup", H_SEGID, "TARGET_GROUP", NULL,
	    "ELB_ARN", 0 },
	{ "ecs", "task", H_PAIR, "ECS_TASK", "ECS_CLUSTER", "ECS_TASK", 0 },
	{ "ecs", "service", H_PAIR, "ECS_SERVICE", "ECS_CLUSTER", NULL, 0 },
	{ "ecs", "cluster", H_SEG, "ECS_CLUSTER", NULL, NULL, 0 },
	{ "ecs", "task-definition", H_SEG, "ECS_TASKDEF", NULL, NULL, 0 },
	{ "ecs", "container-instance", H_PAIR, "ARN", "ECS_CLUSTER", NULL, 0 },
	{ "eks", "cluster", H_SEG, "EKS_CLUSTER", NULL, "EKS_CLUSTER", 0 },
	{ "eks", "nodegroup", H_PAIR, "ARN", "EKS_CLUSTER", NULL, 0 },
	{ "eks", "addon", H_PAIR, "ARN", "EKS_CLUSTER", NULL, 0 },
	{ "kms", "key", H_SEG, "KMS_KEY", NULL, "KMS_KEY", 0 },
	{ "kms", "alias", H_REST, "KMS_ALIAS", NULL, NULL, F_AWSPUB },
	{ "acm", "certificate", H_SEG, "CERT", NULL, "CERT_ARN", 0 },
	{ "secretsmanager", "secret", H_REST, "SECRET", NULL, "SECRET_ARN",
	    0 },
	{ "ssm", "parameter", H_REST, "PARAM", NULL, "PARAM_ARN", F_AWSPUB },
	{ "cloudformation", "stack", H_SEGID, "STACK", NULL, "STACK_ID", 0 },
	{ "rds", "db", H_SEG, "RDS", NULL, NULL, 0 },
	{ "rds", "cluster", H_SEG, "RDS", NULL, NULL, 0 },
	{ "logs", "log-group", H_LOG, "LOG_GROUP", NULL, "LOG_GROUP", 0 },
	{ "route53", "hostedzone", H_SEG, "ROUTE53_ZONE", NULL, NULL, 0 },
	{ "cloudfront", "distribution", H_SEG, "CF_DIST", NULL, NULL, 0 },
	{ "elasticache", "cluster", H_SEG, "ELASTICACHE", NULL, NULL, 0 },
	{ "elasticache", "replicationgroup", H_SEG, "ELASTICACHE", NULL, NULL,
	    0 },
	{ "ecr", "repository", H_REST, "ECR_REPO", NULL, "ECR_URI", 0 },
	{ "s3", "accesspoint", H_SEG, "ARN", NULL, NULL, 0 },
	{ "s3", "storage-lens", H_SEG, "ARN", NULL, NULL, 0 },
	{ "s3", "job", H_SEG, "ARN", NULL, NULL, 0 },
	{ "securityhub", "standards", H_NONE, NULL, NULL, NULL, 0 },
	{ "securityhub", "ruleset", H_NONE, NULL, NULL, NULL, 0 },
	{ "securityhub", "product", H_NONE, NULL, NULL, NULL, F_ACCTSEG },
	{ "securityhub", "subscription", H_NONE, NULL, NULL, NULL, 0 },
	{ "securityhub", "control", H_NONE, NULL, NULL, NULL, 0 },
	{ "s3", NULL, H_S3, "BUCKET", NULL, NULL, 0 },
	{ "execute-api", NULL, H_SEG, "API_GW", NULL, "API_GW", 0 },
	{ "apigateway", "restapis", H_SEG, "API_GW", NULL, "API_GW", 0 },
	{ "ec2", "*", H_ID, "ARN", NULL, NULL, 0 },
	{ "elasticfilesystem", "*", H_ID, "ARN", NULL, NULL, 0 },
};

/* Any other ARN: the name after the type, or the bare resource. */
static const struct arn_rule arn_default = {
	NULL, "*", H_REST, "ARN", NULL, NULL, 0
};

static const struct arn_rule *
find_arn_rule(const char *svc, size_t svclen, const char *type,
    size_t typelen, int typed)
{
	const struct arn_rule *bare = NULL, *any = NULL;
	size_t i;

	for (i = 0; i < AM_ARRAY_SIZE(arn_rules); i++) {
		const struct arn_rule *r = &arn_rules[i];

		if (!am_field_is(svc, svclen, r->service))
			continue;
		if (!r->type)
			bare = r;
		else if (!strcmp(r->type, "*"))
			any = r;
		else if (am_field_is(type, typelen, r->type))
			return r;	/* also a type alone: iam::...:root */
	}
	if (typed && any)
		return any;
	return bare;
}

/*
 * Not a name in an ARN: a placeholder or AWS constant, the root user's
 * MFA device, and a short number (key/1 in a test event).
 */
static int
arn_placeholder(const char *p, size_t n)
{
	return am_name_placeholder(p, n) ||
	    am_field_is(p, n, "root-account-mfa-device") ||
	    (n < 4 && am_all_digits(p, n));
}

/* An ID after a name in an ARN: 16 hex digits (load balancers, target
 * groups) or a UUID (stacks), also as documents write it (xmpl). */
static int
opaque_id(const char *p, size_t n)
{
	size_t i, digits = 0;

	if (n != 16 && n != 36)
		return 0;
	for (i = 0; i < n; i++) {
		if (n == 36 && (i == 8 || i == 13 || i == 18 || i == 23)) {
			if (p[i] != '-')
				return 0;
		} else if (isalnum((unsigned char)p[i]) &&
		    !isupper((unsigned char)p[i])) {
			digits += isdigit((unsigned char)p[i]) != 0;
		} else {
			return 0;
		}
	}
	return digits > 0;
}

/* Add [s, e) as a name part, less trailing wildcards and separators. */
static void
add_name(const char *subj, struct am_match *m, size_t s, size_t e,
    const char *prefix, const char *kind)
{
	while (e > s && strchr("*/:", subj[e - 1]))
		e--;
	if (arn_placeholder(subj + s, e - s))
		return;
	am_match_add(m, s, e, prefix, kind);
}

/*
 * The segments of an IAM path (role/division_abc/team-x/Name): each a
 * part, IAM_PATH.  Not a path AWS gives its own roles, whole
 * (service-role/, aws-service-role/ecs.amazonaws.com/,
 * aws-reserved/sso.amazonaws.com/eu-west-1/), nor a service principal.
 */
static void
iam_path(const char *subj, struct am_match *m, size_t s, size_t e)
{
	static const char *const aws_paths[] = { "service-role",
	    "aws-service-role", "aws-reserved" };
	size_t q, i;

	q = am_find_any(subj, s, e, "/");
	for (i = 0; i < AM_ARRAY_SIZE(aws_paths); i++)
		if (am_field_is(subj + s, q - s, aws_paths[i]))
			return;
	for (; s < e; s = q + 1) {
		q = am_find_any(subj, s, e, "/");
		if (q > s && !memmem(subj + s, q - s, ".amazonaws.com", 14))
			add_name(subj, m, s, q, "IAM_PATH", NULL);
	}
}

/* Offset of the name after /aws/<service>/ in a log group name. */
size_t
am_log_name_start(const char *subj, size_t s, size_t e)
{
	size_t p;

	if (!am_has_prefix(subj + s, e - s, "/aws/"))
		return s;
	p = am_find_any(subj, s + 5, e, "/");
	return p < e ? p + 1 : s;
}

static void
arn_name(const char *subj, struct am_match *m, const struct arn_rule *r,
    size_t ns, size_t re)
{
	const struct resource_id *id;
	size_t e, e2;

	if ((r->flags & F_AWSPUB) && am_has_prefix(subj + ns, re - ns, "aws/"))
		return;
	switch (r->how) {
	case H_NONE:
		e = am_find_any(subj, ns, re, "/:");
		if ((r->flags & F_ACCTSEG) && e - ns == 12 &&
		    am_all_digits(subj + ns, 12))
			am_match_add(m, ns, e, "ACCOUNT", "account-id");
		break;
	case H_SEG:
	case H_S3:
		e = am_find_any(subj, ns, re, "/:");
		add_name(subj, m, ns, e, r->prefix, NULL);
		/* A DynamoDB table's secondary index, table/T/index/I: its
		 * owner names it as the table (its stream/<time> is not). */
		if (!strcmp(r->service, "dynamodb") &&
		    am_has_prefix(subj + e, re - e, "/index/")) {
			e2 = am_find_any(subj, e + 7, re, "/:");
			if (e2 > e + 7 && subj[e + 7] != '*')
				add_name(subj, m, e + 7, e2, r->prefix,
				    NULL);
		}
		/* A Lambda function's alias, function:NAME:ALIAS, is named
		 * by its owner too; a version (digits) and $LATEST are not. */
		if (!strcmp(r->service, "lambda") && e + 1 < re &&
		    subj[e] == ':') {
			e2 = am_find_any(subj, e + 1, re, "/:");
			if (subj[e + 1] != '$' &&
			    !am_all_digits(subj + e + 1, e2 - e - 1))
				add_name(subj, m, e + 1, e2, r->prefix, NULL);
		}
		break;
	case H_REST:
		add_name(subj, m, ns, re, r->prefix, NULL);
		break;
	case H_LAST:
		while (re > ns && strchr("*/", subj[re - 1]))
			re--;
		e = re;
		while (e > ns && subj[e - 1] != '/')
			e--;
		if (e > ns && !strcmp(r->service, "iam"))
			iam_path(subj, m, ns, e - 1);
		add_name(subj, m, e, re, r->prefix, NULL);
		break;
	case H_PAIR:
		e = am_find_any(subj, ns, re, "/:");
		if (e + 1 >= re) {
			add_name(subj, m, ns, e, r->prefix, NULL);
			break;
		}
		e2 = am_find_any(subj, e + 1, re, "/:");
		add_name(subj, m, ns, e, r->parent, NULL);
		add_name(subj, m, e + 1, e2, r->prefix, NULL);
		/* An EKS node group's or add-on's UUID after the pair. */
		if (e2 < re && subj[e2] == '/') {
			e = am_find_any(subj, e2 + 1, re, "/:");
			if (opaque_id(subj + e2 + 1, e - e2 - 1))
				am_match_add(m, e2 + 1, e, r->prefix, NULL);
		}
		break;
	case H_ID:
		if ((id = am_find_resource_id(subj + ns, re - ns)))
			am_match_add(m, ns, re, id->prefix, id->kind);
		else
			add_name(subj, m, ns, re, r->prefix, NULL);
		break;
	case H_LOG:
		ns = am_log_name_start(subj, ns, re);
		add_name(subj, m, ns, am_find_any(subj, ns, re, ":"), r->prefix,
		    NULL);
		break;
	case H_OIDC:
		/* oidc.eks.<region>.amazonaws.com/id/<ID>: the ID, as in
		 * the issuer URL; any other provider (a host) whole. */
		e = re;
		while (e > ns && subj[e - 1] != '/')
			e--;
		if ((re - e == 32 || token_shaped(subj + e, re - e)) &&
		    e - ns > 4 &&
		    am_has_prefix(subj + e - 4, 4, "/id/") &&
		    am_has_prefix(subj + ns, re - ns, "oidc.eks."))
			am_match_add(m, e, re, r->prefix, NULL);
		else
			add_name(subj, m, ns, re, "ARN", NULL);
		break;
	case H_ELB:
		if (am_has_prefix(subj + ns, re - ns, "app/") ||
		    am_has_prefix(subj + ns, re - ns, "net/") ||
		    am_has_prefix(subj + ns, re - ns, "gwy/"))
			ns += 4;
		/* FALLTHROUGH */
	case H_SEGID:
		/* name/ID: the name, and the ID after it (a load balancer's
		 * or target group's 16 hex, a stack's UUID).  The ID is one
		 * by its place, whatever its shape (documents shorten it:
		 * targetgroup/lambda-target/abcdefg), but a placeholder. */
		e = am_find_any(subj, ns, re, "/:");
		add_name(subj, m, ns, e, r->prefix, NULL);
		if (e < re && subj[e] == '/') {
			e2 = am_find_any(subj, e + 1, re, "/:");
			if (opaque_id(subj + e + 1, e2 - e - 1))
				am_match_add(m, e + 1, e2, r->prefix, NULL);
			else
				add_name(subj, m, e + 1, e2, r->prefix, NULL);
		}
		break;
	}
}

/*
 * Keep partition, service, region and resource type; mask the account
 * (when it is one) and the resource's name.  An ARN in the account
 * "aws" is AWS's own (managed policies): left alone.
 */
/*
 * End the match before another ARN or an s3:// URI glued to this one's
 * resource (from `rs` on), less the glue: the scanner resumes there.
 */
static void
arn_cut_glued(const char *subj, struct am_match *m, size_t rs)
{
	static const char *const starts[] = { "arn:", "s3://" };
	size_t p, i, cut = m->end;

	for (i = 0; i < AM_ARRAY_SIZE(starts); i++) {
		const char *hit = memmem(subj + rs, m->end - rs, starts[i],
		    strlen(starts[i]));

		if (hit && (size_t)(hit - subj) < cut)
			cut = (size_t)(hit - subj);
	}
	if (cut == m->end)
		return;
	for (p = cut; p > rs && !strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789_/*$-", subj[p - 1]); p--)
		;
	m->end = p > rs ? p : rs;
}

/*
 * Is an ARN's account field an account?  Twelve digits, and what
 * documents write in their place: ten or eleven digits (a digit lost),
 * thirteen digits (one too many: 0123456789012), digits that end in
 * EXAMPLE (80398EXAMPLE).  Not a placeholder (xxx, account-id,
 * ACCOUNT): the field is kept, the resource still masked.
 */
int
am_arn_account(const char *p, size_t n)
{
	size_t i, digits = 0;

	if (n == 13)
		return am_all_digits(p, n);
	if (n < 10 || n > 12)
		return 0;
	for (i = 0; i < n; i++) {
		if (isdigit((unsigned char)p[i]))
			digits++;
		else if (!isupper((unsigned char)p[i]))
			return 0;
	}
	return digits >= 5 && isdigit((unsigned char)p[0]);
}

int
am_split_arn(const char *subj, size_t len, struct am_match *m)
{
	size_t f[5], i, p = m->start, rs, ts, te;
	const struct arn_rule *r;
	int typed;

	(void)len;
	/* {arn-aws}, the AWS documentation's AsciiDoc attribute, stands
	 * for "arn:aws:": its '}' ends the partition. */
	i = 0;
	if (subj[p] == '{') {
		f[1] = p + 8;
		p += 9;
		i = 2;
	}
	for (; i < 5; i++) {
		p = am_find_any(subj, p, m->end, ":");
		if (i == 4 && p < m->end)
			arn_cut_glued(subj, m, p + 1);
		if (p >= m->end)
			return 0;
		f[i] = p++;	/* f[i]: the colon ending field i */
	}
	rs = f[4] + 1;
	/* AWS's own: managed policies (aws), CloudFront's origin access
	 * identities (cloudfront). */
	if (am_field_is(subj + f[3] + 1, f[4] - f[3] - 1, "aws") ||
	    am_field_is(subj + f[3] + 1, f[4] - f[3] - 1, "cloudfront"))
		return 0;
	if (am_arn_account(subj + f[3] + 1, f[4] - f[3] - 1))
		am_match_add(m, f[3] + 1, f[4], "ACCOUNT", "account-id");
	else if (token_shaped(subj + f[3] + 1, f[4] - f[3] - 1))
		am_match_add(m, f[3] + 1, f[4], "LITERAL", "token-literal");
	ts = rs < m->end && subj[rs] == '/' ? rs + 1 : rs;
	te = am_find_any(subj, ts, m->end, "/:");
	typed = te < m->end;
	r = find_arn_rule(subj + f[1] + 1, f[2] - f[1] - 1, subj + ts,
	    te - ts, typed);
	if (!r)
		r = &arn_default;
	if (!r->type || (r == &arn_default && !typed))
		arn_name(subj, m, r, ts, m->end);
	else if (typed)
		arn_name(subj, m, r, te + 1, m->end);
	m->whole_prefix = r->whole ? r->whole : "ARN";
	return m->nparts > 0;
}
