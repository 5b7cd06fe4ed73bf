#!/bin/sh
# Detection as documents and tools write identifiers (issue #13, classes
# 2, 3, 5 and 7): accounts in prose with markup, in mistyped and
# URL-encoded ARNs, in lists, objects, entries and paths; AWS
# Organizations IDs; addresses under address keys, in their arrays and
# with hyphens; the kinds known in one shape only (hosted zones,
# CloudFront, KMS, web identity tokens, Cognito identities, hosts, S3
# access log fields); IDs of any prefix under an ID key.  And what must
# stay: twelve digits in other paths and lists, versions, words.  Every
# case goes through the tool and back through awsunmask.

. "$(dirname "$0")/lib.sh"

test_expect_success 'accounts in prose, markup, flags and mistyped ARNs' '
	cat >in <<-\EOT &&
	The prefix lists owned by AWS account ``123456789012``. ::
	Grants access to the specified AWS account (222222222222) and *333333333333*.
	Replace [.replaceable]`444455556666` with your account ID.
	aws ram create-resource-share --principals 222222222222
	aws ec2 describe-managed-prefix-lists --filters Name=owner-id,Values=123456789012
	role_arn=arn:aws:iam:123456789012:role/Admin
	"arn": "arn: aws: sts: : 444455556666: assumed-role/Dev/x",
	"ARN": "aws:arn:secretsmanager:us-west-2:222222222222:secret:x",
	{"AWS:SourceArn": "arn:aws:*:*:698519295917:*"}
	GET /?Policy=%7B%22AWS%22%3A%20%22arn%3Aaws%3Aiam%3A%3A803981987763%3Aroot%22%7D
	EOT
	cat >expect <<-\EOT &&
	The prefix lists owned by AWS account ``ACCOUNT_001``. ::
	Grants access to the specified AWS account (ACCOUNT_002) and *333333333333*.
	Replace [.replaceable]`ACCOUNT_003` with your account ID.
	aws ram create-resource-share --principals ACCOUNT_002
	aws ec2 describe-managed-prefix-lists --filters Name=owner-id,Values=ACCOUNT_001
	role_arn=arn:aws:iam:ACCOUNT_001:role/Admin
	"arn": "arn: aws: sts: : ACCOUNT_003: assumed-role/Dev/x",
	"ARN": "aws:arn:secretsmanager:us-west-2:ACCOUNT_002:secret:x",
	{"AWS:SourceArn": "arn:aws:*:*:ACCOUNT_004:*"}
	GET /?Policy=%7B%22AWS%22%3A%20%22arn%3Aaws%3Aiam%3A%ACCOUNT_005%3Aroot%22%7D
	EOT
	mask_check
'

accounts_json() {
	cat <<\EOT
{
    "Message": "Pending Acceptance by 444455556666",
    "ImageLocation": "123456789012/RHEL-8.0.0_HVM",
    "Accounts": [
        {"Id": "111111111111", "Paths": ["o-exampleorgid/r-examplerootid111/111111111111/"]},
        {"Id": "222222222222"}
    ],
    "Order": {"Id": "100234567890"},
    "Resource": "arn:aws:s3:::logs-1/StorageLens/333333333333/*",
    "Policy": "{\"Id\":\"us-east-1/698519295917/default\"}",
    "Url": "https://shop.example.com/orders/100234567890/items"
}
EOT
}

accounts_expect() {
	cat <<\EOT
{
    "Message": "Pending Acceptance by ACCOUNT_001",
    "ImageLocation": "ACCOUNT_002/RHEL-8.0.0_HVM",
    "Accounts": [
        {"Id": "ACCOUNT_003", "Paths": ["ORG_001/ORG_002/ACCOUNT_003/"]},
        {"Id": "ACCOUNT_004"}
    ],
    "Order": {"Id": "100234567890"},
    "Resource": "arn:aws:s3:::BUCKET_001/StorageLens/ACCOUNT_005/*",
    "Policy": "{\"Id\":\"us-east-1/ACCOUNT_006/default\"}",
    "Url": "https://shop.example.com/orders/100234567890/items"
}
EOT
}

