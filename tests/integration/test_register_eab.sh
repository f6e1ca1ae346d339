#!/usr/bin/env bash
# a CA that requires External Account Binding accepts the right kid + MAC key.
source "$(dirname "$0")/lib.sh"

expect_exit 0 "$ACMECTL" register --home "$HOME_DIR" --server "$EAB_SERVER" \
  --ca-bundle "$CA" --agree-tos --email ops@example.com \
  --eab-kid "$EAB_KID" --eab-hmac-key "$EAB_KEY" --json
expect_match "$(json .account_url)" '^https://127\.0\.0\.1:14001/my-account/' "account_url"
expect_eq "$(json .created)" true "created"
expect_file "$HOME_DIR/accounts/127.0.0.1_14001/default/account.json"
