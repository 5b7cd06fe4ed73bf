#!/bin/sh
# Integrity: a token never unmasks to the wrong original, whatever the
# store forgets; planted files are refused; secrets stay secret.
. "$(dirname "$0")/lib.sh"
. "$AWSMASK_TEST_ROOT/tests/integration/redis.sh"

have_redis=
if test_have redis-server && test_have redis-cli &&
    ldd "$(command -v awsmask)" 2>/dev/null | grep -q hiredis; then
	have_redis=1
	REDIS_TEST_PIDS=$WORK/redis.pids
	export REDIS_TEST_PIDS
	trap 'redis_stop_all; cd / && chmod -R u+rwx "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
	redis_start || exit 1
	URL=redis://127.0.0.1:$REDIS_TEST_PORT
fi

# ids N TAG: N distinct instance IDs, one a line.
ids() {
	awk -v n="$1" -v t="$2" 'BEGIN { for (i = 1; i <= n; i++)
	    printf "i-%s%015x\n", t, i }'
}

# restart_empty PORT DIR: start a redis-server on PORT again, with no
# data; it is stopped with the others at the end.
restart_empty() {
	redis-server --port "$1" --bind 127.0.0.1 --save "" --appendonly no \
	    --dir "$2" >/dev/null 2>&1 &
	echo "$! $2" >>"$REDIS_TEST_DIR/seconds"
	_w=0
	until redis-cli -p "$1" ping >/dev/null 2>&1; do
		_w=$((_w + 1))
		[ "$_w" -lt 100 ] || return 1
		sleep 0.05
	done
}

# record: this test's record of its one store.
record() {
	ls "$XDG_STATE_HOME"/awsmask/store-* | grep -v '\.lock$'
}

# wrong ORIGINALS OTHERS BACK: how many lines of BACK hold an ID of
# OTHERS (which the lines were never masked from).
wrong() {
	grep -cFf "$2" "$3" || :
}

if [ -n "$have_redis" ]; then

test_expect_success 'redis restarted empty: no token unmasks to another original' '
	redis_start_second &&
	u=redis://127.0.0.1:$P2 &&
	ids 2000 aa >first && ids 2000 bb >second &&
	test_must_exit 0 awsmask -s $u first >out1 2>err &&
	test_must_be_empty err &&
	# A restart without persistence: the same server, empty.
	_redis_kill $PID2 &&
	restart_empty $P2 "$DIR2" &&
	test "$(redis-cli -p $P2 dbsize)" = 0 &&
	test_must_exit 0 awsmask -s $u second >out2 2>err &&
	test_grep "is not the one this machine used before" err &&
	test_grep "numbering continues above" err &&
	# Numbering went on above everything this machine was given ...
	test "$(head -n 1 out2)" = EC2_2001 &&
	# ... so the first output unmasks to nothing wrong: 0 of 2000.
	test_must_exit 0 awsunmask -s $u out1 >back1 2>err &&
	test "$(wrong first second back1)" = 0 &&
	test_cmp out1 back1 &&
	test_must_exit 0 awsunmask -s $u out2 >back2 2>err &&
	test_cmp second back2
'

test_expect_success 'FLUSHDB between runs: the same, and the warning comes once' '
	u=$URL/2 &&
	ids 300 cc >first && ids 300 dd >second &&
	test_must_exit 0 awsmask -s $u first >out1 &&
	redis_cli -n 2 flushdb >/dev/null &&
	# Unmasking first: it can only warn.
	test_must_exit 0 awsunmask -s $u out1 >back1 2>err &&
	test_cmp out1 back1 &&
	test_grep "tokens printed before the reset may not unmask" err &&
	test_must_exit 0 awsmask -s $u second >out2 2>err &&
	test "$(grep -c "is not the one" err)" = 1 &&
	test "$(head -n 1 out2)" = EC2_301 &&
	test_must_exit 0 awsmask -s $u second >out3 2>err &&
	test_must_be_empty err &&
	test_cmp out2 out3 &&
	test_must_exit 0 awsunmask -s $u out1 >back1 2>/dev/null &&
	test "$(wrong first second back1)" = 0
