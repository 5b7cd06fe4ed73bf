#!/bin/sh
# awsmask --check --report-format json and sarif: one finding per
# identifier with file, line, column, kind, never the value; the line and
# column right in text and in JSON, past block boundaries, after
# multi-byte characters; SARIF 2.1.0 with the properties its schema
# requires (checked with python3's json module: the schema itself is not
# at hand); --report FILE; the tokens the store issued are no finding.

. "$(dirname "$0")/lib.sh"

ID1=i-0abc12de34f567890
VPC=vpc-0a1b2c3d4e5f67890
IP=10.20.30.40
ACCOUNT=123456789012
ROLE=PayrollDeployer7
KEY=AKIAQX7RZ3XKRBYT4LMN

printf '%s\n' "$ID1" "$VPC" "$IP" "$ACCOUNT" "$ROLE" "$KEY" >"$WORK/originals"

cat >"$WORK/dirty" <<EOF
a first line with nothing
instance $ID1 in $VPC
nothing on line three
host $IP
assumed arn:aws:iam::$ACCOUNT:role/$ROLE
key $KEY
EOF

# ck.py MODE FILE REPORT: check a report against the input's bytes.
#   json:  a JSON array of objects with file, line, column, end_column,
#          offset, length, kind, prefix; line and columns as counted
#          from offset and length (columns: characters, from 1; the end
#          one past the last).  Prints "line kind" per finding.
#   sarif: the SARIF 2.1.0 log's required properties, and what code
#          scanning reads.  Prints "line column kind uri" per result.
cat >"$WORK/ck.py" <<'PY'
import json, sys

mode, path, report = sys.argv[1], sys.argv[2], sys.argv[3]
data = open(path, "rb").read()

def where(off):
    start = data.rfind(b"\n", 0, off) + 1
    chars = sum(1 for b in data[start:off] if b & 0xC0 != 0x80)
    return data.count(b"\n", 0, off) + 1, chars + 1

def fail(msg):
    print("ck.py: " + msg, file=sys.stderr)
    sys.exit(1)

doc = json.load(open(report))
if mode == "json":
    if not isinstance(doc, list):
        fail("not an array")
    for f in doc:
        for k, t in (("file", str), ("line", int), ("column", int),
                     ("end_column", int), ("offset", int), ("length", int),
                     ("kind", str), ("prefix", str)):
            if not isinstance(f.get(k), t):
                fail("finding without %s: %r" % (k, f))
        if where(f["offset"]) != (f["line"], f["column"]):
            fail("at %d: line/column %r, counted %r" % (f["offset"],
                 (f["line"], f["column"]), where(f["offset"])))
        if where(f["offset"] + f["length"]) != (f["line"], f["end_column"]):
            fail("the end of %r is not where it says" % f)
        print(f["line"], f["kind"])
    sys.exit(0)

# SARIF 2.1.0: the properties its schema requires (sarifLog: version,
# runs; run: tool; tool: driver; toolComponent: name; reportingDescriptor:
# id; result: message, with text; invocation: executionSuccessful;
# region: positive integers), and what code scanning reads.
if doc.get("version") != "2.1.0":
    fail("version")
if not isinstance(doc.get("$schema", ""), str):
    fail("$schema")
if not isinstance(doc.get("runs"), list) or len(doc["runs"]) != 1:
    fail("runs")
run = doc["runs"][0]
driver = run.get("tool", {}).get("driver")
if not isinstance(driver, dict) or driver.get("name") != "awsmask":
    fail("tool.driver.name")
rules = driver.get("rules", [])
ids = [r.get("id") for r in rules]
if not all(isinstance(i, str) and i for i in ids) or len(set(ids)) != len(ids):
    fail("rule ids")
for r in rules:
    if not isinstance(r.get("shortDescription", {"text": "x"}).get("text"), str):
        fail("a rule's shortDescription has no text")
inv = run.get("invocations", [])
if not inv or not all(isinstance(i.get("executionSuccessful"), bool) for i in inv):
    fail("invocations[].executionSuccessful")
if run.get("columnKind") not in (None, "utf16CodeUnits", "unicodeCodePoints"):
    fail("columnKind")
if not isinstance(run.get("results"), list):
    fail("results")
for res in run["results"]:
    msg = res.get("message", {})
    if not isinstance(msg.get("text"), str) or not msg["text"]:
        fail("result.message.text")
    if res.get("level") not in ("none", "note", "warning", "error"):
        fail("level")
    ri = res.get("ruleIndex")
    if not isinstance(ri, int) or ids[ri] != res.get("ruleId"):
        fail("ruleIndex %r is not rule %r" % (ri, res.get("ruleId")))
    locs = res.get("locations")
    if not isinstance(locs, list) or len(locs) != 1:
        fail("locations")
    pl = locs[0].get("physicalLocation", {})
    uri = pl.get("artifactLocation", {}).get("uri")
    if not isinstance(uri, str) or not uri or " " in uri:
        fail("artifactLocation.uri %r" % uri)
    reg = pl.get("region", {})
    for k in ("startLine", "startColumn", "endColumn"):
        if not isinstance(reg.get(k), int) or reg[k] < 1:
            fail("region.%s in %r" % (k, reg))
    if where(res["properties"]["offset"]) != (reg["startLine"], reg["startColumn"]):
        fail("region %r is not where offset says" % reg)
    print(reg["startLine"], reg["startColumn"], res["ruleId"], uri)
