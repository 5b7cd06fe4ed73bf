#!/bin/sh
# The Redis store: keys, round trips between processes, concurrency,
# TTL, AUTH, unix sockets, databases, and every failure fail-secure.
. "$(dirname "$0")/lib.sh"
. "$AWSMASK_TEST_ROOT/tests/integration/redis.sh"

if ! test_have redis-server || ! test_have redis-cli; then
	test_skip 'Redis store' 'redis-server is not installed'
	test_done
fi
if ! ldd "$(command -v awsmask)" 2>/dev/null | grep -q hiredis; then
	test_skip 'Redis store' 'awsmask was built without hiredis'
	test_done
fi

REDIS_TEST_PIDS=$WORK/redis.pids
export REDIS_TEST_PIDS
trap 'redis_stop_all; cd / && chmod -R u+rwx "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
redis_start || exit 1
URL=redis://127.0.0.1:$REDIS_TEST_PORT
ID1=i-0abc12de34f567890
ID2=i-0fedcba9876543210
ACC=123456789012

test_expect_success 'mask through Redis, unmask in another process' '
	printf "%s %s arn:aws:iam::%s:role/Admin\n" $ID1 $ID2 $ACC >in &&
	test_must_exit 0 awsmask -s $URL/1 <in >out 2>err &&
	test_must_be_empty err &&
	printf "EC2_001 EC2_002 arn:aws:iam::ACCOUNT_001:role/IAM_ROLE_001\n" >expect &&
	test_cmp expect out &&
	test_must_exit 0 awsunmask -s $URL/1 <out >back 2>err &&
	test_cmp in back
'

test_expect_success 'the original design'"'"'s keys, and true statistics' '
	test "$(redis_cli -n 1 get "aws:mask:$ID1")" = EC2_001 &&
	test "$(redis_cli -n 1 get aws:unmask:EC2_002)" = $ID2 &&
	test "$(redis_cli -n 1 get aws:counter:EC2)" = 2 &&
	test "$(redis_cli -n 1 --scan --pattern "aws:mask:*" | wc -l)" = 4 &&
	test "$(redis_cli -n 1 --scan --pattern "aws:unmask:*" | wc -l)" = 4 &&
	test "$(redis_cli -n 1 hget aws:stats:counts total_mappings)" = 4 &&
	test "$(redis_cli -n 1 hget aws:stats:counts ec2-instance)" = 2 &&
	day=$(date -u +%Y-%m-%d) &&
	test "$(redis_cli -n 1 hget aws:stats:counts:$day daily_mappings)" = 4 &&
	ttl=$(redis_cli -n 1 ttl "aws:mask:$ID1") &&
	test "$ttl" -gt 600000 &&
	test "$(redis_cli -n 1 ttl aws:counter:EC2)" = -1
'

test_expect_success 'a batch of 20,000 new identifiers, written as it is made' '
	awk "BEGIN { for (i = 1; i <= 20000; i++)
	    printf \"i-%017x vol-%017x\\n\", i, i }" >in &&
	test_must_exit 0 awsmask -s $URL/9 <in >out 2>err &&
	test_must_be_empty err &&
	sed -n "20000p" out >last &&
	echo "EC2_20000 EBS_VOL_20000" >expect &&
	test_cmp expect last &&
	test "$(redis_cli -n 9 --scan --pattern "aws:unmask:*" | wc -l)" = 40000 &&
	test_must_exit 0 awsunmask -s $URL/9 <out >back 2>err &&
	test_cmp in back
'

test_expect_success 'REDIS_HOST, REDIS_PORT and REDIS_DB choose the server and database' '
	echo $ID1 >in &&
	test_must_exit 0 env REDIS_HOST=127.0.0.1 REDIS_PORT=$REDIS_TEST_PORT \
	    REDIS_DB=3 awsmask <in >out 2>err &&
	test "$(redis_cli -n 3 get "aws:mask:$ID1")" = "$(cat out)" &&
	test_path_is_missing "$(store_db)"
'

test_expect_success '--namespace fences keys under another prefix' '
	echo $ID2 >in &&
	test_must_exit 0 awsmask -s $URL/4 --namespace team1: <in >out 2>err &&
	test "$(redis_cli -n 4 get "team1:mask:$ID2")" = EC2_001 &&
	test -z "$(redis_cli -n 4 --scan --pattern "aws:*")" &&
	test_must_exit 0 awsunmask -s $URL/4 --namespace team1: <out >back &&
	test_cmp in back