'

test_expect_success 'a counter deleted alone: its twin keeps numbers from coming round' '
	u=$URL/3 &&
	ids 50 ee >first && ids 50 ff >second &&
	test_must_exit 0 awsmask -s $u first >out1 &&
	test "$(redis_cli -n 3 hget aws:meta:store hwm:EC2)" = 50 &&
	redis_cli -n 3 del aws:counter:EC2 >/dev/null &&
	test_must_exit 0 awsmask -s $u second >out2 2>err &&
	test_must_be_empty err &&
	test "$(head -n 1 out2)" = EC2_051 &&
	# ... and the counter caught up with its twin.
	test "$(redis_cli -n 3 get aws:counter:EC2)" = 100 &&
	test "$(redis_cli -n 3 hget aws:meta:store hwm:EC2)" = 100
'

test_expect_success 'the store has an identity, kept with no expiry' '
	u=$URL/4 &&
	echo i-0abc12de34f567890 | awsmask -s $u >/dev/null &&
	id=$(redis_cli -n 4 hget aws:meta:store id) &&
	test ${#id} = 32 &&
	test "$(redis_cli -n 4 ttl aws:meta:store)" = -1 &&
	rec=$(record) &&
	test_mode 600 "$rec" &&
	test_grep "^id $id\$" "$rec" &&
	test_grep "^hwm EC2 1\$" "$rec"
'

test_expect_success 'an evicting maxmemory-policy is refused, unless allowed' '
	redis_start_second --maxmemory-policy allkeys-lru &&
	u=redis://127.0.0.1:$P2 &&
	echo i-0abc12de34f567890 >in &&
	test_must_exit 78 awsmask -s $u <in >out 2>err &&
	test_must_be_empty out &&
	test_grep "maxmemory-policy is allkeys-lru" err &&
	test_grep "allow-eviction" err &&
	test "$(redis-cli -p $P2 dbsize)" = 0 &&
	test_must_exit 0 awsmask -s $u --allow-eviction <in >out 2>err &&
	test "$(cat out)" = EC2_001 &&
	test_must_exit 0 env AWSMASK_ALLOW_EVICTION=1 awsmask -s $u <in >out &&
	# Unmasking allocates nothing: no refusal.
	test_must_exit 0 awsunmask -s $u <out >back &&
	test_cmp in back &&
	redis_stop_second
'

test_expect_success 'a corrupt mapping is never restored, and always reported' '
	u=$URL/5 &&
	printf "i-0000000000000000a\ni-0000000000000000b\n" >in &&
	test_must_exit 0 awsmask -s $u <in >out &&
	# Someone points the first original at the second token.
	redis_cli -n 5 set aws:mask:i-0000000000000000a EC2_002 >/dev/null &&
	test_must_exit 0 awsunmask -s $u <out >back 2>err &&
	printf "EC2_001\ni-0000000000000000b\n" >expect &&
	test_cmp expect back &&
	test_grep "1 token not restored: its mapping disagrees" err &&
	test_grep ! -F i-0000000000000000 err &&
	test_must_exit 1 awsunmask --strict -s $u <out >back 2>err &&
	test_grep "1: not restoring corrupt token .EC2_001." err
'

test_expect_success 'a server that refuses writes still unmasks' '
	u=$URL/6 &&
	echo i-0abc12de34f567890 >in &&
	test_must_exit 0 awsmask -s $u <in >out &&
	redis_cli config set maxmemory 1 >/dev/null &&
	test_must_exit 0 awsunmask -s $u <out >back 2>err;
	rc=$?; redis_cli config set maxmemory 0 >/dev/null; test $rc = 0 &&
	test_cmp in back
'

test_expect_success 'a password in --store is gone from ps once read' '
	mkfifo fifo
	awsmask -q -s "redis://:S3cretPW@127.0.0.1:1/0" fifo >out 2>err &
	pid=$!
	exec 7>fifo
	# The tool has opened its input: its arguments are parsed.
	tr "\0" " " </proc/$pid/cmdline >cmdline
	exec 7>&-
	wait $pid || :
	test_grep ! S3cretPW cmdline &&
	test_grep -F "redis://:********@127.0.0.1:1/0" cmdline
'

fi	# have_redis

test_expect_success 'the embedded store deleted: numbering goes on above the record' '
	ids 40 aa >first && ids 40 bb >second &&
	test_must_exit 0 awsmask first >out1 &&
	rm -f "$XDG_STATE_HOME"/awsmask/mappings.db* &&
	test_must_exit 0 awsmask second >out2 2>err &&
	test_grep "is not the one this machine used before" err &&
	test "$(head -n 1 out2)" = EC2_041 &&
	test_must_exit 0 awsunmask out1 >back1 2>/dev/null &&
	test "$(wrong first second back1)" = 0 &&
	test_cmp out1 back1
'

test_expect_success 'a damaged record stops masking, and says what to do' '
	echo i-0abc12de34f567890 >in &&
	test_must_exit 0 awsmask <in >/dev/null &&
	rec=$(record) &&
	echo "hwm EC2 lots" >>"$rec" &&
	echo i-0fedcba9876543210 >in2 &&
	test_must_exit 69 awsmask <in2 >out 2>err &&
	test_must_be_empty out &&
	test_grep "is damaged at line" err
'

KEY=$WORK/team.key
printf 'a team key of thirty-two bytes!!\n' >"$KEY"
chmod 600 "$KEY"

test_expect_success 'digest tokens: the same on two empty stores sharing a key' '
	printf "i-0abc12de34f567890\n10.0.1.2\ni-0abc12de34f567890\n" >in &&
	test_must_exit 0 awsmask -s memory: --token-style digest \
	    --token-key-file "$KEY" <in >a &&
	test_must_exit 0 env AWSMASK_TOKEN_STYLE=digest \
	    AWSMASK_TOKEN_KEY_FILE="$KEY" awsmask -s "sqlite:$T/other.db" <in >b &&
	test_cmp a b &&
	test_grep -x "EC2_[0-9]{8}" a &&
	test "$(sed -n 1p a)" = "$(sed -n 3p a)" &&
	# The round trip holds, and another key gives other tokens.
	test_must_exit 0 awsunmask -s "sqlite:$T/other.db" <b >back &&
	test_cmp in back &&
	printf "another key, also long enough\n" >k2 && chmod 600 k2 &&
	test_must_exit 0 awsmask -s memory: --token-style digest \
	    --token-key-file k2 <in >c &&
	test "$(sed -n 1p a)" != "$(sed -n 1p c)"
'

test_expect_success 'digest tokens: a taken candidate moves to the next' '
	test_have python3 || return 0
	orig=i-0abc12de34f567890 &&
	# The first candidate, as store.c derives it.
	tok=$(python3 -c "
import hmac, hashlib, sys
key = open(sys.argv[1], \"rb\").read().rstrip(b\"\\n\")
d = hmac.new(key, b\"EC2\\0\" + sys.argv[2].encode() + b\"\\x000\", hashlib.sha256).digest()
v = int.from_bytes(d[:8], \"big\") % (10**8 - 1) + 1
print(\"EC2_%08d\" % v)" "$KEY" $orig) &&
	echo $orig | awsmask -s memory: --token-style digest \
	    --token-key-file "$KEY" >t && test "$(cat t)" = "$tok" &&
	# Another original holds it already: ours takes the second.
	echo i-0fffffffffffffff0 | awsmask -s "sqlite:$T/s.db" >/dev/null &&
	sqlite3 "$T/s.db" "UPDATE mappings SET token = '\''$tok'\''" &&
	echo $orig | awsmask -s "sqlite:$T/s.db" --token-style digest \
	    --token-key-file "$KEY" >t2 &&
	test "$(cat t2)" != "$tok" &&
	test_grep -x "EC2_[0-9]{8}" t2
'

test_expect_success 'digest tokens need a private key of 16 bytes or more' '
	echo i-0abc12de34f567890 >in &&
	test_must_exit 78 awsmask --token-style digest <in >out 2>err &&
	test_must_be_empty out && test_grep "needs a key" err &&
	printf short >k && chmod 600 k &&
	test_must_exit 78 awsmask --token-style digest --token-key-file k <in 2>err &&
	test_grep "16 to 4096 bytes" err &&
	printf "long enough but everyone reads it\n" >k && chmod 644 k &&
	test_must_exit 78 awsmask --token-style digest --token-key-file k <in 2>err &&
	test_grep "readable by others" err &&
	test_must_exit 2 awsmask --token-style hashed <in 2>err
'

test_expect_success 'a planted state folder or store file is refused' '
	echo i-0abc12de34f567890 >in &&
	mkdir -p open && chmod 777 open &&
	test_must_exit 78 awsmask -s "sqlite:$T/open/m.db" <in >out 2>err &&
	test_must_be_empty out &&
	test_grep "store folder .* is writable by everyone" err &&
	mkdir -p mine && chmod 700 mine &&
	test_must_exit 0 awsmask -s "sqlite:$T/mine/m.db" <in >masked &&
	chmod 666 mine/m.db &&
	test_must_exit 78 awsmask -s "sqlite:$T/mine/m.db" <in >out 2>err &&
	test_grep "store file .* is writable by everyone" err &&
	test_must_exit 78 awsunmask -s "sqlite:$T/mine/m.db" <masked >out 2>err &&
	test_must_be_empty out &&
	chmod 644 mine/m.db &&
	test_must_exit 0 awsmask -s "sqlite:$T/mine/m.db" <in >out 2>err &&
	test_grep "readable by others" err
'

test_expect_success 'files owned by another user are refused (as root)' '
	test "$(id -u)" = 0 || return 0
	echo i-0abc12de34f567890 >in &&
	mkdir -p theirs && chmod 700 theirs &&
	test_must_exit 0 awsmask -s "sqlite:$T/theirs/m.db" <in >out &&
	chown 65534 theirs/m.db &&
	test_must_exit 78 awsunmask -s "sqlite:$T/theirs/m.db" <out >back 2>err &&
	test_must_be_empty back &&
	test_grep "is owned by another user .uid 65534." err &&
	echo "format = text" >conf && chown 65534 conf &&
	test_must_exit 78 awsmask -C conf <in 2>err &&
	test_grep "configuration file .* owned by another user" err
'

test_expect_success 'configuration, allow and patterns files others can write are refused' '
	echo i-0abc12de34f567890 >in &&
	echo "format = text" >conf && chmod 662 conf &&
	test_must_exit 78 awsmask -C conf <in 2>err &&
	test_grep "writable by everyone" err &&
	echo i-0abc12de34f567890 >allow && chmod 620 allow &&
	test_must_exit 78 awsmask -s memory: --allow-file allow <in >out 2>err &&
	test_must_be_empty out &&
	test_grep "allow file .* writable by its group" err &&
	echo "x X [0-9]+" >p && chmod 666 p &&
	test_must_exit 78 awsmask --patterns p <in 2>err &&
	test_grep "patterns file" err &&
	# /dev/null is no planted file.
	test_must_exit 0 awsmask -C /dev/null -s memory: <in >out
'

test_expect_success 'a secret in a file others can read draws a warning' '
	echo i-0abc12de34f567890 >in &&
	echo "redis_password = pw-in-file" >conf && chmod 644 conf &&
	test_must_exit 0 awsmask -C conf -s memory: <in >out 2>err &&
	test_grep "holds a password or key and is readable by others" err &&
	test_grep ! pw-in-file err &&
	echo pw2 >pwfile && chmod 644 pwfile &&
	test_must_exit 0 awsmask -s memory: --password-file pwfile <in >out 2>err &&
	test_grep "password file .* is readable by others" err &&
	chmod 600 conf pwfile &&
	test_must_exit 0 awsmask -C conf -s memory: --password-file pwfile <in 2>err >out &&
	test_must_be_empty err
'

test_expect_success 'a bad value is never echoed' '
	echo clean >in &&
	test_must_exit 78 env REDIS_PORT="S3cretPW!x" awsmask <in >out 2>err &&
	test_grep "bad value for .redis_port. .10 characters." err &&
	test_grep ! S3cret err &&
	echo "redis_timeout = hunter2hunter2" >conf &&
	test_must_exit 78 awsmask -C conf <in 2>err &&
	test_grep ! hunter2 err
'

test_expect_success 'a bad store URI is found before any input is read' '
	echo "no identifier here" >in &&
	test_must_exit 78 awsmask -s "redis://h:99999" <in >out 2>err &&
	test_must_be_empty out &&
	test_grep "bad port" err &&
	test_must_exit 78 awsunmask -s "bogus:x" <in >out 2>err &&
	test_must_exit 78 awsmask -s "sqlite://relative" <in >out 2>err &&
	test_must_exit 78 env AWSMASK_STORE="redis://:pw@h:0" awsmask <in 2>err &&
	test_grep ! ":pw@" err
'

# token N: N characters of base64, never the same twice.
token() {
	head -c $(($1 * 3 / 4 + 3)) /dev/urandom | base64 -w0 | head -c "$1"
}

test_expect_success 'a 100 KB session token is masked whole, as text and as JSON' '
	tok=$(token 102400) &&
	{ printf "aws_session_token = %s\n" "$tok"; printf "%0300000d" 0 |
	  tr 0 x; printf " AWS_SESSION_TOKEN=%s end\n" "$tok"; } >in &&
	test_must_exit 0 awsmask -s "sqlite:$T/s.db" in >out &&
	test "$(wc -c <out)" -lt 301000 &&
	test_grep "^aws_session_token = SESSION_TOKEN_001\$" out &&
	test_grep "x AWS_SESSION_TOKEN=SESSION_TOKEN_001 end\$" out &&
	test_must_exit 0 awsunmask -s "sqlite:$T/s.db" out >back &&
	test_cmp in back &&
	printf "{\"SessionToken\": \"%s\"}\n" "$tok" >j &&
	test_must_exit 0 awsmask -s "sqlite:$T/s.db" j >jout &&
	test_grep -F -x "{\"SessionToken\": \"SESSION_TOKEN_001\"}" jout
'

test_expect_success 'a credential value over 1 MB is refused, not cut' '
	printf "aws_session_token = %s\nafter\n" "$(token 1100000)" >in &&
	test_must_exit 65 awsmask -s memory: in >out 2>err &&
	test_must_be_empty out &&
	test_grep "longer than 1048576 bytes: refusing to write it" err &&
	# One line, with more after it: the same.
	printf "x aws_session_token=%s y\n" "$(token 1048577)" >in &&
	test_must_exit 65 awsmask -s memory: in >out 2>err &&
	test_must_be_empty out &&
	printf "x aws_session_token=%s y\n" "$(token 1048576)" >in &&
	test_must_exit 0 awsmask -s memory: in >out 2>err &&
	test "$(cat out)" = "x aws_session_token=SESSION_TOKEN_001 y"
'

test_expect_success 'a file size limit: exit 74 with a message, not a signal' '
	ids 4000 ab >in &&
	( ulimit -f 8 && awsmask -s memory: in >big 2>err; echo $? >rc ) &&
	test "$(cat rc)" = 74 &&
	test_grep "write error: File too large" err
'

test_expect_success 'awsunmask unmasks a store it may not write' '
	echo i-0abc12de34f567890 >in &&
	test_must_exit 0 awsmask -s "sqlite:$T/ro/m.db" <in >out &&
	chmod 400 ro/m.db &&
	test_must_exit 0 awsunmask -s "sqlite:$T/ro/m.db" <out >back &&
	test_cmp in back &&
	chmod 600 ro/m.db &&
	# A file size limit makes every write fail (a full disk, for it).
	test_have prlimit || return 0
	{ prlimit --fsize=1 awsunmask -s "sqlite:$T/ro/m.db" <out; echo $? >rc; } |
	    cat >back &&
	test "$(cat rc)" = 0 &&
	test_cmp in back
'

test_done
