#!/usr/bin/env bash
# registering again returns the same account (created=false), key.pem untouched.
source "$(dirname "$0")/lib.sh"

register_account --json
first=$(json .account_url)
key_sum=$(sha256_of "$ACCOUNT_DIR/key.pem")

register_account --json
expect_eq "$(json .account_url)" "$first" "account_url of the second register"
expect_eq "$(json .created)" false "created"
expect_eq "$(sha256_of "$ACCOUNT_DIR/key.pem")" "$key_sum" "sha256 of key.pem"
expect_eq "$(jq -r .url "$ACCOUNT_DIR/account.json")" "$first" "account.json url"