'

test_expect_success '16 concurrent processes end with a bijection, no number reused' '
	awk "BEGIN { for (i = 0; i < 3000; i++) printf \"i-0%016x 10.%d.%d.%d\n\", i, i % 200, int(i / 200), i % 7 }" >all &&
	pids= &&
	i=0 && while [ $i -lt 16 ]; do
		awk -v s=$i "NR % 16 >= s % 5 && NR % 16 <= s % 5 + 9" all >in$i &&
		(
			rc=0
			awsmask -s $URL/5 <in$i >out$i 2>err$i || rc=$?
			echo $rc >rc$i
		) &
		pids="$pids $!" &&
		i=$((i + 1))
	done &&
	wait $pids &&
	i=0 && while [ $i -lt 16 ]; do
		test "$(cat rc$i)" = 0 &&
		test_must_exit 0 awsunmask -s $URL/5 <out$i >back$i &&
		test_cmp in$i back$i || return 1
		i=$((i + 1))
	done &&
	redis_cli -n 5 --scan --pattern "aws:mask:*" | sort >mkeys &&
	redis_cli -n 5 --scan --pattern "aws:unmask:*" | sort >ukeys &&
	test "$(wc -l <mkeys)" = "$(wc -l <ukeys)" &&
	sed "s/^aws:mask://" mkeys >origs &&
	sed "s/^/GET /" mkeys | redis_cli -n 5 >toks &&
	sed "s/^/GET aws:unmask:/" toks | redis_cli -n 5 >backs &&
	test_cmp origs backs &&
	sort toks | uniq -d >dups &&
	test_must_be_empty dups &&
	sed "s/^aws:unmask://" ukeys | sort | uniq -d >dups &&
	test_must_be_empty dups
'

test_expect_success 'a batch costs a few commands per new identifier, one batch per block' '
	awk "BEGIN { for (i = 0; i < 2000; i++) printf \"i-1%016x\n\", i }" >in &&
	redis_cli config resetstat >/dev/null &&
	test_must_exit 0 awsmask -v -s $URL/6 <in >out 2>err &&
	test_grep "; 1 store batch;" err &&
	calls=$(redis_cli info commandstats | sed -n "s/.*calls=\([0-9]*\),.*/\1/p" |
	    awk "{ s += \$1 } END { print s }") &&
	test "$calls" -le $((2000 * 4 + 20))
'

test_expect_success 'TTL: both directions expire, an expired token stays a token' '
	echo $ID1 >in &&
	test_must_exit 0 awsmask -s $URL/7 --ttl 2 <in >out &&
	ttl=$(redis_cli -n 7 ttl "aws:mask:$ID1") &&
	test "$ttl" -ge 1 && test "$ttl" -le 2 &&
	test "$(redis_cli -n 7 ttl aws:unmask:EC2_001)" -le 2 &&
	test_wait_for 4 sh -c "test -z \"\$(redis-cli -p $REDIS_TEST_PORT -n 7 get aws:unmask:EC2_001)\"" &&
	test_must_exit 0 awsunmask -s $URL/7 <out >back 2>err &&
	test_cmp out back &&
	test_must_exit 0 awsmask -s $URL/7 <in >out2 &&
	echo EC2_002 >expect &&
	test_cmp expect out2
'

test_expect_success 'a half-present mapping is repaired, never resolved wrongly' '
	echo $ID2 >in &&
	test_must_exit 0 awsmask -s $URL/8 <in >out &&
	redis_cli -n 8 del aws:unmask:EC2_001 >/dev/null &&
	test_must_exit 0 awsmask -s $URL/8 <in >out2 &&
	test_cmp out out2 &&
	test "$(redis_cli -n 8 get aws:unmask:EC2_001)" = $ID2
'

test_expect_success '--store-status reports a reachable Redis' '
	test_must_exit 0 awsmask -s $URL/0 --store-status >out 2>err &&
	test_grep "^status: reachable$" out &&
	test_grep "^breaker: closed$" out &&
	test_grep "^latency_ms: " out
'

