#!/usr/bin/env bash
# A lease lost while renewing: etcdctl revokes the lineage lock's lease while
# the CA validates (from the dns hook). The node stops before writing (no
# version, no current, no state), says so in one line naming the lineage and
# the lock, exits 75; the certificate the CA issued is kept in a 0600
# recovery file, and the next run stores it with no new order.
# The same during a first issue: no config is left in etcd without a version.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/etcd_lib.sh"
source "$(dirname "$0")/etcd_fault_lib.sh"

S=(--store "$STORE" --store-key-file "$FLEET_KEY" --node a)
expect_exit 0 "$ACMECTL" register --home "$HOME_DIR" --server "$F_SERVER" --ca-bundle "$F_CA" \
  --agree-tos --email ops@example.com "${S[@]}"
expect_exit 0 "${F_ISSUE[@]}" "${S[@]}" -d lost.example --name lost
state_before=$(etcdctl --endpoints="$ETCD_URL" get /acme/certs/lost/state --print-value-only)

cat >"$FAULT_ACTION" <<EOF
id=\$(ETCDCTL_API=3 etcdctl --endpoints=$ETCD_URL get /acme/locks/lost -w fields | awk -F' : ' '/"Lease"/ {print \$2}')
ETCDCTL_API=3 etcdctl --endpoints=$ETCD_URL lease revoke \$(printf %x "\$id")
EOF
before=$(orders_issued)
expect_exit 75 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$F_CA" --force "${S[@]}" --json
expect_file "$FAULT_ACTION.ran"
expect_contains "$(cat "$TEST_TMP/fault-action.log")" "revoked"
expect_eq "$(json '.lineages[0].action')" failed "outcome with the lease revoked"
expect_eq "$(json '.lineages[0].temporary')" true "temporary"
msg=$(json '.lineages[0].error')
expect_one_line "$msg" "the error"
expect_contains "$msg" "lineage lost: the etcd lock /acme/locks/lost (node a, lease"
expect_contains "$msg" "was lost (lease expired or revoked): stopped before writing"
kept=$HOME_DIR/recovery/lost.json
expect_contains "$msg" "kept in $kept"
expect_file_mode "$kept" 0600
expect_eq "$(($(orders_issued) - before))" 1 "certificates Pebble issued in the lost run"
# Nothing written: current, versions and state as before.
expect_exit 0 etcdctl --endpoints="$ETCD_URL" get /acme/certs/lost/current --print-value-only
expect_eq "$OUT" 1 "current after the lost lease"
expect_exit 0 etcdctl --endpoints="$ETCD_URL" get --prefix /acme/certs/lost/versions/2 --keys-only
expect_eq "$OUT" "" "no version 2 after the lost lease"
expect_eq "$(etcdctl --endpoints="$ETCD_URL" get /acme/certs/lost/state --print-value-only)" \
  "$state_before" "state after the lost lease"
kept_cert=$(jq -r .cert "$kept")
expect_contains "$kept_cert" "BEGIN CERTIFICATE"

# The next run (not forced: due only to store the kept certificate) stores it
# as version 2 before ordering anything, and removes the file.
before=$(orders_issued)
expect_exit 0 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$F_CA" "${S[@]}" --json
expect_eq "$(json '.lineages[0].action')" renewed "outcome of the recovering run"
expect_eq "$(json '.lineages[0].due_source')" recovery "due source"
expect_eq "$(json '.lineages[0].version')" 2 "version stored from the recovery file"
expect_eq "$(($(orders_issued) - before))" 0 "certificates Pebble issued in the recovering run"
expect_no_path "$kept"
expect_eq "$(etcdctl --endpoints="$ETCD_URL" get /acme/certs/lost/versions/2/cert --print-value-only)" \
  "$kept_cert" "version 2's certificate"
verify_current lost
expect_eq "$CUR_VERSION" 2 "current after recovery"

# A first issue whose lease is revoked: exit 75, no config (nor anything) of
# the lineage in etcd, the certificate kept; issuing again stores it.
cat >"$FAULT_ACTION" <<EOF
id=\$(ETCDCTL_API=3 etcdctl --endpoints=$ETCD_URL get /acme/locks/first -w fields | awk -F' : ' '/"Lease"/ {print \$2}')
ETCDCTL_API=3 etcdctl --endpoints=$ETCD_URL lease revoke \$(printf %x "\$id")
EOF
expect_exit 75 "${F_ISSUE[@]}" "${S[@]}" -d first.example --name first
expect_contains "$ERR" "the etcd lock /acme/locks/first"
expect_contains "$ERR" "kept in $HOME_DIR/recovery/first.json"
expect_exit 0 etcdctl --endpoints="$ETCD_URL" get --prefix /acme/certs/first/ --keys-only
expect_eq "$OUT" "" "keys of a first issue that lost its lease"
before=$(orders_issued)
expect_exit 0 "${F_ISSUE[@]}" "${S[@]}" -d first.example --name first
expect_eq "$(json .status)" issued "status of the recovering issue"
expect_eq "$(json .version)" 1 "version of the recovering issue"
expect_eq "$(($(orders_issued) - before))" 0 "certificates Pebble issued when recovering"
expect_no_path "$HOME_DIR/recovery/first.json"
verify_current first
expect_eq "$(etcdctl --endpoints="$ETCD_URL" get /acme/certs/first/config --print-value-only | jq -r '.domains[0]')" \
  first.example "config of the recovered lineage"
