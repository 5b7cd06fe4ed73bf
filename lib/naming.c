/*
 * naming.c - resource names under the AWS API's naming keys and CLI
 * flags, the evidence that picks or confirms their kind, Terraform's
 * `name` arguments and the names prose calls out.  The patterns are
 * NAME_PAT, TF_NAME_PAT and PROSE_NAME_PAT (patterns.h).
 */
#include "detect.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/*
 * Names under the AWS API's naming keys: JSON keys, key=value and YAML
 * keys, and the CLI flags.  The key (normalised: lower case, no '-' or
 * '_') picks the token prefix, so RoleName, roleName (CloudTrail),
 * role_name, ROLE_NAME and --role-name are one key.  The pattern's key
 * alternations and this table must agree; the unit tests try every key
 * in every spelling.
 *
 * Some keys are too common outside AWS to trust alone (serviceName is
 * every tracing span's, JOB_NAME every Jenkins build's): those carry
 * evidence, '|'-separated lower-case needles of which one must be near
 * (see evidence_window()).  name_prefix() picks between kinds the
 * same way, by the nearer evidence (EV_*): a GroupName beside a security
 * group's sg- ID is SG_NAME, beside an IAM group's AGPA ID or ARN
 * IAM_GROUP, else the neutral GROUP_NAME.
 */
#define NK_CTX		0x01	/* ctx must be near, or no name */
#define NK_NODOT	0x02	/* a dotted value is not one (DNS names,
				   AWS service names like ecs.amazonaws.com) */
#define NK_DOMAIN	0x04	/* OpenSearch domain: [a-z][a-z0-9-]{2,27} */
#define NK_ALIAS	0x08	/* KMS alias: alias/ kept, alias/aws/ AWS's */
#define NK_PARAM	0x10	/* SSM parameter: a leading '/' kept */
#define NK_GROUP	0x20	/* GroupName: SG_NAME, IAM_GROUP or GROUP_NAME */
#define NK_CLUSTER	0x40	/* ClusterName: EKS_CLUSTER near EKS evidence */
#define NK_SSO		0x80	/* AWS's predefined permission sets kept */
#define NK_NUM		0x100	/* a number may be one (log streams are
				   often named after a date: 20150601) */

/*
 * key is the normalised key (NULL: a flag only), flag the AWS CLI's flag
 * exactly (NULL: none).  The pattern takes any --flag VALUE, and this
 * table keeps the CLI's own: a list of fifty flags costs the pattern a
 * third of its compiled size, compiled again for every group of rows it
 * joins.
 */
struct name_rule {
	const char *key;
	const char *flag;
	const char *prefix;
	int flags;
	const char *ctx;	/* NK_CTX: evidence needed */
};

#define EV_SG	"sg-|securitygroup|security-group|ec2.amazonaws.com|aws ec2 "
#define EV_IAM	"arn:aws:iam:|iam.amazonaws.com|aws iam |agpa"
#define EV_OTHER "placement|userpoolid|user-pool-id"
#define EV_EKS	"arn:aws:eks:|eks.amazonaws.com|aws eks |nodegroup|eksctl"
#define EV_ECS	"arn:aws:ecs:|ecs.amazonaws.com|aws ecs |ecs-"

#define CTX_ECS		"arn:aws:ecs:|ecs.amazonaws.com|aws ecs "
#define CTX_JOB		"glue|arn:aws:batch:|batch.amazonaws.com|aws batch " \
	"|jobqueue|job-queue"
#define CTX_APP		"elasticbeanstalk|codedeploy|aws deploy " \
	"|deploymentgroup|deployment-group"
#define CTX_DB		"glue|athena|timestream|redshift|catalogid" \
	"|awsdatacatalog|queryexecution"
/* A DynamoDB secondary index's name; IndexName is also Glue's,
 * Kendra's, Location's. */
#define CTX_RDS		"rds.amazonaws.com|arn:aws:rds:|aws rds |secretsmanager" \
	"|dbinstanceidentifier|dbclusteridentifier|db-instance-identifier"
#define CTX_DDB		"dynamodb|globalsecondaryindex|localsecondaryindex" \
	"|keyschema|tablename|table-name|arn:aws:dynamodb:"
#define CTX_PARAM	"ssm get-parameter|ssm put-parameter" \
	"|ssm delete-parameter|ssm label-parameter"
/* SSM's own: a list of names (GetParameters' Names) or a filter on
 * Name (DescribeParameters' ParameterFilters) holds parameters. */
