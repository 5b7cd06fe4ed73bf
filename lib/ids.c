/*
 * ids.c - IDs by their shape: IAM unique IDs and their session names,
 * load balancer name/ID pairs, EC2-style IDs of any prefix, IDs under a
 * key or flag that says ID (and opaque IDs there), VPC endpoint DNS
 * labels, and text shaped like one of our tokens.
 */
#include "detect.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/*
 * A token, in any form awsunmask would restore: the whole of it, less
 * the hyphenated forms that awsunmask takes for part of a longer name.
 */
int
am_split_token_literal(const char *subj, size_t len, struct am_match *m)
{
	if (!am_token_tolerated(subj, len, m->start, m->end))
		return 0;
	am_match_add(m, m->start, m->end, m->kind->prefix, NULL);
	return 1;
}

/*
 * AROA...:name is a role session's principal ID (CloudTrail principalId,
 * sts get-caller-identity's UserId, aws:userid): the unique ID, then the
 * session name, a name like the one an assumed-role ARN ends with.  EC2
 * names a session after its instance: that is the instance ID.  Under
 * principalId or FederatedUserId a federated principal is an account and
 * a name: the name GetFederationToken was given, the user of the
 * federated-user ARN, masked as that ARN masks it (IAM_USER).  An AWS
 * service calling with its own credentials (0123456789:AWSCloudFormation,
 * "AWS" then a capital) keeps its name, as placeholders do.
 */
int
am_split_iam_id(const char *subj, size_t len, struct am_match *m)
{
	size_t c = am_find_any(subj, m->start, m->end, ":");
	const struct resource_id *id;

	(void)len;
	/* A federated principal (principalId "123456789012:Bob"). */
	if (am_all_digits(subj + m->start, c - m->start)) {
		const char *name = subj + c + 1;
		size_t n = c + 1 < m->end ? m->end - c - 1 : 0;

		am_match_add(m, m->start, c, "ACCOUNT", NULL);
		if (n && !am_name_placeholder(name, n) && !(n > 3 &&
		    !memcmp(name, "AWS", 3) && isupper((unsigned char)name[3])))
			am_match_add(m, c + 1, m->end, "IAM_USER", NULL);
		return 1;
	}
	am_match_add(m, m->start, c, m->kind->prefix, NULL);
	if (c + 1 < m->end) {
		if ((id = am_find_resource_id(subj + c + 1, m->end - c - 1)))
			am_match_add(m, c + 1, m->end, id->prefix, id->kind);
		else if (!am_name_placeholder(subj + c + 1, m->end - c - 1))
			am_match_add(m, c + 1, m->end, "IAM_USER", NULL);
	}
	return 1;
}

/* app/NAME/ID, net/..., gwy/..., targetgroup/NAME/ID: the name and the
 * ID, both with the load balancer's (or target group's) prefix. */
int
am_split_elb_name_id(const char *subj, size_t len, struct am_match *m)
{
	size_t s = am_find_any(subj, m->start, m->end, "/") + 1;
	size_t e = am_find_any(subj, s, m->end, "/");
	const char *prefix = subj[m->start] == 't' ? "TARGET_GROUP" : "ELB";

	(void)len;
	am_match_add(m, s, e, prefix, NULL);
	am_match_add(m, e + 1, m->end, prefix, NULL);
	return m->nparts == 2;
}

/*
 * vpce-0f89a33420c1931d7-bluzidnv.elasticloadbalancing.us-east-1.vpce.
 * amazonaws.com: the endpoint's ID, a part like the bare ID's, and the
 * label AWS made for it.
 */
int
am_split_vpce_dns(const char *subj, size_t len, struct am_match *m)
{
	(void)subj;
	(void)len;
	am_match_add(m, m->start, m->start + 22, "VPCE", "vpc-endpoint");
	am_match_add(m, m->start + 23, m->end, "VPCE", "vpc-endpoint-dns");
	return 1;
}

/*
 * API Gateway's "id" (api-gateway-id): an ID only when the object it is
 * in also has "createdDate" (REST APIs, API keys), as far as 4 KB either
 * side.  The object ends at its brace (the braces between are counted)
 * or at a blank line: JSON mode lays an object's strings out between
 * blank lines, without its braces (jsonmode.c).
 */
#define APIGW_REACH 4096

