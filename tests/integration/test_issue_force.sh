#!/usr/bin/env bash
# issue --force on an existing lineage: versions/2 becomes current, versions/1 stays.
source "$(dirname "$0")/lib.sh"

register_account
expect_exit 0 "${ISSUE[@]}" -d force.issue.example --name force
expect_issued force 1
dir=$(lineage_dir force)
cert1=$(sha256_of "$dir/versions/1/cert.pem")
key1=$(sha256_of "$dir/versions/1/privkey.pem")

expect_exit 0 "${ISSUE[@]}" -d force.issue.example --name force --force
expect_issued force 2
expect_eq "$(sha256_of "$dir/versions/1/cert.pem")" "$cert1" "sha256 of versions/1/cert.pem"
expect_eq "$(sha256_of "$dir/versions/1/privkey.pem")" "$key1" "sha256 of versions/1/privkey.pem"
[[ $(sha256_of "$dir/versions/2/cert.pem") != "$cert1" ]] || fail "versions/2 has the old cert"
