# Sourced by the bench.d parts after setting root (the repository), work (a
# scratch folder, made afresh here), part (for log lines) and max_seconds:
# gives log MSG, the array pids (background processes killed at exit), and
# a Pebble in $work/pebble (https://127.0.0.1:14000/dir, CA $ca), stopped at
# exit; start_etcd CLIENT_PORT PEER_PORT starts one etcd member on loopback
# (etcd_url) and waits until it is healthy.
# shellcheck shell=bash
rm -rf "$work"
mkdir -p "$work"
log() { echo "$part: $*" >&2; }

pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  bash "$root/scripts/pebble-down" "$work/pebble" >/dev/null 2>&1 || true
}
trap cleanup EXIT
PEBBLE_WFE_NONCEREJECT=0 ACMECTL_PEBBLE_MAX_SECONDS=$max_seconds \
  bash "$root/scripts/pebble-up" "$work/pebble" >&2
ca=$work/pebble/ca.pem
server=https://127.0.0.1:14000/dir

start_etcd() { # CLIENT_PORT PEER_PORT
  local peer=http://127.0.0.1:$2 i
  etcd_url=http://127.0.0.1:$1
  timeout "$max_seconds" etcd --name bench --data-dir "$work/etcd" \
    --listen-client-urls "$etcd_url" --advertise-client-urls "$etcd_url" \
    --listen-peer-urls "$peer" --initial-advertise-peer-urls "$peer" \
    --initial-cluster "bench=$peer" >"$work/etcd.log" 2>&1 &
  pids+=($!)
  for ((i = 0; i < 150; i++)); do # at most ~15 s
    curl -s --max-time 1 "$etcd_url/health" | grep -q '"health":"true"' && return 0
    sleep 0.1
  done
  log "etcd did not start: $(tail -5 "$work/etcd.log")"
  exit 1
}
