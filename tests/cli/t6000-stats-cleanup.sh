#!/bin/sh
# awsmask-stats and awsmask-cleanup on the embedded store (and memory:):
# counts equal to what was masked, JSON and Prometheus output, --output,
# processing figures, last use recorded only when stale, expired rows,
# --dry-run, --max-entries keeping the most recently used, --min-idle
# and its granularity, the lock (held, expired, --wait), concurrent
# cleanups, a cleanup racing awsmask, counters that survive, and a
# store that cannot be opened.

. "$(dirname "$0")/lib.sh"

if ! test_have sqlite3; then
	test_skip 'stats and cleanup' 'sqlite3 is not installed'
	test_done
fi

# ids N [SEED]: N distinct instance IDs, one a line.
ids() {
	awk -v n="$1" -v s="${2:-0}" 'BEGIN {
		for (i = 0; i < n; i++) printf "i-%017x\n", s * 100000 + i }'
}

# json FILE EXPR: evaluate a Python expression on the JSON in FILE (as j).
json() {
	python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
v = eval(sys.argv[2])
print(json.dumps(v) if isinstance(v, (dict, list, bool)) or v is None else v)' "$1" "$2"
}

NOW=$(date +%s)

test_expect_success 'stats on a new store: nothing in it, exit 0' '
	test_must_exit 0 awsmask-stats --json >out 2>err &&
	test_must_be_empty err &&
	test "$(json out "j[\"store\"][\"backend\"]")" = sqlite &&
	test "$(json out "j[\"store\"][\"up\"]")" = true &&
	test "$(json out "j[\"mappings\"]")" = 0 &&
	test "$(json out "j[\"kinds\"]")" = "{}" &&
	test "$(json out "j[\"breaker\"][\"state\"]")" = none
'