int
am_split_apigw_id(const char *subj, size_t len, struct am_match *m)
{
	size_t lo = m->start > APIGW_REACH ? m->start - APIGW_REACH : 0;
	size_t hi = len - m->end > APIGW_REACH ? m->end + APIGW_REACH : len;
	size_t o = m->start, c = m->end;
	int depth = 0;

	for (; o > lo; o--) {
		char b = subj[o - 1];

		if (b == '}')
			depth++;
		else if (b == '{' && depth-- == 0)
			break;
		else if (b == '\n' && o >= 2 && (subj[o - 2] == '\n' ||
		    subj[o - 2] == '\x1e'))
			break;
	}
	for (depth = 0; c < hi; c++) {
		if (subj[c] == '{')
			depth++;
		else if (subj[c] == '}' && depth-- == 0)
			break;
		else if (subj[c] == '\n' && c + 1 < hi &&
		    (subj[c + 1] == '\n' || subj[c + 1] == '\x1e'))
			break;
	}
	if (!memmem(subj + o, c - o, "createdDate", 11))
		return 0;
	am_match_add(m, m->start, m->end, "API_GW", NULL);
	return 1;
}

/*
 * An ID of a prefix some row above knows is that row's, also when
 * --types or --exclude-types turned the row off.  Security Hub names the
 * AWS Config rules it creates for its controls securityhub-<control>-
 * <suffix> (securityhub-lambda-inside-vpc-0e904a3b): AWS's names, not
 * an EC2-style ID.
 */
int
am_split_aws_id(const char *subj, size_t len, struct am_match *m)
{
	(void)len;
	if (am_find_resource_id(subj + m->start, m->end - m->start) ||
	    am_has_prefix(subj + m->start, m->end - m->start, "securityhub-"))
		return 0;
	am_match_add(m, m->start, m->end, "AWS_ID", NULL);
	return 1;
}

/*
 * A resource ID with Markdown's escaped hyphens (eni\-1235b8ca123456789):
 * read without the backslashes, it must be an ID of a known prefix,
 * with the full tail of its kind (8 or 17 hex digits); masked whole
 * under that kind's prefix, so that the round trip gives back the
 * escaped bytes.
 */
int
am_split_escaped_id(const char *subj, size_t len, struct am_match *m)
{
	const struct resource_id *r;
	char id[48];
	size_t i, n = 0, tail;

	(void)len;
	for (i = m->start; i < m->end && n < sizeof(id); i++)
		if (subj[i] != '\\')
			id[n++] = subj[i];
	if (i < m->end || (r = am_find_resource_id(id, n)) == NULL)
		return 0;
	tail = n - strlen(r->lit);
	if (tail != r->min && tail != r->max)
		return 0;
	am_match_add(m, m->start, m->end, r->prefix, r->kind);
	return 1;
}

/*
 * A value under a key that names its kind (kind-keyed-id): the key, read
 * back from the value without case, '_' or '-', must name the kind of
 * the value's prefix.
 */
int
am_split_kind_keyed_id(const char *subj, size_t len, struct am_match *m)
{
	static const struct {
		const char *key, *lit;
	} kinds[] = {
		{ "instance", "i-" }, { "volume", "vol-" }, { "vpc", "vpc-" },
		{ "subnet", "subnet-" }, { "snapshot", "snap-" },
		{ "image", "ami-" }, { "ami", "ami-" }, { "eni", "eni-" },
		{ "networkinterface", "eni-" }, { "securitygroup", "sg-" },
	};
	char key[24];
	size_t p = m->start, kl = 0, i, j;

	(void)len;
	while (p > 0 && m->start - p < 8 && am_is_in(subj[p - 1], "\\\"' \t:="))
		p--;
	while (p > 0 && kl < sizeof(key) &&
	    (isalpha((unsigned char)subj[p - 1]) || am_is_in(subj[p - 1], "_-"))) {
		if (isalpha((unsigned char)subj[p - 1]))
			key[kl++] = (char)tolower((unsigned char)subj[p - 1]);
		p--;
	}
	for (i = 0; i < AM_ARRAY_SIZE(kinds); i++) {
		size_t l = strlen(kinds[i].key);

		if (l != kl)
			continue;
		for (j = 0; j < l && kinds[i].key[j] == key[kl - 1 - j]; j++)
			;
		if (j < l || !am_has_prefix(subj + m->start,
		    m->end - m->start, kinds[i].lit))
			continue;
		for (j = 0; j < am_nresource_ids; j++)
			if (!strcmp(am_resource_ids[j].lit, kinds[i].lit)) {
				am_match_add(m, m->start, m->end,
				    am_resource_ids[j].prefix,
				    am_resource_ids[j].kind);
				return 1;
			}
	}
	return 0;
}

