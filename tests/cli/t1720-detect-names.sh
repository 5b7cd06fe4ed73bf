#!/bin/sh
# Names learnt from their context (issue #13, class 6b): a name found
# where a context says it is one (an ARN, a naming key or flag, an S3 or
# SQS URL, an ECR URI) is masked at its bare occurrences in the same
# run too, before or after the context in the same block; a name with a
# '/' in it (an SSM parameter, a log group) as a whole path, and its last
# segment as a word.  Only whole words and whole paths, never short or
# common words.

. "$(dirname "$0")/lib.sh"

test_expect_success 'an SSM parameter path learnt from its ARN, in JSON' '
	cat >in <<-\EOT &&
	{"requestParameters": {"path": "/app/stratus-red/db-pass", "note": "not /app/stratus-red/db-passes"},
	 "resources": [{"ARN": "arn:aws:ssm:us-west-2:111122223333:parameter/app/stratus-red/db-pass"}]}
	EOT
	cat >expect <<-\EOT &&
	{"requestParameters": {"path": "/PARAM_001", "note": "not /app/stratus-red/db-passes"},
	 "resources": [{"ARN": "arn:aws:ssm:us-west-2:ACCOUNT_001:parameter/PARAM_001"}]}
	EOT
	mask_check
'

test_expect_success 'an SSM parameter path and a log group, in text and YAML' '
	cat >in <<-\EOT &&
	name: /app/stratus-red/db-pass
	arn: arn:aws:ssm:us-west-2:111122223333:parameter/app/stratus-red/db-pass
	LogGroupName: /ecs/payroll-web
	tail /ecs/payroll-web. Not /ecs/old-web, nor app/stratus-red; db-pass is.
	EOT
	cat >expect <<-\EOT &&
	name: /PARAM_001
	arn: arn:aws:ssm:us-west-2:ACCOUNT_001:parameter/PARAM_001
	LogGroupName: LOG_GROUP_001
	tail LOG_GROUP_001. Not /ecs/old-web, nor app/stratus-red; PARAM_002 is.
	EOT
	mask_check
'

test_expect_success 'buckets, queues and repositories learnt from their URLs' '
	cat >in <<-\EOT &&
	The bucket payroll-data-lake holds the exports:
	aws s3 ls s3://payroll-data-lake
	https://payroll-archive-eu.s3.eu-west-1.amazonaws.com/k then payroll-archive-eu
	https://sqs.us-east-1.amazonaws.com/123456789012/orders-intake then orders-intake
	123456789012.dkr.ecr.us-east-1.amazonaws.com/billing-svc:1.2 then billing-svc
	EOT
	cat >expect <<-\EOT &&
	The bucket BUCKET_001 holds the exports:
	aws s3 ls s3://BUCKET_001
	https://BUCKET_002.s3.eu-west-1.amazonaws.com/k then BUCKET_002
	https://sqs.us-east-1.amazonaws.com/ACCOUNT_001/SQS_QUEUE_001 then SQS_QUEUE_001
	ACCOUNT_001.dkr.ecr.us-east-1.amazonaws.com/ECR_REPO_001:1.2 then ECR_REPO_001
	EOT
	mask_check
'

test_expect_success 'short and common names are not learnt from URLs either' '
	cat >in <<-\EOT &&
	s3://logs/x s3://abc/y https://sqs.us-east-1.amazonaws.com/123456789012/orders
	the logs, abc and orders stay words
	EOT
	cat >expect <<-\EOT &&
	s3://BUCKET_001/x s3://BUCKET_002/y https://sqs.us-east-1.amazonaws.com/ACCOUNT_001/SQS_QUEUE_001
	the logs, abc and orders stay words
	EOT
	mask_check
'

test_expect_success 'kubernetes-admin and AWS dotted names are not names' '
	cat >in <<-\EOT &&
	{"username": "kubernetes-admin", "DisplayName": "AWS.CloudTrail.KeyAuth", "source": "aws.ec2"}
	username: kubernetes-admin
	DisplayName: "AWS.CloudTrail.KeyAuth"
	EOT
	cp in expect &&
	mask_check
'

test_expect_success 'a Name tag in a JSON document, and as text' '
	cat >in <<-\EOT &&
	{"Reservations": [{"Instances": [{"InstanceType": "t3.micro",
	  "Tags": [{"Key": "Name", "Value": "payroll-web-1"}, {"Key": "team", "Value": "pay"}]}]}]}
	EOT
	cat >expect <<-\EOT &&
	{"Reservations": [{"Instances": [{"InstanceType": "t3.micro",
	  "Tags": [{"Key": "Name", "Value": "NAME_TAG_001"}, {"Key": "team", "Value": "pay"}]}]}]}
	EOT
	mask_check --format json &&
	mask_check --format text