test_expect_success 'accounts in objects and paths, read as JSON' '
	accounts_json >in && accounts_expect >expect &&
	mask_check --format json
'

test_expect_success 'accounts in objects and paths, read as text' '
	accounts_json >in && accounts_expect >expect &&
	mask_check --format text
'

test_expect_success 'accounts in YAML lists, XML entries and product ARNs' '
	cat >in <<-\EOT &&
	p_any_aws_account_ids:
	    - "187901811700"
	    - 210987654321
	order_ids:
	    - "100234567890"
	<entry><key>Owner</key>
	  <value>123456789012</value></entry>
	<entry><key>Count</key><value>100234567890</value></entry>
	ProductArn: arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default
	principalId: 0123456789:AWSCloudFormation
	EOT
	cat >expect <<-\EOT &&
	p_any_aws_account_ids:
	    - "ACCOUNT_001"
	    - ACCOUNT_002
	order_ids:
	    - "100234567890"
	<entry><key>Owner</key>
	  <value>ACCOUNT_003</value></entry>
	<entry><key>Count</key><value>100234567890</value></entry>
	ProductArn: arn:aws:securityhub:us-east-1:ACCOUNT_003:product/ACCOUNT_003/default
	principalId: ACCOUNT_004:AWSCloudFormation
	EOT
	mask_check
'

test_expect_success 'addresses under address keys, in their arrays, with /nn or hyphens' '
	cat >in <<-\EOT &&
	"PrivateIpAddress": "10-0-0-157",
	"publicAccessCidrs": [
	    "22.19.18.2/32"
	],
	"p_any_ip_addresses": ["10.1.1.1", "8.8.8.8"],
	"answers": { "Class": "IN", "Rdata": "1.2.3.4", "Type": "A" },
	"Membership": "10-10-10-10", "versions": ["1.2.3.4", "2.0.1.0"], "ua": "Chrome/131.0.0.0"
	EOT
	cat >expect <<-\EOT &&
	"PrivateIpAddress": "PRIVATE_IP_001",
	"publicAccessCidrs": [
	    "PUBLIC_IP_001/32"
	],
	"p_any_ip_addresses": ["PRIVATE_IP_002", "PUBLIC_IP_002"],
	"answers": { "Class": "IN", "Rdata": "PUBLIC_IP_003", "Type": "A" },
	"Membership": "10-10-10-10", "versions": ["1.2.3.4", "2.0.1.0"], "ua": "Chrome/131.0.0.0"
	EOT
	mask_check
'

test_expect_success 'addresses in YAML: keyed lists and CIDRs, versions kept' '
	cat >in <<-\EOT &&
	publicAccessCidrs:
	  - 22.19.18.2/32
	sourceIPs: ["8.8.8.8"]
	privateIpAddress: 10-0-0-158
	version: 1.2.3.4
	build: 10-0-0-158
	EOT
	cat >expect <<-\EOT &&
	publicAccessCidrs:
	  - PUBLIC_IP_001/32
	sourceIPs: ["PUBLIC_IP_002"]
	privateIpAddress: PRIVATE_IP_001
	version: 1.2.3.4
	build: 10-0-0-158
	EOT
	mask_check
'

