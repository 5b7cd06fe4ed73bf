#!/bin/sh
# JSON and NDJSON input (--format): identifiers inside decoded strings,
# bytes outside changed strings kept, escapes, unicode, deep nesting,
# truncated and invalid input, --report and --check on JSON.

. "$(dirname "$0")/lib.sh"

# Python checks of JSON output: python3 comes with scripts/deps.
cat >"$WORK/jck.py" <<\EOF
import json, sys

def seq(data):
    d = json.JSONDecoder()
    out, i, n = [], 0, len(data)
    while True:
        while i < n and data[i] in " \t\r\n":
            i += 1
        if i == n:
            return out
        v, i = d.raw_decode(data, i)
        out.append(v)

def text(path):
    with open(path, encoding="utf-8", errors="surrogatepass") as f:
        return f.read()

cmd, args = sys.argv[1], sys.argv[2:]
if cmd == "valid":		# FILE...: each holds exactly one JSON value
    for a in args:
        json.loads(text(a))
elif cmd == "seq":		# FILE N: a sequence of N JSON values
    if len(seq(text(args[0]))) != int(args[1]):
        sys.exit("%s: not %s values" % (args[0], args[1]))
elif cmd == "same":		# A B: the same JSON values
    if seq(text(args[0])) != seq(text(args[1])):
        sys.exit("%s and %s differ as JSON" % (args[0], args[1]))
elif cmd == "strip-same":	# A B: equal once trailing whitespace goes
    with open(args[0], "rb") as a, open(args[1], "rb") as b:
        if a.read().rstrip() != b.read().rstrip():
            sys.exit("%s and %s differ" % (args[0], args[1]))
elif cmd == "report":
    # INPUT... REPORT TOKENS SPANS: check every line of REPORT, write its
    # tokens and the decoded input spans it names, one a line.
    inputs, rep, toks, spans = args[:-3], args[-3], args[-2], args[-1]
    raw = [open(p, "rb").read() for p in inputs]
    with open(rep) as r, open(toks, "w") as t, open(spans, "w") as s:
        for line in r:
            o = json.loads(line)
            if sorted(o) != ["input", "kind", "length", "offset", "token"]:
                sys.exit("bad keys: %r" % line)
            frag = raw[o["input"] - 1][o["offset"]:o["offset"] + o["length"]]
            frag = json.loads(b'"' + frag + b'"')
            t.write(o["token"] + "\n")
            s.write(frag + "\n")
else:
    sys.exit("jck.py: unknown " + cmd)
EOF
jck() {
	python3 "$WORK/jck.py" "$@"
}

# Generators, run by the tests that need them.
cat >"$WORK/gen.py" <<\EOF
import sys

w = sys.stdout.write
what = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 0
leaf = '"i-0123456789abcdef0"'
if what == "deep-array":
    w("[" * n + leaf + "]" * n + "\n")
elif what == "deep-object":
    w('{"a":' * n + leaf + "}" * n + "\n")
elif what == "deep-open":
    w('{"a":[' * n)
elif what == "cloudtrail":	# n lines
    for k in range(n):
        w('{"eventVersion":"1.08","eventID":"%08d","userIdentity":'
          '{"type":"AssumedRole","arn":"arn:aws:sts::%012d:assumed-role/'
          'Admin/alice","accountId":"%012d"},"eventName":"RunInstances",'
          '"requestParameters":{"instanceId":"i-%017x","subnetId":'
          '"subnet-%017x"},"note":"caf\\u00e9 \\ud83d\\ude00 \\/ \\"q\\""}\n'
          % (k, 123456789012 + k % 7, 123456789012 + k % 7, k % 3000,
             k % 50))
elif what == "cloudtrail-originals":
    for k in range(7):
        w("%012d\n" % (123456789012 + k))
    for k in range(3000):
        w("i-%017x\n" % k)
    for k in range(50):
        w("subnet-%017x\n" % k)
