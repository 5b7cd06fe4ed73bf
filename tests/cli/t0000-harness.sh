#!/bin/sh
# The harness tests itself: sub-runs of small scripts that source lib.sh,
# checked from outside (their TAP, their exit status, their clean-up).

. "$(dirname "$0")/lib.sh"

lib=$AWSMASK_TEST_ROOT/tests/cli/lib.sh

cat >"$WORK/pass.sh" <<EOF
. "$lib"
test_expect_success 'first' 'true'
test_expect_success 'second' 'echo out; echo err >&2'
test_done
EOF

cat >"$WORK/fail.sh" <<EOF
. "$lib"
test_expect_success 'passes' 'true'
test_expect_success 'fails' '
	echo to-stderr >&2
	false
	echo never-reached >&2
'
test_expect_success 'after' 'true'
test_done
EOF

cat >"$WORK/code.sh" <<EOF
. "$lib"
test_expect_code 3 'exit three' 'true && exit 3'
test_expect_code 3 'wrong code' 'exit 4'
test_expect_code 0 'zero' 'true'
test_done
EOF

cat >"$WORK/helpers.sh" <<EOF
. "$lib"
test_expect_success 'cmp differs' '
	echo a >a && echo b >b && test_cmp a b
'
test_expect_success 'must_exit wrong' 'test_must_exit 2 true'
test_expect_success 'must_exit right' '
	test_must_exit 2 sh -c "exit 2" && test_must_exit 0 true
'
test_expect_success 'grep finds' 'echo hello >f && test_grep "^hel+o$" f'
test_expect_success 'grep not' 'echo hello >f && test_grep ! hello f'
test_expect_success 'leak' '
	echo i-0123 >orig && echo "x i-0123 y" >f && test_no_leak orig f
'
test_expect_success 'stdin is empty' 'cat >got && test_must_be_empty got'
test_expect_success 'grep fixed strings' '
	echo "a.c [x]" >f && test_grep -F "a.c [x]" f && test_grep ! -F "abc" f
'
test_expect_success 'grep -F still fails' 'echo abc >f && test_grep -F "a.c" f'
test_done
EOF

cat >"$WORK/env.sh" <<EOF
REC=\$1
. "$lib"
echo "\$WORK" >"\$REC/work-folder"
test_expect_success 'record one' '
	echo "\$HOME \$XDG_CONFIG_HOME \$XDG_STATE_HOME \$AWSMASK_SYSCONFIG" >"\$REC/env1"
	env | grep -E "^(AWSMASK|REDIS|MASKING)_|^USE_REDIS=" | grep -v -E "^AWSMASK_(SYSCONFIG|TEST_ROOT)=" >"\$REC/leak" || :
	pwd >"\$REC/pwd1"
	touch "\$HOME/marker"
'
test_expect_success 'record two' '
	echo "\$HOME \$XDG_CONFIG_HOME \$XDG_STATE_HOME \$AWSMASK_SYSCONFIG" >"\$REC/env2"
	test_path_is_missing "\$HOME/marker"
'
test_done
EOF

test_expect_success 'a passing run prints TAP and exits 0' '
	test_must_exit 0 sh "$WORK/pass.sh" >out 2>err &&
	printf "ok 1 - first\nok 2 - second\n1..2\n" >expect &&
	test_cmp expect out &&
	test_must_be_empty err
'

test_expect_success 'a failing run says not ok, shows stderr, exits 1' '
	test_must_exit 1 sh "$WORK/fail.sh" >out 2>err &&
	test_grep "^ok 1 - passes$" out &&
	test_grep "^not ok 2 - fails$" out &&
	test_grep "^#[[:space:]]+to-stderr$" out &&
	test_grep "^ok 3 - after$" out &&
	test_grep "^1\.\.3$" out &&
	test_grep "^# failed 1 of 3" out
'

test_expect_success 'set -e stops a body at its first failing command' '
	test_must_exit 1 sh "$WORK/fail.sh" >out 2>err &&
	test_grep "to-stderr" out &&
	test_grep ! "^#[[:space:]]+never-reached$" out
'

test_expect_success 'test_expect_code compares the exit status' '
	test_must_exit 1 sh "$WORK/code.sh" >out 2>err &&
	test_grep "^ok 1 - exit three$" out &&
	test_grep "^not ok 2 - wrong code$" out &&
	test_grep "expected exit status 3, got 4" out &&
	test_grep "^ok 3 - zero$" out &&
	test_grep "^1\.\.3$" out
'

test_expect_success 'helpers fail and pass when they should' '
	test_must_exit 1 sh "$WORK/helpers.sh" >out 2>err &&
	test_grep "^not ok 1 - cmp differs$" out &&
	test_grep "^#[[:space:]]+-a$" out &&
	test_grep "^#[[:space:]]+\+b$" out &&
	test_grep "^not ok 2 - must_exit wrong$" out &&
	test_grep "expected exit 2, got 0: true" out &&
	test_grep "^ok 3 - must_exit right$" out &&
	test_grep "^ok 4 - grep finds$" out &&
	test_grep "^not ok 5 - grep not$" out &&
	test_grep "^not ok 6 - leak$" out &&
	test_grep "^ok 7 - stdin is empty$" out &&
	test_grep "^ok 8 - grep fixed strings$" out &&
	test_grep "^not ok 9 - grep -F still fails$" out &&
	test_grep "^1\.\.9$" out
'

