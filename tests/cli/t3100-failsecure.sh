#!/bin/sh
# Fail-secure: when the store fails, awsmask stops with exit 69 and one
# line on stderr, and no original ever reaches stdout.  Input without
# identifiers passes even when the store cannot be opened (lazy open).
#
# The techniques work as root (CI runs as root, where chmod stops
# nothing): a file-size limit (prlimit --fsize, with SIGXFSZ ignored so
# writes fail with EFBIG, as on a full disk), a store folder that is a
# regular file, a path under /proc, a file that is not a database.

. "$(dirname "$0")/lib.sh"

GEN=$AWSMASK_TEST_ROOT/tests/gen

ID1=i-0abc12de34f567890
ID2=i-0def98ab76c543210
VPC=vpc-0a1b2c3d4e5f67890
IP=10.20.30.40

printf '%s\n' "$ID1" "$ID2" "$VPC" "$IP" >"$WORK/originals"

# many DIR: DIR/in.1 with 20000 lines of new identifiers, and
# DIR/originals (40000 of them).
many() {
	awk -v procs=1 -v shared=0 -v own=20000 -v seed=5 -v dir="$1" \
	    -f "$GEN/overlap.awk" &&
	cat "$WORK/originals" >>"$1/originals"
}

# one_clear_line FILE: exactly one line, from awsmask, about the store.
one_clear_line() {
	test_line_count = 1 "$1" &&
	test_grep "^awsmask: " "$1" &&
	test_grep -i "store|sqlite|database" "$1"
}

# masked_prefix EXPECT OUT: OUT begins with the lines of EXPECT.
masked_prefix() {
	head -n "$(wc -l <"$1")" "$2" >"$2.head" &&
	test_cmp "$1" "$2.head"
}

if test_have prlimit; then
test_expect_success 'the store fills up mid-run (line-buffered): exit 69, nothing leaks' '
	many . &&
	printf "first %s\nsecond %s in %s\n" "$ID1" "$ID2" "$VPC" >part1 &&
	printf "first EC2_001\nsecond EC2_002 in VPC_001\n" >expect1 &&
	mkfifo fifo &&
	{
		(
			trap "" XFSZ
			rc=0
			prlimit --fsize=524288 timeout 60 awsmask --line-buffered \
			    --store "sqlite:$T/s.db" <fifo 2>err || rc=$?
			echo $rc >rc
		) | cat >out &
	} &&
	exec 3>fifo &&
	cat part1 >&3 &&
	test_wait_for 10 test -s out &&
	test_wait_for 10 masked_prefix expect1 out &&
	{ cat in.1 >&3 2>/dev/null || :; } &&
	exec 3>&- &&
	wait &&
	echo 69 >expect.rc &&
	test_cmp expect.rc rc &&
	one_clear_line err &&
	test_no_leak originals out err &&
	masked_prefix expect1 out &&
	test_path_is_file s.db
'

test_expect_success 'the store fills up mid-file (block mode): exit 69, nothing leaks' '
	many . &&
	{ printf "first %s\n" "$ID1" && cat in.1; } >in &&
	(
		trap "" XFSZ
		rc=0
		prlimit --fsize=524288 timeout 60 awsmask --store "sqlite:$T/s.db" \
		    <in 2>err || rc=$?
		echo $rc >rc
	) | cat >out &&
	echo 69 >expect.rc &&
	test_cmp expect.rc rc &&
	one_clear_line err &&
	test_no_leak originals out err
'
else
test_skip 'the store fills up mid-run (line-buffered)' 'prlimit is missing'
test_skip 'the store fills up mid-file (block mode)' 'prlimit is missing'
fi

test_expect_success 'the store folder turns into a file before the first identifier' '
	printf "nothing secret here\n" >part1 &&
	printf "now %s and %s\n" "$ID1" "$IP" >part2 &&
	mkfifo fifo &&
	{
		(
			rc=0
			timeout 60 awsmask --line-buffered --store "sqlite:$T/dir/s.db" \
			    <fifo 2>err || rc=$?
			echo $rc >rc
		) | cat >out &
	} &&
	exec 3>fifo &&
	cat part1 >&3 &&
	test_wait_for 10 test -s out &&
	rm -rf dir &&
	echo "not a folder" >dir &&
	{ cat part2 >&3 2>/dev/null || :; } &&
	exec 3>&- &&
	wait &&
	echo 69 >expect.rc &&
	test_cmp expect.rc rc &&
	one_clear_line err &&
	test_no_leak "$WORK/originals" out err &&
	test_cmp part1 out
'

