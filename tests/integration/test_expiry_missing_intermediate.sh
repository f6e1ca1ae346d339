#!/usr/bin/env bash
# a server that does not send its intermediate: CRITICAL (2), "unable to get
# local issuer certificate"; the same leaf with its intermediate is OK (0).
export PEBBLE_DIR=${PEBBLE_DIR:-/nonexistent} # lib.sh wants it; these cases need no Pebble
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/expiry_servers.sh"

make_root root
make_cert inter root "acmectl test intermediate" DNS:unused "-1 day" "+3000 days" inter
make_cert leaf inter localhost DNS:localhost "-1 day" "+60 days"
start_s_server "$PKI/leaf.pem" "$PKI/leaf.key"
bare=$PORT
start_s_server "$PKI/leaf.pem" "$PKI/leaf.key" "$PKI/inter.pem"
chained=$PORT

expect_exit 2 "$ACMECTL" expiry --json --ca-bundle "$PKI/root.pem" "localhost:$bare"
expect_eq "$(json .ok)" true "ok"
expect_eq "$(json .verified)" false "verified"
expect_eq "$(json .verify_error)" "unable to get local issuer certificate" "verify_error"
expect_eq "$(json .status)" CRITICAL "status"

expect_exit 2 "$ACMECTL" expiry --json --ca-bundle "$PKI/root.pem" "localhost:$bare" \
  "localhost:$chained"
expect_eq "$(jq -sr '[.[].status] | join(",")' <<<"$OUT")" "CRITICAL,OK" "statuses in input order"
