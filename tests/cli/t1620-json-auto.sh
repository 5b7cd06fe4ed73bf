#!/bin/sh
# --format auto decides per document (issue #13): a JSON document then
# text, text then a document, NDJSON records inside a log, truncated or
# broken JSON read as text, lone brackets; round trips and --check.
# An identifier written with a JSON escape (\u0069-...) is masked only
# where its part is read as JSON, which is how these tests tell.

. "$(dirname "$0")/lib.sh"

printf '%s\n' i-0123456789abcdef0 i-0abc12de34f567890 vpc-0a1b2c3d4e5f67890 \
    subnet-0123456789abcdef0 123456789012 prod-admin >"$WORK/originals"

test_expect_success 'a JSON document, then text: each read its own way' '
	cat >in <<-\EOF &&
	{"RoleName": "prod-admin", "Arn": "arn:aws:iam::123456789012:role\/prod-admin",
	 "Instance": "\u0069-0123456789abcdef0"}
	2026-12-04 10:00:01 INFO started i-0abc12de34f567890 in vpc-0a1b2c3d4e5f67890
	EOF
	test_must_exit 0 awsmask -v in >out 2>err &&
	cat >expect <<-\EOF &&
	{"RoleName": "IAM_ROLE_001", "Arn": "arn:aws:iam::ACCOUNT_001:role\/IAM_ROLE_001",
	 "Instance": "EC2_001"}
	2026-12-04 10:00:01 INFO started EC2_002 in VPC_001
	EOF
	test_cmp expect out &&
	test_grep -F "awsmask: in: read as text and json" err &&
	test_no_leak "$WORK/originals" out err
'

test_expect_success 'text, then a document over many lines' '
	cat >in <<-\EOF &&
	$ aws ec2 describe-instances --instance-ids i-0abc12de34f567890
	{
	    "Reservations": [
	        {
	            "OwnerId": "123456789012",
	            "Instances": [{"InstanceId": "\u0069-0123456789abcdef0"}]
	        }
	    ]
	}
	EOF
	test_must_exit 0 awsmask in >out 2>err &&
	sed -e "s/i-0abc12de34f567890/EC2_001/" -e "s/123456789012/ACCOUNT_001/" \
	    -e "s/[\\]u0069-0123456789abcdef0/EC2_002/" in >expect &&
	test_cmp expect out &&
	test_no_leak "$WORK/originals" out err
'

test_expect_success 'NDJSON records inside a log; --check finds each once' '
	cat >in <<-\EOF &&
	[2026-12-04 10:00:00] INFO boot in vpc-0a1b2c3d4e5f67890
	{"eventName": "RunInstances", "instanceId": "\u0069-0123456789abcdef0"}
	[2026-12-04 10:00:01] INFO up
	  {"subnetId": "subnet-0123456789abcdef0"}
	done i-0abc12de34f567890
	EOF
	test_must_exit 0 awsmask in >out 2>err &&
	cat >expect <<-\EOF &&
	[2026-12-04 10:00:00] INFO boot in VPC_001
	{"eventName": "RunInstances", "instanceId": "EC2_001"}
	[2026-12-04 10:00:01] INFO up
	  {"subnetId": "SUBNET_001"}
	done EC2_002
	EOF
	test_cmp expect out &&
	test_must_exit 1 awsmask --check in >out 2>err &&
	test_grep -F "awsmask: in:1: vpc (VPC)" err &&
	test_grep -F "awsmask: in:2: ec2-instance (EC2)" err &&
	test_grep -F "awsmask: in:4: subnet (SUBNET)" err &&
	test_grep -F "awsmask: in:5: ec2-instance (EC2)" err &&
	test_grep -F "4 identifiers found" err
'

test_expect_success 'mixed input round-trips byte for byte' '
	cat >in <<-\EOF &&
	note: vpc-0a1b2c3d4e5f67890
	{"a": "i-0123456789abcdef0", "n": [1, 2.5e3, true, null], "s": "caf\u00e9 \/"}
	{"b": "subnet-0123456789abcdef0",
	 "c": oops i-0abc12de34f567890}
	["prod-admin"] trailing text
	EOF
	test_must_exit 0 awsmask in >out 2>err &&
	grep -v prod-admin "$WORK/originals" >orig &&
	test_no_leak orig out err &&
	test_must_exit 0 awsunmask out >back 2>err &&
	test_cmp in back &&
	test_must_exit 0 awsmask out >again 2>err &&
	test_cmp out again
'

test_expect_success 'a truncated document is text: masked, exit 0' '
	printf "{\"a\": \"i-0123456789abcdef0\",\n \"b\": [1, 2,\n  \"vpc-0a1b2c3d4e5f67890\"" >in.json &&
	test_must_exit 0 awsmask -v in.json >out 2>err &&
	test_grep -F "read as text" err &&
	printf "{\"a\": \"EC2_001\",\n \"b\": [1, 2,\n  \"VPC_001\"" >expect &&
	test_cmp expect out &&
	test_must_exit 65 awsmask --format json in.json >out 2>err &&
	test_must_be_empty out
'

