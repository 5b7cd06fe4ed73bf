#!/bin/sh
# fuzz/run.sh - make fuzz: run every libFuzzer target for FUZZ_TIME
# seconds (default 60), each on a corpus seeded from examples/, the
# golden tests, the JSON test data and fuzz/regress/<target>/.  A crash
# stops that target; its input lands in fuzz/crashes/ and the script
# exits 1.  Copy such an input into fuzz/regress/<target>/ once fixed:
# make check replays that folder.
set -u
cd "$(dirname "$0")/.."
t=${FUZZ_TIME:-60}
targets=${FUZZ_TARGETS:-"scanner json jsonmode roundtrip unmask config store_uri sse"}
mkdir -p fuzz/corpus fuzz/crashes
failed=
for name in $targets; do
	bin=fuzz/bin/fuzz_$name
	corpus=fuzz/corpus/$name
	mkdir -p "$corpus"
	# Seeds: copies, so that the corpus may grow without touching them.
	for f in examples/*.json examples/*.log examples/*.txt \
	    examples/*.env tests/cli/golden/*/*.in tests/unit/data/json/* \
	    fuzz/regress/$name/*; do
		[ -f "$f" ] && [ "$(wc -c <"$f")" -le 65536 ] &&
		    cp "$f" "$corpus/seed-$(echo "$f" | tr / _)"
	done
	echo "fuzz: $name for $t s"
	if ! "$bin" -max_total_time="$t" -max_len=16384 -timeout=20 \
	    -rss_limit_mb=2048 -dict=fuzz/awsmask.dict -print_final_stats=1 \
	    -artifact_prefix="fuzz/crashes/$name-" "$corpus" \
	    >"fuzz/crashes/$name.log" 2>&1; then
		failed="$failed $name"
		tail -n 40 "fuzz/crashes/$name.log"
	else
		grep -E '^stat::number_of_executed_units|^#[0-9]+ *DONE' \
		    "fuzz/crashes/$name.log" | sed "s/^/fuzz: $name: /"
	fi
done
if [ -n "$failed" ]; then
	echo "fuzz: failed:$failed (inputs in fuzz/crashes/)"
	exit 1
fi
echo "fuzz: every target ran $t s without a failure"
