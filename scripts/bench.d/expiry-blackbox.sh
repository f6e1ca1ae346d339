#!/usr/bin/env bash
# scripts/bench part 6, "scale" (issue #20): `acmectl expiry` of many TLS
# endpoints beside Prometheus' blackbox_exporter (Debian's
# prometheus-blackbox-exporter, tcp prober with tls: true), the tool users
# would pick instead, driven at the same concurrency.
#
# usage: scripts/bench.d/expiry-blackbox.sh OUT_DIR ACMECTL [LABEL] [ENDPOINTS] [CONCURRENCY] [RUNS]
#        (defaults: acmectl, 1000 endpoints, concurrency 64, 3 runs)
#
# One nginx serves ENDPOINTS `listen` lines on 127.0.0.1 (ports from
# ACMECTL_BENCH_EXPIRY_PORT [18000]), four leaves of one private root. Per run:
#   acmectl expiry --concurrency C -f targets: wall, CPU, peak RSS (GNU time);
#   blackbox_exporter: ENDPOINTS GET /probe?module=tls&target=... to one
#   exporter started for the run, C at a time, by two drivers: one
#   `curl --parallel --parallel-max C` ("/curl": cheap, like Prometheus'
#   scrapes) and `xargs -P C` running one curl per probe ("/xargs": a shell
#   user's way, which costs a process per probe): wall of the probes;
#   CPU = the exporter's (from /proc, during the probes); the driver's (curl)
#   is a line of its own ("blackbox-driver");
#   RSS = the exporter's peak (VmHWM; the curls are separate small processes).
# Every probe must succeed (acmectl: status OK; exporter: probe_success 1 and
# a probe_ssl_earliest_cert_expiry), or the run is marked failed.
# The floor any tool stands on: "floor-client" is bench.d/tls_floor.c (built
# here with cc when there is one), the cheapest OpenSSL expiry probe: the
# same handshake as acmectl's, the leaf's notAfter read, nothing else, one
# thread, C at a time. "nginx/TOOL" is nginx's CPU (master and workers,
# /proc) during TOOL's run: the server's share, which no client avoids.
# "floor" is derived, not measured: wall = (nginx/floor-client CPU +
# floor-client CPU) / cores, the wall of a client that costs no more than
# the cheapest one with both sides sharing the machine's cores.
# Appends one line per tool and run to OUT_DIR/expiry.tsv:
#   label  tool  endpoints  concurrency  wall  cpu  rss_kb  ok
# (nginx/* and blackbox-driver/* lines: rss 0, ok "-"; floor: ok "derived").
# Loopback only; run it in a private network namespace
# (unshare --net bash -c 'ip link set lo up && ...'); every server it starts is
# stopped at exit, every wait is bounded.
set -euo pipefail
out=$(realpath "$1")
acmectl=$(realpath "$2")
label=${3:-acmectl}
endpoints=${4:-1000}
conc=${5:-64}
runs=${6:-3}
port0=${ACMECTL_BENCH_EXPIRY_PORT:-18000}
bb_port=${ACMECTL_BENCH_BLACKBOX_PORT:-19115}
work=$out/expiry-$label
rm -rf "$work"
mkdir -p "$work/tmp" "$work/pki"
log() { echo "expiry-blackbox: $*" >&2; }
command -v prometheus-blackbox-exporter >/dev/null ||
  { log "prometheus-blackbox-exporter is not installed (scripts/bootstrap)"; exit 1; }
command -v nginx >/dev/null || { log "nginx is not installed"; exit 1; }

pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$p" 2>/dev/null || true
  done
}
trap cleanup EXIT
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# a root and four leaves for 127.0.0.1 with different lifetimes
pki=$work/pki
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$pki/root.key" \
  -out "$pki/root.pem" -subj "/CN=acmectl bench root" -days 365 \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
for days in 50 60 75 90; do
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$pki/leaf$days.key" \
    -out "$pki/leaf$days.csr" -subj "/CN=localhost" 2>/dev/null
  openssl x509 -req -in "$pki/leaf$days.csr" -CA "$pki/root.pem" -CAkey "$pki/root.key" \
    -set_serial "0x$(openssl rand -hex 8)" -days "$days" -sha256 -out "$pki/leaf$days.pem" \
    -extfile <(printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
      "extendedKeyUsage=serverAuth" "subjectAltName=IP:127.0.0.1,DNS:localhost") 2>/dev/null
done

