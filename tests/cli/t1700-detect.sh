#!/bin/sh
# Detection on real-looking AWS text (issue #13): the same key and flag
# context in every format, Name tags in every shape, EC2-style IDs of any
# prefix, accounts in paths and mistyped ARNs, and the rule for learnt
# names: whole words only, never short or common words, never
# placeholders or AWS's own names.  Every case goes through the tool and
# back through awsunmask.

. "$(dirname "$0")/lib.sh"

test_expect_success 'account keys in YAML, XML, key=value and flags; a federated user' '
	cat >in <<-\EOT &&
	recipientAccountId: "187901811700"
	<ownerId>251839141158</ownerId>
	"eC2SecurityGroupOwnerId": "444455556666", registryId: 123456789000
	aws ec2 accept --peer-owner-id 210987654321 --principal 111122223333
	"FederatedUserId": "111122223333:Bob"
	principalId: 111122223333:Bob, <FederatedUserId>111122223333:Bob</FederatedUserId>
	arn:aws:sts::111122223333:federated-user/Bob
	principalId: 0123456789:AWSCloudFormation, "principalId": "111122223333:user"
	EOT
	cat >expect <<-\EOT &&
	recipientAccountId: "ACCOUNT_001"
	<ownerId>ACCOUNT_002</ownerId>
	"eC2SecurityGroupOwnerId": "ACCOUNT_003", registryId: ACCOUNT_004
	aws ec2 accept --peer-owner-id ACCOUNT_005 --principal ACCOUNT_006
	"FederatedUserId": "ACCOUNT_006:IAM_USER_001"
	principalId: ACCOUNT_006:IAM_USER_001, <FederatedUserId>ACCOUNT_006:IAM_USER_001</FederatedUserId>
	arn:aws:sts::ACCOUNT_006:federated-user/IAM_USER_001
	principalId: ACCOUNT_007:AWSCloudFormation, "principalId": "ACCOUNT_006:user"
	EOT
	mask_check
'

test_expect_success 'accounts in log file names and organization trail paths' '
	cat >in <<-\EOT &&
	s3://b-1/AWSLogs/o-aa11bb22cc/234567890123/CloudTrail/us-east-1/2024/06/02/234567890123_CloudTrail_us-east-1_20240602T0000Z_x.json.gz
	EOT
	cat >expect <<-\EOT &&
	s3://BUCKET_001/AWSLogs/ORG_001/ACCOUNT_001/CloudTrail/us-east-1/2024/06/02/ACCOUNT_001_CloudTrail_us-east-1_20240602T0000Z_x.json.gz
	EOT
	mask_check
'

test_expect_success 'an ARN whose account lost a digit, or says EXAMPLE' '
	cat >in <<-\EOT &&
	arn:aws:iam::12345678012:user/division_abc/Bob
	arn:aws:sqs:us-east-1:80398EXAMPLE:MyQueue
	arn:aws:sts::xxx:assumed-role/Dev/jane
	EOT
	cat >expect <<-\EOT &&
	arn:aws:iam::ACCOUNT_001:user/IAM_PATH_001/IAM_USER_001
	arn:aws:sqs:us-east-1:ACCOUNT_002:SQS_QUEUE_001
	arn:aws:sts::xxx:assumed-role/IAM_ROLE_001/IAM_USER_002
	EOT
	mask_check
'

test_expect_success 'naming keys as XML elements and CLI shorthand' '
	cat >in <<-\EOT &&
	<groupName>notebook</groupName><DBInstanceIdentifier>simcoprod01</DBInstanceIdentifier>
	<Buckets><Bucket><Name>botostats</Name></Bucket></Buckets>
	--launch-template LaunchTemplateName=web-template,Version=1
	EOT
	cat >expect <<-\EOT &&
	<groupName>GROUP_NAME_001</groupName><DBInstanceIdentifier>RDS_001</DBInstanceIdentifier>
	<Buckets><Bucket><Name>BUCKET_001</Name></Bucket></Buckets>
	--launch-template LaunchTemplateName=LAUNCH_TEMPLATE_001,Version=1
	EOT
	mask_check
'

