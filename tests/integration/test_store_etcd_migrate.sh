#!/usr/bin/env bash
# store migrate file -> etcd -> file gives byte-identical certificates and
# keys, is idempotent, and never overwrites a newer version.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/etcd_lib.sh"

register_account
expect_exit 0 "${ISSUE[@]}" -d mig.example --name mig
expect_exit 0 "${ISSUE[@]}" -d mig.example --name mig --force
S=(--store-key-file "$FLEET_KEY")
expect_exit 0 "$ACMECTL" store migrate "${S[@]}" --from "$HOME_DIR" --to "$STORE" --json
expect_eq "$(json '.lineages[0].copied | length')" 2 "versions copied"
# Idempotent: nothing more to copy.
expect_exit 0 "$ACMECTL" store migrate "${S[@]}" --from "$HOME_DIR" --to "$STORE" --json
expect_eq "$(json '.lineages[0].copied | length')" 0 "versions copied again"
expect_exit 0 etcdctl --endpoints="$ETCD_URL" get --prefix /acme/
expect_not_contains "$OUT" "PRIVATE KEY" "etcd content"
BACK=$TEST_TMP/back
expect_exit 0 "$ACMECTL" store migrate "${S[@]}" --from "$STORE" --to "$BACK"
for v in 1 2; do
  for f in cert chain fullchain privkey; do
    cmp "$HOME_DIR/certs/mig/versions/$v/$f.pem" "$BACK/certs/mig/versions/$v/$f.pem" ||
      fail "version $v $f.pem differs after the round trip"
  done
done
cmp "$ACCOUNT_DIR/key.pem" "$BACK/accounts/$(basename "$(dirname "$ACCOUNT_DIR")")/default/key.pem" ||
  fail "account key differs after the round trip"
expect_eq "$(readlink "$BACK/certs/mig/current")" versions/2 "current after the round trip"
expect_file_mode "$BACK/certs/mig/versions/2/privkey.pem" 0600
# A newer current at the destination is left alone.
expect_exit 0 "$ACMECTL" issue --home "$BACK" --server "$SERVER" --ca-bundle "$CA" --standalone \
  --http-port "$HTTP_PORT" -d mig.example --name mig --force
expect_exit 0 "$ACMECTL" store migrate "${S[@]}" --from "$STORE" --to "$BACK" --json
expect_eq "$(readlink "$BACK/certs/mig/current")" versions/3 "newer destination kept"
expect_contains "$(json '.lineages[0].message')" "newer"

# A version over etcd's request limit: each file under the file store's 1 MiB
# but chain and fullchain together (its intermediate repeated) over 1.5 MiB.
# Refused before it is sent, naming the largest value and its size; nothing
# of that version is written.
BIG=$TEST_TMP/big
mkdir -p "$BIG/certs"
cp -a "$HOME_DIR/certs/mig" "$BIG/certs/big"
cp -a "$HOME_DIR/accounts" "$BIG/"
jq '.name = "big"' "$HOME_DIR/certs/mig/config.json" >"$BIG/certs/big/config.json"
v=$BIG/certs/big/versions/2
one=$(<"$HOME_DIR/certs/mig/versions/2/chain.pem")
for ((i = 0; i < 700; i++)); do printf '%s\n' "$one"; done >"$v/chain.pem"
cat "$v/cert.pem" "$v/chain.pem" >"$v/fullchain.pem"
size=$(stat -c %s "$v/fullchain.pem")
expect_exit 1 "$ACMECTL" store migrate "${S[@]}" --from "$BIG" --to "$STORE" --current-only
expect_contains "$ERR" "cannot write /acme/certs/big/versions/2/fullchain ($size bytes) to etcd" \
  "oversized version error"
expect_contains "$ERR" "1.5 MiB" "oversized version error"
expect_exit 0 etcdctl --endpoints="$ETCD_URL" get /acme/certs/big/ --prefix --keys-only
expect_not_contains "$OUT" "versions/2" "etcd keys of the oversized version"
