#!/usr/bin/env bash
# http-01 across a fleet: three nodes answer for the store (a and b with
# `acmectl store http01 --http-port`, c with `acmectl sync --watch --webroot`
# whose webroot a web server serves) behind a test load balancer on
# HTTP_PORT that sends every request to a random node; node d runs `sync
# --watch` without a webroot and is not waited for; c also keeps a per-SNI
# folder (--sni-dir) at the renewed versions. The renewing node (none
# of them) only publishes the tokens in etcd and waits for the three acks:
# 20 issuances and the renewal of all 20 lineages succeed, and every node
# answered some of Pebble's requests. With node b stopped, issue waits, then
# fails naming b; once b runs again, issuance works again; no token stays
# behind; bad input to the node side is refused on one line.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/etcd_lib.sh"

N=${ACMECTL_FLEET_HTTP_ROUNDS:-20}
S=(--store "$STORE" --store-key-file "$FLEET_KEY")
read -r PA PB PC < <(python3 -c 'import socket
s = [socket.socket() for _ in range(3)]
[x.bind(("127.0.0.1", 0)) for x in s]
print(*[x.getsockname()[1] for x in s])')
WEB=$TEST_TMP/web-c
mkdir -p "$WEB"
LB_LOG=$TEST_TMP/lb.log
: >"$LB_LOG"

start_node() { # NODE COMMAND ARGS...: `acmectl COMMAND` as NODE, stopped at exit; sets NODE_PID
  local node=$1
  shift
  mkdir -p "$TEST_TMP/$node"
  timeout --kill-after=5 280 "$ACMECTL" "$@" --home "$TEST_TMP/$node" "${S[@]}" \
    --node "$node" </dev/null >"$TEST_TMP/$node.log" 2>&1 &
  NODE_PID=$!
  on_exit "pkill -CONT -P $NODE_PID 2>/dev/null; _stop_pid $NODE_PID"
}

registered() { # the nodes registered under /acme/nodes/, one line
  etcdctl --endpoints="$ETCD_URL" get /acme/nodes/ --prefix --keys-only |
    sed -n 's|^/acme/nodes/||p' | sort | paste -sd' ' -
}

issue() { # NAME: issue NAME on the renewing node r (standalone: published for the fleet)
  expect_exit "${2:-0}" "$ACMECTL" issue --home "$HOME_DIR" --server "$SERVER" --ca-bundle "$CA" \
    "${S[@]}" --node r --standalone --json -d "$1"
}

register_account "${S[@]}"
# Bad input to the node side: one line, nothing registered.
expect_exit 64 "$ACMECTL" store http01 --home "$TEST_TMP/x" "${S[@]}" --node x
expect_one_line "$ERR" "stderr without --webroot/--http-port"
expect_exit 1 "$ACMECTL" store http01 --home "$TEST_TMP/x" "${S[@]}" --node x \
  --webroot "$TEST_TMP/missing"
expect_one_line "$ERR" "stderr for a missing webroot"
expect_contains "$ERR" "$TEST_TMP/missing" "error names the webroot"
expect_exit 1 "$ACMECTL" store http01 --home "$TEST_TMP/x" --node x --http-port "$PA"
expect_contains "$ERR" "give --store etcd://" "error without an etcd store"
expect_eq "$(registered)" "" "registered after bad input"

start_node a store http01 --http-port "$PA"
start_node b store http01 --http-port "$PB"
pid_b=$NODE_PID
start_node c sync --watch --webroot "$WEB" --sni-dir "$TEST_TMP/sni-c"
start_node d sync --watch
start_http_server "$WEB" "$PC"
for ((i = 0; i < 100; i++)); do # ~10 s for the four registrations
  [[ $(registered) == "a b c d" ]] && break
  sleep 0.1
done
expect_eq "$(registered)" "a b c d" "registered nodes"
timeout --kill-after=5 280 python3 "$REPO_ROOT/tests/integration/fixtures/lb_proxy.py" \
  "$HTTP_PORT" "$LB_LOG" "$PA" "$PB" "$PC" </dev/null >"$TEST_TMP/lb.out" 2>&1 &
on_exit "_stop_pid $!"
for ((i = 0; i < 100; i++)); do
  curl -s --max-time 1 -o /dev/null "http://127.0.0.1:$HTTP_PORT/" && break
  sleep 0.1
done

# N issuances in a row, then the renewal of all of them.
for ((i = 1; i <= N; i++)); do
  issue "f$i.fleet-http.example"
  expect_contains "$ERR" "http-01 across the fleet: publishing the tokens for 3 node(s)" "issue $i"
done
expect_exit 0 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" "${S[@]}" --node r --force \
  --parallel 4 --json
expect_eq "$(json .totals.renewed)" "$N" "renewed"
expect_eq "$(json .totals.failed)" 0 "failed"
for port in "$PA" "$PB" "$PC"; do
  hits=$(grep -c "^$port /.well-known/acme-challenge/" "$LB_LOG" || true)
  ((hits > 0)) || fail "node on port $port answered none of Pebble's requests"
done
if grep ' /.well-known/acme-challenge/' "$LB_LOG" | grep -v ' 200$'; then
  fail "a node did not serve a token the CA asked for"
fi
expect_eq "$(etcdctl --endpoints="$ETCD_URL" get /acme/challenges/ --prefix --keys-only)" "" \
  "tokens left in etcd"
[[ -z $(ls -A "$WEB/.well-known/acme-challenge" 2>/dev/null) ]] || fail "tokens left in c's webroot"

# Node c's sync keeps its per-SNI folder at the renewed versions (bounded wait).
want=$(lineage_dir f1.fleet-http.example)/current/fullchain.pem
for ((i = 0; i < 50; i++)); do
  cmp -s "$TEST_TMP/sni-c/f1.fleet-http.example/fullchain.pem" "$want" && break
  sleep 0.2
done
cmp -s "$TEST_TMP/sni-c/f1.fleet-http.example/fullchain.pem" "$want" ||
  fail "node c's SNI folder does not hold the renewed certificate"
[[ -L $TEST_TMP/sni-c/f$N.fleet-http.example ]] || fail "no SNI entry for f$N on node c"

# sync --once --sni-dir (cron) fills a fresh node's folder and exits 0.
mkdir -p "$TEST_TMP/e"
expect_exit 0 "$ACMECTL" sync --once --home "$TEST_TMP/e" "${S[@]}" --node e \
  --sni-dir "$TEST_TMP/sni-e" -q
cmp -s "$TEST_TMP/sni-e/f1.fleet-http.example/fullchain.pem" "$want" ||
  fail "sync --once did not fill the SNI folder"

# Node b stops answering (its lease outlives the wait): issue fails naming it.
acmectl_b=$(pgrep -P "$pid_b") # timeout's child: acmectl itself
[[ -n $acmectl_b ]] || fail "node b's acmectl is not running"
kill -STOP "$acmectl_b"
start=$(date +%s)
issue stopped.fleet-http.example 75
expect_contains "$ERR" "node(s) b did not acknowledge the challenge token(s) within 10 s" "error"
(($(date +%s) - start < 30)) || fail "the wait was not bounded"
expect_eq "$(etcdctl --endpoints="$ETCD_URL" get /acme/challenges/ --prefix --keys-only)" "" \
  "tokens left in etcd after the failure"
kill -CONT "$acmectl_b"
issue again.fleet-http.example
