#!/bin/sh
# The store seen from the tools: --store-status, mapping lifetimes (an
# expired mapping is gone, a used one is refreshed), counters never
# reused.  Lifetimes are moved by editing the database with the sqlite3
# CLI rather than by waiting.

. "$(dirname "$0")/lib.sh"

ID1=i-0abc12de34f567890
ID2=i-0def98ab76c543210
NOW="CAST(strftime('%s', 'now') AS INTEGER)"

test_expect_success '--store-status: the default store is reachable, exit 0' '
	test_must_exit 0 awsmask --store-status >out 2>err &&
	test_grep "sqlite" out &&
	test_grep "reachable" out &&
	test_grep ! "unreachable" out &&
	test_must_exit 0 awsmask -s memory: --store-status >out 2>err &&
	test_grep "memory:" out
'

test_expect_success '--store-status: an unreachable store, exit 69' '
	test_must_exit 69 awsmask -s sqlite:/proc/nope/x.db --store-status >out 2>err &&
	test_grep "unreachable" out
'

if test_have sqlite3; then
test_expect_success 'an expired mapping is forgotten; its number is not reused' '
	echo "$ID1" >in1 &&
	test_must_exit 0 awsmask <in1 >out1 2>err &&
	echo EC2_001 >expect &&
	test_cmp expect out1 &&
	sqlite3 "$(store_db)" "UPDATE mappings SET expires = 1" &&
	test_must_exit 0 awsunmask <out1 >back 2>err &&
	test_cmp out1 back &&
	test_grep "1 unknown token" err &&
	echo "$ID2 $ID1" >in2 &&
	test_must_exit 0 awsmask <in2 >out2 2>err &&
	echo "EC2_002 EC2_003" >expect &&
	test_cmp expect out2 &&
	test_must_exit 0 awsunmask <out2 >back 2>err &&
	test_cmp in2 back
'

test_expect_success 'masking with a mapping refreshes its lifetime' '
	echo "$ID1" >in &&
	test_must_exit 0 awsmask --ttl 1h <in >out 2>err &&
	sqlite3 "$(store_db)" "UPDATE mappings SET expires = $NOW + 10" &&
	test_must_exit 0 awsmask --ttl 1h <in >out2 2>err &&
	test_cmp out out2 &&
	sqlite3 "$(store_db)" "SELECT expires - $NOW FROM mappings" >left &&
	awk "\$1 < 3500 || \$1 > 3601 { bad = 1 } END { exit bad }" left
'

test_expect_success 'unmasking with a mapping refreshes its lifetime' '
	echo "$ID1" >in &&
	test_must_exit 0 awsmask --ttl 1h <in >out 2>err &&
	sqlite3 "$(store_db)" "UPDATE mappings SET expires = $NOW + 10" &&
	test_must_exit 0 awsunmask --ttl 1h <out >back 2>err &&
	test_cmp in back &&
	sqlite3 "$(store_db)" "SELECT expires - $NOW FROM mappings" >left &&
	awk "\$1 < 3500 || \$1 > 3601 { bad = 1 } END { exit bad }" left
'
else
test_skip 'expired mappings' 'sqlite3 is not installed'
test_skip 'refresh on mask' 'sqlite3 is not installed'
test_skip 'refresh on unmask' 'sqlite3 is not installed'
fi

test_expect_success 'counters are per prefix' '
	echo "$ID1 vpc-0a1b2c3d4e5f67890 $ID2 subnet-0123456789abcdef0" >in &&
	test_must_exit 0 awsmask <in >out 2>err &&
	echo "EC2_001 VPC_001 EC2_002 SUBNET_001" >expect &&
	test_cmp expect out
'

if test_have sqlite3; then
test_expect_success 'new mappings reach the file itself; known ones leave the -wal' '
	rm -rf "$XDG_STATE_HOME/awsmask" &&
	echo "$ID1 $ID2" >in &&
	test_must_exit 0 awsmask <in >out 2>err &&
	db=$(store_db) &&
	test_path_is_missing "$db-wal" &&
	sqlite3 "file:$db?immutable=1" "SELECT count(*) FROM mappings" >n &&
	echo 2 >expect &&
	test_cmp expect n &&
	test_must_exit 0 awsmask <in >out2 2>err &&
	test_cmp out out2 &&
	test_path_is_file "$db-wal" &&
	test_must_exit 0 awsunmask <out >back 2>err &&
	test_cmp in back &&
	sqlite3 "$db" "SELECT n FROM stats WHERE kind = \"processing:mask_runs\"" >runs &&
	echo 2 >expect &&
	test_cmp expect runs
'
else
test_skip 'new mappings reach the file itself; known ones leave the -wal' \
    'sqlite3 is not installed'
fi

test_done
