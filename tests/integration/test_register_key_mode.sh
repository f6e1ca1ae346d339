#!/usr/bin/env bash
# the account key is private to its owner (0600) and a P-256 key by default.
source "$(dirname "$0")/lib.sh"

register_account
expect_file_mode "$ACCOUNT_DIR/key.pem" 0600
text=$(openssl pkey -in "$ACCOUNT_DIR/key.pem" -noout -text) || fail "key.pem is not a private key"
expect_match "$text" 'P-256|prime256v1' "openssl pkey -text of key.pem"
