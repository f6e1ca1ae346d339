#!/usr/bin/env bash
# A failed challenge: exit 1, the message names the identifier and quotes the
# CA's problem detail, the webroot token is removed, nothing is stored.
source "$(dirname "$0")/lib.sh"

register_account
www=$TEST_TMP/www
mkdir -p "$www"
# Nothing serves $www on the validation port: Pebble cannot fetch the token.
expect_exit 1 "$ACMECTL" issue --home "$HOME_DIR" --server "$SERVER" --ca-bundle "$CA" \
  --webroot "$www" -d nobody.fail.example --timeout 60 -q
expect_one_line "$ERR" "error message"
expect_contains "$ERR" "the http-01 validation of nobody.fail.example" "names the identifier"
expect_match "$ERR" "connection refused|connect|unauthorized|fetching" "quotes the CA's detail"
expect_no_lineage
[[ -z $(find "$www" -type f) ]] || fail "a token file was left in the webroot"
