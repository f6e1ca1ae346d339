#!/usr/bin/env bash
# without --agree-tos: exit 1, the CA's terms-of-service URL shown, nothing stored.
source "$(dirname "$0")/lib.sh"

tos=$(tos_url)
[[ -n $tos ]] || fail "Pebble advertises no terms of service"
expect_exit 1 "$ACMECTL" register --home "$HOME_DIR" --server "$SERVER" \
  --ca-bundle "$CA" --email ops@example.com
expect_contains "$ERR" "$tos" "stderr"
expect_no_path "$ACCOUNT_DIR/account.json"