test_expect_success 'a store that cannot be opened: exit 69 for identifiers' '
	printf "instance %s\n" "$ID1" >in &&
	test_must_exit 69 awsmask --store sqlite:/proc/nope/x.db <in >out 2>err &&
	one_clear_line err &&
	test_must_be_empty out &&
	test_no_leak "$WORK/originals" err
'

test_expect_success 'a store that cannot be opened: no identifiers, exit 0 (lazy open)' '
	printf "nothing to hide\n\000binary\377\n" >in &&
	test_must_exit 0 awsmask --store sqlite:/proc/nope/x.db <in >out 2>err &&
	test_cmp in out &&
	test_must_be_empty err
'

test_expect_success 'identifiers after clean lines: the clean part may pass, no original' '
	{ printf "clean line\n" && printf "%s %s\n" "$ID1" "$VPC"; } >in &&
	test_must_exit 69 awsmask --store sqlite:/proc/nope/x.db <in >out 2>err &&
	one_clear_line err &&
	test_no_leak "$WORK/originals" out err
'

test_expect_success 'a file that is not a database: exit 69, no original' '
	printf "SQLite format 2\000 this is not a database at all %0200d" 0 >bad.db &&
	chmod 600 bad.db &&
	printf "instance %s\n" "$ID1" >in &&
	test_must_exit 69 awsmask --store "sqlite:$T/bad.db" <in >out 2>err &&
	one_clear_line err &&
	test_no_leak "$WORK/originals" out err &&
	echo "clean" >clean &&
	test_must_exit 0 awsmask --store "sqlite:$T/bad.db" <clean >out 2>err &&
	test_cmp clean out
'

test_expect_success 'awsunmask with a store that cannot be opened: exit 69' '
	echo "EC2_001 here" >in &&
	test_must_exit 69 awsunmask --store sqlite:/proc/nope/x.db <in >out 2>err &&
	test_line_count = 1 err &&
	test_grep "^awsunmask: " err &&
	echo "no tokens here" >clean &&
	test_must_exit 0 awsunmask --store sqlite:/proc/nope/x.db <clean >out 2>err &&
	test_cmp clean out
'

# A Redis that is down: nothing listens on 127.0.0.1:1, so connecting is
# refused at once.  Skipped when the tools were built without hiredis.
if ldd "$(command -v awsmask)" 2>/dev/null | grep -q hiredis; then
test_expect_success 'Redis down: identifiers give exit 69, one line, no original' '
	printf "instance %s\n" "$ID1" >in &&
	test_must_exit 69 env REDIS_HOST=127.0.0.1 REDIS_PORT=1 awsmask <in >out 2>err &&
	one_clear_line err &&
	test_no_leak "$WORK/originals" out err &&
	test_must_exit 69 awsmask -s redis://127.0.0.1:1 <in >out 2>err &&
	test_no_leak "$WORK/originals" out err
'

test_expect_success 'Redis down: input without identifiers passes (lazy open)' '
	printf "nothing to hide\n" >in &&
	test_must_exit 0 env REDIS_HOST=127.0.0.1 REDIS_PORT=1 awsmask <in >out 2>err &&
	test_cmp in out
'

test_expect_success 'Redis down with REDIS_FALLBACK=true: masked via the embedded store' '
	printf "instance %s\n" "$ID1" >in &&
	test_must_exit 0 env REDIS_HOST=127.0.0.1 REDIS_PORT=1 REDIS_FALLBACK=true \
	    awsmask <in >out 2>err &&
	echo "instance EC2_001" >expect &&
	test_cmp expect out &&
	test_grep "^awsmask: " err &&
	test_no_leak "$WORK/originals" err &&
	test_path_is_file "$(store_db)" &&
	test_must_exit 0 awsunmask <out >back 2>err &&
	test_cmp in back &&
	test_must_exit 0 env REDIS_HOST=127.0.0.1 REDIS_PORT=1 REDIS_FALLBACK=true \
	    awsunmask <out >back 2>err &&
	test_cmp in back &&
	test_grep "^awsunmask: warning: .*falling back" err
'

test_expect_success 'USE_REDIS=false: REDIS_HOST is ignored, embedded store' '
	printf "instance %s\n" "$ID1" >in &&
	test_must_exit 0 env REDIS_HOST=127.0.0.1 REDIS_PORT=1 USE_REDIS=false \
	    awsmask <in >out 2>err &&
	echo "instance EC2_001" >expect &&
	test_cmp expect out &&
	test_must_be_empty err &&
	test_path_is_file "$(store_db)"
'
else
test_skip 'Redis down' 'awsmask was built without hiredis'
fi

test_done
