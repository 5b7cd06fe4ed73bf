#!/bin/sh
# Round 3 of issue #13: digits under a key named after a kind with a
# prefix of its own (VpcId, SubnetId) are that resource's ID, API
# Gateway's bare "id" beside "createdDate" is its ID, an automated RDS
# snapshot (rds:NAME-date) masks its instance's name, a Lambda ARN its
# alias, an ID list over several lines is read element by element, and an
# account list under a snake-case or plural account key is read in JSON
# mode too, where each element follows its key; numbers under other
# keys stay.  Every case goes through the tool and back through
# awsunmask.

. "$(dirname "$0")/lib.sh"

test_expect_success 'digits under VpcId and SubnetId in XML, JSON and key=value' '
	cat >in <<-\EOT &&
	<DBSubnetGroup><VpcId>990524496922</VpcId></DBSubnetGroup>
	{"SubnetId": "12345678"}
	vpc_id = 20240115
	EOT
	cat >expect <<-\EOT &&
	<DBSubnetGroup><VpcId>RESOURCE_ID_001</VpcId></DBSubnetGroup>
	{"SubnetId": "RESOURCE_ID_002"}
	vpc_id = RESOURCE_ID_003
	EOT
	mask_check
'

test_expect_success 'digits under other ID keys, short or long, stay' '
	cat >in <<-\EOT &&
	{"OrderId": "12345678", "VpcId": "12345"}
	<SubnetId>123456789012345678901</SubnetId>
	EOT
	cp in expect &&
	mask_check
'

test_expect_success 'accounts in a list over several lines, as text and as JSON' '
	cat >in <<-\EOT &&
	{
	  "p_any_aws_account_ids": [
	    "123412341234",
	    "111122223333"
	  ],
	  "order_ids": [
	    "444455556666"
	  ]
	}
	EOT
	cat >expect <<-\EOT &&
	{
	  "p_any_aws_account_ids": [
	    "ACCOUNT_001",
	    "ACCOUNT_002"
	  ],
	  "order_ids": [
	    "444455556666"
	  ]
	}
	EOT
	mask_check &&
	test_must_exit 0 awsmask --format json -s sqlite:j.db in >out 2>err &&
	test_cmp expect out &&
	test_must_exit 0 awsmask --format text -s sqlite:t.db in >out 2>err &&
	test_cmp expect out
'

test_expect_success 'API Gateway ids beside createdDate, as JSON and as text' '
	cat >in <<-\EOT &&
	{
	  "items": [
	    {
	      "createdDate": 1438884790,
	      "id": "12s44z21rb",
	      "name": "My First API"
	    },
	    {
	      "id": "a1b2c3d4e5",
	      "name": "no date here"
	    }
	  ]
	}
	EOT
	sed "s/12s44z21rb/API_GW_001/" in >expect &&
	mask_check &&
	test_must_exit 0 awsmask --format text -s sqlite:t.db in >out 2>err &&
	test_cmp expect out &&
	cat >in <<-\EOT &&
	Output:

	  {"id": "0a1b2c3d4e", "createdDate": 1}
	EOT
	sed "s/0a1b2c3d4e/API_GW_002/" in >expect &&
	mask_check
'

test_expect_success 'an automated RDS snapshot: the instance name, in XML, JSON and a flag' '
	cat >in <<-\EOT &&
	<DBInstanceIdentifier>simcoprod01</DBInstanceIdentifier>
	<DBSnapshotIdentifier>rds:simcoprod01-2012-04-02-00-01</DBSnapshotIdentifier>
	"DBSnapshotIdentifier": "rds:my-db-1-2024-01-15-10-30",
	aws rds restore-db-instance-from-db-snapshot --db-snapshot-identifier rds:mydb-2024-01-15-10-30
	not one: rds:database-2024-01-15 rds:db-2024-01-15-10-30x
	EOT
	cat >expect <<-\EOT &&
	<DBInstanceIdentifier>RDS_001</DBInstanceIdentifier>
	<DBSnapshotIdentifier>rds:RDS_001-2012-04-02-00-01</DBSnapshotIdentifier>
	"DBSnapshotIdentifier": "rds:RDS_002-2024-01-15-10-30",
	aws rds restore-db-instance-from-db-snapshot --db-snapshot-identifier rds:RDS_003-2024-01-15-10-30
	not one: rds:database-2024-01-15 rds:db-2024-01-15-10-30x
	EOT
	mask_check &&
	test_must_exit 0 awsmask -s sqlite:store.db out >again 2>err &&
	test_cmp out again