test_expect_success 'a Redis that goes away mid-stream: exit 69, nothing unmasked' '
	redis_start_second &&
	echo $ID2 >orig && echo $ID1 >>orig &&
	{
		echo $ID1 &&
		test_wait_for 5 test -s out &&
		kill $PID2 && sleep 0.2 &&
		echo $ID2
	} | {
		rc=0
		awsmask --line-buffered -s redis://127.0.0.1:$P2 >out 2>err ||
		    rc=$?
		echo $rc >rc
	} &&
	test "$(cat rc)" = 69 &&
	echo EC2_001 >expect &&
	test_cmp expect out &&
	test_no_leak orig out &&
	test_line_count = 1 err &&
	test_grep "^awsmask: .*redis store" err
'

# A window's last writes (step 5, SET mask:) are left on their way while
# the next window is scanned; the connection may go before their replies
# are read.
test_expect_success 'the connection lost after a window'"'"'s last writes: exit 69, nothing written' '
	awk "BEGIN { for (i = 1; i <= 30000; i++)
	    printf \"i-3%016x vol-3%016x\n\", i, i }" >in &&
	python3 "$AWSMASK_TEST_ROOT/tests/integration/redis-cut.py" port \
	    $REDIS_TEST_PORT "\r\nSET\r\n\\\$[0-9]+\r\naws:mask:" &
	cut=$! &&
	test_wait_for 5 test -s port &&
	test_must_exit 69 awsmask -s redis://127.0.0.1:$(cat port)/10 <in \
	    >out 2>err;
	rc=$?;
	wait $cut;
	test $rc = 0 &&
	test_must_be_empty out &&
	test_line_count = 1 err &&
	test_grep "^awsmask: .*redis store" err
'

test_expect_success 'windows held for their batch, JSON between: the output of one pass at a time' '
	awk "BEGIN { for (i = 1; i <= 30000; i++)
	    printf \"i-4%016x vol-4%016x\n\", i, i }" >in &&
	sed "s/i-4/i-5/; s/vol-4/vol-5/" in >in2 &&
	awsmask -s memory: <in >masked &&
	echo "{\"InstanceId\": \"i-0aaaabbbbccccdddd\", \"n\": 1}" >doc &&
	cat in doc in2 doc masked >both &&
	awsmask -s memory: <both >expect &&
	test_must_exit 0 awsmask -s $URL/11 <both >out 2>err &&
	test_must_be_empty err &&
	test_cmp expect out &&
	test_must_exit 0 awsunmask -s $URL/11 <out >back &&
	cat in doc in2 doc in >expect &&
	test_cmp expect back
'

test_expect_success 'windows held for their batch: originals new in one window and seen again in the next two' '
	awk "BEGIN { for (i = 1; i <= 40000; i++) {
	    printf \"i-6%016x vol-6%016x\", i, i;
	    if (i > 3000) printf \" i-6%016x\", i - 3000;
	    if (i > 6000) printf \" i-6%016x\", i - 6000;
	    printf \"\n\" } }" >in &&
	awsmask -s memory: <in >expect &&
	test_must_exit 0 awsmask -s $URL/12 <in >out 2>err &&
	test_must_be_empty err &&
	test_cmp expect out
'

# The next window's lookups go out behind the last writes of the window
# held.  Here every seventh number is taken already, so many originals
# of each window go round again after the next window looked them up:
# each still gets one token, and every token unmasks.
test_expect_success 'windows held: originals going round again while the next window looks them up' '
	awk "BEGIN { for (i = 1; i <= 40000; i++) {
	    printf \"i-8%016x\", i;
	    if (i > 2000) printf \" i-8%016x\", i - 2000;
	    printf \"\n\" } }" >in &&
	awk "BEGIN { for (i = 7; i <= 90000; i += 7)
	    printf \"SET aws:unmask:EC2_%03d taken\n\", i }" |
	    redis_cli -n 13 >/dev/null &&
	test_must_exit 0 awsmask -s $URL/13 <in >out 2>err &&
	test_must_be_empty err &&
	tr " " "\n" <in >orig.w && tr " " "\n" <out >tok.w &&
	test_no_leak orig.w out &&
	paste -d " " orig.w tok.w | sort -u >pairs &&
	cut -d " " -f 1 pairs | uniq -d >dup.orig &&
	test_must_be_empty dup.orig &&
	cut -d " " -f 2 pairs | sort | uniq -d >dup.tok &&
	test_must_be_empty dup.tok &&
	! grep -E "^EC2_0*([0-9]*)$" tok.w | awk -F_ "\$2 % 7 == 0" | grep . &&
	test_must_exit 0 awsunmask -s $URL/13 <out >back &&
	test_cmp in back
