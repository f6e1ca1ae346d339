#!/usr/bin/env bash
# A 3-member etcd cluster on loopback (three etcd processes, throwaway data
# folders, stopped by this case). The leader (etcdctl endpoint status) is
# stopped during a renewal, while the CA validates: the renewal completes
# through another member, or ends with exit 75 and the certificate kept, which
# the next run stores. Either way nothing is lost and Pebble issued once.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/etcd_fault_lib.sh"

command -v etcd >/dev/null || fail "etcd not installed (scripts/bootstrap installs etcd-server)"
base=$((24000 + ($$ % 300) * 6))
CLUSTER="" EPS=""
for i in 0 1 2; do
  CPORT[i]=$((base + 2 * i))
  PPORT[i]=$((base + 2 * i + 1))
  CLUSTER+="${CLUSTER:+,}m$i=http://127.0.0.1:${PPORT[i]}"
  EPS+="${EPS:+,}http://127.0.0.1:${CPORT[i]}"
done
ETCD_URL=$EPS
STORE=etcd://${EPS//http:\/\//}/acme
for i in 0 1 2; do
  timeout --kill-after=5 600 etcd --name "m$i" --data-dir "$TEST_TMP/etcd-m$i" \
    --listen-client-urls "http://127.0.0.1:${CPORT[i]}" \
    --advertise-client-urls "http://127.0.0.1:${CPORT[i]}" \
    --listen-peer-urls "http://127.0.0.1:${PPORT[i]}" \
    --initial-advertise-peer-urls "http://127.0.0.1:${PPORT[i]}" \
    --initial-cluster "$CLUSTER" --initial-cluster-state new --initial-cluster-token "t$$" \
    </dev/null >"$TEST_TMP/etcd-m$i.log" 2>&1 &
  MPID[i]=$!
  on_exit "_stop_pid ${MPID[i]}"
done
for ((n = 0; n < 150; n++)); do # at most ~30 s
  if ETCDCTL_API=3 etcdctl --endpoints="$EPS" --dial-timeout=1s endpoint health >/dev/null 2>&1; then
    break
  fi
  ((n < 149)) || fail "the 3-member cluster did not become healthy: $(tail -5 "$TEST_TMP/etcd-m0.log")"
  sleep 0.2
done
FLEET_KEY=$TEST_TMP/fleet.key
"$ACMECTL" store init-key "$FLEET_KEY" >/dev/null || fail "store init-key failed"

S=(--store "$STORE" --store-key-file "$FLEET_KEY" --node a)
expect_exit 0 "$ACMECTL" register --home "$HOME_DIR" --server "$F_SERVER" --ca-bundle "$F_CA" \
  --agree-tos --email ops@example.com "${S[@]}"
expect_exit 0 "${F_ISSUE[@]}" "${S[@]}" -d cluster.example --name c

# The hook's action: find the leader, stop it, wait until it is gone.
{
  echo "leader=\$(ETCDCTL_API=3 etcdctl --endpoints=$EPS endpoint status -w simple | awk -F', ' '\$5 == \"true\" {print \$1}')"
  echo "case \$leader in"
  for i in 0 1 2; do
    echo "  http://127.0.0.1:${CPORT[i]}) echo $i >'$TEST_TMP/leader'; kill -TERM ${MPID[i]} ;;"
  done
  echo "  *) echo \"no leader found: \$leader\"; exit 1 ;;"
  echo "esac"
  echo "for ((i = 0; i < 100; i++)); do curl -s --max-time 0.5 -o /dev/null \$leader/health || { echo \"stopped leader \$leader\"; exit 0; }; sleep 0.1; done"
} >"$FAULT_ACTION"
before=$(orders_issued)
t0=$SECONDS
RC=0
timeout --kill-after=5 "$CMD_TIMEOUT" "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$F_CA" \
  --force "${S[@]}" --json </dev/null >"$TEST_TMP/.stdout" 2>"$TEST_TMP/.stderr" || RC=$?
OUT=$(<"$TEST_TMP/.stdout") ERR=$(<"$TEST_TMP/.stderr")
expect_contains "$(cat "$TEST_TMP/fault-action.log")" "stopped leader"
leader=$(<"$TEST_TMP/leader")
echo "stopped member m$leader (the leader) during the renewal; renew exited $RC after $((SECONDS - t0)) s"
LIVE=""
for i in 0 1 2; do
  ((i == leader)) || LIVE+="${LIVE:+,}http://127.0.0.1:${CPORT[i]}"
done
ETCD_URL=$LIVE
case $RC in
  0) expect_eq "$(json '.lineages[0].action')" renewed "outcome through another member" ;;
  75)
    expect_contains "$(json '.lineages[0].error')" "kept in $HOME_DIR/recovery/c.json"
    expect_exit 0 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$F_CA" "${S[@]}" --json
    expect_eq "$(json '.lineages[0].action')" renewed "outcome of the recovering run"
    ;;
  *) fail "renew exited $RC with the leader stopped: $ERR" ;;
esac
expect_eq "$(($(orders_issued) - before))" 1 "certificates Pebble issued"
expect_no_path "$HOME_DIR/recovery/c.json"
verify_current c
expect_eq "$CUR_VERSION" 2 "current after the leader was stopped"
expect_exit 0 etcdctl --endpoints="$LIVE" get /acme/locks/c --print-value-only
expect_eq "$OUT" "" "the lock after the renewal"
