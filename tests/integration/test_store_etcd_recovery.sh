#!/usr/bin/env bash
# etcd lost in the middle of a renewal after the CA issued (etcd is stopped
# from the dns hook, while the CA validates): renew exits 75, the certificate,
# chain and key are kept in a 0600 recovery file whose path the error names,
# nothing is half-written in etcd. Once etcd is back, the next run stores the
# kept certificate as a new version before ordering again (no new order),
# and removes the file. A kept certificate older than current is set aside.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/etcd_lib.sh"
source "$(dirname "$0")/etcd_fault_lib.sh"

# A short lease: the lock of the interrupted run outlives etcd's restart.
S=(--store "$STORE" --store-key-file "$FLEET_KEY" --node a --store-lock-ttl 5)
expect_exit 0 "$ACMECTL" register --home "$HOME_DIR" --server "$F_SERVER" --ca-bundle "$F_CA" \
  --agree-tos --email ops@example.com "${S[@]}"
expect_exit 0 "${F_ISSUE[@]}" "${S[@]}" -d rec.example --name rec

cat >"$FAULT_ACTION" <<EOF
kill -TERM $ETCD_PID
for ((i = 0; i < 100; i++)); do
  curl -s --max-time 0.5 -o /dev/null $ETCD_URL/health || { echo "etcd stopped"; exit 0; }
  sleep 0.1
done
echo "etcd did not stop"
EOF
before=$(orders_issued)
expect_exit 75 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$F_CA" --force "${S[@]}" --json
expect_contains "$(cat "$TEST_TMP/fault-action.log")" "etcd stopped"
expect_eq "$(json '.lineages[0].action')" failed "outcome with etcd gone"
msg=$(json '.lineages[0].error')
expect_one_line "$msg" "the error"
expect_contains "$msg" "etcd unreachable (tried http://127.0.0.1:$ETCD_PORT)"
kept=$HOME_DIR/recovery/rec.json
expect_contains "$msg" "the certificate the CA issued is kept in $kept"
expect_file_mode "$kept" 0600
expect_eq "$(($(orders_issued) - before))" 1 "certificates Pebble issued"
for field in cert chain fullchain privkey; do
  expect_contains "$(jq -r ".$field" "$kept")" "-----BEGIN" "$field in the recovery file"
done
[[ $(jq -r .privkey "$kept" | openssl pkey -pubout) == $(jq -r .cert "$kept" | openssl x509 -noout -pubkey) ]] ||
  fail "the kept key does not match the kept certificate"
cp "$kept" "$TEST_TMP/kept-copy.json"

# etcd back: nothing was half-written; the next run stores the kept
# certificate (not forced, no order) and removes the file.
start_etcd
expect_exit 0 etcdctl --endpoints="$ETCD_URL" get /acme/certs/rec/current --print-value-only
expect_eq "$OUT" 1 "current while the certificate is kept"
expect_exit 0 etcdctl --endpoints="$ETCD_URL" get --prefix /acme/certs/rec/versions/2 --keys-only
expect_eq "$OUT" "" "no version 2 while the certificate is kept"
for ((i = 0; i < 100; i++)); do # the interrupted run's lease expires (5 s TTL)
  [[ -n $(lock_lease rec) ]] || break
  ((i < 99)) || fail "the lock of the interrupted run did not expire"
  sleep 0.2
done
before=$(orders_issued)
expect_exit 0 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$F_CA" "${S[@]}" --json
expect_eq "$(json '.lineages[0].action')" renewed "outcome of the recovering run"
expect_eq "$(json '.lineages[0].version')" 2 "version stored"
expect_eq "$(($(orders_issued) - before))" 0 "certificates Pebble issued when recovering"
expect_no_path "$kept"
expect_eq "$(etcdctl --endpoints="$ETCD_URL" get /acme/certs/rec/versions/2/cert --print-value-only)" \
  "$(jq -r .cert "$TEST_TMP/kept-copy.json")" "version 2 is the kept certificate"
verify_current rec
expect_eq "$CUR_VERSION" 2 "current after recovery"

# A kept certificate that is not newer than current (another node renewed
# meanwhile): set aside with a warning, nothing stored, no order.
expect_exit 0 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$F_CA" --force "${S[@]}" --json
expect_eq "$(json '.lineages[0].version')" 3 "a forced renewal after recovery"
install -m 0600 "$TEST_TMP/kept-copy.json" "$kept"
before=$(orders_issued)
expect_exit 0 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$F_CA" "${S[@]}" --json
expect_eq "$(json '.lineages[0].action')" not_due "outcome with a stale kept certificate"
expect_contains "$ERR" "is not stored: it is not newer than the current version 3"
expect_eq "$(($(orders_issued) - before))" 0 "certificates Pebble issued for a stale kept one"
expect_no_path "$kept"
expect_file "$kept.rejected"
verify_current rec
expect_eq "$CUR_VERSION" 3 "current after a stale kept certificate"