PY

ck() {
	python3 "$WORK/ck.py" "$@"
}

test_expect_success 'a bad --report-format, or one without --check: exit 2' '
	test_must_exit 2 awsmask --check --report-format xml <"$WORK/dirty" >out 2>err &&
	test_must_be_empty out &&
	test_grep "report-format" err &&
	test_must_exit 2 awsmask --report-format json <"$WORK/dirty" >out 2>err &&
	test_must_be_empty out
'

test_expect_success 'json: clean input is [] and exit 0' '
	printf "nothing to see\n" >clean &&
	test_must_exit 0 awsmask --check --report-format json clean >out 2>err &&
	echo "[]" >expect &&
	test_cmp expect out &&
	test_must_be_empty err
'

test_expect_success 'json: one object per finding, lines and columns right, no value' '
	cp "$WORK/dirty" dirty &&
	test_must_exit 1 awsmask --check --report-format json dirty >out 2>err &&
	ck json dirty out >got &&
	test_no_leak "$WORK/originals" out err &&
	test_grep "^awsmask: [0-9]+ identifiers found" err &&
	test_line_count = 1 err &&
	test_grep "^2 ec2-instance$" got &&
	test_grep "^2 vpc$" got &&
	test_grep "^4 " got &&
	test_grep "\"file\": \"dirty\", \"line\": 2, \"column\": 10, \"end_column\": 29," out &&
	test_grep ! "^(1|3) " got
'

test_expect_success 'json and text give the same lines and kinds, in order' '
	cp "$WORK/dirty" dirty &&
	test_must_exit 1 awsmask --check dirty >out 2>err &&
	sed -n "s/^awsmask: dirty:\([0-9]*\): \([^ ]*\) .*/\1 \2/p" err >text &&
	test_must_exit 1 awsmask --check --report-format json dirty >out 2>err &&
	ck json dirty out >json &&
	test_cmp text json &&
	test_line_count -gt 5 json
'

test_expect_success 'columns count characters, not bytes' '
	printf "caf\303\251 \342\202\254 %s\n\303\251\303\251%s\n" "$ID1" "$VPC" >utf8 &&
	test_must_exit 1 awsmask --check --report-format json utf8 >out 2>err &&
	ck json utf8 out >got &&
	test_grep "\"line\": 1, \"column\": 8, \"end_column\": 27," out &&
	test_grep "\"line\": 2, \"column\": 3, \"end_column\": 24," out
'

test_expect_success 'JSON input: lines and columns of strings, escapes and numbers' '
	cat >doc.json <<-EOF &&
	{
	  "Reservations": [{"Instances": [{"InstanceId": "$ID1",
	      "VpcId": "\u0076pc-0a1b2c3d4e5f67890",
	      "Note": "caf\u00e9 \"q\" $IP"}]}],
	  "OwnerId":
	      $ACCOUNT
	}
	EOF
	test_must_exit 1 awsmask --check --report-format json doc.json >out 2>err &&
	ck json doc.json out >got &&
	test_grep "^2 ec2-instance$" got &&
	test_grep "^3 vpc$" got &&
	test_grep "^4 " got &&
	test_grep "^6 account-id$" got &&
	test_grep "\"line\": 3, \"column\": 17, \"end_column\": 43, \"offset\": [0-9]+, \"length\": 26," out &&
	test_must_exit 1 awsmask --check doc.json >out 2>err &&
	test_grep "^awsmask: doc.json:6: account-id " err
'

test_expect_success 'past block boundaries: a 10 MB file, lines and one long line' '
	awk -v id="$ID1" -v vpc="$VPC" "BEGIN {
		for (i = 1; i <= 150000; i++) {
			printf \"line %06d with nothing but words in it, and more\n\", i
			if (i == 4000 || i == 140000) printf \"x\303\251 %s\n\", id
		}
		for (i = 0; i < 2600000; i++) printf \"abcd\"
		printf \" %s end\n\", vpc
	}" >big &&
	test_must_exit 1 awsmask --check --report-format json big >out 2>err &&
	ck json big out >got &&
	test_line_count = 3 got &&
	test_grep "^4001 ec2-instance$" got &&
	test_grep "^140002 ec2-instance$" got &&
	test_grep "^150003 vpc$" got &&
	test_grep "\"column\": 10400002, \"end_column\": 10400023," out
'