'

test_expect_success 'a Redis paused past the timeout: exit 69 soon, nothing unmasked' '
	redis_start_second &&
	kill -STOP $PID2 &&
	echo $ID1 >in &&
	test_must_exit 69 env REDIS_TIMEOUT=300 awsmask -s redis://127.0.0.1:$P2 <in >out 2>err;
	rc=$?;
	kill -CONT $PID2; kill $PID2; wait $PID2 2>/dev/null;
	test $rc = 0 &&
	test_must_be_empty out &&
	test_grep "timed out" err
'

test_expect_success 'a Redis out of memory (noeviction): exit 69, nothing unmasked' '
	redis_cli -n 9 config set maxmemory 2mb >/dev/null &&
	redis_cli config set maxmemory-policy noeviction >/dev/null &&
	awk "BEGIN { for (i = 0; i < 60000; i++) printf \"i-2%016x\n\", i }" >in &&
	test_must_exit 69 awsmask -s $URL/9 <in >out 2>err;
	rc=$?;
	redis_cli config set maxmemory 0 >/dev/null;
	test $rc = 0 &&
	test_grep "OOM" err &&
	test_line_count = 1 err &&
	! grep -q "^i-2" out
'

test_expect_success 'requirepass: REDIS_PASSWORD and --password-file work, a wrong one is 69' '
	redis_start_second --requirepass s3cret-pw &&
	echo $ID1 >in &&
	test_must_exit 0 env REDIS_PASSWORD=s3cret-pw awsmask -s redis://127.0.0.1:$P2 <in >out &&
	echo s3cret-pw >pw &&
	test_must_exit 0 awsunmask --password-file pw -s redis://127.0.0.1:$P2 <out >back &&
	test_cmp in back &&
	test_must_exit 69 env REDIS_PASSWORD=wrong-pw awsmask -s redis://127.0.0.1:$P2 <in >out2 2>err;
	rc=$?;
	kill $PID2; wait $PID2 2>/dev/null;
	test $rc = 0 &&
	test_must_be_empty out2 &&
	test_grep -F "redis store" err &&
	test_grep ! -F wrong-pw err &&
	test_grep ! -F s3cret err
'

test_expect_success 'a password in --store on argv gets a warning, never echoed' '
	echo plain >in &&
	test_must_exit 0 awsmask -s "redis://user:hunter22@127.0.0.1:$REDIS_TEST_PORT" <in >out 2>err &&
	test_grep "visible to other users" err &&
	test_grep ! -F hunter22 err
'

test_expect_success 'a unix socket' '
	sock=$T/redis.sock &&
	redis_start_second --unixsocket "$sock" --unixsocketperm 700 &&
	echo $ID1 >in &&
	test_must_exit 0 awsmask -s "unix://$sock" <in >out &&
	test_must_exit 0 awsunmask -s "unix://$sock" <out >back;
	rc=$?;
	kill $PID2; wait $PID2 2>/dev/null;
	test $rc = 0 &&
	test_cmp in back &&
	test "$(cat out)" = EC2_001
'

test_expect_success 'after a failure, the breaker skips the dead Redis at once' '
	echo $ID1 >in &&
	test_must_exit 69 env REDIS_TIMEOUT=2000 awsmask -s redis://127.0.0.1:1 <in >out 2>err &&
	test_must_exit 69 awsmask -s redis://127.0.0.1:1 <in >out 2>err &&
	test_grep "not retried" err &&
	test_must_exit 69 awsmask -s redis://127.0.0.1:1 --store-status >out 2>err &&
	test_grep "^breaker: open" out &&
	test_grep "^status: unreachable$" out &&
	test_must_exit 0 env REDIS_FALLBACK=true awsmask -s redis://127.0.0.1:1 <in >out 2>err &&
	test "$(cat out)" = EC2_001 &&
	test_grep "warning: .*falling back" err
'

test_done
