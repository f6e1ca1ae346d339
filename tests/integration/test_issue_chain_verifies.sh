#!/usr/bin/env bash
# the chain verifies up to Pebble's root, and the key belongs to the certificate.
source "$(dirname "$0")/lib.sh"

register_account
expect_exit 0 "${ISSUE[@]}" -d chain.issue.example --name chain
expect_issued chain 1
dir=$(lineage_dir chain)/current
pebble_root "$TEST_TMP/root.pem"
expect_exit 0 openssl verify -CAfile "$TEST_TMP/root.pem" -untrusted "$dir/chain.pem" "$dir/cert.pem"
expect_contains "$OUT" "OK" "openssl verify"
expect_exit 0 openssl verify -CAfile "$TEST_TMP/root.pem" -untrusted "$dir/fullchain.pem" "$dir/cert.pem"
# and not to an unrelated root (the harness CA)
expect_exit 2 openssl verify -CAfile "$CA" -untrusted "$dir/chain.pem" "$dir/cert.pem"
expect_eq "$(cert_pubkey "$dir/cert.pem")" "$(key_pubkey "$dir/privkey.pem")" \
  "public key of cert.pem vs privkey.pem"