test_expect_success 'a 10 MB JSON document on one line: the column of the last ID' '
	awk -v id="$ID1" "BEGIN {
		printf \"{\\\"a\\\": [\"
		for (i = 0; i < 400000; i++) printf \"\\\"word %06d\\\", \", i
		printf \"\\\"%s\\\"]}\n\", id
	}" >one.json &&
	test_line_count = 1 one.json &&
	test_must_exit 1 awsmask --check --format json --report-format json one.json >out 2>err &&
	ck json one.json out >got &&
	test_line_count = 1 got &&
	n=$(wc -c <one.json) &&
	test_grep "\"line\": 1, \"column\": $((n - 22)), \"end_column\": $((n - 3))," out
'

test_expect_success 'a pipe is read again from a copy; stdin is "-"' '
	cp "$WORK/dirty" dirty &&
	test_must_exit 1 awsmask --check --report-format json dirty >file.json 2>err &&
	cat dirty | test_must_exit 1 awsmask --check --report-format json >pipe.json 2>err &&
	sed "s/\"file\": \"dirty\"/\"file\": \"-\"/" file.json >expect &&
	test_cmp expect pipe.json &&
	test_must_exit 1 awsmask --check --report-format json <dirty >redirect.json 2>err &&
	test_cmp expect redirect.json
'

test_expect_success 'sarif: the required properties, one result per finding' '
	cp "$WORK/dirty" dirty &&
	test_must_exit 1 awsmask --check --report-format sarif dirty >out.sarif 2>err &&
	ck sarif dirty out.sarif >got &&
	test_no_leak "$WORK/originals" out.sarif err &&
	test_must_exit 1 awsmask --check --report-format json dirty >out.json 2>err &&
	ck json dirty out.json >json &&
	test_line_count = $(wc -l <json) got &&
	test_grep "^2 10 ec2-instance dirty$" got &&
	test_grep "\"version\": \"2.1.0\"" out.sarif &&
	test_grep "\"executionSuccessful\": true, \"exitCode\": 1" out.sarif
'

test_expect_success 'sarif: clean input has no results; file names become URIs' '
	printf "nothing\n" >"clean file" &&
	test_must_exit 0 awsmask --check --report-format sarif "clean file" >out.sarif 2>err &&
	ck sarif "clean file" out.sarif >got &&
	test_must_be_empty got &&
	mkdir -p "a dir" &&
	cp "$WORK/dirty" "a dir/x:1%.log" &&
	test_must_exit 1 awsmask --check --report-format sarif "./a dir/x:1%.log" >out.sarif 2>err &&
	ck sarif "a dir/x:1%.log" out.sarif >got &&
	test_grep " a%20dir/x%3A1%25.log$" got &&
	test_must_exit 1 awsmask --check --report-format sarif "$PWD/a dir/x:1%.log" >out.sarif 2>err &&
	ck sarif "a dir/x:1%.log" out.sarif >got &&
	test_grep " file:///.*/a%20dir/x%3A1%25.log$" got
'

test_expect_success 'several files, one of them missing: one report, exit 74' '
	cp "$WORK/dirty" dirty &&
	printf "clean\n" >clean &&
	test_must_exit 74 awsmask --check --report-format sarif clean nope dirty >out.sarif 2>err &&
	ck sarif dirty out.sarif >got &&
	test_grep "\"executionSuccessful\": false, \"exitCode\": 74" out.sarif &&
	test_grep " dirty$" got &&
	test_grep ! " clean$" got &&
	test_must_exit 74 awsmask --check --report-format json clean nope dirty >out.json 2>err &&
	python3 -c "import json,sys; d=json.load(open(\"out.json\")); sys.exit(not d or {f[\"file\"] for f in d} != {\"dirty\"})"
'

test_expect_success '--report FILE: the report there, whole; nothing on stdout' '
	cp "$WORK/dirty" dirty &&
	test_must_exit 1 awsmask --check --report-format sarif --report r.sarif dirty >out 2>err &&
	test_must_be_empty out &&
	ck sarif dirty r.sarif >got &&
	test_line_count -gt 5 got &&
	test_must_exit 1 awsmask --check --report r.txt dirty >out 2>err &&
	test_must_be_empty out &&
	test_grep "^awsmask: dirty:2: ec2-instance \(EC2\)$" r.txt &&
	test_grep ! "dirty:2" err &&
	test_must_exit 1 awsmask -q --check --report-format json --report r.json dirty >out 2>err &&
	test_must_be_empty out &&
	test_must_be_empty err &&
	ck json dirty r.json >got &&
	ls >files &&
	test_grep ! "tmp" files
'

test_expect_success 'the tokens the store issued are no finding; others are' '
	cp "$WORK/dirty" dirty &&
	test_must_exit 0 awsmask dirty >masked 2>err &&
	test_must_exit 0 awsmask --check --report-format json masked >out 2>err &&
	echo "[]" >expect &&
	test_cmp expect out &&
	test_must_exit 0 awsmask --check --report-format sarif masked >out.sarif 2>err &&
	ck sarif masked out.sarif >got &&
	test_must_be_empty got &&
	echo "EC2_777 never issued" >>masked &&
	test_must_exit 1 awsmask --check --report-format json masked >out 2>err &&
	ck json masked out >got &&
	echo "7 token-literal" >expect &&
	test_cmp expect got
'

test_done
