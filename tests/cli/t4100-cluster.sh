#!/bin/sh
# The Redis Cluster store, on a private cluster of 3 masters and 3
# replicas on loopback, started once for the whole file: the round trip
# with keys spread over the masters, URIs, 16 concurrent maskers ending
# in a bijection read back from every master, durability (WAIT; a replica
# that does not answer stops the run, durable=0 does not wait), a
# resharding in progress (MIGRATING/IMPORTING, keys moved by MIGRATE, so
# that commands are answered ASK) while maskers run, stats and cleanup
# across the masters, the password on every node, a master killed
# mid-stream (the run completes after the failover or stops fail-secure)
# and, after all that, every token ever printed still unmasks.

. "$(dirname "$0")/lib.sh"
. "$AWSMASK_TEST_ROOT/tests/integration/redis.sh"
. "$AWSMASK_TEST_ROOT/tests/integration/cluster.sh"

if ! test_have redis-server || ! test_have redis-cli; then
	test_skip 'Redis Cluster store' 'redis-server is not installed'
	test_done
fi
if ! ldd "$(command -v awsmask)" 2>/dev/null | grep -q hiredis; then
	test_skip 'Redis Cluster store' 'awsmask was built without hiredis'
	test_done
fi
# redis-cli --cluster and a server that knows cluster-enabled (Redis 5
# and later) make the cluster.
major=$(redis-server --version 2>/dev/null |
    sed -n 's/.* v=\([0-9]*\)\..*/\1/p')
if [ "${major:-0}" -lt 5 ] ||
    ! redis-cli --cluster help 2>&1 | grep -q create; then
	test_skip 'Redis Cluster store' 'redis-server or redis-cli has no cluster support'
	test_done
fi

trap 'cluster_stop; cd / && chmod -R u+rwx "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
cluster_start || exit 1
# Every node a seed: any one that answers will do.
URL=redis-cluster://$(echo "$CLUSTER_PORTS" | sed 's/\([0-9]*\)/127.0.0.1:\1/g; s/ /,/g')
PRINTED=$WORK/printed		# "input output namespace" of every run
ID1=i-0abc12de34f567890
ID2=i-0fedcba9876543210

ids() {
	awk -v n="$1" -v s="${2:-0}" 'BEGIN {
		for (i = 0; i < n; i++) printf "i-%017x\n", s * 100000 + i }'
}

# A stream of ids, N lines, with a pause of D seconds every 50.
slow_ids() {
	awk -v n="$1" -v s="$2" -v d="$3" 'BEGIN {
		for (i = 0; i < n; i++) {
			printf "i-%017x 10.%d.%d.9\n", s * 100000 + i, s, i % 200
			if (i % 50 == 49) { fflush(); system("sleep " d) }
		} }'
}

json() {
	python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
v = eval(sys.argv[2])
print(json.dumps(v) if isinstance(v, (dict, list, bool)) or v is None else v)' "$1" "$2"
}

# The ports of the masters serving slots, one a line.
masters() {
	cluster_cli -p "$(cluster_live_ports | head -n 1)" cluster nodes |
	    awk '$3 ~ /master/ && $3 !~ /fail/ && NF >= 9 {
		split($2, hp, "[:@]"); print hp[2] }'
}

# redis-cli following redirections; commands on stdin, one reply a line.
ccli() {
	redis-cli -c -h 127.0.0.1 -p "$(cluster_live_ports | head -n 1)" "$@" |
	    grep -v '^-> Redirected'
}

node_id() {
	cluster_cli -p "$1" cluster myid
}

# A live replica of the master on port $1.
replica_of() {
	_id=$(node_id "$1")
	cluster_cli -p "$1" cluster nodes | awk -v id="$_id" '
	    $3 ~ /slave/ && $3 !~ /fail/ && $4 == id {
		split($2, hp, "[:@]"); print hp[2]; exit }'
}

pid_of() {
	awk -v p="$1" '$2 == p { print $1 }' "$CLUSTER_DIR/pids"
}

# Keys matching a pattern on every master.
keys_all() {
	for _m in $(masters); do
		cluster_cli -p "$_m" --scan --pattern "$1"
	done
}

