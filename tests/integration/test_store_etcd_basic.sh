#!/usr/bin/env bash
# The etcd store end to end: register, issue and renew against Pebble with
# --store etcd://; private keys sealed (no PEM key anywhere in etcd); a sealed
# value moved to another key fails to open; a wrong fleet key fails cleanly
# and writes nothing; check reads from etcd; local copies for hooks.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/etcd_lib.sh"

S=(--store "$STORE" --store-key-file "$FLEET_KEY")
register_account "${S[@]}"
expect_no_path "$ACCOUNT_DIR/key.pem" # the account lives in etcd
expect_exit 0 "${ISSUE[@]}" "${S[@]}" -d one.etcd.example --name one
expect_exit 0 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --force "${S[@]}" --json
expect_eq "$(json '.lineages[0].action')" renewed "renew outcome"
expect_exit 0 etcdctl --endpoints="$ETCD_URL" get /acme/certs/one/current --print-value-only
expect_eq "$OUT" 2 "etcd current"
# The node's local copy (hooks and servers read files) follows current.
expect_file "$HOME_DIR/certs/one/current/fullchain.pem"
expect_eq "$(cert_pubkey "$HOME_DIR/certs/one/current/cert.pem")" \
  "$(key_pubkey "$HOME_DIR/certs/one/current/privkey.pem")" "local key matches cert"

# Sealed: no private key in clear anywhere under the prefix.
expect_exit 0 etcdctl --endpoints="$ETCD_URL" get --prefix /acme/
expect_not_contains "$OUT" "PRIVATE KEY" "etcd content"
expect_contains "$OUT" "acmectl-sealed-v1:" "etcd content"

expect_exit 0 "$ACMECTL" check --home "$HOME_DIR" "${S[@]}" --json
expect_eq "$(json '.lineages[0].name')" one "check lineage"

# A wrong fleet key: a clear error, nothing written (still version 2).
WRONG=$TEST_TMP/wrong.key
expect_exit 0 "$ACMECTL" store init-key "$WRONG"
expect_exit 1 "$ACMECTL" store init-key "$WRONG" # never overwritten
expect_contains "$ERR" "refusing to overwrite"
expect_exit 1 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --force \
  --store "$STORE" --store-key-file "$WRONG"
expect_contains "$OUT$ERR" "wrong fleet key"
expect_exit 0 etcdctl --endpoints="$ETCD_URL" get /acme/certs/one/ --prefix --keys-only
expect_not_contains "$OUT" "versions/3" "etcd keys after the wrong key"
# A key file others can read is refused.
chmod 644 "$WRONG"
expect_exit 1 "$ACMECTL" store ls --store "$STORE" --store-key-file "$WRONG"
expect_contains "$ERR" "chmod 600"

# A sealed value moved under another key name fails to open (AAD = key name).
moved=$(etcdctl --endpoints="$ETCD_URL" get /acme/certs/one/versions/2/privkey --print-value-only)
etcdctl --endpoints="$ETCD_URL" put /acme/certs/one/versions/1/privkey "$moved" >/dev/null
expect_exit 1 "$ACMECTL" store migrate "${S[@]}" --from "$STORE" --to "$TEST_TMP/out"
expect_contains "$ERR" "cannot open sealed /acme/certs/one/versions/1/privkey"

# The lease lock is released after a run: no lock key stays behind.
expect_exit 0 etcdctl --endpoints="$ETCD_URL" get /acme/locks/ --prefix --keys-only
expect_eq "$OUT" "" "etcd lock keys after the runs"

# delete on etcd: every key under certs/two/ and its lock go, one stays.
expect_exit 0 "${ISSUE[@]}" "${S[@]}" -d two.etcd.example --name two
expect_exit 0 "$ACMECTL" delete --home "$HOME_DIR" "${S[@]}" two --yes
expect_exit 0 etcdctl --endpoints="$ETCD_URL" get /acme/certs/two/ --prefix --keys-only
expect_eq "$OUT" "" "etcd keys of the deleted lineage"
expect_no_path "$HOME_DIR/certs/two" # the local copy (private keys) goes too
expect_exit 0 etcdctl --endpoints="$ETCD_URL" get /acme/certs/one/config --print-value-only
expect_contains "$OUT" "one.etcd.example" "the other lineage"

# register --deactivate on etcd: the account's keys move aside in etcd,
# sealed again under their new names.
expect_exit 0 "$ACMECTL" register --home "$HOME_DIR" --server "$SERVER" --ca-bundle "$CA" \
  "${S[@]}" --deactivate --yes
expect_exit 0 etcdctl --endpoints="$ETCD_URL" get /acme/accounts/ --prefix --keys-only
expect_contains "$OUT" ".deactivated-" "etcd account keys after --deactivate"
register_account "${S[@]}" # the name is free again

# Unreachable etcd: renew exits 75 naming the endpoints, check is UNKNOWN.
expect_exit 75 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" \
  --store etcd://127.0.0.1:1,127.0.0.1:2/acme --store-key-file "$FLEET_KEY"
expect_contains "$ERR" "http://127.0.0.1:1, http://127.0.0.1:2"
expect_exit 3 "$ACMECTL" check --home "$HOME_DIR" --store etcd://127.0.0.1:1/acme
