#!/usr/bin/env bash
# no EAB flags against a CA that requires them: exit 1, saying the CA requires it.
source "$(dirname "$0")/lib.sh"

expect_exit 1 "$ACMECTL" register --home "$HOME_DIR" --server "$EAB_SERVER" \
  --ca-bundle "$CA" --agree-tos --email ops@example.com
expect_match "$ERR" 'requires? (an )?external account binding|external account binding (is )?required' "stderr"
expect_no_path "$HOME_DIR/accounts/127.0.0.1_14001/default/account.json"

# The known EAB CAs are refused before any request (a proxy that is not there
# would turn any request into another error), and --help says so.
for alias in zerossl google; do
  expect_exit 1 env https_proxy=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 \
    "$ACMECTL" register --home "$HOME_DIR" --server "$alias" --agree-tos
  expect_contains "$ERR" "requires External Account Binding: pass --eab-kid and --eab-hmac-key" \
    "stderr ($alias)"
  expect_one_line "$ERR" "stderr ($alias)"
done
expect_exit 0 "$ACMECTL" --help
expect_contains "$OUT" "zerossl and google require EAB credentials" "acmectl --help"
expect_exit 0 "$ACMECTL" register --help
expect_contains "$OUT" "(zerossl and google require one)" "register --help"
