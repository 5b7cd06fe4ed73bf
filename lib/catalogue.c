/*
 * catalogue.c - every identifier kind awsmask knows: one row of data each
 * (name, token prefix, PCRE2 pattern, splitter), and the splitters that
 * validate structured matches and cut them into identifying parts.
 *
 * How the scanner uses the rows (scanner.c): every enabled pattern is
 * wrapped as (?:P)(*MARK:i) and all are joined by '|' into one pattern,
 * compiled without PCRE2_UTF.  At one start position the earliest row
 * that matches wins, so longer and structured forms come before the
 * pieces they contain: ARNs, URLs and hostnames before bare IDs and IP
 * addresses, eni-attach- before eni-, vpce-svc- before vpce-,
 * tgw-attach- and tgw-rtb- before tgw-, the EC2 host names before the
 * bare ip-a-b-c-d label and the instance ID.  A splitter that rejects a
 * match makes the scanner resume one byte later, so no row may rely on a
 * later row matching at the same start.
 *
 * Needles: a row that names literals (every match holds one of them) is
 * skipped in a block without any; the scanner keeps eight at most, so
 * rows share them ("amazonaws").  Rows whose context is matched without
 * regard to case name none: memmem() is not caseless.
 *
 * Rules every pattern keeps: non-capturing groups only, no
 * backreferences, fixed-length lookbehinds, no newline ever matched
 * ([ \t] instead of \s), every quantifier bounded so that no match is
 * longer than AM_MAX_MATCH.  Context that must be present but not
 * replaced sits before \K.
 */
#include "internal.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>

/* Boundaries.  An ID may not be glued to a word on its left (not even by
 * '-': the vpc-a in transit-gateway-vpc-attachment), nor continue as a
 * word on its right; a trailing '-' or '.' is fine (vpce DNS names,
 * hostnames). */
#define BL	"(?<![A-Za-z0-9_-])"
#define BR	"(?![A-Za-z0-9_])"
/* Hostnames: no label glued on the left, none continuing on the right. */
#define HL	"(?<![A-Za-z0-9_.-])"
#define HR	"(?![A-Za-z0-9_-]|\\.[A-Za-z0-9])"
/* Eight hex digits, at least one of them a digit so that no English word
 * qualifies (i-deadbeef), or seventeen. */
/* A resource ID may touch an '_' (backup_i-0abc..._2026.tar): snake_case
 * around an ID does not make it less of one. */
#define IDR	"(?![A-Za-z0-9])"
#define HEX	"(?:[0-9a-f]{17}|(?=[a-f]{0,7}[0-9])[0-9a-f]{8})" IDR
#define HEX17	"[0-9a-f]{17}" IDR
#define UUID	"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
#define REGION	"[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]{2,12}-[0-9]{1,2}"
#define AWSCOM	"\\.amazonaws\\.com(?:\\.cn)?"
/* What joins a key and its value: JSON's and YAML's ':', '=', an XML
 * element's '>', and the quotes around either. */
#define KEY_SEP "\\\\?[\"']?(?:>|[ \\t]*[:=][ \\t]*\\\\?[\"']?)"
/* JSON quote, also when the JSON sits escaped inside a JSON string. */
#define Q	"\\\\?\""
/* An S3 bucket (legacy names allowed upper case and '_').  URLs stop at
 * the bucket: the object key is kept, and scanned like any text. */
#define BUCKET	"[A-Za-z0-9][A-Za-z0-9._-]{1,61}[A-Za-z0-9](?![A-Za-z0-9_-])"

/*
 * Resource IDs: name, token prefix, literal prefix, pattern of the rest,
 * the characters and lengths the rest may have (for splitters that meet
 * the same ID inside an ARN or a hostname), description.  Longer literal
 * prefixes that extend a shorter one come first.
 */
#define T_HEX		"0123456789abcdef", 8, 17
#define T_HEX17		"0123456789abcdef", 17, 17
#define T_HEXUUID	"0123456789abcdef-", 8, 36
#define T_UUID		"0123456789abcdef-", 36, 36
#define T_ALNUM		"0123456789abcdefghijklmnopqrstuvwxyz", 8, 8
#define T_ORG		"0123456789abcdefghijklmnopqrstuvwxyz", 10, 32
#define T_OU		"0123456789abcdefghijklmnopqrstuvwxyz-", 13, 65
#define T_UPPER		"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", 12, 26
#define T_DIR		"0123456789abcdef", 10, 10

#define RESOURCE_IDS(X) \
X("ec2-instance", "EC2", "i-", HEX, T_HEX, "EC2 instance ID") \
X("ebs-volume", "EBS_VOL", "vol-", HEX, T_HEX, "EBS volume ID") \
X("ebs-snapshot", "SNAPSHOT", "snap-", HEX, T_HEX, "EBS snapshot ID") \
X("ami", "AMI", "ami-", HEX, T_HEX, "machine image ID") \
X("security-group-rule", "SG_RULE", "sgr-", HEX17, T_HEX17, \
    "security group rule ID") \
X("security-group", "SG", "sg-", HEX, T_HEX, "security group ID") \
X("subnet", "SUBNET", "subnet-", HEX, T_HEX, "subnet ID") \
X("vpc-endpoint-service", "VPCE", "vpce-svc-", HEX17, T_HEX17, \
    "VPC endpoint service ID") \
X("vpc-endpoint", "VPCE", "vpce-", HEX, T_HEX, "VPC endpoint ID") \
X("vpc", "VPC", "vpc-", HEX, T_HEX, "VPC ID") \
X("eni-attachment", "ENI", "eni-attach-", HEX, T_HEX, \
    "network interface attachment ID") \
X("eni", "ENI", "eni-", HEX, T_HEX, "network interface ID") \
X("egress-only-igw", "IGW", "eigw-", HEX, T_HEX, \
    "egress-only internet gateway ID") \
X("internet-gateway", "IGW", "igw-", HEX, T_HEX, "internet gateway ID") \
X("nat-gateway", "NAT_GW", "nat-", HEX, T_HEX, "NAT gateway ID") \
X("route-table-assoc", "RTB", "rtbassoc-", HEX, T_HEX, \
    "route table association ID") \
X("route-table", "RTB", "rtb-", HEX, T_HEX, "route table ID") \
X("network-acl-assoc", "NACL", "aclassoc-", HEX, T_HEX, \
    "network ACL association ID") \
X("network-acl", "NACL", "acl-", HEX, T_HEX, "network ACL ID") \
X("eip-allocation", "EIP", "eipalloc-", HEX, T_HEX, \
    "Elastic IP allocation ID") \
X("eip-association", "EIP", "eipassoc-", HEX, T_HEX, \
    "Elastic IP association ID") \
X("tgw-attachment", "TGW", "tgw-attach-", HEX17, T_HEX17, \
    "transit gateway attachment ID") \
X("tgw-route-table", "TGW", "tgw-rtb-", HEX17, T_HEX17, \
    "transit gateway route table ID") \
X("transit-gateway", "TGW", "tgw-", HEX17, T_HEX17, "transit gateway ID") \
X("vpc-peering", "PCX", "pcx-", HEX, T_HEX, "VPC peering connection ID") \
X("launch-template", "LT", "lt-", HEX17, T_HEX17, "launch template ID") \
X("dhcp-options", "DOPT", "dopt-", HEX, T_HEX, "DHCP options set ID") \
X("key-pair", "KEY_PAIR", "key-", HEX17, T_HEX17, "EC2 key pair ID") \
X("prefix-list", "PL", "pl-", HEX, T_HEX, "prefix list ID") \
X("customer-gateway", "VPN", "cgw-", HEX, T_HEX, "customer gateway ID") \
X("vpn-gateway", "VPN", "vgw-", HEX, T_HEX, "virtual private gateway ID") \
X("vpn-connection", "VPN", "vpn-", HEX, T_HEX, "VPN connection ID") \
X("reservation", "RESERVATION", "r-", HEX, T_HEX, "EC2 reservation ID") \
X("spot-request", "SPOT", "sir-", "(?=[a-z]{0,7}[0-9])[0-9a-z]{8}" BR, \
    T_ALNUM, "Spot Instance request ID") \
X("spot-fleet-request", "SPOT", "sfr-", UUID BR, T_UUID, \
    "Spot Fleet request ID") \
X("fleet", "FLEET", "fleet-", "(?:" UUID BR "|" HEX ")", T_HEXUUID, \
    "EC2 Fleet ID") \
X("efs-mount-target", "EFS", "fsmt-", HEX, T_HEX, "EFS mount target ID") \
X("efs-access-point", "EFS", "fsap-", HEX, T_HEX, "EFS access point ID") \
X("efs-filesystem", "EFS", "fs-", HEX, T_HEX, "EFS or FSx file system ID") \
X("client-vpn-endpoint", "CVPN", "cvpn-endpoint-", HEX17, T_HEX17, \
    "Client VPN endpoint ID") \
X("ipam-pool", "IPAM", "ipam-pool-", HEX17, T_HEX17, "IPAM pool ID") \
X("ipam", "IPAM", "ipam-", HEX17, T_HEX17, "IPAM ID") \
X("dedicated-host", "HOST_ID", "h-", HEX17, T_HEX17, "dedicated host ID") \
X("flow-log", "FLOW_LOG", "fl-", HEX, T_HEX, "VPC flow log ID") \
X("capacity-reservation", "CAPACITY_RES", "cr-", HEX17, T_HEX17, \
    "capacity reservation ID") \
X("ssm-managed-instance", "SSM_NODE", "mi-", HEX17, T_HEX17, \
    "Systems Manager managed node ID") \
X("emr-cluster", "EMR", "j-", "(?=[A-Z]{0,12}[0-9])[0-9A-Z]{12,13}" BR, \
    T_UPPER, "EMR cluster ID") \
X("directory-id", "DIRECTORY", "d-", "(?=[a-f]{0,9}[0-9])[0-9a-f]{10}" BR, \
    T_DIR, "Directory Service / IAM Identity Center directory ID") \
X("org-unit", "ORG", "ou-", \
    "(?=[a-z]{0,31}[0-9])[0-9a-z]{4,32}-[0-9a-z]{8,32}" BR, T_OU, \
    "AWS Organizations organizational unit ID") \
X("organization", "ORG", "o-", "(?=[a-z]{0,31}[0-9])[0-9a-z]{10,32}" BR, \
    T_ORG, "AWS Organizations organization ID") \
X("rds-resource-id", "RDS", "db-", "[0-9A-Z]{26}" BR, T_UPPER, \
    "RDS DB instance resource ID (DbiResourceId)") \
X("rds-cluster-resource-id", "RDS", "cluster-", "[0-9A-Z]{26}" BR, \
    T_UPPER, "RDS DB cluster resource ID")

struct resource_id {
	const char *lit;	/* "i-" */
	const char *prefix;
	const char *kind;
	const char *chars;	/* what may follow lit */
	size_t min, max;
};

#define ID_ENTRY(name, prefix, lit, pat, tail, desc) \
	{ lit, prefix, name, tail },