test_expect_success 'a document, then another one cut: the first as JSON, the rest text' '
	printf "{\"a\": \"\\\\u0069-0123456789abcdef0\"}\n{\"b\": \"vpc-0a1b2c3d4e5f67890\",\n \"c\": [\"i-0abc12de34f567890\"" >in &&
	test_must_exit 0 awsmask in >out 2>err &&
	printf "{\"a\": \"EC2_001\"}\n{\"b\": \"VPC_001\",\n \"c\": [\"EC2_002\"" >expect &&
	test_cmp expect out
'

test_expect_success 'lone brackets are text: exit 0, output as input' '
	for s in "[" "{" "[\n" "  {\n" "[\n{\n[\n" "x\n[" "]" "{}" "[]\n"; do
		printf "$s" >in &&
		test_must_exit 0 awsmask in >out 2>err &&
		test_cmp in out &&
		test_must_exit 0 awsunmask in >out 2>err &&
		test_cmp in out &&
		test_must_exit 0 awsmask --check in >out 2>err ||
		return 1
	done
'

test_expect_success 'a name before the document that teaches it is masked too' '
	cat >in <<-\EOF &&
	aws cloudtrail get-event-selectors --trail-name Trail1
	Output:
	{
	  "TrailARN": "arn:aws:cloudtrail:us-east-1:123456789012:trail/Trail1"
	}
	EOF
	test_must_exit 0 awsmask -s memory: in >out 2>err &&
	cat >expect <<-\EOF &&
	aws cloudtrail get-event-selectors --trail-name ARN_001
	Output:
	{
	  "TrailARN": "arn:aws:cloudtrail:us-east-1:ACCOUNT_001:trail/ARN_001"
	}
	EOF
	test_cmp expect out
'

test_expect_success 'the command before a document is evidence for its keys' '
	cat >in <<-\EOF &&
	aws ecs create-service --cli-input-json file://svc.json
	{
	  "cluster": "mycluster",
	  "serviceName": "web-svc"
	}
	EOF
	test_must_exit 0 awsmask -s memory: in >out 2>err &&
	test_grep -F "\"cluster\": \"ECS_CLUSTER_001\"" out &&
	test_grep -F "\"serviceName\": \"ECS_SERVICE_001\"" out &&
	sed 1d in >alone &&
	test_must_exit 0 awsmask -s memory: alone >out 2>err &&
	test_cmp alone out
'

# One value longer than what is kept to read it again (2 MB).
cat >"$WORK/gen.py" <<\EOF
import sys
w = sys.stdout.write
w('{"Records": [\n')
for k in range(30000):
    w('{"id": "i-%017x", "pad": "%s"},\n' % (k, "x" * 80))
if sys.argv[1] == "bad":
    w('{"id": "vpc-0a1b2c3d4e5f67890", oops}\n')
else:
    w('{"id": "vpc-0a1b2c3d4e5f67890"}]}\n')
w("tail i-0abc12de34f567890\n")
EOF

test_expect_success 'a value over 2 MB that goes wrong: exit 65, nothing of it out' '
	python3 "$WORK/gen.py" bad >in &&
	test_must_exit 65 awsmask -s memory: in >out 2>err &&
	test_must_be_empty out &&
	test_grep "^awsmask: in: invalid JSON at line 30002, column [0-9]+: " err &&
	printf "%s\n" vpc-0a1b2c3d4e5f67890 i-0000000000000002a >orig &&
	test_no_leak orig out err
'

test_expect_success 'a document over 2 MB, then text: both masked' '
	python3 "$WORK/gen.py" good >in &&
	test_must_exit 0 awsmask -s memory: -v in >out 2>err &&
	test_grep -F "read as text and json" err &&
	test_line_count = 30003 out &&
	tail -n 1 out >last &&
	echo "tail EC2_30001" >expect &&
	test_cmp expect last &&
	test_grep ! "i-0000" out
'

if grep -q __asan_init "$AWSMASK_TEST_ROOT/cmd/awsmask" 2>/dev/null; then
	test_skip '--check on a 16 MB document in bounded memory' 'ASan build'
elif ! /usr/bin/time -f %M true >/dev/null 2>&1; then
	test_skip '--check on a 16 MB document in bounded memory' 'no GNU time'
else
	# What a section found waits for its output to be committed; once
	# the section is too long to read again, it goes out at once.
	test_expect_success '--check on a 16 MB document in bounded memory' '
		python3 -c "
import sys
w = sys.stdout.write
w(\"[\\n\")
for k in range(16 * 1024 * 1024 // 60):
    w(\"{\\\"InstanceId\\\":\\\"i-%017x\\\",\\\"n\\\":\\\"pad\\\"},\\n\" % (k % 5000))
w(\"{}]\\n\")" >in.json &&
		test_grep -F "{\"InstanceId\":\"i-00000000000000001\",\"n\":\"pad\"}," in.json &&
		/usr/bin/time -o rss -f %M awsmask --check -s memory: in.json >out 2>err ||
		test $? = 1 &&
		test_grep "^awsmask: 279620 identifiers found" err &&
		kb=$(tail -n 1 rss) &&
		echo "peak RSS $kb KB" >&4 &&
		test "$kb" -lt 24000
	'
fi

test_done
