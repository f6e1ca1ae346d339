#!/usr/bin/env bash
# --key-type ec384: the certificate key is a P-384 key.
source "$(dirname "$0")/lib.sh"

register_account
expect_exit 0 "${ISSUE[@]}" -d ec384.issue.example --name ec384 --key-type ec384
expect_issued ec384 1
expect_eq "$(json .key_type)" ec384 "key_type"
text=$(openssl pkey -in "$(lineage_dir ec384)/versions/1/privkey.pem" -noout -text)
expect_match "$text" 'P-384|secp384r1' "privkey.pem"