static const struct resource_id resource_ids[] = {
	RESOURCE_IDS(ID_ENTRY)
};

/* The resource ID that [p, p+n) is, or NULL. */
static const struct resource_id *
find_resource_id(const char *p, size_t n)
{
	size_t i, j;

	for (i = 0; i < AM_ARRAY_SIZE(resource_ids); i++) {
		const struct resource_id *r = &resource_ids[i];
		size_t l = strlen(r->lit);

		if (n < l + r->min || n > l + r->max || memcmp(p, r->lit, l))
			continue;
		for (j = l; j < n; j++)
			if (!strchr(r->chars, p[j]))
				break;
		if (j == n)
			return r;
	}
	return NULL;
}

/* Helpers for splitters. */

/* An ID of a prefix some row above knows is that row's, also when
 * --types or --exclude-types turned the row off. */
static int split_aws_id(const char *subj, size_t len, struct am_match *m);


static void
add_part(struct am_match *m, size_t s, size_t e, const char *prefix,
    const char *kind)
{
	if (s >= e || m->nparts >= AM_MAX_PARTS)
		return;
	m->parts[m->nparts].start = s;
	m->parts[m->nparts].end = e;
	m->parts[m->nparts].prefix = prefix;
	m->parts[m->nparts].kind = kind;
	m->nparts++;
}

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

/* First offset in [s, e) holding one of the bytes of set, or e. */
static size_t
find_any(const char *subj, size_t s, size_t e, const char *set)
{
	while (s < e && !strchr(set, subj[s]))
		s++;
	return s;
}

static int
has_prefix(const char *p, size_t n, const char *lit)
{
	size_t l = strlen(lit);

	return n >= l && !memcmp(p, lit, l);
}

static int
all_digits(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)p[i]))
			return 0;
	return n > 0;
}

/* Parse a decimal octet; -1 if not one. */
static int
octet(const char *p, size_t n)
{
	int v = 0;
	size_t i;

	if (n < 1 || n > 3 || (n > 1 && p[0] == '0'))
		return -1;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)p[i]))
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v <= 255 ? v : -1;
}

/* Do the n octets separated by sep in [p, p+len) parse? */
static int
octets(const char *p, size_t len, char sep, int n, int *o)
{
	size_t s = 0;
	int i;

	for (i = 0; i < n; i++) {
		size_t e = s;

		while (e < len && p[e] != sep)
			e++;
		if ((i < n - 1) != (e < len) ||
		    (o[i] = octet(p + s, e - s)) < 0)
			return 0;
		s = e + 1;
	}
	return 1;
}

/*
 * Account IDs.  The pattern finds twelve digits after an AWS context: a
 * JSON key, an XML element (<ownerId>), a key=value or YAML key, also
 * with a camel-case prefix (recipientAccountId:, eC2SecurityGroupOwnerId),
 * a CLI flag (--account-id, --peer-owner-id, --accounts, --principal),
 * prose ("account 123456789012", "AWS account ID: ..."), an AWSLogs/
 * path or Terraform's "[id=123456789012]" (aws_caller_identity); as
 * the first field of a CloudTrail, VPC flow log or ELB log file name
 * (<account>_CloudTrail_) and the folder before CloudTrail/ (an
 * organization trail's AWSLogs/o-.../<account>/CloudTrail/);
 * right before a resource ID in a table (VPC flow logs, --output text);
 * or as a quoted element of a JSON array that split_account() finds to
 * be a list of accounts.  Elsewhere twelve digits are left alone.
 */
#define ACCOUNT_KEY_SEP "[\"']?[ \\t]*[=:][ \\t]*[\"']?"
#define ACCOUNT_PAT \
	"(?=[\\\\\"AaOoRr<\\[0-9-])(?i:" Q "(?:[a-z0-9-]{1,24}:)?(?:[A-Za-z0-9]{0,24}" \
	"(?:OwnerId|Owner|AccountId|AccountIds|Account|AccountNumber|UserId)|" \
	"RequesterId|RegistryId|PrincipalId|AWS|(?:[a-z]{1,12}[_-])?" \
	"(?:account[_-]id|owner[_-]id))" Q "[ \\t]*:[ \\t]*\\[?[ \\t]*\\\\?\"?" \
	"|<(?:[A-Za-z0-9]{0,24}(?:OwnerId|AccountId|AccountNumber|Account|" \
	"RequesterId|RegistryId)|UserId)>" \
	"|(?:(?<![A-Za-z0-9_])(?:aws[_-]?)?|(?<=sso[_-]|source[_-]|" \
	"target[_-]|peer[_-]))(?:account[_-]?id|" \
	"owner[_-]?id|account[_-]?number|account)" ACCOUNT_KEY_SEP \
	"|(?<![A-Za-z0-9_])registry[_-]?id" ACCOUNT_KEY_SEP \
	"|--(?:[a-z0-9]+-){0,4}(?:account-ids?|owner-ids?|owners?|accounts?|" \
	"source-account|expected-bucket-owner|principal)(?:[ \\t]+|=)[\"']?" \
	"|(?<![A-Za-z0-9_])account(?:[ \\t]+(?:id|number|no\\.?))?[ \\t]*" \
	"[:#]?[ \\t]*|(?<![A-Za-z0-9_])AWSLogs/" \
	"|(?<![A-Za-z0-9_])\\[id=(?=[0-9]{12}\\]))\\K[0-9]{12}(?![0-9])" \
	"|\\\\?\"[0-9]{12}(?=\\\\?\")" \
	"|(?<=eni-[0-9a-f]{17} |eni-[0-9a-f]{8} )[0-9]{12}(?= )" \
	"|(?<![A-Za-z0-9])[0-9]{12}(?=[_/](?:CloudTrail|vpcflowlogs|" \
	"elasticloadbalancing)[_/-])" \
	"|(?<![A-Za-z0-9_.:/-])[0-9]{12}(?=[ \\t]+(?:eni|rtb|vpc|sg|subnet|i|" \
	"vol|snap|ami|igw|acl|nat|tgw|pcx|vpce|r)-[0-9a-f]{8})"

/*
 * A YAML or key=value key with a camel-case prefix (recipientAccountId:,
 * eC2SecurityGroupOwnerId=): a row of its own, so that the account row
 * above is not tried at every word; the key is read whole and then
 * checked for its ending, without backtracking.
 */
#define ACCOUNT_CAMEL_PAT \
	"(?=[a-z])(?<![A-Za-z0-9_])[a-z][A-Za-z0-9]{0,40}+(?<=[a-z0-9]AccountId|" \
	"[a-z0-9]OwnerId|[a-z0-9]AccountNumber|[a-z0-9]Account)" \
	ACCOUNT_KEY_SEP "\\K[0-9]{12}(?![0-9])"

/* Is c one of the bytes of set (never NUL)? */
static int
is_in(char c, const char *set)
{
	return c != '\0' && strchr(set, c) != NULL;
}

static size_t
skip_space_back(const char *subj, size_t lo, size_t p)
{
	while (p > lo && is_in(subj[p - 1], " \t\r\n"))
		p--;
	return p;
}

/*
 * The JSON string that ends with the quote just before p (a \" too), at
 * or after lo: its text is [*s, *e), its opening quote at *p.  0 if
 * there is none.
 */
static int
string_back(const char *subj, size_t lo, size_t *p, size_t *s, size_t *e)
{
	size_t q;

	if (*p <= lo || subj[*p - 1] != '"')
		return 0;
	*e = *p - 1;
	if (*e > lo && subj[*e - 1] == '\\')
		(*e)--;
	for (q = *e; q > lo && subj[q - 1] != '"'; q--)
		;
	if (q == lo)
		return 0;
	*s = q--;
	*p = q > lo && subj[q - 1] == '\\' ? q - 1 : q;
	return 1;
}

/* Does a JSON key (less any "aws:"-style prefix) hold account IDs? */
static int
account_key(const char *k, size_t n)
{
	static const char *const whole[] = { "aws", "userid", "userids",
	    "requesterid" };
	static const char *const ends[] = { "account", "accounts",
	    "accountid", "accountids", "accountnumber", "owner", "owners",
	    "ownerid", "ownerids" };
	char key[64];
	size_t i, l = 0, el;

	for (i = n; i > 0 && k[i - 1] != ':'; i--)
		;
	for (; i < n && l + 1 < sizeof(key); i++)
		if (k[i] != '_' && k[i] != '-')
			key[l++] = (char)tolower((unsigned char)k[i]);
	key[l] = '\0';
	if (i < n)
		return 0;
	for (i = 0; i < AM_ARRAY_SIZE(whole); i++)
		if (!strcmp(key, whole[i]))
			return 1;
	for (i = 0; i < AM_ARRAY_SIZE(ends); i++) {
		el = strlen(ends[i]);
		if (l >= el && !strcmp(key + l - el, ends[i]))
			return 1;
	}
	return 0;
}

/*
 * Is the quoted twelve digits at q an element of a JSON array of
 * accounts?  Walk back element by element, over twelve-digit strings
 * only, to the '[': the array's key must be an account key ("AWS",
 * "aws:SourceAccount", "AccountIds", ...).  An ARN among the elements
 * before settles it too: twelve digits beside ARNs are a principal list
 * ("AWS": ["arn:aws:iam::111122223333:root", "444455556666"]).  At most
 * LIST_BACK bytes back, so that a long array of other numbers costs
 * little; an account further down such a list is missed.
 */
#define LIST_BACK 4096

static int
in_account_list(const char *subj, size_t q)
{
	size_t lo = q > LIST_BACK ? q - LIST_BACK : 0, p = q, s = 0, e = 0;

	for (;;) {
		p = skip_space_back(subj, lo, p);
		if (p == lo)
			return 0;
		if (subj[p - 1] == '[') {
			p = skip_space_back(subj, lo, p - 1);
			if (p == lo || subj[p - 1] != ':')
				return 0;
			p = skip_space_back(subj, lo, p - 1);
			return string_back(subj, lo, &p, &s, &e) &&
			    account_key(subj + s, e - s);
		}
		if (subj[p - 1] != ',')
			return 0;
		p = skip_space_back(subj, lo, p - 1);
		if (!string_back(subj, lo, &p, &s, &e))
			return 0;
		if (e - s > 4 && !memcmp(subj + s, "arn:", 4))
			return 1;
		if (e - s != 12 || !all_digits(subj + s, 12))
			return 0;
	}
}

static int
split_account(const char *subj, size_t len, struct am_match *m)
{
	size_t s = m->start;

	(void)len;
	if (subj[s] == '\\' || subj[s] == '"') {
		if (!in_account_list(subj, s))
			return 0;
		while (subj[s] == '\\' || subj[s] == '"')
			s++;
	}
	add_part(m, s, m->end, "ACCOUNT", NULL);
	return 1;
}

