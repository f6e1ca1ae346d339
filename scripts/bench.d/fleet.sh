#!/usr/bin/env bash
# scripts/bench part 7, "fleet" (issue #17): `renew --force` of N lineages
# by a 3-node fleet (three homes, --node n1..n3, one etcd on loopback, all
# three started at once) against one Pebble, versus the same N renewals with
# the file store on one node.
#
# usage: scripts/bench.d/fleet.sh OUT_DIR ACMECTL [N] [RUNS]   (default N 100, RUNS 1)
#
# Each node renews with --parallel $ACMECTL_BENCH_FLEET_PARALLEL (default 4),
# the file store too. Per run it measures wall time (s), orders placed and
# certificates issued (Pebble's log: must be N exactly), etcd requests (gRPC
# calls started, from etcd's /metrics before and after, per method) and the
# renewals each node did, for a fleet whose nodes ran before ("fleet": they
# hold local copies of the current versions, as after any timer run) and one
# of fresh homes ("fleet-cold"). Appends to OUT_DIR/fleet.tsv:
#   store  run  n  parallel  wall_s  orders  issued  etcd_requests  per_renewal  breakdown
# and prints it. Pebble (http-01 without sleeps, no authz reuse) validates on
# 127.0.0.1:5002, answered by a python3 web server over one webroot that every
# node writes to (as a load balancer would send /.well-known to any node).
# Run it in a private network namespace:
#   unshare --net bash -c 'ip link set lo up && scripts/bench.d/fleet.sh /tmp/out build/cli/acmectl'
# Everything is on 127.0.0.1; every server started here stops at exit; every
# run is bounded (timeout).
set -euo pipefail
out=$(realpath "$1")
acmectl=$(realpath "$2")
n=${3:-100}
runs=${4:-1}
parallel=${ACMECTL_BENCH_FLEET_PARALLEL:-4}
root=$(cd "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/../.." && pwd)
work=$out/fleet
part=fleet
max_seconds=7200
export PEBBLE_AUTHZREUSE=0 # every renewal validates
# shellcheck source=scripts/bench.d/work_pebble.sh
source "$root/scripts/bench.d/work_pebble.sh"
mkdir -p "$work/web"
pebble_log=$work/pebble/pebble.log

timeout 7200 python3 -m http.server 5002 --bind 127.0.0.1 --directory "$work/web" \
  >"$work/web.log" 2>&1 &
pids+=($!)
start_etcd 2479 2480
for ((i = 0; i < 150; i++)); do # the web server too
  curl -s --max-time 1 -o /dev/null http://127.0.0.1:5002/ && break
  sleep 0.1
done

# N lineages: two issued for real (http-01 through the shared webroot), the
# others copies of them under new names; renew --force renews each anyway.
seed=$work/seed
"$acmectl" register --home "$seed" --server "$server" --ca-bundle "$ca" --agree-tos -q >&2
for s in seed-a seed-b; do
  "$acmectl" issue --home "$seed" --server "$server" --ca-bundle "$ca" --webroot "$work/web" \
    -d "$s.fleet.example" --name "$s" -q >&2