# one nginx, one server per lifetime, ENDPOINTS listen lines in all
{
  echo "worker_processes 2;"
  echo "worker_rlimit_nofile $((endpoints * 2 + 4096));"
  echo "pid $work/nginx.run.pid;"
  echo "daemon off;"
  echo "error_log $work/error.log;"
  echo "events { worker_connections $((endpoints + 2048)); }"
  echo "http {"
  echo "  access_log off;"
  echo "  client_body_temp_path $work/tmp; proxy_temp_path $work/tmp; fastcgi_temp_path $work/tmp;"
  echo "  uwsgi_temp_path $work/tmp; scgi_temp_path $work/tmp;"
  for days in 50 60 75 90; do
    echo "  server {"
    echo "    ssl_certificate $pki/leaf$days.pem; ssl_certificate_key $pki/leaf$days.key; return 204;"
    for ((i = 0; i < endpoints; i++)); do
      d=$(((i % 4 == 0) ? 50 : (i % 4 == 1) ? 60 : (i % 4 == 2) ? 75 : 90))
      ((d == days)) && echo "    listen 127.0.0.1:$((port0 + i)) ssl;"
    done
    echo "  }"
  done
  echo "}"
} >"$work/nginx.conf"
ulimit -n "$((endpoints * 2 + 4096))" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
setsid timeout -k 5 3600 nginx -p "$work" -c "$work/nginx.conf" -e "$work/error.log" </dev/null >"$work/nginx.out" 2>&1 &
pids+=($!)
nginx_timeout=$!
for ((i = 0; i < 150; i++)); do # at most ~15 s
  port_open "$port0" && port_open $((port0 + endpoints - 1)) && break
  sleep 0.1
done
port_open $((port0 + endpoints - 1)) ||
  { log "nginx did not start: $(tail -n 3 "$work/error.log" "$work/nginx.out" 2>/dev/null)"; exit 1; }
for ((i = 0; i < endpoints; i++)); do echo "127.0.0.1:$((port0 + i))"; done >"$work/targets.txt"
nginx_master=$(pgrep -P "$nginx_timeout" -x nginx || true)
[[ -n $nginx_master ]] || { log "no nginx process under $nginx_timeout"; exit 1; }
floor_client=
if command -v cc >/dev/null &&
  cc -O2 -o "$work/tls_floor" "$(dirname "$0")/tls_floor.c" -lssl -lcrypto 2>"$work/cc.err"; then
  floor_client=$work/tls_floor
else
  log "no floor client (cc or OpenSSL headers missing: $(head -n 1 "$work/cc.err" 2>/dev/null))"
fi

cat >"$work/blackbox.yml" <<EOF
modules:
  tls:
    prober: tcp
    timeout: 10s
    tcp:
      preferred_ip_protocol: ip4
      tls: true
      tls_config:
        ca_file: $pki/root.pem
        server_name: localhost
EOF

record() { # TOOL WALL CPU RSS OK
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$1" "$endpoints" "$conc" "$2" "$3" "$4" "$5" \
    >>"$out/expiry.tsv"
  log "$label $1 endpoints=$endpoints concurrency=$conc: wall $2 s, CPU $3 s, RSS $4 KB, ok $5"
}
clock() { date +%s%N; }
secs() { awk -v d="$1" 'BEGIN { printf "%.3f", d / 1e9 }'; }
ticks() { # PID: utime+stime in clock ticks
  awk '{ print $14 + $15 }' "/proc/$1/stat"
}
nginx_ticks() { # the master's and its workers' utime+stime
  local p t=0
  for p in "$nginx_master" $(pgrep -P "$nginx_master" || true); do
    t=$((t + $(ticks "$p")))
  done
  echo "$t"
}
tick_secs() { # TICKS
  awk -v c="$1" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", c / hz }'
}
record_nginx() { # TOOL WALL TICKS: nginx's CPU during TOOL's run
  record "nginx/$1" "$2" "$(tick_secs "$3")" 0 -
}

run_acmectl() {
  local t0 t1 u s r n g0 g1
  g0=$(nginx_ticks)
  t0=$(clock)
  /usr/bin/time -f '%e %U %S %M' -o "$work/time.out" timeout 600 "$acmectl" expiry \
    --concurrency "$conc" --ca-bundle "$pki/root.pem" --json -f "$work/targets.txt" \
    >"$work/acmectl.json" 2>"$work/acmectl.err" || true
  t1=$(clock)
  g1=$(nginx_ticks)
  read -r _ u s r < <(tail -n 1 "$work/time.out")
  n=$(grep -c '"status": *"OK"' "$work/acmectl.json" || true)
  record acmectl "$(secs $((t1 - t0)))" "$(awk -v a="$u" -v b="$s" 'BEGIN { printf "%.2f", a + b }')" \
    "$r" "$([[ $n == "$endpoints" ]] && echo 1 || echo "0 ($n OK)")"
  record_nginx acmectl "$(secs $((t1 - t0)))" $((g1 - g0))
}

