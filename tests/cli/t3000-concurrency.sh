#!/bin/sh
# Eight awsmask processes masking overlapping inputs at once, sharing the
# default sqlite store, end with a bijection: checked in the database
# (sqlite3 CLI), in the outputs (one token per original and back), and by
# unmasking each output into its input.

. "$(dirname "$0")/lib.sh"

GEN=$AWSMASK_TEST_ROOT/tests/gen
PROCS=8

# All tests here share one store, the default one.
XDG_STATE_HOME=$WORK/state
export XDG_STATE_HOME
DB=$XDG_STATE_HOME/awsmask/mappings.db

# run_round DIR SEED: generate DIR/in.1..8 (1000 shared lines and 1000
# own ones each: an instance ID and an address a line), split each into
# 20 files (20 batches), mask them all at once.
run_round() {
	mkdir -p "$1" &&
	awk -v procs=$PROCS -v shared=1000 -v own=1000 -v seed="$2" \
	    -v dir="$1" -f "$GEN/overlap.awk" &&
	p=1 &&
	while [ $p -le $PROCS ]; do
		split -l 100 -a 2 -d "$1/in.$p" "$1/part.$p." || return 1
		p=$((p + 1))
	done &&
	p=1 &&
	while [ $p -le $PROCS ]; do
		(
			rc=0
			awsmask "$1/part.$p."* >"$1/out.$p" 2>"$1/err.$p" || rc=$?
			echo $rc >"$1/rc.$p"
		) &
		p=$((p + 1))
	done &&
	wait &&
	p=1 &&
	while [ $p -le $PROCS ]; do
		if [ "$(cat "$1/rc.$p")" != 0 ]; then
			echo "process $p exited $(cat "$1/rc.$p"):" >&4
			cat "$1/err.$p" >&4
			return 1
		fi
		test_must_be_empty "$1/err.$p" &&
		test_line_count = 2000 "$1/out.$p" || return 1
		p=$((p + 1))
	done
}

# pairs DIR...: from each in.P/out.P pair, field by field, the map
# original -> token must be a function both ways; prints the number of
# distinct originals masked; fails if one was not in DIR/originals.
pairs() {
	for d; do
		p=1
		while [ $p -le $PROCS ]; do
			paste -d "	" "$d/in.$p" "$d/out.$p"
			p=$((p + 1))
		done
	done >pairs &&
	for d; do cat "$d/originals"; done >known &&
	awk -F "	" -v known=known '
		BEGIN { while ((getline l <known) > 0) ok[l] = 1 }
		{
			n = split($1, a, " "); m = split($2, b, " ")
			if (n != m) { print "fields differ: " NR; bad = 1; next }
			for (i = 1; i <= n; i++) {
				if (a[i] == b[i]) continue
				if (!(a[i] in ok)) { print "masked a non-original: " a[i]; bad = 1 }
				if ((a[i] in tok) && tok[a[i]] != b[i]) {
					print a[i] " has two tokens: " tok[a[i]] ", " b[i]; bad = 1
				}
				if ((b[i] in orig) && orig[b[i]] != a[i]) {
					print b[i] " stands for two originals"; bad = 1
				}
				if (!(a[i] in tok)) ntok++
				tok[a[i]] = b[i]; orig[b[i]] = a[i]
			}
		}
		END {
			for (k in ok)
				if (!(k in tok)) { print "never masked: " k; bad = 1; break }
			if (bad) exit 1
			print ntok
		}' pairs >pairs.out || { head -n 5 pairs.out >&4; return 1; }
}

# db_bijection N: the store holds N mappings, N distinct tokens, N
# distinct originals.
db_bijection() {
	sqlite3 "$DB" "SELECT COUNT(*), COUNT(DISTINCT token),
	    COUNT(DISTINCT original) FROM mappings" >counts &&
	echo "$1|$1|$1" >expect.counts &&
	test_cmp expect.counts counts
}

test_expect_success "$PROCS concurrent processes on overlapping inputs, one store" '
	run_round "$WORK/r1" 1 &&
	test_path_is_file "$DB"
'

test_expect_success 'each output unmasks into its input' '
	p=1 &&
	while [ $p -le $PROCS ]; do
		test_must_exit 0 awsunmask "$WORK/r1/out.$p" >back 2>err &&
		test_cmp "$WORK/r1/in.$p" back &&
		test_must_be_empty err || return 1
		p=$((p + 1))
	done
'

test_expect_success 'the outputs agree: one token per original and back' '
	pairs "$WORK/r1" &&
	echo 18000 >expect &&
	test_cmp expect pairs.out &&
	test_no_leak "$WORK/r1/originals" "$WORK"/r1/out.*
'

if test_have sqlite3; then
test_expect_success 'the database holds a bijection of 18000 mappings' '
	db_bijection 18000
'
else
test_skip 'the database holds a bijection' 'sqlite3 is not installed'
fi

test_expect_success 'a second round, overlapping the first, on the same store' '
	run_round "$WORK/r2" 2 &&
	p=1 &&
	while [ $p -le $PROCS ]; do
		test_must_exit 0 awsunmask "$WORK/r2/out.$p" >back 2>err &&
		test_cmp "$WORK/r2/in.$p" back || return 1
		p=$((p + 1))
	done &&
	pairs "$WORK/r1" "$WORK/r2" &&
	echo 27000 >expect &&
	test_cmp expect pairs.out
'

if test_have sqlite3; then
test_expect_success 'the database holds a bijection of 27000 mappings' '
	db_bijection 27000
'
else
test_skip 'the database holds a bijection after round 2' 'sqlite3 is not installed'
fi

test_done
