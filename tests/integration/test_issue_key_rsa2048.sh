#!/usr/bin/env bash
# --key-type rsa2048: the certificate key is a 2048-bit RSA key.
source "$(dirname "$0")/lib.sh"

register_account
expect_exit 0 "${ISSUE[@]}" -d rsa.issue.example --name rsa --key-type rsa2048
expect_issued rsa 1
expect_eq "$(json .key_type)" rsa2048 "key_type"
text=$(openssl pkey -in "$(lineage_dir rsa)/versions/1/privkey.pem" -noout -text)
expect_match "$text" 'Private-Key: \(2048 bit' "privkey.pem"
expect_match "$text" 'modulus' "privkey.pem"