# bijection NS: read back from every master, each mask: key's token has
# an unmask: key naming it back and the reverse; no token twice.
bijection() {
	keys_all "$1mask:*" | sort >mkeys &&
	keys_all "$1unmask:*" | sort >ukeys &&
	test -s mkeys &&
	test "$(wc -l <mkeys)" = "$(wc -l <ukeys)" &&
	sed "s/^$1mask://" mkeys >origs &&
	sed "s/^/GET /" mkeys | ccli >toks &&
	sed "s/^/GET $1unmask:/" toks | ccli >backs &&
	test_cmp origs backs &&
	sort toks | uniq -d >dups &&
	test_must_be_empty dups &&
	sed "s/^$1unmask://" ukeys | sort >utoks &&
	sort toks | test_cmp utoks -
}

# printed IN OUT NAMESPACE: remember a run's input and output, to unmask
# it once more at the end.
printed() {
	cp "$1" "$PRINTED.$(basename "$T")-$1.$3.in" &&
	cp "$2" "$PRINTED.$(basename "$T")-$1.$3.out"
}

wait_calls() {
	_n=0
	for _m in $(masters); do
		_c=$(cluster_cli -p "$_m" info commandstats |
		    sed -n 's/^cmdstat_wait:calls=\([0-9]*\),.*/\1/p')
		_n=$((_n + ${_c:-0}))
	done
	echo "$_n"
}

test_expect_success 'round trip through the cluster, keys spread over the masters' '
	printf "%s %s arn:aws:iam::123456789012:role/Admin 10.1.2.3\n" $ID1 $ID2 >in &&
	test_must_exit 0 awsmask -s "$URL" <in >out 2>err &&
	test_must_be_empty err &&
	echo "EC2_001 EC2_002 arn:aws:iam::ACCOUNT_001:role/IAM_ROLE_001 PRIVATE_IP_001" >expect &&
	test_cmp expect out &&
	test_must_exit 0 awsunmask -s "$URL" <out >back 2>err &&
	test_cmp in back &&
	printed in out aws: &&
	test "$(echo "GET aws:mask:$ID1" | ccli)" = EC2_001 &&
	test "$(echo "GET aws:unmask:EC2_002" | ccli)" = $ID2 &&
	test "$(echo "GET aws:counter:EC2" | ccli)" = 2 &&
	test "$(echo "TTL aws:counter:EC2" | ccli)" = -1 &&
	n=0 && for m in $(masters); do
		k=$(cluster_cli -p $m --scan --pattern "aws:*mask:*" | wc -l)
		if [ "$k" -gt 0 ]; then n=$((n + 1)); fi
	done &&
	test $n -ge 2 &&
	test "$(keys_all "aws:mask:*" | wc -l)" = 5 &&
	bijection aws:
'

test_expect_success 'AWSMASK_STORE, the config file and --store-status take the URI' '
	echo $ID1 >in &&
	test_must_exit 0 env AWSMASK_STORE="$URL" awsmask <in >out &&
	echo EC2_001 >expect && test_cmp expect out &&
	mkdir -p "$XDG_CONFIG_HOME/awsmask" &&
	echo "store = $URL/?durable=1&wait_timeout=500" >"$XDG_CONFIG_HOME/awsmask/config" &&
	chmod 600 "$XDG_CONFIG_HOME/awsmask/config" &&
	test_must_exit 0 awsunmask <out >back && test_cmp in back &&
	test_must_exit 0 awsmask --store-status >st &&
	test_grep "^status: reachable$" st &&
	test_path_is_missing "$(store_db)"
'

test_expect_success 'bad cluster URIs are configuration errors, the password never shown' '
	for u in "redis-cluster:127.0.0.1:1" "redis-cluster://" \
	    "redis-cluster://127.0.0.1:1/3" "redis-cluster://h:1,,h:2" \
	    "redis-cluster://127.0.0.1:99999" "redis-cluster://u:pw-s3cret@h:1/?nope=1" \
	    "redis-cluster://h:1/?durable=2" "redis-cluster://h:1/?wait_timeout=x"; do
		test_must_exit 78 awsmask -s "$u" </dev/null >out 2>err &&
		test_must_be_empty out &&
		test_grep "bad store URI" err &&
		test_grep ! pw-s3cret err || return 1
	done
'

