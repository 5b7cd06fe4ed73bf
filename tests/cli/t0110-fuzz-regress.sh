#!/bin/sh
# The fuzz targets (fuzz/), built without libFuzzer, replay the inputs
# that once broke something (fuzz/regress/TARGET/) and the examples:
# every crash fuzzing found stays a test.
. "$(dirname "$0")/lib.sh"

R=$AWSMASK_TEST_ROOT
for t in scanner json jsonmode roundtrip unmask config store_uri sse; do
	if [ ! -x "$R/fuzz/replay_$t" ]; then
		test_skip "fuzz target $t" "fuzz/replay_$t is not built (make check builds it)"
		continue
	fi
	test_expect_success "fuzz target $t: regressions and examples" '
		mkdir -p in &&
		for f in "$R"/fuzz/regress/'$t'/* "$R"/examples/*.*; do
			[ -f "$f" ] && cp "$f" in/ || :
		done &&
		test_must_exit 0 "$R/fuzz/replay_'$t'" in >out 2>err &&
		test_grep "inputs\$" out
	'
done
test_done