/* Does [p, p+n) hold a digit? */
static int
has_digit(const char *p, size_t n)
{
	while (n--)
		if (isdigit((unsigned char)*p++))
			return 1;
	return 0;
}

/*
 * Opaque IDs (issue #13).  Under a key that says it holds an ID, a value
 * no prefix explains is still an identifier when it is opaque: 6 to 128
 * letters, digits, '-' and '_', a letter and a digit among them
 * (GuardDuty's DetectorId, DynamoDB's TableId, CloudFormation's
 * PhysicalResourceId, API Gateway's apiId, Session Manager's SessionId):
 * RESOURCE_ID, or AWS_ID when it has the shape of an EC2-style ID of a
 * prefix no row knows (vpc-cidr-assoc-062c64cfafEXAMPLE).  Not:
 *
 *  - under bare "id" (API examples' slugs, records of every kind), nor
 *    under a key whose last word before "Id" names something transient
 *    (KINDS.md): requests, events, messages, traces, versions, tool
 *    uses and files of an API call (tool_use_id, file_id), ... --
 *    a request ID points at no lasting resource, and masking the
 *    hundreds of them in a CloudTrail log would cost readability for
 *    nothing; nor under CloudFormation's logical IDs (the template's
 *    own names), nor under CanonicalHostedZoneId (the zone AWS keeps
 *    for a load balancer's or a distribution's Region, not the
 *    customer's);
 *  - under the keys other rows read (accounts, owners, users,
 *    principals): their rows decide, and a user_id outside AWS is an
 *    application's;
 *  - a value another row knows by its shape (an IAM unique ID, a Cognito
 *    user pool, ip-10-0-0-1): refused, so that the scan finds it there;
 *  - AWS constants that hold digits (regions, zones, zone IDs such as
 *    use1-az2), placeholders, numbers, dates and versions;
 *  - a value that runs on as an ARN, a path, a host name or a Terraform
 *    reference (vpc_id = aws_vpc.main.id).
 */
static const char *const id_key_not[] = {
	"account", "activity", "audit", "build", "call", "change", "command",
	"commit", "container", "correlation", "device", "event", "execution",
	"file", "finding", "image", "insight", "invalidation", "invocation",
	"material", "message", "msg", "nonce", "offering", "operation",
	"owner", "parent", "policy", "principal", "process", "product",
	"query", "record", "req", "request", "revision", "row", "run",
	"runtime", "sequence", "shard", "source", "span", "thread", "trace",
	"transaction", "type", "upload", "use", "user",
};

/*
 * May the key [k, k+n) (VpcId, backup_job_id, detector-ids) hold an
 * opaque ID?  Its last word before Id decides: "IAMCertificateId" ->
 * certificate, "configRuleId" -> rule, "p_row_id" -> row.  0: no; 1:
 * yes; 2: an STS external ID (ExternalId, --external-id), a secret the
 * role's owner shares with a third party: any value is one, digits too;
 * 3: yes, and the word is a known kind's own prefix (VpcId: vpc-), so
 * that six to twenty digits there are an ID too.
 */
