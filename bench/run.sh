#!/bin/sh
# make bench: masking throughput on a generated log (about one identifier
# per 150 bytes, 20,000 distinct), new identifiers per second, and grep-
# like yardsticks over the same file.  BENCH_MB sets the log's size.
# Then awsmask-claude against the mock API (bench/claude.py): its own
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

if [ -x cmd/awsmask-claude ] && command -v python3 >/dev/null 2>&1; then
	echo
	python3 bench/claude.py
fi
