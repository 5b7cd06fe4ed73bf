#!/bin/sh
# Opaque IDs under an ID key (issue #13): a value no prefix explains is
# still an identifier under a key, flag or filter that says it holds a
# lasting resource's ID, in every format (JSON, YAML, key=value, XML,
# CLI flags and filters, prose "Key: value"); transient IDs (requests,
# events, traces, versions), bare "id", AWS constants and references
# are left alone.  Also the shapes documents give IDs of known prefixes
# in free text, and a VPC endpoint's DNS label.  Every case goes through
# the tool and back through awsunmask.

. "$(dirname "$0")/lib.sh"

test_expect_success 'opaque IDs under ID keys in JSON, YAML, key=value and XML' '
	cat >in <<-\EOT &&
	{"DetectorId": "d4b040365221be2b54a6264dcexample", "apiId": "gy415nuibc"}
	{"DetectorIds": ["12abc34d567e8fa901bc2d34eexample", "b6b992d6d2f48e64bc59180bfexample"]}
	    TableId: a1b2c3d4-5678-90ab-cdef-EXAMPLE11111
	backup_job_id = 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0
	<EnvironmentId>e-icsgecu3wf</EnvironmentId>
	Starting session with SessionId: Jane-Roe-07a16060613c408b5
	"AssociationId": "vpc-cidr-assoc-062c64cfafEXAMPLE"
	EOT
	cat >expect <<-\EOT &&
	{"DetectorId": "RESOURCE_ID_001", "apiId": "RESOURCE_ID_002"}
	{"DetectorIds": ["RESOURCE_ID_003", "RESOURCE_ID_004"]}
	    TableId: RESOURCE_ID_005
	backup_job_id = RESOURCE_ID_006
	<EnvironmentId>RESOURCE_ID_007</EnvironmentId>
	Starting session with SessionId: RESOURCE_ID_008
	"AssociationId": "AWS_ID_001"
	EOT
	mask_check
'

test_expect_success 'opaque IDs after ID flags and in ID filters' '
	cat >in <<-\EOT &&
	aws guardduty get-findings --detector-id d4b040365221be2b54a6264dcexample
	aws rds create-db-proxy --vpc-subnet-ids subnetgroup1 subnetgroup2
	aws ec2 describe-snapshots --filters Name=volume-id,Values=049df61146c4d7901
	aws sts assume-role --external-id 987654321 --role-session-name s1
	EOT
	cat >expect <<-\EOT &&
	aws guardduty get-findings --detector-id RESOURCE_ID_001
	aws rds create-db-proxy --vpc-subnet-ids RESOURCE_ID_002 RESOURCE_ID_003
	aws ec2 describe-snapshots --filters Name=volume-id,Values=RESOURCE_ID_004
	aws sts assume-role --external-id RESOURCE_ID_005 --role-session-name IAM_USER_001
	EOT
	mask_check
'

test_expect_success 'an opaque ID found under its key is masked where it recurs' '
	cat >in <<-\EOT &&
	"attachments": [{"id": "d9e7735a-16aa-4128-bc7a-b2d51EXAMPLE"}]
	"attachmentId": "d9e7735a-16aa-4128-bc7a-b2d51EXAMPLE"
	EOT
	cat >expect <<-\EOT &&
	"attachments": [{"id": "RESOURCE_ID_001"}]
	"attachmentId": "RESOURCE_ID_001"
	EOT
	mask_check
'

test_expect_success 'transient IDs, bare id, constants and references stay' '
	cat >in <<-\EOT &&
	{"RequestId": "7a62c49f-347e-4fc4-9331-6e8eEXAMPLE", "eventID": "3fcfb182-98f8-4744-bd45-10a395ab61cb"}
	{"traceId": "5c34e93e4dea0086f9763ac0", "spanId": "00f067aa0ba902b7"}
	{"tool_use_id": "toolu_01A09q90qw90lq917835lq9", "file_id": "file_011CNha8iCJcU1wXNR6q4V8w"}
	"id": "to-assume-a-role-1480532402212"
	AvailabilityZoneId: use1-az2
	<ZoneId>us-east-1a</ZoneId>
	vpc_id = aws_vpc.main2.id
	commit_id=3f786850e387550fdab836ed7e6dc881de23001b container_id=8e1f0a2b3c4d
	"LogicalResourceId": "MyEC2Instance1", "user_id": "u1234567"
	aws s3api get-object --request-id 9a8b7c6d5e
	EOT
	cp in expect &&
	mask_check
'