test_expect_success 'nothing answers: exit 69 at once, the breaker, REDIS_FALLBACK' '
	echo $ID1 >in &&
	test_must_exit 69 awsmask -s redis-cluster://127.0.0.1:1,127.0.0.1:2 <in >out 2>err &&
	test_must_be_empty out &&
	test_grep "no node of the cluster answers" err &&
	test_must_exit 69 awsmask -s redis-cluster://127.0.0.1:1,127.0.0.1:2 <in >out 2>err &&
	test_grep "not retried for" err &&
	test_must_exit 0 env REDIS_FALLBACK=1 awsmask -s redis-cluster://127.0.0.1:3 <in >out 2>err &&
	echo EC2_001 >expect && test_cmp expect out &&
	test_grep "falling back" err
'

test_expect_success 'a single Redis is not a cluster' '
	redis_start &&
	echo $ID1 >in &&
	test_must_exit 69 awsmask -s redis-cluster://127.0.0.1:$REDIS_TEST_PORT <in >out 2>err;
	rc=$?; redis_stop; test $rc = 0 &&
	test_must_be_empty out &&
	test_grep "not a cluster node" err
'

test_expect_success '16 concurrent maskers end with a bijection on every master' '
	awk "BEGIN { for (i = 0; i < 3000; i++) printf \"i-0%016x 10.%d.%d.%d\n\", i, i % 200, int(i / 200), i % 7 }" >all &&
	pids= &&
	i=0 && while [ $i -lt 16 ]; do
		awk -v s=$i "NR % 16 >= s % 5 && NR % 16 <= s % 5 + 9" all >in$i &&
		(
			rc=0
			awsmask -s "$URL" --namespace c16: <in$i >out$i 2>err$i || rc=$?
			echo $rc >rc$i
		) &
		pids="$pids $!" &&
		i=$((i + 1))
	done &&
	wait $pids &&
	i=0 && while [ $i -lt 16 ]; do
		test "$(cat rc$i)" = 0 &&
		test_must_exit 0 awsunmask -s "$URL" --namespace c16: <out$i >back$i &&
		test_cmp in$i back$i &&
		printed in$i out$i c16: || return 1
		i=$((i + 1))
	done &&
	bijection c16: &&
	test "$(wc -l <mkeys)" = "$(cat in* | tr " " "\n" | sort -u | wc -l)" &&
	for m in $(masters); do
		test "$(cluster_cli -p $m --scan --pattern "c16:mask:*" | wc -l)" -gt 100 || return 1
	done
'

test_expect_success 'a batch is one round trip a step, not one per identifier' '
	ids 2000 1 >in &&
	for m in $(masters); do cluster_cli -p $m config resetstat >/dev/null; done &&
	test_must_exit 0 awsmask -v -s "$URL" --namespace rt: <in >out 2>err &&
	test_grep "; 1 store batch;" err &&
	calls=0 && for m in $(masters); do
		c=$(cluster_cli -p $m info commandstats |
		    sed -n "s/.*calls=\([0-9]*\),.*/\1/p" | awk "{ s += \$1 } END { print s }")
		calls=$((calls + c))
	done &&
	test "$calls" -le $((2000 * 4 + 60)) &&
	printed in out rt:
'

test_expect_success 'durable: new mappings wait for a replica; durable=0 does not' '
	for m in $(masters); do cluster_cli -p $m config resetstat >/dev/null; done &&
	ids 50 2 >in &&
	test_must_exit 0 awsmask -s "$URL" --namespace du: <in >out &&
	w1=$(wait_calls) && test "$w1" -ge 1 &&
	ids 50 3 >in2 &&
	test_must_exit 0 awsmask -s "$URL/?durable=0" --namespace du: <in2 >out2 &&
	test "$(wait_calls)" = "$w1" &&
	test_must_exit 0 env REDIS_DURABLE=0 awsmask -s "$URL" --namespace du: <in2 >out3 &&
	test "$(wait_calls)" = "$w1" &&
	test_cmp out2 out3 &&
	printed in out du: && printed in2 out2 du:
'

