#!/bin/sh
# awsmask-stats and awsmask-cleanup on a real redis-server: counts equal
# to what was masked, the server's figures, the eviction warning,
# orphans found and removed (once old enough), --dry-run, --max-entries
# keeping the most recently used, the lock (held, --wait, released),
# concurrent cleanups and cleanups racing awsmask ending in a bijection,
# counters that survive, and a store that is down.

. "$(dirname "$0")/lib.sh"
. "$AWSMASK_TEST_ROOT/tests/integration/redis.sh"

if ! test_have redis-server || ! test_have redis-cli; then
	test_skip 'stats and cleanup on Redis' 'redis-server is not installed'
	test_done
fi
if ! ldd "$(command -v awsmask)" 2>/dev/null | grep -q hiredis; then
	test_skip 'stats and cleanup on Redis' 'built without hiredis'
	test_done
fi

REDIS_TEST_PIDS=$WORK/redis.pids
export REDIS_TEST_PIDS
trap 'redis_stop_all; cd / && chmod -R u+rwx "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
redis_start || exit 1
URL=redis://127.0.0.1:$REDIS_TEST_PORT
TTL_MS=$((604800 * 1000))

ids() {
	awk -v n="$1" -v s="${2:-0}" 'BEGIN {
		for (i = 0; i < n; i++) printf "i-%017x\n", s * 100000 + i }'
}

json() {
	python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
v = eval(sys.argv[2])
print(json.dumps(v) if isinstance(v, (dict, list, bool)) or v is None else v)' "$1" "$2"
}

# age DB KEY... : make the keys look last renewed SECONDS ago ($AGE).
age() {
	_db=$1
	shift
	for _k; do
		echo "PEXPIRE $_k $((TTL_MS - AGE * 1000))"
	done | redis_cli -n "$_db" >/dev/null
}

# bijection DB: every mask: key's token has an unmask: key naming it
# back, and the reverse; no token twice.
bijection() {
	redis_cli -n "$1" --scan --pattern "aws:mask:*" | sort >mkeys &&
	redis_cli -n "$1" --scan --pattern "aws:unmask:*" | sort >ukeys &&
	test "$(wc -l <mkeys)" = "$(wc -l <ukeys)" &&
	sed "s/^aws:mask://" mkeys >origs &&
	sed "s/^/GET /" mkeys | redis_cli -n "$1" >toks &&
	sed "s/^/GET aws:unmask:/" toks | redis_cli -n "$1" >backs &&
	test_cmp origs backs &&
	sort toks | uniq -d >dups &&
	test_must_be_empty dups
}