static int
opaque_id_key(const char *k, size_t n)
{
	char w[32];
	size_t e = n, i, j;

	if (e > 1 && k[e - 1] == 's' && (k[e - 2] == 'd' || k[e - 2] == 'D'))
		e--;			/* --instance-ids, "SubnetIds" */
	if (e < 2 || (k[e - 1] != 'd' && k[e - 1] != 'D'))
		return 0;
	e -= 2;
	if (e > 0 && (k[e - 1] == 'u' || k[e - 1] == 'U') &&
	    e > 1 && (k[e - 2] == '_' || k[e - 2] == '-'))
		e--;			/* instance_uid */
	while (e > 0 && (k[e - 1] == '_' || k[e - 1] == '-'))
		e--;
	if (e == 0)
		return 0;		/* bare id */
	if (e >= 7 && !strncasecmp(k, "logical", 7))
		return 0;		/* LogicalResourceId */
	if (e >= 9 && !strncasecmp(k, "canonical", 9))
		return 0;		/* CanonicalHostedZoneId: AWS's zone */
	i = e;
	if (am_find_any(k, 0, e, "_-") < e) {
		while (i > 0 && k[i - 1] != '_' && k[i - 1] != '-')
			i--;
	} else if (isupper((unsigned char)k[e - 1])) {
		while (i > 0 && isupper((unsigned char)k[i - 1]))
			i--;		/* HostVPCId: VPC */
	} else {
		while (i > 0 && !isupper((unsigned char)k[i - 1]))
			i--;
		if (i > 0)
			i--;		/* its capital */
	}
	if (e - i >= sizeof(w))
		return 1;
	for (j = 0; i < e; i++, j++)
		w[j] = (char)tolower((unsigned char)k[i]);
	w[j] = '\0';
	for (i = 0; i < AM_ARRAY_SIZE(id_key_not); i++)
		if (!strcmp(w, id_key_not[i]))
			return 0;
	if (!strcmp(w, "external"))
		return 2;
	/* The word is a kind's own prefix (VpcId, SubnetId): 3. */
	if (j + 2 > sizeof(w))
		return 1;
	w[j] = '-';
	w[j + 1] = '\0';
	for (i = 0; i < am_nresource_ids; i++)
		if (!strcmp(w, am_resource_ids[i].lit))
			return 3;
	return 1;
}

/* The length of the AWS region at p ("us-gov-west-1"), or 0. */
static size_t
region_len(const char *p, size_t n)
{
	size_t i = 0, l;

	if (n < 9 || !islower((unsigned char)p[0]) ||
	    !islower((unsigned char)p[1]) || p[2] != '-')
		return 0;
	i = 3;
	if (n > i + 4 && !memcmp(p + i, "gov-", 4))
		i += 4;
	else if (n > i + 4 && !memcmp(p + i, "iso", 3)) {
		i += 3;
		if (i < n && islower((unsigned char)p[i]))
			i++;
		if (i >= n || p[i++] != '-')
			return 0;
	}
	for (l = 0; i < n && islower((unsigned char)p[i]); i++, l++)
		;
	if (l < 2 || l > 12 || i >= n || p[i++] != '-')
		return 0;
	for (l = 0; i < n && isdigit((unsigned char)p[i]) && l < 2; i++, l++)
		;
	return l ? i : 0;
}

/* An EC2-style ID of any prefix: lower-case words, each starting with
 * a letter, '-', then 17 letters or digits with a digit, 8 hex digits
 * with a digit and a letter, or hex and EXAMPLE
 * (tgw-mcast-domain-0c9e29e2a7EXAMPLE). */
static int
ec2_style_id(const char *p, size_t n)
{
	size_t t = n, i, tl, hex = 0, dig = 0;

	while (t > 0 && p[t - 1] != '-')
		t--;
	if (t < 2)
		return 0;
	for (i = 0; i < t; i++)
		if ((!islower((unsigned char)p[i]) &&
		    !isdigit((unsigned char)p[i]) && p[i] != '-') ||
		    ((i == 0 || p[i - 1] == '-') && !islower((unsigned char)p[i])))
			return 0;	/* each word starts with a letter */
	tl = n - t;
	if (tl > 7 && (!memcmp(p + n - 7, "EXAMPLE", 7) ||
	    !memcmp(p + n - 7, "example", 7)))
		tl -= 7;
	for (i = t; i < t + tl; i++) {
		hex += isxdigit((unsigned char)p[i]) &&
		    !isupper((unsigned char)p[i]);
		dig += isdigit((unsigned char)p[i]) != 0;
	}
	if (tl < n - t)		/* EXAMPLE */
		return hex == tl && tl >= 1 && tl <= 10;
	if (tl == 17) {
		for (i = t; i < n; i++)
			if (!islower((unsigned char)p[i]) &&
			    !isdigit((unsigned char)p[i]))
				return 0;
		return dig > 0;
	}
	return tl == 8 && hex == 8 && dig > 0 && dig < 8;
}

/* An IAM unique ID or access key ID as its rows find them bare. */
static int
iam_shaped(const char *p, size_t n)
{
	static const char *const ids[] = { "ROA", "IDA", "IPA", "NPA", "NVA",
	    "PKA", "GPA", "BIA", "CCA", "SCA", "AGA" };
	size_t i;

	if ((n != 20 && n != 21) || p[0] != 'A')
		return 0;
	for (i = 1; i < n; i++)
		if (!isupper((unsigned char)p[i]) &&
		    !isdigit((unsigned char)p[i]))
			return 0;
	if (n == 20 && (!memcmp(p + 1, "KIA", 3) || !memcmp(p + 1, "SIA", 3)))
		return 1;
	for (i = 0; i < AM_ARRAY_SIZE(ids); i++)
		if (!memcmp(p + 1, ids[i], 3))
			return 1;
	return 0;
}