elif what == "boundary":
    # One string across the 256 KiB block edge, an identifier on it.
    pre = '{"k":"'
    w(pre + "x" * (256 * 1024 - len(pre) - 10) + " i-0123456789abcdef0 \\/ "
      + "y" * (256 * 1024) + ' subnet-0123456789abcdef0", "RoleName":\n'
      '"prod-admin"}\n')
elif what == "many":
    # One string with 70 identifiers and escapes between them.
    ids = " ".join("i-%017x" % (0x0123456789abcdef0 + k) for k in range(70))
    w('{"k":"a\\/b caf\\u00e9 ' + ids + ' \\/end \\u0041"}\n')
elif what == "many-expect":
    ids = " ".join("EC2_%03d" % (k + 1) for k in range(70))
    w('{"k":"a\\/b caf\\u00e9 ' + ids + ' \\/end \\u0041"}\n')
elif what == "big":
    # About n MB of JSON, one document, many small strings.
    w("[\n")
    for k in range(n * 1024 * 1024 // 100):
        w('{"InstanceId":"i-%017x","Note":"nothing to hide, just some '
          'padding text"},\n' % (k % 5000))
    w("{}]\n")
elif what == "ndjson-then-bad":
    # More than one 256 KiB block of good lines, then a bad one.
    for k in range(8000):
        w('{"n":%d,"id":"i-%017x"}\n' % (k, k))
    w('{"n":-1,"id":"vpc-0a1b2c3d4e5f67890", oops}\n')
    w('{"n":-2,"id":"subnet-0123456789abcdef0"}\n')
EOF
gen() {
	python3 "$WORK/gen.py" "$@"
}

# The identifiers of the main sample below, one a line.
printf '%s\n' 123456789012 Admin i-0123456789abcdef0 i-0abc12de34f567890 \
    vpc-0a1b2c3d4e5f67890 subnet-0123456789abcdef0 prod-admin \
    >"$WORK/originals"

# Layout, numbers, literals, escapes and unicode outside what changes
# must come out byte for byte.
cat >"$WORK/sample.json" <<\EOF
{ "keep" : [ 1.50 , -0, 2E+3, true,false , null, {}, [] ],
	"esc": "tab\tq\"uote \/slash caf\u00e9 \ud83d\ude00 é 😀 \\",
  "arn":"arn:aws:iam::123456789012:role\/Admin",
  "inst" :"\u0069-0123456789abcdef0",
  "i-0abc12de34f567890": {"vpc-0a1b2c3d4e5f67890": "subnet-0123456789abcdef0 caf\u00e9 \/ é"},
  "RoleName":"prod-admin"
}
EOF
cat >"$WORK/sample.expect" <<\EOF
{ "keep" : [ 1.50 , -0, 2E+3, true,false , null, {}, [] ],
	"esc": "tab\tq\"uote \/slash caf\u00e9 \ud83d\ude00 é 😀 \\",
  "arn":"arn:aws:iam::ACCOUNT_001:role\/IAM_ROLE_001",
  "inst" :"EC2_001",
  "EC2_002": {"VPC_001": "SUBNET_001 caf\u00e9 \/ é"},
  "RoleName":"IAM_ROLE_002"
}
EOF

# --- detection and byte-for-byte output ---------------------------------

test_expect_success 'JSON is read as JSON: escaped identifiers, keys, kept bytes' '
	cp "$WORK/sample.json" in.json &&
	test_must_exit 0 awsmask -v in.json >out 2>err &&
	test_cmp "$WORK/sample.expect" out &&
	test_grep -F "awsmask: in.json: read as json" err &&
	jck valid out &&
	test_no_leak "$WORK/originals" out err
'

test_expect_success 'round trip: the same JSON; byte for byte but the escaped ID' '
	cp "$WORK/sample.json" in.json &&
	test_must_exit 0 awsmask in.json >out 2>err &&
	test_must_exit 0 awsunmask out >back 2>err &&
	jck same in.json back &&
	sed "s/[\\]u0069-0123/i-0123/" in.json >expect &&
	test_cmp expect back
'

test_expect_success 'round trip without escaped identifiers is byte for byte' '
	grep -v u0069 "$WORK/sample.json" >in.json &&
	test_must_exit 0 awsmask --format json in.json >out 2>err &&
	jck valid out &&
	test_must_exit 0 awsunmask --format json out >back 2>err &&
	test_cmp in.json back
'

test_expect_success 'an escape inside an identifier: found, only its span rewritten' '
	printf "{\"a\": \"x\\\\/ i-01234567\\\\u00389abcdef0 \\\\u00e9\"}\n" >in.json &&
	test_grep -F "\\u0038" in.json &&
	test_must_exit 0 awsmask -s memory: in.json >out 2>err &&
	printf "{\"a\": \"x\\\\/ EC2_001 \\\\u00e9\"}\n" >expect &&
	test_cmp expect out
'

test_expect_success 'text that looks like a token inside JSON round-trips' '
	echo "{\"EC2_001\": \"EC2_001 and i-0123456789abcdef0\"}" >in.json &&
	test_must_exit 0 awsmask in.json >out 2>err &&
	jck valid out &&
	test_must_exit 0 awsunmask out >back 2>err &&
	test_cmp in.json back
'

test_expect_success 'a string across the 256 KiB block edge, an ID on the edge' '
	gen boundary >in.json &&
	test_must_exit 0 awsmask --report rep in.json >out 2>err &&
	jck valid out &&
	test_grep -F " EC2_001 \\/ yyy" out &&
	test_grep -F " SUBNET_001\", \"RoleName\":" out &&
	test_grep -F "\"IAM_ROLE_001\"}" out &&
	printf "%s\n" i-0123456789abcdef0 subnet-0123456789abcdef0 prod-admin >orig &&
	test_no_leak orig out rep &&
	test_must_exit 0 awsunmask out >back 2>err &&
	test_cmp in.json back
'

test_expect_success 'a string with 70 identifiers: only their spans are rewritten' '
	gen many >in.json &&
	gen many-expect >expect &&
	test_must_exit 0 awsmask -s memory: in.json >out 2>err &&
	test_cmp expect out
'

test_expect_success '--report on a string with 70 identifiers names each one' '
	gen many >in.json &&
	test_must_exit 0 awsmask --report rep in.json >out 2>err &&
	test_line_count = 70 rep &&
	jck report in.json rep tokens spans &&
	test_must_exit 0 awsunmask tokens >back 2>err &&
	test_cmp spans back
'

# --- NDJSON ---------------------------------------------------------------

test_expect_success 'NDJSON: 100,000 CloudTrail-like lines round trip' '
	gen cloudtrail 100000 >in.ndjson &&
	gen cloudtrail-originals >orig &&
	test_must_exit 0 awsmask -v in.ndjson >out 2>err &&
	test_grep -F "awsmask: in.ndjson: read as ndjson" err &&
	test_line_count = 100000 out &&
	jck seq out 100000 &&
	test_no_leak orig out err &&
	test_grep "^\\{\"eventVersion\":\"1.08\",\"eventID\":\"00000000\",\"userIdentity\":\\{\"type\":\"AssumedRole\",\"arn\":\"arn:aws:sts::ACCOUNT_001:assumed-role/IAM_ROLE_001/[A-Z_]+_001\",\"accountId\":\"ACCOUNT_001\"\\},\"eventName\":\"RunInstances\",\"requestParameters\":\\{\"instanceId\":\"EC2_001\",\"subnetId\":\"SUBNET_001\"\\},\"note\":\"caf[\\]u00e9 [\\]ud83d[\\]ude00 [\\]/ [\\]\"q[\\]\"\"\\}$" out &&
	test_must_exit 0 awsunmask -v out >back 2>err &&
	test_grep -F "read as ndjson" err &&
	test_cmp in.ndjson back
'

test_expect_success 'concatenated JSON values are a sequence too' '
	printf "{\"a\":\"i-0123456789abcdef0\"}{\"b\":1}\n[\"vpc-0a1b2c3d4e5f67890\"]\"subnet-0123456789abcdef0\" 1 true\n" >in &&
	test_must_exit 0 awsmask -s memory: -v in >out 2>err &&
	test_grep -F "read as ndjson" err &&
	printf "{\"a\":\"EC2_001\"}{\"b\":1}\n[\"VPC_001\"]\"SUBNET_001\" 1 true\n" >expect &&
	test_cmp expect out
'

# --- deep nesting -----------------------------------------------------------

test_expect_success '100,000 nested arrays: correct output, no crash' '
	gen deep-array 100000 >in.json &&
	test_must_exit 0 awsmask -s memory: in.json >out 2>err &&
	gen deep-array 100000 | sed "s/i-0123456789abcdef0/EC2_001/" >expect &&
	test_cmp expect out &&
	test_must_exit 0 awsunmask -s memory: out >back 2>err &&
	test_cmp out back
'

test_expect_success '100,000 nested objects: correct output, round trip' '
	gen deep-object 100000 >in.json &&
	test_must_exit 0 awsmask in.json >out 2>err &&
	gen deep-object 100000 | sed "s/i-0123456789abcdef0/EC2_001/" >expect &&
	test_cmp expect out &&
	test_must_exit 0 awsunmask out >back 2>err &&
	test_cmp in.json back
'

test_expect_success '100,000 levels never closed: truncated, exit 65, nothing out' '
	gen deep-open 50000 >in.json &&
	test_must_exit 65 awsmask -s memory: --format json in.json >out 2>err &&
	test_must_be_empty out &&
	test_grep "^awsmask: in.json: truncated JSON at line 1, column 300001: unterminated array$" err
'

test_expect_success 'more than 1,000,000 levels: a clear error, exit 65, nothing out' '
	gen deep-open 500001 >in.json &&
	test_must_exit 65 awsmask -s memory: --format json in.json >out 2>err &&
	test_must_be_empty out &&
	test_line_count = 1 err &&
	test_grep "^awsmask: in.json: invalid JSON at line 1, column [0-9]+: nesting deeper than 1000000 levels$" err
'

# --- truncated and invalid input ------------------------------------------

test_expect_success 'a truncated document: exit 65, line and column, nothing out' '
	printf "{\"a\": \"i-0123456789abcdef0\",\n \"b\": [1, 2,\n  \"vpc-0a1b2c3d4e5f67890\"" >in.json &&
	test_must_exit 65 awsmask --format json in.json >out 2>err &&
	test_must_be_empty out &&
	test_line_count = 1 err &&
	test_grep "^awsmask: in.json: truncated JSON at line 3, column [0-9]+: " err &&
	printf "%s\n" i-0123456789abcdef0 vpc-0a1b2c3d4e5f67890 >orig &&
	test_no_leak orig out err
'

test_expect_success 'truncated inside a string holding an ID: nothing out, no leak' '
	printf "{\"a\": \"x\", \"b\": \"i-0123456789abcdef0" >in.json &&
	test_must_exit 65 awsmask --format json in.json >out 2>err &&
	test_must_be_empty out &&
	test_grep "^awsmask: in.json: truncated JSON at line 1, column [0-9]+: unterminated string$" err &&
	echo i-0123456789abcdef0 >orig &&
	test_no_leak orig out err
'

test_expect_success 'NDJSON with a bad line: the complete lines before it, exit 65' '
	printf "{\"a\":\"i-0123456789abcdef0\"}\n{\"b\":\"vpc-0a1b2c3d4e5f67890\"}\n{\"c\":\"i-0abc12de34f567890\", \"d\": tru}\n{\"e\":\"subnet-0123456789abcdef0\"}\n" >in &&
	test_must_exit 65 awsmask --format ndjson in >out 2>err &&
	printf "{\"a\":\"EC2_001\"}\n{\"b\":\"VPC_001\"}\n" >expect &&
	jck strip-same expect out &&
	test_line_count = 1 err &&
	test_grep "^awsmask: in: invalid JSON at line 3, column [0-9]+: " err &&
	printf "%s\n" i-0abc12de34f567890 subnet-0123456789abcdef0 >orig &&
	test_no_leak orig out err &&
	test_grep ! -F EC2_002 out
'

test_expect_success 'NDJSON cut in its last line: the lines before, exit 65' '
	printf "{\"a\":\"i-0123456789abcdef0\"}\n{\"b\":\"vpc-0a1b2c3d4e5f67890" >in &&
	test_must_exit 65 awsmask -s memory: --format ndjson in >out 2>err &&
	printf "{\"a\":\"EC2_001\"}\n" >expect &&
	jck strip-same expect out &&
	test_grep "^awsmask: in: truncated JSON at line 2, column [0-9]+: unterminated string$" err &&
	echo vpc-0a1b2c3d4e5f67890 >orig &&
	test_no_leak orig out err
'

test_expect_success 'ndjson: a bad line after the first block is an error' '
	gen ndjson-then-bad >in &&
	test_must_exit 65 awsmask -s memory: --format ndjson in >out 2>err &&
	jck seq out 8000 &&
	test_grep "^awsmask: in: invalid JSON at line 8001, column [0-9]+: " err &&
	printf "%s\n" vpc-0a1b2c3d4e5f67890 subnet-0123456789abcdef0 >orig &&
	test_no_leak orig out
'

test_expect_success 'auto: a bad line after the first block is text, then JSON again' '
	gen ndjson-then-bad >in &&
	test_must_exit 0 awsmask -v in >out 2>err &&
	test_grep -F "read as text and json" err &&
	test_line_count = 8002 out &&
	head -n 8000 out >json &&
	jck seq json 8000 &&
	sed -n 8001p out >bad &&
	test_grep "^\\{\"n\":-1,\"id\":\"VPC_001\", oops\\}$" bad &&
	sed -n 8002p out >last &&
	test_grep "^\\{\"n\":-2,\"id\":\"SUBNET_001\"\\}$" last &&
	printf "%s\n" vpc-0a1b2c3d4e5f67890 subnet-0123456789abcdef0 >orig &&
	test_no_leak orig out &&
	test_must_exit 0 awsunmask out >back 2>err &&
	test_cmp in back
'

test_expect_success 'auto: JSON-like input bad in its first block is read as text' '
	printf "{\"a\":\"i-0123456789abcdef0\", \"b\": tru}\n" >in &&
	test_must_exit 0 awsmask -s memory: -v in >out 2>err &&
	test_grep -F "read as text" err &&
	echo "{\"a\":\"EC2_001\", \"b\": tru}" >expect &&
	test_cmp expect out
'

test_expect_success 'a bad file does not stop the next ones' '
	echo "{\"a\":\"i-0123456789abcdef0\"}" >good1 &&
	printf "[\"vpc-0a1b2c3d4e5f67890\", " >bad &&
	echo "{\"b\":\"subnet-0123456789abcdef0\"}" >good2 &&
	test_must_exit 65 awsmask --format json good1 bad good2 >out 2>err &&
	printf "{\"a\":\"EC2_001\"}\n{\"b\":\"SUBNET_001\"}\n" >expect &&
	test_cmp expect out &&
	test_line_count = 1 err &&
	test_grep "^awsmask: bad: truncated JSON at line 1, column [0-9]+: " err &&
	echo vpc-0a1b2c3d4e5f67890 >orig &&
	test_no_leak orig out err
'

test_expect_success 'bad escapes and control bytes are invalid JSON, exit 65' '
	printf "{\"a\":\"i-0123456789abcdef0 \\\\u12\"}" >u &&
	printf "{\"a\":\"i-0123456789abcdef0 \\\\q\"}" >q &&
	printf "{\"a\":\"i-0123456789abcdef0 \001\"}" >c &&
	printf "{\"a\":01, \"b\":\"i-0123456789abcdef0\"}" >n &&
	for f in u q c n; do
		test_must_exit 65 awsmask -s memory: --format json $f >out 2>err &&
		test_must_be_empty out &&
		test_grep "^awsmask: $f: invalid JSON at line 1, column [0-9]+: " err ||
		return 1
	done
'

test_expect_success 'awsunmask: truncated JSON, exit 65, nothing out' '
	echo "{\"a\":\"i-0123456789abcdef0\"}" >in &&
	test_must_exit 0 awsmask in >masked 2>err &&
	head -c 12 masked >cut &&
	test_must_exit 65 awsunmask --format json cut >out 2>err &&
	test_must_be_empty out &&
	test_grep "^awsunmask: cut: truncated JSON at line 1, column [0-9]+: " err
'

test_expect_success 'empty and blank input in JSON modes: no crash, nothing masked' '
	: >empty &&
	printf " \n" >blank &&
	for f in json ndjson; do
		for i in empty blank; do
			rc=0 &&
			awsmask -s memory: --format $f $i >out 2>err || rc=$?
			case $rc in 0|65) ;; *) echo "awsmask $f $i: exit $rc" >&4; return 1 ;; esac
			rc=0 &&
			awsunmask -s memory: --format $f $i >out 2>err || rc=$?
			case $rc in 0|65) ;; *) echo "awsunmask $f $i: exit $rc" >&4; return 1 ;; esac
		done
	done
