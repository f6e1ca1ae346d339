#!/usr/bin/env bash
# a self-signed certificate: CRITICAL (2), "self-signed certificate"; OK (0)
# with --insecure (still reported unverified) or when the bundle trusts it.
export PEBBLE_DIR=${PEBBLE_DIR:-/nonexistent} # lib.sh wants it; these cases need no Pebble
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/expiry_servers.sh"

make_root root
make_self_signed self localhost DNS:localhost 90
start_s_server "$PKI/self.pem" "$PKI/self.key"

expect_exit 2 "$ACMECTL" expiry --json --ca-bundle "$PKI/root.pem" "localhost:$PORT"
expect_eq "$(json .ok)" true "ok"
expect_eq "$(json .verified)" false "verified"
expect_match "$(json .verify_error)" '^self[- ]signed certificate$' "verify_error"
expect_eq "$(json .subject)" "CN=localhost" "subject"
expect_eq "$(json .issuer)" "CN=localhost" "issuer"
expect_eq "$(json .status)" CRITICAL "status"

expect_exit 0 "$ACMECTL" expiry --insecure --json --ca-bundle "$PKI/root.pem" "localhost:$PORT"
expect_eq "$(json .verified)" false "verified with --insecure"
expect_eq "$(json .status)" OK "status with --insecure"

expect_exit 0 "$ACMECTL" expiry --json --ca-bundle "$PKI/self.pem" "localhost:$PORT"
expect_eq "$(json .verified)" true "verified when the bundle holds it"
