#!/bin/sh
# Masked output is a fixed point: awsmask on its own output changes
# nothing and adds no mapping, and awsmask --check on it finds nothing
# (with the store that masked it).  A token the store issued is ours,
# also inside a name (s3://BUCKET_001/key, /aws/lambda/LAMBDA_001, a name
# masked piece by piece); token-shaped text it never issued is still
# masked as a literal and still a finding.

. "$(dirname "$0")/lib.sh"

GOLDEN=$AWSMASK_TEST_ROOT/tests/cli/golden/t1300
GEN=$AWSMASK_TEST_ROOT/tests/gen

ID1=i-0abc12de34f567890
VPC=vpc-0a1b2c3d4e5f67890

# mappings STORE: how many the store holds.
mappings() {
	awsmask-stats -s "$1" --json |
	    python3 -c "import json,sys; print(json.load(sys.stdin)[\"mappings\"])"
}

# twice FILE STORE [ARG...]: mask FILE, then the output again with the
# same store and arguments; the two must be equal, the second must add
# no mapping, and --check of the output must find nothing.
twice() {
	_f=$1 _s=$2
	shift 2
	test_must_exit 0 awsmask -s "$_s" "$@" <"$_f" >"$_f.1" 2>"$_f.err" &&
	_n=$(mappings "$_s") &&
	test_must_exit 0 awsmask -s "$_s" "$@" <"$_f.1" >"$_f.2" 2>"$_f.err" &&
	test_cmp "$_f.1" "$_f.2" &&
	test "$(mappings "$_s")" = "$_n" &&
	test_must_exit 0 awsmask --check -s "$_s" "$@" <"$_f.1" >"$_f.out" \
	    2>"$_f.err" &&
	test_must_be_empty "$_f.err"
}

test_expect_success 'every file in examples/: masked twice, the same; checks clean' '
	find "$AWSMASK_TEST_ROOT/examples" -type f | sort >list &&
	test_line_count -gt 10 list &&
	i=0 &&
	while read -r f; do
		i=$((i + 1)) &&
		cp "$f" "ex$i" &&
		if ! twice "ex$i" "sqlite:$PWD/ex.db"; then
			echo "not a fixed point: $f" >&4
			return 1
		fi
	done <list
'

test_expect_success 'every golden input, with its arguments: the same' '
	for in in "$GOLDEN"/*.in; do
		case=$(basename "$in" .in) &&
		args= &&
		if [ -f "$GOLDEN/$case.args" ]; then
			args=$(cat "$GOLDEN/$case.args")
		fi &&
		cp "$in" "$case" &&
		if ! twice "$case" "sqlite:$PWD/golden.db" $args; then
			echo "not a fixed point: $case" >&4
			return 1
		fi || return 1
	done
'

test_expect_success 'examples read as text, as NDJSON and as one JSON value' '
	for f in "$AWSMASK_TEST_ROOT"/examples/*.json; do
		b=$(basename "$f") &&
		cp "$f" "$b" &&
		twice "$b" "sqlite:$PWD/j.db" --format text &&
		twice "$b" "sqlite:$PWD/j.db" --format json || return 1
	done &&
	cat "$AWSMASK_TEST_ROOT"/examples/*.json | python3 -c "
import json, sys
dec, s, i = json.JSONDecoder(), sys.stdin.read(), 0
while i < len(s):
    while i < len(s) and s[i].isspace(): i += 1
    if i == len(s): break
    v, i = dec.raw_decode(s, i)
    print(json.dumps(v))" >all.ndjson &&
	twice all.ndjson "sqlite:$PWD/j.db" --format ndjson
'

test_expect_success 'a few MB across block boundaries: the same' '
	awk -v n=50000 -v seed=5 -f "$GEN/mixed.awk" >mix &&
	test "$(wc -c <mix)" -gt 1000000 &&
	twice mix "sqlite:$PWD/m.db" &&
	awk -v size=2000000 -v seed=9 -f "$GEN/bigline.awk" >line &&
	twice line "sqlite:$PWD/m.db"
'

test_expect_success 'names that hold tokens are neither learnt nor masked again' '
	cat >in <<-EOF &&
	s3://orders-exports-1/2024/k.csv and s3://orders-exports-1 alone
	https://s3.us-west-2.amazonaws.com/orders-exports-2/x.gz
	see log group /aws/lambda/orders-enricher, stream [PROD]abc
	arn:aws:lambda:us-west-2:123456789012:function:orders-enricher:PROD
	{"aliasName": "alias/orders-key", "FunctionName": "orders-enricher"}
	RoleName=deploy-bot then deploy-bot bare
	EOF
	twice in "sqlite:$PWD/n.db" &&
	test_grep "^s3://BUCKET_[0-9]+/2024/k.csv and s3://BUCKET_[0-9]+ alone$" in.1 &&
	test_grep "^see log group /aws/lambda/[A-Z_]+_[0-9]+, stream" in.1 &&
	test_must_exit 0 awsunmask -s "sqlite:$PWD/n.db" <in.2 >back 2>err &&
	test_cmp in back
'

test_expect_success 'a token inside a name, with more beside it, is still masked' '
	echo "$ID1" | test_must_exit 0 awsmask -s "sqlite:$PWD/t.db" >one 2>err &&
	echo EC2_001 >expect &&
	test_cmp expect one &&
	echo "s3://EC2_001-logs/key" >in &&
	test_must_exit 0 awsmask -s "sqlite:$PWD/t.db" <in >out 2>err &&
	test_grep "^s3://BUCKET_001/key$" out &&
	test_must_exit 0 awsunmask -s "sqlite:$PWD/t.db" <out >back 2>err &&
	test_cmp in back &&
	test_must_exit 1 awsmask --check -s "sqlite:$PWD/t.db" <in >out 2>err &&
	test_grep "s3-uri \(BUCKET\)$" err
'

test_expect_success 'token-shaped text the store never issued: a literal, and a finding' '
	echo "$ID1 in $VPC" | test_must_exit 0 awsmask -s "sqlite:$PWD/u.db" >one 2>err &&
	echo "EC2_001 in VPC_001" >expect &&
	test_cmp expect one &&
	echo "EC2_001 and EC2_002, s3://BUCKET_009/key" >in &&
	test_must_exit 0 awsmask -s "sqlite:$PWD/u.db" <in >out 2>err &&
	test_grep "^EC2_001 and LITERAL_[0-9]+, s3://[A-Z_]+_[0-9]+/key$" out &&
	test_grep ! "BUCKET_009" out &&
	test_must_exit 1 awsmask --check -s "sqlite:$PWD/u.db" <in >out 2>err &&
	test_grep ": token-literal \(LITERAL\)$" err &&
	test_grep "s3-uri \(BUCKET\)$" err &&
	test_grep "^awsmask: 2 identifiers found" err
'

test_expect_success '--check asks the store only about token-shaped text' '
	echo "$ID1" >plain &&
	test_must_exit 1 awsmask --check -s sqlite:/proc/nope/x.db plain >out 2>err &&
	test_grep "ec2-instance" err &&
	echo "EC2_001 here" >tok &&
	test_must_exit 69 awsmask --check -s sqlite:/proc/nope/x.db tok >out 2>err &&
	test_must_exit 1 awsmask --check -s memory: tok >out 2>err &&
	test_grep ": token-literal \(LITERAL\)$" err &&
	test_path_is_missing "$XDG_STATE_HOME/awsmask/mappings.db"
'

test_done