test_expect_success 'stats counts what was masked; the server figures are there' '
	{ ids 40; echo "10.0.0.1 arn:aws:iam::123456789012:role/Admin"; } >in &&
	test_must_exit 0 awsmask -s $URL/1 in >out &&
	test_must_exit 0 awsmask-stats -s $URL/1 --json >st 2>err &&
	test_must_be_empty err &&
	test "$(json st "j[\"store\"][\"backend\"]")" = redis &&
	test "$(json st "j[\"store\"][\"name\"]")" = "$URL/1" &&
	test "$(json st "j[\"mappings\"]")" = 43 &&
	test "$(json st "j[\"kinds\"]")" = "{\"ACCOUNT\": 1, \"EC2\": 40, \"IAM_ROLE\": 1, \"PRIVATE_IP\": 1}" &&
	test "$(json st "j[\"total_created\"]")" = 43 &&
	test "$(json st "j[\"store\"][\"maxmemory_policy\"]")" = noeviction &&
	test "$(json st "j[\"store\"][\"used_memory\"]")" -gt 0 &&
	test "$(json st "j[\"store\"][\"evicted_keys\"]")" = 0 &&
	test "$(json st "j[\"breaker\"][\"state\"]")" = closed &&
	test "$(json st "j[\"processing\"][\"mask\"][\"identifiers\"]")" = 43 &&
	test "$(redis_cli -n 1 hget aws:stats:processing mask_runs)" = 1 &&
	test_must_exit 0 awsunmask -s $URL/1 out >back && test_cmp in back &&
	test "$(redis_cli -n 1 hget aws:stats:processing unmask_tokens)" = 43
'

test_expect_success 'stats counts a store larger than one SCAN step' '
	ids 12000 5 | awk "{ printf \"SET aws:mask:%s T_%d\nSET aws:unmask:T_%d %s\n\", \$1, NR, NR, \$1 }" |
	    redis_cli -n 2 >/dev/null &&
	redis_cli -n 2 set unrelated:key x >/dev/null &&
	test_must_exit 0 awsmask-stats -s $URL/2 --json >st &&
	test "$(json st "j[\"mappings\"]")" = 12000 &&
	test "$(json st "j[\"kinds\"]")" = "{\"T\": 12000}" &&
	test "$(json st "j[\"orphans\"]")" = 0
'

test_expect_success 'an evicting maxmemory-policy is warned about' '
	redis_start_second &&
	redis-cli -p $P2 config set maxmemory 100mb >/dev/null &&
	redis-cli -p $P2 config set maxmemory-policy allkeys-lru >/dev/null &&
	test_must_exit 0 awsmask-stats -s redis://127.0.0.1:$P2 --json >st 2>err &&
	test_grep "warning: maxmemory-policy may evict mapping keys" err &&
	test "$(json st "j[\"store\"][\"eviction_risk\"]")" = true &&
	test "$(json st "len(j[\"warnings\"])")" = 1 &&
	test_must_exit 0 awsmask-stats -q -s redis://127.0.0.1:$P2 --prometheus >prom 2>err &&
	test_must_be_empty err &&
	test_grep "^awsmask_store_eviction_risk 1$" prom &&
	redis_stop_second
'

test_expect_success 'orphans: found by stats, removed by cleanup once old' '
	ids 6 >in && awsmask -s $URL/3 in >out &&
	redis_cli -n 3 del aws:unmask:EC2_001 >/dev/null &&
	redis_cli -n 3 del "aws:mask:$(sed -n 2p in)" >/dev/null &&
	test_must_exit 0 awsmask-stats -s $URL/3 --json >st &&
	test "$(json st "j[\"mappings\"]")" = 4 &&
	test "$(json st "j[\"orphans\"]")" = 2 &&
	test_must_exit 0 awsmask-cleanup -s $URL/3 --json >res &&
	test "$(json res "j[\"orphans\"]")" = 0 &&
	test "$(json res "j[\"orphans_young\"]")" = 2 &&
	AGE=3600 age 3 "aws:mask:$(sed -n 1p in)" aws:unmask:EC2_002 &&
	test_must_exit 0 awsmask-cleanup -s $URL/3 --json >res &&
	test "$(json res "j[\"orphans\"]")" = 2 &&
	test "$(json res "j[\"kept\"]")" = 4 &&
	test "$(redis_cli -n 3 exists "aws:mask:$(sed -n 1p in)" aws:unmask:EC2_002)" = 0 &&
	test "$(redis_cli -n 3 get aws:counter:EC2)" = 6 &&
	test_must_exit 0 awsmask-stats -s $URL/3 --json >st &&
	test "$(json st "j[\"orphans\"]")" = 0 &&
	bijection 3
'

test_expect_success 'a half pointing elsewhere is an orphan too' '
	ids 2 >in && awsmask -s $URL/4 in >out &&
	redis_cli -n 4 set aws:unmask:EC2_001 someone-else px 1000 >/dev/null &&
	test_must_exit 0 awsmask-stats -s $URL/4 --json >st &&
	test "$(json st "j[\"orphans\"]")" = 2 &&
	AGE=3600 age 4 "aws:mask:$(sed -n 1p in)" &&
	redis_cli -n 4 persist aws:unmask:EC2_001 >/dev/null &&
	test_must_exit 0 awsmask-cleanup -s $URL/4 --json >res &&
	test "$(json res "j[\"orphans\"]")" = 2 &&
	bijection 4
'

test_expect_success '--max-entries keeps the most recently used; --dry-run nothing' '
	ids 20 >in && awsmask -s $URL/5 in >out &&
	i=1 && while [ $i -le 20 ]; do
		AGE=$((100000 - i * 1000)) age 5 "aws:mask:$(sed -n ${i}p in)" \
		    "aws:unmask:$(sed -n ${i}p out)" || return 1
		i=$((i + 1))
	done &&
	redis_cli -n 5 --scan | sort >keys.before &&
	test_must_exit 0 awsmask-cleanup -s $URL/5 -n --max-entries 5 2>err &&
	test_grep "would evict 15 pairs; 5 kept" err &&
	redis_cli -n 5 --scan | sort >keys.after &&
	test_cmp keys.before keys.after &&
	test_must_exit 0 awsmask-cleanup -s $URL/5 --json --max-entries 5 >res &&
	test "$(json res "j[\"evicted\"]")" = 15 &&
	redis_cli -n 5 --scan --pattern "aws:unmask:*" | sort >left &&
	printf "aws:unmask:EC2_%03d\n" 16 17 18 19 20 >expect &&
	test_cmp expect left &&
	tail -n 5 in >in5 && tail -n 5 out >out5 &&
	test_must_exit 0 awsunmask -s $URL/5 out5 >back && test_cmp in5 back &&
	test "$(redis_cli -n 5 get aws:counter:EC2)" = 20 &&
	bijection 5
'

test_expect_success 'the lock: held by another, nothing done; released after a run' '
	ids 5 >in && awsmask -s $URL/6 in >out &&
	AGE=90000 age 6 $(sed "s/^/aws:mask:/" in) $(sed "s/^/aws:unmask:/" out) &&
	redis_cli -n 6 set aws:lock:cleanup other:1:ab px 60000 >/dev/null &&
	test_must_exit 0 awsmask-cleanup -s $URL/6 --max-entries 1 >o 2>e &&
	test_must_be_empty o && test_must_be_empty e &&
	test "$(redis_cli -n 6 --scan --pattern "aws:mask:*" | wc -l)" = 5 &&
	test_must_exit 0 awsmask-cleanup -v -s $URL/6 --max-entries 1 2>e &&
	test_grep "another cleanup holds the lock" e &&
	test "$(redis_cli -n 6 get aws:lock:cleanup)" = other:1:ab &&
	redis_cli -n 6 pexpire aws:lock:cleanup 1000 >/dev/null &&
	test_must_exit 0 awsmask-cleanup --wait -s $URL/6 --json --max-entries 1 >res &&
	test "$(json res "j[\"kept\"]")" = 1 &&
	test "$(redis_cli -n 6 exists aws:lock:cleanup)" = 0
'

test_expect_success '--namespace: only that namespace is counted and cleaned' '
	ids 3 >in &&
	awsmask -s $URL/7 --namespace team1: in >/dev/null &&
	awsmask -s $URL/7 in >/dev/null &&
	test_must_exit 0 awsmask-stats -s $URL/7 --namespace team1: --json >st &&
	test "$(json st "j[\"mappings\"]")" = 3 &&
	redis_cli -n 7 del team1:unmask:EC2_001 >/dev/null &&
	redis_cli -n 7 pexpire "team1:mask:$(sed -n 1p in)" 1000 >/dev/null &&
	test_must_exit 0 awsmask-cleanup -s $URL/7 --namespace team1: --json >res &&
	test "$(json res "j[\"orphans\"]")" = 1 &&
	test "$(json res "j[\"examined\"]")" = 3 &&
	test "$(redis_cli -n 7 --scan --pattern "aws:mask:*" | wc -l)" = 3
'

test_expect_success 'concurrent cleanups and awsmask runs end with a bijection' '
	ids 3000 >in && awsmask -s $URL/8 in >first &&
	AGE=90000 age 8 $(sed "s/^/aws:mask:/" in) $(sed "s/^/aws:unmask:/" first) &&
	split -l 250 -a 2 -d in part.
	for c in 1 2 3; do
		(
			n=0
			while [ $n -lt 6 ]; do
				awsmask-cleanup -s $URL/8 --max-entries 300 --min-idle 0 || exit 1
				n=$((n + 1))
			done
		) >cl$c.out 2>cl$c.err &
	done
	for p in part.??; do
		( awsmask -s $URL/8 "$p" >"$p.out" 2>"$p.err"; echo $? >"$p.rc" ) &
	done
	wait &&
	for c in 1 2 3; do test_must_be_empty cl$c.err || return 1; done &&
	for p in part.??; do
		test "$(cat "$p.rc")" = 0 &&
		test_must_exit 0 awsunmask -s $URL/8 --verify "$p" "$p.out" || return 1
	done &&
	bijection 8 &&
	test "$(redis_cli -n 8 exists aws:lock:cleanup)" = 0
'

test_expect_success 'a store that is down: exit 69, a clear message, no password' '
	port=$(redis_start_second && echo $P2 && redis_stop_second) &&
	test_must_exit 69 awsmask-stats -s "redis://u:s3cretpw@127.0.0.1:$port/0" --json >out 2>err &&
	test_grep "awsmask-stats: redis store .redis://u:\*\*\*@127.0.0.1:$port/0.: connection refused" err &&
	test_grep ! s3cretpw err out &&
	test "$(json out "j[\"store\"][\"up\"]")" = false &&
	test_must_exit 69 awsmask-stats -s "redis://127.0.0.1:$port/0" --prometheus >out 2>err &&
	test_grep "^awsmask_store_up 0$" out &&
	test_grep "^awsmask_breaker_open 1$" out &&
	test_must_exit 69 env REDIS_PASSWORD=s3cretpw awsmask-cleanup -s "redis://127.0.0.1:$port/1" >out 2>err &&
	test_grep "^awsmask-cleanup: redis store .redis://127.0.0.1:$port/1.: connection refused" err &&
	test_grep ! s3cretpw err
'

test_done
