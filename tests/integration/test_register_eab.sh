#!/usr/bin/env bash
# a CA that requires External Account Binding accepts the right kid + MAC key,
# from a file, from $ACMECTL_EAB_HMAC_KEY, or (with a warning: ps shows argv)
# from the command line.
source "$(dirname "$0")/lib.sh"

register_eab() { # HOME ARGS...: register at the EAB Pebble, expect a new account
  local home=$1
  shift
  expect_exit 0 "$ACMECTL" register --home "$home" --server "$EAB_SERVER" \
    --ca-bundle "$CA" --agree-tos --email ops@example.com --eab-kid "$EAB_KID" "$@" --json
  expect_match "$(json .account_url)" '^https://127\.0\.0\.1:14001/my-account/' "account_url"
  expect_eq "$(json .created)" true "created"
  expect_file "$home/accounts/127.0.0.1_14001/default/account.json"
}

register_eab "$HOME_DIR" --eab-hmac-key "$EAB_KEY"
expect_contains "$ERR" "warning: --eab-hmac-key is visible to every local user (ps)" "argv warning"

printf '%s\n' "$EAB_KEY" >"$TEST_TMP/eab.key"
chmod 600 "$TEST_TMP/eab.key"
register_eab "$TEST_TMP/home-file" --eab-hmac-key-file "$TEST_TMP/eab.key"
expect_eq "$ERR" "" "stderr with a key file"

ACMECTL_EAB_HMAC_KEY=$EAB_KEY register_eab "$TEST_TMP/home-env"
expect_eq "$ERR" "" "stderr with the key in the environment"

# A wrong key in the file is refused by the CA: the file is really read.
printf '%s\n' "$EAB_OTHER_KEY" >"$TEST_TMP/other.key"
expect_exit 1 "$ACMECTL" register --home "$TEST_TMP/home-other" --server "$EAB_SERVER" \
  --ca-bundle "$CA" --agree-tos --eab-kid "$EAB_KID" --eab-hmac-key-file "$TEST_TMP/other.key"
expect_no_path "$TEST_TMP/home-other/accounts/127.0.0.1_14001/default/account.json"

# A kid without any key, or a key without a kid: usage errors, nothing asked.
expect_exit 64 "$ACMECTL" register --home "$TEST_TMP/home-none" --server "$EAB_SERVER" \
  --ca-bundle "$CA" --agree-tos --eab-kid "$EAB_KID"
expect_contains "$ERR" "--eab-kid needs an HMAC key: --eab-hmac-key-file, ACMECTL_EAB_HMAC_KEY" "no key"
expect_exit 64 "$ACMECTL" register --home "$TEST_TMP/home-none" --server "$EAB_SERVER" \
  --ca-bundle "$CA" --agree-tos --eab-hmac-key-file "$TEST_TMP/eab.key"
expect_contains "$ERR" "an EAB HMAC key needs --eab-kid" "no kid"
expect_exit 64 "$ACMECTL" register --home "$TEST_TMP/home-none" --server "$EAB_SERVER" \
  --ca-bundle "$CA" --agree-tos --eab-kid "$EAB_KID" --eab-hmac-key-file "$TEST_TMP/missing.key"
expect_contains "$ERR" "missing.key" "missing key file"
