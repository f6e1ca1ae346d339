#!/usr/bin/env bash
# a certificate valid 90 days, sent with its intermediate: OK (0), every JSON
# field filled in; by IP (no SNI), by https:// URL, as a table; CRITICAL (2)
# without --ca-bundle, since the system store does not trust the test root.
export PEBBLE_DIR=${PEBBLE_DIR:-/nonexistent} # lib.sh wants it; these cases need no Pebble
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/expiry_servers.sh"

make_root root
make_cert inter root "acmectl test intermediate" DNS:unused "-1 day" "+3000 days" inter
make_cert leaf inter localhost "DNS:localhost,IP:127.0.0.1" "-1 hour" "+90 days -1 hour" # 89 days and some hours left
start_s_server "$PKI/leaf.pem" "$PKI/leaf.key" "$PKI/inter.pem"

expect_exit 0 "$ACMECTL" expiry --json --ca-bundle "$PKI/root.pem" "127.0.0.1:$PORT" --sni localhost
expect_one_line "$OUT" "stdout"
not_after=$(date -u -d "$(openssl x509 -in "$PKI/leaf.pem" -noout -enddate | cut -d= -f2)" \
  +%Y-%m-%dT%H:%M:%SZ)
not_before=$(date -u -d "$(openssl x509 -in "$PKI/leaf.pem" -noout -startdate | cut -d= -f2)" \
  +%Y-%m-%dT%H:%M:%SZ)
serial=$(openssl x509 -in "$PKI/leaf.pem" -noout -serial | cut -d= -f2 | tr 'A-F' 'a-f')
expect_eq "$(json .target)" "127.0.0.1:$PORT" "target"
expect_eq "$(json .host)" 127.0.0.1 "host"
expect_eq "$(json .port)" "$PORT" "port"
expect_eq "$(json .sni)" localhost "sni"
expect_eq "$(json .ok)" true "ok"
expect_eq "$(jq -r .error <<<"$OUT")" null "error"
expect_eq "$(json .status)" OK "status"
expect_eq "$(json .verified)" true "verified"
expect_eq "$(jq -r .verify_error <<<"$OUT")" null "verify_error"
expect_eq "$(json .subject)" "CN=localhost" "subject"
expect_eq "$(json '.sans | join(",")')" "localhost,127.0.0.1" "sans"
expect_eq "$(json .issuer)" "CN=acmectl test intermediate" "issuer"
expect_eq "$(json .serial)" "$serial" "serial"
expect_eq "$(json .not_before)" "$not_before" "not_before"
expect_eq "$(json .not_after)" "$not_after" "not_after"
expect_eq "$(json .days_left)" 89 "days_left"
expect_eq "$(json .chain_earliest_not_after)" "$not_after" "chain_earliest_not_after"
expect_match "$(json .tls_version)" '^TLSv1\.[23]$' "tls_version"
expect_match "$(json .duration_ms)" '^[0-9]+$' "duration_ms"
expect_eq "$(json .address)" "127.0.0.1:$PORT" "address"

# An IP literal sends no SNI and is verified against the iPAddress SAN.
expect_exit 0 "$ACMECTL" expiry --json --ca-bundle "$PKI/root.pem" "127.0.0.1:$PORT"
expect_eq "$(jq -r .sni <<<"$OUT")" null "sni of an IP target"
expect_eq "$(json .verified)" true "verified by IP"

# A URL: host and port from it, path ignored; the name resolves locally.
expect_exit 0 "$ACMECTL" --ca-bundle "$PKI/root.pem" expiry --json \
  "https://localhost:$PORT/some/path?x=1"
expect_eq "$(json .host)" localhost "host of the URL"
expect_eq "$(json .port)" "$PORT" "port of the URL"
expect_eq "$(json .status)" OK "status of the URL"

# The table for people.
expect_exit 0 "$ACMECTL" expiry --ca-bundle "$PKI/root.pem" "localhost:$PORT"
expect_match "$OUT" '^STATUS +TARGET +DAYS +NOT AFTER +DETAIL' "table header"
expect_match "$OUT" "^OK +localhost:$PORT +89 +$not_after +expires in 89 days" "table row"

# The system trust store knows nothing of the test root.
expect_exit 2 "$ACMECTL" expiry --json "localhost:$PORT"
expect_eq "$(json .verified)" false "verified without the bundle"
expect_eq "$(json .verify_error)" "unable to get local issuer certificate" "verify_error"
expect_eq "$(json .status)" CRITICAL "status without the bundle"
