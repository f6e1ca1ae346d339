# Sourced by the parts in bench.d/ (scale.sh, fleet.sh) once root, work and
# tag are set: log MSG; the array pids (killed at exit); Pebble started in
# $work/pebble on 127.0.0.1:14000 with PEBBLE_WFE_NONCEREJECT=0 and the
# PEBBLE_* variables the caller exports, stopped at exit; ca and server.
# shellcheck shell=bash
log() { echo "$tag: $*" >&2; }
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  bash "$root/scripts/pebble-down" "$work/pebble" >/dev/null 2>&1 || true
}
trap cleanup EXIT
PEBBLE_WFE_NONCEREJECT=0 ACMECTL_PEBBLE_MAX_SECONDS=7200 \
  bash "$root/scripts/pebble-up" "$work/pebble" >&2
ca=$work/pebble/ca.pem
server=https://127.0.0.1:14000/dir
