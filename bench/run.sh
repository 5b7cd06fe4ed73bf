#!/bin/sh
# make bench: masking throughput on a generated log (about one identifier
# per 150 bytes, 20,000 distinct), new identifiers per second, and grep-
# like yardsticks over the same file.  BENCH_MB sets the log's size.
#
# Then the stores: known identifiers, fresh (a hit is a read) and stale
# (renewed), in MB/s against `cat` and in instructions a byte (callgrind,
# when valgrind is installed: repeatable where wall times are not); and
# awsmask-stats and awsmask-cleanup on BENCH_MAPPINGS (1,000,000)
# mappings, embedded and Redis, with redis-benchmark's SET in the same
# run as the yardstick.  BENCH_BASE=DIR (a cmd/ folder of another build)
# times its awsmask on the same known-identifier passes, for before and
# after.  BENCH_QUICK=1 skips the million.
#
# A local Redis Cluster next to one Redis (bench/cluster.sh): new and
# known identifiers a second, with durable=1 (WAIT) and durable=0.
#
# And awsmask-claude against the mock API (bench/claude.py): its own
# cost per request and its streaming latency, with curl as yardstick.
set -eu
cd "$(dirname "$0")/.."
MB=${BENCH_MB:-100}
NEW=${BENCH_NEW:-200000}
dir=bench/tmp
mkdir -p "$dir"
log=$dir/log-$MB.txt
ids=$dir/ids-$NEW.txt
[ -s "$log" ] || python3 bench/gen.py "$MB" > "$log"
[ -s "$ids" ] || python3 bench/gen.py ids "$NEW" > "$ids"
ct=$dir/cloudtrail-$MB.json
[ -s "$ct" ] || python3 bench/gen.py cloudtrail "$MB" > "$ct"
bytes=$(wc -c < "$log")
ctbytes=$(wc -c < "$ct")
mask=cmd/awsmask
export XDG_STATE_HOME="$PWD/$dir/state"
unset AWSMASK_STORE REDIS_HOST USE_REDIS 2>/dev/null || true

now() { date +%s.%N; }
# run LABEL WHAT COUNT CMD...: time CMD, print COUNT/s (MB/s or ids/s)
run() {
	label=$1 what=$2 count=$3
	shift 3
	t0=$(now)
	"$@" > /dev/null
	t1=$(now)
	awk -v l="$label" -v w="$what" -v c="$count" -v a="$t0" -v b="$t1" \
	    'BEGIN { s = b - a; if (s <= 0) s = 1e-9;
	      if (w == "MB") printf "%-44s %8.1f MB/s   (%.2f s)\n", l, c / 1048576 / s, s;
	      else printf "%-44s %8.0f ids/s  (%.2f s)\n", l, c / s, s }'
}

echo "input: $log ($bytes bytes), $ids ($NEW new identifiers)"
rm -rf "$dir/state"
run "awsmask, embedded store, new identifiers" ids "$NEW" $mask "$ids"
run "awsmask, embedded store, known (log)" MB "$bytes" $mask "$log"
run "awsmask --store memory:, log" MB "$bytes" $mask --store memory: "$log"
run "awsmask --check, log" MB "$bytes" sh -c "$mask --check -q '$log' || true"
run "awsmask, CloudTrail document (json)" MB "$ctbytes" $mask "$ct"
run "awsmask --format text, same document" MB "$ctbytes" \
    $mask --format text "$ct"
# Peak memory on the document: bounded by its longest string.
if [ -x /usr/bin/time ]; then
	/usr/bin/time -f "awsmask, CloudTrail document: peak RSS %M KB" \
	    $mask "$ct" > /dev/null
fi

if command -v redis-server >/dev/null 2>&1 && [ -f lib/store_redis.c ]; then
	. tests/integration/redis.sh
	redis_start
	trap redis_stop EXIT
	url=redis://127.0.0.1:$REDIS_TEST_PORT/0
	run "awsmask, local redis, new identifiers" ids "$NEW" \
	    $mask --store "$url" "$ids"
	run "awsmask, local redis, known (log)" MB "$bytes" \
	    $mask --store "$url" "$log"
fi

re='i-[0-9a-f]{17}|vol-[0-9a-f]{17}|sg-[0-9a-f]{17}|subnet-[0-9a-f]{17}|[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}|arn:aws:[a-z0-9-]+:[a-z0-9-]*:[0-9]{12}:[A-Za-z0-9/_+=.@:-]+|AKIA[0-9A-Z]{16}'
# Through a pipe: GNU grep stops at the first match when its output is
# /dev/null, which would time nothing.
if command -v rg >/dev/null 2>&1; then
	run "yardstick: rg -o (finds only)" MB "$bytes" \
	    sh -c 'rg -o "$1" "$2" | wc -l' sh "$re" "$log"