/*
 * ARNs.  arn:partition:service:region:account:resource.  The resource
 * may not end in sentence punctuation, and a comma ends it: IAM allows
 * commas in names, but ARNs in comma-separated lists are far more common,
 * and a resource that ran on would keep its neighbours' identifiers as
 * unmasked "path"; for the same reason split_arn() cuts it where another
 * ARN or an s3:// URI begins, whatever glues them (= + * $), and the
 * scanner goes on from there.  One bounded repetition of one class, so
 * a failing match backtracks linearly.  An S3 ARN stops at the bucket:
 * the object key is kept and scanned like any text (it may hold IDs).
 */
#define ARN_PAT \
	"(?:arn:(?<![A-Za-z0-9_]arn:)(?:aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|" \
	"aws-iso-e|aws-iso-f|aws-eusc):|\\{arn-aws\\})(?:s3:::[A-Za-z0-9*](?:[A-Za-z0-9._*-]" \
	"{0,61}[A-Za-z0-9*])?(?![A-Za-z0-9._*-])|[a-z0-9][a-z0-9-]{0,62}:" \
	"(?:[a-z0-9-]{1,32}|\\*)?:(?:[A-Za-z0-9_-]{1,24}|\\*)?:" \
	"[A-Za-z0-9_/:.@+=*$-]{0,2047}[A-Za-z0-9_/*$-])"

enum arn_how {
	H_NONE,		/* nothing to mask in the resource */
	H_SEG,		/* the first segment of the name, up to '/' or ':' */
	H_REST,		/* the whole name */
	H_LAST,		/* the last '/' segment (IAM: the path is kept) */
	H_PAIR,		/* parent/child: two parts */
	H_ID,		/* a resource ID, tokenised like the bare ID */
	H_S3,		/* bucket; the object key is kept */
	H_LOG,		/* log group name, /aws/<service>/ kept */
	H_ELB,		/* app|net|gwy/ kept, then the name and the ID */
	H_SEGID,	/* the first segment, and an ID after it */
	H_OIDC,		/* an EKS issuer's ID, or the whole provider */
};

#define F_AWSPUB	0x1	/* a name under aws/ is AWS's own: keep it */

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
	{ "securityhub", "product", H_NONE, NULL, NULL, NULL, 0 },
	{ "securityhub", "subscription", H_NONE, NULL, NULL, NULL, 0 },
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

static int
field_is(const char *p, size_t n, const char *lit)
{
	return strlen(lit) == n && !memcmp(p, lit, n);
}

