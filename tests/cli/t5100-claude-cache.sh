#!/bin/sh
# awsmask-claude's response cache: <ns>cache:<sha256 of the canonical
# masked request> in the store, with its own TTL, and the hit and miss
# counters, on the embedded SQLite store, on Redis and on memory:.  A hit
# sends nothing; failures and cut streams are never cached; the cache
# holds the masked answer only.

. "$(dirname "$0")/lib.sh"
. "$AWSMASK_TEST_ROOT/tests/integration/mock-claude.sh"
. "$AWSMASK_TEST_ROOT/tests/integration/redis.sh"

if ! test_have python3; then
	test_skip 'awsmask-claude cache' 'python3 is not installed'
	test_done
fi

KEY=sk-ant-test-cache-0123456789
REDIS_TEST_PIDS=$WORK/redis.pids
export REDIS_TEST_PIDS
trap 'mock_stop; redis_stop_all; cd / && chmod -R u+rwx "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
mock_start "$KEY" || exit 1
ANTHROPIC_BASE_URL=$MOCK_URL
ANTHROPIC_API_KEY=$KEY
export ANTHROPIC_BASE_URL ANTHROPIC_API_KEY

ID1=i-0abc12de34f567890
VPC=vpc-0a1b2c3d4e5f67890
printf '%s\n' $ID1 $VPC >"$WORK/originals"

