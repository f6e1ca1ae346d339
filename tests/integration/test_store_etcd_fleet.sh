#!/usr/bin/env bash
# Three nodes (three homes, --node a/b/c) share one etcd store and run
# `renew --force` at the same moment on N lineages (ACMECTL_FLEET_LINEAGES,
# 20 as issue #17 asks): Pebble's log shows exactly N new orders and N
# certificates, and every lineage gets exactly one new version; the lock
# names the node holding it.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/etcd_lib.sh"

N=${ACMECTL_FLEET_LINEAGES:-20}
S=(--store "$STORE" --store-key-file "$FLEET_KEY")
register_account "${S[@]}"
# http-01 through a webroot served on HTTP_PORT, shared by the three nodes (as
# a load balancer in front of them would).
WEB=$TEST_TMP/web
mkdir -p "$WEB"
start_http_server "$WEB" "$HTTP_PORT"
for ((i = 1; i <= N; i++)); do
  expect_exit 0 "$ACMECTL" issue --home "$HOME_DIR" --server "$SERVER" --ca-bundle "$CA" \
    --webroot "$WEB" --json "${S[@]}" -d "l$i.fleet.example" --name "l$i"
done
issued() { grep -c "Issued certificate serial" "$PEBBLE_DIR/pebble.log" || true; }
orders() { grep -c "Added order" "$PEBBLE_DIR/pebble.log" || true; }
before=$(issued) orders_before=$(orders) t0=$SECONDS
for node in a b c; do
  mkdir -p "$TEST_TMP/$node"
  timeout 120 "$ACMECTL" renew --home "$TEST_TMP/$node" --ca-bundle "$CA" --force \
    "${S[@]}" --node "$node" --json >"$TEST_TMP/$node.out" 2>"$TEST_TMP/$node.err" &
  eval "pid_$node=$!"
done
for node in a b c; do
  eval "wait \$pid_$node" || true
  cat "$TEST_TMP/$node.err"
done
renewed=$(cat "$TEST_TMP"/{a,b,c}.out | jq -s '[.[].lineages[] | select(.action == "renewed")] | length')
expect_eq "$renewed" "$N" "lineages renewed across the three nodes"
echo "three nodes renewed $N lineages in $((SECONDS - t0)) s"
expect_eq "$(($(orders) - orders_before))" "$N" "new orders in Pebble's log"
expect_eq "$(($(issued) - before))" "$N" "certificates Pebble issued"
for ((i = 1; i <= N; i++)); do
  expect_exit 0 etcdctl --endpoints="$ETCD_URL" get "/acme/certs/l$i/current" --print-value-only
  expect_eq "$OUT" 2 "current of l$i"
  expect_exit 0 etcdctl --endpoints="$ETCD_URL" get "/acme/certs/l$i/versions/3/cert" --print-value-only
  expect_eq "$OUT" "" "no third version of l$i"
done
# A held lock names its node: hold l1's lock as node "z", renew on node a
# (a lineage named on the command line and locked: 75, since main's #16).
lease=$(etcdctl --endpoints="$ETCD_URL" lease grant 60 | awk '{print $2}')
etcdctl --endpoints="$ETCD_URL" put /acme/locks/l1 z --lease="$lease" >/dev/null
expect_exit 75 "$ACMECTL" renew --home "$TEST_TMP/a" --ca-bundle "$CA" --force "${S[@]}" \
  --node a --json --name l1
expect_eq "$(json '.lineages[0].action')" locked "outcome with the lock held"
expect_contains "$(json '.lineages[0].message')" "node z"
expect_exit 0 "$ACMECTL" store status "${S[@]}" --json
expect_eq "$(json '.locks.l1')" z "store status lock holder"