/* The prefix of an opaque ID at [s, e) under an ID key (how: what
 * opaque_id_key() said of it), or NULL. */
static const char *
opaque_id_prefix(const char *subj, size_t len, size_t s, size_t e, int how)
{
	const char *p = subj + s;
	size_t n = e - s, i, alpha = 0, digit = 0, r;

	if (how == 2 && n >= 4 && n <= 128 && !am_name_placeholder(p, n) &&
	    am_find_any(p, 0, n, ".:/@+=") == n &&
	    (e + 1 >= len || !am_is_in(subj[e], ".:/@+=") ||
	    !isalnum((unsigned char)subj[e + 1])))
		return "RESOURCE_ID";
	if (n < 6 || n > 128)
		return NULL;
	/* Digits alone under a key named after a kind with its own prefix
	 * (<VpcId>990524496922</VpcId>, as older RDS responses wrote a
	 * VPC): what the key says, not a number. */
	if (how == 3 && n <= 20 && am_all_digits(p, n) &&
	    (e + 1 >= len || !am_is_in(subj[e], ".:/@+=") ||
	    !isalnum((unsigned char)subj[e + 1])))
		return "RESOURCE_ID";
	for (i = 0; i < n; i++) {
		if (isdigit((unsigned char)p[i]))
			digit++;
		else if (isalpha((unsigned char)p[i]))
			alpha++;
		else if (p[i] != '-' && p[i] != '_')
			return NULL;
	}
	if (!alpha || !digit || am_name_placeholder(p, n))
		return NULL;
	/* It runs on: an ARN, a path, a host, an e-mail, a reference. */
	if (e + 1 < len && am_is_in(subj[e], ".:/@+=") &&
	    isalnum((unsigned char)subj[e + 1]))
		return NULL;
	/* Constants: a region or zone (us-east-1a), a zone ID (use1-az2),
	 * a version (v1-2-0), a date (2024-01-15T10, 20240115T103000Z). */
	r = region_len(p, n);
	if (r && (r == n || (r + 1 == n && islower((unsigned char)p[r]))))
		return NULL;
	for (i = 0; i < n && islower((unsigned char)p[i]); i++)
		;
	if (i >= 3 && i <= 5 && i + 1 < n && isdigit((unsigned char)p[i]) &&
	    (r = i + 1 + (i + 2 < n && isdigit((unsigned char)p[i + 1]))) &&
	    n > r + 3 && !memcmp(p + r, "-az", 3) && am_all_digits(p + r + 3,
	    n - r - 3))
		return NULL;
	if ((p[0] == 'v' || p[0] == 'V') && alpha == 1)
		return NULL;
	if (n >= 10 && am_all_digits(p, 4) && ((p[4] == '-' &&
	    am_all_digits(p + 5, 2) && p[7] == '-' && am_all_digits(p + 8, 2)) ||
	    (am_all_digits(p, 8) && p[8] == 'T')))
		return NULL;
	/* Known to another row by its shape: let it have it. */
	r = region_len(p, n);
	if (r && r < n && p[r] == '_')
		return NULL;		/* Cognito user pool */
	if (am_has_prefix(p, n, "ip-")) {
		for (i = 3; i < n && (isdigit((unsigned char)p[i]) ||
		    p[i] == '-'); i++)
			;
		if (i == n)
			return NULL;	/* ip-10-0-0-1 */
	}
	if (iam_shaped(p, n))
		return NULL;
	return ec2_style_id(p, n) ? "AWS_ID" : "RESOURCE_ID";
}

/* The row of the known prefix that [s, e) is an ID of, under an ID
 * key, or NULL. */
