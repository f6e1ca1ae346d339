#!/usr/bin/env bash
# global flags work before the subcommand, and ACMECTL_HOME sets the store.
source "$(dirname "$0")/lib.sh"

expect_exit 0 env ACMECTL_HOME="$HOME_DIR" "$ACMECTL" --server "$SERVER" --ca-bundle "$CA" \
  --json register --agree-tos --email ops@example.com
expect_eq "$(json .created)" true "created"
expect_file "$ACCOUNT_DIR/account.json"
expect_eq "$(json .account_url)" "$(jq -r .url "$ACCOUNT_DIR/account.json")" "account_url"
