#!/bin/sh
# make bench: the figures of issue #12, each beside yardsticks measured in
# the same run on the same bytes, so that they hold on a busy machine:
#
#   start-up  a 10 KB log with a few dozen identifiers, per run, over cat
#   masking   the bench log (bench/gen.py: one identifier per 150 bytes,
#             20,000 distinct, so all but their first sighting known)
#             against rg -o, grep -Eo and sed -E with a regex of the same
#             families, and cat
#   JSON      CloudTrail NDJSON read as JSON, against the same as text
#   unmasking the masked log against rg -o finding the tokens
#   memory    peak RSS on a line of twice the log's size, one huge JSON
#             string, a CloudTrail document
#   stores    new identifiers per second into the embedded store and Redis
#
# Speeds are MB/s of wall time, best of BENCH_RUNS (3) runs.  Ratios
# (>1: awsmask is faster) are of CPU time (user + sys), which other load
# on the machine disturbs less than wall time; wall-time ratios follow in
# brackets.  BENCH_MB sets the log's size (100), BENCH_NEW the lines of
# new identifiers (200,000; a role ARN holds two, and the identifiers
# are counted from awsmask's report), BENCH_STARTS the start-up runs
# (200), BENCH_RATIO_RUNS the turns of Redis's yardstick and awsmask
# taken one after the other (5).
#
# Then the stores: known identifiers, fresh (a hit is a read) and stale
# (renewed), in MB/s against `cat` and in instructions a byte (callgrind,
# when valgrind is installed: repeatable where wall times are not); and
# awsmask-stats and awsmask-cleanup on BENCH_MAPPINGS (1,000,000)
# mappings, embedded and Redis, with redis-benchmark's SET in the same
# run as the yardstick.  BENCH_BASE=DIR (a cmd/ folder of another build)
# times its awsmask on the same known-identifier passes, for before and
# after, and its start-up and memory: passes beside this build's.  BENCH_QUICK=1 skips the million.
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
RUNS=${BENCH_RUNS:-3}
STARTS=${BENCH_STARTS:-200}
dir=bench/tmp
mkdir -p "$dir"
log=$dir/log-$MB.txt
ids=$dir/ids-$NEW.txt
small=$dir/log-10k.txt
nd=$dir/cloudtrail-$MB.ndjson
ct=$dir/cloudtrail-$MB.json
one=$dir/onestring-$MB.json
line=$dir/line-$MB.txt
[ -s "$log" ] || python3 bench/gen.py "$MB" > "$log"
[ -s "$ids" ] || python3 bench/gen.py ids "$NEW" > "$ids"
[ -s "$small" ] || head -c 10240 "$log" > "$small"
[ -s "$nd" ] || python3 bench/gen.py ndjson "$MB" > "$nd"
[ -s "$ct" ] || python3 bench/gen.py cloudtrail "$MB" > "$ct"
[ -s "$one" ] || python3 bench/gen.py string "$MB" > "$one"
[ -s "$line" ] || cat "$log" "$log" | tr '\n' ' ' > "$line"
mask=cmd/awsmask
unmask=cmd/awsunmask
state=$PWD/$dir/state
export XDG_STATE_HOME="$state"
unset AWSMASK_STORE REDIS_HOST USE_REDIS 2>/dev/null || true
have() { command -v "$1" >/dev/null 2>&1; }
if ! [ -x /usr/bin/time ]; then
	echo "bench: needs /usr/bin/time (Debian: apt-get install time)" >&2
	exit 1
fi

# measure CMD...: run CMD with its output to /dev/null RUNS times; set
# wall and cpu to the best run's seconds.
measure() {
	wall= cpu=
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		/usr/bin/time -f "%e %U %S" -o "$dir/time" "$@" > /dev/null 2>&1 ||
		    true
		read -r w u s < "$dir/time"
		# time(1) counts in hundredths: no run takes less than one.
		c=$(awk -v u="$u" -v s="$s" 'BEGIN { c = u + s;
		    printf "%.3f", c < 0.01 ? 0.005 : c }')
		w=$(awk -v w="$w" 'BEGIN { printf "%.3f", w < 0.01 ? 0.005 : w }')
		if [ -z "$wall" ] || awk -v a="$w" -v b="$wall" 'BEGIN { exit !(a < b) }'
		then wall=$w; fi
		if [ -z "$cpu" ] || awk -v a="$c" -v b="$cpu" 'BEGIN { exit !(a < b) }'
		then cpu=$c; fi
		i=$((i + 1))
	done
}