test_expect_success 'one-shape kinds in prose, flags and XML' '
	cat >in <<-\EOT &&
	Creates a record set using the ``hosted-zone-id`` ``Z1R8UBAEXAMPLE`` and the file.
	    aws route53 get-hosted-zone --id Z1R8UBAEXAMPLE
	    aws kms create-alias --target-key-id 1234abcd-12ab-34cd-56ef-1234567890ab
	for the KMS key identified by key ID ``1234abcd-12ab-34cd-56ef-1234567890ab``.
	    aws sts assume-role-with-web-identity --web-identity-token "Atza%7CIQEBLjAsAhRFiXuWpUXuRvQ9PZL3GMFcYevydwIUFAHZ"
	<Id>EDFDVBD6EXAMPLE</Id><OriginAccessIdentity>origin-access-identity/cloudfront/E74FTE3AEXAMPLE</OriginAccessIdentity>
	"Endpoint": "proxyExample.proxy-ab0cd1efghij.us-east-1.rds.amazonaws.com",
	"endpoint": "https://JSA79429HJDASKJDJ8223829MNDNASW.yl4.us-east-2.eks.amazonaws.com",
	"DomainName": "abcdefgh12ijk.cloudfront.net",
	<CNAME>SampleApp-jxb293wg7n.elasticbeanstalk.amazonaws.com</CNAME>
	sso_start_url = https://my-sso-portal.awsapps.com/start
	"identityId": "us-east-1:3f291106-8703-466b-8f2b-3ecee1ca56ce",
	"bucketowner": "2c8e3610de4102c8e3610de4102c8e3610de410",
	EOT
	cat >expect <<-\EOT &&
	Creates a record set using the ``hosted-zone-id`` ``ROUTE53_ZONE_001`` and the file.
	    aws route53 get-hosted-zone --id ROUTE53_ZONE_001
	    aws kms create-alias --target-key-id KMS_KEY_001
	for the KMS key identified by key ID ``KMS_KEY_001``.
	    aws sts assume-role-with-web-identity --web-identity-token "SESSION_TOKEN_001"
	<Id>CF_DIST_001</Id><OriginAccessIdentity>origin-access-identity/cloudfront/CF_DIST_002</OriginAccessIdentity>
	"Endpoint": "RDS_001.us-east-1.rds.amazonaws.com",
	"endpoint": "https://EKS_CLUSTER_001.yl4.us-east-2.eks.amazonaws.com",
	"DomainName": "CLOUDFRONT_001.cloudfront.net",
	<CNAME>EB_ENV_001.elasticbeanstalk.amazonaws.com</CNAME>
	sso_start_url = https://DIRECTORY_001.awsapps.com/start
	"identityId": "COGNITO_POOL_001",
	"bucketowner": "S3_CANONICAL_001",
	EOT
	mask_check
'

test_expect_success 'one-shape kinds in JSON; a load balancer zone is AWS'"'"'s' '
	cat >in <<-\EOT &&
	{
	    "HostedZoneId": "Z1R8UBAEXAMPLE",
	    "Message": "removes one tag from the hosted zone with ID Z3M3LMPEXAMPLE.",
	    "CanonicalHostedZoneId": "Z35SXDOTRQ7X7K",
	    "Id": "E2GJ5J9QNABC",
	    "WebIdentityToken": "Atza%7CIQEBLjAsAhRFiXuWpUXuRvQ9PZL3GMFcYevydwIUFAHZ",
	    "identityPoolId": "us-east-1:4f291106-8703-466b-8f2b-3ecee1ca56ce",
	    "Via": "1.1 d98420743a69852491bbdea73f7680bd.cloudfront.net (CloudFront)"
	}
	EOT
	cat >expect <<-\EOT &&
	{
	    "HostedZoneId": "ROUTE53_ZONE_001",
	    "Message": "removes one tag from the hosted zone with ID ROUTE53_ZONE_002.",
	    "CanonicalHostedZoneId": "Z35SXDOTRQ7X7K",
	    "Id": "CF_DIST_001",
	    "WebIdentityToken": "SESSION_TOKEN_001",
	    "identityPoolId": "COGNITO_POOL_001",
	    "Via": "1.1 CLOUDFRONT_001.cloudfront.net (CloudFront)"
	}
	EOT
	mask_check --format json
'

test_expect_success 'RDS snapshot and option group names; RDS'"'"'s defaults kept' '
	cat >in <<-\EOT &&
	<DBSnapshotIdentifier>mydbsnapshot</DBSnapshotIdentifier>
	<OptionGroupName>myoptiongroupname</OptionGroupName><OptionGroupName>default.mysql5.1</OptionGroupName>
	aws rds create-db-snapshot --db-snapshot-identifier mydbsnapshot --option-group-name og-1
	EOT
	cat >expect <<-\EOT &&
	<DBSnapshotIdentifier>RDS_001</DBSnapshotIdentifier>
	<OptionGroupName>RDS_002</OptionGroupName><OptionGroupName>default.mysql5.1</OptionGroupName>
	aws rds create-db-snapshot --db-snapshot-identifier RDS_001 --option-group-name RDS_003
	EOT
	mask_check
