# tests/cli/lib.sh - the harness every tests/cli/tNNNN-*.sh sources.
#
#	. "$(dirname "$0")/lib.sh"
#	test_expect_success 'title' '
#		test_must_exit 0 awsmask in >out 2>err &&
#		test_cmp expect out
#	'
#	test_expect_code 1 'title' 'commands whose last exit status is 1'
#	test_done
#
# Every test body runs in a subshell with `set -e`, in its own folder
# $T under the script's work folder $WORK, with its own HOME,
# XDG_CONFIG_HOME and XDG_STATE_HOME below $T (unless the script set
# them after sourcing this file), so state never leaks from one test to
# the next nor into the real user's files.  Variables a body sets die
# with it: share state between tests through files.
#
# Output is TAP: "ok N - title", or "not ok N - title" followed by the
# body's stderr and the helpers' diagnostics, indented as "#" lines.
# test_done prints the plan "1..N" and exits 1 when a test failed.
#
# Helpers write their diagnostics to fd 4, the body's own stderr, so a
# body's `2>err` does not swallow them.  A body must not rely on `!`
# (set -e ignores it): use test_grep ! and friends.  Chain a body's
# commands with && (set -e ignores a failure inside an && list that is
# not its last command), and leave a loop with `|| return 1`.  A body
# has no positional parameters of its own: $1 is not for it.

set -eu
LC_ALL=C
export LC_ALL
unset LANGUAGE LC_MESSAGES 2>/dev/null || :

: "${AWSMASK_TEST_ROOT:=$(cd "$(dirname "$0")/../.." && pwd)}"
export AWSMASK_TEST_ROOT
PATH="$AWSMASK_TEST_ROOT/cmd:$PATH"
export PATH

# Nothing from the caller's environment may steer the tools.
for _v in $(env | sed -n -e 's/^\(AWSMASK_[A-Za-z0-9_]*\)=.*/\1/p' \
    -e 's/^\(REDIS_[A-Za-z0-9_]*\)=.*/\1/p' \
    -e 's/^\(MASKING_[A-Za-z0-9_]*\)=.*/\1/p' \
    -e 's/^\(USE_REDIS\)=.*/\1/p' -e 's/^\(ANTHROPIC_[A-Za-z0-9_]*\)=.*/\1/p')
do
	case $_v in AWSMASK_TEST_ROOT) ;; *) unset "$_v" ;; esac
done
unset _v

test_name=$(basename "$0" .sh)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/$test_name.XXXXXX")
trap 'cd / && chmod -R u+rwx "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
cd "$WORK"

HOME=$WORK/home
XDG_CONFIG_HOME=$HOME/.config
XDG_STATE_HOME=$HOME/.local/state
AWSMASK_SYSCONFIG=$WORK/no-such-dir/awsmask.conf
export HOME XDG_CONFIG_HOME XDG_STATE_HOME AWSMASK_SYSCONFIG
_lib_home=$HOME
_lib_config=$XDG_CONFIG_HOME
_lib_state=$XDG_STATE_HOME
_lib_sysconfig=$AWSMASK_SYSCONFIG

test_count=0
test_failures=0

# Print a file as TAP diagnostics: indented, short lines, printable.
_lib_indent() {
	if [ -s "$1" ]; then
		tail -n "${2:-40}" "$1" | cut -c1-300 |
		    tr -c '[:print:]\t\n' '?' | sed 's/^/#	/'
	fi
}

# Run body $2 in a fresh folder; sets _lib_rc and the file names.
_lib_run() {
	T=$WORK/t$test_count
	mkdir -p "$T"
	_lib_out=$T.stdout
	_lib_err=$T.stderr
	set +e
	(
		if [ "$HOME" = "$_lib_home" ]; then HOME=$T/home; fi
		if [ "$XDG_CONFIG_HOME" = "$_lib_config" ]; then
			XDG_CONFIG_HOME=$HOME/.config
		fi
		if [ "$XDG_STATE_HOME" = "$_lib_state" ]; then
			XDG_STATE_HOME=$HOME/.local/state
		fi
		if [ "$AWSMASK_SYSCONFIG" = "$_lib_sysconfig" ]; then
			AWSMASK_SYSCONFIG=$T/no-such-dir/awsmask.conf
		fi
		export HOME XDG_CONFIG_HOME XDG_STATE_HOME AWSMASK_SYSCONFIG T
		mkdir -p "$HOME"
		cd "$T"
		set -e
		eval "$1"
	) </dev/null >"$_lib_out" 2>"$_lib_err" 4>&2
	_lib_rc=$?
	set -e
}

_lib_ok() {
	echo "ok $test_count - $1"
}

_lib_not_ok() {
	test_failures=$((test_failures + 1))
	echo "not ok $test_count - $1"
	echo "#	exit status $_lib_rc; stderr and diagnostics:"
	_lib_indent "$_lib_err"
	if [ -s "$_lib_out" ]; then
		echo "#	stdout (last lines):"
		_lib_indent "$_lib_out" 10
	fi
	echo "#	body:"
	printf '%s\n' "$2" | sed -e '/^[ 	]*$/d' -e 's/^/#	| /'
}