#define CTX_SSM		"ssm.amazonaws.com|arn:aws:ssm:|aws ssm " \
	"|getparameters|parameterfilters"

static const struct name_rule name_keys[] = {
	{ "bucket", "bucket", "BUCKET", 0, NULL },
	{ "bucketname", NULL, "BUCKET", 0, NULL },
	{ "functionname", "function-name", "LAMBDA", 0, NULL },
	{ "rolename", "role-name", "IAM_ROLE", 0, NULL },
	{ "ssorolename", NULL, "IAM_ROLE", NK_SSO, NULL },
	{ "username", "user-name", "IAM_USER", 0, NULL },
	{ "groupname", "group-name", "GROUP_NAME", NK_GROUP, NULL },
	{ "policyname", "policy-name", "IAM_POLICY", 0, NULL },
	{ "instanceprofilename", "instance-profile-name", "IAM_PROFILE", 0,
	    NULL },
	{ "rolesessionname", "role-session-name", "IAM_USER", 0, NULL },
	{ "tablename", "table-name", "DYNAMODB_TABLE", 0, NULL },
	{ "indexname", "index-name", "DYNAMODB_TABLE", NK_CTX, CTX_DDB },
	{ "queuename", "queue-name", "SQS_QUEUE", 0, NULL },
	{ "topicname", NULL, "SNS_TOPIC", 0, NULL },
	{ "stackname", "stack-name", "STACK", 0, NULL },
	{ "stacksetname", "stack-set-name", "STACK", 0, NULL },
	{ "dbinstanceidentifier", "db-instance-identifier", "RDS", 0, NULL },
	{ "dbclusteridentifier", "db-cluster-identifier", "RDS", 0, NULL },
	{ "dbsnapshotidentifier", "db-snapshot-identifier", "RDS", 0, NULL },
	{ "dbclustersnapshotidentifier", "db-cluster-snapshot-identifier",
	    "RDS", 0, NULL },
	/* default.mysql5.1 is RDS's own; an option group's own name has
	 * no dot. */
	{ "optiongroupname", "option-group-name", "RDS", NK_NODOT, NULL },
	{ "dbsubnetgroupname", "db-subnet-group-name", "SUBNET_GROUP", 0,
	    NULL },
	{ "cacheclusterid", "cache-cluster-id", "ELASTICACHE", 0, NULL },
	{ "replicationgroupid", "replication-group-id", "ELASTICACHE", 0,
	    NULL },
	{ "cachesubnetgroupname", "cache-subnet-group-name", "SUBNET_GROUP",
	    0, NULL },
	{ "clusteridentifier", "cluster-identifier", "REDSHIFT", 0, NULL },
	{ "loadbalancername", "load-balancer-name", "ELB", 0, NULL },
	{ "targetgroupname", NULL, "TARGET_GROUP", 0, NULL },
	{ "autoscalinggroupname", "auto-scaling-group-name", "ASG", 0, NULL },
	{ "launchtemplatename", "launch-template-name", "LAUNCH_TEMPLATE", 0,
	    NULL },
	{ "repositoryname", "repository-name", "ECR_REPO", 0, NULL },
	{ "loggroupname", "log-group-name", "LOG_GROUP", 0, NULL },
	{ "clustername", "cluster-name", "ECS_CLUSTER", NK_CLUSTER, NULL },
	{ "cluster", "cluster", "ECS_CLUSTER", NK_CTX | NK_CLUSTER,
	    CTX_ECS "|ecs-cli|eksctl|" EV_EKS },
	{ "nodegroupname", "nodegroup-name", "EKS_NODEGROUP", 0, NULL },
	{ "servicename", "service-name", "ECS_SERVICE", NK_CTX | NK_NODOT,
	    CTX_ECS },
	{ "service", "service", "ECS_SERVICE", NK_CTX | NK_NODOT, CTX_ECS },
	{ "keyname", "key-name", "KEY_PAIR", 0, NULL },
	{ "aliasname", "alias-name", "KMS_ALIAS", NK_ALIAS, NULL },
	{ "secretid", "secret-id", "SECRET", 0, NULL },
	{ "secretname", NULL, "SECRET", 0, NULL },
	{ NULL, "name", "PARAM", NK_CTX | NK_PARAM, CTX_PARAM },
	/* Only plural: "Names": [...] (GetParameters).  A bare "name" is
	 * everything's (split_tf_name()). */
	{ "name", NULL, "PARAM", NK_CTX | NK_PARAM, CTX_SSM },
	{ "statemachinename", NULL, "STATE_MACHINE", 0, NULL },
	{ "streamname", "stream-name", "KINESIS_STREAM", 0, NULL },
	{ "deliverystreamname", "delivery-stream-name", "FIREHOSE", 0, NULL },
	{ "rulename", "rule-name", "RULE_NAME", 0, NULL },
	{ NULL, "rule", "RULE_NAME", NK_CTX, "aws events " },
	{ "alarmname", "alarm-name", "CW_ALARM", 0, NULL },
	{ "domainname", "domain-name", "OPENSEARCH", NK_DOMAIN, NULL },
	{ "projectname", "project-name", "CODEBUILD", NK_CTX, "codebuild" },
	{ "pipelinename", "pipeline-name", "CODEPIPELINE", 0, NULL },
	{ "applicationname", "application-name", "APP_NAME", NK_CTX,
	    CTX_APP },
	{ "environmentname", "environment-name", "EB_ENV", NK_CTX,
	    "elasticbeanstalk|awseb" },
	{ "workgroup", "work-group", "ATHENA_WORKGROUP", 0, NULL },
	/* Redshift Serverless */
	{ "workgroupname", "workgroup-name", "REDSHIFT", 0, NULL },
	{ "databasename", "database-name", "DB_NAME", NK_CTX, CTX_DB },
	/* An RDS database's name: DBName, --db-name, and "dbname" in the
	 * secret Secrets Manager keeps for an RDS database. */
	{ "dbname", "db-name", "DB_NAME", NK_CTX, CTX_RDS },
	{ "crawlername", NULL, "GLUE_CRAWLER", 0, NULL },
	{ "jobname", "job-name", "JOB_NAME", NK_CTX, CTX_JOB },
	{ "s3bucket", NULL, "BUCKET", 0, NULL },
	/* Panther's and Terraform's snake case: aws_s3_bucket: NAME. */
	{ "awss3bucket", NULL, "BUCKET", 0, NULL },
	{ "s3bucketname", NULL, "BUCKET", 0, NULL },
	{ "loggroup", NULL, "LOG_GROUP", 0, NULL },
	{ "logstreamname", "log-stream-name", "RESOURCE_NAME", NK_NUM, NULL },
	{ NULL, "username", "IAM_USER", 0, NULL },
	{ "launchconfigurationname", "launch-configuration-name",
	    "RESOURCE_NAME", 0, NULL },
	{ "lifecyclehookname", "lifecycle-hook-name", "RESOURCE_NAME", 0,
	    NULL },
	{ "prefixlistname", "prefix-list-name", "RESOURCE_NAME", 0, NULL },
	{ "connectionname", "connection-name", "RESOURCE_NAME", 0, NULL },
	{ "containername", "container-name", "RESOURCE_NAME", 0, NULL },
	{ "capacityprovidername", "capacity-provider-name", "RESOURCE_NAME",
	    0, NULL },
	{ "displayname", "display-name", "RESOURCE_NAME", 0, NULL },
	{ "computername", "computer-name", "RESOURCE_NAME", 0, NULL },
	/* A Directory Service directory's short (NetBIOS) name. */
	{ "shortname", "short-name", "RESOURCE_NAME", NK_CTX,
	    "directoryid|aws ds |ds.amazonaws.com|directoryservice" },
};