test_expect_success 'a version ID names a lasting version: masked, and learnt; v1 stays' '
	cat >in <<-\EOT &&
	{"ClientRequestToken": "EXAMPLE1-90ab-cdef-fedc-ba987SECRET1", "VersionId": "EXAMPLE1-90ab-cdef-fedc-ba987SECRET1"}
	{"MoveToVersionId": "EXAMPLE2-90ab-cdef-fedc-ba987SECRET2", "RemoveFromVersionId": "EXAMPLE1-90ab-cdef-fedc-ba987SECRET1"}
	<VersionId>3HL4kqtJlcpXroDTDmJrmSpXd3dIbrHY</VersionId>
	aws s3api get-object --version-id 3HL4kqtJlcpXroDTDmJrmSpXd3dIbrHY
	version_id: UIORUnfndfhnw89493jJFJ
	"DefaultVersionId": "v1", "VersionId": "null", "versionId": "version", "VersionId": "1"
	EOT
	cat >expect <<-\EOT &&
	{"ClientRequestToken": "RESOURCE_ID_001", "VersionId": "RESOURCE_ID_001"}
	{"MoveToVersionId": "RESOURCE_ID_002", "RemoveFromVersionId": "RESOURCE_ID_001"}
	<VersionId>RESOURCE_ID_003</VersionId>
	aws s3api get-object --version-id RESOURCE_ID_003
	version_id: RESOURCE_ID_004
	"DefaultVersionId": "v1", "VersionId": "null", "versionId": "version", "VersionId": "1"
	EOT
	mask_check
'

test_expect_success 'an ID key whose value another kind knows keeps that kind' '
	cat >in <<-\EOT &&
	{"GroupId": "AGPAABCDEFGHIJKLMNOP", "UserPoolId": "eu-west-1_AbC123xYz"}
	NodeId: ip-10-0-1-23
	EOT
	cat >expect <<-\EOT &&
	{"GroupId": "IAM_ID_001", "UserPoolId": "COGNITO_POOL_001"}
	NodeId: EC2_HOST_001
	EOT
	mask_check
'

test_expect_success 'documents'\'' shapes of known prefixes in free text' '
	cat >in <<-\EOT &&
	i-1234567890abcdefg i-abcdefg1234567890 ami-1234567890EXAMPLE
	"sg-05cd7b25d6example" igw-fEXAMPLE --filters "Name=vpc-id,Values=vpc-3EXAMPLE"
	i-abcdefghijklmnopq sg-1percent key-value1 i-node vol-up
	EOT
	cat >expect <<-\EOT &&
	EC2_001 EC2_002 AMI_001
	"SG_001" IGW_001 --filters "Name=vpc-id,Values=VPC_001"
	i-abcdefghijklmnopq sg-1percent key-value1 i-node vol-up
	EOT
	mask_check
'

test_expect_success 'a VPC endpoint DNS name: the ID and its label; a zonal name keeps its AZ' '
	cat >in <<-\EOT &&
	"DnsName": "vpce-0f89a33420c1931d7-bluzidnv.elasticloadbalancing.us-east-1.vpce.amazonaws.com"
	"VpcEndpointId": "vpce-0f89a33420c1931d7"
	DnsName: vpce-0f89a33420c1931d7-bluzidnv-us-east-1b.elasticloadbalancing.us-east-1.vpce.amazonaws.com
	<dnsName>vpce-0f89a33420c1931d7-bluzidnv-us-east-1a.elasticloadbalancing.us-east-1.vpce.amazonaws.com</dnsName>
	EOT
	cat >expect <<-\EOT &&
	"DnsName": "VPCE_001-VPCE_002.elasticloadbalancing.us-east-1.vpce.amazonaws.com"
	"VpcEndpointId": "VPCE_001"
	DnsName: VPCE_001-VPCE_002-us-east-1b.elasticloadbalancing.us-east-1.vpce.amazonaws.com
	<dnsName>VPCE_001-VPCE_002-us-east-1a.elasticloadbalancing.us-east-1.vpce.amazonaws.com</dnsName>
	EOT
	mask_check
'

test_expect_success 'AWS names: Security Hub controls, S3 principals, Cognito sessions' '
	cat >in <<-\EOT &&
	"StandardsControlArn": "arn:aws:securityhub:us-west-1:123456789012:control/pci-dss/v/3.2.1/PCI.Lambda.2",
	"RelatedAWSResources:0/name": "securityhub-lambda-inside-vpc-0e904a3b",
	"Service": ["storage-lens.s3.amazonaws.com", "batchoperations.s3.amazonaws.com"]
	"callerId": "AROA7ZJZYVRE7C3DUXHH6:CognitoIdentityCredentials",
	EOT
	cat >expect <<-\EOT &&
	"StandardsControlArn": "arn:aws:securityhub:us-west-1:ACCOUNT_001:control/pci-dss/v/3.2.1/PCI.Lambda.2",
	"RelatedAWSResources:0/name": "securityhub-lambda-inside-vpc-0e904a3b",
	"Service": ["storage-lens.s3.amazonaws.com", "batchoperations.s3.amazonaws.com"]
	"callerId": "IAM_ID_001:CognitoIdentityCredentials",
	EOT
	mask_check
'

test_expect_success 'masked output is a fixed point' '
	cat >in <<-\EOT &&
	{"DetectorId": "d4b040365221be2b54a6264dcexample", "VpcId": "vpc-abc123"}
	EOT
	test_must_exit 0 awsmask -s sqlite:store.db in >once 2>err &&
	test_must_exit 0 awsmask -s sqlite:store.db once >twice 2>err &&
	test_cmp once twice
'

test_done
