# cluster.sh - a private Redis Cluster for tests: 3 masters and 3
# replicas on loopback.  Source it after redis.sh, then:
#
#	trap cluster_stop EXIT
#	cluster_start || exit 1		# sets CLUSTER_PORTS, CLUSTER_URL
#	cluster_cli -p PORT CLUSTER INFO
#	cluster_master_of KEY		# the port of the master owning KEY
#	cluster_kill PORT		# SIGKILL one node (a crash)
#	cluster_wait_ok			# until every slot is served again
#	cluster_stop
#
# Ports are picked at random in 20000-44999 with the cluster bus port
# (port + 10000) free too; a node that does not answer (a port taken
# between the check and the start) gives way to another port.  Each node runs in the foreground of a
# background job, with no persistence, cluster-node-timeout 1000 ms (so
# a failover takes a second or two), in its own folder under
# $CLUSTER_DIR.  redis-cli --cluster create makes the cluster; the
# script waits until CLUSTER INFO says cluster_state:ok on every node and
# every replica is attached.  POSIX sh; works under `set -eu`.

_cluster_free() {
	_redis_port_busy "$1" && return 1
	_redis_port_busy "$(($1 + 10000))" && return 1
	return 0
}

cluster_cli() {
	redis-cli -h 127.0.0.1 "$@"
}

# cluster_start [N_MASTERS]: 3 masters by default, one replica each.
cluster_start() {
	_masters=${1:-3}
	_n=$((_masters * 2))
	CLUSTER_DIR=$(mktemp -d "${TMPDIR:-/tmp}/redis-cluster.XXXXXX") ||
		return 1
	CLUSTER_PORTS=
	_i=0
	_tries=0
	while [ "$_i" -lt "$_n" ]; do
		_tries=$((_tries + 1))
		[ "$_tries" -lt 100 ] || { cluster_stop; return 1; }
		_p=$(( $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 25000 + 20000 ))
		case " $CLUSTER_PORTS " in *" $_p "*) continue ;; esac
		_cluster_free "$_p" || continue
		mkdir -p "$CLUSTER_DIR/$_p"
		redis-server --port "$_p" --bind 127.0.0.1 --save '' \
		    --appendonly no --daemonize no --cluster-enabled yes \
		    --cluster-config-file "$CLUSTER_DIR/$_p/nodes.conf" \
		    --cluster-node-timeout 1000 --cluster-replica-validity-factor 0 \
		    --repl-diskless-sync-delay 0 \
		    --dir "$CLUSTER_DIR/$_p" --logfile "$CLUSTER_DIR/$_p/log" \
		    >/dev/null 2>&1 &
		_pid=$!
		# Until it answers; one that cannot start (its port or bus
		# port taken meanwhile) gives way to another port.
		_w=0
		until cluster_cli -p "$_p" ping 2>/dev/null | grep -q PONG; do
			_w=$((_w + 1))
			if [ "$_w" -ge 200 ] || ! kill -0 "$_pid" 2>/dev/null; then
				kill -9 "$_pid" 2>/dev/null || :
				wait "$_pid" 2>/dev/null || :
				_pid=
				break
			fi
			sleep 0.05
		done
		if [ -z "$_pid" ]; then
			cat "$CLUSTER_DIR/$_p/log" >>"$CLUSTER_DIR/failed.log" 2>/dev/null
			rm -rf "${CLUSTER_DIR:?}/$_p"
			continue
		fi
		echo "$_pid $_p" >>"$CLUSTER_DIR/pids"
		CLUSTER_PORTS="$CLUSTER_PORTS $_p"
		_i=$((_i + 1))
	done
	CLUSTER_PORTS=${CLUSTER_PORTS# }
	_addrs=
	for _p in $CLUSTER_PORTS; do
		_addrs="$_addrs 127.0.0.1:$_p"
	done
	# shellcheck disable=SC2086
	if ! redis-cli --cluster create $_addrs --cluster-replicas 1 \
	    --cluster-yes >"$CLUSTER_DIR/create.log" 2>&1; then
		cat "$CLUSTER_DIR/create.log" >&2
		cluster_stop
		return 1
	fi
	cluster_wait_ok || { cluster_stop; return 1; }
	_first=${CLUSTER_PORTS%% *}
	CLUSTER_URL="redis-cluster://127.0.0.1:$_first"
	export CLUSTER_PORTS CLUSTER_URL CLUSTER_DIR
}