no_leak() {
	for f in "$MOCK_DIR"/requests/*; do
		[ -e "$f" ] || continue
		test_no_leak "$WORK/originals" "$f" || return 1
	done
	for f; do
		test_no_leak "$WORK/originals" "$f" || return 1
	done
}

requests() {
	_n=$(mock_requests)
	if [ "$_n" -ne "$1" ]; then
		_lib_say "the mock received $_n requests, want $1"
		return 1
	fi
	no_leak
}

# sq SQL: a query on the test's embedded store.
sq() {
	sqlite3 "$(store_db)" "$1"
}

test_expect_success 'embedded store: the second ask is answered from the cache' '
	mock_reset &&
	echo "$ID1 in $VPC?" >in &&
	test_must_exit 0 awsmask-claude -v --no-stream <in >out1 2>err1 &&
	test_grep "not in the cache" err1 &&
	requests 1 &&
	test_must_exit 0 awsmask-claude -v --no-stream <in >out2 2>err2 &&
	requests 1 &&
	test_grep "answered from the cache" err2 &&
	test_cmp out1 out2 &&
	test_cmp in out1 &&
	test "$(sq "SELECT n FROM stats WHERE kind = '"'"'cache:hits'"'"'")" = 1 &&
	test "$(sq "SELECT n FROM stats WHERE kind = '"'"'cache:misses'"'"'")" = 1 &&
	test "$(sq "SELECT count(*) FROM cache")" = 1 &&
	sq "SELECT key FROM cache" >key &&
	test_grep -x "[0-9a-f]{64}" key &&
	ttl=$(sq "SELECT expires - strftime('"'"'%s'"'"', '"'"'now'"'"') FROM cache") &&
	test "$ttl" -gt 3500 && test "$ttl" -le 3600 &&
	sq "SELECT value FROM cache" >value &&
	test_grep -F "EC2_001" value &&
	no_leak value
'

test_expect_success 'streamed or not, one entry; a hit streams nothing' '
	mock_reset &&
	echo "$ID1 in $VPC?" >in &&
	test_must_exit 0 awsmask-claude --stream <in >out1 2>err &&
	requests 1 &&
	test_must_exit 0 awsmask-claude --no-stream <in >out2 2>err &&
	test_must_exit 0 awsmask-claude --stream <in >out3 2>err &&
	test_must_exit 0 awsmask-claude --raw <in >raw 2>err &&
	requests 1 &&
	test_cmp out1 out2 &&
	test_cmp out1 out3 &&
	test_grep -F "\"text\": \"$ID1 in $VPC?\\n\"" raw &&
	test "$(sq "SELECT n FROM stats WHERE kind = '"'"'cache:hits'"'"'")" = 3
'

test_expect_success '--no-cache neither reads nor fills it; another question misses' '
	mock_reset &&
	echo "$ID1?" >in &&
	test_must_exit 0 awsmask-claude --no-cache <in >out 2>err &&
	test_must_exit 0 awsmask-claude --no-cache <in >out 2>err &&
	requests 2 &&
	test "$(sq "SELECT count(*) FROM sqlite_master WHERE name = '"'"'cache'"'"'")" = 0 &&
	test_must_exit 0 awsmask-claude <in >out 2>err &&
	echo "$VPC?" >in2 &&
	test_must_exit 0 awsmask-claude <in2 >out 2>err &&
	requests 4 &&
	test_must_exit 0 awsmask-claude -m claude-other <in2 >out 2>err &&
	test_must_exit 0 awsmask-claude --max-tokens 9 <in2 >out 2>err &&
	requests 6 &&
	test "$(sq "SELECT n FROM stats WHERE kind = '"'"'cache:misses'"'"'")" = 4
'

test_expect_success 'AWSMASK_CACHE_TTL and cache_ttl set the lifetime' '
	mock_reset &&
	echo "$ID1?" >in &&
	test_must_exit 0 env AWSMASK_CACHE_TTL=2m awsmask-claude <in >out 2>err &&
	ttl=$(sq "SELECT expires - strftime('"'"'%s'"'"', '"'"'now'"'"') FROM cache") &&
	test "$ttl" -gt 100 && test "$ttl" -le 120 &&
	test_must_exit 78 env AWSMASK_CACHE_TTL=soon awsmask-claude <in >out 2>err &&
	requests 1
'

test_expect_success 'failures and cut streams are not cached' '
	mock_reset &&
	echo "$ID1?" >in &&
	mock_plan "{\"status\": 529, \"error\": {\"type\": \"overloaded_error\", \"message\": \"Overloaded\"}}" &&
	test_must_exit 69 awsmask-claude --max-retries 0 <in >out 2>err &&
	mock_plan "{\"drop_after\": 6, \"delta\": 4, \"text\": \"Some words first, then EC2_001.\"}" &&
	test_must_exit 69 awsmask-claude --stream <in >out 2>err &&
	test "$(sq "SELECT count(*) FROM cache")" = 0 &&
	test_must_exit 0 awsmask-claude <in >out 2>err &&
	requests 3 &&
	test_cmp in out
'

test_expect_success 'memory: every run is a store of its own: no hit' '
	mock_reset &&
	echo "$ID1?" >in &&
	test_must_exit 0 awsmask-claude -s memory: <in >out 2>err &&
	test_must_exit 0 awsmask-claude -s memory: <in >out 2>err &&
	requests 2 &&
	test_cmp in out
'

if ! test_have redis-server || ! test_have redis-cli ||
    ! ldd "$(command -v awsmask-claude)" 2>/dev/null | grep -q hiredis; then
	test_skip 'Redis cache' 'no redis-server, or built without hiredis'
	test_done
fi
redis_start || exit 1
URL=redis://127.0.0.1:$REDIS_TEST_PORT

test_expect_success 'Redis: <ns>cache:<sha256> with a TTL, and the counters' '
	mock_reset &&
	echo "$ID1 in $VPC?" >in &&
	test_must_exit 0 awsmask-claude -s $URL/2 <in >out1 2>err &&
	test_must_exit 0 awsmask-claude -s $URL/2 --stream <in >out2 2>err &&
	requests 1 &&
	test_cmp in out1 &&
	test_cmp out1 out2 &&
	redis_cli -n 2 --scan --pattern "aws:cache:*" >keys &&
	test_line_count = 1 keys &&
	test_grep -x "aws:cache:[0-9a-f]{64}" keys &&
	ttl=$(redis_cli -n 2 ttl "$(cat keys)") &&
	test "$ttl" -gt 3500 && test "$ttl" -le 3600 &&
	test "$(redis_cli -n 2 get aws:stats:cache:hits)" = 1 &&
	test "$(redis_cli -n 2 get aws:stats:cache:misses)" = 1 &&
	redis_cli -n 2 get "$(cat keys)" >value &&
	test_grep -F "EC2_001" value &&
	no_leak value
'

test_expect_success 'Redis: the same cache for the same request under another namespace is apart' '
	mock_reset &&
	echo "$ID1 in $VPC?" >in &&
	test_must_exit 0 awsmask-claude -s $URL/3 --namespace team1: <in >out 2>err &&
	test_must_exit 0 awsmask-claude -s $URL/3 --namespace team1: <in >out 2>err &&
	test_must_exit 0 awsmask-claude -s $URL/3 --namespace team2: <in >out 2>err &&
	requests 2 &&
	test "$(redis_cli -n 3 get team1:stats:cache:hits)" = 1 &&
	test "$(redis_cli -n 3 get team2:stats:cache:misses)" = 1 &&
	test "$(redis_cli -n 3 --scan --pattern "team2:cache:*" | wc -l)" = 1
'

test_expect_success 'Redis: the store down mid-way: nothing sent, exit 69' '
	mock_reset &&
	redis_start_second &&
	echo "$ID1?" >in &&
	test_must_exit 0 awsmask-claude -s redis://127.0.0.1:$P2 <in >out 2>err &&
	redis_stop_second &&
	test_must_exit 69 awsmask-claude -s redis://127.0.0.1:$P2 <in >out 2>err &&
	test_must_be_empty out &&
	requests 1
'

test_done
