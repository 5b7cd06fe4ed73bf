# redis.sh - a private redis-server for tests.  Source it, then:
#
#	trap redis_stop EXIT
#	redis_start [redis-server options...] || exit 1
#	redis_cli SET k v			# redis-cli against it
#	redis_stop
#
# redis_start picks a free port on 127.0.0.1 (random, in 20000-60000,
# checked with a short connect), starts redis-server in the foreground of
# a background job, with no persistence, in its own folder under
# $TMPDIR, and waits (at most about 5 s) until it answers a PING.  It
# exports REDIS_TEST_PORT, REDIS_TEST_PID and REDIS_TEST_DIR.  Extra
# arguments go to redis-server as they are, for example
#	redis_start --requirepass s3cret		(set REDIS_TEST_AUTH=s3cret
#							 for redis_cli)
#	redis_start --unixsocket "$T/redis.sock" --unixsocketperm 700
# redis_stop wakes (SIGCONT) a paused server, stops it, waits for it and
# removes its folder; it is safe to call twice or without a server.
#
# redis_start_second starts one more server for a single test and sets
# P2, PID2 and DIR2 for it, leaving REDIS_TEST_* alone; the test stops it
# with redis_stop_second.  Test bodies often run in subshells, whose
# variables the EXIT trap never sees, so each second server is also
# listed in $REDIS_TEST_DIR/seconds, and redis_stop stops what is left.
#
# POSIX sh; works under `set -eu`.

# Does something accept connections on 127.0.0.1:$1?
_redis_port_busy() {
	_out=$(timeout 1 redis-cli -h 127.0.0.1 -p "$1" ping 2>&1) && return 0
	case $_out in
	*"Connection refused"*) return 1 ;;
	esac
	return 0
}

# _redis_launch DIR ARGS...: start a server in DIR on a free port; sets
# _port and _pid.
_redis_launch() {
	_dir=$1
	shift
	_tries=0
	while [ "$_tries" -lt 10 ]; do
		_tries=$((_tries + 1))
		_port=$(( $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40001 + 20000 ))
		if _redis_port_busy "$_port"; then
			continue
		fi
		redis-server --port "$_port" --bind 127.0.0.1 \
		    --save '' --appendonly no --daemonize no \
		    --dir "$_dir" --logfile "$_dir/redis.log" "$@" \
		    >"$_dir/redis.out" 2>&1 &
		_pid=$!
		# About 5 s: 100 polls of at least 50 ms.
		_w=0
		while [ "$_w" -lt 100 ] && kill -0 "$_pid" 2>/dev/null; do
			case $(redis-cli -h 127.0.0.1 -p "$_port" ping 2>&1) in
			*PONG*|*NOAUTH*) return 0 ;;
			esac
			sleep 0.05
			_w=$((_w + 1))
		done
		# It did not answer: the port was taken meanwhile, or it
		# cannot start at all (then the log says why).
		kill -9 "$_pid" 2>/dev/null || :
		wait "$_pid" 2>/dev/null || :
		if [ "$_w" -ge 100 ]; then
			break
		fi
	done
	echo "redis_start: redis-server did not start:" >&2
	cat "$_dir/redis.log" "$_dir/redis.out" >&2 2>/dev/null || :
	return 1
}

redis_start() {
	REDIS_TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/redis-test.XXXXXX") ||
		return 1
	if ! _redis_launch "$REDIS_TEST_DIR" "$@"; then
		rm -rf "$REDIS_TEST_DIR"
		REDIS_TEST_DIR=
		return 1
	fi
	REDIS_TEST_PORT=$_port
	REDIS_TEST_PID=$_pid
	export REDIS_TEST_PORT REDIS_TEST_PID REDIS_TEST_DIR
}

redis_cli() {
	redis-cli -h 127.0.0.1 -p "$REDIS_TEST_PORT" \
	    ${REDIS_TEST_AUTH:+-a "$REDIS_TEST_AUTH" --no-auth-warning} "$@"
}

# _redis_kill PID: wake it, stop it, wait for it (escalating after 5 s).
# A PID that is no longer a redis-server (a test killed it already and
# the number was reused) is left alone.
_redis_kill() {
	if [ -r "/proc/$1/cmdline" ]; then
		case $(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null) in
		*redis-server*) ;;
		*) wait "$1" 2>/dev/null || :; return 0 ;;
		esac
	elif [ -d /proc/self ]; then
		wait "$1" 2>/dev/null || :
		return 0
	fi
	kill -CONT "$1" 2>/dev/null || :
	kill "$1" 2>/dev/null || :
	_w=0
	while [ "$_w" -lt 100 ] && kill -0 "$1" 2>/dev/null; do
		sleep 0.05
		_w=$((_w + 1))
	done
	kill -9 "$1" 2>/dev/null || :
	wait "$1" 2>/dev/null || :
}

redis_start_second() {
	redis_stop_second
	DIR2=$(mktemp -d "${REDIS_TEST_DIR:-${TMPDIR:-/tmp}}/redis-second.XXXXXX") ||
		return 1
	if ! _redis_launch "$DIR2" "$@"; then
		rm -rf "$DIR2"
		DIR2=
		return 1
	fi
	P2=$_port
	PID2=$_pid
	if [ -n "${REDIS_TEST_DIR:-}" ]; then
		echo "$PID2 $DIR2" >>"$REDIS_TEST_DIR/seconds"
	fi
}

redis_stop_second() {
	if [ -n "${PID2:-}" ]; then
		_redis_kill "$PID2"
		PID2=
	fi
	if [ -n "${DIR2:-}" ]; then
		rm -rf "$DIR2"
		DIR2=
	fi
}

# Stop every server redis_start started (see REDIS_TEST_PIDS).
redis_stop_all() {
	if [ -n "${REDIS_TEST_PIDS:-}" ] && [ -f "$REDIS_TEST_PIDS" ]; then
		while read -r _p; do
			kill -CONT "$_p" 2>/dev/null
			kill "$_p" 2>/dev/null
		done <"$REDIS_TEST_PIDS"
	fi
	redis_stop
}

redis_stop() {
	redis_stop_second
	if [ -n "${REDIS_TEST_DIR:-}" ] && [ -f "$REDIS_TEST_DIR/seconds" ]; then
		while read -r _p _d; do
			_redis_kill "$_p"
			rm -rf "$_d"
		done <"$REDIS_TEST_DIR/seconds"
	fi
	if [ -n "${REDIS_TEST_PID:-}" ]; then
		_redis_kill "$REDIS_TEST_PID"
		REDIS_TEST_PID=
	fi
	if [ -n "${REDIS_TEST_DIR:-}" ]; then
		rm -rf "$REDIS_TEST_DIR"
		REDIS_TEST_DIR=
	fi
}