static const struct resource_id *
keyed_known_id(const char *subj, size_t s, size_t e)
{
	const struct resource_id *r;
	size_t i, l, t;

	for (i = 0; i < am_nresource_ids; i++) {
		r = &am_resource_ids[i];
		l = strlen(r->lit);
		if (e - s > l && !memcmp(subj + s, r->lit, l))
			break;
	}
	if (i == am_nresource_ids)
		return NULL;
	t = e - s - l;
	if (strchr(r->chars, '-'))	/* a UUID: its hyphens are its own */
		return t >= r->min && t <= r->max + 7 ? r : NULL;
	if (t < 3 || t > 24 || am_find_any(subj, s + l, e, "-") < e)
		return NULL;
	if (has_digit(subj + s + l, t) || (t > 7 &&
	    (!memcmp(subj + e - 7, "EXAMPLE", 7) ||
	    !memcmp(subj + e - 7, "example", 7))))
		return r;
	return NULL;
}

/* The value [s, e) under an ID key (opaque: what opaque_id_key() said
 * of the key): a part of m, or nothing. */
static void
keyed_value(const char *subj, size_t len, struct am_match *m, size_t s,
    size_t e, int opaque)
{
	const struct resource_id *id, *r;
	const char *prefix;

	/* A KMS key by its alias: the alias's name. */
	if (am_has_prefix(subj + s, e - s, "alias/")) {
		if (e > s + 6 && !am_has_prefix(subj + s + 6,
		    len - s - 6, "aws/") &&
		    !am_name_placeholder(subj + s + 6, e - s - 6))
			am_match_add(m, s + 6, e, "KMS_ALIAS", NULL);
	} else if ((id = am_find_resource_id(subj + s, e - s)) &&
	    !strchr(id->chars, 'g'))
		am_match_add(m, s, e, id->prefix, id->kind);
	else if ((r = keyed_known_id(subj, s, e)))
		am_match_add(m, s, e, r->prefix, r->kind);
	else if (opaque &&
	    (prefix = opaque_id_prefix(subj, len, s, e, opaque)))
		am_match_add(m, s, e, prefix, *prefix == 'R' ?
		    "resource-id" : "aws-id");
}

/*
 * An element of a list of IDs laid out over several lines, one a line
 * (keyed-id-item): a JSON array's ("SubnetIds": [\n "a",\n "b"\n]) or
 * a YAML list's (SubnetIds:\n  - a\n  - b).  Walk back over the elements
 * before it, at most ITEM_BACK bytes, to the key: an ID key, as for
 * keyed-id.  A JSON element on the '[' line is keyed-id's.
 */
#define ITEM_BACK 4096

static size_t
space_back(const char *subj, size_t lo, size_t p)
{
	while (p > lo && am_is_in(subj[p - 1], " \t\r\n"))
		p--;
	return p;
}

/* The key of the JSON array whose element starts at b (its quote), or
 * 0; the key is [*ks, *ke). */
static int
json_item_key(const char *subj, size_t lo, size_t b, size_t *ks,
    size_t *ke)
{
	size_t p = b, q;
	int lines = 0;

	for (;;) {
		q = space_back(subj, lo, p);
		lines |= memchr(subj + q, '\n', p - q) != NULL;
		p = q;
		if (p == lo)
			return 0;
		if (subj[p - 1] == '[')
			break;
		if (subj[p - 1] != ',')
			return 0;
		p = space_back(subj, lo, p - 1);
		if (p == lo || subj[p - 1] != '"')
			return 0;
		for (p--; p > lo && subj[p - 1] != '"' && subj[p - 1] != '\n';
		    p--)
			;
		if (p == lo || subj[p - 1] != '"')
			return 0;
		p--;
		if (p > lo && subj[p - 1] == '\\')
			p--;
	}
	if (!lines)
		return 0;		/* on the '[' line: keyed-id's */
	p = space_back(subj, lo, p - 1);
	if (p == lo || subj[p - 1] != ':')
		return 0;
	p = space_back(subj, lo, p - 1);
	if (p > lo && subj[p - 1] == '"')
		p--;
	if (p > lo && subj[p - 1] == '\\')
		p--;
	*ke = p;
	while (p > lo && (isalnum((unsigned char)subj[p - 1]) ||
	    subj[p - 1] == '_' || subj[p - 1] == '-'))
		p--;
	*ks = p;
	return *ke > *ks;
}

