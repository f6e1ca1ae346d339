# Sourced by the etcd store cases after lib.sh: starts one etcd member
# (Debian's etcd-server) on 127.0.0.1 with a throwaway data folder in TEST_TMP,
# waits (bounded) until it answers /health, and stops it at exit. Sets:
#   ETCD_PORT, ETCD_URL (http://127.0.0.1:PORT), STORE (etcd://127.0.0.1:PORT/acme),
#   FLEET_KEY (a fleet key file made by `acmectl store init-key`)
# and etcd_get_prefix PREFIX (etcdctl get --prefix, keys and values).
# A case may set before sourcing: ETCD_SCHEME=https with ETCD_ARGS (the
# member's TLS flags) and ETCD_CURL_ARGS / ETCDCTL_ARGS (how the test's own
# curl and etcdctl reach it); STORE is then etcds://.
# shellcheck shell=bash

command -v etcd >/dev/null || fail "etcd not installed (scripts/bootstrap installs etcd-server)"
command -v etcdctl >/dev/null || fail "etcdctl not installed (etcd-client)"

# Ports from the test's pid so cases never collide with a leftover member.
ETCD_PORT=$((23000 + ($$ % 500) * 2))
ETCD_PEER_PORT=$((ETCD_PORT + 1))
ETCD_URL=${ETCD_SCHEME:-http}://127.0.0.1:$ETCD_PORT
STORE=etcd://127.0.0.1:$ETCD_PORT/acme
[[ $ETCD_URL != https:* ]] || STORE=etcds://127.0.0.1:$ETCD_PORT/acme
[[ -v ETCD_ARGS ]] || ETCD_ARGS=()
[[ -v ETCD_CURL_ARGS ]] || ETCD_CURL_ARGS=()
[[ -v ETCDCTL_ARGS ]] || ETCDCTL_ARGS=()

start_etcd() {
  local i pid
  # timeout is a net: the member ends itself even if this script is killed.
  timeout --kill-after=5 600 etcd --name t --data-dir "$TEST_TMP/etcd-data" \
    --listen-client-urls "$ETCD_URL" --advertise-client-urls "$ETCD_URL" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "t=http://127.0.0.1:$ETCD_PEER_PORT" "${ETCD_ARGS[@]}" \
    </dev/null >"$TEST_TMP/etcd.log" 2>&1 &
  pid=$!
  ETCD_PID=$pid
  on_exit "_stop_pid $pid"
  for ((i = 0; i < 150; i++)); do # at most ~15 s
    if curl -s --max-time 1 "${ETCD_CURL_ARGS[@]}" "$ETCD_URL/health" | grep -q '"health":"true"'; then
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || fail "etcd exited: $(tail -20 "$TEST_TMP/etcd.log")"
    sleep 0.1
  done
  fail "etcd did not answer on $ETCD_URL within 15 s"
}

etcd_get_prefix() { # PREFIX: every key and value under it
  ETCDCTL_API=3 etcdctl --endpoints="$ETCD_URL" "${ETCDCTL_ARGS[@]}" get --prefix "$1"
}

start_etcd
FLEET_KEY=$TEST_TMP/fleet.key
"$ACMECTL" store init-key "$FLEET_KEY" >/dev/null || fail "store init-key failed"
