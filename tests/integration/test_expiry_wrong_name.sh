#!/usr/bin/env bash
# a certificate for another name: CRITICAL (2), "hostname mismatch" (and "IP
# address mismatch" by IP); OK (0) when --sni or the target names it, with
# --connect-to pointing at the loopback backend.
export PEBBLE_DIR=${PEBBLE_DIR:-/nonexistent} # lib.sh wants it; these cases need no Pebble
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/expiry_servers.sh"

make_root root
make_cert leaf root www.example.test DNS:www.example.test "-1 day" "+60 days"
start_s_server "$PKI/leaf.pem" "$PKI/leaf.key"

expect_exit 2 "$ACMECTL" expiry --json --ca-bundle "$PKI/root.pem" "localhost:$PORT"
expect_eq "$(json .verified)" false "verified"
expect_eq "$(json .verify_error)" "hostname mismatch" "verify_error"
expect_eq "$(json .status)" CRITICAL "status"

expect_exit 2 "$ACMECTL" expiry --json --ca-bundle "$PKI/root.pem" "127.0.0.1:$PORT"
expect_eq "$(json .verify_error)" "IP address mismatch" "verify_error by IP"

expect_exit 0 "$ACMECTL" expiry --json --ca-bundle "$PKI/root.pem" --sni www.example.test \
  "127.0.0.1:$PORT"
expect_eq "$(json .sni)" www.example.test "sni"
expect_eq "$(json .verified)" true "verified with --sni"

# The name is never resolved: --connect-to gives the address, port from the target.
expect_exit 0 "$ACMECTL" expiry --json --ca-bundle "$PKI/root.pem" --connect-to 127.0.0.1 \
  "www.example.test:$PORT"
expect_eq "$(json .host)" www.example.test "host"
expect_eq "$(json .sni)" www.example.test "sni with --connect-to"
expect_eq "$(json .address)" "127.0.0.1:$PORT" "address with --connect-to"
expect_eq "$(json .status)" OK "status with --connect-to"

expect_exit 0 "$ACMECTL" expiry --json --ca-bundle "$PKI/root.pem" \
  --connect-to "127.0.0.1:$PORT" www.example.test
expect_eq "$(json .port)" 443 "target port with --connect-to ADDR:PORT"
expect_eq "$(json .address)" "127.0.0.1:$PORT" "address with --connect-to ADDR:PORT"

# One run, one certificate, two names: each probe is verified for its own name
# (a run verifies a chain once per name: a cached answer must not cross over).
expect_exit 2 "$ACMECTL" expiry --json --ca-bundle "$PKI/root.pem" --concurrency 1 \
  --connect-to 127.0.0.1 "www.example.test:$PORT" "localhost:$PORT" "www.example.test:$PORT"
expect_eq "$(json .verified | tr '\n' ' ')" "true false true " "verified per name in one run"
expect_eq "$(json .status | tr '\n' ' ')" "OK CRITICAL OK " "status per name in one run"