test_expect_success 'Name tags in every shape, other tags kept' '
	cat >in <<-\EOT &&
	--tags Key=Name,Value=web-1 Key=Env,Value=prod
	"Tags": [
	    {
	        "Value": "web-2",
	        "Key": "Name"
	    },
	    {
	        "Value": "blue",
	        "Key": "Env"
	    }
	]
	Tags:
	  - Key: Name
	    Value: web-3
	  - Key: Owner
	    Value: Alice Smith
	<item><key>Name</key><value>web-4</value></item><item><key>Role</key><value>db</value></item>
	  - Key: Name
	    Value: !Sub ${AWS::StackName}-vpc
	EOT
	cat >expect <<-\EOT &&
	--tags Key=Name,Value=NAME_TAG_001 Key=Env,Value=prod
	"Tags": [
	    {
	        "Value": "NAME_TAG_002",
	        "Key": "Name"
	    },
	    {
	        "Value": "blue",
	        "Key": "Env"
	    }
	]
	Tags:
	  - Key: Name
	    Value: NAME_TAG_003
	  - Key: Owner
	    Value: Alice Smith
	<item><key>Name</key><value>NAME_TAG_004</value></item><item><key>Role</key><value>db</value></item>
	  - Key: Name
	    Value: !Sub ${AWS::StackName}-vpc
	EOT
	mask_check
'

test_expect_success 'EC2-style IDs of any prefix get AWS_ID, known ones keep theirs' '
	cat >in <<-\EOT &&
	iew-0abcdef1234567890 iip-assoc-0db249b1f25fa24b8 ipv4pool-ec2-1234567890abcdef0
	<kernelId>aki-98e26fa8</kernelId> vpc-0a1b2c3d
	re-deadbeef index-9f3c2a1b.css web-1a2b3c4d-x2z4q commit 3f9c2a1b
	EOT
	cat >expect <<-\EOT &&
	AWS_ID_001 AWS_ID_002 AWS_ID_003
	<kernelId>AWS_ID_004</kernelId> VPC_001
	re-deadbeef index-9f3c2a1b.css web-1a2b3c4d-x2z4q commit 3f9c2a1b
	EOT
	mask_check
'

test_expect_success 'a known prefix turned off is not taken as AWS_ID' '
	echo "i-0abc12de34f567890 iew-0abcdef1234567890" >in &&
	echo "i-0abc12de34f567890 AWS_ID_001" >expect &&
	mask_check --exclude-types EC2
'

test_expect_success 'learnt names: whole words, four characters, not common words' '
	cat >in <<-\EOT &&
	aws iam get-user --user-name Bob
	aws iam get-role --role-name prod
	aws iam get-role --role-name payroll-app
	Bob and prod stay words; payroll-app is masked, payroll-apps is not.
	EOT
	cat >expect <<-\EOT &&
	aws iam get-user --user-name IAM_USER_001
	aws iam get-role --role-name IAM_ROLE_001
	aws iam get-role --role-name IAM_ROLE_002
	Bob and prod stay words; IAM_ROLE_002 is masked, payroll-apps is not.
	EOT
	mask_check
'

test_expect_success 'placeholders and AWS names are never names' '
	cat >in <<-\EOT &&
	aws iam get-role --role-name example
	"PolicyName": "AdministratorAccess", "BucketName": "MY_BUCKET_NAME"
	arn:aws:sts::123456789012:assumed-role/AWSServiceRoleForSSO/AWS-SSO
	arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity
	s3://cloudformation-examples-us-east-1/x "Service": "logging.s3.amazonaws.com"
	xmlns="http://s3.amazonaws.com/doc/2006-03-01/" s3://arn:aws:s3:us-west-2:123456789012:accesspoint/ap/k
	EOT
	cat >expect <<-\EOT &&
	aws iam get-role --role-name example
	"PolicyName": "AdministratorAccess", "BucketName": "MY_BUCKET_NAME"
	arn:aws:sts::ACCOUNT_001:assumed-role/AWSServiceRoleForSSO/AWS-SSO
	arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity
	s3://cloudformation-examples-us-east-1/x "Service": "logging.s3.amazonaws.com"
	xmlns="http://s3.amazonaws.com/doc/2006-03-01/" s3://arn:aws:s3:us-west-2:ACCOUNT_001:accesspoint/ARN_001/k
	EOT
	mask_check
'

test_expect_success 'plural flags name every value, singular ones the first' '
	cat >in <<-\EOT &&
	aws autoscaling describe-auto-scaling-groups --auto-scaling-group-names "group1" "group2" "group3"
	aws iam get-role --role-name web-role and more words
	EOT
	cat >expect <<-\EOT &&
	aws autoscaling describe-auto-scaling-groups --auto-scaling-group-names "ASG_001" "ASG_002" "ASG_003"
	aws iam get-role --role-name IAM_ROLE_001 and more words
	EOT
	mask_check
'