'

# --- choosing the format ----------------------------------------------------

test_expect_success '--format json on two values: exit 65 at the second' '
	printf "{\"a\":\"i-0123456789abcdef0\"}\n{\"b\":\"vpc-0a1b2c3d4e5f67890\"}\n" >in &&
	test_must_exit 65 awsmask -s memory: --format json in >out 2>err &&
	test_grep "^awsmask: in: invalid JSON at line 2, column 1: " err &&
	echo vpc-0a1b2c3d4e5f67890 >orig &&
	test_no_leak orig out err
'

test_expect_success '--format text on JSON: text behaviour (escapes not decoded)' '
	cp "$WORK/sample.json" in.json &&
	test_must_exit 0 awsmask -s memory: --format text -v in.json >out 2>err &&
	test_grep -F "read as text" err &&
	test_grep -F "\"inst\" :\"\\u0069-0123456789abcdef0\"" out &&
	test_must_exit 0 awsmask -s memory: --format json -v in.json >out 2>err &&
	test_grep -F "read as json" err &&
	test_grep -F "\"inst\" :\"EC2_001\"" out
'

test_expect_success 'a bad --format: usage, exit 2, in both tools' '
	echo "{}" >in &&
	test_must_exit 2 awsmask --format yaml in >out 2>err &&
	test_must_be_empty out &&
	test_grep -F "bad --format" err &&
	test_must_exit 2 awsunmask --format yaml in >out 2>err &&
	test_must_be_empty out &&
	test_grep -F "bad --format" err