'

test_expect_success 'a Lambda alias in an ARN, over a multi-line CLI command and in JSON' '
	cat >in <<-\EOT &&
	aws autoscaling create-auto-scaling-group \\
	    --termination-policies "arn:aws:lambda:us-west-2:123456789012:function:HelloFunction:prod" \\
	    --max-size 5
	{"FunctionArn": "arn:aws:lambda:us-west-2:123456789012:function:my-fn:7"}
	{"FunctionArn": "arn:aws:lambda:us-west-2:123456789012:function:my-fn:$LATEST"}
	EOT
	cat >expect <<-\EOT &&
	aws autoscaling create-auto-scaling-group \\
	    --termination-policies "arn:aws:lambda:us-west-2:ACCOUNT_001:function:LAMBDA_001:LAMBDA_002" \\
	    --max-size 5
	{"FunctionArn": "arn:aws:lambda:us-west-2:ACCOUNT_001:function:LAMBDA_003:7"}
	{"FunctionArn": "arn:aws:lambda:us-west-2:ACCOUNT_001:function:LAMBDA_003:$LATEST"}
	EOT
	mask_check
'

test_expect_success 'an RDS database name: dbname in an RDS secret, --db-name; not without RDS' '
	cat >in <<-\EOT &&
	aws secretsmanager create-secret --name x --secret-string file://mycreds.json
	{
	  "engine": "mysql",
	  "host": "my-database-endpoint.us-west-2.rds.amazonaws.com",
	  "dbname": "myDatabase",
	  "port": "3306"
	}
	EOT
	sed "s/myDatabase/DB_NAME_001/; s/my-database-endpoint/RDS_001/" in >expect &&
	mask_check &&
	echo "aws rds create-db-instance --db-instance-identifier db1 --db-name orders" >in &&
	echo "aws rds create-db-instance --db-instance-identifier RDS_002 --db-name DB_NAME_002" >expect &&
	mask_check &&
	cat >in <<-\EOT &&
	{"dbname": "orders", "host": "localhost"}
	psql "dbname=orders host=db1"
	EOT
	cp in expect &&
	mask_check
'

test_expect_success 'ID lists over several lines, in JSON and YAML; transient ones stay' '
	cat >in <<-\EOT &&
	{
	  "DetectorIds": [
	    "12abc34d567e8fa901bc2d34eexample",
	    "b6b992d6d2f48e64bc59180bfexample"
	  ],
	  "RequestIds": [
	    "aaa111bbb222"
	  ]
	}
	Properties:
	  SubnetIds:
	    - subnet-abc123
	    - "d4b040365221be2b54a6264dcexample"
	  Other:
	    - abc123def45
	EOT
	cat >expect <<-\EOT &&
	{
	  "DetectorIds": [
	    "RESOURCE_ID_001",
	    "RESOURCE_ID_002"
	  ],
	  "RequestIds": [
	    "aaa111bbb222"
	  ]
	}
	Properties:
	  SubnetIds:
	    - SUBNET_001
	    - "RESOURCE_ID_003"
	  Other:
	    - abc123def45
	EOT
	mask_check --format text &&
	head -9 in >in.json &&
	head -9 expect >expect.json &&
	test_must_exit 0 awsmask --format json -s sqlite:j2.db in.json >out 2>err &&
	test_cmp expect.json out
'

test_done
