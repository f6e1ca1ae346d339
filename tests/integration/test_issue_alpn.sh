#!/usr/bin/env bash
# tls-alpn-01 with --alpn: the built-in TLS server on Pebble's validation port
# 5001 answers; config.json records the solver; renew answers the same way.
# While nothing is presented the port is closed again.
source "$(dirname "$0")/lib.sh"

TLS_PORT=5001
name=alpn.issue.example
ALPN_ISSUE=("$ACMECTL" issue --home "$HOME_DIR" --server "$SERVER" --ca-bundle "$CA" --json
  --alpn --tls-port "$TLS_PORT")

register_account
expect_exit 0 "${ALPN_ISSUE[@]}" -d "$name" -d www.$name
expect_issued "$name" 1
expect_eq "$(cert_sans "$(lineage_dir "$name")/versions/1/cert.pem" | paste -sd' ' -)" \
  "$name www.$name" "SANs"
expect_eq "$(jq -cS .solver "$(lineage_dir "$name")/config.json")" \
  '{"kind":"alpn","tls_address":"","tls_port":5001}' "config.json solver"
if timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$TLS_PORT" 2>/dev/null; then
  fail "port $TLS_PORT is still open after issue"
fi

# a wildcard cannot be validated with tls-alpn-01
expect_exit 1 "${ALPN_ISSUE[@]}" -d "*.$name"
expect_contains "$ERR" "only with dns-01, not tls-alpn-01" "stderr"

# renew: a new account, so that Pebble cannot reuse the valid authorizations
rm -rf "$ACCOUNT_DIR"
register_account
expect_exit 0 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --force --json
expect_eq "$(json '.lineages[0].action')" renewed "renew outcome"
expect_eq "$(json '.lineages[0].version')" 2 "renewed version"