'

test_expect_success 'format in the config file and AWSMASK_FORMAT' '
	echo "{\"a\":\"i-0123456789abcdef0\"}" >in &&
	echo "format = ndjson" >conf &&
	test_must_exit 0 awsmask -C conf -s memory: -v in >out 2>err &&
	test_grep -F "read as ndjson" err &&
	test_must_exit 0 env AWSMASK_FORMAT=text awsmask -s memory: -v in >out 2>err &&
	test_grep -F "read as text" err &&
	test_must_exit 0 env AWSMASK_FORMAT=text awsmask -s memory: --format json -v in >out 2>err &&
	test_grep -F "read as json" err &&
	echo "format = yaml" >bad.conf &&
	test_must_exit 78 awsmask -C bad.conf -s memory: in >out 2>err &&
	test_must_be_empty out &&
	test_must_exit 78 env AWSMASK_FORMAT=yaml awsmask -s memory: in >out 2>err &&
	test_must_be_empty out
'

# --- --report and --check -------------------------------------------------

test_expect_success '--report: JSON lines naming each original in the input' '
	cp "$WORK/sample.json" in.json &&
	printf "{\"b\":\"vpc-0a1b2c3d4e5f67890\"}\n{\"c\": \"\\\\u0069-0abc12de34f567890 i-0def98ab76c543210\"}\n" >in2 &&
	test_must_exit 0 awsmask --report rep in.json in2 >out 2>err &&
	test_line_count = 10 rep &&
	test_grep -F "\"input\":2," rep &&
	jck report in.json in2 rep tokens spans &&
	test_must_exit 0 awsunmask tokens >back 2>err &&
	test_cmp spans back &&
	cat "$WORK/originals" >orig &&
	echo i-0def98ab76c543210 >>orig &&
	test_no_leak orig rep