#define NAME_BACK	2048	/* bytes looked back for evidence */
#define NAME_AHEAD	512	/* and ahead */

/*
 * Terraform resource types whose `name` argument is the AWS resource's
 * name, and its prefix.  Only these: `name` is also a DynamoDB
 * attribute's name, a tag's, a setting's, a variable's, and the name of
 * a package in every TOML file.
 */
struct name_key {
	const char *key;
	const char *prefix;
};

static const struct name_key tf_types[] = {
	{ "aws_iam_role", "IAM_ROLE" },
	{ "aws_iam_user", "IAM_USER" },
	{ "aws_iam_group", "IAM_GROUP" },
	{ "aws_iam_policy", "IAM_POLICY" },
	{ "aws_iam_role_policy", "IAM_POLICY" },
	{ "aws_iam_user_policy", "IAM_POLICY" },
	{ "aws_iam_group_policy", "IAM_POLICY" },
	{ "aws_iam_instance_profile", "IAM_PROFILE" },
	{ "aws_sqs_queue", "SQS_QUEUE" },
	{ "aws_sns_topic", "SNS_TOPIC" },
	{ "aws_dynamodb_table", "DYNAMODB_TABLE" },
	{ "aws_ecs_cluster", "ECS_CLUSTER" },
	{ "aws_ecs_service", "ECS_SERVICE" },
	{ "aws_eks_cluster", "EKS_CLUSTER" },
	{ "aws_lb", "ELB" },
	{ "aws_alb", "ELB" },
	{ "aws_elb", "ELB" },
	{ "aws_lb_target_group", "TARGET_GROUP" },
	{ "aws_alb_target_group", "TARGET_GROUP" },
	{ "aws_cloudwatch_log_group", "LOG_GROUP" },
	{ "aws_secretsmanager_secret", "SECRET" },
	{ "aws_ssm_parameter", "PARAM" },
	{ "aws_kms_alias", "KMS_ALIAS" },
	{ "aws_ecr_repository", "ECR_REPO" },
	{ "aws_cloudformation_stack", "STACK" },
};