test_expect_success 'more naming keys: hooks, prefix lists, containers, S3Bucket' '
	cat >in <<-\EOT &&
	"LifecycleHookName": "my-launch-hook", "PrefixListName": "vpc-cidrs"
	"S3BucketName": "trail-logs-1", S3Bucket=my-import-bucket,S3Key=x
	"containerName": "simple-demo", <DisplayName>mtd@amazon.com</DisplayName>
	--launch-configuration-name my-lc --username monty
	EOT
	cat >expect <<-\EOT &&
	"LifecycleHookName": "RESOURCE_NAME_001", "PrefixListName": "RESOURCE_NAME_002"
	"S3BucketName": "BUCKET_001", S3Bucket=BUCKET_002,S3Key=x
	"containerName": "RESOURCE_NAME_003", <DisplayName>RESOURCE_NAME_004</DisplayName>
	--launch-configuration-name RESOURCE_NAME_005 --username IAM_USER_001
	EOT
	mask_check
'

test_expect_success 'the ID after a load balancer, target group or stack name, of any shape' '
	cat >in <<-\EOT &&
	arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/my-targets/943f017f100becff
	arn:aws:cloudformation:us-east-1:123456789012:stack/my-stack/d0a825a0-e4cd-11ee-b9fb-061c69e99204
	"targetGroupArn": "arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/lambda-target/abcdefg",
	targetGroupArn: arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/lambda-target/*
	https://queue.amazonaws.com/80398EXAMPLE/MyQueue
	"SecretAccessKey": "9drTJvcXLB89EXAMPLELB8923FB892xMFI",
	EOT
	cat >expect <<-\EOT &&
	arn:aws:elasticloadbalancing:us-west-2:ACCOUNT_001:targetgroup/TARGET_GROUP_001/TARGET_GROUP_002
	arn:aws:cloudformation:us-east-1:ACCOUNT_001:stack/STACK_001/STACK_002
	"targetGroupArn": "arn:aws:elasticloadbalancing:us-east-2:ACCOUNT_001:targetgroup/TARGET_GROUP_003/TARGET_GROUP_004",
	targetGroupArn: arn:aws:elasticloadbalancing:us-east-2:ACCOUNT_001:targetgroup/TARGET_GROUP_003/*
	https://queue.amazonaws.com/ACCOUNT_002/SQS_QUEUE_001
	"SecretAccessKey": "SECRET_KEY_001",
	EOT
	mask_check
'

test_expect_success 'IDs of any tail under a key or flag that says ID' '
	cat >in <<-\EOT &&
	"ImageId": "ami-0123456789abcdefg", <groupId>sg-abc1234</groupId>, vpc_id: vpc-abc123
	aws ec2 describe-images --image-ids ami-1234567890EXAMPLE ami-0abcdef1234567890
	--transit-gateway-id tgw-0bf0bffefaEXAMPLE --secret-id my-secret-1
	"RequestId": "req-12345", free text vpc-abc123x stays
	EOT
	cat >expect <<-\EOT &&
	"ImageId": "AMI_001", <groupId>SG_001</groupId>, vpc_id: VPC_001
	aws ec2 describe-images --image-ids AMI_002 AMI_003
	--transit-gateway-id TGW_001 --secret-id SECRET_001
	"RequestId": "req-12345", free text vpc-abc123x stays
	EOT
	mask_check
'

test_expect_success 'relaxed credentials and any address under a key naming them' '
	cat >in <<-\EOT &&
	"accessKey": "ANEXAMPLEOFACCESSKEY", "principalId": "ARORJ4ULULLE0EEJAAKDO:alan"
	"sourceIPAddress": "1.2.3.4", srcaddr=5.6.7.8 Chrome/131.0.0.0
	EOT
	cat >expect <<-\EOT &&
	"accessKey": "ACCESS_KEY_001", "principalId": "IAM_ID_001:IAM_USER_001"
	"sourceIPAddress": "PUBLIC_IP_001", srcaddr=PUBLIC_IP_002 Chrome/131.0.0.0
	EOT
	mask_check
'

test_expect_success 'AsciiDoc {arn-aws} ARNs and the account after a flow log interface' '
	cat >in <<-\EOT &&
	    rolearn: {arn-aws}iam::111122223333:role/my-node-role
	3 eni-1235b8ca123456789 123456789010 IPv4 52.213.180.42
	EOT
	cat >expect <<-\EOT &&
	    rolearn: {arn-aws}iam::ACCOUNT_001:role/IAM_ROLE_001
	3 ENI_001 ACCOUNT_002 IPv4 PUBLIC_IP_001
	EOT
	mask_check
'

test_expect_success 'KMS keys and hosted zones under every spelling of their key' '
	cat >in <<-\EOT &&
	SSEType=KMS,KMSMasterKeyId=abcd1234-abcd-1234-a123-ab1234a1b234
	HostedZoneId: Z2P70J7EXAMPLE, <HostedZoneId>Z1D633PJN98FT9</HostedZoneId>
	EOT
	cat >expect <<-\EOT &&
	SSEType=KMS,KMSMasterKeyId=KMS_KEY_001
	HostedZoneId: ROUTE53_ZONE_001, <HostedZoneId>ROUTE53_ZONE_002</HostedZoneId>
	EOT
	mask_check
'

test_expect_success 'names the prose calls out, and later their bare words' '
	cat >in <<-\EOT &&
	This example creates a role named ``Test-Role``; the file called ``ebs.json`` stays.
	Then Test-Role gets a policy.
	EOT
	cat >expect <<-\EOT &&
	This example creates a role named ``IAM_ROLE_001``; the file called ``ebs.json`` stays.
	Then IAM_ROLE_001 gets a policy.
	EOT
	mask_check
'

test_expect_success 'a CloudFront origin named after its bucket host, with a suffix' '
	cat >in <<-\EOT &&
	"Id": "my-site-bucket.s3.amazonaws.com-cli-example",
	TargetOriginId: my-site-bucket.s3.amazonaws.com-1589463283
	cdn-logs.s3.amazonaws.com-mirror.example.net stays a host of example.net
	EOT
	cat >expect <<-\EOT &&
	"Id": "BUCKET_001.s3.amazonaws.com-cli-example",
	TargetOriginId: BUCKET_001.s3.amazonaws.com-1589463283
	cdn-logs.s3.amazonaws.com-mirror.example.net stays a host of example.net
	EOT
	mask_check
'

test_expect_success 'DynamoDB secondary indexes under IndexName, --index-name and ARNs' '
	cat >in <<-\EOT &&
	{"TableName": "GameScores", "GlobalSecondaryIndexes": [{"IndexName": "GameDateIndex"}],
	 "IndexArn": "arn:aws:dynamodb:us-west-2:123456789012:table/GameScores/index/GameDateIndex"}
	aws dynamodb query --table-name GameScores --index-name TitleIndex
	index_name: TitleIndex # dynamodb
	arn:aws:dynamodb:us-west-2:123456789012:table/GameScores/index/*
	EOT
	cat >expect <<-\EOT &&
	{"TableName": "DYNAMODB_TABLE_001", "GlobalSecondaryIndexes": [{"IndexName": "DYNAMODB_TABLE_002"}],
	 "IndexArn": "arn:aws:dynamodb:us-west-2:ACCOUNT_001:table/DYNAMODB_TABLE_001/index/DYNAMODB_TABLE_002"}
	aws dynamodb query --table-name DYNAMODB_TABLE_001 --index-name DYNAMODB_TABLE_003
	index_name: DYNAMODB_TABLE_003 # dynamodb
	arn:aws:dynamodb:us-west-2:ACCOUNT_001:table/DYNAMODB_TABLE_001/index/*
	EOT
	mask_check
'

test_expect_success 'an IndexName with no DynamoDB near is not a table' '
	cat >in <<-\EOT &&
	{"IndexName": "products-v2", "Engine": "elasticsearch"}
	EOT
	cp in expect &&
	mask_check
'

test_expect_success 'hosted zones, folders and dated log streams the prose names' '
	cat >in <<-\EOT &&
	This example adds a hosted zone named ``corp.example.com``.
	Events from a log stream named ``20150601`` in the log group.
	Specify a subfolder named `my-logs` in the bucket; a folder named *archive-2019*.
	A stream named ``12345678`` and a stream named ``2015`` stay.
	EOT
	cat >expect <<-\EOT &&
	This example adds a hosted zone named ``RESOURCE_NAME_001``.
	Events from a log stream named ``RESOURCE_NAME_002`` in the log group.
	Specify a subfolder named `RESOURCE_NAME_003` in the bucket; a folder named *RESOURCE_NAME_004*.
	A stream named ``12345678`` and a stream named ``2015`` stay.
	EOT
	mask_check
'

test_expect_success 'a KMS key given by its alias under a key ID key or flag' '
	cat >in <<-\EOT &&
	aws ec2 copy-image --kms-key-id alias/my-kms-key --name copy
	{"KmsKeyId": "alias/my-kms-key"}
	kms_key_id: alias/other-key
	aws kms encrypt --key-id alias/aws/s3; "KmsKeyId": "alias/aws/ebs"
	EOT
	cat >expect <<-\EOT &&
	aws ec2 copy-image --kms-key-id alias/KMS_ALIAS_001 --name copy
	{"KmsKeyId": "alias/KMS_ALIAS_001"}
	kms_key_id: alias/KMS_ALIAS_002
	aws kms encrypt --key-id alias/aws/s3; "KmsKeyId": "alias/aws/ebs"
	EOT
	mask_check
'

test_done