test_expect_success 'a replica that does not acknowledge stops the run: exit 69, nothing printed' '
	m=$(cluster_master_of dw:counter:EC2) &&
	rp=$(replica_of $m) && test -n "$rp" &&
	pid=$(pid_of $rp) &&
	ids 20 4 >in &&
	kill -STOP $pid &&
	rc=0 && awsmask -s "$URL/?wait_timeout=300" --namespace dw: <in >out 2>err || rc=$?;
	rc0=0 && awsmask -s "$URL/?durable=0" --namespace dw0: <in >out0 2>err0 || rc0=$?;
	kill -CONT $pid &&
	test $rc = 69 && test $rc0 = 0 &&
	test_must_be_empty out &&
	test_grep "no replica of 127.0.0.1:$m acknowledged the new mappings within 300 ms" err &&
	test_path_is_missing "$XDG_STATE_HOME/awsmask/breaker-"* &&
	test_line_count = 20 out0 &&
	cluster_wait_ok &&
	printed in out0 dw0:
'

test_expect_success 'a resharding in progress: ASK is followed while maskers run' '
	key=rs:counter:EC2 &&
	p=$(cluster_live_ports | head -n 1) &&
	S=$(cluster_cli -p $p cluster keyslot $key) &&
	src=$(cluster_master_of $key) &&
	dst=$(masters | grep -v "^$src\$" | head -n 1) &&
	srcid=$(node_id $src) && dstid=$(node_id $dst) &&
	ids 30 9 | awsmask -s "$URL" --namespace rs: >/dev/null &&
	test "$(cluster_cli -p $src cluster countkeysinslot $S)" -ge 1 &&
	cluster_cli -p $dst config resetstat >/dev/null &&
	test "$(cluster_cli -p $dst cluster setslot $S importing $srcid)" = OK &&
	test "$(cluster_cli -p $src cluster setslot $S migrating $dstid)" = OK &&
	pids= &&
	for i in 1 2 3 4; do
		slow_ids 400 $((10 + i)) 0.05 >in$i &&
		(
			rc=0
			slow_ids 400 $((10 + i)) 0.05 |
			    awsmask --line-buffered -s "$URL" --namespace rs: >out$i 2>err$i || rc=$?
			echo $rc >rc$i
		) &
		pids="$pids $!"
	done &&
	sleep 0.3 &&
	moved=0 && r=0 && while [ $r -lt 8 ]; do
		k=$(cluster_cli -p $src cluster getkeysinslot $S 100) &&
		if [ -n "$k" ]; then
			cluster_cli -p $src migrate 127.0.0.1 $dst "" 0 5000 KEYS $k >/dev/null &&
			moved=$((moved + 1))
		fi &&
		sleep 0.1 && r=$((r + 1)) || return 1
	done &&
	wait $pids &&
	k=$(cluster_cli -p $src cluster getkeysinslot $S 1000) &&
	if [ -n "$k" ]; then
		cluster_cli -p $src migrate 127.0.0.1 $dst "" 0 5000 KEYS $k >/dev/null
	fi &&
	for m in $(masters); do
		cluster_cli -p $m cluster setslot $S node $dstid >/dev/null || return 1
	done &&
	test $moved -ge 1 &&
	asks=$(cluster_cli -p $dst info commandstats |
	    sed -n "s/^cmdstat_asking:calls=\([0-9]*\),.*/\1/p") &&
	test "${asks:-0}" -gt 0 &&
	for i in 1 2 3 4; do
		test "$(cat rc$i)" = 0 &&
		test_must_be_empty err$i &&
		test_must_exit 0 awsunmask -s "$URL" --namespace rs: <out$i >back$i &&
		test_cmp in$i back$i &&
		printed in$i out$i rs: || return 1
	done &&
	test "$(cluster_master_of $key)" = $dst &&
	test "$(echo "GET $key" | ccli)" -ge 1630 &&
	bijection rs:
'

