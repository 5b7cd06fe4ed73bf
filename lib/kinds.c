/*
 * kinds.c - every identifier kind awsmask knows: one row of data each
 * (name, token prefix, PCRE2 pattern, splitter), and the resource IDs'
 * table the splitters share.  The patterns are in patterns.h; the
 * splitters that validate structured matches and cut them into
 * identifying parts are in the files named after what they decide
 * (accounts.c, arn.c, hosts.c, ip.c, naming.c, tags.c, ids.c).
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
 * skipped in a block without any; the scanner keeps AM_MAX_NEEDLES
 * (16) at most, so rows share them ("amazonaws"), and test_scanner
 * fails when the catalogue names more.  Rows whose context is matched without
 * regard to case name none: memmem() is not caseless.
 *
 * Rules every pattern keeps: non-capturing groups only, no
 * backreferences, fixed-length lookbehinds, no newline ever matched
 * ([ \t] instead of \s), every quantifier bounded so that no match is
 * longer than AM_MAX_MATCH.  Context that must be present but not
 * replaced sits before \K.
 */
#include "detect.h"
#include "patterns.h"

#include <string.h>

/* A CloudFront ID (distribution, origin access identity) under a bare
 * "Id" key: E and 11 to 14 upper-case letters or digits, a digit among
 * them. */
#define CF_ID_SHAPE "E(?=[A-Z]{0,13}[0-9])[A-Z0-9]{11,14}"

/*
 * An organization ID without a digit (o-exampleorgid) only where it
 * cannot be a word: before a path's /r-, /ou- or /<account>/
 * (Organizations' Paths, an organization trail's AWSLogs/o-.../), or as
 * a quoted value of its own ("Id": "o-...").
 */
#define ORG_NODIGIT "[0-9a-z]{10,32}(?=/(?:r-|ou-|[0-9]{12}/))" \
	"|(?<=: \"o-|:\"o-)[0-9a-z]{10,32}(?=\\\\?\")"

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
#define T_ROOT		"0123456789abcdefghijklmnopqrstuvwxyz", 4, 32
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
    "(?=[a-z-]{0,65}[0-9])[0-9a-z]{4,32}-[0-9a-z]{8,32}" BR, T_OU, \
    "AWS Organizations organizational unit ID") \
X("organization", "ORG", "o-", "(?:(?=[a-z]{0,31}[0-9])[0-9a-z]{10,32}" BR \
    "|" ORG_NODIGIT ")", T_ORG, "AWS Organizations organization ID") \
X("org-root", "ORG", "r-", "[0-9a-z]{4,32}(?=/(?:ou-|[0-9]{12}/))", \
    T_ROOT, "AWS Organizations root ID, in a path") \
X("dx-connection", "DX", "dxcon-", "[0-9a-z]{8}" BR, T_ALNUM, \
    "Direct Connect connection ID") \
X("dx-lag", "DX", "dxlag-", "[0-9a-z]{8}" BR, T_ALNUM, \
    "Direct Connect link aggregation group ID") \
X("dx-vif", "DX", "dxvif-", "[0-9a-z]{8}" BR, T_ALNUM, \
    "Direct Connect virtual interface ID") \
X("rds-resource-id", "RDS", "db-", "[0-9A-Z]{26}" BR, T_UPPER, \
    "RDS DB instance resource ID (DbiResourceId)") \
X("rds-cluster-resource-id", "RDS", "cluster-", "[0-9A-Z]{26}" BR, \
    T_UPPER, "RDS DB cluster resource ID")

#define ID_ENTRY(name, prefix, lit, pat, tail, desc) \
	{ lit, prefix, name, tail },
const struct resource_id am_resource_ids[] = {
	RESOURCE_IDS(ID_ENTRY)
};
const size_t am_nresource_ids = AM_ARRAY_SIZE(am_resource_ids);

