#!/usr/bin/env bash
# EAB with a valid-looking but wrong MAC key: exit 1, the message names the binding.
source "$(dirname "$0")/lib.sh"

expect_exit 1 "$ACMECTL" register --home "$HOME_DIR" --server "$EAB_SERVER" \
  --ca-bundle "$CA" --agree-tos --email ops@example.com \
  --eab-kid "$EAB_KID" --eab-hmac-key "$EAB_OTHER_KEY"
expect_match "$ERR" 'external account binding|EAB' "stderr"
expect_no_path "$HOME_DIR/accounts/127.0.0.1_14001/default/account.json"
