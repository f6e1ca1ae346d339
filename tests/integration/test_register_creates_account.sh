#!/usr/bin/env bash
# register creates an account; account.json and --json agree on its URL.
source "$(dirname "$0")/lib.sh"

register_account --json
expect_eq "$(jq -s 'length' <<<"$OUT")" 1 "number of JSON documents on stdout"
expect_eq "$(jq -r type <<<"$OUT")" object "type of the JSON document"
url=$(json .account_url)
expect_match "$url" '^https://127\.0\.0\.1:14000/my-account/' "account_url"
expect_eq "$(json .created)" true "created"
expect_eq "$(json .status)" valid "status"
expect_contains "$(json '.contact | tostring')" "ops@example.com" "contact"
expect_eq "$(json .server)" "$SERVER" "server"
expect_eq "$(json .key_path)" "$ACCOUNT_DIR/key.pem" "key_path"

expect_file "$ACCOUNT_DIR/account.json"
expect_file "$ACCOUNT_DIR/key.pem"
stored=$(jq -er .url "$ACCOUNT_DIR/account.json") || fail "account.json has no url"
expect_eq "$stored" "$url" "account.json url"
expect_eq "$(jq -r .status "$ACCOUNT_DIR/account.json")" valid "account.json status"
expect_eq "$(jq -r .server "$ACCOUNT_DIR/account.json")" "$SERVER" "account.json server"
expect_contains "$(jq -c .contact "$ACCOUNT_DIR/account.json")" "ops@example.com" "account.json contact"
expect_no_path "$ACMECTL_HOME/accounts"