# speed LABEL BYTES CMD...: print MB/s; remember wall and cpu as
# W_<key> and C_<key> for ratios, key being the label's first word.
speed() {
	label=$1 bytes=$2
	shift 2
	measure "$@"
	awk -v l="$label" -v b="$bytes" -v w="$wall" -v c="$cpu" \
	    'BEGIN { if (w <= 0) w = 0.01; if (c <= 0) c = 0.01;
	      printf "  %-40s %7.1f MB/s  (%.2f s, cpu %.2f s)\n", l,
	      b / 1048576 / w, w, c }'
}

# ratio NAME CPU WALL CPU0 WALL0: how many times faster than the
# yardstick that took CPU0/WALL0 seconds.
ratio() {
	awk -v n="$1" -v c="$2" -v w="$3" -v c0="$4" -v w0="$5" \
	    'BEGIN { if (c <= 0) c = 0.001; if (w <= 0) w = 0.001;
	      printf "   %.2fx %s [%.2fx]", c0 / c, n, w0 / w }'
}

# ratios CPU WALL: the run's ratios to every yardstick measured.
ratios() {
	printf '   '
	[ -z "${C_rg:-}" ] || ratio "rg -o" "$1" "$2" "$C_rg" "$W_rg"
	ratio "grep -Eo" "$1" "$2" "$C_grep" "$W_grep"
	ratio "sed -E" "$1" "$2" "$C_sed" "$W_sed"
	ratio "cat" "$1" "$2" "$C_cat" "$W_cat"
	echo
}

bytes=$(wc -c < "$log")
echo "bench: $log ($bytes bytes), best of $RUNS runs; ratios of CPU time" \
    "(>1: awsmask faster), [of wall time]"

#
# Start-up.
#
# per_run CMD...: wall and cpu milliseconds a run, over STARTS runs.
per_run() {
	/usr/bin/time -f "%e %U %S" -o "$dir/time" sh -c '
		n=$1; shift
		while [ "$n" -gt 0 ]; do "$@" > /dev/null 2>&1; n=$((n - 1)); done
	' sh "$STARTS" "$@" || true
	read -r w u s < "$dir/time"
	ms_wall=$(awk -v w="$w" -v n="$STARTS" 'BEGIN { printf "%.3f", w * 1000 / n }')
	ms_cpu=$(awk -v u="$u" -v s="$s" -v n="$STARTS" \
	    'BEGIN { printf "%.3f", (u + s) * 1000 / n }')
}
echo
echo "start-up: $small (10 KB, $(grep -o 'i-\|vol-\|sg-\|subnet-\|arn:\|AKIA' "$small" | wc -l) identifiers), mean of $STARTS runs"
rm -rf "$state"
$mask "$small" > "$dir/small.masked"	# the embedded store knows them now
per_run cat "$small"
cat_wall=$ms_wall cat_cpu=$ms_cpu
printf "  %-40s %7.2f ms  (cpu %.2f ms)\n" "cat" "$cat_wall" "$cat_cpu"
startup() {
	label=$1
	shift
	per_run "$@"
	awk -v l="$label" -v w="$ms_wall" -v c="$ms_cpu" -v w0="$cat_wall" \
	    -v c0="$cat_cpu" 'BEGIN { printf "  %-40s %7.2f ms  (cpu %.2f ms)" \
	    "   %+.2f ms over cat [wall %+.2f]\n", l, w, c, c - c0, w - w0 }'
}
startup "awsmask --store memory:" $mask --store memory: "$small"
startup "awsmask, embedded store" $mask "$small"
startup "awsunmask, embedded store" $unmask "$dir/small.masked"
startup "awsmask --check" $mask --check -q "$small"
if [ -n "${BENCH_BASE:-}" ]; then
	# (An older build may take 100 times as long a run: fewer runs.)
	starts=$STARTS
	STARTS=$(( (STARTS + 9) / 10 ))
	startup "base: awsmask --store memory:" "$BENCH_BASE/awsmask" \
	    --store memory: "$small"
	startup "base: awsmask, embedded store" "$BENCH_BASE/awsmask" "$small"
	startup "base: awsunmask, embedded store" "$BENCH_BASE/awsunmask" \
	    "$dir/small.masked"
	STARTS=$starts
