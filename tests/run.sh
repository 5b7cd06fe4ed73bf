#!/bin/sh
# tests/run.sh - the `make check` driver.
#
#	sh tests/run.sh tests/unit/test_a tests/unit/test_b ...
#
# Run from the repository root.  Runs each unit-test binary given as an
# argument (cmocka, asked for TAP output), then every tests/cli/t*.sh in
# order, then tests/lint-man.sh and tests/check-options.sh when they
# exist.  Each program runs with its own HOME, XDG_CONFIG_HOME,
# XDG_STATE_HOME and TMPDIR under a fresh temporary folder, with
# AWSMASK_SYSCONFIG naming a file that does not exist, and with none of
# the caller's AWSMASK_*, REDIS_*, USE_REDIS, MASKING_* or ANTHROPIC_*
# variables.  "ok"/"not ok" lines are counted; a program that exits
# non-zero without a "not ok" line counts as one failure, one that prints
# no TAP at all counts as one test.  Failing programs' output is printed
# at the end, then "check: N passed, N failed"; the exit status is 1
# when anything failed.
#
# CHECK_TIMEOUT (seconds, default 300) bounds each program.

set -u
LC_ALL=C
export LC_ALL

root=$(pwd)
if [ ! -f "$root/tests/run.sh" ]; then
	echo "run.sh: run me from the repository root" >&2
	exit 2
fi

for v in $(env | sed -n -e 's/^\(AWSMASK_[A-Za-z0-9_]*\)=.*/\1/p' \
    -e 's/^\(REDIS_[A-Za-z0-9_]*\)=.*/\1/p' \
    -e 's/^\(MASKING_[A-Za-z0-9_]*\)=.*/\1/p' \
    -e 's/^\(USE_REDIS\)=.*/\1/p' -e 's/^\(ANTHROPIC_[A-Za-z0-9_]*\)=.*/\1/p')
do
	unset "$v"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/awsmask-check.XXXXXX") || exit 2
trap 'cd / && chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

PATH="$root/cmd:$PATH"
AWSMASK_TEST_ROOT=$root
CMOCKA_MESSAGE_OUTPUT=TAP
# Under SANITIZE=1: the C library's own leaks are not ours.
LSAN_OPTIONS="suppressions=$root/tests/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export PATH AWSMASK_TEST_ROOT CMOCKA_MESSAGE_OUTPUT LSAN_OPTIONS

limit=${CHECK_TIMEOUT:-300}
if command -v timeout >/dev/null 2>&1; then
	with_timeout="timeout -k 10 $limit"
else
	with_timeout=
fi

passed=0
failed=0
nprog=0
failing=

# run_one NAME COMMAND...
run_one() {
	name=$1
	shift
	nprog=$((nprog + 1))
	dir=$tmp/$nprog
	mkdir -p "$dir/home/.config" "$dir/home/.local/state" "$dir/tmp"
	log=$dir/log
	start=$(date +%s)
	(
		HOME=$dir/home
		XDG_CONFIG_HOME=$dir/home/.config
		XDG_STATE_HOME=$dir/home/.local/state
		AWSMASK_SYSCONFIG=$dir/no-such-dir/awsmask.conf
		TMPDIR=$dir/tmp
		export HOME XDG_CONFIG_HOME XDG_STATE_HOME AWSMASK_SYSCONFIG TMPDIR
		exec $with_timeout "$@"
	) </dev/null >"$log" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	ok=$(grep -c -E '^ok( |$)' "$log")
	notok=$(grep -E '^not ok( |$)' "$log" | grep -c -v -E '# *TODO')
	todo=$(grep -E '^not ok( |$)' "$log" | grep -c -E '# *TODO')
	skip=$(grep -E '^ok( |$)' "$log" | grep -c -i -E '# *SKIP')
	ok=$((ok + todo))
	note=
	if [ "$rc" -ne 0 ] && [ "$notok" -eq 0 ]; then
		notok=1
		case $rc in
		124|137) note=", timed out after ${limit}s" ;;
		*) note=", exit status $rc" ;;
		esac
	elif [ "$rc" -eq 0 ] && [ "$ok" -eq 0 ] && [ "$notok" -eq 0 ]; then
		ok=1
	fi
	passed=$((passed + ok))
	failed=$((failed + notok))
	extra=
	[ "$skip" -gt 0 ] && extra=", $skip skipped"
	if [ "$notok" -gt 0 ]; then
		printf 'FAIL  %-34s %d of %d failed%s (%ss)\n' "$name" "$notok" \
		    $((ok + notok)) "$note" "$secs"
		failing="$failing $nprog:$name"
	else
		printf 'ok    %-34s %d passed%s (%ss)\n' "$name" "$ok" "$extra" \
		    "$secs"
	fi
}

for bin; do
	case $bin in
	*/*) ;;
	*) bin=./$bin ;;
	esac
	if [ -x "$bin" ]; then
		run_one "${bin#./}" "$bin"
	else
		nprog=$((nprog + 1))
		failed=$((failed + 1))
		printf 'FAIL  %-34s not built\n' "${bin#./}"
	fi
done

for t in tests/cli/t[0-9]*.sh; do
	[ -f "$t" ] || continue
	run_one "$t" sh "$t"
done

for t in tests/lint-man.sh tests/check-options.sh; do
	[ -f "$t" ] || continue
	run_one "$t" sh "$t"
done

for f in $failing; do
	n=${f%%:*}
	echo
	echo "--- output of ${f#*:} ---"
	cat "$tmp/$n/log"
done

echo
echo "check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