fi
run "yardstick: sed -E (replaces)" MB "$bytes" sed -E "s/$re/X/g" "$log"
run "yardstick: grep -Eo (finds only)" MB "$bytes" \
    sh -c 'grep -Eo "$1" "$2" | wc -l' sh "$re" "$log"

# --- The stores: known identifiers ------------------------------------
cat_mbs=$( { t0=$(now); cat "$log" >/dev/null; cat "$log" >/dev/null;
    cat "$log" >/dev/null; t1=$(now);
    awk -v b="$bytes" -v a="$t0" -v c="$t1" 'BEGIN { printf "%.0f", 3 * b / 1048576 / (c - a) }'; } )
echo
echo "known identifiers ($bytes bytes, 20,000 distinct; yardstick: cat $cat_mbs MB/s)"

# pass LABEL CMD...: MB/s of CMD on the log, and its ratio to cat.
pass() {
	label=$1
	shift
	t0=$(now)
	"$@" "$log" > /dev/null
	t1=$(now)
	awk -v l="$label" -v b="$bytes" -v a="$t0" -v c="$t1" -v k="$cat_mbs" \
	    'BEGIN { s = c - a; m = b / 1048576 / s;
	      printf "%-44s %8.1f MB/s   (%.2f s, %.3fx cat)\n", l, m, s, m / k }'
}

# Instructions (callgrind): the first BENCH_IMB MB of the log, known.
# What the store costs is the run's count less the same run on memory:
# (which makes every mapping anew, in a hash map), a distinct identifier.
IMB=${BENCH_IMB:-4}
slice=$dir/slice-$IMB.txt
[ -s "$slice" ] || head -c $((IMB * 1048576)) "$log" > "$slice"
sbytes=$(wc -c < "$slice")
count() {
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" \
	    "$slice" 2>&1 >/dev/null | sed -n 's/.*Collected : //p'
}
distinct=
if command -v valgrind >/dev/null 2>&1; then
	rm -rf "$dir/distinct"
	XDG_STATE_HOME=$dir/distinct $mask "$slice" > /dev/null
	distinct=$(XDG_STATE_HOME=$dir/distinct cmd/awsmask-stats --json |
	    python3 -c 'import json, sys; print(json.load(sys.stdin)["mappings"])')
fi
# instr LABEL MEMCOUNT CMD...
instr() {
	label=$1 nmem=$2
	shift 2
	[ -n "$distinct" ] || return 0
	"$@" "$slice" > /dev/null
	n=$(count "$@")
	awk -v l="$label" -v n="$n" -v m="$nmem" -v b="$sbytes" -v d="$distinct" \
	    'BEGIN { printf "%-44s %8.0f instructions/byte; store %.0f a distinct identifier\n",
	      l, n / b, (n - m) / d }'
}

# age_sqlite DB: every mapping last used two hours ago.
age_sqlite() {
	sqlite3 "$1" "UPDATE mappings SET used = used - 7200,
	    expires = expires - 7200" 2>/dev/null || true
}

# known_runs NAME AWSMASK DB: the passes of one build.
known_runs() {
	name=$1 bin=$2 db=$3
	st=$dir/known-$name
	rm -rf "$st"
	nmem=
	[ -n "$distinct" ] && nmem=$(count "$bin" --store memory:)
	XDG_STATE_HOME=$st "$bin" "$log" > /dev/null
	XDG_STATE_HOME=$st pass "$name: embedded, known, fresh" "$bin"
	XDG_STATE_HOME=$st instr "$name: embedded, known, fresh" "$nmem" "$bin"
	age_sqlite "$st/awsmask/mappings.db"
	XDG_STATE_HOME=$st pass "$name: embedded, known, stale" "$bin"
	if [ -n "${url:-}" ]; then
		"$bin" --store "$url$db" "$log" > /dev/null
		pass "$name: redis, known, fresh" "$bin" --store "$url$db"
		instr "$name: redis, known, fresh" "$nmem" "$bin" --store "$url$db"
		redis-cli -p "$REDIS_TEST_PORT" -n "$db" --scan --pattern 'aws:*mask:*' |
		    awk '{ print "PEXPIRE", $0, 604800000 - 7200000 }' |
		    redis-cli -p "$REDIS_TEST_PORT" -n "$db" > /dev/null
		pass "$name: redis, known, stale" "$bin" --store "$url$db"
	fi
}