fi
if have valgrind; then
	# Instructions: the same on every run, whatever the load.
	instrs() {
		valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" \
		    > /dev/null 2> "$dir/vg" || true
		sed -n 's/.*refs: *//p' "$dir/vg" | tr -d ,
	}
	i0=$(instrs cat "$small")
	i1=$(instrs $mask --store memory: "$small")
	i2=$(instrs $mask "$small")
	i3=$(instrs $unmask "$dir/small.masked")
	awk -v a="$i0" -v b="$i1" -v c="$i2" -v d="$i3" 'BEGIN {
	    printf "  instructions (callgrind): cat %.2fM, awsmask memory: " \
	    "%.2fM, embedded %.2fM, awsunmask %.2fM\n", a / 1e6, b / 1e6,
	    c / 1e6, d / 1e6 }'
fi

#
# Masking the bench log.
#
re='i-[0-9a-f]{17}|vol-[0-9a-f]{17}|sg-[0-9a-f]{17}|subnet-[0-9a-f]{17}|[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}|arn:aws:[a-z0-9-]+:[a-z0-9-]*:[0-9]{12}:[A-Za-z0-9/_+=.@:-]+|AKIA[0-9A-Z]{16}'
# Yardsticks.  Through a pipe: GNU grep stops at the first match when its
# output is /dev/null, which would time nothing.
yardsticks() {
	file=$1 regex=$2 bytes=$3
	C_rg= W_rg=
	if have rg; then
		speed "yardstick: rg -o (finds)" "$bytes" \
		    sh -c 'rg -o "$1" "$2" | wc -l' sh "$regex" "$file"
		C_rg=$cpu W_rg=$wall
	fi
	speed "yardstick: grep -Eo (finds)" "$bytes" \
	    sh -c 'grep -Eo "$1" "$2" | wc -l' sh "$regex" "$file"
	C_grep=$cpu W_grep=$wall
	speed "yardstick: sed -E (replaces)" "$bytes" sed -E "s/$regex/X/g" "$file"
	C_sed=$cpu W_sed=$wall
	# cat too: to /dev/null, GNU cat copies nothing (copy_file_range).
	speed "yardstick: cat (through a pipe)" "$bytes" \
	    sh -c 'cat "$1" | wc -c' sh "$file"
	C_cat=$cpu W_cat=$wall
}
echo
echo "masking the bench log, $MB MB (identifiers known after their first line):"
yardsticks "$log" "$re" "$bytes"
speed "awsmask --store memory:" "$bytes" $mask --store memory: "$log"
ratios "$cpu" "$wall"
if [ -n "${BENCH_BASE:-}" ]; then
	speed "base: awsmask --store memory:" "$bytes" \
	    "$BENCH_BASE/awsmask" --store memory: "$log"
	ratios "$cpu" "$wall"
fi
$mask "$log" > "$dir/log.masked"	# the embedded store learns them
speed "awsmask, embedded store" "$bytes" $mask "$log"
ratios "$cpu" "$wall"
speed "awsmask --check" "$bytes" sh -c "$mask --check -q '$log' || true"
ratios "$cpu" "$wall"

#
# JSON.
#
ndbytes=$(wc -c < "$nd")
echo
echo "JSON: CloudTrail NDJSON, $MB MB, read as JSON and as text:"
speed "awsmask --format ndjson" "$ndbytes" \
    $mask --store memory: --format ndjson "$nd"
json_cpu=$cpu json_wall=$wall
speed "awsmask --format text" "$ndbytes" $mask --store memory: --format text "$nd"
printf '   '
ratio "text mode (JSON mode's speed against text mode's)" "$json_cpu" \
    "$json_wall" "$cpu" "$wall"
echo

#
# Unmasking.
#
mbytes=$(wc -c < "$dir/log.masked")
tre='\b[A-Z][A-Z0-9_]*_[0-9]{3,20}\b'
echo
echo "unmasking the masked log ($mbytes bytes), finding its tokens:"
yardsticks "$dir/log.masked" "$tre" "$mbytes"
speed "awsunmask --store memory: (finds only)" "$mbytes" \
    $unmask --store memory: "$dir/log.masked"