/* The resource ID that [p, p+n) is, or NULL. */
const struct resource_id *
am_find_resource_id(const char *p, size_t n)
{
	size_t i, j;

	for (i = 0; i < am_nresource_ids; i++) {
		const struct resource_id *r = &am_resource_ids[i];
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

#define ID_ROW(name, prefix, lit, pat, tail, desc) \
	{ name, prefix, lit "(?<![A-Za-z0-9-]" lit ")" pat, NULL, desc, 0, \
	    NULL },

const struct am_kind am_kinds[] = {
	/* Structured forms first: they contain the bare kinds below. */
	{ "arn", "ARN", ARN_PAT, am_split_arn,
	    "ARN: account and resource name masked, the rest kept", 0,
	    "arn:|{arn-aws}" },
	{ "sqs-url", "SQS_QUEUE",
	    "(?=https?://|sqs\\.|queue\\.|[a-z]{2}-)" HL "(?:https?://)?"
	    "(?:sqs\\." REGION AWSCOM "|(?:" REGION "\\.)?queue"
	    "\\.amazonaws\\.com)"
	    "/[0-9][0-9A-Z]{9,11}/[A-Za-z0-9_-]{1,80}(?:\\.fifo)?" BR,
	    am_split_sqs_url,
	    "SQS queue URL: account and queue name", 0, "amazonaws" },
	{ "ecr-registry", "ECR_URI",
	    "(?=[0-9])" HL "[0-9]{12}\\.dkr\\.ecr(?:-fips)?\\." REGION AWSCOM
	    "(?:/[a-z0-9](?:[a-z0-9._/-]{0,254}[a-z0-9])?)?" HR, am_split_ecr,
	    "ECR registry and repository: account and repository", 0,
	    "amazonaws" },
	{ "s3-uri", "BUCKET",
	    "(?=s3)(?<![A-Za-z0-9_.-])s3[an]?://(?!arn:)" BUCKET,
	    am_split_s3_uri,
	    "s3:// URI: the bucket (the key is kept and scanned)", 0, "s3" },
	{ "s3-virtual-host", "BUCKET",
	    "(?=[a-z0-9])" HL "(?!vpce-)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"
	    "\\.s3(?:[.-][a-z0-9-]{1,40}){0,3}" AWSCOM
	    /* HR, but for a CloudFront origin ID's suffix: the console
	     * names an origin after its bucket's host, and people add to
	     * it (bucket.s3.amazonaws.com-cli-example); a dotted tail
	     * (.com-x.net) is another host. */
	    "(?![A-Za-z0-9_]|\\.[A-Za-z0-9]|-[A-Za-z0-9_-]{0,64}+\\.[A-Za-z0-9])",
	    am_split_s3_vhost,
	    "virtual-hosted S3 endpoint: the bucket", 0, "amazonaws" },
	{ "s3-path-url", "BUCKET",
	    "(?=[sc])" HL "(?:s3(?:[.-](?:dualstack\\.)?[a-z0-9-]{1,40}){0,2}"
	    AWSCOM "/" BUCKET "|(?:s3\\.)?console\\.aws\\.amazon\\.com/s3/"
	    "(?:buckets|object)/" BUCKET ")", am_split_s3_path,
	    "path-style S3 URL or S3 console URL: the bucket", 0, "s3" },
	{ "ec2-hostname", "EC2_HOST",
	    "(?=ip-|ec2-|i-)" HL "(?:ip(?:-[0-9]{1,3}){4}|"
	    "ec2(?:-[0-9]{1,3}){4}|"
	    "i-[0-9a-f]{17})\\.(?:ec2\\.internal|compute-1\\.internal|" REGION
	    "\\.compute\\.internal|compute-1\\.amazonaws\\.com|" REGION
	    "\\.compute" AWSCOM ")" HR, am_split_host,
	    "EC2 private or public DNS name: the host label", 0,
	    "amazonaws|.internal" },
	{ "rds-endpoint", "RDS",
	    "(?=[A-Za-z0-9])" HL "[A-Za-z0-9][A-Za-z0-9-]{0,62}+(?:\\."
	    "(?:cluster-(?:ro-|custom-)?|proxy-)?[a-z0-9]{6,16})?\\." REGION
	    "\\.rds" AWSCOM HR, am_split_host,
	    "RDS endpoint: instance name and identifier", 0, "amazonaws" },
	{ "elasticache-endpoint", "ELASTICACHE",
	    "(?=[a-z0-9])" HL "[a-z0-9][a-z0-9-]{0,62}+"
	    "(?:\\.[a-z0-9-]{1,63}+){1,4}\\.[a-z]{3,5}[0-9]\\.cache" AWSCOM HR,
	    am_split_host, "ElastiCache endpoint: cluster labels", 0,
	    "amazonaws" },
	{ "redshift-endpoint", "REDSHIFT",
	    "(?=[a-z])" HL "[a-z][a-z0-9-]{0,62}+\\.[a-z0-9]{6,16}\\." REGION
	    "\\.redshift(?:-serverless)?" AWSCOM HR, am_split_host,
	    "Redshift endpoint: cluster name and identifier", 0, "amazonaws" },
	{ "elb-hostname", "ELB",
	    "(?=[A-Za-z0-9])" HL "(?:dualstack\\.)?(?:[A-Za-z0-9][A-Za-z0-9-]"
	    "{0,62}-[0-9]{6,12}\\." REGION "\\.elb|"
	    "[A-Za-z0-9][A-Za-z0-9-]{0,62}"
	    "-[0-9a-f]{16}\\.elb\\." REGION ")" AWSCOM HR, am_split_host,
	    "load balancer DNS name: the name label", 0, "amazonaws" },
	{ "api-gateway-host", "API_GW",
	    "(?=[a-z0-9])" HL "[a-z0-9]{10}\\.execute-api\\." REGION AWSCOM HR,
	    am_split_host, "API Gateway execute-api host: the API ID", 0,
	    "amazonaws" },
	{ "cloudfront-domain", "CLOUDFRONT",
	    "(?=[a-z0-9])" HL "(?=[a-z]{0,31}[0-9])[a-z0-9]{8,32}"
	    "\\.cloudfront\\.net" HR,
	    am_split_host, "CloudFront domain name: the distribution label", 0,
	    "cloudfront" },
	{ "eks-endpoint", "EKS_CLUSTER",
	    "(?=[0-9A-Z])" HL "(?=[A-Z]{0,39}[0-9])[0-9A-Z]{16,40}"
	    "\\.(?:[a-z0-9]{2,4}\\.)?" REGION
	    "\\.eks" AWSCOM HR, am_split_host,
	    "EKS API server endpoint: the cluster ID", 0, "amazonaws" },
	{ "eks-oidc-issuer", "EKS_CLUSTER",
	    "o(?<![A-Za-z0-9_.-]o)idc\\.eks\\." REGION AWSCOM
	    "/id/\\K[0-9A-Z]{16,40}(?![A-Za-z0-9_])", NULL,
	    "EKS OIDC issuer URL: the ID (the cluster endpoint's)", 0,
	    "amazonaws" },
	{ "lambda-url", "LAMBDA",
	    "(?=[a-z0-9])" HL "[a-z0-9]{32}\\.lambda-url\\." REGION
	    "\\.on\\.aws" HR, am_split_host,
	    "Lambda function URL: the URL ID", 0,
	    ".on.aws" },
	{ "opensearch-endpoint", "OPENSEARCH",
	    "(?=[sv])" HL "(?:search|vpc)-[a-z][a-z0-9-]{2,27}-[a-z0-9]{10,32}"
	    "\\." REGION "\\.es" AWSCOM HR, am_split_host,
	    "OpenSearch domain endpoint: the domain label", 0, "amazonaws" },
	{ "beanstalk-host", "EB_ENV",
	    "(?=[A-Za-z0-9])" HL "[A-Za-z0-9][A-Za-z0-9-]{0,62}+"
	    "(?:\\.eba-[a-z0-9]{8})?(?:\\." REGION ")?\\.elasticbeanstalk"
	    "(?:\\.amazonaws)?\\.com" HR, am_split_host,
	    "Elastic Beanstalk environment CNAME: the environment label", 0,
	    "elasticbeanstalk" },
	{ "awsapps-host", "DIRECTORY",
	    "(?=[A-Za-z0-9])" HL "[A-Za-z0-9][A-Za-z0-9-]{0,62}+"
	    "\\.awsapps\\.com" HR, am_split_host,
	    "AWS access portal or directory URL: the alias", 0, "awsapps" },

	/* Credentials. */
	{ "secret-access-key", "SECRET_KEY",
	    "(?=[AaSs])(?i:(?<![A-Za-z0-9])(?:aws[_-]?)?secret[_-]?"
	    "(?:access[_-]?)?key\\\\?[\"']?[ \\t]*[:=][ \\t]*\\\\?[\"']?)"
	    "\\K[A-Za-z0-9/+=]{30,60}(?![A-Za-z0-9/+=])", NULL,
	    "secret access key after its key name", 0, NULL },
	{ "session-token", "SESSION_TOKEN",
	    "(?=[AaSsXxWw-])(?:(?i:(?<![A-Za-z0-9])(?:aws[_-]?)?(?:session|security)"
	    "[_-]?token\\\\?[\"']?[ \\t]*[:=][ \\t]*\\\\?[\"']?|"
	    "x-amz-security-token:[ \\t]*)\\K[A-Za-z0-9/+=]{16,}+"
	    "|(?i:(?<![A-Za-z0-9])web[_-]?identity[_-]?token\\\\?[\"']?[ \\t]*"
	    "[:=][ \\t]*\\\\?[\"']?|--web-identity-token(?:[ \\t]+|=)[\"']?)"
	    "\\K[A-Za-z0-9/+=%|._-]{16,}+)", NULL,
	    "STS session token after its key name, or a web identity token "
	    "(OIDC or Login with Amazon) after its own", 0, NULL },
	{ "access-key-id", "ACCESS_KEY",
	    "A(?<![A-Za-z0-9]A)(?:KIA|SIA)[A-Z0-9]{16}(?![A-Za-z0-9])", NULL,
	    "access key ID (AKIA, ASIA)", 0, NULL },
	{ "iam-unique-id", "IAM_ID",
	    "A(?<![A-Za-z0-9]A)(?:ROA[A-Z0-9]{16,17}(?::[A-Za-z0-9_+=.@-]{0,63}"
	    "[A-Za-z0-9_+=@-])?|(?:IDA|IPA|NPA|NVA|PKA|GPA|BIA|CCA|SCA|AGA)"
	    "[A-Z0-9]{16,17})(?![A-Za-z0-9])", am_split_iam_id,
	    "IAM unique ID (AIDA, AROA, ANPA, ...), and the session name in "
	    "AROA...:name", 0, NULL },

	/* Identifiers recognised by their context. */
	{ "account-id", "ACCOUNT", ACCOUNT_PAT, am_split_account,
	    "12-digit account ID in AWS context", 0, NULL,
	    am_gate_account_id },
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
	    "(?=[PpUuAaFf\\\\\"'<])(?i:(?:<|\\\\?[\"']?)(?<![A-Za-z0-9])(?:principal"
	    "|(?:federated[_-]?)?user|assumed[_-]?role)[_-]?id" KEY_SEP ")"
	    "\\K(?:(?=[A-Z0-9]{0,31}[A-Z])[A-Z0-9]{12,32}|"
	    "[0-9]{10,12}(?=:[A-Za-z0-9_+=@]))"
	    "(?::[A-Za-z0-9_+=.@-]{0,63}[A-Za-z0-9_+=@-])?(?![A-Za-z0-9])",
	    am_split_iam_id, "IAM unique ID of any length under principalId, "
	    "userId or AssumedRoleId, and the session name after it; the "
	    "account and the name of a federated principal (<account>:<name>, "
	    "also under FederatedUserId)", 0, NULL,
	    am_gate_keyed_iam_id },
	{ "account-key", "ACCOUNT", ACCOUNT_CAMEL_PAT, NULL,
	    "12-digit account ID under a camel-case account key "
	    "(recipientAccountId: ...)", 0, NULL, am_gate_account_key },
	{ "kms-key-id", "KMS_KEY",
	    "(?=[KkMm<\\\\\"-])(?:(?<![A-Za-z0-9_])key/|(?i:" Q
	    "[A-Za-z]{0,24}KeyId" Q "[ \\t]*:[ \\t]*" Q "|--(?:[a-z]+-){0,2}key-id"
	    "(?:[ \\t]+|=)[\"']?|(?<![A-Za-z0-9_])(?:kms[_-]?(?:master[_-]?)?)?"
	    "key[_-]?id[ \\t]*[=:][ \\t]*[\"']?|<(?:[A-Za-z]{0,24})KeyId>"
	    "|(?<![A-Za-z0-9_])key[ \\t]+id[ \\t]+" MARKUP "))"
	    "\\K(?:" UUID "|mrk-[0-9a-f]{32})"
	    "(?![A-Za-z0-9_-])|" BL "mrk-[0-9a-f]{32}" BR, NULL,
	    "KMS key ID in context, or a multi-Region key ID", 0, NULL,
	    am_gate_kms_key_id },
	{ "s3-canonical-user", "S3_CANONICAL",
	    "(?=[BbCcIiOo<\\\\\"',=-])(?:<ID>|(?i:(?<![A-Za-z0-9_])(?:canonical[_-]?user"
	    "(?:[_-]?id)?|owner[_-]?id)\\\\?[\"']?[ \\t]*[:=][ \\t]*\\\\?[\"']?|"
	    "(?<![A-Za-z0-9_])\\\\?[\"']?id\\\\?[\"']?[ \\t]*:[ \\t]*\\\\?[\"']?|"
	    "(?:[,=]|--grant-[a-z-]{1,24}[ \\t]+[\"']?)id="
	    "|(?<![A-Za-z0-9_])[\"']?id[\"']?[ \\t]*=[ \\t]*[\"']))"
	    "\\K[0-9a-f]{64}(?![0-9A-Za-z])"
	    "|(?i:(?<![A-Za-z0-9_])\\\\?[\"']?bucket[_-]?owner\\\\?[\"']?[ \\t]*"
	    "[:=][ \\t]*\\\\?[\"']?)\\K[0-9a-f]{32,64}(?![0-9A-Za-z])", NULL,
	    "S3 canonical user ID (64 hex) after ID, CanonicalUser or <ID>, "
	    "and bucketowner", 0, NULL },
	{ "s3-access-log", "S3_CANONICAL",
	    "(?=[0-9a-f])(?<![0-9A-Za-z_.:/+=-])[0-9a-f]{64}(?: [a-z0-9]"
	    "[a-z0-9._-]{1,61}[a-z0-9](?= \\[[0-9]{2}/[A-Z][a-z]{2}/[0-9]{4}:)|"
	    "(?= ))", am_split_s3_log,
	    "fields of an S3 server access log line: the bucket owner's and "
	    "the requester's canonical IDs and the bucket", 0, NULL,
	    am_gate_s3_log },
	{ "route53-zone", "ROUTE53_ZONE",
	    "(?=[Hh<\\\\\"-])(?:(?<![A-Za-z0-9_])hostedzone/|(?i:" Q
	    "HostedZoneId" Q "[ \\t]*:[ \\t]*" Q
	    "|--hosted-zone-id(?:[ \\t]+|=)[\"']?|(?<![A-Za-z0-9_])"
	    "HostedZoneId[\"']?[ \\t]*[=:][ \\t]*[\"']?|<HostedZoneId>)"
	    "(?:/hostedzone/)?)\\KZ[A-Z0-9]{8,32}(?![A-Za-z0-9_])"
	    "|(?i:(?<![A-Za-z0-9_])hosted[ _-]zones?)(?=[^\\r\\n]{0,48}Z)"
	    "[^\\r\\n]{0,48}?[ \\t`'\"(=:/]"
	    "\\KZ(?=[A-Z]{0,31}[0-9])[A-Z0-9]{8,32}(?![A-Za-z0-9_])", NULL,
	    "Route 53 hosted zone ID in context, or after \"hosted zone\" in "
	    "prose (with a digit)", 0, NULL },
	{ "cloudfront-distribution", "CF_DIST",
	    "(?=[CcDdOo<\\\\\"-])(?:(?<![A-Za-z0-9_])distributions?/|(?i:" Q
	    "DistributionId" Q "[ \\t]*:[ \\t]*" Q "|--distribution-id"
	    "(?:[ \\t]+|=)[\"']?|(?<![A-Za-z0-9_])DistributionId=|"
	    "(?<![A-Za-z0-9_-])distribution(?:[ \\t]+id)?(?:[ \\t]*[:=][ \\t]*|"
	    "[ \\t]+)[\"']?|"
	    "(?<![A-Za-z0-9_-])cloudfront[^\\r\\n]{1,200}?--id(?:[ \\t]+|=)"
	    "[\"']?|(?<![A-Za-z0-9_-])origin[ -]access[ -]identity[ /]"
	    "(?:cloudfront/)?)|" Q "Id" Q "[ \\t]*:[ \\t]*" Q
	    "(?=" CF_ID_SHAPE "\\\\?\")|<Id>(?=" CF_ID_SHAPE "</Id>))"
	    "\\KE[A-Z0-9]{11,14}(?![A-Za-z0-9_])",
	    NULL, "CloudFront distribution ID in context", 0, NULL },
	{ "log-group", "LOG_GROUP",
	    "/aws/(?<![A-Za-z0-9_./-]/aws/)(?!service/|reference/)"
	    "[a-z0-9-]{1,40}/\\K[A-Za-z0-9_.#/-]{0,511}[A-Za-z0-9_#-]", NULL,
	    "CloudWatch log group /aws/<service>/<name>: the name", 0,
	    "/aws/" },
	{ "elb-name-id", "ELB",
	    "(?=[agnt])(?<![A-Za-z0-9_./:-])(?:app|net|gwy|targetgroup)/"
	    "[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?/[0-9a-f]{16}"
	    "(?![A-Za-z0-9_/-]|\\.[A-Za-z0-9])", am_split_elb_name_id,
	    "load balancer or target group as app/NAME/ID (access logs, "
	    "CloudWatch dimensions): name and ID", 0, NULL },
	{ "resource-name", "RESOURCE_NAME",
	    "(?:(?=[A-GI-LNOP-UWa-gi-lnop-uw\\\\\"'-])" NAME_PAT "|"
	    TF_NAME_PAT "|" TRAIL_DIGEST_PAT ")", am_split_name,
	    "resource name under an AWS naming key (RoleName, roleName, "
	    "ROLE_NAME=, --role-name, GroupName, ...)", 0, NULL,
	    am_gate_resource_name },
	{ "keyed-id", "AWS_ID", KEYED_ID_PAT, am_split_keyed_id,
	    "ID under a key, flag or filter that says ID (VpcId, <groupId>, "
	    "--image-ids, Name=vpc-id,Values=): EC2-style of any tail, or "
	    "opaque (DetectorId, TableId): RESOURCE_ID", 0, NULL,
	    am_gate_keyed_id },
	/* The elements of an ID or name list over several lines, one a
	 * line: the splitter finds the key above (ids.c, naming.c).  One
	 * row for both: at a start the first row that matches decides. */
	{ "keyed-id-item", "AWS_ID",
	    "(?=[\\\\\"-])(?:\\\\?\"|-(?<![^ \\t\\r\\n]-)[ \\t]{1,8}\\\\?\"?)\\K"
	    NAME_VALUE "(?=\\\\?\"?[ \\t]*,?[ \\t]*(?:\\r|\\n|$))",
	    am_split_keyed_item, "element of a list over several lines under "
	    "an ID key (\"SubnetIds\": [ then one a line; YAML - items), or "
	    "a name under a plural naming key (RoleNames, SSM's Names) or a "
	    "filter on Name (\"Key\": \"Name\", \"Values\": [)",
	    0, NULL },
	{ "prose-name", "RESOURCE_NAME", PROSE_NAME_PAT, am_split_prose_name,
	    "name the prose calls out: a role named ``Test-Role``", 0,
	    NULL, am_gate_prose_name },
	{ "name-tag", "NAME_TAG", TAG_VALUE_PAT, am_split_name_tag,
	    "value of a Name tag, in every shape a tag is written "
	    "(Key=Name,Value=web-1, JSON, YAML, XML)", 0, NULL },
	{ "cognito-user-pool", "COGNITO_POOL",
	    "(?=[a-z]{2}-)" BL REGION "(?:_[A-Za-z0-9]{9}|:" UUID ")" BR, NULL,
	    "Cognito user pool ID, identity pool ID or identity ID "
	    "(<region>:<UUID>)", 0, NULL },

	/* The bare EC2 host label, after the full host names above. */
	{ "ec2-host-label", "EC2_HOST",
	    "ip-(?<![A-Za-z0-9_.-]ip-)[0-9]{1,3}(?:-[0-9]{1,3}){3}"
	    "(?![A-Za-z0-9_]|[.-][0-9])",
	    am_split_host_label, "EC2 host label ip-10-0-1-23", 0, "ip-" },

	/* A VPC endpoint's DNS name: its ID, then a label of its own. */
	{ "vpc-endpoint-dns", "VPCE",
	    "vpce-(?<![A-Za-z0-9-]vpce-)[0-9a-f]{17}-[a-z0-9]{8}"
	    "(?=[.-][a-z0-9])", am_split_vpce_dns,
	    "VPC endpoint DNS name vpce-ID-label.*: the ID and the label", 0,
	    "vpce-" },

	/*
	 * Under a key that names the kind of resource ("instance":
	 * "i-0abc234", vpc: vpc-abc123, volume=vol-1a2b), a value of that
	 * kind's prefix is its ID whatever the length of its tail, as
	 * example records shorten them: 3 to 24 letters or digits, a digit
	 * among them.  am_split_kind_keyed_id() checks that the prefix is
	 * the key's kind.
	 */
	{ "kind-keyed-id", "AWS_ID",
	    "(?=[\\\\\"'IiVvSsAaEeNn])(?<![A-Za-z0-9_-])\\\\?[\"']?"
	    "(?i:instance|volume|vpc|subnet|snapshot|image|ami|eni|"
	    "network[_-]?interface|security[_-]?group)\\\\?[\"']?[ \\t]*"
	    "[:=][ \\t]*\\\\?[\"']?\\K[a-z]{1,6}-(?=[0-9a-z]{0,23}[0-9])"
	    "[0-9a-z]{3,24}(?![A-Za-z0-9_-]|\\.[A-Za-z0-9])",
	    am_split_kind_keyed_id,
	    "ID of any tail length under a key naming its kind (instance: "
	    "i-0abc234)", 0, NULL, am_gate_kind_key },

	/*
	 * A resource ID as Markdown escapes it in text: eni\-1235b8ca...,
	 * subnet\-11111111aaaaaaaaa, eni\-attach\-...: a known prefix
	 * (am_split_escaped_id() reads it without the backslashes) and 8
	 * hex digits with a digit among them, or 17.  Masked whole, the
	 * backslashes with it, under the ID's own token prefix.
	 */
	{ "escaped-id", "AWS_ID",
	    "(?=[a-z])" BL "(?<!\\\\)[a-z]{1,10}(?:\\\\-[a-z]{1,8}){0,2}"
	    "\\\\-(?:[0-9a-f]{17}|(?=[a-f]{0,7}[0-9])[0-9a-f]{8})"
	    "(?![A-Za-z0-9_])", am_split_escaped_id,
	    "resource ID whose hyphens Markdown escaped with a backslash: "
	    "its own kind's token", 0, "\\-" },

	/*
	 * API Gateway lists its REST APIs and API keys as objects with a
	 * bare "id" of ten lower-case letters and digits beside
	 * "createdDate" (get-rest-apis, get-api-keys): the splitter looks
	 * for that key in the same object.
	 */
	{ "api-gateway-id", "API_GW",
	    "(?=[\\\\\"])\\\\?\"id\\\\?\"[ \\t]*:[ \\t]*\\\\?\"\\K"
	    "(?=[a-z]{0,9}[0-9])(?=[0-9]{0,9}[a-z])[a-z0-9]{10}(?=\\\\?\")",
	    am_split_apigw_id, "API Gateway REST API or API key ID under a bare "
	    "\"id\" beside \"createdDate\"", 0, NULL },

	/* An automated RDS snapshot, rds:<instance>-<YYYY-MM-DD-HH-MM>:
	 * the instance's name; rds: and the time are AWS's. */
	{ "rds-automated-snapshot", "RDS",
	    "rds:(?<![A-Za-z0-9_.:/-]rds:)\\K[A-Za-z](?:[A-Za-z0-9-]{0,62}"
	    "[A-Za-z0-9])?(?=-[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{2}-[0-9]{2}"
	    "(?![A-Za-z0-9_-]))", NULL,
	    "automated RDS snapshot rds:NAME-YYYY-MM-DD-HH-MM: the instance "
	    "name", 0, NULL },

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
	    "(?![A-Za-z0-9_]|[.-][A-Za-z0-9])", am_split_aws_id,
	    "any other EC2-style ID: <prefix>-<8 or 17 hex>", 0,
	    NULL, am_gate_aws_id },

	/* Addresses, after everything that contains them. */
	{ "ipv6", "IPV6",
	    "(?=[0-9A-Fa-f:])(?<![A-Za-z0-9_:.])"
	    "(?=[0-9A-Fa-f]{0,4}:[0-9A-Fa-f]{0,4}:)"
	    "[0-9A-Fa-f:]{2,39}(?:(?<=:)(?:[0-9]{1,3}\\.){3}[0-9]{1,3})?"
	    "(?:/(?:12[0-8]|1[01][0-9]|[1-9]?[0-9]))?"
	    "(?![A-Za-z0-9_:]|\\.[0-9]|/[0-9])", am_split_ipv6,
	    "IPv6 address or CIDR (the /nn is kept)", 0, NULL, am_gate_ipv6 },
#define OCT "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
/* An address written with hyphens ("PrivateIpAddress": "10-0-0-157",
 * as the EC2 documentation does): am_split_ipv4() wants a key that
 * holds addresses before it. */
#define DASHED_IP \
	"(?<![A-Za-z0-9_.-])" OCT "(?:-" OCT "){3}(?![A-Za-z0-9_.-])"
/* Markdown escapes every '.' of an address in text (10\.0\.1\.5,
 * 54\.240\.143\.0/24): the escaped quad is one too, masked whole, the
 * backslashes with it (the round trip restores the bytes). */
#define ESC_DOT "\\\\\\."
#define V4END "(?:/(?:3[0-2]|[12][0-9]|[0-9])(?![0-9]))?" \
	"(?![A-Za-z0-9_]|\\\\?\\.[0-9])"
	{ "ipv4", "PUBLIC_IP",
	    "(?=[0-9])(?<![A-Za-z0-9_.])" OCT "(?:(?:\\." OCT "){3}|"
	    "(?:" ESC_DOT OCT "){3})" V4END "|" DASHED_IP,
	    am_split_ipv4,
	    "IPv4 address or CIDR: PRIVATE_IP or PUBLIC_IP (the /nn is kept)",
	    0, NULL },
	{ "ipv4-private", "PRIVATE_IP",
	    "(?=1)(?<![A-Za-z0-9_.])(?:10(?:\\." OCT "){3}|172\\."
	    "(?:1[6-9]|2[0-9]|"
	    "3[01])(?:\\." OCT "){2}|192\\.168(?:\\." OCT "){2}|100\\."
	    "(?:6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7])(?:\\." OCT "){2}"
	    "|10(?:" ESC_DOT OCT "){3}|172" ESC_DOT "(?:1[6-9]|2[0-9]|3[01])"
	    "(?:" ESC_DOT OCT "){2}|192" ESC_DOT "168(?:" ESC_DOT OCT "){2}"
	    "|100" ESC_DOT "(?:6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7])"
	    "(?:" ESC_DOT OCT "){2})"
	    V4END, am_split_ipv4,
	    "private IPv4 address only (RFC 1918, 100.64.0.0/10)", 0, NULL },

	/*
	 * The scanner builds this pattern from every prefix, in the
	 * tolerant grammar awsunmask reads (token.c).
	 */
	{ "token-literal", "LITERAL", NULL, am_split_token_literal,
	    "text awsunmask would read as one of our tokens (ec2-001 too)",
	    0, NULL },
};

const size_t am_nkinds = AM_ARRAY_SIZE(am_kinds);