#define TF_BACK 32768	/* bytes looked back for the resource block */

/*
 * The prefix for a Terraform `name` at offset at, or NULL.  The line
 * must be indented and hold nothing before `name` but a plan's + - ~
 * marker (.tfvars and TOML `name = ` lines are not indented).  The block
 * around it is found by walking back over balanced braces, at most
 * TF_BACK bytes (a longer block is missed): it must be a `resource
 * "aws_TYPE"` of a type in tf_types, so that a name in a nested block
 * (a DynamoDB attribute), a map, a locals, variable or module block, or
 * any other brace language is left alone.
 */
static const char *
tf_name_prefix(const char *subj, size_t at)
{
	size_t lo = at > TF_BACK ? at - TF_BACK : 0, ls, p, i, t;
	int depth = 0, marks = 0;
	const char *b;

	ls = am_line_start(subj, lo, at);
	if (ls == lo && lo > 0)
		return NULL;
	if (ls == at || !am_is_in(subj[ls], " \t"))
		return NULL;
	for (p = ls; p < at; p++)
		if (!am_is_in(subj[p], " \t") &&
		    (!am_is_in(subj[p], "+-~") || marks++))
			return NULL;
	for (p = ls;;) {
		const char *c = subj + p;

		if (!(b = memrchr(subj + lo, '{', p - lo)))
			return NULL;
		while ((c = memrchr(b + 1, '}', (size_t)(c - b - 1))))
			depth++;
		if (!depth)
			break;
		depth--;
		p = (size_t)(b - subj);
	}
	p = am_line_start(subj, lo, (size_t)(b - subj));
	while (am_is_in(subj[p], " \t+-~/<="))
		p++;
	if (!am_has_prefix(subj + p, (size_t)(b - subj) - p, "resource"))
		return NULL;
	for (p += 8; am_is_in(subj[p], " \t"); p++)
		;
	if (subj[p++] != '"')
		return NULL;
	for (t = p; t < (size_t)(b - subj) && subj[t] != '"'; t++)
		;
	for (i = 0; i < AM_ARRAY_SIZE(tf_types); i++)
		if (am_field_is(subj + p, t - p, tf_types[i].key))
			return tf_types[i].prefix;
	return NULL;
}

/* A Terraform name's value [s, e) as a part, less what the ARN keeps. */
static void
add_tf_name(const char *subj, struct am_match *m, size_t s, size_t e,
    const char *prefix)
{
	if (!strcmp(prefix, "LOG_GROUP"))
		s = am_log_name_start(subj, s, e);
	else if (!strcmp(prefix, "PARAM") && s < e && subj[s] == '/')
		s++;
	else if (!strcmp(prefix, "KMS_ALIAS") &&
	    am_has_prefix(subj + s, e - s, "alias/")) {
		s += 6;
		if (am_has_prefix(subj + s, e - s, "aws/"))
			return;
	}
	am_match_add(m, s, e, prefix, NULL);
}

/* name = "old" -> "new": both values. */
static int
split_tf_name(const char *subj, struct am_match *m, size_t vs)
{
	const char *prefix = tf_name_prefix(subj, m->start);
	size_t e;

	if (!prefix)
		return 0;
	e = am_find_any(subj, vs, m->end, "\"");
	add_tf_name(subj, m, vs, e, prefix);
	if (e < m->end) {
		vs = am_find_any(subj, e + 1, m->end, "\"") + 1;
		add_tf_name(subj, m, vs, m->end, prefix);
	}
	return m->nparts > 0;
}

/*
 * Where the evidence nearest to at sits, as a distance, or -1: the
 * closest occurrence in [lo, hi) of one of the '|'-separated needles,
 * matched without regard to case and at the start of a word.  One pass
 * over the window: only word starts whose byte begins some needle are
 * compared.
 */