static const struct arn_rule *
find_arn_rule(const char *svc, size_t svclen, const char *type,
    size_t typelen, int typed)
{
	const struct arn_rule *bare = NULL, *any = NULL;
	size_t i;

	for (i = 0; i < AM_ARRAY_SIZE(arn_rules); i++) {
		const struct arn_rule *r = &arn_rules[i];

		if (!field_is(svc, svclen, r->service))
			continue;
		if (!r->type)
			bare = r;
		else if (!strcmp(r->type, "*"))
			any = r;
		else if (field_is(type, typelen, r->type))
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
	    field_is(p, n, "root-account-mfa-device") ||
	    (n < 4 && all_digits(p, n));
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
	add_part(m, s, e, prefix, kind);
}

/* Offset of the name after /aws/<service>/ in a log group name. */
static size_t
log_name_start(const char *subj, size_t s, size_t e)
{
	size_t p;

	if (!has_prefix(subj + s, e - s, "/aws/"))
		return s;
	p = find_any(subj, s + 5, e, "/");
	return p < e ? p + 1 : s;
}

static void
arn_name(const char *subj, struct am_match *m, const struct arn_rule *r,
    size_t ns, size_t re)
{
	const struct resource_id *id;
	size_t e, e2;

	if ((r->flags & F_AWSPUB) && has_prefix(subj + ns, re - ns, "aws/"))
		return;
	switch (r->how) {
	case H_NONE:
		break;
	case H_SEG:
	case H_S3:
		add_name(subj, m, ns, find_any(subj, ns, re, "/:"), r->prefix,
		    NULL);
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
		add_name(subj, m, e, re, r->prefix, NULL);
		break;
	case H_PAIR:
		e = find_any(subj, ns, re, "/:");
		if (e + 1 >= re) {
			add_name(subj, m, ns, e, r->prefix, NULL);
			break;
		}
		e2 = find_any(subj, e + 1, re, "/:");
		add_name(subj, m, ns, e, r->parent, NULL);
		add_name(subj, m, e + 1, e2, r->prefix, NULL);
		break;
	case H_ID:
		if ((id = find_resource_id(subj + ns, re - ns)))
			add_part(m, ns, re, id->prefix, id->kind);
		else
			add_name(subj, m, ns, re, r->prefix, NULL);
		break;
	case H_LOG:
		ns = log_name_start(subj, ns, re);
		add_name(subj, m, ns, find_any(subj, ns, re, ":"), r->prefix,
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
		    has_prefix(subj + e - 4, 4, "/id/") &&
		    has_prefix(subj + ns, re - ns, "oidc.eks."))
			add_part(m, e, re, r->prefix, NULL);
		else
			add_name(subj, m, ns, re, "ARN", NULL);
		break;
	case H_ELB:
		if (has_prefix(subj + ns, re - ns, "app/") ||
		    has_prefix(subj + ns, re - ns, "net/") ||
		    has_prefix(subj + ns, re - ns, "gwy/"))
			ns += 4;
		/* FALLTHROUGH */
	case H_SEGID:
		/* name/ID: the name, and the ID after it (a load balancer's
		 * or target group's 16 hex, a stack's UUID). */
		e = find_any(subj, ns, re, "/:");
		add_name(subj, m, ns, e, r->prefix, NULL);
		if (e < re && subj[e] == '/') {
			e2 = find_any(subj, e + 1, re, "/:");
			if (opaque_id(subj + e + 1, e2 - e - 1))
				add_part(m, e + 1, e2, r->prefix, NULL);
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
 * digits that end in EXAMPLE (80398EXAMPLE).  Not a placeholder (xxx,
 * account-id, ACCOUNT): the field is kept, the resource still masked.
 */
static int
arn_account(const char *p, size_t n)
{
	size_t i, digits = 0;

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

static int
split_arn(const char *subj, size_t len, struct am_match *m)
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
		p = find_any(subj, p, m->end, ":");
		if (i == 4 && p < m->end)
			arn_cut_glued(subj, m, p + 1);
		if (p >= m->end)
			return 0;
		f[i] = p++;	/* f[i]: the colon ending field i */
	}
	rs = f[4] + 1;
	/* AWS's own: managed policies (aws), CloudFront's origin access
	 * identities (cloudfront). */
	if (field_is(subj + f[3] + 1, f[4] - f[3] - 1, "aws") ||
	    field_is(subj + f[3] + 1, f[4] - f[3] - 1, "cloudfront"))
		return 0;
	if (arn_account(subj + f[3] + 1, f[4] - f[3] - 1))
		add_part(m, f[3] + 1, f[4], "ACCOUNT", "account-id");
	else if (token_shaped(subj + f[3] + 1, f[4] - f[3] - 1))
		add_part(m, f[3] + 1, f[4], "LITERAL", "token-literal");
	ts = rs < m->end && subj[rs] == '/' ? rs + 1 : rs;
	te = find_any(subj, ts, m->end, "/:");
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
};

static int
split_host(const char *subj, size_t len, struct am_match *m)
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
		if (r->skip[i] && has_prefix(subj + s, m->end - s, r->skip[i]))
			s += strlen(r->skip[i]);
	if (r->nkeep == 0) {
		e = find_any(subj, s, m->end, ".");
	} else {
		/* The last ".amazonaws.", then nkeep labels back. */
		for (e = m->end; e > s; e--)
			if (has_prefix(subj + e - 1, m->end - e + 1,
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
	if (r->checkip && has_prefix(subj + s, e - s, "ip-") &&
	    !octets(subj + s + 3, e - s - 3, '-', 4, o))
		return 0;
	if (r->checkip && has_prefix(subj + s, e - s, "ec2-") &&
	    !octets(subj + s + 4, e - s - 4, '-', 4, o))
		return 0;
	if (r->nkeep == 0 && (id = find_resource_id(subj + s, e - s)))
		add_part(m, s, e, id->prefix, id->kind);
	else
		add_part(m, s, e, r->prefix, NULL);
	m->whole_prefix = r->whole;
	return m->nparts > 0;
}

/* The bare ip-10-0-1-23 label of an EC2 host (shell prompts, node names). */
static int
split_host_label(const char *subj, size_t len, struct am_match *m)
{
	int o[4];

	(void)len;
	if (!octets(subj + m->start + 3, m->end - m->start - 3, '-', 4, o))
		return 0;
	add_part(m, m->start, m->end, m->kind->prefix, NULL);
	return 1;
}

/*
 * A token, in any form awsunmask would restore: the whole of it, less
 * the hyphenated forms that awsunmask takes for part of a longer name.
 */
static int
split_token_literal(const char *subj, size_t len, struct am_match *m)
{
	if (!am_token_tolerated(subj, len, m->start, m->end))
		return 0;
	add_part(m, m->start, m->end, m->kind->prefix, NULL);
	return 1;
}

/* SQS queue URL: the account and the queue name. */
static int
split_sqs_url(const char *subj, size_t len, struct am_match *m)
{
	size_t p = m->start, e;

	(void)len;
	for (e = p; e + 2 < m->end; e++)
		if (!memcmp(subj + e, "://", 3)) {
			p = e + 3;
			break;
		}
	p = find_any(subj, p, m->end, "/") + 1;
	e = find_any(subj, p, m->end, "/");
	if (e >= m->end || !arn_account(subj + p, e - p))
		return 0;
	add_part(m, p, e, "ACCOUNT", "account-id");
	add_part(m, e + 1, m->end, "SQS_QUEUE", NULL);
	m->whole_prefix = "SQS_QUEUE";
	return 1;
}

/* ECR registry host: the account, and the repository when present. */
static int
split_ecr(const char *subj, size_t len, struct am_match *m)
{
	size_t p;

	(void)len;
	add_part(m, m->start, m->start + 12, "ACCOUNT", "account-id");
	p = find_any(subj, m->start, m->end, "/");
	if (p < m->end)
		add_part(m, p + 1, m->end, "ECR_REPO", NULL);
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
		if (has_prefix(p, n, aws_bucket_prefixes[i]))
			return 1;
	return am_name_placeholder(p, n);
}

/* [s, e) as a BUCKET part, unless it is AWS's or a placeholder. */
static void
add_bucket(const char *subj, struct am_match *m, size_t s, size_t e)
{
	if (e > s && !aws_bucket(subj + s, e - s))
		add_part(m, s, e, "BUCKET", NULL);
}

/* s3://bucket/key: the bucket. */
static int
split_s3_uri(const char *subj, size_t len, struct am_match *m)
{
	size_t s = find_any(subj, m->start, m->end, "/") + 2;

	(void)len;
	add_bucket(subj, m, s, find_any(subj, s, m->end, "/"));
	m->whole_prefix = "S3_URL";
	return m->nparts > 0;
}

/* bucket.s3.<region>.amazonaws.com: the labels before the last ".s3". */
static int
split_s3_vhost(const char *subj, size_t len, struct am_match *m)
{
	size_t e;

	(void)len;
	for (e = m->end - 3; e > m->start; e--)
		if (!memcmp(subj + e, ".s3", 3) &&
		    (subj[e + 3] == '.' || subj[e + 3] == '-'))
			break;
	/* logging.s3.amazonaws.com is S3's log delivery principal. */
	if (!field_is(subj + m->start, e - m->start, "logging"))
		add_bucket(subj, m, m->start, e);
	m->whole_prefix = "S3_URL";
	return m->nparts > 0;
}

/* s3.<region>.amazonaws.com/bucket/key and the console's
 * .../s3/buckets/bucket: the bucket. */
static int
split_s3_path(const char *subj, size_t len, struct am_match *m)
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
			e = find_any(subj, s, m->end, "/?");
			/* The S3 XML namespace, s3.amazonaws.com/doc/2006-03-01/ */
			if (!(field_is(subj + s, e - s, "doc") &&
			    e + 3 < len && !memcmp(subj + e, "/20", 3)))
				add_bucket(subj, m, s, e);
			break;
		}
	}
	m->whole_prefix = "S3_URL";
	return m->nparts > 0;
}

/*
 * IPv4.  Left alone: well-known addresses that identify nobody
 * (0.0.0.0/8, loopback, the instance metadata and other link-local
 * service addresses, multicast and reserved, netmasks), a dotted number
 * right after a word such as "version", and public-looking quads made of
 * small numbers (below).
 */
static const char *const ipv4_constants[] = {
	"169.254.169.254",	/* instance metadata */
	"169.254.169.253",	/* Amazon DNS */
	"169.254.169.123",	/* Amazon Time Sync */
	"169.254.170.2",	/* ECS task metadata */
	"169.254.170.23",	/* EKS Pod Identity */
	"255.255.255.255",
};
/* Words after which a dotted quad is a version or a section number. */
static const char *const version_words[] = {
	"version", "ver", "vers", "v", "release", "rel", "rev", "revision",
	"build", "firmware", "fw", "section", "sect", "sec", "clause",
	"chapter", "annex", "figure", "table", "paragraph",
};

/* Is the match right after one of words (skipping ' ', ':', '=', '-')? */
static int
after_word(const char *subj, size_t start, const char *const *words,
    size_t nwords)
{
	size_t e = start, s, i, k = 0;

	while (e > 0 && k++ < 3 && strchr(" \t:=-\"'", subj[e - 1]))
		e--;
	s = e;
	while (s > 0 && e - s < 16 && isalpha((unsigned char)subj[s - 1]))
		s--;
	if (s > 0 && isalnum((unsigned char)subj[s - 1]))
		return 0;
	for (i = 0; i < nwords; i++)
		if (strlen(words[i]) == e - s &&
		    !strncasecmp(subj + s, words[i], e - s))
			return 1;
	return 0;
}

/*
 * Is the match right after a product token, "Chrome/" in "Chrome/122.0.0.0"?
 * The token is a letter and then [A-Za-z0-9_.-], glued to the '/' that is
 * glued to the digits, and it begins a word: at the start of the subject,
 * after white space or after one of ( " ' [ , ; =.  A URL path segment
 * (".../ip/54.0.0.0") begins after '/', and "http://1.2.3.4" has no
 * token at all, so neither counts.
 */
static int
after_product(const char *subj, size_t start)
{
	size_t s;

	if (start < 2 || subj[start - 1] != '/')
		return 0;
	for (s = start - 1; s > 0 && start - s < 64 &&
	    (isalnum((unsigned char)subj[s - 1]) || strchr("_.-", subj[s - 1]));
	    s--)
		;
	if (s == start - 1 || !isalpha((unsigned char)subj[s]))
		return 0;
	return s == 0 || isspace((unsigned char)subj[s - 1]) ||
	    strchr("(\"'[,;=", subj[s - 1]) != NULL;
}

static int
is_netmask(const int *o)
{
	uint32_t v = (uint32_t)o[0] << 24 | (uint32_t)o[1] << 16 |
	    (uint32_t)o[2] << 8 | (uint32_t)o[3];

	return o[0] == 255 && (~v & (~v + 1)) == 0;
}

/*
 * Is the address at start the value of a key that holds addresses
 * ("sourceIPAddress": "1.2.3.4", srcaddr=, <privateIpAddress>, CidrIp:)?
 * Then it is one whatever its numbers.
 */
static int
after_address_key(const char *subj, size_t start)
{
	static const char *const ends[] = { "ip", "ips", "ipaddress",
	    "ipaddresses", "ipaddr", "addr", "address", "addresses", "cidr",
	    "cidrblock", "cidrip", "cidrs" };
	char key[48];
	size_t p = start, kl = 0, i, l;
	int sep = 0;

	while (p > 0 && start - p < 8 && is_in(subj[p - 1], "\\\"' \t:=>")) {
		sep |= is_in(subj[p - 1], ":=>");
		p--;
	}
	if (!sep)
		return 0;
	while (p > 0 && kl + 1 < sizeof(key) &&
	    (isalnum((unsigned char)subj[p - 1]) || is_in(subj[p - 1], "_-"))) {
		if (isalnum((unsigned char)subj[p - 1]))
			key[kl++] = (char)tolower((unsigned char)subj[p - 1]);
		p--;
	}
	key[kl] = '\0';
	for (i = 0; i < kl / 2; i++) {		/* read backwards: reverse */
		char c = key[i];

		key[i] = key[kl - 1 - i];
		key[kl - 1 - i] = c;
	}
	for (i = 0; i < AM_ARRAY_SIZE(ends); i++) {
		l = strlen(ends[i]);
		if (kl >= l && !strcmp(key + kl - l, ends[i]))
			return 1;
	}
	return 0;
}

static int
split_ipv4(const char *subj, size_t len, struct am_match *m)
{
	size_t e = find_any(subj, m->start, m->end, "/"), i;
	int o[4], priv, keyed;

	(void)len;
	if (!octets(subj + m->start, e - m->start, '.', 4, o))
		return 0;
	if (o[0] == 0 || o[0] == 127 || o[0] >= 224 || is_netmask(o))
		return 0;
	for (i = 0; i < AM_ARRAY_SIZE(ipv4_constants); i++)
		if (field_is(subj + m->start, e - m->start, ipv4_constants[i]))
			return 0;
	if (after_word(subj, m->start, version_words,
	    AM_ARRAY_SIZE(version_words)))
		return 0;
	priv = o[0] == 10 || (o[0] == 172 && o[1] >= 16 && o[1] <= 31) ||
	    (o[0] == 192 && o[1] == 168) ||
	    (o[0] == 100 && o[1] >= 64 && o[1] <= 127);
	/* Under an address key the exceptions below (versions, section
	 * numbers, OIDs) do not apply: 1.2.3.4 there is an address. */
	keyed = after_address_key(subj, m->start);
	/*
	 * A product's version (User-Agent: "Chrome/122.0.0.0", "OPR/107.0.0.0")
	 * is a valid quad more often than one would think.  After a product
	 * token (above), with no /nn, a public-looking quad is a version when
	 * its last two numbers are 0 (the reduced User-Agent of Chrome, Edge
	 * and Opera; a host address never ends in .0.0 outside a CIDR) or
	 * when it reads major.0.minor.patch with both below 32 (one public
	 * address in 16,384 does).  Private addresses are masked whatever
	 * precedes them: "host/10.0.0.1" never leaks.
	 */
	if (!priv && !keyed && e == m->end && after_product(subj, m->start) &&
	    ((o[2] == 0 && o[3] == 0) ||
	    (o[1] == 0 && o[2] < 32 && o[3] < 32)))
		return 0;
	/* Section numbers, OIDs and four-part versions (4.20.7.1, 2.5.4.10,
	 * 3.6.23.1) are small numbers; a random public address has all of
	 * its last three octets below 32 one time in 500. */
	if (!priv && !keyed && o[0] < 50 && o[1] < 32 && o[2] < 32 &&
	    o[3] < 32)
		return 0;
	/* ASN.1 object IDs start with arc 0, 1 or 2 (2.5.4.43). */
	if (!keyed && o[0] <= 2 && o[1] < 10)
		return 0;
	/* The ipv4-private row exists to make PRIVATE_IP a known prefix and
	 * to allow --types ipv4-private alone; it only ever sees private
	 * addresses. */
	add_part(m, m->start, e, priv ? "PRIVATE_IP" : "PUBLIC_IP",
	    priv ? "ipv4-private" : "ipv4");
	return 1;
}

/*
 * IPv6, validated by inet_pton.  Left alone: :: and ::1, multicast
 * (ff00::/8: well-known group addresses such as ff02::1), and candidates
 * that look more like code or times than addresses (no decimal digit, or
 * only two short groups as in 1::2).  Link-local fe80::/10 addresses are
 * masked: on EC2 their interface ID is derived from the ENI's MAC.
 */
static int
split_ipv6(const char *subj, size_t len, struct am_match *m)
{
	size_t e = find_any(subj, m->start, m->end, "/"), i, n = e - m->start;
	size_t run = 0, groups = 0, longest = 0;
	unsigned char a[16];
	char buf[64];
	int digit = 0;

	(void)len;
	if (n >= sizeof(buf))
		return 0;
	memcpy(buf, subj + m->start, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET6, buf, a) != 1)
		return 0;
	for (i = 0; i < 15 && !a[i]; i++)
		;
	if (i == 15 && a[15] <= 1)
		return 0;	/* :: and ::1 */
	if (a[0] == 0xff)
		return 0;
	for (i = 0; i <= n; i++) {
		if (i < n && buf[i] != ':' && buf[i] != '.') {
			digit |= isdigit((unsigned char)buf[i]) != 0;
			run++;
			continue;
		}
		if (run)
			groups++;
		if (run > longest)
			longest = run;
		run = 0;
	}
	if (!digit || (groups < 3 && longest < 3))
		return 0;
	add_part(m, m->start, e, "IPV6", NULL);
	return 1;
}

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
#define CTX_PARAM	"ssm get-parameter|ssm put-parameter" \
	"|ssm delete-parameter|ssm label-parameter"

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
	{ "queuename", "queue-name", "SQS_QUEUE", 0, NULL },
	{ "topicname", NULL, "SNS_TOPIC", 0, NULL },
	{ "stackname", "stack-name", "STACK", 0, NULL },
	{ "stacksetname", "stack-set-name", "STACK", 0, NULL },
	{ "dbinstanceidentifier", "db-instance-identifier", "RDS", 0, NULL },
	{ "dbclusteridentifier", "db-cluster-identifier", "RDS", 0, NULL },
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
	{ "crawlername", NULL, "GLUE_CRAWLER", 0, NULL },
	{ "jobname", "job-name", "JOB_NAME", NK_CTX, CTX_JOB },
	{ "s3bucket", NULL, "BUCKET", 0, NULL },
	{ "s3bucketname", NULL, "BUCKET", 0, NULL },
	{ "loggroup", NULL, "LOG_GROUP", 0, NULL },
	{ "logstreamname", "log-stream-name", "RESOURCE_NAME", 0, NULL },
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
};