done
python3 - "$seed" "$n" <<'PY'
import json, os, shutil, sys
home, n = sys.argv[1], int(sys.argv[2])
certs = os.path.join(home, "certs")
for i in range(n):
    name, src = "f%03d" % i, os.path.join(certs, "seed-b" if i % 2 else "seed-a")
    shutil.copytree(src, os.path.join(certs, name), symlinks=True)
    with open(os.path.join(src, "config.json")) as f:
        config = json.load(f)
    config["name"] = name
    with open(os.path.join(certs, name, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
for seed in ("seed-a", "seed-b"):
    shutil.rmtree(os.path.join(certs, seed))
PY
key=$work/fleet.key
"$acmectl" store init-key "$key" >/dev/null

orders() { grep -c 'POST /order-plz' "$pebble_log" || true; }
issued() { grep -c 'Issued certificate serial' "$pebble_log" || true; }
grpc_started() { # method<TAB>count of gRPC calls started, from etcd's /metrics
  curl -s "$etcd_url/metrics" | awk -F'[{}]' '/^grpc_server_started_total\{/ {
      split($2, labels, ","); for (i in labels) if (labels[i] ~ /^grpc_method=/) {
        m = labels[i]; gsub(/grpc_method=|"/, "", m) }
      split($3, v, " "); if (v[1] > 0) print m "\t" v[1] }' | sort
}
breakdown() { # BEFORE AFTER (grpc_started outputs): "Range 812, Txn 300, ..." and the total
  join -t $'\t' -a 2 -e 0 -o 0,1.2,2.2 <(echo "$1") <(echo "$2") |
    awk -F'\t' '{ d = $3 - $2; if (d > 0) { s = s (s ? ", " : "") $1 " " d; t += d } }
      END { print t "\t" s }'
}
record() { # STORE RUN WALL ORDERS ISSUED REQUESTS BREAKDOWN
  local per="-"
  [[ $6 == - ]] || per=$(awk -v r="$6" -v n="$n" 'BEGIN { printf "%.1f", r / n }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$n" "$parallel" "$3" "$4" "$5" \
    "$6" "$per" "$7" | tee -a "$out/fleet.tsv"
}
now() { date +%s%N; }
secs() { awk -v d=$(($2 - $1)) 'BEGIN { printf "%.2f", d / 1e9 }'; }

# The fleet: the same lineages migrated into etcd, three nodes at once.
# WARM: each node ran `renew` once before (nothing due), as its timer does,
# so it has its local copies of the current versions; else fresh homes.
fleet_run() { # LABEL RUN WARM
  local label=$1 run=$2 warm=$3 store=etcd://127.0.0.1:2479/$1-$2 node p before o c t0 t1
  "$acmectl" store migrate --home "$work/migrate" --from "$seed" --to "$store" \
    --store-key-file "$key" --current-only -q >&2
  local S=(--store "$store" --store-key-file "$key" --ca-bundle "$ca" --parallel "$parallel")
  for node in n1 n2 n3; do
    rm -rf "$work/$node-$label"
    ((warm)) || continue
    timeout 600 "$acmectl" renew --home "$work/$node-$label" "${S[@]}" --node "$node" -q >&2
  done
  before=$(grpc_started) o=$(orders) c=$(issued) t0=$(now)
  local node_pids=()
  for node in n1 n2 n3; do
    timeout 1800 "$acmectl" renew --home "$work/$node-$label" "${S[@]}" --force --node "$node" \
      --json >"$work/$node-$label.json" 2>"$work/$node-$label.err" &
    node_pids+=($!)
  done
  for p in "${node_pids[@]}"; do wait "$p" || log "a node of $label run $run exited $?"; done
  t1=$(now)
  IFS=$'\t' read -r total detail < <(breakdown "$before" "$(grpc_started)")
  record "$label" "$run" "$(secs "$t0" "$t1")" $(($(orders) - o)) $(($(issued) - c)) "$total" \
    "$detail"
  for node in n1 n2 n3; do
    log "$label run $run $node renewed $(jq '[.lineages[] | select(.action == "renewed")] |
      length' "$work/$node-$label.json" 2>/dev/null || echo '?')"
  done
}

for ((run = 1; run <= runs; run++)); do
  # The file store, one node.
  home=$work/file-$run
  rm -rf "$home"
  cp -a "$seed" "$home"
  o=$(orders) c=$(issued) t0=$(now)
  timeout 1800 "$acmectl" renew --home "$home" --ca-bundle "$ca" --force --parallel "$parallel" \
    -q >"$work/file-$run.out" 2>&1 || log "file store run $run exit $?: $(tail -3 "$work/file-$run.out")"
  t1=$(now)
  record file "$run" "$(secs "$t0" "$t1")" $(($(orders) - o)) $(($(issued) - c)) - -
  rm -rf "$home"

  fleet_run fleet-cold "$run" 0
  fleet_run fleet "$run" 1
done