# test_expect_success TITLE BODY: passes when BODY exits 0.
test_expect_success() {
	[ $# -eq 2 ] || { echo "bug: test_expect_success TITLE BODY" >&2; exit 99; }
	test_count=$((test_count + 1))
	_lib_run "$2"
	if [ "$_lib_rc" -eq 0 ]; then
		_lib_ok "$1"
	else
		_lib_not_ok "$1" "$2"
	fi
}

# test_expect_code N TITLE BODY: passes when BODY exits N.
test_expect_code() {
	[ $# -eq 3 ] || { echo "bug: test_expect_code N TITLE BODY" >&2; exit 99; }
	test_count=$((test_count + 1))
	_lib_run "$3"
	if [ "$_lib_rc" -eq "$1" ]; then
		_lib_ok "$2"
	else
		echo "expected exit status $1, got $_lib_rc" >>"$_lib_err"
		_lib_not_ok "$2" "$3"
	fi
}

# test_skip TITLE REASON: report a test that cannot run here.
test_skip() {
	test_count=$((test_count + 1))
	echo "ok $test_count - $1 # SKIP $2"
}

# test_done: the plan, and the exit status of the whole script.
test_done() {
	echo "1..$test_count"
	if [ "$test_failures" -gt 0 ]; then
		echo "# failed $test_failures of $test_count test(s)"
		exit 1
	fi
	exit 0
}

# --- helpers for bodies: each says what went wrong on fd 4 -------------

_lib_say() {
	echo "$*" >&4
}

# test_must_exit N COMMAND [ARG...]: run COMMAND, fail unless it exits N.
test_must_exit() {
	_want=$1
	shift
	_got=0
	"$@" || _got=$?
	if [ "$_got" -ne "$_want" ]; then
		_lib_say "expected exit $_want, got $_got: $(printf '%s ' "$@" | cut -c1-200)"
		return 1
	fi
}

# test_cmp EXPECTED ACTUAL: byte for byte, diff -u on failure.
test_cmp() {
	if ! cmp -s "$1" "$2"; then
		_lib_say "files differ: $1 $2"
		diff -u "$1" "$2" 2>&1 | head -n 60 >&4 || :
		return 1
	fi
}

# test_grep [!] [-F] [GREP-OPTION...] PATTERN FILE: extended regexps,
# or fixed strings with -F.
test_grep() {
	_neg=
	if [ "$1" = "!" ]; then
		_neg=1
		shift
	fi
	_how=-E
	if [ "$1" = "-F" ]; then
		_how=-F
		shift
	fi
	eval "_file=\${$#}"
	if [ ! -f "$_file" ]; then
		_lib_say "test_grep: no file '$_file'"
		return 1
	fi
	if grep $_how -q "$@"; then
		if [ -n "$_neg" ]; then
			_lib_say "did not expect a match for: $(printf '%s ' "$@")"
			_lib_say "in '$_file':"
			grep $_how "$@" | head -n 5 | cut -c1-200 >&4 || :
			return 1
		fi
	elif [ -z "$_neg" ]; then
		_lib_say "expected a match for: $(printf '%s ' "$@")"
		_lib_say "in '$_file':"
		head -n 10 "$_file" | cut -c1-200 >&4 || :
		return 1
	fi
}

test_must_be_empty() {
	if [ ! -f "$1" ]; then
		_lib_say "no file '$1'"
		return 1
	fi
	if [ -s "$1" ]; then
		_lib_say "'$1' should be empty, it holds:"
		head -n 10 "$1" | cut -c1-200 >&4 || :
		return 1
	fi
}

test_path_is_file() {
	[ -f "$1" ] || { _lib_say "'$1' is not a file"; return 1; }
}

test_path_is_dir() {
	[ -d "$1" ] || { _lib_say "'$1' is not a folder"; return 1; }
}

test_path_is_missing() {
	if [ -e "$1" ] || [ -L "$1" ]; then
		_lib_say "'$1' should not exist"
		return 1
	fi
}

# test_mode OCTAL PATH: permission bits, as stat -c %a prints them.
test_mode() {
	_m=$(stat -c %a "$2") || return 1
	[ "$_m" = "$1" ] || { _lib_say "'$2' has mode $_m, want $1"; return 1; }
}

# test_line_count OP N FILE, e.g. test_line_count = 3 out
test_line_count() {
	_n=$(wc -l <"$3" | tr -d ' ')
	if ! [ "$_n" "$1" "$2" ]; then
		_lib_say "'$3' has $_n lines, want $1 $2"
		return 1
	fi
}

# test_no_leak ORIGINALS FILE...: no line of ORIGINALS (fixed strings)
# occurs in any FILE.
test_no_leak() {
	_orig=$1
	shift
	if [ ! -s "$_orig" ]; then
		_lib_say "test_no_leak: '$_orig' lists nothing"
		return 1
	fi
	for _f; do
		if grep -q -F -f "$_orig" -- "$_f"; then
			_lib_say "'$_f' leaks originals listed in '$_orig', e.g.:"
			grep -o -F -f "$_orig" -- "$_f" | head -n 3 >&4 || :
			return 1
		fi
	done
}

# test_wait_for SECONDS COMMAND...: poll every 50 ms until COMMAND
# succeeds; fail after SECONDS.
test_wait_for() {
	_tries=$(($1 * 20))
	shift
	while ! "$@"; do
		_tries=$((_tries - 1))
		if [ "$_tries" -le 0 ]; then
			_lib_say "timed out waiting for: $*"
			return 1
		fi
		sleep 0.05
	done
}

# test_have CMD: is CMD on PATH?
test_have() {
	command -v "$1" >/dev/null 2>&1
}

# The default sqlite store of the current test.
store_db() {
	echo "$XDG_STATE_HOME/awsmask/mappings.db"
}

# Mask ./in with the options given (store ./store.db), compare with
# ./expect, and check that awsunmask gives ./in back byte for byte.
mask_check() {
	test_must_exit 0 awsmask -s sqlite:store.db "$@" in >out 2>err &&
	test_cmp expect out &&
	test_must_exit 0 awsunmask -s sqlite:store.db out >back 2>err &&
	test_cmp in back
}
