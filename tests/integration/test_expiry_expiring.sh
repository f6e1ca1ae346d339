#!/usr/bin/env bash
# a certificate expiring in 3 days: CRITICAL (2) with the default 21/7 days,
# WARNING (1) with --crit-days 2, OK (0) with --warn-days 2 --crit-days 1; -q
# prints the rows that need attention only;
# an intermediate that expires before the leaf shows in chain_earliest_not_after.
export PEBBLE_DIR=${PEBBLE_DIR:-/nonexistent} # lib.sh wants it; these cases need no Pebble
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/expiry_servers.sh"

make_root root
make_cert leaf root localhost DNS:localhost "-80 days" "+3 days -1 hour"
start_s_server "$PKI/leaf.pem" "$PKI/leaf.key"
TARGET=(--ca-bundle "$PKI/root.pem" "localhost:$PORT")

expect_exit 2 "$ACMECTL" expiry --json "${TARGET[@]}"
expect_eq "$(json .days_left)" 2 "days_left"
expect_eq "$(json .verified)" true "verified"
expect_eq "$(json .status)" CRITICAL "status at 21/7"

expect_exit 1 "$ACMECTL" expiry --json --crit-days 2 "${TARGET[@]}"
expect_eq "$(json .status)" WARNING "status at 21/2"

expect_exit 0 "$ACMECTL" expiry --json --warn-days 2 --crit-days 1 "${TARGET[@]}"
expect_eq "$(json .status)" OK "status at 2/1"

# -q (for cron): the table names only what needs attention, nothing when all is OK.
expect_exit 1 "$ACMECTL" -q expiry --crit-days 2 "${TARGET[@]}"
expect_contains "$OUT" "localhost:$PORT" "-q prints the WARNING row"
expect_exit 0 "$ACMECTL" -q expiry --warn-days 2 --crit-days 1 "${TARGET[@]}"
expect_eq "$OUT" "" "-q prints nothing when all is OK"

# Leaf 60 days, its intermediate 5: the leaf decides the status, the chain's
# earliest end is reported.
make_cert inter root "short intermediate" DNS:unused "-1 day" "+5 days -1 hour" inter
make_cert leaf2 inter localhost DNS:localhost "-1 day" "+60 days -1 hour"
start_s_server "$PKI/leaf2.pem" "$PKI/leaf2.key" "$PKI/inter.pem"
inter_end=$(date -u -d "$(openssl x509 -in "$PKI/inter.pem" -noout -enddate | cut -d= -f2)" \
  +%Y-%m-%dT%H:%M:%SZ)
expect_exit 0 "$ACMECTL" expiry --json --ca-bundle "$PKI/root.pem" "localhost:$PORT"
expect_eq "$(json .days_left)" 59 "days_left of the leaf"
expect_eq "$(json .chain_earliest_not_after)" "$inter_end" "chain_earliest_not_after"
