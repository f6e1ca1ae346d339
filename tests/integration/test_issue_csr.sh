#!/usr/bin/env bash
# --csr FILE: the certificate is for the CSR's key, no privkey.pem is stored, and
# the CSR is copied into the lineage for renew.
source "$(dirname "$0")/lib.sh"

openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -keyout "$TEST_TMP/csr.key" -out "$TEST_TMP/csr.pem" -subj "/CN=csr.issue.example" \
  -addext "subjectAltName=DNS:csr.issue.example" 2>/dev/null
register_account
expect_exit 0 "${ISSUE[@]}" --csr "$TEST_TMP/csr.pem" -d csr.issue.example --name csr
expect_eq "$(json .status)" issued "status"
dir=$(lineage_dir csr)
expect_file "$dir/versions/1/cert.pem"
expect_file "$dir/versions/1/fullchain.pem"
expect_no_path "$dir/versions/1/privkey.pem"
expect_eq "$(cert_pubkey "$dir/versions/1/cert.pem")" "$(key_pubkey "$TEST_TMP/csr.key")" \
  "public key of cert.pem vs the CSR's key"
expect_eq "$(cert_sans "$dir/versions/1/cert.pem")" csr.issue.example "SANs"

# The lineage keeps its own copy of the CSR: moving the user's file away does
# not break renewal.
expect_eq "$(jq -r .csr "$dir/config.json")" "$dir/csr.pem" "config.json csr"
cmp -s "$dir/csr.pem" "$TEST_TMP/csr.pem" || fail "csr.pem is not the user's CSR"
mv "$TEST_TMP/csr.pem" "$TEST_TMP/moved.pem"
expect_exit 0 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --name csr --force --json
expect_eq "$(json '.lineages[0].action')" renewed "renew after the CSR moved"
expect_eq "$(cert_pubkey "$dir/versions/2/cert.pem")" "$(key_pubkey "$TEST_TMP/csr.key")" \
  "public key of the renewed cert.pem"
