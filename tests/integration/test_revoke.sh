#!/usr/bin/env bash
# revoke with the account key and with the certificate key: Pebble's
# management API shows the certificate Revoked with the right reason; the
# lineage is marked in state.json and renew replaces it.
source "$(dirname "$0")/lib.sh"

status_of() { # CERT: Pebble's view of a certificate, as JSON
  local serial
  serial=$(openssl x509 -noout -serial -in "$1" | cut -d= -f2)
  curl -fsS --max-time 10 --cacert "$CA" "$MGMT_URL/cert-status-by-serial/$serial"
}

register_account
expect_exit 0 "${ISSUE[@]}" -d a.revoke.example --name ra
expect_exit 0 "${ISSUE[@]}" -d b.revoke.example --name rb
cert_a=$(lineage_dir ra)/versions/1/cert.pem
cert_b=$(lineage_dir rb)/versions/1/cert.pem
expect_eq "$(status_of "$cert_a" | jq -r .Status)" Valid "before"

expect_exit 0 "$ACMECTL" revoke --home "$HOME_DIR" --ca-bundle "$CA" ra --reason superseded
expect_eq "$(status_of "$cert_a" | jq -r .Status)" Revoked "ra status"
expect_eq "$(status_of "$cert_a" | jq -r .Reason)" 4 "ra reason (superseded)"
expect_eq "$(jq -r .revoked.reason "$(lineage_dir ra)/state.json")" superseded "state.json"

# With the certificate's own key and no account at all.
expect_exit 0 "$ACMECTL" revoke --home "$TEST_TMP/no-account" --server "$SERVER" --ca-bundle "$CA" \
  --cert "$cert_b" --key "$(lineage_dir rb)/versions/1/privkey.pem" --reason keyCompromise --json
expect_eq "$(json .signed_by)" "certificate key" "signed_by"
expect_eq "$(status_of "$cert_b" | jq -r .Status)" Revoked "rb status"
expect_eq "$(status_of "$cert_b" | jq -r .Reason)" 1 "rb reason (keyCompromise)"

# A key that is not the certificate's is refused before anything is sent.
expect_exit 1 "$ACMECTL" revoke --home "$HOME_DIR" --ca-bundle "$CA" --server "$SERVER" \
  --cert "$cert_a" --key "$(lineage_dir rb)/versions/1/privkey.pem"
expect_contains "$ERR" "is not the certificate's key" "wrong key"
expect_exit 64 "$ACMECTL" revoke --home "$HOME_DIR" ra --reason bogus
expect_exit 1 "$ACMECTL" revoke --home "$HOME_DIR" --ca-bundle "$CA" nosuch
expect_contains "$ERR" "no lineage named 'nosuch'" "unknown lineage"

# renew replaces the revoked lineage on its next run, and only that one.
expect_exit 0 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --json
expect_eq "$(json '.lineages[] | select(.name == "ra") | .action')" renewed "ra renewed"
expect_eq "$(json '.lineages[] | select(.name == "ra") | .due_source')" revoked "ra due_source"
expect_eq "$(json '.lineages[] | select(.name == "rb") | .action')" not_due "rb untouched"
