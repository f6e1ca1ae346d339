#!/usr/bin/env bash
# no EAB flags against a CA that requires them: exit 1, saying the CA requires it.
source "$(dirname "$0")/lib.sh"

expect_exit 1 "$ACMECTL" register --home "$HOME_DIR" --server "$EAB_SERVER" \
  --ca-bundle "$CA" --agree-tos --email ops@example.com
expect_match "$ERR" 'requires? (an )?external account binding|external account binding (is )?required' "stderr"
expect_no_path "$HOME_DIR/accounts/127.0.0.1_14001/default/account.json"