static long
evidence(const char *subj, size_t lo, size_t hi, size_t at,
    const char *needles)
{
	unsigned char first[256] = { 0 };
	const char *n;
	long best = -1;
	size_t p;

	for (n = needles; *n; n += strcspn(n, "|"), n += *n == '|') {
		first[(unsigned char)n[0]] = 1;
		first[toupper((unsigned char)n[0])] = 1;
	}
	for (p = lo; p < hi; p++) {
		long d;

		if (!first[(unsigned char)subj[p]] ||
		    (p > 0 && isalnum((unsigned char)subj[p - 1])))
			continue;
		d = p < at ? (long)(at - p) : (long)(p - at);
		if (best >= 0 && d >= best)
			break;		/* past at: no nearer one follows */
		for (n = needles; *n; n += *n == '|') {
			size_t nl = strcspn(n, "|");

			if (p + nl <= hi && !strncasecmp(subj + p, n, nl)) {
				best = d;
				break;
			}
			n += nl;
		}
	}
	return best;
}

/* The nearer of two distances: 1, 2, or 0 for neither. */
static int
nearer(long da, long db)
{
	if (da < 0 && db < 0)
		return 0;
	return db < 0 || (da >= 0 && da <= db) ? 1 : 2;
}

/*
 * The text a name's evidence is looked for in: a flag's command line,
 * with its backslash-continued lines; a compact JSON object's line (a
 * CloudTrail event per line: the neighbours' evidence is not this
 * one's); else NAME_BACK bytes before the match and NAME_AHEAD after,
 * within its record when JSON mode marked records.
 */
static void
evidence_window(const char *subj, size_t len, const struct am_match *m,
    int flag, size_t *lo, size_t *hi)
{
	size_t floor = m->start > NAME_BACK ? m->start - NAME_BACK : 0;
	size_t ceil = len - m->end > NAME_AHEAD ? m->end + NAME_AHEAD : len;
	size_t p, ls;

	for (p = m->start; p > floor; p--)
		if (subj[p - 1] == '\n' && (!flag || p < 2 ||
		    subj[p - 2] != '\\') && (!flag || p < 3 ||
		    subj[p - 2] != '\r' || subj[p - 3] != '\\'))
			break;
	ls = p;
	for (p = m->end; p < ceil && subj[p] != '\n'; p++)
		;
	if (flag || memchr(subj + ls, '{', m->start - ls)) {
		*lo = ls;
		*hi = p;
	} else {
		/* JSON read as JSON keeps its records apart with a record
		 * separator (RS, 0x1e; jsonmode.c): evidence stays inside. */
		const char *rs = memrchr(subj + floor, 0x1e, m->start - floor);
		const char *re = memchr(subj + m->end, 0x1e, ceil - m->end);

		*lo = rs ? (size_t)(rs - subj) + 1 : floor;
		*hi = re ? (size_t)(re - subj) : ceil;
	}
}

/* The prefix of the value [vs, ve) under rule r, or NULL: not a name. */
static const char *
name_prefix(const char *subj, size_t len, const struct am_match *m,
    int flag, const struct name_rule *r, size_t vs, size_t ve)
{
	size_t lo, hi, i;

	if ((r->flags & NK_NODOT) && memchr(subj + vs, '.', ve - vs))
		return NULL;
	if (r->flags & NK_DOMAIN) {
		if (ve - vs < 3 || ve - vs > 28 || !islower((unsigned char)subj[vs]))
			return NULL;
		for (i = vs; i < ve; i++)
			if (!islower((unsigned char)subj[i]) &&
			    !isdigit((unsigned char)subj[i]) && subj[i] != '-')
				return NULL;
	}
	if (!(r->flags & (NK_CTX | NK_GROUP | NK_CLUSTER)))
		return r->prefix;
	evidence_window(subj, len, m, flag, &lo, &hi);
	if ((r->flags & NK_CTX) && evidence(subj, lo, hi, m->start, r->ctx) < 0)
		return NULL;
	if (r->flags & NK_CLUSTER)
		return nearer(evidence(subj, lo, hi, m->start, EV_EKS),
		    evidence(subj, lo, hi, m->start, EV_ECS)) == 1 ?
		    "EKS_CLUSTER" : r->prefix;
	if (r->flags & NK_GROUP) {
		long sg = evidence(subj, lo, hi, m->start, EV_SG);
		long iam = evidence(subj, lo, hi, m->start, EV_IAM);
		long other = evidence(subj, lo, hi, m->start, EV_OTHER);

		if (nearer(other, nearer(sg, iam) == 1 ? sg : iam) == 1)
			return r->prefix;
		switch (nearer(sg, iam)) {
		case 1:
			return "SG_NAME";
		case 2:
			return "IAM_GROUP";
		}
	}
	return r->prefix;
}

