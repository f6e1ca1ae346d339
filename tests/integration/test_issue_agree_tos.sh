#!/usr/bin/env bash
# issue --agree-tos --email registers on the fly, then issues.
source "$(dirname "$0")/lib.sh"

expect_exit 0 "${ISSUE[@]}" -d tos.issue.example --name tos --agree-tos --email ops@example.com
expect_issued tos 1
expect_file "$ACCOUNT_DIR/account.json"
expect_file_mode "$ACCOUNT_DIR/key.pem" 0600
