#!/bin/sh
# examples/ci-redact.sh end to end on the project's own sample logs: every
# FILE.masked written, the check of them clean (exit 0), nothing of the
# originals in them, the round trip exact with the store kept; a leak in
# a masked copy is found (exit 1); CI_REDACT_SARIF writes SARIF 2.1.0.

. "$(dirname "$0")/lib.sh"

EX=$AWSMASK_TEST_ROOT/examples
SCRIPT=$EX/ci-redact.sh
AWSMASK=$AWSMASK_TEST_ROOT/cmd/awsmask
export AWSMASK

# The sample logs and outputs of examples/: what a CI job would publish.
samples() {
	for f in "$EX"/*.log "$EX"/*.txt "$EX"/*.json "$EX"/*.env; do
		cp "$f" . && basename "$f" || return 1
	done >samples &&
	test_line_count -gt 10 samples
}

test_expect_success 'the sample logs: every FILE.masked written, the check clean' '
	samples &&
	test_must_exit 0 sh "$SCRIPT" $(cat samples) >out 2>err &&
	test_must_be_empty out &&
	test_must_be_empty err &&
	for f in $(cat samples); do
		test_path_is_file "$f.masked" &&
		if cmp -s "$f" "$f.masked"; then
			echo "$f.masked: nothing masked" >&4
			return 1
		fi
	done &&
	test_must_exit 1 awsmask --check -s memory: $(cat samples) >out 2>err &&
	test_grep "^awsmask: [0-9]{3,} identifiers found" err
'

test_expect_success 'with the store kept (AWSMASK_STORE): the round trip is exact' '
	samples &&
	AWSMASK_STORE=sqlite:$PWD/kept.db &&
	export AWSMASK_STORE &&
	test_must_exit 0 sh "$SCRIPT" $(cat samples) >out 2>err &&
	for f in $(cat samples); do
		test_must_exit 0 awsunmask <"$f.masked" >"$f.back" 2>err &&
		test_cmp "$f" "$f.back" || return 1
	done
'

test_expect_success 'run again on its own output: the same, and clean' '
	samples &&
	AWSMASK_STORE=sqlite:$PWD/kept.db &&
	export AWSMASK_STORE &&
	test_must_exit 0 sh "$SCRIPT" $(cat samples) >out 2>err &&
	mkdir again &&
	for f in $(cat samples); do
		cp "$f.masked" "again/$f" || return 1
	done &&
	(cd again && test_must_exit 0 sh "$SCRIPT" $(cat ../samples)) >out 2>err &&
	for f in $(cat samples); do
		test_cmp "$f.masked" "again/$f.masked" || return 1
	done
'

test_expect_success 'a leak left in a masked copy: exit 1, kinds and lines, no value' '
	samples &&
	printf "deploy to i-0abc12de34f567890 done\n" >>app-error.log &&
	AWSMASK_STORE=sqlite:$PWD/kept.db &&
	export AWSMASK_STORE &&
	test_must_exit 0 sh "$SCRIPT" app-error.log >out 2>err &&
	printf "left: i-0abc12de34f567890\n" >>app-error.log.masked &&
	test_must_exit 1 awsmask --check app-error.log.masked >out 2>err &&
	test_grep "app-error.log.masked:[0-9]+: ec2-instance \(EC2\)$" err &&
	test_grep ! "i-0abc12de34f567890" err
'

test_expect_success 'CI_REDACT_SARIF: SARIF 2.1.0 with no result when clean' '
	samples &&
	CI_REDACT_SARIF=$PWD/redact.sarif &&
	export CI_REDACT_SARIF &&
	test_must_exit 0 sh "$SCRIPT" $(cat samples) >out 2>err &&
	python3 -c "
import json
d = json.load(open(\"redact.sarif\"))
assert d[\"version\"] == \"2.1.0\"
r = d[\"runs\"][0]
assert r[\"tool\"][\"driver\"][\"name\"] == \"awsmask\"
assert r[\"results\"] == []
assert r[\"invocations\"][0][\"executionSuccessful\"] is True
"
'

test_expect_success 'an error wins: an unreadable store is not a clean run' '
	samples &&
	AWSMASK_STORE=sqlite:/proc/nope/x.db &&
	export AWSMASK_STORE &&
	test_must_exit 69 sh "$SCRIPT" app-error.log >out 2>err &&
	test_path_is_missing app-error.log.masked
'

test_done