test_expect_success 'stats sum every master' '
	ids 40 20 >in && echo "10.0.0.1 arn:aws:iam::123456789012:role/Admin" >>in &&
	test_must_exit 0 awsmask -s "$URL" --namespace st: in >out &&
	printed in out st: &&
	test_must_exit 0 awsmask-stats -s "$URL" --namespace st: --json >st 2>err &&
	test_must_be_empty err &&
	test "$(json st "j[\"store\"][\"backend\"]")" = redis-cluster &&
	test "$(json st "j[\"store\"][\"up\"]")" = true &&
	test "$(json st "j[\"mappings\"]")" = 43 &&
	test "$(json st "j[\"kinds\"]")" = "{\"ACCOUNT\": 1, \"EC2\": 40, \"IAM_ROLE\": 1, \"PRIVATE_IP\": 1}" &&
	test "$(json st "j[\"total_created\"]")" = 43 &&
	test "$(json st "j[\"orphans\"]")" = 0 &&
	test "$(json st "j[\"store\"][\"maxmemory_policy\"]")" = noeviction &&
	mem=0 && for m in $(masters); do
		u=$(cluster_cli -p $m info memory | sed -n "s/^used_memory:\([0-9]*\).*/\1/p")
		mem=$((mem + u))
	done &&
	used=$(json st "j[\"store\"][\"used_memory\"]") &&
	test $used -gt $((mem / 2)) && test $used -lt $((mem * 2)) &&
	test_must_exit 0 awsmask-stats -s "$URL" --namespace st: --prometheus >prom &&
	test_grep "^awsmask_store_up 1$" prom
'

test_expect_success 'an evicting master is refused and warned about' '
	m=$(masters | tail -n 1) &&
	cluster_cli -p $m config set maxmemory 1gb >/dev/null &&
	cluster_cli -p $m config set maxmemory-policy allkeys-lru >/dev/null &&
	echo $ID1 >in &&
	test_must_exit 78 awsmask -s "$URL" --namespace ev: <in >out 2>err;
	rc=$?;
	test_must_exit 0 awsmask-stats -s "$URL" --namespace ev: --json >st 2>err2;
	rc2=$?;
	cluster_cli -p $m config set maxmemory-policy noeviction >/dev/null;
	cluster_cli -p $m config set maxmemory 0 >/dev/null;
	test $rc = 0 && test $rc2 = 0 &&
	test_must_be_empty out &&
	test_grep "maxmemory-policy is allkeys-lru" err &&
	test "$(json st "j[\"store\"][\"eviction_risk\"]")" = true
'

TTL_MS=$((604800 * 1000))
# age KEY...: make the keys look last renewed $AGE seconds ago.
age() {
	for _k; do
		echo "PEXPIRE $_k $((TTL_MS - AGE * 1000))"
	done | ccli >/dev/null
}

test_expect_success 'cleanup across the masters: orphans, eviction, the lock' '
	ids 20 30 >in && test_must_exit 0 awsmask -s "$URL" --namespace cl: in >out &&
	echo "DEL cl:unmask:EC2_001" | ccli >/dev/null &&
	echo "DEL cl:mask:$(sed -n 2p in)" | ccli >/dev/null &&
	test_must_exit 0 awsmask-stats -s "$URL" --namespace cl: --json >st &&
	test "$(json st "j[\"orphans\"]")" = 2 &&
	test "$(json st "j[\"mappings\"]")" = 18 &&
	test_must_exit 0 awsmask-cleanup -s "$URL" --namespace cl: --json >res &&
	test "$(json res "j[\"orphans_young\"]")" = 2 &&
	AGE=3600 age "cl:mask:$(sed -n 1p in)" cl:unmask:EC2_002 &&
	test_must_exit 0 awsmask-cleanup -s "$URL" --namespace cl: --json >res &&
	test "$(json res "j[\"orphans\"]")" = 2 &&
	test "$(json res "j[\"kept\"]")" = 18 &&
	i=3 && while [ $i -le 20 ]; do
		AGE=$((100000 - i * 1000)) age "cl:mask:$(sed -n ${i}p in)" \
		    "cl:unmask:$(sed -n ${i}p out)" || return 1
		i=$((i + 1))
	done &&
	echo "SET cl:lock:cleanup other:1:ab PX 60000" | ccli >/dev/null &&
	test_must_exit 0 awsmask-cleanup -v -s "$URL" --namespace cl: --max-entries 5 2>e &&
	test_grep "another cleanup holds the lock" e &&
	echo "PEXPIRE cl:lock:cleanup 500" | ccli >/dev/null &&
	test_must_exit 0 awsmask-cleanup --wait -s "$URL" --namespace cl: --json --max-entries 5 >res &&
	test "$(json res "j[\"evicted\"]")" = 13 &&
	test "$(json res "j[\"kept\"]")" = 5 &&
	test "$(echo "EXISTS cl:lock:cleanup" | ccli)" = 0 &&
	keys_all "cl:unmask:*" | sort >left &&
	printf "cl:unmask:EC2_%03d\n" 16 17 18 19 20 >expect &&
	test_cmp expect left &&
	tail -n 5 in >in5 && tail -n 5 out >out5 &&
	test_must_exit 0 awsunmask -s "$URL" --namespace cl: out5 >back && test_cmp in5 back &&
	printed in5 out5 cl: &&
	test "$(echo "GET cl:counter:EC2" | ccli)" = 20 &&
	bijection cl:
'

test_expect_success 'a password on every node: REDIS_PASSWORD works, a wrong one is 69' '
	for p in $(cluster_live_ports); do
		cluster_cli -p $p config set masterauth cl-s3cret >/dev/null &&
		cluster_cli -p $p config set requirepass cl-s3cret >/dev/null || return 1
	done &&
	echo $ID1 >in &&
	rc1=0 && env REDIS_PASSWORD=cl-s3cret awsmask -s "$URL" --namespace pw: <in >out 2>err || rc1=$?;
	rc2=0 && env REDIS_PASSWORD=wrong-pw awsmask -s "$URL" --namespace pw2: <in >out2 2>err2 || rc2=$?;
	for p in $(cluster_live_ports); do
		cluster_cli -p $p -a cl-s3cret --no-auth-warning config set requirepass "" >/dev/null
		cluster_cli -p $p config set masterauth "" >/dev/null
	done;
	test $rc1 = 0 && test $rc2 = 69 &&
	echo EC2_001 >expect && test_cmp expect out &&
	test_must_be_empty out2 &&
	test_grep "authentication failed" err2 &&
	test_grep ! wrong-pw err2 &&
	printed in out pw:
'

test_expect_success 'a master killed mid-stream: completed after failover or stopped fail-secure' '
	victim=$(cluster_master_of ko:counter:EC2) &&
	pids= &&
	for i in 1 2 3 4; do
		slow_ids 600 $((40 + i)) 0.15 >in$i &&
		(
			rc=0
			slow_ids 600 $((40 + i)) 0.15 |
			    awsmask --line-buffered -s "$URL" --namespace ko: >out$i 2>err$i || rc=$?
			echo $rc >rc$i
		) &
		pids="$pids $!"
	done &&
	sleep 0.8 &&
	cluster_kill $victim &&
	wait $pids &&
	CLUSTER_WANT_REPLICAS=2 cluster_wait_ok &&
	test "$(masters | grep -c "^$victim\$")" = 0 &&
	completed=0 &&
	for i in 1 2 3 4; do
		rc=$(cat rc$i) &&
		case $rc in
		0)	completed=$((completed + 1)) &&
			test_must_exit 0 awsunmask --strict -s "$URL" --namespace ko: <out$i >out$i.back &&
			test_cmp in$i out$i.back ;;
		69)	cut -d" " -f1 in$i >orig$i &&
			test_no_leak orig$i out$i &&
			test_grep "redis store" err$i &&
			n=$(wc -l <out$i) &&
			head -n $n in$i >part$i &&
			test_must_exit 0 awsunmask --strict -s "$URL" --namespace ko: <out$i >out$i.back &&
			test_cmp part$i out$i.back ;;
		*)	echo "run $i: exit $rc" >&4; cat err$i >&4; false ;;
		esac &&
		printed in$i out$i ko: || return 1
	done &&
	echo "completed $completed of 4" >&4 &&
	bijection ko:
'

test_expect_success 'after the failover, every token ever printed still unmasks' '
	n=0 &&
	for f in "$PRINTED".*.out; do
		base=${f%.out} && ns=${base##*.} &&
		test_must_exit 0 awsunmask --strict -s "$URL" --namespace "$ns" <"$f" >back &&
		if [ "$ns" = ko: ]; then
			head -n "$(wc -l <"$f")" "$base.in" >want
		else
			cp "$base.in" want
		fi &&
		test_cmp want back &&
		n=$((n + 1)) || return 1
	done &&
	test $n -ge 30 &&
	test_must_exit 0 awsmask-stats -s "$URL" --json >st &&
	test "$(json st "j[\"store\"][\"up\"]")" = true
'

test_done
