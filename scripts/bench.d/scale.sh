#!/usr/bin/env bash
# scripts/bench part 6, "scale" (issue #20): one store of N lineages.
#
# usage: scripts/bench.d/scale.sh OUT_DIR ACMECTL [LABEL] [N...]   (default N: 100 1000 10000)
#
# For each N: `renew` with nothing due (plain Pebble, no ARI), `renew` with
# nothing due through tests/integration/fixtures/ari_proxy.py (renewalInfo in
# the directory, every window fresh in state.json after a first run), `check
# --json` and `check --format prometheus`: wall (s), CPU (s), peak RSS (KB),
# TCP connections to the CA (connect() calls to its port, strace -f). Appends
# one line per measurement to OUT_DIR/scale.tsv:
#   label  what  N  wall  cpu  rss_kb  connects
# The lineages are made quickly: two issued for real against Pebble, then
# cloned (folder copied, name changed in config.json). Run it in a private
# network namespace (unshare --net bash -c 'ip link set lo up && ...'): it
# starts Pebble on 127.0.0.1:14000 and the proxy on 14300, and stops them.
set -euo pipefail
out=$(realpath "$1")
acmectl=$(realpath "$2")
label=${3:-acmectl}
shift $(($# < 3 ? $# : 3))
sizes=("$@")
((${#sizes[@]})) || sizes=(100 1000 10000)
root=$(cd "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/../.." && pwd)
work=$out/scale-$label
part=scale
max_seconds=7200
# shellcheck source=scripts/bench.d/work_pebble.sh
source "$root/scripts/bench.d/work_pebble.sh"

# The ARI proxy, answering every renewalInfo with a window a month away.
ari=$work/ari
mkdir -p "$ari"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
  -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
  -keyout "$ari/key.pem" -out "$ari/cert.pem" 2>/dev/null
cat "$ca" "$ari/cert.pem" > "$ari/bundle.pem"
jq -n --arg s "$(date -u -d '+30 days' +%FT%TZ)" --arg e "$(date -u -d '+31 days' +%FT%TZ)" \
  '{"*": {start: $s, end: $e, retry_after: 86400}}' > "$ari/ari.json"
timeout 7200 python3 "$root/tests/integration/fixtures/ari_proxy.py" 14300 \
  https://127.0.0.1:14000 "$ari/cert.pem" "$ari/key.pem" "$ari" >"$ari/proxy.out" 2>&1 &
pids+=($!)
ari_server=https://127.0.0.1:14300/dir
for ((i = 0; i < 100; i++)); do # at most ~10 s
  curl -fsS --max-time 1 --cacert "$ari/bundle.pem" -o /dev/null "$ari_server" 2>/dev/null && break
  sleep 0.1
done

seed() { # HOME SERVER CA_BUNDLE: an account and two real lineages
  "$acmectl" register --home "$1" --server "$2" --ca-bundle "$3" --agree-tos -q >&2
  for n in seed-a seed-b; do
    "$acmectl" issue --home "$1" --server "$2" --ca-bundle "$3" --standalone \
      --http-port 5002 -d "$n.scale.example" --name "$n" -q >&2
  done
}
clone() { # HOME N: lineages l00000.. copied from the two seeds (one python3, not N jq)
  python3 - "$1" "$2" <<'PY'
import json, os, shutil, sys
home, n = sys.argv[1], int(sys.argv[2])
certs = os.path.join(home, "certs")
for i in range(n):
    name = "l%05d" % i
    src = os.path.join(certs, "seed-b" if i % 2 else "seed-a")
    dst = os.path.join(certs, name)
    shutil.copytree(src, dst, symlinks=True)
    with open(os.path.join(src, "config.json")) as f:
        config = json.load(f)
    config["name"] = name
    with open(os.path.join(dst, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
for seed in ("seed-a", "seed-b"):
    shutil.rmtree(os.path.join(certs, seed))
PY
}

measure() { # WHAT N PORT CMD...: wall, CPU, RSS under GNU time; connects under strace
  local what=$1 n=$2 port=$3 t0 t1 u s r conns
  shift 3
  t0=$(date +%s%N)
  /usr/bin/time -f '%e %U %S %M' -o "$work/time.out" "$@" >/dev/null 2>"$work/err" ||
    log "$what N=$n exit $? ($(tail -n 2 "$work/err" | tr '\n' ' '))"
  t1=$(date +%s%N)
  read -r _ u s r < <(tail -n 1 "$work/time.out")
  strace -f -qq -e trace=connect -o "$work/strace" "$@" >/dev/null 2>&1 || true
  conns=$(grep -c "sin_port=htons($port)" "$work/strace" || true)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$what" "$n" \
    "$(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.3f", d / 1e9 }')" \
    "$(awk -v a="$u" -v b="$s" 'BEGIN { printf "%.2f", a + b }')" "$r" "$conns" >>"$out/scale.tsv"
  log "$label $what N=$n: $(tail -n 1 "$out/scale.tsv" | cut -f4-)"
}

seed "$work/seed" "$server" "$ca"
seed "$work/seed-ari" "$ari_server" "$ari/bundle.pem"
for n in "${sizes[@]}"; do
  home=$work/home-$n
  rm -rf "$home" "$home-ari"
  cp -a "$work/seed" "$home"
  clone "$home" "$n"
  cp -a "$work/seed-ari" "$home-ari"
  clone "$home-ari" "$n"
  measure renew "$n" 14000 "$acmectl" renew --home "$home" --ca-bundle "$ca" --parallel 4 -q
  # the first run with ARI fills every lineage's window cache in state.json
  "$acmectl" renew --home "$home-ari" --ca-bundle "$ari/bundle.pem" -q >/dev/null 2>&1 || true
  measure renew-ari "$n" 14300 "$acmectl" renew --home "$home-ari" --ca-bundle "$ari/bundle.pem" \
    --parallel 4 -q
  measure check-json "$n" 0 "$acmectl" check --home "$home" --json
  measure check-prometheus "$n" 0 "$acmectl" check --home "$home" --format prometheus
  rm -rf "$home" "$home-ari"
done