'

test_expect_success 'an account after user: in authorization messages, every format' '
	cat >in <<-\EOT &&
	{"eventName": "GetTrailStatus", "errorCode": "TrailNotFoundException", "errorMessage": "Unknown trail: myTrail2 for the user: 123456789012"}
	errorMessage: "Unknown trail: myTrail2 for the user: 210987654321"
	<Message>User: 444455556666 is not authorized to perform: s3:GetObject</Message>
	user 100234567890 logged in; username: 100234567891; user: 1002345678901
	EOT
	cat >expect <<-\EOT &&
	{"eventName": "GetTrailStatus", "errorCode": "TrailNotFoundException", "errorMessage": "Unknown trail: myTrail2 for the user: ACCOUNT_001"}
	errorMessage: "Unknown trail: myTrail2 for the user: ACCOUNT_002"
	<Message>User: ACCOUNT_003 is not authorized to perform: s3:GetObject</Message>
	user 100234567890 logged in; username: 100234567891; user: 1002345678901
	EOT
	mask_check
'

test_expect_success 'S3 access log fields, learnt; another hash elsewhere is kept' '
	cat >in <<-\EOT &&
	Bucket owner 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be of awsexamplebucket1:
	79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be awsexamplebucket1 [06/Feb/2019:00:00:38 +0000] 192.0.2.3 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be 3E57427F3EXAMPLE REST.GET.VERSIONING - 200 -
	The same owner: 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be
	sha256 0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9 of the image
	EOT
	cat >expect <<-\EOT &&
	Bucket owner S3_CANONICAL_001 of BUCKET_001:
	S3_CANONICAL_001 BUCKET_001 [06/Feb/2019:00:00:38 +0000] PUBLIC_IP_001 S3_CANONICAL_001 3E57427F3EXAMPLE REST.GET.VERSIONING - 200 -
	The same owner: S3_CANONICAL_001
	sha256 0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9 of the image
	EOT
	mask_check
'

test_expect_success 'IDs of any prefix under an ID key; Organizations IDs' '
	cat >in <<-\EOT &&
	{"connectionId": "dxcon-fguhmqlc", "lagId": "dxlag-ffrz71kw", "WorkspaceId": "ws-dk1xzr417",
	 "AssociationId": "vpc-cidr-assoc-062c64cfafEXAMPLE", "VpcPeeringConnectionId": "pcx-abababab",
	 "RequestId": "req-12345678", "ServiceId": "my-service"}
	    aws workspaces describe-workspaces --workspace-ids ws-dk1xzr417
	Paths: o-exampleorgid/r-examplerootid111/ou-ab12-cdefgh12/111111111111/
	Default: ou-qxtx-vv0thlla
	{"Id": "o-exampleorgid", "Type": "ORGANIZATION"} an o-ring and "o-transparent"
	EOT
	cat >expect <<-\EOT &&
	{"connectionId": "DX_001", "lagId": "DX_002", "WorkspaceId": "RESOURCE_ID_001",
	 "AssociationId": "AWS_ID_001", "VpcPeeringConnectionId": "PCX_001",
	 "RequestId": "req-12345678", "ServiceId": "my-service"}
	    aws workspaces describe-workspaces --workspace-ids RESOURCE_ID_001
	Paths: ORG_001/ORG_002/ORG_003/ACCOUNT_001/
	Default: ORG_004
	{"Id": "ORG_001", "Type": "ORGANIZATION"} an o-ring and "o-transparent"
	EOT
	mask_check --format text
'

test_expect_success 'masked output is a fixed point' '
	accounts_json >in &&
	test_must_exit 0 awsmask -s sqlite:fp.db in >out1 2>err &&
	test_must_exit 0 awsmask -s sqlite:fp.db out1 >out2 2>err &&
	test_cmp out1 out2 &&
	test_must_exit 0 awsmask -s sqlite:fp.db --check out1 >report 2>err
'

test_done