'

test_expect_success '-v counts each identifier once, as --report does' '
	echo "{\"vpc-0a1b2c3d4e5f67890\": \"subnet-0123456789abcdef0\"}" >in.json &&
	test_must_exit 0 awsmask -s memory: -v --report rep in.json >out 2>err &&
	echo "{\"VPC_001\": \"SUBNET_001\"}" >expect &&
	test_cmp expect out &&
	test_line_count = 2 rep &&
	test_grep "masked 2 identifiers in" err
'

test_expect_success '--check on JSON: FILE:LINE per identifier, exit 1' '
	printf "{\n \"a\": \"i-0123456789abcdef0\",\n \"b\": [\"x\", \"vpc-0a1b2c3d4e5f67890\"],\n\n \"c\": \"\\\\u0069-0abc12de34f567890\"}\n" >in.json &&
	test_must_exit 1 awsmask --check in.json >out 2>err &&
	test_must_be_empty out &&
	test_grep -F "awsmask: in.json:2: ec2-instance (EC2)" err &&
	test_grep -F "awsmask: in.json:3: vpc (VPC)" err &&
	test_grep -F "awsmask: in.json:5: ec2-instance (EC2)" err &&
	test_grep -F "3 identifiers found" err &&
	printf "%s\n" i-0123456789abcdef0 vpc-0a1b2c3d4e5f67890 i-0abc12de34f567890 >orig &&
	test_no_leak orig err &&
	test_path_is_missing "$(store_db)"
