#!/bin/sh
# awsmask-claude against a mock of the Messages API (loopback, a port the
# kernel picks, started and stopped here): the request masked, the
# answer unmasked, streamed or whole, the refusal, fail-secure, keys,
# errors, retries, interrupted streams, tool calls and a large request.
# Every test ends by checking that no original reached the mock.

. "$(dirname "$0")/lib.sh"
. "$AWSMASK_TEST_ROOT/tests/integration/mock-claude.sh"

if ! test_have python3; then
	test_skip 'awsmask-claude' 'python3 is not installed'
	test_done
fi

KEY=sk-ant-test-7f3a9c2e4b1d4e8a9f6c0d2b8a1e5c37
trap 'mock_stop; cd / && chmod -R u+rwx "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
mock_start "$KEY" || exit 1
ANTHROPIC_BASE_URL=$MOCK_URL
ANTHROPIC_API_KEY=$KEY
export ANTHROPIC_BASE_URL ANTHROPIC_API_KEY

ID1=i-0abc12de34f567890
ID2=i-0def98ab76c543210
VPC=vpc-0a1b2c3d4e5f67890
SUB=subnet-0123456789abcdef0
SG=sg-0fedcba9876543210
IP=10.20.3.17
PUB=52.94.236.248
ACC=123456789012
BUCKET=acme-orders-exports
printf '%s\n' $ID1 $ID2 $VPC $SUB $SG $IP $PUB $ACC $BUCKET orders-api \
    prod-orders.c9akciq32 >"$WORK/originals"

# Data with every kind above, as an AWS CLI would print it.
cat >"$WORK/data.json" <<EOF
{"Reservations": [{"OwnerId": "$ACC", "Instances": [
  {"InstanceId": "$ID1", "PrivateIpAddress": "$IP", "PublicIpAddress": "$PUB",
   "VpcId": "$VPC", "SubnetId": "$SUB", "SecurityGroups": [{"GroupId": "$SG"}],
   "IamInstanceProfile": {"Arn": "arn:aws:iam::$ACC:instance-profile/orders-api"}},
  {"InstanceId": "$ID2", "Tags": [{"Key": "backup", "Value": "s3://$BUCKET/2026/"}]}]}]}
EOF
QUESTION="Why can't $ID1 reach prod-orders.c9akciq32.us-east-1.rds.amazonaws.com?"