#define NAME_BACK	2048	/* bytes looked back for evidence */
#define NAME_AHEAD	512	/* and ahead */

#define NAME_VALUE \
	"[A-Za-z0-9_/](?:[A-Za-z0-9_.@+=/-]{0,254}[A-Za-z0-9_-])?"
/* Words of a key may be joined by '_' or '-' (role_name, role-name). */
#define W "[_-]?"
/* One branch per first letter, the letters most common at the start of
 * a word first: PCRE2 tries an alternation's branches one by one, and
 * this row is tried at the start of most words. */
#define NAME_KEYS \
	"(?:S(?:tack(?:" W "Set)?" W "Name|ervice(?:" W "Name)?|" \
	"ecret" W "(?:Id|Name)|t(?:ate" W "Machine|ream)" W "Name|" \
	"so_role_name)|" \
	"C(?:luster(?:" W "(?:Name|Identifier))?|ache" W "(?:Subnet" W \
	"Group" W "Name|Cluster" W "Id)|rawler" W "Name|o(?:nnection|ntainer|" \
	"mputer)" W "Name|apacity" W "Provider" W "Name)|" \
	"R(?:ole" W "(?:Session" W ")?Name|e(?:pository" W "Name|" \
	"plication" W "Group" W "Id)|ule" W "Name)|" \
	"P(?:olicy|roject|ipeline|refix" W "List)" W "Name|" \
	"T(?:able|opic|arget" W "Group)" W "Name|" \
	"D(?:B" W "(?:Subnet" W "Group" W "Name|(?:Instance|Cluster)" W \
	"Identifier)|(?:elivery" W "Stream|omain|atabase|isplay)" W "Name)|" \
	"L(?:oad" W "Balancer|aunch" W "(?:Template|Configuration)|og" W \
	"(?:Group|Stream)|ifecycle" W "Hook)" W "Name|Log" W "Group|" \
	"(?:S3" W ")?Bucket(?:" W "Name)?|User" W "Name|Function" W "Name|" \
	"Key" W "Name|" \
	"Queue" W "Name|Instance" W "Profile" W "Name|" \
	"A(?:uto" W "Scaling" W "Group|lias|pplication|larm)" W "Name|" \
	"Environment" W "Name|Group" W "Name|Job" W "Name|" \
	"Node" W "group" W "Name|Work" W "Group(?:" W "Name)?)"
/* JSON; a quoted value after key = or key: (YAML, Python, shell); an
 * unquoted value after KEY= (env files, CLI shorthand) or after a YAML
 * key when nothing but a comment follows; a row of --output table
 * ("|  StackName  |  prodnetwork  |"); a CLI flag; ~/.aws/config's
 * sso_role_name = NAME.  Unquoted values elsewhere are too often code or
 * prose (stack_name: a pointer to...). */
#define NAME_PAT \
	"(?i:(?<![A-Za-z0-9_-])\\\\?[\"']?" NAME_KEYS \
	"(?:s?" Q "[ \\t]*:[ \\t]*" Q NAME_VALUE "(?=\\\\?\")" \
	"|[\"']?[ \\t]*[:=][ \\t]*[\"']" NAME_VALUE "(?=[\"'])" \
	"|=" NAME_VALUE "(?=[ \\t;&,}\\])]|\\r|\\n|$)" \
	"|(?:><Name)?>" NAME_VALUE "(?=</)" \
	"|:[ \\t]+" NAME_VALUE "(?=[ \\t]*(?:#|\\r|\\n|$))" \
	"|[ \\t]{1,64}\\|[ \\t]{1,8}" NAME_VALUE "(?=[ \\t][ \\t|]))" \
	"|sso_role_name[ \\t]*=[ \\t]*" NAME_VALUE \
	"(?=[ \\t]*(?:[#;]|\\r|\\n|$))" \
	"|--[a-z]+(?:-[a-z]+){0,5}(?:[ \\t]+|=)[\"']?" \
	NAME_VALUE "(?![A-Za-z0-9_@+=/-]|\\.[A-Za-z0-9_])" \
	"(?:[\"']?[ \\t]+[\"']?(?!-)" NAME_VALUE \
	"(?![A-Za-z0-9_@+=/-]|\\.[A-Za-z0-9_])){0,3})"
/* Terraform's `name = "..."` (and plan's `~ name = "old" -> "new"`):
 * split_tf_name() keeps only the resource types it knows. */
#define TF_NAME_PAT \
	"name(?<![A-Za-z0-9_.\"'-]name)[ \\t]{0,48}=[ \\t]{0,4}\"" NAME_VALUE \
	"(?=\")(?:\"[ \\t]{1,4}->[ \\t]{1,4}\"" NAME_VALUE "(?=\"))?"

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

static size_t
line_start(const char *subj, size_t lo, size_t p)
{
	while (p > lo && subj[p - 1] != '\n')
		p--;
	return p;
}

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

	ls = line_start(subj, lo, at);
	if (ls == lo && lo > 0)
		return NULL;
	if (ls == at || !is_in(subj[ls], " \t"))
		return NULL;
	for (p = ls; p < at; p++)
		if (!is_in(subj[p], " \t") &&
		    (!is_in(subj[p], "+-~") || marks++))
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
	p = line_start(subj, lo, (size_t)(b - subj));
	while (is_in(subj[p], " \t+-~/<="))
		p++;
	if (!has_prefix(subj + p, (size_t)(b - subj) - p, "resource"))
		return NULL;
	for (p += 8; is_in(subj[p], " \t"); p++)
		;
	if (subj[p++] != '"')
		return NULL;
	for (t = p; t < (size_t)(b - subj) && subj[t] != '"'; t++)
		;
	for (i = 0; i < AM_ARRAY_SIZE(tf_types); i++)
		if (field_is(subj + p, t - p, tf_types[i].key))
			return tf_types[i].prefix;
	return NULL;
}

/* A Terraform name's value [s, e) as a part, less what the ARN keeps. */
static void
add_tf_name(const char *subj, struct am_match *m, size_t s, size_t e,
    const char *prefix)
{
	if (!strcmp(prefix, "LOG_GROUP"))
		s = log_name_start(subj, s, e);
	else if (!strcmp(prefix, "PARAM") && s < e && subj[s] == '/')
		s++;
	else if (!strcmp(prefix, "KMS_ALIAS") &&
	    has_prefix(subj + s, e - s, "alias/")) {
		s += 6;
		if (has_prefix(subj + s, e - s, "aws/"))
			return;
	}
	add_part(m, s, e, prefix, NULL);
}