test_expect_success 'stats counts what was masked, by kind, and the runs' '
	{ ids 30; echo "10.0.0.1 10.0.0.2 vpc-0123456789abcdef0"; ids 5; } >in &&
	test_must_exit 0 awsmask in >out &&
	test_must_exit 0 awsmask-stats --json >st &&
	test "$(json st "j[\"mappings\"]")" = 33 &&
	test "$(json st "j[\"kinds\"]")" = "{\"EC2\": 30, \"PRIVATE_IP\": 2, \"VPC\": 1}" &&
	test "$(json st "j[\"total_created\"]")" = 33 &&
	test "$(json st "list(j[\"daily\"].values())")" = "[33]" &&
	test "$(json st "j[\"orphans\"]")" = 0 &&
	test "$(json st "j[\"expired\"]")" = 0 &&
	test "$(json st "j[\"processing\"][\"mask\"][\"runs\"]")" = 1 &&
	test "$(json st "j[\"processing\"][\"mask\"][\"bytes\"]")" = "$(wc -c <in)" &&
	test "$(json st "j[\"processing\"][\"mask\"][\"identifiers\"]")" = 38 &&
	test_must_exit 0 awsunmask out >back &&
	test_cmp in back &&
	echo "EC2_001 EC2_999" | awsunmask >/dev/null 2>&1 &&
	test_must_exit 0 awsmask-stats --json >st &&
	test "$(json st "j[\"processing\"][\"unmask\"][\"runs\"]")" = 2 &&
	test "$(json st "j[\"processing\"][\"unmask\"][\"tokens\"]")" = 39 &&
	test "$(json st "j[\"processing\"][\"unmask\"][\"unknown\"]")" = 1 &&
	test "$(json st "j[\"processing\"][\"mask\"][\"runs\"]")" = 1
'

test_expect_success 'a run whose input holds no identifier is not counted' '
	ids 3 >in &&
	awsmask in >/dev/null &&
	echo "nothing here" | awsmask >/dev/null &&
	test_must_exit 0 awsmask-stats --json >st &&
	test "$(json st "j[\"processing\"][\"mask\"][\"runs\"]")" = 1
'

test_expect_success 'the table: aligned rows, the kinds, no escape codes' '
	ids 3 >in && awsmask in >/dev/null &&
	test_must_exit 0 awsmask-stats >out 2>err &&
	test_must_be_empty err &&
	test_grep "^store        sqlite:" out &&
	test_grep "^mappings     3 live$" out &&
	test_grep "^  EC2 +3$" out &&
	test_grep ! "$(printf "\033")" out
'

test_expect_success '--prometheus: HELP and TYPE for each metric, awsmask_* only' '
	{ ids 4; echo 10.1.2.3; } >in && awsmask in >/dev/null &&
	test_must_exit 0 awsmask-stats --prometheus >out 2>err &&
	test_must_be_empty err &&
	test_grep "^awsmask_store_up 1$" out &&
	test_grep "^awsmask_store_mappings 5$" out &&
	test_grep "^awsmask_mappings\{kind=\"EC2\"\} 4$" out &&
	test_grep "^awsmask_mappings\{kind=\"PRIVATE_IP\"\} 1$" out &&
	test_grep "^awsmask_runs_total\{direction=\"mask\"\} 1$" out &&
	awk "/^#/ { if (\$2 == \"TYPE\") typed[\$3] = 1; next }
	    { n = \$1; sub(/\{.*/, \"\", n)
	      if (n !~ /^awsmask_[a-z_]+$/ || !(n in typed)) bad = 1
	      if (\$2 !~ /^[0-9.e+-]+$/) bad = 1 }
	    END { exit bad }" out
'

test_expect_success '--output writes the file whole, and nothing on failure' '
	ids 2 >in && awsmask in >/dev/null &&
	mkdir col &&
	test_must_exit 0 awsmask-stats --prometheus -o col/awsmask.prom >out &&
	test_must_be_empty out &&
	test_grep "^awsmask_store_mappings 2$" col/awsmask.prom &&
	test "$(ls col)" = awsmask.prom &&
	test_mode 644 col/awsmask.prom &&
	test_must_exit 74 awsmask-stats -o no-such-dir/x.prom 2>err &&
	test_grep "cannot write .no-such-dir/x.prom." err
'

test_expect_success 'memory: is empty for every process; both tools run' '
	test_must_exit 0 awsmask-stats -s memory: --json >st &&
	test "$(json st "j[\"store\"][\"backend\"]")" = memory &&
	test "$(json st "j[\"mappings\"]")" = 0 &&
	test_must_exit 0 awsmask-cleanup -s memory: --json >cl &&
	test "$(json cl "j[\"examined\"]")" = 0
'

test_expect_success 'a hit is a read: a fresh mapping is not renewed, a stale one is' '
	ids 2 >in && awsmask in >out &&
	sqlite3 "$(store_db)" "UPDATE mappings SET used = used - 30, expires = expires - 30 WHERE token = \"EC2_001\";
	    UPDATE mappings SET used = used - 600, expires = expires - 600 WHERE token = \"EC2_002\"" &&
	sqlite3 "$(store_db)" "SELECT token, used FROM mappings ORDER BY token" >before &&
	test_must_exit 0 awsmask in >out2 &&
	test_cmp out out2 &&
	sqlite3 "$(store_db)" "SELECT token, used FROM mappings ORDER BY token" >after &&
	test "$(sed -n 1p before)" = "$(sed -n 1p after)" &&
	test "$(sed -n 2p before)" != "$(sed -n 2p after)" &&
	used=$(sqlite3 "$(store_db)" "SELECT used FROM mappings WHERE token = \"EC2_002\"") &&
	test $((used - NOW)) -ge -5
'

test_expect_success 'expired rows: counted by stats, removed by cleanup; counters survive' '
	ids 6 >in && awsmask in >/dev/null &&
	sqlite3 "$(store_db)" "UPDATE mappings SET expires = $NOW - 10 WHERE token IN (\"EC2_001\", \"EC2_002\")" &&
	test_must_exit 0 awsmask-stats --json >st &&
	test "$(json st "j[\"expired\"]")" = 2 &&
	test "$(json st "j[\"mappings\"]")" = 4 &&
	test_must_exit 0 awsmask-cleanup >out 2>err &&
	test_must_be_empty out && test_must_be_empty err &&
	test "$(sqlite3 "$(store_db)" "SELECT count(*) FROM mappings")" = 4 &&
	test "$(sqlite3 "$(store_db)" "SELECT n FROM counters WHERE prefix = \"EC2\"")" = 6 &&
	ids 1 >one && test "$(awsmask one)" = EC2_007
'

test_expect_success '--json and -v summaries; a run with nothing to do is silent' '
	ids 3 >in && awsmask in >/dev/null &&
	test_must_exit 0 awsmask-cleanup >out 2>err &&
	test_must_be_empty out && test_must_be_empty err &&
	test_must_exit 0 awsmask-cleanup -v >out 2>err &&
	test_must_be_empty out &&
	test_grep "^awsmask-cleanup: 3 examined; removed 0 orphaned halves, 0 expired rows; evicted 0 pairs; 3 kept \(no cap\)" err &&
	test_must_exit 0 awsmask-cleanup --json >out 2>err &&
	test_must_be_empty err &&
	for k in examined orphans orphans_young expired evicted kept over_cap \
	    max_entries min_idle_seconds granularity_seconds dry_run locked seconds; do
		json out "j[\"$k\"]" >/dev/null || return 1
	done &&
	test "$(json out "j[\"kept\"]")" = 3 &&
	test "$(json out "j[\"granularity_seconds\"]")" = 120
'

# age FIRST LAST SECONDS: make EC2_FIRST..EC2_LAST last used SECONDS ago.
age() {
	sqlite3 "$(store_db)" "UPDATE mappings SET used = $NOW - $3,
	    expires = $NOW - $3 + 604800 WHERE prefix = \"EC2\" AND
	    CAST(substr(token, 5) AS INTEGER) BETWEEN $1 AND $2"
}

test_expect_success '--max-entries evicts the least recently used, both ways' '
	ids 20 >in && awsmask in >out &&
	i=1 && while [ $i -le 20 ]; do
		age $i $i $((100000 - i * 1000)) || return 1
		i=$((i + 1))
	done &&
	test_must_exit 0 awsmask-cleanup --json --max-entries 5 >res &&
	test "$(json res "j[\"evicted\"]")" = 15 &&
	test "$(json res "j[\"kept\"]")" = 5 &&
	sqlite3 "$(store_db)" "SELECT token FROM mappings ORDER BY token" >left &&
	printf "EC2_016\nEC2_017\nEC2_018\nEC2_019\nEC2_020\n" >expect &&
	test_cmp expect left &&
	tail -n 5 in >in5 && tail -n 5 out >out5 &&
	test_must_exit 0 awsunmask out5 >back && test_cmp in5 back &&
	echo EC2_001 | awsunmask >back 2>err && test "$(cat back)" = EC2_001 &&
	test "$(sqlite3 "$(store_db)" "SELECT n FROM counters WHERE prefix = \"EC2\"")" = 20
'

test_expect_success '--dry-run changes nothing and says what would go' '
	ids 10 >in && awsmask in >/dev/null &&
	age 1 10 7200 &&
	sqlite3 "$(store_db)" "UPDATE mappings SET expires = $NOW - 1 WHERE token = \"EC2_001\"" &&
	sqlite3 "$(store_db)" .dump >before &&
	test_must_exit 0 awsmask-cleanup -n --max-entries 4 >out 2>err &&
	test_must_be_empty out &&
	test_grep "^awsmask-cleanup: dry run: 10 examined; would remove 0 orphaned halves, 1 expired rows; would evict 5 pairs; 4 kept" err &&
	test_must_exit 0 awsmask-cleanup --dry-run --json --max-entries 4 >res &&
	test "$(json res "j[\"dry_run\"]")" = true &&
	test "$(json res "j[\"evicted\"]")" = 5 &&
	sqlite3 "$(store_db)" .dump >after &&
	test_cmp before after
'

test_expect_success '--min-idle wins over the cap, and says so with -v' '
	ids 10 >in && awsmask in >/dev/null &&
	age 1 4 7200 &&
	test_must_exit 0 awsmask-cleanup -v --max-entries 2 >out 2>err &&
	test_grep "evicted 4 pairs; 6 kept" err &&
	test_grep "4 pairs over the cap of 2 kept: used in the last 3720 s" err &&
	test "$(sqlite3 "$(store_db)" "SELECT count(*) FROM mappings")" = 6
'

test_expect_success '--min-idle is honoured to its granularity (2 min at 7d)' '
	ids 4 >in && awsmask in >/dev/null &&
	age 1 1 $((600 + 120 + 30)) && age 2 2 $((600 + 120 - 30)) &&
	age 3 4 10 &&
	test_must_exit 0 awsmask-cleanup --json --max-entries 1 --min-idle 10m >res &&
	test "$(json res "j[\"evicted\"]")" = 1 &&
	test "$(json res "j[\"over_cap\"]")" = 2 &&
	sqlite3 "$(store_db)" "SELECT token FROM mappings ORDER BY token" >left &&
	printf "EC2_002\nEC2_003\nEC2_004\n" >expect &&
	test_cmp expect left
'

test_expect_success 'MASKING_MAX_ENTRIES and the config file set the defaults' '
	ids 6 >in && awsmask in >/dev/null && age 1 6 90000 &&
	test_must_exit 0 env MASKING_MAX_ENTRIES=4 awsmask-cleanup --json >res &&
	test "$(json res "j[\"kept\"]")" = 4 &&
	mkdir -p "$XDG_CONFIG_HOME/awsmask" &&
	printf "max_entries = 2\nmin_idle = 1d\n" >"$XDG_CONFIG_HOME/awsmask/config" &&
	test_must_exit 0 awsmask-cleanup --json >res &&
	test "$(json res "j[\"min_idle_seconds\"]")" = 86400 &&
	test "$(json res "j[\"kept\"]")" = 2 &&
	test_must_exit 2 awsmask-cleanup --max-entries 3x 2>err &&
	test_grep "bad value for .max_entries." err &&
	test_must_exit 2 awsmask-cleanup --min-idle -1 2>err
'

test_expect_success 'a held lock is honoured: nothing done, exit 0, silent' '
	ids 5 >in && awsmask in >/dev/null && age 1 5 90000 &&
	sqlite3 "$(store_db)" "INSERT INTO locks VALUES (\"cleanup\", \"other:1:ab\", $NOW + 300)" &&
	test_must_exit 0 awsmask-cleanup --max-entries 1 >out 2>err &&
	test_must_be_empty out && test_must_be_empty err &&
	test "$(sqlite3 "$(store_db)" "SELECT count(*) FROM mappings")" = 5 &&
	test_must_exit 0 awsmask-cleanup -v --max-entries 1 2>err &&
	test_grep "another cleanup holds the lock on store .sqlite:.*: nothing done" err &&
	test_must_exit 0 awsmask-cleanup --json --max-entries 1 >res &&
	test "$(json res "j[\"locked\"]")" = true &&
	test "$(sqlite3 "$(store_db)" "SELECT owner FROM locks")" = other:1:ab
'

test_expect_success 'a lock whose lease ran out is taken; the lock is released after' '
	ids 5 >in && awsmask in >/dev/null && age 1 5 90000 &&
	sqlite3 "$(store_db)" "INSERT INTO locks VALUES (\"cleanup\", \"dead:1:ab\", $NOW - 1)" &&
	test_must_exit 0 awsmask-cleanup --json --max-entries 1 >res &&
	test "$(json res "j[\"kept\"]")" = 1 &&
	test "$(sqlite3 "$(store_db)" "SELECT count(*) FROM locks")" = 0
'

test_expect_success '--wait waits for the lock, then runs' '
	ids 5 >in && awsmask in >/dev/null && age 1 5 90000 &&
	sqlite3 "$(store_db)" "INSERT INTO locks VALUES (\"cleanup\", \"other:1:ab\", $(date +%s) + 2)" &&
	test_must_exit 0 awsmask-cleanup --wait --json --max-entries 1 >res &&
	test "$(json res "j[\"locked\"]")" = false &&
	test "$(json res "j[\"kept\"]")" = 1
'

# bijection: the store holds one row a mapping; every output unmasks.
check_store() {
	test "$(sqlite3 "$(store_db)" "PRAGMA integrity_check")" = ok &&
	test "$(sqlite3 "$(store_db)" "SELECT count(*) - count(DISTINCT token) FROM mappings")" = 0
}

test_expect_success 'concurrent cleanups: one evicts, the others do nothing' '
	ids 400 >in && awsmask in >/dev/null && age 1 400 90000 &&
	for i in 1 2 3 4; do
		( awsmask-cleanup --json --max-entries 100 >res$i 2>err$i; echo $? >rc$i ) &
	done &&
	wait &&
	for i in 1 2 3 4; do
		test "$(cat rc$i)" = 0 && test_must_be_empty err$i || return 1
	done &&
	test "$(sqlite3 "$(store_db)" "SELECT count(*) FROM mappings")" = 100 &&
	cat res1 res2 res3 res4 | python3 -c "import json, sys
r = [json.loads(l) for l in sys.stdin]
assert sum(x[\"evicted\"] for x in r) == 300, r" &&
	check_store
'

test_expect_success 'cleanups racing awsmask leave every printed token unmaskable' '
	ids 600 >in && awsmask in >first && age 1 600 90000 &&
	split -l 50 -a 2 -d in part.
	(
		n=0
		while [ $n -lt 15 ]; do
			awsmask-cleanup --max-entries 50 --min-idle 0 || exit 1
			n=$((n + 1))
		done
	) >cl.out 2>cl.err &
	cpid=$!
	(
		for p in part.??; do
			awsmask "$p" >"$p.out" || exit 1
		done
	) &
	mpid=$!
	( sleep 0.2; awsmask-cleanup --wait --max-entries 10 --min-idle 0 ) &
	opid=$!
	wait $mpid && wait $cpid && wait $opid &&
	test_must_be_empty cl.err &&
	for p in part.??; do
		test_must_exit 0 awsunmask --verify "$p" "$p.out" || return 1
	done &&
	check_store
'

test_expect_success 'a store that cannot be opened: exit 69, a clear message' '
	test_must_exit 69 awsmask-stats -s sqlite:/proc/no-such/m.db --json >out 2>err &&
	test_grep "^awsmask-stats: sqlite store ./proc/no-such/m.db.: " err &&
	test "$(json out "j[\"store\"][\"up\"]")" = false &&
	test "$(json out "j[\"mappings\"]")" = null &&
	test_must_exit 69 awsmask-cleanup -s sqlite:/proc/no-such/m.db 2>err &&
	test_grep "^awsmask-cleanup: sqlite store ./proc/no-such/m.db.: " err &&
	test_must_exit 78 awsmask-stats -s nope:x 2>err &&
	test_grep "unknown store .nope:." err
'

# A locale that writes 0,5 for 0.5 (built here: Debian ships only C).
# The tools take only the language of messages from the locale, so the
# numbers of --json and --prometheus stay what their formats require.
if test_have localedef && [ -d /usr/share/i18n/locales ] &&
    mkdir -p "$WORK/locales" &&
    localedef -i de_DE -f UTF-8 "$WORK/locales/de_DE.UTF-8" >/dev/null 2>&1
then
	test_expect_success 'a decimal-comma locale: JSON and Prometheus numbers stay numbers' '
		ids 3 >in &&
		test_must_exit 0 awsmask in >/dev/null &&
		LOCPATH=$WORK/locales LC_ALL=de_DE.UTF-8 awsmask-stats --json >st &&
		json st "j[\"store\"][\"latency_ms\"] >= 0" >/dev/null &&
		LOCPATH=$WORK/locales LC_ALL=de_DE.UTF-8 awsmask-stats \
		    --prometheus >prom &&
		test_grep "^awsmask_cpu_seconds_total{direction=\"mask\"} [0-9]*\.[0-9]*$" prom &&
		! grep "[0-9],[0-9]" prom
	'
else
	test_skip 'a decimal-comma locale' 'no localedef or locale sources'
fi

test_done