/* The key of the YAML list whose item's dash is at d, or 0. */
static int
yaml_item_key(const char *subj, size_t lo, size_t d, size_t *ks,
    size_t *ke)
{
	size_t ls = am_line_start(subj, lo, d), dash = d - ls, l, i, e;

	for (i = ls; i < d; i++)
		if (subj[i] != ' ' && subj[i] != '\t')
			return 0;
	while (ls > lo) {
		l = am_line_start(subj, lo, ls - 1);
		for (i = l; i < ls && am_is_in(subj[i], " \t"); i++)
			;
		e = am_find_any(subj, i, ls, "\r\n");
		ls = l;
		if (e == i)
			continue;		/* a blank line */
		if (i - l == dash && subj[i] == '-')
			continue;		/* an item before */
		if (i - l > dash)
			return 0;
		e = space_back(subj, i, e);
		if (e == i || subj[e - 1] != ':')
			return 0;		/* not "key:" alone */
		*ks = i;
		*ke = e - 1;
		return *ke > *ks;
	}
	return 0;
}

/* An ID's shape in a list (KEYED_ID_VALUE): (alias/)? then a letter or
 * digit and 2 to 127 of [A-Za-z0-9_-].  The row also takes the names of
 * am_name_list_item(), a wider shape. */
static int
id_item(const char *p, size_t n)
{
	size_t i;

	if (am_has_prefix(p, n, "alias/")) {
		p += 6;
		n -= 6;
	}
	if (n < 3 || n > 128 || !isalnum((unsigned char)p[0]))
		return 0;
	for (i = 1; i < n; i++)
		if (!isalnum((unsigned char)p[i]) && p[i] != '_' && p[i] != '-')
			return 0;
	return 1;
}

int
am_split_keyed_item(const char *subj, size_t len, struct am_match *m)
{
	size_t lo = m->start > ITEM_BACK ? m->start - ITEM_BACK : 0;
	size_t b = m->start, ks, ke;
	int opaque, ok;

	while (b > lo && am_is_in(subj[b - 1], "\"\\"))
		b--;
	if (b < m->start) {
		ok = json_item_key(subj, lo, b, &ks, &ke);
		if (!ok) {
			b = space_back(subj, lo, b);
			ok = b > lo && subj[b - 1] == '-' &&
			    yaml_item_key(subj, lo, b - 1, &ks, &ke);
		}
	} else {
		b = space_back(subj, lo, b);
		ok = b > lo && subj[b - 1] == '-' &&
		    yaml_item_key(subj, lo, b - 1, &ks, &ke);
	}
	if (!ok)
		return 0;
	if (!(opaque = opaque_id_key(subj + ks, ke - ks)))
		return am_name_list_item(subj, len, m, ks, ke);
	if (!id_item(subj + m->start, m->end - m->start))
		return 0;
	keyed_value(subj, len, m, m->start, m->end, opaque);
	return m->nparts > 0;
}

int
am_split_keyed_id(const char *subj, size_t len, struct am_match *m)
{
	size_t p = m->start, ks, ke, s, e;
	const char *sep = "\\\"' \t";
	int plural, opaque;

	/* The key, and past it: the first value starts after its
	 * separator. */
	if (am_has_prefix(subj + p, m->end - p, "Name=")) {
		ks = p + 5;
		ke = am_find_any(subj, ks, m->end, ",");
		p = ke + 8;		/* ,Values= */
		plural = 1;
		sep = ",";
	} else if (subj[p] == '-') {
		ks = p + 2;
		ke = e = am_find_any(subj, p, m->end, " \t=");
		plural = subj[e - 1] == 's';
		p = e;
	} else {
		plural = 0;
		for (ks = p; ks < m->end && am_is_in(subj[ks], "\\\"'<"); ks++)
			;
		for (ke = ks; ke < m->end && (isalnum((unsigned char)subj[ke]) ||
		    subj[ke] == '_'); ke++)
			;
		p = am_find_any(subj, p + 1, m->end, ":=>");
		for (s = p + 1; s < m->end && am_is_in(subj[s], " \t"); s++)
			;
		if (s < m->end && subj[s] == '[') {
			plural = 1;	/* "DetectorIds": ["a", "b"] */
			sep = "\\\"' \t,[";
		}
	}
	opaque = opaque_id_key(subj + ks, ke - ks);
	while (p < m->end && m->nparts < AM_MAX_PARTS) {
		while (p < m->end && (am_is_in(subj[p], ":=>\\\"' \t") ||
		    am_is_in(subj[p], sep)))
			p++;
		s = p;
		while (p < m->end && !am_is_in(subj[p], sep))
			p++;
		e = p;
		keyed_value(subj, len, m, s, e, opaque);
		if (!plural)
			break;
	}
	if (!m->nparts)
		return 0;
	m->end = m->parts[m->nparts - 1].end;
	return 1;
}