'

test_expect_success 'IAM paths: each segment a name, learnt for the Path key' '
	cat >in <<-\EOT &&
	aws iam create-user --user-name Bob --path /division_abc/subdivision_xyz/
	{"User": {"Path": "/division_abc/subdivision_xyz/", "UserName": "Bob",
	 "Arn": "arn:aws:iam::123456789012:user/division_abc/subdivision_xyz/Bob"}}
	<Path>/division_abc/</Path>
	<Arn>arn:aws:iam::123456789012:role/service-role/payroll-fn-role</Arn>
	<Arn>arn:aws:iam::123456789012:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS</Arn>
	EOT
	cat >expect <<-\EOT &&
	aws iam create-user --user-name IAM_USER_001 --path /IAM_PATH_001/IAM_PATH_002/
	{"User": {"Path": "/IAM_PATH_001/IAM_PATH_002/", "UserName": "IAM_USER_001",
	 "Arn": "arn:aws:iam::ACCOUNT_001:user/IAM_PATH_001/IAM_PATH_002/IAM_USER_001"}}
	<Path>/IAM_PATH_001/</Path>
	<Arn>arn:aws:iam::ACCOUNT_001:role/service-role/IAM_ROLE_001</Arn>
	<Arn>arn:aws:iam::ACCOUNT_001:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS</Arn>
	EOT
	mask_check
'

test_expect_success 'a log stream named after a day; role_session_name in an INI file' '
	cat >in <<-\EOT &&
	aws logs get-log-events --log-group-name app-logs-x --log-stream-name 20150601
	{"logStreams": [{"logStreamName": "20150531", "creationTime": 1433189500783}]}
	[profile marketing]
	role_arn = arn:aws:iam::123456789012:role/marketing-admin-role
	role_session_name = maria_garcia_role
	EOT
	cat >expect <<-\EOT &&
	aws logs get-log-events --log-group-name LOG_GROUP_001 --log-stream-name RESOURCE_NAME_001
	{"logStreams": [{"logStreamName": "RESOURCE_NAME_002", "creationTime": 1433189500783}]}
	[profile marketing]
	role_arn = arn:aws:iam::ACCOUNT_001:role/IAM_ROLE_001
	role_session_name = IAM_USER_001
	EOT
	mask_check
'

test_expect_success 'EC2 filters: Name tags and naming filters, in a shell line and in YAML' '
	cat >in <<-\EOT &&
	aws ec2 describe-instances --filters "Name=tag:Name,Values=payroll-web-1" "Name=instance-state-name,Values=running"
	steps:
	  - run: aws ec2 describe-flow-logs --filter Name=log-group-name,Values=payroll-flows
	  - run: aws ec2 describe-volumes --filters Name=tag:Name,Values=payroll*
	EOT
	cat >expect <<-\EOT &&
	aws ec2 describe-instances --filters "Name=tag:Name,Values=NAME_TAG_001" "Name=instance-state-name,Values=running"
	steps:
	  - run: aws ec2 describe-flow-logs --filter Name=log-group-name,Values=LOG_GROUP_001
	  - run: aws ec2 describe-volumes --filters Name=tag:Name,Values=payroll*
	EOT
	mask_check
'

test_expect_success 'the trail in a CloudTrail digest file name, in a listing and in JSON' '
	cat >in <<-\EOT &&
	2020-02-14 00:10:07  AWSLogs/234567890123/CloudTrail-Digest/ca-central-1/2020/02/14/234567890123_CloudTrail-Digest_ca-central-1_OrgTrail-7_us-east-1_20200214T001007Z.json.gz
	{"requestParameters": {"key": "AWSLogs/234567890123/CloudTrail-Digest/ca-central-1/2020/02/14/234567890123_CloudTrail-Digest_ca-central-1_OrgTrail-7_us-east-1_20200214T001007Z.json.gz"}}
	EOT
	cat >expect <<-\EOT &&
	2020-02-14 00:10:07  AWSLogs/ACCOUNT_001/CloudTrail-Digest/ca-central-1/2020/02/14/ACCOUNT_001_CloudTrail-Digest_ca-central-1_RESOURCE_NAME_001_us-east-1_20200214T001007Z.json.gz
	{"requestParameters": {"key": "AWSLogs/ACCOUNT_001/CloudTrail-Digest/ca-central-1/2020/02/14/ACCOUNT_001_CloudTrail-Digest_ca-central-1_RESOURCE_NAME_001_us-east-1_20200214T001007Z.json.gz"}}
	EOT
	mask_check --format text &&
	sed -n 2p in >in.json && mv in.json in && sed -n 2p expect >e.json &&
	mv e.json expect && mask_check --format json
