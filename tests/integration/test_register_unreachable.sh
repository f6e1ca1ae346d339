#!/usr/bin/env bash
# a closed loopback port: temporary failure (75) within 15 s, one line saying so.
source "$(dirname "$0")/lib.sh"

start=$(date +%s%N)
expect_exit 75 "$ACMECTL" register --home "$HOME_DIR" --server https://127.0.0.1:1/dir \
  --ca-bundle "$CA" --agree-tos --email ops@example.com
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
((elapsed_ms < 15000)) || fail "took ${elapsed_ms} ms, want < 15000"
expect_one_line "$ERR" "stderr"
expect_match "$ERR" '127\.0\.0\.1|connect|unreachable|refused' "stderr"
expect_no_path "$HOME_DIR/accounts/127.0.0.1_1/default/account.json"
