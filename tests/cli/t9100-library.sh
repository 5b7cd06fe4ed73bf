#!/bin/sh
# The shared library exports the public API, awsmask_*, and nothing
# else: lib/libawsmask.map keeps the am_* functions the library's files
# share inside it.

. "$(dirname "$0")/lib.sh"

so=$(ls "$AWSMASK_TEST_ROOT"/lib/libawsmask.so.*.*.* 2>/dev/null | head -n 1)
header=$AWSMASK_TEST_ROOT/lib/awsmask.h

if ! test_have nm; then
	test_skip "exports" "nm (binutils) is not installed"
	test_done
fi

test_expect_success 'the shared library is built' '
	test -n "'"$so"'" && test -f "'"$so"'"
'

# Defined dynamic symbols, less the linker's own.
exported() {
	nm -D --defined-only "$so" | awk '{ print $NF }' |
	    grep -v -e "^_init$" -e "^_fini$" -e "^_edata$" -e "^_end$" \
	    -e "^__bss_start$" | sort -u
}

test_expect_success 'it exports only awsmask_* symbols' '
	exported >syms &&
	test -s syms &&
	grep -v "^awsmask_" syms >others || : &&
	test_must_be_empty others
'

test_expect_success 'it exports every function awsmask.h declares' '
	grep -v -e "^ *\*" -e "^/\*" -e typedef "'"$header"'" |
	    grep -o "awsmask_[a-z_0-9]*(" | tr -d "(" | sort -u >declared &&
	test "$(wc -l <declared)" -gt 20 &&
	exported >syms &&
	comm -23 declared syms >missing &&
	test_must_be_empty missing
'

test_done
