#!/bin/sh
# The operator examples run as written: every command line of
# examples/cron/awsmask.cron and every ExecStart= of examples/systemd/,
# against an embedded store and a textfile folder of the test's own.

. "$(dirname "$0")/lib.sh"

EX=$AWSMASK_TEST_ROOT/examples

# commands: one command line a line, with the paths made the test's.
commands() {
	{
		grep -v "^#" "$EX/cron/awsmask.cron" | grep . |
		    awk '{ $1 = $2 = $3 = $4 = $5 = $6 = ""; print }'
		sed -n "s/^ExecStart=//p" "$EX"/systemd/*.service
	} | sed -e "s|/usr/local/bin/||" \
	    -e "s|/var/lib/prometheus/node-exporter|$WORK/prom|"
}

test_expect_success 'the examples hold the commands of both tools' '
	commands >cmds &&
	test_grep "^ *awsmask-cleanup " cmds &&
	test_grep "^ *awsmask-stats .*--prometheus" cmds &&
	test_line_count = 4 cmds
'

test_expect_success 'each runs, exit 0, silent, and the textfile is written' '
	mkdir -p "$WORK/prom" &&
	AWSMASK_STATE_DIR=$T/state && export AWSMASK_STATE_DIR &&
	echo i-0abc12de34f567890 | awsmask >/dev/null &&
	commands | while read -r cmd; do
		eval "$cmd" >out 2>err || { echo "failed: $cmd" >&4; exit 1; }
		test_must_be_empty out && test_must_be_empty err || exit 1
	done &&
	test_grep "^awsmask_store_mappings 1$" "$WORK/prom/awsmask.prom"
'

test_expect_success 'the units say what starts them and what they run' '
	for u in awsmask-cleanup awsmask-stats; do
		test_grep "^ExecStart=/usr/local/bin/$u " "$EX/systemd/$u.service" &&
		test_grep "^Type=oneshot$" "$EX/systemd/$u.service" &&
		test_grep "^OnUnitActiveSec=" "$EX/systemd/$u.timer" &&
		test_grep "^WantedBy=timers.target$" "$EX/systemd/$u.timer" ||
		    return 1
	done
'

test_done
