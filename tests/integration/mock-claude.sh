# mock-claude.sh - a private mock of the Claude Messages API for tests.
# Source it, then:
#
#	trap mock_stop EXIT
#	mock_start [KEY] || exit 1	# KEY: the only key it accepts
#	mock_plan '{"status": 429, "headers": {"retry-after": "0"}}'
#	ANTHROPIC_BASE_URL=$MOCK_URL awsmask-claude ...
#	mock_requests			# how many requests it received
#	mock_stop
#
# mock_start runs tests/integration/mock-claude.py in the background with
# its own folder under $TMPDIR; the server listens on 127.0.0.1 on a port
# the kernel picks, and mock_start waits (at most about 5 s) for it to
# say which.  It exports MOCK_DIR, MOCK_PORT, MOCK_PID and MOCK_URL.
# Requests are recorded in $MOCK_DIR/requests (NNN.body, NNN.headers).
# mock_plan queues one answer (see the script's help for the keys).
# mock_stop stops the server, waits for it and removes its folder; it is
# safe to call twice or without a server.
#
# POSIX sh; works under `set -eu`.

mock_start() {
	MOCK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/mock-claude.XXXXXX") || return 1
	mkdir -p "$MOCK_DIR/plan" "$MOCK_DIR/requests"
	python3 "$AWSMASK_TEST_ROOT/tests/integration/mock-claude.py" \
	    "$MOCK_DIR" ${1:+"$1"} >"$MOCK_DIR/log" 2>&1 &
	MOCK_PID=$!
	_w=0
	while [ ! -s "$MOCK_DIR/port" ]; do
		if [ "$_w" -ge 100 ] || ! kill -0 "$MOCK_PID" 2>/dev/null; then
			echo "mock_start: mock-claude did not start:" >&2
			cat "$MOCK_DIR/log" >&2 2>/dev/null || :
			mock_stop
			return 1
		fi
		sleep 0.05
		_w=$((_w + 1))
	done
	MOCK_PORT=$(cat "$MOCK_DIR/port")
	MOCK_URL=http://127.0.0.1:$MOCK_PORT
	export MOCK_DIR MOCK_PORT MOCK_PID MOCK_URL
}

_mock_n=0
# mock_plan JSON: queue an answer for the next request.
mock_plan() {
	_mock_n=$((_mock_n + 1))
	printf '%s\n' "$1" >"$MOCK_DIR/plan/$(date +%s%N)-$(printf %04d $_mock_n).json"
}

# mock_requests: the number of requests received so far.
mock_requests() {
	ls "$MOCK_DIR/requests" | grep -c '\.body$' || :
}

# mock_reset: forget requests and plans (between tests).
mock_reset() {
	rm -rf "$MOCK_DIR/requests" "$MOCK_DIR/plan" "$MOCK_DIR/sent.log"
	mkdir -p "$MOCK_DIR/requests" "$MOCK_DIR/plan"
}

mock_stop() {
	if [ -n "${MOCK_PID:-}" ]; then
		kill "$MOCK_PID" 2>/dev/null || :
		wait "$MOCK_PID" 2>/dev/null || :
		MOCK_PID=
	fi
	if [ -n "${MOCK_DIR:-}" ]; then
		rm -rf "$MOCK_DIR"
		MOCK_DIR=
	fi
}