static void name_value(const char *subj, size_t len, struct am_match *m,
    int flag, const struct name_rule *r, size_t vs, size_t ve);

/*
 * An EC2 filter in the CLI's shorthand: Name=tag:Name,Values=a,b names
 * Name tags; Name=<a naming flag's name>,Values=a (log-group-name) names
 * what the flag does.  Any other filter (instance-state-name) is not,
 * nor a value with a wildcard (Values=web-*).
 */
static int
split_filter(const char *subj, size_t len, struct am_match *m)
{
	size_t fs = m->start + 5, fe, s, e, i;
	const struct name_rule *r = NULL;
	int tag;

	fe = am_find_any(subj, fs, m->end, ",");
	if (fe + 8 > m->end || strncasecmp(subj + fe, ",Values=", 8))
		return 0;
	tag = am_field_is(subj + fs, fe - fs, "tag:Name");
	for (i = 0; i < AM_ARRAY_SIZE(name_keys) && !tag && !r; i++)
		if (name_keys[i].flag && am_field_is(subj + fs, fe - fs,
		    name_keys[i].flag))
			r = &name_keys[i];
	if (!tag && !r)
		return 0;
	for (s = fe + 8; s < m->end; s = e + 1) {
		e = am_find_any(subj, s, m->end, ",");
		/* A wildcard (Values=Test*) is a pattern, not a name. */
		if (e < len && (subj[e] == '*' || subj[e] == '?'))
			break;
		if (!tag)
			name_value(subj, len, m, 1, r, s, e);
		else if (!am_name_placeholder(subj + s, e - s))
			am_match_add(m, s, e, "NAME_TAG", "resource-name");
	}
	return m->nparts > 0;
}

/* _CloudTrail-Digest_<region>_<trail>_<region>_<time>Z: the trail. */
static int
split_trail_digest(const char *subj, struct am_match *m)
{
	size_t s = am_find_any(subj, m->start + 19, m->end, "_") + 1;
	size_t e = m->end - 17;		/* the '_' before the time */

	while (e > s && subj[e - 1] != '_')
		e--;
	if (e <= s + 1 || am_name_placeholder(subj + s, e - 1 - s))
		return 0;
	am_match_add(m, s, e - 1, "RESOURCE_NAME", NULL);
	return 1;
}

int
am_split_name(const char *subj, size_t len, struct am_match *m)
{
	char key[40];
	size_t p = m->start, kl = 0, vs, i, n, s0, e0, val[AM_MAX_PARTS][2];
	const struct name_rule *r = NULL;
	int flag = subj[m->start] == '-', plural = 0;

	if (subj[m->start] == '_')
		return split_trail_digest(subj, m);

	if (m->end - m->start > 13 &&
	    !strncasecmp(subj + m->start, "Name=", 5) &&
	    memmem(subj + m->start, m->end - m->start, ",Values=", 8))
		return split_filter(subj, len, m);

	while (p < m->end && strchr("-\\\"'", subj[p]))
		p++;
	for (; p < m->end && (isalpha((unsigned char)subj[p]) ||
	    (kl > 0 && isdigit((unsigned char)subj[p])) ||
	    subj[p] == '-' || subj[p] == '_'); p++)
		if (subj[p] != '-' && subj[p] != '_' && kl + 1 < sizeof(key))
			key[kl++] = (char)tolower((unsigned char)subj[p]);
	key[kl] = '\0';
	if (p + 7 <= m->end && !memcmp(subj + p, "><Name>", 7))
		p += 6;		/* XML: <Bucket><Name>NAME</Name> */
	for (vs = p; vs < m->end && strchr("\\\"' \t:=|>", subj[vs]); vs++)
		;
	if (vs >= m->end)
		return 0;
	if (!flag && !strcmp(key, "name"))
		return split_tf_name(subj, m, vs);
	for (i = 0; i < AM_ARRAY_SIZE(name_keys) && !r; i++)
		if (flag ? name_keys[i].flag && am_field_is(subj + m->start + 2,
		    p - m->start - 2, name_keys[i].flag) :
		    name_keys[i].key && !strcmp(name_keys[i].key, key))
			r = &name_keys[i];
	/* A list in JSON: "TableNames": ["a", "b"] gives each its key; a
	 * plural flag (--group-names a b c) names every value after it. */
	if (!r && kl > 1 && key[kl - 1] == 's') {
		key[kl - 1] = '\0';
		for (i = 0; i < AM_ARRAY_SIZE(name_keys) && !r; i++)
			if (flag ? name_keys[i].flag && am_field_is(subj +
			    m->start + 2, p - m->start - 3, name_keys[i].flag) :
			    name_keys[i].key && !strcmp(name_keys[i].key, key))
				r = &name_keys[i];
		plural = flag;
	}
	if (!r)
		return flag && p - m->start > 4 &&
		    (am_has_prefix(subj + p - 3, 3, "-id") ||
		    am_has_prefix(subj + p - 4, 4, "-ids")) ?
		    am_split_keyed_id(subj, len, m) : 0;
	for (n = 0, s0 = vs; s0 < m->end && n < AM_MAX_PARTS; n++) {
		for (e0 = s0; e0 < m->end && !am_is_in(subj[e0], "\"' \t");
		    e0++)
			;
		val[n][0] = s0;
		val[n][1] = e0;
		if (!plural)
			break;
		for (s0 = e0; s0 < m->end && am_is_in(subj[s0], "\"' \t"); s0++)
			;
	}
	if (n < AM_MAX_PARTS && !plural)
		n++;
	m->end = val[n - 1][1];
	/* An ARN or a URL is left to its own row. */
	if (n == 1 && m->end < len && subj[m->end] == ':')
		return 0;
	for (i = 0; i < n; i++)
		name_value(subj, len, m, flag, r, val[i][0], val[i][1]);
	return m->nparts > 0;
}

