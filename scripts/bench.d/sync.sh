#!/usr/bin/env bash
# scripts/bench part 7, "sync" (issue #18): how soon a renewal reaches the
# fleet. Node A renews one lineage N times (`renew --force`) in an etcd store;
# nodes B and C run `acmectl sync --watch`. For each version, the latency is
# the time from the moment etcd made it current (an `etcdctl watch` on the
# lineage's current key stamps each change as it arrives) to the moment B's
# and C's deploy command ran (it appends a timestamp to the node's log).
# Prints p50/p90/p99/max per node and overall, and the watchers' CPU time.
#
# usage: scripts/bench.d/sync.sh OUT_DIR ACMECTL [N]     (default N: 50)
#
# Loopback only: run it in a private network namespace
#   unshare --net bash -c 'ip link set lo up && scripts/bench.d/sync.sh /tmp/sync-out build/cli/acmectl'
# It starts Pebble (127.0.0.1:14000, http-01 on 5002) and etcd (127.0.0.1:24379),
# and stops them and the watchers at exit; every wait is bounded.
set -euo pipefail
out=$(realpath -m "$1")
acmectl=$(realpath "$2")
n=${3:-50}
root=$(cd "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/../.." && pwd)
work=$out/sync
part=sync-bench
max_seconds=3600
# shellcheck source=scripts/bench.d/work_pebble.sh
source "$root/scripts/bench.d/work_pebble.sh"
start_etcd 24379 24380
"$acmectl" store init-key "$work/fleet.key" >/dev/null
S=(--store etcd://127.0.0.1:24379/acme --store-key-file "$work/fleet.key")
name=bench.sync.example
# shellcheck disable=SC2016 # expanded by the hook's shell
deploy='echo "$(readlink "$ACMECTL_CERT_DIR") $(date +%s.%N)" >> "$ACMECTL_CERT_DIR/../../../../deploy.log"'
"$acmectl" register --home "$work/a" "${S[@]}" --node a --server https://127.0.0.1:14000/dir \
  --ca-bundle "$ca" --agree-tos -q
"$acmectl" issue --home "$work/a" "${S[@]}" --node a --server https://127.0.0.1:14000/dir \
  --ca-bundle "$ca" --standalone --http-port 5002 -d "$name" -q
"$acmectl" deploy-hook --home "$work/a" "${S[@]}" --node a "$name" --add "$deploy" >/dev/null

# Activation stamps: "UNIXTIME VERSION" per change of current.
timeout 3600 etcdctl --endpoints="$etcd_url" watch "/acme/certs/$name/current" \
  > >(while IFS= read -r line; do
    [[ $line =~ ^[0-9]+$ ]] && printf '%s %s\n' "$(date +%s.%N)" "$line"
  done >"$work/activations.log") &
pids+=($!)
declare -A watcher
for node in b c; do
  mkdir -p "$work/$node"
  "$acmectl" sync --watch --home "$work/$node" "${S[@]}" --node "$node" ${ACMECTL_BENCH_SYNC_FLAGS:--q} \
    >"$work/$node.out" 2>"$work/$node.err" &
  watcher[$node]=$!
  pids+=($!)
done
for ((i = 0; i < 200; i++)); do # both have version 1 (at most ~20 s)
  [[ -f $work/b/deploy.log && -f $work/c/deploy.log ]] && break
  sleep 0.1
done
sleep 1

log "renewing $name $n times"
for ((v = 2; v <= n + 1; v++)); do
  timeout 120 "$acmectl" renew --home "$work/a" "${S[@]}" --node a --ca-bundle "$ca" \
    --force --name "$name" -q
  for ((i = 0; i < 100; i++)); do # both deployed it (at most ~10 s)
    grep -q "^versions/$v " "$work/b/deploy.log" && grep -q "^versions/$v " "$work/c/deploy.log" &&
      break
    sleep 0.05
  done
done
sleep 0.5
for node in b c; do
  cpu=$(awk '{print $14 + $15}' "/proc/${watcher[$node]}/stat")
  echo "cpu $node $cpu $(getconf CLK_TCK)" >>"$work/cpu.log"
done

python3 - "$work" "$n" <<'PY'
import sys
work, n = sys.argv[1], int(sys.argv[2])
act = {}
for line in open(f"{work}/activations.log"):
    t, v = line.split()
    act.setdefault(int(v), float(t))
def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]
rows, every = [], []
for node in ("b", "c"):
    lat = []
    for line in open(f"{work}/{node}/deploy.log"):
        path, t = line.split()
        v = int(path.split("/")[1])
        if v >= 2 and v in act:
            lat.append((float(t) - act[v]) * 1000)
    every += lat
    rows.append((node, lat))
rows.append(("b+c", every))
print(f"| node | versions | p50 ms | p90 ms | p99 ms | max ms |")
print(f"| ---- | -------- | ------ | ------ | ------ | ------ |")
for node, lat in rows:
    of = 2 * n if node == "b+c" else n
    if lat:
        print(f"| {node} | {len(lat)} of {of} | {pct(lat,50):.0f} | {pct(lat,90):.0f} | {pct(lat,99):.0f} | {max(lat):.0f} |")
    else:
        print(f"| {node} | 0 of {of} | - | - | - | - |")
for line in open(f"{work}/cpu.log"):
    _, node, ticks, hz = line.split()
    print(f"\nwatcher {node}: {int(ticks) / int(hz):.2f} s CPU (user+sys) over the run", end="")
print()
PY
