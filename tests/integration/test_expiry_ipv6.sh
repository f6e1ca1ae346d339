#!/usr/bin/env bash
# [::1]:PORT and https://[::1]:PORT/ targets, verified against an iPAddress
# SAN (no SNI is sent for an address). Skipped (77) without IPv6 loopback.
export PEBBLE_DIR=${PEBBLE_DIR:-/nonexistent} # lib.sh wants it; these cases need no Pebble
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/expiry_servers.sh"

if ! python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null; then
  echo "SKIP: no IPv6 loopback" >&2
  exit 77
fi
make_root root
make_cert leaf root localhost "DNS:localhost,IP:::1" "-1 day" "+60 days -1 hour"
start_py tls --host ::1 --cert "$PKI/leaf.pem" --key "$PKI/leaf.key"

expect_exit 0 "$ACMECTL" expiry --json --ca-bundle "$PKI/root.pem" "[::1]:${PORTS[0]}"
expect_eq "$(json .host)" ::1 "host"
expect_eq "$(jq -r .sni <<<"$OUT")" null "sni"
expect_eq "$(json .address)" "[::1]:${PORTS[0]}" "address"
expect_eq "$(json .verified)" true "verified"

expect_exit 0 "$ACMECTL" expiry --json --ca-bundle "$PKI/root.pem" "https://[::1]:${PORTS[0]}/x"
expect_eq "$(json .port)" "${PORTS[0]}" "port of the URL"

expect_exit 0 "$ACMECTL" expiry --ca-bundle "$PKI/root.pem" --format nagios "[::1]:${PORTS[0]}"
expect_eq "$OUT" "EXPIRY OK - 0 critical, 0 warning, 0 unknown, 1 ok | '[::1]:${PORTS[0]}'=59;21;7" \
  "nagios line"
