#!/usr/bin/env bash
# issue without an account and without --agree-tos: exit 1, pointing to register.
source "$(dirname "$0")/lib.sh"

expect_exit 1 "${ISSUE[@]}" -d noacct.issue.example
expect_match "$ERR" 'register|agree-tos' "stderr"
expect_no_lineage
expect_no_path "$ACCOUNT_DIR/account.json"