'

test_expect_success 'a profile named in prose, then bare in a command, INI and env' '
	cat >in <<-\EOT &&
	The following example shows a role profile named `marketingadmin`.
	    [profile marketingadmin]
	    $ aws s3 ls --profile marketingadmin
	    $ export AWS_PROFILE=marketingadmin
	The profile named `default` and the profile named `integ` stay.
	EOT
	cat >expect <<-\EOT &&
	The following example shows a role profile named `RESOURCE_NAME_001`.
	    [profile RESOURCE_NAME_001]
	    $ aws s3 ls --profile RESOURCE_NAME_001
	    $ export AWS_PROFILE=RESOURCE_NAME_001
	The profile named `default` and the profile named `integ` stay.
	EOT
	mask_check
'

test_expect_success 'aws_s3_bucket in YAML; a directory short name beside its directory only' '
	cat >in <<-\EOT &&
	p_source_file:
	    aws_s3_bucket: trail-bucket-0ipb5nzxam
	{"DirectoryId": "d-1234567890", "ShortName": "corpdir"}
	aws ds create-directory --short-name corp --name corp.example.com
	EOT
	cat >expect <<-\EOT &&
	p_source_file:
	    aws_s3_bucket: BUCKET_001
	{"DirectoryId": "DIRECTORY_001", "ShortName": "RESOURCE_NAME_001"}
	aws ds create-directory --short-name RESOURCE_NAME_002 --name corp.example.com
	EOT
	mask_check &&
	echo "{\"ShortName\": \"Mon\", \"DayOfWeek\": 1}" >in &&
	cp in expect &&
	mask_check
'

test_expect_success 'names in lists under plural naming keys and filters on Name' '
	cat >in <<-\EOT &&
	{"eventSource": "ssm.amazonaws.com", "eventName": "GetParameters",
	 "requestParameters": {"names": ["/credentials/team/cred-10", "/credentials/team/cred-41"]}}
	EOT
	cat >expect <<-\EOT &&
	{"eventSource": "ssm.amazonaws.com", "eventName": "GetParameters",
	 "requestParameters": {"names": ["/PARAM_001", "/PARAM_002"]}}
	EOT
	mask_check &&
	cat >in <<-\EOT &&
	    eventSource: ssm.amazonaws.com
	    requestParameters: |
	      "names": [
	        "/credentials/team/cred-41",
	      ],
	      "parameterFilters": [
	        {
	          "key": "Name",
	          "option": "Equals",
	          "values": [
	            "/credentials/team/cred-1"
	          ]
	        }
	      ]
	    arn: arn:aws:ssm:us-west-2:111122223333:parameter/credentials/team/cred-1
	EOT
	cat >expect <<-\EOT &&
	    eventSource: ssm.amazonaws.com
	    requestParameters: |
	      "names": [
	        "/PARAM_002",
	      ],
	      "parameterFilters": [
	        {
	          "key": "Name",
	          "option": "Equals",
	          "values": [
	            "/PARAM_003"
	          ]
	        }
	      ]
	    arn: arn:aws:ssm:us-west-2:ACCOUNT_001:parameter/PARAM_003
	EOT
	mask_check &&
	cat >in <<-\EOT &&
	RoleNames:
	  - payroll-app
	  - example
	TagFilters:
	  - Key: Name
	    Values:
	      - web-server-1
	  - Key: Env
	    Values:
	      - staging-blue
	EOT
	cat >expect <<-\EOT &&
	RoleNames:
	  - IAM_ROLE_001
	  - example
	TagFilters:
	  - Key: Name
	    Values:
	      - NAME_TAG_001
	  - Key: Env
	    Values:
	      - staging-blue
	EOT
	mask_check
'

test_expect_success 'a names list of ordinary words away from SSM stays' '
	cat >in <<-\EOT &&
	{"team": {"names": ["alice-smith", "bob-jones"]}}
	"names": [
	  "alice-smith",
	  "the"
	]
	EOT
	cp in expect &&
	mask_check
'

test_expect_success 'a name with bytes beyond ASCII is masked whole' '
	cat >in <<-\EOT &&
	aws iam create-user --user-name dépôt-42 --path /
	--role-name équipe-web
	{"RoleName": "équipe-web", "GroupName": "café"}
	EOT
	cat >expect <<-\EOT &&
	aws iam create-user --user-name IAM_USER_001 --path /
	--role-name IAM_ROLE_001
	{"RoleName": "IAM_ROLE_001", "GroupName": "IAM_GROUP_001"}
	EOT
	mask_check
'

test_done