run_floor() { # the cheapest client, then the floor derived from it
  local t0 t1 u s r g0 g1 ok client server
  g0=$(nginx_ticks)
  t0=$(clock)
  ok=1
  /usr/bin/time -f '%e %U %S %M' -o "$work/time.out" timeout 600 "$floor_client" "$port0" \
    "$endpoints" "$conc" >"$work/floor.out" 2>"$work/floor.err" || ok="0 ($(head -n 1 "$work/floor.out"))"
  t1=$(clock)
  g1=$(nginx_ticks)
  read -r _ u s r < <(tail -n 1 "$work/time.out")
  client=$(awk -v a="$u" -v b="$s" 'BEGIN { printf "%.2f", a + b }')
  server=$(tick_secs $((g1 - g0)))
  record floor-client "$(secs $((t1 - t0)))" "$client" "$r" "$ok"
  record_nginx floor-client "$(secs $((t1 - t0)))" $((g1 - g0))
  record floor "$(awk -v a="$client" -v b="$server" -v n="$(nproc)" 'BEGIN { printf "%.3f", (a + b) / n }')" \
    "$(awk -v a="$client" -v b="$server" 'BEGIN { printf "%.2f", a + b }')" 0 derived
}

run_blackbox() { # DRIVER: curl (one curl --parallel) or xargs (xargs -P C, one curl per probe)
  local driver=$1 pid t0 t1 c0 c1 u s hz r n g0 g1
  timeout -k 5 1200 prometheus-blackbox-exporter --config.file="$work/blackbox.yml" \
    --web.listen-address="127.0.0.1:$bb_port" >"$work/blackbox.log" 2>&1 &
  pids+=($!)
  for ((i = 0; i < 100; i++)); do port_open "$bb_port" && break; sleep 0.1; done
  pid=$(pgrep -P "${pids[-1]}" -x prometheus-blac || true) # the exporter, under timeout
  [[ -n $pid ]] || { log "no blackbox_exporter process under ${pids[-1]}"; exit 1; }
  port_open "$bb_port" || { log "blackbox_exporter did not start: $(tail -n 3 "$work/blackbox.log")"; exit 1; }
  hz=$(getconf CLK_TCK)
  g0=$(nginx_ticks)
  rm -rf "$work/probe"
  mkdir -p "$work/probe"
  for ((i = 0; i < endpoints; i++)); do
    printf 'url = "http://127.0.0.1:%s/probe?module=tls&target=127.0.0.1:%s"\noutput = "%s"\n' \
      "$bb_port" $((port0 + i)) "$work/probe/$((port0 + i))"
  done >"$work/curl.conf"
  c0=$(ticks "$pid")
  t0=$(clock)
  if [[ $driver == curl ]]; then # one curl, C requests in flight: a driver that costs little
    /usr/bin/time -f '%e %U %S %M' -o "$work/time.out" timeout 1200 curl -sS --max-time 30 \
      --parallel --parallel-immediate --parallel-max "$conc" -K "$work/curl.conf" \
      >"$work/blackbox.curl.out" 2>"$work/blackbox.err" || true
  else # a shell user's way: one curl process per probe, C at a time
    # shellcheck disable=SC2016
    /usr/bin/time -f '%e %U %S %M' -o "$work/time.out" timeout 1200 xargs -P "$conc" -n 1 sh -c \
      'curl -sS --max-time 30 -o "$0/probe/${2##*:}" "http://127.0.0.1:$1/probe?module=tls&target=$2"' \
      "$work" "$bb_port" <"$work/targets.txt" >/dev/null 2>"$work/blackbox.err" || true
  fi
  t1=$(clock)
  c1=$(ticks "$pid")
  g1=$(nginx_ticks)
  r=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status")
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  read -r _ u s _ < <(tail -n 1 "$work/time.out")
  n=0
  for ((i = 0; i < endpoints; i++)); do
    grep -q '^probe_success 1$' "$work/probe/$((port0 + i))" 2>/dev/null &&
      grep -q '^probe_ssl_earliest_cert_expiry [0-9]' "$work/probe/$((port0 + i))" && n=$((n + 1))
  done
  # CPU: the exporter's own; its HTTP clients (sh, curl) are listed apart
  record "blackbox_exporter/$driver" "$(secs $((t1 - t0)))" \
    "$(awk -v c=$((c1 - c0)) -v hz="$hz" 'BEGIN { printf "%.2f", c / hz }')" \
    "$r" "$([[ $n == "$endpoints" ]] && echo 1 || echo "0 ($n OK)")"
  record "blackbox-driver/$driver" "$(secs $((t1 - t0)))" "$(awk -v a="$u" -v b="$s" 'BEGIN { printf "%.2f", a + b }')" \
    0 -
  record_nginx "blackbox_exporter/$driver" "$(secs $((t1 - t0)))" $((g1 - g0))
}

log "$endpoints endpoints on 127.0.0.1:$port0-$((port0 + endpoints - 1)), concurrency $conc, $runs runs," \
  "load $(cut -d' ' -f1-3 /proc/loadavg)"
for ((run = 1; run <= runs; run++)); do
  run_acmectl
  [[ -z $floor_client ]] || run_floor
  run_blackbox curl
  run_blackbox xargs
done
log "done, load $(cut -d' ' -f1-3 /proc/loadavg)"
