#!/bin/sh
# The Claude Messages API shapes through awsmask and awsunmask: every
# text field masked; model, max_tokens, ids and metadata untouched.

. "$(dirname "$0")/lib.sh"

# A request in all its variants: system as a string and as blocks;
# content as a string and as blocks of text, image, tool_use (input) and
# tool_result (content as a string holding JSON, and as blocks).
cat >"$WORK/request.json" <<\EOF
{
  "model": "claude-sonnet-4-5-20250929",
  "max_tokens": 1024,
  "temperature": 0.2,
  "metadata": {"user_id": "user-7f3a9c2e-4b1d-4e8a-9f6c-0d2b8a1e5c37"},
  "system": "You help with account 123456789012 and instance i-0abc12de34f567890.",
  "tools": [{"name": "describe_instances", "description": "Describe instances in vpc-0a1b2c3d4e5f67890.",
    "input_schema": {"type": "object", "properties": {"InstanceIds": {"type": "array", "items": {"type": "string"}}}}}],
  "messages": [
    {"role": "user", "content": "Why is i-0def98ab76c543210 in vpc-0a1b2c3d4e5f67890 unreachable?"},
    {"role": "assistant", "content": [
      {"type": "text", "text": "Let me look at subnet-0123456789abcdef0."},
      {"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": "describe_instances",
       "input": {"InstanceIds": ["i-0def98ab76c543210"], "Filters": [{"Name": "vpc-id", "Values": ["vpc-0a1b2c3d4e5f67890"]}]}}
    ]},
    {"role": "user", "content": [
      {"type": "tool_result", "tool_use_id": "toolu_01A09q90qw90lq917835lq9",
       "content": "{\"Reservations\":[{\"OwnerId\":\"123456789012\",\"Instances\":[{\"InstanceId\":\"i-0def98ab76c543210\",\"IamInstanceProfile\":{\"Arn\":\"arn:aws:iam::123456789012:instance-profile\/web\"}}]}]}"},
      {"type": "tool_result", "tool_use_id": "toolu_01B7mQ2", "is_error": false,
       "content": [{"type": "text", "text": "sg-0123456789abcdef0 allows 22 from vol-0123456789abcdef0\nok"}]},
      {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"}},
      {"type": "text", "text": "Also check the role arn:aws:iam::123456789012:role/Admin \u00e9\ud83d\ude00"}
    ]}
  ]
}
EOF
# The same request with system as blocks.
sed "s|^  \"system\": \"\\(.*\\)\",\$|  \"system\": [{\"type\": \"text\", \"text\": \"\\1\", \"cache_control\": {\"type\": \"ephemeral\"}}],|" \
    "$WORK/request.json" >"$WORK/request-blocks.json"

printf '%s\n' 123456789012 i-0abc12de34f567890 i-0def98ab76c543210 \
    vpc-0a1b2c3d4e5f67890 subnet-0123456789abcdef0 sg-0123456789abcdef0 \
    vol-0123456789abcdef0 Admin instance-profile/web >"$WORK/originals"

# Compare a masked request with its original: every field but the text
# fields equal; the text fields changed.
cat >"$WORK/claude.py" <<\EOF
import json, sys

orig, masked = (json.load(open(p)) for p in sys.argv[1:3])
texts = []

def walk(a, b, path, text):
    if type(a) is not type(b):
        sys.exit("%s: type changed" % path)
    if isinstance(a, dict):
        if list(a) != list(b):
            sys.exit("%s: keys changed: %r -> %r" % (path, list(a), list(b)))
        for (ka, va), (kb, vb) in zip(a.items(), b.items()):
            walk(va, vb, path + "." + ka, text or ka in ("text", "system",
                 "content", "description", "input"))
    elif isinstance(a, list):
        if len(a) != len(b):
            sys.exit("%s: length changed" % path)
        for k, (va, vb) in enumerate(zip(a, b)):
            walk(va, vb, "%s[%d]" % (path, k), text)
    elif text:
        texts.append((path, a, b))
    elif a != b:
        sys.exit("%s: changed: %r -> %r" % (path, a, b))

walk(orig, masked, "", False)
for path, a, b in texts:
    if isinstance(a, str) and ("-0" in a or "1234" in a) and a == b:
        sys.exit("%s: not masked: %r" % (path, a))
for key in ("model", "max_tokens", "temperature", "metadata"):
    if orig.get(key) != masked.get(key):
        sys.exit(key + " changed")
print(len(texts), "text values checked")
EOF

for shape in request request-blocks; do
	test_expect_success "Messages $shape: text fields masked, the rest untouched" '
		cp "$WORK/'$shape'.json" in.json &&
		test_must_exit 0 awsmask -v in.json >out 2>err &&
		test_grep -F "read as json" err &&
		python3 "$WORK/claude.py" in.json out >checked &&
		test_grep "^2[0-9] text values checked$" checked &&
		test_no_leak "$WORK/originals" out err &&
		test_grep -F "\"model\": \"claude-sonnet-4-5-20250929\"" out &&
		test_grep -F "\"max_tokens\": 1024," out &&
		test_grep -F "\"metadata\": {\"user_id\": \"user-7f3a9c2e-4b1d-4e8a-9f6c-0d2b8a1e5c37\"}" out &&
		test_grep -F "\"id\": \"toolu_01A09q90qw90lq917835lq9\"" out &&
		test_grep -F "\"tool_use_id\": \"toolu_01B7mQ2\"" out &&
		test_grep -F "\"data\": \"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk\"" out &&
		test_grep -F "role/IAM_ROLE_001 \\u00e9\\ud83d\\ude00\"}" out &&
		test_grep -F "\\\"OwnerId\\\":\\\"ACCOUNT_001\\\"" out &&
		test_grep -F "instance-profile\\/IAM_PROFILE_001" out &&
		test_must_exit 0 awsunmask out >back 2>err &&
		test_cmp in.json back
	'
done

test_expect_success 'Messages request as one NDJSON line per request' '
	test_grep -F "\"system\": [{\"type\": \"text\", \"text\": \"You help" "$WORK/request-blocks.json" &&
	python3 -c "import json,sys; [print(json.dumps(json.load(open(p)))) for p in sys.argv[1:]]" \
	    "$WORK/request.json" "$WORK/request-blocks.json" >in &&
	test_must_exit 0 awsmask -v in >out 2>err &&
	test_grep -F "read as ndjson" err &&
	test_line_count = 2 out &&
	test_no_leak "$WORK/originals" out &&
	test_must_exit 0 awsunmask out >back 2>err &&
	test_cmp in back
'

test_expect_success 'a Messages response with tokens unmasks to valid JSON' '
	cp "$WORK/request.json" in.json &&
	test_must_exit 0 awsmask in.json >masked 2>err &&
	cat >resp.json <<-\EOF &&
	{"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
	 "content":[{"type":"text","text":"EC2_002 in VPC_001 has no route; SG_001 says \"allow 22\".\nAccount ACCOUNT_001, role arn:aws:iam::ACCOUNT_001:role\/IAM_ROLE_001."},
	  {"type":"tool_use","id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"describe_route_tables",
	   "input":{"Filters":[{"Name":"vpc-id","Values":["VPC_001"]}],"SubnetId":"SUBNET_001","Note":"EC2_002\tEC2_001"}}],
	 "stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":2095,"output_tokens":503}}
	EOF
	test_must_exit 0 awsunmask -v resp.json >out 2>err &&
	test_grep -F "read as json" err &&
	python3 -c "import json; json.load(open(\"out\"))" &&
	cat >expect <<-\EOF &&
	{"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
	 "content":[{"type":"text","text":"i-0def98ab76c543210 in vpc-0a1b2c3d4e5f67890 has no route; sg-0123456789abcdef0 says \"allow 22\".\nAccount 123456789012, role arn:aws:iam::123456789012:role\/Admin."},
	  {"type":"tool_use","id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"describe_route_tables",
	   "input":{"Filters":[{"Name":"vpc-id","Values":["vpc-0a1b2c3d4e5f67890"]}],"SubnetId":"subnet-0123456789abcdef0","Note":"i-0def98ab76c543210\ti-0abc12de34f567890"}}],
	 "stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":2095,"output_tokens":503}}
	EOF
	test_cmp expect out
'

test_expect_success '--report on a Messages request names only text fields' '
	cp "$WORK/request.json" in.json &&
	test_must_exit 0 awsmask --report rep in.json >out 2>err &&
	test_no_leak "$WORK/originals" rep &&
	python3 -c "
import json
raw = open(\"in.json\", \"rb\").read()
n = 0
for line in open(\"rep\"):
    r = json.loads(line)
    frag = raw[r[\"offset\"]:r[\"offset\"] + r[\"length\"]]
    assert b\"toolu_\" not in frag and b\"claude\" not in frag, frag
    n += 1
assert n >= 14, n
"
'

test_done
