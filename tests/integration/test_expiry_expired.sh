#!/usr/bin/env bash
# an expired certificate: CRITICAL (2), negative days_left, "certificate has
# expired"; the nagios line and the table say how long ago.
export PEBBLE_DIR=${PEBBLE_DIR:-/nonexistent} # lib.sh wants it; these cases need no Pebble
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/expiry_servers.sh"

make_root root
make_cert leaf root localhost DNS:localhost "-100 days" "-10 days -1 hour"
start_s_server "$PKI/leaf.pem" "$PKI/leaf.key"

expect_exit 2 "$ACMECTL" expiry --json --ca-bundle "$PKI/root.pem" "localhost:$PORT"
expect_one_line "$OUT" "stdout"
expect_eq "$(json .ok)" true "ok (the certificate was read)"
expect_eq "$(json .status)" CRITICAL "status"
expect_eq "$(json .days_left)" -10 "days_left"
expect_eq "$(json .verified)" false "verified"
expect_eq "$(json .verify_error)" "certificate has expired" "verify_error"
expect_eq "$(json .chain_earliest_not_after)" "$(json .not_after)" "chain_earliest_not_after"

# Expired is CRITICAL whatever the thresholds, and even with --insecure.
expect_exit 2 "$ACMECTL" expiry --insecure --warn-days 0 --crit-days 0 --json \
  --ca-bundle "$PKI/root.pem" "localhost:$PORT"
expect_eq "$(json .status)" CRITICAL "status with zero thresholds"

expect_exit 2 "$ACMECTL" expiry --format nagios --ca-bundle "$PKI/root.pem" "localhost:$PORT"
expect_one_line "$OUT" "nagios output"
expect_match "$OUT" "^EXPIRY CRITICAL - 1 critical, 0 warning, 0 unknown, 0 ok: localhost:$PORT expired 10 days ago" "nagios line"
expect_contains "$OUT" "'localhost:$PORT'=-10;21;7" "nagios perfdata"

expect_exit 2 "$ACMECTL" expiry --ca-bundle "$PKI/root.pem" "localhost:$PORT"
expect_match "$OUT" "^CRITICAL +localhost:$PORT +-10 .*expired 10 days ago" "table row"