'

# --- awsunmask in JSON ------------------------------------------------------

test_expect_success 'awsunmask: tokens among escapes, escaped tokens; valid JSON' '
	echo "i-0123456789abcdef0 vpc-0a1b2c3d4e5f67890" >ids &&
	test_must_exit 0 awsmask ids >masked 2>err &&
	echo "EC2_001 VPC_001" >expect &&
	test_cmp expect masked &&
	printf "{\"t\":\"say \\\\\"EC2_001\\\\\"\\\\n\\\\tVPC_001\\\\\\\\ \\\\u0045C2_001 \\\\u00e9 \\\\ud83d\\\\ude00\", \"EC2_001\": [\"VPC_001\"]}\n" >in.json &&
	test_grep -F "\\u0045C2_001" in.json &&
	test_must_exit 0 awsunmask --format json in.json >out 2>err &&
	jck valid out &&
	printf "{\"t\":\"say \\\\\"i-0123456789abcdef0\\\\\"\\\\n\\\\tvpc-0a1b2c3d4e5f67890\\\\\\\\ i-0123456789abcdef0 \\\\u00e9 \\\\ud83d\\\\ude00\", \"i-0123456789abcdef0\": [\"vpc-0a1b2c3d4e5f67890\"]}\n" >expect &&
	test_cmp expect out
'

# --- memory -------------------------------------------------------------------

if grep -q __asan_init "$AWSMASK_TEST_ROOT/cmd/awsmask" 2>/dev/null; then
	test_skip 'a 30 MB document is masked in bounded memory' 'ASan build'
elif ! /usr/bin/time -f %M true >/dev/null 2>&1; then
	test_skip 'a 30 MB document is masked in bounded memory' 'no GNU time'
else
	test_expect_success 'a 30 MB document is masked in bounded memory' '
		gen big 30 >in.json &&
		/usr/bin/time -o rss -f %M awsmask -s memory: in.json >out 2>err &&
		test_line_count = "$(wc -l <in.json)" out &&
		test_grep ! -F "\"i-" out &&
		kb=$(tail -n 1 rss) &&
		echo "peak RSS $kb KB" >&4 &&
		test "$kb" -lt 40000
	'
fi

test_done
