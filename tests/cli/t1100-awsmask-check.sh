#!/bin/sh
# awsmask --check: exit 0 on clean input, 1 with kinds and line numbers
# (never values) on stderr when identifiers are found; never any stdout.

. "$(dirname "$0")/lib.sh"

ID1=i-0abc12de34f567890
VPC=vpc-0a1b2c3d4e5f67890
IP=10.20.30.40
ACCOUNT=123456789012
ROLE=PayrollDeployer7
KEY=AKIAQX7RZ3XKRBYT4LMN

cat >"$WORK/dirty" <<EOF
a first line with nothing
instance $ID1 in $VPC
nothing on line three
host $IP
assumed arn:aws:iam::$ACCOUNT:role/$ROLE
key $KEY
EOF

cat >"$WORK/originals" <<EOF
$ID1
$VPC
$IP
$ACCOUNT
$ROLE
$KEY
EOF

test_expect_success 'clean input: exit 0, nothing on stdout' '
	printf "nothing to see\nat all\n" >clean &&
	test_must_exit 0 awsmask --check clean >out 2>err &&
	test_must_be_empty out &&
	test_must_exit 0 awsmask -c <clean >out 2>err &&
	test_must_be_empty out
'

test_expect_success 'empty input is clean' '
	: >empty &&
	test_must_exit 0 awsmask --check <empty >out 2>err &&
	test_must_be_empty out
'

test_expect_success 'dirty input: exit 1, kinds and lines on stderr, nothing on stdout' '
	cp "$WORK/dirty" dirty &&
	test_must_exit 1 awsmask --check dirty >out 2>err &&
	test_must_be_empty out &&
	test_grep "^awsmask: dirty:2: [^ ]+ \(EC2\)$" err &&
	test_grep "^awsmask: dirty:2: [^ ]+ \(VPC\)$" err &&
	test_grep "^awsmask: dirty:4: [^ ]+ \(PRIVATE_IP\)$" err &&
	test_grep "^awsmask: dirty:5: [^ ]+ \([A-Z_]+\)$" err &&
	test_grep "^awsmask: dirty:6: [^ ]+ \([A-Z_]+\)$" err &&
	test_grep ! "^awsmask: dirty:(1|3):" err &&
	test_grep "^awsmask: [0-9]+ identifiers found \([0-9]+ kinds\)$" err
'

test_expect_success '--check never prints a value it found' '
	cp "$WORK/dirty" dirty &&
	test_must_exit 1 awsmask --check dirty >out 2>err &&
	test_no_leak "$WORK/originals" err out &&
	test_must_exit 1 awsmask --check <dirty >out 2>err &&
	test_no_leak "$WORK/originals" err out &&
	test_must_exit 1 awsmask --check --verbose <dirty >out 2>err &&
	test_no_leak "$WORK/originals" err out
'

test_expect_success 'the summary counts identifiers and kinds' '
	printf "%s\n%s %s\n" "$ID1" "$ID1" "$VPC" >in &&
	test_must_exit 1 awsmask --check <in >out 2>err &&
	test_grep "^awsmask: 3 identifiers found \(2 kinds\)$" err &&
	test_line_count = 4 err
'

test_expect_success 'one dirty file among clean ones: exit 1' '
	cp "$WORK/dirty" dirty &&
	echo clean >clean1 &&
	echo clean >clean2 &&
	test_must_exit 1 awsmask --check clean1 dirty clean2 >out 2>err &&
	test_must_be_empty out &&
	test_grep "^awsmask: dirty:2: " err &&
	test_grep ! "clean[12]:" err
'

test_expect_success 'a folder among the files: message, the others still checked, exit 74' '
	cp "$WORK/dirty" dirty &&
	mkdir folder &&
	test_must_exit 74 awsmask --check folder dirty >out 2>err &&
	test_must_be_empty out &&
	test_grep "^awsmask: .*folder.*: Is a directory$" err &&
	test_grep "^awsmask: dirty:2: " err
'

test_expect_success '--check writes no mappings (the store is not opened)' '
	cp "$WORK/dirty" dirty &&
	test_must_exit 1 awsmask --check dirty >out 2>err &&
	test_path_is_missing "$XDG_STATE_HOME/awsmask/mappings.db" &&
	test_must_exit 1 awsmask --check --store sqlite:/proc/nope/x.db dirty >out 2>err
'

test_expect_success '--check honours --types' '
	cp "$WORK/dirty" dirty &&
	test_must_exit 1 awsmask --check --types EC2 dirty >out 2>err &&
	test_grep "\(EC2\)$" err &&
	test_grep ! "\((VPC|PRIVATE_IP|ACCOUNT)\)$" err &&
	echo "$VPC" >vpc-only &&
	test_must_exit 0 awsmask --check --types EC2 vpc-only >out 2>err &&
	test_must_be_empty out
'

test_done