/* name = "old" -> "new": both values. */
static int
split_tf_name(const char *subj, struct am_match *m, size_t vs)
{
	const char *prefix = tf_name_prefix(subj, m->start);
	size_t e;

	if (!prefix)
		return 0;
	e = find_any(subj, vs, m->end, "\"");
	add_tf_name(subj, m, vs, e, prefix);
	if (e < m->end) {
		vs = find_any(subj, e + 1, m->end, "\"") + 1;
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
 * one's); else NAME_BACK bytes before the match and NAME_AHEAD after.
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
		*lo = floor;
		*hi = ceil;
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
static int split_keyed_id(const char *subj, size_t len, struct am_match *m);

static int
split_name(const char *subj, size_t len, struct am_match *m)
{
	char key[40];
	size_t p = m->start, kl = 0, vs, i, n, s0, e0, val[AM_MAX_PARTS][2];
	const struct name_rule *r = NULL;
	int flag = subj[m->start] == '-', plural = 0;

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
		if (flag ? name_keys[i].flag && field_is(subj + m->start + 2,
		    p - m->start - 2, name_keys[i].flag) :
		    name_keys[i].key && !strcmp(name_keys[i].key, key))
			r = &name_keys[i];
	/* A list in JSON: "TableNames": ["a", "b"] gives each its key; a
	 * plural flag (--group-names a b c) names every value after it. */
	if (!r && kl > 1 && key[kl - 1] == 's') {
		key[kl - 1] = '\0';
		for (i = 0; i < AM_ARRAY_SIZE(name_keys) && !r; i++)
			if (flag ? name_keys[i].flag && field_is(subj +
			    m->start + 2, p - m->start - 3, name_keys[i].flag) :
			    name_keys[i].key && !strcmp(name_keys[i].key, key))
				r = &name_keys[i];
		plural = flag;
	}
	if (!r)
		return flag && p - m->start > 4 && (has_prefix(subj + p - 3, 3,
		    "-id") || has_prefix(subj + p - 4, 4, "-ids")) ?
		    split_keyed_id(subj, len, m) : 0;
	for (n = 0, s0 = vs; s0 < m->end && n < AM_MAX_PARTS; n++) {
		for (e0 = s0; e0 < m->end && !is_in(subj[e0], "\"' \t"); e0++)
			;
		val[n][0] = s0;
		val[n][1] = e0;
		if (!plural)
			break;
		for (s0 = e0; s0 < m->end && is_in(subj[s0], "\"' \t"); s0++)
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
	/* A number or a date is a value, never a name. */
	for (i = vs; i < ve && !isalpha((unsigned char)subj[i]); i++)
		;
	if (i == ve)
		return;
	if (!(prefix = name_prefix(subj, len, m, flag, r, vs, ve)))
		return;
	if (!strcmp(prefix, "LOG_GROUP"))
		vs = log_name_start(subj, vs, ve);
	else if ((r->flags & NK_PARAM) && subj[vs] == '/')
		vs++;
	else if ((r->flags & NK_ALIAS) &&
	    has_prefix(subj + vs, ve - vs, "alias/")) {
		vs += 6;
		if (has_prefix(subj + vs, ve - vs, "aws/"))
			return;
	}
	add_part(m, vs, ve, prefix, NULL);
}

/*
 * Name tags.  A tag's Value is a resource's name when its Key is "Name",
 * in every shape a tag is written: CLI shorthand (Key=Name,Value=web-1),
 * JSON on one line or several, with Value before or after Key
 * ({"Key": "Name", "Value": "web-1"}), YAML (- Key: Name / Value: web-1)
 * and EC2's XML (<key>Name</key><value>web-1</value>).  The row matches
 * the Value and its value; split_name_tag() looks for Key=Name in the
 * same tag: back and ahead to the braces, brackets or parentheses around
 * it or a blank line (in shorthand, a blank), or over the lines of the
 * same YAML list item; at most TAG_AROUND bytes each way.
 */
#define TAG_AROUND	400
#define TAG_VALUE_PAT \
	"(?=[\\\\\"'Vv<])(?:<value>[^<\\r\\n]{1,255}(?=</value>)|" \
	"(?<![A-Za-z0-9_-])\\\\?[\"']?[Vv]alue\\\\?[\"']?[ \\t]*" \
	"(?:[:=][ \\t]*(?:\\\\?\"[^\"\\\\\\r\\n]{1,255}(?=\\\\?\")|" \
	"'[^'\\r\\n]{1,255}(?='))" \
	"|=[^\\s,}\\])\"'][^\\s,}\\])\"']{0,254}" \
	"|:[ \\t]+[^\\s\"'#,{}\\[\\]][^\\r\\n#]{0,254}?" \
	"(?=[ \\t]*(?:#|\\r|\\n|$))))"

/* The indentation of the line that starts at ls, and whether it is a
 * YAML list item ("  - Key: Name"). */
static size_t
yaml_indent(const char *subj, size_t ls, size_t end, int *item)
{
	size_t p = ls;

	while (p < end && is_in(subj[p], " \t"))
		p++;
	*item = p + 1 < end && subj[p] == '-' && is_in(subj[p + 1], " \t");
	return *item ? p + 2 - ls : p - ls;
}

/*
 * The YAML list item around the value at `at`: back to the item's "- "
 * line over lines of the value's indentation, ahead over the lines of
 * the same indentation that are not items themselves; four lines at
 * most each way.
 */
static void
yaml_item(const char *subj, size_t floor, size_t ceil, size_t at,
    size_t *lo, size_t *hi)
{
	size_t ls = line_start(subj, floor, at), ind, l, p;
	int item, it, n;

	ind = yaml_indent(subj, ls, at, &item);
	*lo = ls;
	for (n = 0; !item && n < 4 && *lo > floor; n++) {
		l = line_start(subj, floor, *lo - 1);
		if (yaml_indent(subj, l, *lo - 1, &it) != ind)
			break;
		*lo = l;
		if (it)
			break;
	}
	for (p = at; p < ceil && subj[p] != '\n'; p++)
		;
	*hi = p;
	for (n = 0; n < 4 && p < ceil; n++) {
		l = p + 1;
		for (p = l; p < ceil && subj[p] != '\n'; p++)
			;
		if (yaml_indent(subj, l, p, &it) != ind || it)
			break;
		*hi = p;
	}
}

/* Does [lo, hi) hold a tag key whose value is Name: Key=Name,
 * "Key": "Name", Key: Name, <key>Name</key>? */
static int
has_name_key(const char *subj, size_t lo, size_t hi)
{
	size_t p, q;

	for (p = lo; p + 3 < hi; p++) {
		if ((p > lo && isalnum((unsigned char)subj[p - 1])) ||
		    strncasecmp(subj + p, "key", 3) ||
		    isalnum((unsigned char)subj[p + 3]) || subj[p + 3] == '_')
			continue;
		for (q = p + 3; q < hi && is_in(subj[q], "\\\"' \t"); q++)
			;
		if (q >= hi || !is_in(subj[q], ":=>"))
			continue;
		for (q++; q < hi && is_in(subj[q], "\\\"' \t"); q++)
			;
		if (q + 4 <= hi && !memcmp(subj + q, "Name", 4) &&
		    (q + 4 == hi || !isalnum((unsigned char)subj[q + 4])) &&
		    (q + 4 == hi || !is_in(subj[q + 4], "_-:.")))
			return 1;
	}
	return 0;
}

/* EC2's XML: <key>Name</key> right before <value>, or right after
 * </value>. */
static int
xml_name_tag(const char *subj, size_t len, struct am_match *m)
{
	static const char kn[] = "<key>Name</key>";
	size_t kl = sizeof(kn) - 1, p = m->start, q = m->end + 8;

	while (p > 0 && is_in(subj[p - 1], " \t\r\n"))
		p--;
	while (q < len && is_in(subj[q], " \t\r\n"))
		q++;
	if ((p >= kl && !memcmp(subj + p - kl, kn, kl)) ||
	    (q + kl <= len && !memcmp(subj + q, kn, kl))) {
		if (am_name_placeholder(subj + m->start + 7, m->end - m->start - 7))
			return 0;
		add_part(m, m->start + 7, m->end, "NAME_TAG", "resource-name");
		return 1;
	}
	return 0;
}

static int
split_name_tag(const char *subj, size_t len, struct am_match *m)
{
	size_t vs = m->start, ve = m->end, lo, hi, floor, ceil;
	int shorthand, yaml;

	if (subj[vs] == '<')
		return xml_name_tag(subj, len, m);
	while (!is_in(subj[vs], ":="))
		vs++;
	shorthand = subj[vs] == '=';
	yaml = subj[vs] == ':';
	for (vs++; vs < ve && is_in(subj[vs], " \t\\\"'"); vs++)
		;
	if (vs < ve && is_in(subj[vs - 1], "\"'"))
		shorthand = yaml = 0;		/* quoted: JSON or shell */
	while (ve > vs && is_in(subj[ve - 1], " \t"))
		ve--;
	/* CloudFormation's !Ref, !Sub and ${...}: not the name itself. */
	if (ve <= vs || am_name_placeholder(subj + vs, ve - vs) ||
	    subj[vs] == '!' || memmem(subj + vs, ve - vs, "${", 2) ||
	    memmem(subj + vs, ve - vs, "{{", 2))
		return 0;
	floor = m->start > TAG_AROUND ? m->start - TAG_AROUND : 0;
	ceil = len - m->end > TAG_AROUND ? m->end + TAG_AROUND : len;
	if (yaml) {
		yaml_item(subj, floor, ceil, m->start, &lo, &hi);
		goto check;
	}
	for (lo = m->start; lo > floor; lo--) {
		char c = subj[lo - 1];

		if (is_in(c, "{[(}])") || (shorthand && is_in(c, " \t\n")))
			break;
		if (c == '\n' && lo >= 2 && subj[lo - 2] == '\n')
			break;
	}
	for (hi = m->end; hi < ceil; hi++) {
		char c = subj[hi];

		if (is_in(c, "{[(}])") || (shorthand && is_in(c, " \t\r\n")))
			break;
		if (c == '\n' && hi + 1 < ceil && is_in(subj[hi + 1], "\r\n"))
			break;
	}
check:
	if (!has_name_key(subj, lo, m->start) && !has_name_key(subj, m->end, hi))
		return 0;
	add_part(m, vs, ve, "NAME_TAG", "resource-name");
	return 1;
}

/*
 * Names the prose calls out: "a role named ``Test-Role``", "the table
 * called `GameScores`", "bucket named *my-logs*".  A resource noun, then
 * "named" or "called", then the name in Markdown, reStructuredText or
 * AsciiDoc code or emphasis, or quotes.  The noun picks the prefix.
 */
#define PROSE_NOUNS \
	"(?:user|table|cluster|bucket|role|trail|stream|group|function|" \
	"index|topic|service|policy|alias|queue|secret|stack|repository|" \
	"distribution|database|domain|key[ \\t]pair|instance|pipeline|" \
	"workgroup|rule|alarm|parameter)"
#define PROSE_NAME_PAT \
	"(?i:(?<![A-Za-z0-9_-])" PROSE_NOUNS "s?[ \\t]+(?:named|called)[ \\t]+)" \
	"(?:``|[`*\"'])[A-Za-z0-9_](?:[A-Za-z0-9_.@+=/-]{0,126}" \
	"[A-Za-z0-9_])?(?=``|[`*\"'])"

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

static int
split_prose_name(const char *subj, size_t len, struct am_match *m)
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
	for (vs = m->end; vs > m->start && !is_in(subj[vs - 1], "`*\"'"); vs--)
		;
	/* Prose is the weakest context: a file, a number, a placeholder, a
	 * short or common word (a cluster named ``prod``, a parameter
	 * named 'code') or an AWS managed policy is left alone. */
	if (vs >= m->end || !am_name_learnable(subj + vs, m->end - vs) ||
	    all_digits(subj + vs, m->end - vs) ||
	    (!strcmp(prefix, "IAM_POLICY") &&
	    am_name_aws_policy(subj + vs, m->end - vs)))
		return 0;
	add_part(m, vs, m->end, prefix, "resource-name");
	return 1;
}

/*
 * AROA...:name is a role session's principal ID (CloudTrail principalId,
 * sts get-caller-identity's UserId, aws:userid): the unique ID, then the
 * session name, a name like the one an assumed-role ARN ends with.  EC2
 * names a session after its instance: that is the instance ID.
 */
static int
split_iam_id(const char *subj, size_t len, struct am_match *m)
{
	size_t c = find_any(subj, m->start, m->end, ":");
	const struct resource_id *id;

	(void)len;
	add_part(m, m->start, c, m->kind->prefix, NULL);
	if (c + 1 < m->end) {
		if ((id = find_resource_id(subj + c + 1, m->end - c - 1)))
			add_part(m, c + 1, m->end, id->prefix, id->kind);
		else if (!am_name_placeholder(subj + c + 1, m->end - c - 1))
			add_part(m, c + 1, m->end, "IAM_USER", NULL);
	}
	return 1;
}

/* app/NAME/ID, net/..., gwy/..., targetgroup/NAME/ID: the name and the
 * ID, both with the load balancer's (or target group's) prefix. */
static int
split_elb_name_id(const char *subj, size_t len, struct am_match *m)
{
	size_t s = find_any(subj, m->start, m->end, "/") + 1;
	size_t e = find_any(subj, s, m->end, "/");
	const char *prefix = subj[m->start] == 't' ? "TARGET_GROUP" : "ELB";

	(void)len;
	add_part(m, s, e, prefix, NULL);
	add_part(m, e + 1, m->end, prefix, NULL);
	return m->nparts == 2;
}

static int
split_aws_id(const char *subj, size_t len, struct am_match *m)
{
	(void)len;
	if (find_resource_id(subj + m->start, m->end - m->start))
		return 0;
	add_part(m, m->start, m->end, "AWS_ID", NULL);
	return 1;
}

/*
 * Under a key or flag that says it holds an ID (VpcId, "ImageId",
 * <groupId>, image_id:, --instance-ids), a value of a known prefix is
 * that kind's ID whatever the shape of its tail, as documents write
 * them (vpc-1234567890abcdefg, tgw-0bf0bffefaEXAMPLE, sg-1234): three
 * to 24 letters or digits, one digit at least.  A prefix no kind knows
 * is left to the aws-id row's strict form (RequestId: req-12345 is no
 * resource).  In free text only the strict form is an ID.  A plural
 * flag gives up to four; a flag reaches here through split_name(),
 * whose row matches every --flag first.
 */
#define KEYED_ID_VALUE \
	"[a-z][a-z0-9]{0,24}(?:-[a-z][a-z0-9]{0,24}){0,4}-[0-9A-Za-z]{3,24}" \
	"(?![A-Za-z0-9_-])"
#define KEYED_ID_PAT \
	"(?:\\\\?\"(?:[A-Za-z][A-Za-z0-9]{0,40}(?:Id|ID)|[a-z][a-z0-9_]{0,40}_id)s?" \
	"\\\\?\"[ \\t]*:[ \\t]*\\\\?\"" \
	"|<[A-Za-z][A-Za-z0-9]{0,40}(?:Id|ID)>" \
	"|(?<![A-Za-z0-9_-])(?:[A-Za-z][A-Za-z0-9]{0,40}+(?<=Id|ID)|" \
	"[a-z][a-z0-9_]{0,40}+(?<=_id))[\"']?[ \\t]*[:=][ \\t]*[\"']?" \
	")" KEYED_ID_VALUE

/* Does [p, p+n) hold a digit? */
static int
has_digit(const char *p, size_t n)
{
	while (n--)
		if (isdigit((unsigned char)*p++))
			return 1;
	return 0;
}

static int
split_keyed_id(const char *subj, size_t len, struct am_match *m)
{
	size_t p = m->start, s, e, i, l = 0;
	int plural;

	(void)len;
	/* Past the key: the first value starts after its separator. */
	if (subj[p] == '-') {
		e = find_any(subj, p, m->end, " \t=");
		plural = subj[e - 1] == 's';
		p = e;
	} else {
		plural = 0;
		p = find_any(subj, p + 1, m->end, ":=>");
	}
	while (p < m->end && m->nparts < AM_MAX_PARTS) {
		while (p < m->end && is_in(subj[p], ":=>\\\"' \t"))
			p++;
		s = p;
		while (p < m->end && !is_in(subj[p], "\\\"' \t"))
			p++;
		e = p;
		for (i = 0; i < AM_ARRAY_SIZE(resource_ids); i++) {
			l = strlen(resource_ids[i].lit);
			if (e - s > l && !memcmp(subj + s, resource_ids[i].lit, l))
				break;
		}
		if (i < AM_ARRAY_SIZE(resource_ids) &&
		    has_digit(subj + s + l, e - s - l) &&
		    find_any(subj, s + l, e, "-") == e)
			add_part(m, s, e, resource_ids[i].prefix,
			    resource_ids[i].kind);
		if (!plural)
			break;
	}
	if (!m->nparts)
		return 0;
	m->end = m->parts[m->nparts - 1].end;
	return 1;
}

#define ID_ROW(name, prefix, lit, pat, tail, desc) \
	{ name, prefix, lit "(?<![A-Za-z0-9-]" lit ")" pat, NULL, desc, 0, \
	    NULL },

const struct am_kind am_kinds[] = {
	/* Structured forms first: they contain the bare kinds below. */
	{ "arn", "ARN", ARN_PAT, split_arn,
	    "ARN: account and resource name masked, the rest kept", 0,
	    "arn:|{arn-aws}" },
	{ "sqs-url", "SQS_QUEUE",
	    "(?=https?://|sqs\\.|queue\\.|[a-z]{2}-)" HL "(?:https?://)?"
	    "(?:sqs\\." REGION AWSCOM "|(?:" REGION "\\.)?queue"
	    "\\.amazonaws\\.com)"
	    "/[0-9][0-9A-Z]{9,11}/[A-Za-z0-9_-]{1,80}(?:\\.fifo)?" BR, split_sqs_url,
	    "SQS queue URL: account and queue name", 0, "amazonaws" },
	{ "ecr-registry", "ECR_URI",
	    "(?=[0-9])" HL "[0-9]{12}\\.dkr\\.ecr(?:-fips)?\\." REGION AWSCOM
	    "(?:/[a-z0-9](?:[a-z0-9._/-]{0,254}[a-z0-9])?)?" HR, split_ecr,
	    "ECR registry and repository: account and repository", 0,
	    "amazonaws" },
	{ "s3-uri", "BUCKET",
	    "(?=s3)(?<![A-Za-z0-9_.-])s3[an]?://(?!arn:)" BUCKET, split_s3_uri,
	    "s3:// URI: the bucket (the key is kept and scanned)", 0, "s3" },
	{ "s3-virtual-host", "BUCKET",
	    "(?=[a-z0-9])" HL "(?!vpce-)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"
	    "\\.s3(?:[.-][a-z0-9-]{1,40}){0,3}" AWSCOM HR, split_s3_vhost,
	    "virtual-hosted S3 endpoint: the bucket", 0, "amazonaws" },
	{ "s3-path-url", "BUCKET",
	    "(?=[sc])" HL "(?:s3(?:[.-](?:dualstack\\.)?[a-z0-9-]{1,40}){0,2}"
	    AWSCOM "/" BUCKET "|(?:s3\\.)?console\\.aws\\.amazon\\.com/s3/"
	    "(?:buckets|object)/" BUCKET ")", split_s3_path,
	    "path-style S3 URL or S3 console URL: the bucket", 0, "s3" },
	{ "ec2-hostname", "EC2_HOST",
	    "(?=ip-|ec2-|i-)" HL "(?:ip(?:-[0-9]{1,3}){4}|"
	    "ec2(?:-[0-9]{1,3}){4}|"
	    "i-[0-9a-f]{17})\\.(?:ec2\\.internal|compute-1\\.internal|" REGION
	    "\\.compute\\.internal|compute-1\\.amazonaws\\.com|" REGION
	    "\\.compute" AWSCOM ")" HR, split_host,
	    "EC2 private or public DNS name: the host label", 0,
	    "amazonaws|.internal" },
	{ "rds-endpoint", "RDS",
	    "(?=[a-z0-9])" HL "[a-z0-9][a-z0-9-]{0,62}+\\."
	    "(?:cluster-(?:ro-|custom-)?|proxy-)?[a-z0-9]{6,16}\\." REGION
	    "\\.rds" AWSCOM HR, split_host,
	    "RDS endpoint: instance name and identifier", 0, "amazonaws" },
	{ "elasticache-endpoint", "ELASTICACHE",
	    "(?=[a-z0-9])" HL "[a-z0-9][a-z0-9-]{0,62}+"
	    "(?:\\.[a-z0-9-]{1,63}+){1,4}\\.[a-z]{3,5}[0-9]\\.cache" AWSCOM HR,
	    split_host, "ElastiCache endpoint: cluster labels", 0,
	    "amazonaws" },
	{ "redshift-endpoint", "REDSHIFT",
	    "(?=[a-z])" HL "[a-z][a-z0-9-]{0,62}+\\.[a-z0-9]{6,16}\\." REGION
	    "\\.redshift(?:-serverless)?" AWSCOM HR, split_host,
	    "Redshift endpoint: cluster name and identifier", 0, "amazonaws" },
	{ "elb-hostname", "ELB",
	    "(?=[A-Za-z0-9])" HL "(?:dualstack\\.)?(?:[A-Za-z0-9][A-Za-z0-9-]"
	    "{0,62}-[0-9]{6,12}\\." REGION "\\.elb|"
	    "[A-Za-z0-9][A-Za-z0-9-]{0,62}"
	    "-[0-9a-f]{16}\\.elb\\." REGION ")" AWSCOM HR, split_host,
	    "load balancer DNS name: the name label", 0, "amazonaws" },
	{ "api-gateway-host", "API_GW",
	    "(?=[a-z0-9])" HL "[a-z0-9]{10}\\.execute-api\\." REGION AWSCOM HR,
	    split_host, "API Gateway execute-api host: the API ID", 0,
	    "amazonaws" },
	{ "cloudfront-domain", "CLOUDFRONT",
	    "d(?<![A-Za-z0-9_.-]d)[a-z0-9]{12,13}\\.cloudfront\\.net" HR,
	    split_host, "CloudFront domain name: the distribution label", 0,
	    "cloudfront" },
	{ "eks-endpoint", "EKS_CLUSTER",
	    "(?=[0-9A-F])" HL "[0-9A-F]{32}\\.(?:[a-z0-9]{2,4}\\.)?" REGION
	    "\\.eks" AWSCOM HR, split_host,
	    "EKS API server endpoint: the cluster ID", 0, "amazonaws" },
	{ "eks-oidc-issuer", "EKS_CLUSTER",
	    "o(?<![A-Za-z0-9_.-]o)idc\\.eks\\." REGION AWSCOM
	    "/id/\\K[0-9A-Z]{32}(?![A-Za-z0-9_])", NULL,
	    "EKS OIDC issuer URL: the ID (the cluster endpoint's)", 0,
	    "amazonaws" },
	{ "lambda-url", "LAMBDA",
	    "(?=[a-z0-9])" HL "[a-z0-9]{32}\\.lambda-url\\." REGION
	    "\\.on\\.aws" HR, split_host, "Lambda function URL: the URL ID", 0,
	    ".on.aws" },
	{ "opensearch-endpoint", "OPENSEARCH",
	    "(?=[sv])" HL "(?:search|vpc)-[a-z][a-z0-9-]{2,27}-[a-z0-9]{10,32}"
	    "\\." REGION "\\.es" AWSCOM HR, split_host,
	    "OpenSearch domain endpoint: the domain label", 0, "amazonaws" },

	/* Credentials. */
	{ "secret-access-key", "SECRET_KEY",
	    "(?=[AaSs])(?i:(?<![A-Za-z0-9])(?:aws[_-]?)?secret[_-]?"
	    "(?:access[_-]?)?key\\\\?[\"']?[ \\t]*[:=][ \\t]*\\\\?[\"']?)"
	    "\\K[A-Za-z0-9/+=]{30,60}(?![A-Za-z0-9/+=])", NULL,
	    "secret access key after its key name", 0, NULL },
	{ "session-token", "SESSION_TOKEN",
	    "(?=[AaSsXx])(?i:(?<![A-Za-z0-9])(?:aws[_-]?)?(?:session|security)"
	    "[_-]?token\\\\?[\"']?[ \\t]*[:=][ \\t]*\\\\?[\"']?|"
	    "x-amz-security-token:[ \\t]*)\\K[A-Za-z0-9/+=]{16,}+", NULL,
	    "STS session token after its key name", 0, NULL },
	{ "access-key-id", "ACCESS_KEY",
	    "A(?<![A-Za-z0-9]A)(?:KIA|SIA)[A-Z0-9]{16}(?![A-Za-z0-9])", NULL,
	    "access key ID (AKIA, ASIA)", 0, NULL },
	{ "iam-unique-id", "IAM_ID",
	    "A(?<![A-Za-z0-9]A)(?:ROA[A-Z0-9]{16,17}(?::[A-Za-z0-9_+=.@-]{0,63}"
	    "[A-Za-z0-9_+=@-])?|(?:IDA|IPA|NPA|NVA|PKA|GPA|BIA|CCA|SCA|AGA)"
	    "[A-Z0-9]{16,17})(?![A-Za-z0-9])", split_iam_id,
	    "IAM unique ID (AIDA, AROA, ANPA, ...), and the session name in "
	    "AROA...:name", 0, NULL },

	/* Identifiers recognised by their context. */
	{ "account-id", "ACCOUNT", ACCOUNT_PAT, split_account,
	    "12-digit account ID in AWS context", 0, NULL },
	/*
	 * Under a key that names the kind, access key IDs and IAM unique IDs
	 * are taken by their shape alone, whatever their length
	 * (AIDAI23HXS3EXAMPLE, ASIAFFA5AFEC02FFCD8ED, "principalId":
	 * "AROAEXAMPLE:session"): 12 to 32 upper-case letters or digits.
	 */
	{ "keyed-access-key", "ACCESS_KEY",
	    "(?=[AaSs\\\\\"'<])(?i:(?:<|\\\\?[\"']?)(?<![A-Za-z0-9])(?:aws[_-]?)?"
	    "access[_-]?key(?:[_-]?id)?" KEY_SEP ")"
	    "\\K(?=[A-Z0-9]{0,31}[A-Z])[A-Z0-9]{12,32}"
	    "(?![A-Za-z0-9/+=])", NULL,
	    "access key ID of any length under an access key's key", 0, NULL },
	{ "keyed-iam-id", "IAM_ID",
	    "(?=[PpUuAa\\\\\"'<])(?i:(?:<|\\\\?[\"']?)(?<![A-Za-z0-9])(?:principal"
	    "|user|assumed[_-]?role)[_-]?id" KEY_SEP ")"
	    "\\K(?=[A-Z0-9]{0,31}[A-Z])[A-Z0-9]{12,32}"
	    "(?::[A-Za-z0-9_+=.@-]{0,63}[A-Za-z0-9_+=@-])?(?![A-Za-z0-9])",
	    split_iam_id, "IAM unique ID of any length under principalId, "
	    "userId or AssumedRoleId, and the session name after it", 0, NULL },
	{ "account-key", "ACCOUNT", ACCOUNT_CAMEL_PAT, NULL,
	    "12-digit account ID under a camel-case account key "
	    "(recipientAccountId: ...)", 0, NULL },
	{ "kms-key-id", "KMS_KEY",
	    "(?=[KkMm<\\\\\"-])(?:(?<![A-Za-z0-9_])key/|(?i:" Q
	    "[A-Za-z]{0,24}KeyId" Q "[ \\t]*:[ \\t]*" Q "|--(?:kms-)?key-id"
	    "(?:[ \\t]+|=)[\"']?|(?<![A-Za-z0-9_])(?:kms[_-]?(?:master[_-]?)?)?"
	    "key[_-]?id[ \\t]*[=:][ \\t]*[\"']?|<(?:[A-Za-z]{0,24})KeyId>))"
	    "\\K(?:" UUID "|mrk-[0-9a-f]{32})"
	    "(?![A-Za-z0-9_-])|" BL "mrk-[0-9a-f]{32}" BR, NULL,
	    "KMS key ID in context, or a multi-Region key ID", 0, NULL },
	{ "s3-canonical-user", "S3_CANONICAL",
	    "(?=[CcIiOo<\\\\\"',=-])(?:<ID>|(?i:(?<![A-Za-z0-9_])(?:canonical[_-]?user"
	    "(?:[_-]?id)?|owner[_-]?id)\\\\?[\"']?[ \\t]*[:=][ \\t]*\\\\?[\"']?|"
	    "(?<![A-Za-z0-9_])\\\\?[\"']?id\\\\?[\"']?[ \\t]*:[ \\t]*\\\\?[\"']?|"
	    "(?:[,=]|--grant-[a-z-]{1,24}[ \\t]+[\"']?)id="
	    "|(?<![A-Za-z0-9_])[\"']?id[\"']?[ \\t]*=[ \\t]*[\"']))"
	    "\\K[0-9a-f]{64}(?![0-9A-Za-z])", NULL,
	    "S3 canonical user ID (64 hex) after ID, CanonicalUser or <ID>", 0,
	    NULL },
	{ "route53-zone", "ROUTE53_ZONE",
	    "(?=[Hh<\\\\\"-])(?:(?<![A-Za-z0-9_])hostedzone/|(?i:" Q
	    "HostedZoneId" Q "[ \\t]*:[ \\t]*" Q
	    "|--hosted-zone-id(?:[ \\t]+|=)[\"']?|(?<![A-Za-z0-9_])"
	    "HostedZoneId[\"']?[ \\t]*[=:][ \\t]*[\"']?|<HostedZoneId>)"
	    "(?:/hostedzone/)?)\\KZ[A-Z0-9]{8,32}(?![A-Za-z0-9_])", NULL,
	    "Route 53 hosted zone ID in context", 0, NULL },
	{ "cloudfront-distribution", "CF_DIST",
	    "(?=[CcDd\\\\\"-])(?:(?<![A-Za-z0-9_])distributions?/|(?i:" Q
	    "DistributionId" Q "[ \\t]*:[ \\t]*" Q "|--distribution-id"
	    "(?:[ \\t]+|=)[\"']?|(?<![A-Za-z0-9_])DistributionId=|"
	    "(?<![A-Za-z0-9_-])distribution(?:[ \\t]+id)?(?:[ \\t]*[:=][ \\t]*|"
	    "[ \\t]+)[\"']?|"
	    "(?<![A-Za-z0-9_-])cloudfront[^\\r\\n]{1,200}?--id(?:[ \\t]+|=)"
	    "[\"']?)|" Q "Id" Q "[ \\t]*:[ \\t]*" Q
	    "(?=E[A-Z0-9]{12,14}\\\\?\"))\\KE[A-Z0-9]{11,14}(?![A-Za-z0-9_])",
	    NULL, "CloudFront distribution ID in context", 0, NULL },
	{ "log-group", "LOG_GROUP",
	    "/aws/(?<![A-Za-z0-9_./-]/aws/)(?!service/|reference/)"
	    "[a-z0-9-]{1,40}/\\K[A-Za-z0-9_.#/-]{0,511}[A-Za-z0-9_#-]", NULL,
	    "CloudWatch log group /aws/<service>/<name>: the name", 0,
	    "/aws/" },
	{ "elb-name-id", "ELB",
	    "(?=[agnt])(?<![A-Za-z0-9_./:-])(?:app|net|gwy|targetgroup)/"
	    "[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?/[0-9a-f]{16}"
	    "(?![A-Za-z0-9_/-]|\\.[A-Za-z0-9])", split_elb_name_id,
	    "load balancer or target group as app/NAME/ID (access logs, "
	    "CloudWatch dimensions): name and ID", 0, NULL },
	{ "resource-name", "RESOURCE_NAME",
	    "(?:(?=[A-GI-LNP-UWa-gi-lnp-uw\\\\\"'-])" NAME_PAT "|"
	    TF_NAME_PAT ")", split_name,
	    "resource name under an AWS naming key (RoleName, roleName, "
	    "ROLE_NAME=, --role-name, GroupName, ...)", 0, NULL },
	{ "keyed-id", "AWS_ID", KEYED_ID_PAT, split_keyed_id,
	    "EC2-style ID of any tail under a key or flag that says ID "
	    "(VpcId, <groupId>, --image-ids)", 0, NULL },
	{ "prose-name", "RESOURCE_NAME", PROSE_NAME_PAT, split_prose_name,
	    "name the prose calls out: a role named ``Test-Role``", 0,
	    NULL },
	{ "name-tag", "NAME_TAG", TAG_VALUE_PAT, split_name_tag,
	    "value of a Name tag, in every shape a tag is written "
	    "(Key=Name,Value=web-1, JSON, YAML, XML)", 0, NULL },
	{ "cognito-user-pool", "COGNITO_POOL",
	    "(?=[a-z]{2}-)" BL REGION "_[A-Za-z0-9]{9}" BR, NULL,
	    "Cognito user pool ID", 0, NULL },

	/* The bare EC2 host label, after the full host names above. */
	{ "ec2-host-label", "EC2_HOST",
	    "ip-(?<![A-Za-z0-9_.-]ip-)[0-9]{1,3}(?:-[0-9]{1,3}){3}"
	    "(?![A-Za-z0-9_]|[.-][0-9])",
	    split_host_label, "EC2 host label ip-10-0-1-23", 0, "ip-" },

	/* Resource IDs. */
	RESOURCE_IDS(ID_ROW)
	/*
	 * Every other EC2-style ID (iew-, cks-, iip-assoc-, import-ami-,
	 * ipv4pool-ec2-, tgw-mcast-domain-, ...): a lower-case prefix of one
	 * to five hyphen-joined words, then 8 hex digits with a digit and a
	 * letter among them, or 17; not glued to a file extension or to
	 * more words (index-9f3c2a1b.css, web-1a2b3c4d-x2z4q), nor after a
	 * backslash (\u0069-..., an escape in text mode).  After the
	 * rows above, so that their IDs keep their own prefixes.
	 */
	{ "aws-id", "AWS_ID",
	    "(?=[a-z])" BL "(?<!\\\\)[a-z][a-z0-9]{0,24}(?:-[a-z][a-z0-9]{0,24}){0,4}-"
	    "(?:[0-9a-f]{17}|(?=[a-f]{0,7}[0-9])(?=[0-9]{0,7}[a-f])[0-9a-f]{8})"
	    "(?![A-Za-z0-9_]|[.-][A-Za-z0-9])", split_aws_id, "any other EC2-style ID: <prefix>-<8 or 17 hex>", 0,
	    NULL },

	/* Addresses, after everything that contains them. */
	{ "ipv6", "IPV6",
	    "(?=[0-9A-Fa-f:])(?<![A-Za-z0-9_:.])"
	    "(?=[0-9A-Fa-f]{0,4}:[0-9A-Fa-f]{0,4}:)"
	    "[0-9A-Fa-f:]{2,39}(?:(?<=:)(?:[0-9]{1,3}\\.){3}[0-9]{1,3})?"
	    "(?:/(?:12[0-8]|1[01][0-9]|[1-9]?[0-9]))?"
	    "(?![A-Za-z0-9_:]|\\.[0-9]|/[0-9])", split_ipv6,
	    "IPv6 address or CIDR (the /nn is kept)", 0, NULL },
#define OCT "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
#define V4END "(?:/(?:3[0-2]|[12][0-9]|[0-9])(?![0-9]))?" \
	"(?![A-Za-z0-9_]|\\.[0-9])"
	{ "ipv4", "PUBLIC_IP",
	    "(?=[0-9])(?<![A-Za-z0-9_.])" OCT "(?:\\." OCT "){3}" V4END,
	    split_ipv4,
	    "IPv4 address or CIDR: PRIVATE_IP or PUBLIC_IP (the /nn is kept)",
	    0, NULL },
	{ "ipv4-private", "PRIVATE_IP",
	    "(?=1)(?<![A-Za-z0-9_.])(?:10(?:\\." OCT "){3}|172\\."
	    "(?:1[6-9]|2[0-9]|"
	    "3[01])(?:\\." OCT "){2}|192\\.168(?:\\." OCT "){2}|100\\."
	    "(?:6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7])(?:\\." OCT "){2})"
	    V4END, split_ipv4,
	    "private IPv4 address only (RFC 1918, 100.64.0.0/10)", 0, NULL },

	/*
	 * The scanner builds this pattern from every prefix, in the
	 * tolerant grammar awsunmask reads (token.c).
	 */
	{ "token-literal", "LITERAL", NULL, split_token_literal,
	    "text awsunmask would read as one of our tokens (ec2-001 too)",
	    0, NULL },
};

const size_t am_nkinds = AM_ARRAY_SIZE(am_kinds);
