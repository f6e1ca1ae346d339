#!/usr/bin/env bash
# an unknown --key-type is a usage error (64), names the value, stores nothing.
source "$(dirname "$0")/lib.sh"

expect_exit 64 "$ACMECTL" register --home "$HOME_DIR" --server "$SERVER" \
  --ca-bundle "$CA" --agree-tos --key-type dsa1024
expect_contains "$ERR" "dsa1024" "stderr"
expect_no_path "$HOME_DIR/accounts"
