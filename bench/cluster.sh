#!/bin/sh
# bench/cluster.sh - one Redis next to a local Redis Cluster (3 masters,
# 3 replicas, on loopback): new identifiers a second (the file of
# BENCH_NEW lines, every identifier in it a new mapping: a role ARN holds
# two, so they outnumber the lines) and known identifiers a second (the file
# again: every one a hit), with durable=1 (WAIT for a replica before the
# tokens are used: the default) and durable=0.  Run by `make bench`
# (bench/run.sh), or alone: sh bench/cluster.sh.  Each figure is the
# best of BENCH_REPEAT (3) runs, each into a new namespace.
set -eu
cd "$(dirname "$0")/.."
NEW=${BENCH_NEW:-200000}
REPEAT=${BENCH_REPEAT:-3}
dir=bench/tmp
mkdir -p "$dir"
ids=$dir/ids-$NEW.txt
[ -s "$ids" ] || python3 bench/gen.py ids "$NEW" > "$ids"
mask=cmd/awsmask
# The identifiers of the file, counted from what awsmask reports.
$mask --store memory: --report "$dir/ids-cluster.report" "$ids" > /dev/null
nids=$(python3 bench/gen.py mappings "$ids" "$dir/ids-cluster.report")
rm -f "$dir/ids-cluster.report"
rm -rf "$dir/state-cluster"
unset AWSMASK_STORE REDIS_HOST USE_REDIS REDIS_DURABLE 2>/dev/null || true

if ! command -v redis-server >/dev/null 2>&1 ||
    ! redis-cli --cluster help 2>&1 | grep -q create; then
	echo "cluster: redis-server or redis-cli --cluster missing, skipped"
	exit 0
fi
. tests/integration/redis.sh
. tests/integration/cluster.sh
stop() {
	redis_stop
	cluster_stop
}
trap stop EXIT
redis_start
cluster_start
single=redis://127.0.0.1:$REDIS_TEST_PORT/0
clu=redis-cluster://$(echo "$CLUSTER_PORTS" | sed 's/\([0-9]*\)/127.0.0.1:\1/g; s/ /,/g')

now() { date +%s.%N; }
k=0
# best URL: the best new and known rates of REPEAT runs, each in a new
# namespace; prints "new known".
best() {
	_r=0 _bn=0 _bk=0
	while [ $_r -lt "$REPEAT" ]; do
		k=$((k + 1))
		# A new namespace is a new store to the state folder too.
		export XDG_STATE_HOME="$PWD/$dir/state-cluster/$k"
		t0=$(now)
		$mask --store "$1" --namespace "b$k:" "$ids" > /dev/null
		t1=$(now)
		$mask --store "$1" --namespace "b$k:" "$ids" > /dev/null
		t2=$(now)
		_bn=$(awk -v n="$nids" -v a="$t0" -v b="$t1" -v m="$_bn" \
		    'BEGIN { x = n / (b - a); printf "%.0f", (x > m ? x : m) }')
		_bk=$(awk -v n="$nids" -v a="$t1" -v b="$t2" -v m="$_bk" \
		    'BEGIN { x = n / (b - a); printf "%.0f", (x > m ? x : m) }')
		_r=$((_r + 1))
	done
	echo "$_bn $_bk"
}

# Yardstick: redis-benchmark's SET, pipelined, on the same servers.
rb() {
	redis-benchmark "$@" -t set -n 1000000 -P 64 -q 2>/dev/null |
	    tr '\r' '\n' | sed -n 's/^SET: \([0-9.]*\) requests per second.*/\1/p' |
	    tail -n 1
}
rb1=$(rb -p "$REDIS_TEST_PORT")
rbc=$(rb --cluster -p "${CLUSTER_PORTS%% *}")

echo
echo "Redis Cluster, 3 masters + 3 replicas on loopback, against one Redis ($nids identifiers on $NEW lines, best of $REPEAT)"
printf '%-44s %10.0f SET/s\n' "yardstick: redis-benchmark -P 64, one redis" "${rb1:-0}"
printf '%-44s %10.0f SET/s\n' "yardstick: the same, --cluster" "${rbc:-0}"
printf '%-44s %10s %12s\n' "" "new ids/s" "known ids/s"
for row in "one redis|$single" "cluster, durable=1 (WAIT)|$clu" \
    "cluster, durable=0|$clu/?durable=0"; do
	label=${row%%|*} url=${row#*|}
	set -- $(best "$url")
	printf '%-44s %10s %12s\n' "$label" "$1" "$2"
done