ratios "$cpu" "$wall"
if [ -n "${BENCH_BASE:-}" ]; then
	speed "base: awsunmask --store memory:" "$mbytes" \
	    "$BENCH_BASE/awsunmask" --store memory: "$dir/log.masked"
	ratios "$cpu" "$wall"
fi
speed "awsunmask, embedded store" "$mbytes" $unmask "$dir/log.masked"
ratios "$cpu" "$wall"

#
# Memory.
#
rss() {
	label=$1
	shift
	/usr/bin/time -f "%M" -o "$dir/time" "$@" > /dev/null 2>&1 || true
	printf "  %-56s %6d KB\n" "$label" "$(cat "$dir/time")"
}
echo
echo "peak RSS:"
rss "awsmask, embedded store, the bench log" $mask "$log"
rss "awsmask, one line of $(($(wc -c < "$line") / 1048576)) MB" \
    $mask --store memory: "$line"
rss "awsmask, one JSON string of $MB MB" $mask --store memory: "$one"
rss "awsmask, CloudTrail document of $MB MB" $mask --store memory: "$ct"
rss "awsunmask, the masked log" $unmask "$dir/log.masked"

#
# Stores: new identifiers.
#
# ids_rate LABEL N RESET CMD...: CMD makes N new mappings in an empty
# store, RESET (a shell command) empties it first: best of RUNS runs.
# With Redis, rcpu gets the least CPU its server took for a run.
redis_cpu() {
	awk '{ print $14 + $15 }' "/proc/${REDIS_TEST_PID:-0}/stat" 2>/dev/null ||
	    echo 0
}
ids_rate() {
	label=$1 n=$2 reset=$3
	shift 3
	best_wall= best_cpu= rcpu=
	runs=$RUNS k=0
	RUNS=1
	while [ "$k" -lt "$runs" ]; do
		eval "$reset"
		c0=$(redis_cpu)
		measure "$@"
		c1=$(redis_cpu)
		c=$((c1 - c0))
		if [ -z "$rcpu" ] || [ "$c" -lt "$rcpu" ]; then rcpu=$c; fi
		if [ -z "$best_wall" ] || awk -v a="$wall" -v b="$best_wall" 'BEGIN { exit !(a < b) }'
		then best_wall=$wall; fi
		if [ -z "$best_cpu" ] || awk -v a="$cpu" -v b="$best_cpu" 'BEGIN { exit !(a < b) }'
		then best_cpu=$cpu; fi
		k=$((k + 1))
	done
	RUNS=$runs
	wall=$best_wall cpu=$best_cpu
	rate=$(awk -v n="$n" -v w="$wall" 'BEGIN { if (w <= 0) w = 0.01; printf "%.0f", n / w }')
	# Per second of its own CPU too: on a loaded machine the wall
	# clock also counts the waits for a core (with Redis, the server's
	# work is in the wall time only).
	awk -v l="$label" -v r="$rate" -v n="$n" -v w="$wall" -v c="$cpu" \
	    'BEGIN { if (c <= 0) c = 0.01; printf "  %-40s %8.0f ids/s  (%.2f s; %.0f ids a CPU second)\n", l, r, w, n / c }'
}
# The identifiers of the file: a line is one, but a role ARN holds two
# (its account and its role name), so a run makes more mappings than
# the file has lines.  They are counted from what awsmask reports.
$mask --store memory: --report "$dir/ids.report" "$ids" > /dev/null
nids=$(python3 bench/gen.py mappings "$ids" "$dir/ids.report")
echo
echo "new identifiers ($nids, on $NEW lines), best of $RUNS runs, each into an empty store:"
ids_rate "awsmask, embedded store" "$nids" 'rm -rf "$state"' $mask "$ids"
ids_rate "awsmask --store memory:" "$nids" : $mask --store memory: "$ids"
if have redis-server && [ -f lib/store_redis.c ]; then
	. tests/integration/redis.sh
	redis_start
	trap redis_stop EXIT
	url=redis://127.0.0.1:$REDIS_TEST_PORT/0
	ids_rate "awsmask, local redis" "$nids" \
	    'rm -rf "$state"; redis-cli -p "$REDIS_TEST_PORT" flushdb > /dev/null' \
	    $mask --store "$url" "$ids"
	ids_redis=$rate
	awk -v c="$rcpu" 'BEGIN { printf "   (Redis CPU %.2f s)\n", c / 100 }'
	# Redis's own pipelined SET and GET, same server, same run.
	redis-benchmark -p "$REDIS_TEST_PORT" -t set,get -n 1000000 -P 64 -q \
	    2>/dev/null | tr '\r' '\n' |
	    sed -n 's/^\(SET\|GET\): \([0-9.]*\) requests per second.*/\1 \2/p' \
	    > "$dir/redis-bench"
	awk -v r="$ids_redis" '{ printf "  %-40s %8.0f ops/s\n",
	    "yardstick: redis-benchmark -P 64 " $1, $2;
	    if ($1 == "SET") printf "   %.3fx redis-benchmark SET (new ids into one Redis)\n", r / $2 }' \
	    "$dir/redis-bench"
	# The machine's speed drifts between runs (it is shared), and a
	# best of three against one yardstick run compares two moments.
	# So: BENCH_RATIO_RUNS (5) turns, each redis-benchmark's SET then awsmask
	# into an empty database at once, and each turn's ratio; their
	# median, and the least and most.
	t=0
	: > "$dir/turns"
	while [ "$t" -lt "${BENCH_RATIO_RUNS:-5}" ]; do
		y=$(redis-benchmark -p "$REDIS_TEST_PORT" -t set -n 1000000 \
		    -P 64 -q 2>/dev/null | tr '\r' '\n' |
		    sed -n 's/^SET: \([0-9.]*\) requests per second.*/\1/p' |
		    tail -n 1)
		rm -rf "$state"
		redis-cli -p "$REDIS_TEST_PORT" flushdb > /dev/null
		RUNS=1 measure $mask --store "$url" "$ids"
		awk -v n="$nids" -v w="$wall" -v y="${y:-0}" 'BEGIN {
		    if (w <= 0) w = 0.01; if (y <= 0) y = 1;
		    printf "%.4f %.0f %.0f\n", n / w / y, n / w, y }' >> "$dir/turns"
		t=$((t + 1))
	done
	sort -n "$dir/turns" | awk '{ r[NR] = $1; a[NR] = $2; y[NR] = $3 }
	    END { m = int((NR + 1) / 2);
	    printf "  %-40s %8.0f ids/s against %.0f SET/s\n",
	        "turns, the median", a[m], y[m];
	    printf "   %.3fx redis-benchmark SET, median of %d turns (%.3fx-%.3fx)\n",
	        r[m], NR, r[1], r[NR] }'
	rm -f "$dir/turns"
	# redis-benchmark's SET writes one key over and over.  What Redis
	# itself needs for new identifiers: the two writes awsmask makes
	# for each (SET unmask: NX EX, SET mask: NX EX) of the same
	# mappings, pipelined by redis-cli --pipe into an empty database,
	# with Redis's CPU seconds for them.
	python3 bench/gen.py set-pairs "$ids" "$dir/ids.report" aws: 604800 \
	    > "$dir/pairs.resp"
	redis-cli -p "$REDIS_TEST_PORT" -n 4 flushdb > /dev/null
	c0=$(redis_cpu)
	t0=$(date +%s.%N)
	redis-cli -p "$REDIS_TEST_PORT" -n 4 --pipe < "$dir/pairs.resp" > /dev/null
	t1=$(date +%s.%N)
	c1=$(redis_cpu)
	redis-cli -p "$REDIS_TEST_PORT" -n 4 flushdb > /dev/null
	awk -v n="$nids" -v a="$t0" -v b="$t1" -v c="$((c1 - c0))" \
	    -v r="$ids_redis" 'BEGIN { w = b - a; if (w <= 0) w = 0.01;
	    printf "  %-40s %8.0f ids/s  (%.2f s; Redis CPU %.2f s)\n",
	    "yardstick: the same SET pairs, --pipe", n / w, w, c / 100;
	    printf "   %.3fx the SET pairs through redis-cli --pipe\n", r / (n / w) }'
	rm -f "$dir/pairs.resp" "$dir/ids.report"
	speed "awsmask, local redis, known (log)" "$bytes" \
	    $mask --store "$url" "$log"
fi

now() { date +%s.%N; }

# --- The stores: known identifiers ------------------------------------
cat_mbs=$( { t0=$(now); cat "$log" | wc -c >/dev/null;
    cat "$log" | wc -c >/dev/null; cat "$log" | wc -c >/dev/null; t1=$(now);
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