# no_leak: nothing the mock received holds an original (bodies and
# headers), and neither do the files named.
no_leak() {
	for f in "$MOCK_DIR"/requests/*; do
		[ -e "$f" ] || continue
		test_no_leak "$WORK/originals" "$f" || return 1
	done
	for f; do
		test_no_leak "$WORK/originals" "$f" || return 1
	done
}

# requests N: the mock received exactly N requests, none with an
# original.
requests() {
	_n=$(mock_requests)
	if [ "$_n" -ne "$1" ]; then
		_lib_say "the mock received $_n requests, want $1"
		return 1
	fi
	no_leak
}

# The prompt the tool builds from data.json and QUESTION.
expected_prompt() {
	{ cat "$WORK/data.json"; printf '\n%s\n' "$QUESTION"; } >expect
}

test_expect_success '--dry-run prints the masked request and sends nothing' '
	mock_reset &&
	test_must_exit 0 env -u ANTHROPIC_API_KEY awsmask-claude --dry-run \
	    "$QUESTION" <"$WORK/data.json" >out 2>err &&
	test_must_be_empty err &&
	requests 0 &&
	python3 -c "
import json, sys
r = json.load(open(\"out\"))
assert r[\"model\"] == \"claude-sonnet-4-5\", r[\"model\"]
assert r[\"max_tokens\"] == 4096
assert \"stream\" not in r
m = r[\"messages\"]
assert len(m) == 1 and m[0][\"role\"] == \"user\"
c = m[0][\"content\"]
assert \"EC2_001\" in c and \"RDS_001\" in c and \"BUCKET_001\" in c, c
assert c.endswith(\"reach RDS_001.us-east-1.rds.amazonaws.com?\"), c
" &&
	no_leak out
'

test_expect_success 'an answer comes back unmasked; the mock saw only tokens' '
	mock_reset &&
	expected_prompt &&
	test_must_exit 0 awsmask-claude --no-stream "$QUESTION" \
	    <"$WORK/data.json" >out 2>err &&
	test_must_be_empty err &&
	test_cmp expect out &&
	requests 1 &&
	test_grep -F "x-api-key: $KEY" "$MOCK_DIR/requests/001.headers" &&
	test_grep -F "anthropic-version: 2023-06-01" "$MOCK_DIR/requests/001.headers" &&
	test_grep -i "^content-type: application/json" "$MOCK_DIR/requests/001.headers" &&
	test_grep -F "EC2_001" "$MOCK_DIR/requests/001.body" &&
	no_leak
'

test_expect_success 'a stream cut in one-byte deltas comes back whole and unmasked' '
	mock_reset &&
	expected_prompt &&
	mock_plan "{\"delta\": 1}" &&
	test_must_exit 0 awsmask-claude --stream "$QUESTION" \
	    <"$WORK/data.json" >out 2>err &&
	test_must_be_empty err &&
	test_cmp expect out &&
	test_grep -F "\"stream\":true" "$MOCK_DIR/requests/001.body" &&
	no_leak
'

test_expect_success 'a token cut between two deltas at every byte is restored' '
	mock_reset &&
	printf "%s in %s; %s (%s)\n" $ID1 $VPC $IP \
	    "arn:aws:iam::$ACC:role/orders-api" >in &&
	test_must_exit 0 awsmask-claude --dry-run <in >out 2>err &&
	printf "%s" "EC2_001, EC2\\_001, ec2-001 and **Vpc_001**; PRIVATE_IP_001 (arn:aws:iam::ACCOUNT_001:role/IAM_ROLE_001). web-ec2-001 EC2_0012 ec2-001.example.com" >answer &&
	test_must_exit 0 awsunmask --format text <answer >want &&
	test_grep -F "$ID1, $ID1, $ID1 and **$VPC**; $IP (arn:aws:iam::$ACC:role/orders-api). web-ec2-001 EC2_0012 ec2-001.example.com" want &&
	python3 -c "import json; print(json.dumps({\"text\": open(\"answer\").read(), \"split_every\": True}))" >plan &&
	mock_plan "$(cat plan)" &&
	test_must_exit 0 awsmask-claude --stream <in >out 2>err &&
	test_must_be_empty err &&
	n=$(($(wc -c <answer) - 1)) &&
	: >expect &&
	i=0 && while [ $i -lt $n ]; do cat want >>expect; i=$((i + 1)); done &&
	echo >>expect &&
	test_cmp expect out &&
	no_leak
'

test_expect_success 'SSE frames cut at every byte of the transport' '
	mock_reset &&
	expected_prompt &&
	mock_plan "{\"chunk\": 1, \"delta\": 5}" &&
	test_must_exit 0 awsmask-claude --stream "$QUESTION" \
	    <"$WORK/data.json" >out 2>err &&
	test_cmp expect out &&
	no_leak
'

test_expect_success '--raw prints the unmasked response JSON, whole or streamed' '
	mock_reset &&
	echo "$ID1 in $VPC" >in &&
	test_must_exit 0 awsmask-claude --raw --no-stream <in >out 2>err &&
	test_must_exit 0 awsmask-claude --raw --stream --no-cache <in >out2 2>err &&
	for f in out out2; do
		python3 -c "
import json, sys
m = json.load(open(\"$f\"))
assert m[\"type\"] == \"message\" and m[\"role\"] == \"assistant\"
assert m[\"stop_reason\"] == \"end_turn\", m[\"stop_reason\"]
assert m[\"content\"] == [{\"type\": \"text\", \"text\": \"$ID1 in $VPC\\n\"}], m[\"content\"]
assert m[\"usage\"][\"output_tokens\"] > 0
" || return 1
	done &&
	no_leak
'

test_expect_success '--show-masked prints the answer as Claude wrote it' '
	mock_reset &&
	echo "$ID1 in $VPC" >in &&
	test_must_exit 0 awsmask-claude --show-masked --no-stream <in >out 2>err &&
	echo "EC2_001 in VPC_001" >expect &&
	test_cmp expect out &&
	test_must_exit 0 awsmask-claude --show-masked --stream --no-cache <in >out 2>err &&
	test_cmp expect out &&
	test_must_exit 0 awsmask-claude --show-masked --raw --no-cache <in >out 2>err &&
	test_grep -F "\"text\": \"EC2_001 in VPC_001\\n\"" out &&
	no_leak out
'

test_expect_success '--request: every text a model reads masked, structure untouched' '
	mock_reset &&
	cp "$AWSMASK_TEST_ROOT/examples/claude-request.json" req.json &&
	printf "%s\n" i-0a1b2c3d4e5f67890 10.20.3.17 sg-0fedcba9876543210 \
	    sg-0aaaabbbbccccdddd AROAEXAMPLEROLEID0001 >>"$WORK/originals" &&
	test_must_exit 0 awsmask-claude --no-stream --request req.json >out 2>err &&
	test_must_be_empty err &&
	python3 -c "
import json
a = json.load(open(\"req.json\"))
b = json.load(open(\"$MOCK_DIR/requests/001.body\"))
assert b[\"model\"] == a[\"model\"] and b[\"max_tokens\"] == a[\"max_tokens\"]
assert b[\"metadata\"] == a[\"metadata\"] and b[\"tools\"] == a[\"tools\"]
ma, mb = a[\"messages\"], b[\"messages\"]
assert [m[\"role\"] for m in ma] == [m[\"role\"] for m in mb]
ta, tb = ma[1][\"content\"][1], mb[1][\"content\"][1]
assert (ta[\"id\"], ta[\"name\"]) == (tb[\"id\"], tb[\"name\"])
assert tb[\"input\"] == {\"InstanceId\": \"EC2_001\"}, tb[\"input\"]
assert mb[2][\"content\"][0][\"tool_use_id\"] == ma[2][\"content\"][0][\"tool_use_id\"]
assert \"ACCOUNT_001\" in b[\"system\"][0][\"text\"]
" &&
	test_grep -F "The database allows sg-0aaaabbbbccccdddd only" out &&
	test_grep -F "\"PrivateIpAddress\": \"10.20.3.17\"" out &&
	no_leak
'

test_expect_success 'a tool call round-trips: tokens in its input come back as originals' '
	mock_reset &&
	printf "%s %s %s\n" $ID1 $ID2 $VPC >in &&
	mock_plan "{\"tool_use\": {\"name\": \"describe_instances\", \"input\": \"tokens\"}}" &&
	mock_plan "{\"tool_use\": {\"name\": \"describe_instances\", \"input\": \"tokens\"}, \"delta\": 2}" &&
	mock_plan "{\"tool_use\": {\"name\": \"describe_instances\", \"input\": \"tokens\"}}" &&
	test_must_exit 0 awsmask-claude --no-stream --no-cache <in >out 2>err &&
	test_must_exit 0 awsmask-claude --stream --no-cache <in >out2 2>err &&
	test_cmp out out2 &&
	printf "%s %s %s\n[tool_use describe_instances] {\"tokens\":[\"%s\",\"%s\",\"%s\"],\"note\":\"%s %s %s\"}\n" \
	    $ID1 $ID2 $VPC $ID1 $ID2 $VPC $ID1 $ID2 $VPC >expect &&
	test_cmp expect out &&
	test_must_exit 0 awsmask-claude --raw --no-cache <in >raw 2>err &&
	python3 -c "
import json
m = json.load(open(\"raw\"))
assert m[\"stop_reason\"] == \"tool_use\"
t = m[\"content\"][1]
assert t[\"type\"] == \"tool_use\" and t[\"name\"] == \"describe_instances\"
assert t[\"input\"][\"tokens\"] == [\"$ID1\", \"$ID2\", \"$VPC\"], t
" &&
	no_leak
'

test_expect_success 'a request over 1 MB goes out masked and comes back whole' '
	mock_reset &&
	awk -v acc=$ACC "BEGIN {
		for (i = 0; i < 12000; i++)
			printf \"{\\\"InstanceId\\\": \\\"i-0%016x\\\", \\\"PrivateIpAddress\\\": \\\"10.%d.%d.%d\\\", \\\"OwnerId\\\": \\\"%s\\\"}\\n\", i * 7919 + 1048576, i % 200, (i / 200) % 250, i % 250 + 1, acc
	}" >big &&
	test "$(wc -c <big)" -gt 1048576 &&
	sed -n "s/.*\"\(i-0[0-9a-f]*\)\".*/\1/p" big | sed -n "1~97p" >>"$WORK/originals" &&
	test_must_exit 0 awsmask-claude --no-stream "What are these?" <big >out 2>err &&
	{ cat big; printf "\nWhat are these?\n"; } >expect &&
	test_cmp expect out &&
	test "$(wc -c <"$MOCK_DIR/requests/001.body")" -gt 1048576 &&
	test_grep -F "EC2_12000" "$MOCK_DIR/requests/001.body" &&
	no_leak
'

test_expect_success 'an identifier left in a field it cannot mask: refused, exit 65, nothing sent' '
	mock_reset &&
	cat >req.json <<-EOF &&
	{"model": "claude-sonnet-4-5", "max_tokens": 100, "messages": [
	  {"role": "user", "content": [
	    {"type": "image", "source": {"type": "url", "url": "https://$BUCKET.s3.amazonaws.com/$ID1.png"}},
	    {"type": "text", "text": "What is in $ID2?"}]}]}
	EOF
	test_must_exit 65 awsmask-claude --request req.json >out 2>err &&
	test_must_be_empty out &&
	test_grep "^awsmask-claude: refusing to send: [0-9]+ identifiers? remains? \(" err &&
	test_grep -F "s3-" err &&
	test_line_count = 1 err &&
	requests 0 &&
	no_leak err
'

test_expect_success 'fail-secure: the store down, nothing sent, exit 69' '
	mock_reset &&
	test_must_exit 69 awsmask-claude --store "sqlite:/proc/no/such/m.db" \
	    "$QUESTION" </dev/null >out 2>err &&
	test_must_be_empty out &&
	test_grep -i "store|sqlite" err &&
	requests 0 &&
	test_must_exit 69 awsmask-claude --store redis://127.0.0.1:1 \
	    "hello" </dev/null >out 2>err &&
	requests 0 &&
	no_leak err
'

test_expect_success 'a key the API refuses: exit 77, no retry, the key never printed' '
	mock_reset &&
	test_must_exit 77 env ANTHROPIC_API_KEY=sk-ant-wrong-0123456789 \
	    awsmask-claude -v --no-stream "$QUESTION" </dev/null >out 2>err &&
	test_must_be_empty out &&
	test_grep "API error 401 authentication_error: invalid x-api-key" err &&
	requests 1 &&
	test_grep ! -F "sk-ant-wrong-0123456789" err &&
	test_grep -F "x-api-key: [redacted]" err &&
	test_grep -F "x-api-key: sk-ant-wrong-0123456789" "$MOCK_DIR/requests/001.headers" &&
	no_leak err
'

test_expect_success 'the key: never on stderr, from a file, never from argv' '
	mock_reset &&
	test_must_exit 0 awsmask-claude -v --no-stream "$ID1?" </dev/null >out 2>err &&
	test_grep ! -F "$KEY" err &&
	test_grep ! -F "${KEY#sk-ant-}" err &&
	test_grep -F "[redacted]" err &&
	echo "$KEY" >keyfile &&
	test_must_exit 0 env -u ANTHROPIC_API_KEY awsmask-claude --no-cache \
	    --api-key-file keyfile --no-stream "$ID1?" </dev/null >out 2>err &&
	echo "$ID1?" >expect &&
	test_cmp expect out &&
	test_must_exit 78 env -u ANTHROPIC_API_KEY awsmask-claude --no-stream \
	    --no-cache "$ID1?" </dev/null >out 2>err &&
	test_grep "no API key: set ANTHROPIC_API_KEY or use --api-key-file" err &&
	test_must_exit 78 awsmask-claude --api-key-file no-such-file "x" \
	    </dev/null >out 2>err &&
	test_grep ! -F "no-such-file" err &&
	: A key given where a key file is expected is never printed. &&
	test_must_exit 78 awsmask-claude --api-key "$KEY" "x" </dev/null >out 2>err &&
	test_grep "cannot open the API key file" err &&
	test_grep ! -F "$KEY" err &&
	no_leak err
'

test_expect_success '429 with retry-after, then 529s: retried until it works' '
	mock_reset &&
	mock_plan "{\"status\": 429, \"headers\": {\"retry-after\": \"0\"}, \"error\": {\"type\": \"rate_limit_error\", \"message\": \"Number of requests has exceeded your rate limit\"}}" &&
	mock_plan "{\"status\": 529, \"error\": {\"type\": \"overloaded_error\", \"message\": \"Overloaded\"}}" &&
	mock_plan "{\"status\": 503, \"headers\": {\"retry-after\": \"0\"}, \"error\": {\"type\": \"api_error\", \"message\": \"unavailable\"}}" &&
	test_must_exit 0 awsmask-claude -v --no-stream "$ID1?" </dev/null >out 2>err &&
	echo "$ID1?" >expect &&
	test_cmp expect out &&
	requests 4 &&
	test_grep "API error 429 rate_limit_error: Number of requests has exceeded your rate limit; retry 1 of 4 in 0.00 s" err &&
	test_grep "API error 529 overloaded_error: Overloaded; retry 2 of 4 in [0-9.]+ s" err &&
	no_leak err
'

test_expect_success 'retry-after as an HTTP date' '
	mock_reset &&
	when=$(date -u -d "@$(($(date +%s) + 1))" "+%a, %d %b %Y %H:%M:%S GMT") &&
	mock_plan "{\"status\": 429, \"headers\": {\"retry-after\": \"$when\"}, \"error\": {\"type\": \"rate_limit_error\", \"message\": \"slow down\"}}" &&
	test_must_exit 0 awsmask-claude -v --no-stream "$ID1?" </dev/null >out 2>err &&
	requests 2 &&
	test_grep "retry 1 of 4 in [0-2]\.[0-9]+ s" err
'

test_expect_success '--max-retries bounds the retries: exit 69 with the last error' '
	mock_reset &&
	for i in 1 2 3; do
		mock_plan "{\"status\": 529, \"headers\": {\"retry-after\": \"0\"}, \"error\": {\"type\": \"overloaded_error\", \"message\": \"Overloaded\"}}"
	done &&
	test_must_exit 69 awsmask-claude --max-retries 1 --no-stream "$ID1?" \
	    </dev/null >out 2>err &&
	requests 2 &&
	test_must_be_empty out &&
	echo "awsmask-claude: API error 529 overloaded_error: Overloaded" >expect &&
	test_cmp expect err &&
	no_leak
'

test_expect_success 'a retry-after too long to wait for: no retry, said why' '
	mock_reset &&
	mock_plan "{\"status\": 429, \"headers\": {\"retry-after\": \"3600\"}, \"error\": {\"type\": \"rate_limit_error\", \"message\": \"later\"}}" &&
	test_must_exit 69 awsmask-claude --no-stream "$ID1?" </dev/null >out 2>err &&
	requests 1 &&
	test_grep "API error 429 rate_limit_error: later; retry after 3600 s" err
'

test_expect_success 'other 4xx are not retried: 400 is exit 65, 404 too' '
	mock_reset &&
	mock_plan "{\"status\": 400, \"error\": {\"type\": \"invalid_request_error\", \"message\": \"max_tokens: too large\"}}" &&
	test_must_exit 65 awsmask-claude --no-stream "$ID1?" </dev/null >out 2>err &&
	requests 1 &&
	test_grep "API error 400 invalid_request_error: max_tokens: too large" err &&
	mock_plan "{\"status\": 404, \"error\": {\"type\": \"not_found_error\", \"message\": \"model: nope\"}}" &&
	test_must_exit 65 awsmask-claude --no-stream "$ID1?" </dev/null >out 2>err &&
	requests 2 &&
	mock_plan "{\"status\": 403, \"error\": {\"type\": \"permission_error\", \"message\": \"no access\"}}" &&
	test_must_exit 77 awsmask-claude --no-stream "$ID1?" </dev/null >out 2>err &&
	requests 3
'

test_expect_success 'a stream that drops after text was written: exit 69, no retry, no hang' '
	mock_reset &&
	echo "$ID1 and $VPC and more words to stream" >in &&
	mock_plan "{\"drop_after\": 6, \"delta\": 4}" &&
	test_must_exit 69 awsmask-claude --stream <in >out 2>err &&
	test_grep "the connection closed before the end of the answer" err &&
	test_line_count = 1 err &&
	requests 1 &&
	test -s out &&
	test_grep ! -F "EC2_" out &&
	no_leak err
'

test_expect_success 'a stream that drops before any text: retried' '
	mock_reset &&
	echo "$ID1 here" >in &&
	mock_plan "{\"drop_after\": 1}" &&
	test_must_exit 0 awsmask-claude --stream <in >out 2>err &&
	test_cmp in out &&
	requests 2
'

test_expect_success 'a chunked stream cut short: a transport error, exit 69' '
	mock_reset &&
	echo "$ID1 and $VPC and more words to stream" >in &&
	mock_plan "{\"drop_after\": 6, \"delta\": 4, \"chunked\": true}" &&
	test_must_exit 69 awsmask-claude --stream <in >out 2>err &&
	test_line_count = 1 err &&
	test_grep "^awsmask-claude: " err &&
	requests 1 &&
	no_leak err
'

test_expect_success 'an error event mid-stream: its type and message, exit 69' '
	mock_reset &&
	echo "$ID1 and $VPC and more words to stream" >in &&
	mock_plan "{\"error_event\": {\"type\": \"overloaded_error\", \"message\": \"Overloaded\"}, \"error_after\": 5, \"delta\": 4}" &&
	test_must_exit 69 awsmask-claude --stream <in >out 2>err &&
	echo "awsmask-claude: API error overloaded_error: Overloaded" >expect &&
	test_cmp expect err &&
	requests 1
'

test_expect_success 'a server that never answers: the timeout ends it' '
	mock_reset &&
	mock_plan "{\"stall\": 30}" &&
	start=$(date +%s) &&
	test_must_exit 69 awsmask-claude --timeout 1 --max-retries 0 --stream \
	    "$ID1?" </dev/null >out 2>err &&
	test $(($(date +%s) - start)) -lt 10 &&
	test_grep -i "timed out|timeout" err &&
	requests 1
'

test_expect_success 'no server at all: exit 69 after the retries' '
	test_must_exit 69 env ANTHROPIC_BASE_URL=http://127.0.0.1:1 \
	    awsmask-claude --max-retries 1 "$ID1?" </dev/null >out 2>err &&
	test_grep "cannot reach the API" err &&
	no_leak err
'

test_expect_success 'proxies from the environment, as curl reads them; no password shown' '
	mock_reset &&
	test_must_exit 0 env ANTHROPIC_BASE_URL=http://api.example.invalid \
	    http_proxy=http://bob:proxy-pw-42@127.0.0.1:$MOCK_PORT \
	    awsmask-claude -v --no-stream "$ID1?" </dev/null >out 2>err &&
	echo "$ID1?" >expect &&
	test_cmp expect out &&
	test_grep "^POST http://api.example.invalid/v1/messages " \
	    "$MOCK_DIR/requests/001.headers" &&
	test_grep -i "^proxy-authorization: basic " "$MOCK_DIR/requests/001.headers" &&
	test_grep -F "bob:***@127.0.0.1" err &&
	test_grep ! -F "proxy-pw-42" err &&
	test_must_exit 69 env http_proxy=http://127.0.0.1:1 awsmask-claude \
	    --max-retries 0 --no-cache "$ID1?" </dev/null >out 2>err &&
	test_must_exit 0 env http_proxy=http://127.0.0.1:1 no_proxy=127.0.0.1 \
	    awsmask-claude --no-cache "$ID1?" </dev/null >out 2>err &&
	test_cmp expect out &&
	no_leak err
'

test_expect_success 'digest tokens: the same masking as awsmask, and the round trip' '
	mock_reset &&
	printf "%s" "0123456789abcdef0123456789abcdef" >key &&
	chmod 600 key &&
	echo "$ID1 in $VPC" >in &&
	test_must_exit 0 awsmask-claude --token-style digest --token-key-file key \
	    --dry-run <in >out 2>err &&
	test_grep -E "\"content\":\"EC2_[0-9]{8} in VPC_[0-9]{8}\\\\n\"" out &&
	test_must_exit 0 awsmask --token-style digest --token-key-file key \
	    -s memory: <in >masked 2>err &&
	test_grep -F "$(sed "s/ in .*//" masked)" out &&
	test_must_exit 0 awsmask-claude --token-style digest --token-key-file key \
	    --no-stream <in >out 2>err &&
	test_cmp in out &&
	requests 1
'

test_expect_success 'bad requests and bad usage' '
	mock_reset &&
	echo "{\"messages\": [ $ID1 ]}" >bad.json &&
	test_must_exit 65 awsmask-claude --request bad.json >out 2>err &&
	test_grep "bad request: line 1, column [0-9]+" err &&
	test_grep ! -F "$ID1" err &&
	echo "{\"messages\": []}" >empty.json &&
	test_must_exit 65 awsmask-claude --request empty.json >out 2>err &&
	test_grep "\"messages\" must be a non-empty array" err &&
	test_must_exit 2 awsmask-claude --request empty.json "question" >out 2>err &&
	test_must_exit 2 awsmask-claude </dev/null >out 2>err &&
	test_grep "nothing to ask" err &&
	test_must_exit 2 awsmask-claude --max-tokens 12x "q" </dev/null >out 2>err &&
	test_must_exit 2 awsmask-claude --timeout -1 "q" </dev/null >out 2>err &&
	test_must_exit 78 env ANTHROPIC_BASE_URL=ftp://example.com \
	    awsmask-claude "q" </dev/null >out 2>err &&
	test_grep "bad API base URL" err &&
	requests 0
'

test_expect_success 'model, max tokens and system from flags, environment and config' '
	mock_reset &&
	echo "claude_model = claude-opus-4-1" >conf &&
	test_must_exit 0 awsmask-claude -C conf --dry-run "q" </dev/null >out 2>err &&
	test_grep -F "\"model\":\"claude-opus-4-1\"" out &&
	test_must_exit 0 env AWSMASK_CLAUDE_MODEL=claude-haiku-4-5 \
	    awsmask-claude -C conf --dry-run "q" </dev/null >out 2>err &&
	test_grep -F "\"model\":\"claude-haiku-4-5\"" out &&
	test_must_exit 0 env AWSMASK_CLAUDE_MODEL=claude-haiku-4-5 \
	    awsmask-claude -m claude-x --max-tokens 77 --system "You see account $ACC." \
	    --dry-run "q" </dev/null >out 2>err &&
	test_grep -F "\"model\":\"claude-x\"" out &&
	test_grep -F "\"max_tokens\":77" out &&
	test_grep -F "\"system\":\"You see account ACCOUNT_001.\"" out &&
	cp "$AWSMASK_TEST_ROOT/examples/claude-request.json" req.json &&
	test_must_exit 0 awsmask-claude -C conf --dry-run --request req.json \
	    >out 2>err &&
	test_grep -F "\"model\":\"claude-sonnet-4-5\"" out &&
	test_grep -F "\"max_tokens\":2048" out &&
	test_must_exit 0 awsmask-claude -m claude-x --max-tokens 77 --dry-run \
	    --request req.json >out 2>err &&
	test_grep -F "\"model\":\"claude-x\"" out &&
	test_grep -F "\"max_tokens\":77" out &&
	no_leak out
'

test_done
