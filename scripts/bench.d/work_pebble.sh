# Sourced by the bench.d parts after setting root (the repository), work (a
# scratch folder, made afresh here), part (for log lines) and max_seconds:
# gives log MSG, the array pids (background processes killed at exit), and
# a Pebble in $work/pebble (https://127.0.0.1:14000/dir, CA $ca), stopped at
# exit.
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