/* One value [vs, ve) under rule r: a part, unless it is no name. */
static void
name_value(const char *subj, size_t len, struct am_match *m, int flag,
    const struct name_rule *r, size_t vs, size_t ve)
{
	const char *prefix;
	size_t i;

	if (am_name_placeholder(subj + vs, ve - vs) ||
	    ((!strcmp(r->prefix, "IAM_POLICY") || (r->flags & NK_SSO)) &&
	    am_name_aws_policy(subj + vs, ve - vs)))
		return;
	/* A number or a date is a value, never a name (but a log
	 * stream's: AWS's own examples name streams after the day). */
	for (i = vs; i < ve && !isalpha((unsigned char)subj[i]); i++)
		;
	if (i == ve && !(r->flags & NK_NUM))
		return;
	if (!(prefix = name_prefix(subj, len, m, flag, r, vs, ve)))
		return;
	if (!strcmp(prefix, "LOG_GROUP"))
		vs = am_log_name_start(subj, vs, ve);
	else if ((r->flags & NK_PARAM) && subj[vs] == '/')
		vs++;
	else if ((r->flags & NK_ALIAS) &&
	    am_has_prefix(subj + vs, ve - vs, "alias/")) {
		vs += 6;
		if (am_has_prefix(subj + vs, ve - vs, "aws/"))
			return;
	}
	am_match_add(m, vs, ve, prefix, NULL);
}

/*
 * Where the object or YAML list item holding the key at ks starts, at
 * most LIST_AROUND bytes back: after the nearest brace or bracket, or
 * at the line of the nearest "- " item.
 */
#define LIST_AROUND 400

static size_t
object_start(const char *subj, size_t ks)
{
	size_t lo = ks > LIST_AROUND ? ks - LIST_AROUND : 0, p = ks, ls, i;

	for (;;) {
		ls = am_line_start(subj, lo, p);
		for (i = p; i > ls; i--)
			if (am_is_in(subj[i - 1], "{}[]"))
				return i;
		for (i = ls; i < p && am_is_in(subj[i], " \t"); i++)
			;
		if (i + 1 < p && subj[i] == '-' && am_is_in(subj[i + 1], " \t"))
			return ls;
		if (ls <= lo)
			return lo;
		p = ls - 1;
	}
}

/* Where the object holding the list that ends after at ends: its '}',
 * at most LIST_AROUND bytes ahead past the list's ']'. */
static size_t
object_end(const char *subj, size_t len, size_t at, size_t *lo)
{
	size_t hi = len - at > 2 * LIST_AROUND ? at + 2 * LIST_AROUND : len;
	size_t b = am_find_any(subj, at, hi, "]");

	*lo = b < hi ? b + 1 : hi;
	return am_find_any(subj, *lo, hi, "{}");
}

