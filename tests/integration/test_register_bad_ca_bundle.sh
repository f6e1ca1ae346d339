#!/usr/bin/env bash
# a --ca-bundle that did not sign Pebble's certificate: exit 1, a TLS message.
source "$(dirname "$0")/lib.sh"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -keyout "$TEST_TMP/other.key" -out "$TEST_TMP/other.pem" -days 1 \
  -subj "/CN=unrelated test CA" 2>/dev/null
expect_exit 1 "$ACMECTL" register --home "$HOME_DIR" --server "$SERVER" \
  --ca-bundle "$TEST_TMP/other.pem" --agree-tos --email ops@example.com
expect_match "$ERR" 'tls|certificate' "stderr"
expect_no_path "$ACCOUNT_DIR/account.json"