test_expect_success 'each test gets its own HOME and state; the caller env is dropped' '
	mkdir rec &&
	test_must_exit 0 env AWSMASK_STORE=redis://nowhere REDIS_HOST=nowhere \
	    USE_REDIS=true MASKING_TTL=1 AWSMASK_TYPES=EC2 \
	    sh "$WORK/env.sh" "$T/rec" >out 2>err &&
	test_grep "^ok 2 - record two$" out &&
	test_must_be_empty rec/leak &&
	read -r h1 c1 s1 y1 <rec/env1 &&
	read -r h2 c2 s2 y2 <rec/env2 &&
	work=$(cat rec/work-folder) &&
	test "$h1" != "$h2" &&
	test "$s1" != "$s2" &&
	case $h1 in "$work"/*) ;; *) false ;; esac &&
	case $c1 in "$h1"/*) ;; *) false ;; esac &&
	case $s1 in "$h1"/*) ;; *) false ;; esac &&
	test_path_is_missing "$y1" &&
	case $(cat rec/pwd1) in "$work"/*) ;; *) false ;; esac
'

test_expect_success 'the work folder is removed when the script ends' '
	mkdir rec &&
	test_must_exit 0 sh "$WORK/env.sh" "$T/rec" >out 2>err &&
	work=$(cat rec/work-folder) &&
	test -n "$work" &&
	test_path_is_missing "$work" &&
	test_must_exit 1 sh "$WORK/fail.sh" >out 2>err &&
	test_must_be_empty err
'

# A small tree for tests/run.sh: passing, failing and crashing programs.
mkdir -p "$WORK/root/tests/cli" "$WORK/root/tests/unit"
cp "$AWSMASK_TEST_ROOT/tests/run.sh" "$WORK/root/tests/"
printf 'echo "ok 1 - a"\necho "ok 2 - b"\necho 1..2\n' \
    >"$WORK/root/tests/cli/t0001-pass.sh"
printf 'echo "ok 1 - a"\necho "not ok 2 - b"\necho "# detail of b"\necho 1..2\nexit 1\n' \
    >"$WORK/root/tests/cli/t0002-fail.sh"
printf 'echo "ok 1 - a"\necho dying >&2\nexit 3\n' \
    >"$WORK/root/tests/cli/t0003-crash.sh"
cat >"$WORK/root/tests/cli/t0004-env.sh" <<'EOS'
case $HOME in "$TMPDIR"/*|*/awsmask-check.*) ;; *) echo "not ok 1 - HOME $HOME" ;; esac
for v in "$HOME" "$XDG_CONFIG_HOME" "$XDG_STATE_HOME"; do
	case $v in "$HOME"*) ;; *) echo "not ok 2 - $v" ;; esac
done
[ ! -e "$AWSMASK_SYSCONFIG" ] || echo "not ok 3 - sysconfig"
[ -z "${AWSMASK_STORE-}${REDIS_HOST-}${USE_REDIS-}${MASKING_TTL-}" ] || echo "not ok 4 - env"
case :$PATH: in *":$AWSMASK_TEST_ROOT/cmd:"*) ;; *) echo "not ok 5 - PATH" ;; esac
[ -f "$AWSMASK_TEST_ROOT/tests/run.sh" ] || echo "not ok 6 - root"
echo "ok 7 - env"
EOS
printf 'echo "lint: all fine"\n' >"$WORK/root/tests/lint-man.sh"
printf '#!/bin/sh\necho 1..1\necho "ok 1 - unit"\n' >"$WORK/root/tests/unit/test_fake"
chmod +x "$WORK/root/tests/unit/test_fake"

test_expect_success 'run.sh counts TAP results, failures and crashes' '
	cd "$WORK/root" &&
	test_must_exit 1 env AWSMASK_STORE=x REDIS_HOST=y USE_REDIS=true \
	    MASKING_TTL=1 sh tests/run.sh tests/unit/test_fake tests/unit/test_none \
	    >"$T/out" 2>"$T/err" &&
	cd "$T" &&
	test_grep "^check: 7 passed, 3 failed$" out &&
	test_grep "^FAIL +tests/unit/test_none +not built" out &&
	test_grep "^ok +tests/unit/test_fake +1 passed" out &&
	test_grep "^ok +tests/cli/t0001-pass.sh +2 passed" out &&
	test_grep "^FAIL +tests/cli/t0002-fail.sh +1 of 2 failed" out &&
	test_grep "^FAIL +tests/cli/t0003-crash.sh +1 of 2 failed, exit status 3" out &&
	test_grep "^ok +tests/cli/t0004-env.sh +1 passed" out &&
	test_grep "^ok +tests/lint-man.sh +1 passed" out &&
	test_grep "^--- output of tests/cli/t0002-fail.sh ---$" out &&
	test_grep "^# detail of b$" out &&
	test_grep "^dying$" out &&
	test_grep ! "output of tests/cli/t0001-pass.sh" out &&
	test "$(tail -n 1 out)" = "check: 7 passed, 3 failed"
'

test_expect_success 'run.sh exits 0 when everything passes' '
	cd "$WORK/root" &&
	rm tests/cli/t0002-fail.sh tests/cli/t0003-crash.sh &&
	test_must_exit 0 sh tests/run.sh tests/unit/test_fake >"$T/out" 2>"$T/err" &&
	cd "$T" &&
	test "$(tail -n 1 out)" = "check: 5 passed, 0 failed"
'

test_done