int
am_name_list_item(const char *subj, size_t len, struct am_match *m,
    size_t ks, size_t ke)
{
	static const struct name_rule param = { NULL, NULL, "PARAM",
	    NK_PARAM, NULL };
	static const struct name_rule tag = { NULL, NULL, "NAME_TAG", 0,
	    NULL };
	const struct name_rule *r = NULL;
	char key[40];
	size_t kl = 0, i, lo, hi;
	int j, n0 = m->nparts;

	for (i = ks; i < ke; i++) {
		if (subj[i] == '-' || subj[i] == '_')
			continue;
		if (kl + 1 >= sizeof(key))
			return 0;
		key[kl++] = (char)tolower((unsigned char)subj[i]);
	}
	key[kl] = '\0';
	if (kl < 2 || key[kl - 1] != 's')
		return 0;
	if (!strcmp(key, "values")) {
		/* A filter on Name: {"Key": "Name", "Values": [...]}, the
		 * Key before or after.  SSM's ParameterFilters hold
		 * parameters; a tag filter's values are Name tags. */
		hi = object_end(subj, len, m->end, &lo);
		if (!am_has_name_key(subj, object_start(subj, ks), ks) &&
		    !am_has_name_key(subj, lo, hi))
			return 0;
		evidence_window(subj, len, m, 0, &lo, &hi);
		r = evidence(subj, lo, hi, m->start, CTX_SSM) >= 0 ? &param :
		    &tag;
	} else {
		key[kl - 1] = '\0';
		for (i = 0; i < AM_ARRAY_SIZE(name_keys) && !r; i++)
			if (name_keys[i].key && !strcmp(name_keys[i].key, key))
				r = &name_keys[i];
	}
	if (!r)
		return 0;
	name_value(subj, len, m, 0, r, m->start, m->end);
	for (j = n0; j < m->nparts; j++)
		m->parts[j].kind = "resource-name";
	return m->nparts > n0;
}

struct prose_noun {
	const char *noun;
	const char *prefix;
};

static const struct prose_noun prose_nouns[] = {
	{ "user", "IAM_USER" }, { "table", "DYNAMODB_TABLE" },
	{ "bucket", "BUCKET" }, { "role", "IAM_ROLE" },
	{ "function", "LAMBDA" }, { "topic", "SNS_TOPIC" },
	{ "policy", "IAM_POLICY" }, { "alias", "KMS_ALIAS" },
	{ "queue", "SQS_QUEUE" }, { "secret", "SECRET" },
	{ "stack", "STACK" }, { "repository", "ECR_REPO" },
	{ "group", "GROUP_NAME" }, { "parameter", "PARAM" },
};

int
am_split_prose_name(const char *subj, size_t len, struct am_match *m)
{
	size_t p = m->start, ne, vs, i;
	const char *prefix = "RESOURCE_NAME";

	(void)len;
	for (ne = p; ne < m->end && isalpha((unsigned char)subj[ne]); ne++)
		;
	if (ne > p && (subj[ne - 1] | 0x20) == 's' && ne - p > 4)
		ne--;		/* users, tables: the noun */
	for (i = 0; i < AM_ARRAY_SIZE(prose_nouns); i++)
		if (ne - p == strlen(prose_nouns[i].noun) &&
		    !strncasecmp(subj + p, prose_nouns[i].noun, ne - p))
			prefix = prose_nouns[i].prefix;
	for (vs = m->end; vs > m->start && !am_is_in(subj[vs - 1], "`*\"'");
	    vs--)
		;
	/* Prose is the weakest context: a file, a number, a placeholder, a
	 * short or common word (a cluster named ``prod``, a parameter
	 * named 'code') or an AWS managed policy is left alone. */
	if (vs >= m->end)
		return 0;
	/* but a log stream's: AWS's own examples name streams after the
	 * day (a log stream named ``20150601``; a stream named so may be
	 * anything's). */
	if (ne - p == 6 && !strncasecmp(subj + p, "stream", 6) &&
	    p >= 4 && !strncasecmp(subj + p - 4, "log ", 4) &&
	    m->end - vs == 8 && am_all_digits(subj + vs, 8) &&
	    subj[vs] == '2' && subj[vs + 1] == '0') {
		am_match_add(m, vs, m->end, prefix, "resource-name");
		return 1;
	}
	if (!am_name_learnable(subj + vs, m->end - vs) ||
	    am_all_digits(subj + vs, m->end - vs) ||
	    (!strcmp(prefix, "IAM_POLICY") &&
	    am_name_aws_policy(subj + vs, m->end - vs)))
		return 0;
	am_match_add(m, vs, m->end, prefix, "resource-name");
	return 1;
}