# Until every live node says cluster_state:ok and knows a master for
# every slot, and every master has its replica (about 20 s at most).
cluster_wait_ok() {
	_w=0
	while [ "$_w" -lt 400 ]; do
		_ok=1
		for _p in $(cluster_live_ports); do
			cluster_cli -p "$_p" cluster info 2>/dev/null |
			    grep -q 'cluster_state:ok' || _ok=
		done
		if [ -n "$_ok" ]; then
			_p=$(cluster_live_ports | head -n 1)
			# Every master serving slots must be one still running.
			_live=" $(cluster_live_ports | tr '\n' ' ') "
			for _mp in $(cluster_cli -p "$_p" cluster nodes 2>/dev/null |
			    awk '$3 ~ /master/ && NF >= 9 {
				split($2, hp, "[:@]"); print hp[2] }'); do
				case $_live in *" $_mp "*) ;; *) _ok= ;; esac
			done
		fi
		if [ -n "$_ok" ]; then
			_m=$(cluster_cli -p "$_p" cluster nodes 2>/dev/null |
			    grep -c ' master ' || :)
			# Replicas that have synced: until then CLUSTER SLOTS
			# (Redis 7) leaves them out and WAIT counts none.
			_s=0
			for _rp in $(cluster_live_ports); do
				cluster_cli -p "$_rp" info replication 2>/dev/null |
				    grep -q '^master_link_status:up' &&
				    _s=$((_s + 1))
			done
			[ "${CLUSTER_WANT_REPLICAS:-$_m}" -le "$_s" ] && return 0
		fi
		_w=$((_w + 1))
		sleep 0.05
	done
	echo "cluster_wait_ok: the cluster did not settle" >&2
	return 1
}

# The ports of the nodes still running, one a line.
cluster_live_ports() {
	while read -r _pid _p; do
		kill -0 "$_pid" 2>/dev/null && echo "$_p"
	done <"$CLUSTER_DIR/pids"
}

# The port of the master that owns KEY's slot.
cluster_master_of() {
	_p=$(cluster_live_ports | head -n 1)
	_slot=$(cluster_cli -p "$_p" cluster keyslot "$1")
	cluster_cli -p "$_p" cluster nodes | awk -v s="$_slot" '
	    $3 ~ /master/ && $3 !~ /fail/ {
		for (i = 9; i <= NF; i++) {
			n = split($i, r, "-")
			lo = r[1]; hi = n > 1 ? r[2] : r[1]
			if ($i !~ /^\[/ && s + 0 >= lo + 0 && s + 0 <= hi + 0) {
				split($2, hp, "[:@]"); print hp[2]; exit
			}
		}
	    }'
}

# SIGKILL the node on PORT.
cluster_kill() {
	while read -r _pid _p; do
		if [ "$_p" = "$1" ]; then
			kill -9 "$_pid" 2>/dev/null || :
			wait "$_pid" 2>/dev/null || :
		fi
	done <"$CLUSTER_DIR/pids"
}

cluster_stop() {
	if [ -n "${CLUSTER_DIR:-}" ] && [ -f "$CLUSTER_DIR/pids" ]; then
		while read -r _pid _p; do
			_redis_kill "$_pid"
		done <"$CLUSTER_DIR/pids"
	fi
	if [ -n "${CLUSTER_DIR:-}" ]; then
		rm -rf "$CLUSTER_DIR"
		CLUSTER_DIR=
	fi
}
