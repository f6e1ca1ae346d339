#!/usr/bin/env bash
# --key-type rsa2048 gives a 2048-bit RSA account key.
source "$(dirname "$0")/lib.sh"

register_account --key-type rsa2048
text=$(openssl pkey -in "$ACCOUNT_DIR/key.pem" -noout -text) || fail "key.pem is not a private key"
expect_match "$text" 'Private-Key: \(2048 bit' "openssl pkey -text of key.pem"
expect_match "$text" 'modulus' "openssl pkey -text of key.pem"
expect_file_mode "$ACCOUNT_DIR/key.pem" 0600