url=
if command -v redis-server >/dev/null 2>&1 && [ -f lib/store_redis.c ]; then
	url=redis://127.0.0.1:$REDIS_TEST_PORT/
	redis-benchmark -p "$REDIS_TEST_PORT" -t set,get -n 1000000 -P 64 -q \
	    2>/dev/null | tr '\r' '\n' | sed -n 's/^\(SET\|GET\): \([0-9.]*\) requests per second.*/\1 \2/p' |
	    awk '{ printf "%-44s %8.0f ops/s\n", "yardstick: redis-benchmark -P 64 " $1, $2 }'
fi
known_runs this "$mask" 1
if [ -n "${BENCH_BASE:-}" ]; then
	known_runs base "$BENCH_BASE/awsmask" 2
fi

# One Redis next to a local Redis Cluster, durable=1 and durable=0.
sh bench/cluster.sh

if [ -x cmd/awsmask-claude ] && command -v python3 >/dev/null 2>&1; then
	echo
	python3 bench/claude.py
fi

# --- The stores: stats and cleanup on a million mappings -------------
[ "${BENCH_QUICK:-0}" = 1 ] && exit 0
N=${BENCH_MAPPINGS:-1000000}
echo
echo "operating $N mappings (half used 2 h ago): awsmask-stats, then awsmask-cleanup down to half"
stats=cmd/awsmask-stats
clean=cmd/awsmask-cleanup
# timed LABEL KEYS CMD...: wall time of CMD, with fields of the JSON it
# prints (KEYS: comma-separated paths like mappings,store.used_memory).
timed() {
	label=$1 keys=$2
	shift 2
	t0=$(now)
	"$@" > "$dir/timed.json"
	t1=$(now)
	fields=$(python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
out = []
for k in sys.argv[2].split(","):
    v = j
    for p in k.split("."):
        v = v[p]
    out.append("%s %s" % (k.split(".")[-1], v))
print(", ".join(out))' "$dir/timed.json" "$keys")
	awk -v l="$label" -v a="$t0" -v b="$t1" -v n="$N" -v o="$fields" \
	    'BEGIN { s = b - a; printf "%-44s %8.2f s  (%.0f mappings/s; %s)\n", l, s, n / s, o }'
}

st=$dir/million
rm -rf "$st"
mkdir -p "$st"
db=$st/awsmask/mappings.db
echo i-00000000000000000 | XDG_STATE_HOME=$st $mask > /dev/null
nowt=$(date +%s)
t0=$(now)
sqlite3 "$db" "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1
    FROM c WHERE i < $N) INSERT INTO mappings SELECT
    CAST(printf('i-%017x', i) AS BLOB),
    printf('EC2_%07d', i + 1), 'EC2', 'ec2-instance', $nowt,
    $nowt + 604800 - (i % 2) * 7200, $nowt - (i % 2) * 7200 FROM c;
    UPDATE counters SET n = $N + 1 WHERE prefix = 'EC2'"
t1=$(now)
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%-44s %8.2f s\n", "embedded: load with sqlite3 (yardstick)", b - a }'
t0=$(now)
sqlite3 "$db" "SELECT count(*), sum(length(original)) FROM mappings" > /dev/null
t1=$(now)
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%-44s %8.2f s\n", "embedded: sqlite3 SELECT over all (yardstick)", b - a }'
XDG_STATE_HOME=$st timed "embedded: awsmask-stats" mappings,store.size_bytes \
    $stats --json
XDG_STATE_HOME=$st timed "embedded: awsmask-cleanup" evicted,kept \
    $clean --json --max-entries $((N / 2))

if [ -n "$url" ]; then
	t0=$(now)
	python3 bench/gen.py redis-mappings "$N" aws: 604800 7200 |
	    redis-cli -p "$REDIS_TEST_PORT" -n 3 --pipe > /dev/null
	t1=$(now)
	awk -v a="$t0" -v b="$t1" -v n="$N" 'BEGIN { printf "%-44s %8.2f s  (%.0f SET/s)\n", "redis: load with redis-cli --pipe (yardstick)", b - a, 2 * n / (b - a) }'
	timed "redis: awsmask-stats" mappings,store.used_memory \
	    $stats --store "${url}3" --json
	timed "redis: awsmask-cleanup" evicted,kept \
	    $clean --store "${url}3" --json --max-entries $((N / 2))
	peak=$(command -v /usr/bin/time >/dev/null 2>&1 &&
	    /usr/bin/time -f %M $stats --store ${url}3 --json 2>&1 >/dev/null | tail -n 1)
	[ -n "$peak" ] && printf '%-44s %8s KB\n' "redis: awsmask-stats peak RSS" "$peak"
fi
