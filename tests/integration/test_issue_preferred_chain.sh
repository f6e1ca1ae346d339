#!/usr/bin/env bash
# --preferred-chain picks the alternate chain (Link rel="alternate") whose
# topmost issuer has that CN; without it the CA's default chain is kept.
# The fixture starts Pebble with PEBBLE_ALTERNATE_ROOTS=1: roots 0 and 1.
source "$(dirname "$0")/lib.sh"

root_cn() { # FILE: the subject CN of a certificate
  openssl x509 -noout -subject -nameopt RFC2253 -in "$1" | sed -n 's/^subject=.*CN=\([^,]*\).*$/\1/p'
}

register_account
curl -fsS --max-time 10 --cacert "$CA" -o "$TEST_TMP/root0.pem" "$MGMT_URL/roots/0" ||
  fail "cannot fetch root 0"
curl -fsS --max-time 10 --cacert "$CA" -o "$TEST_TMP/root1.pem" "$MGMT_URL/roots/1" ||
  fail "cannot fetch root 1 (is PEBBLE_ALTERNATE_ROOTS=1 set for the fixture?)"
cn1=$(root_cn "$TEST_TMP/root1.pem")
[[ -n $cn1 && $cn1 != "$(root_cn "$TEST_TMP/root0.pem")" ]] || fail "roots 0 and 1 are not distinct"

expect_exit 0 "${ISSUE[@]}" -d alt.chain.example --name alt --preferred-chain "$cn1"
dir=$(lineage_dir alt)/current
expect_exit 0 openssl verify -CAfile "$TEST_TMP/root1.pem" -untrusted "$dir/chain.pem" "$dir/cert.pem"
expect_exit 2 openssl verify -CAfile "$TEST_TMP/root0.pem" -untrusted "$dir/chain.pem" "$dir/cert.pem"
expect_eq "$(jq -r .preferred_chain "$(lineage_dir alt)/config.json")" "$cn1" "config preferred_chain"

expect_exit 0 "${ISSUE[@]}" -d default.chain.example --name default-chain
dir=$(lineage_dir default-chain)/current
expect_exit 0 openssl verify -CAfile "$TEST_TMP/root0.pem" -untrusted "$dir/chain.pem" "$dir/cert.pem"

# An issuer no chain has falls back to the default chain.
expect_exit 0 "${ISSUE[@]}" -d nomatch.chain.example --name nomatch --preferred-chain "No Such CA"
dir=$(lineage_dir nomatch)/current
expect_exit 0 openssl verify -CAfile "$TEST_TMP/root0.pem" -untrusted "$dir/chain.pem" "$dir/cert.pem"
