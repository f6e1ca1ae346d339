#!/usr/bin/env bash
# issuing the same lineage again without --force: exit 0, status "exists", no new version.
source "$(dirname "$0")/lib.sh"

register_account
expect_exit 0 "${ISSUE[@]}" -d exists.issue.example --name exists
expect_issued exists 1
dir=$(lineage_dir exists)
cert1=$(sha256_of "$dir/versions/1/cert.pem")

expect_exit 0 "${ISSUE[@]}" -d exists.issue.example --name exists
expect_eq "$(json .status)" exists "status"
expect_eq "$(json .version)" 1 "version"
expect_no_path "$dir/versions/2"
same_dir "$dir/current" "$dir/versions/1" || fail "current moved"
expect_eq "$(sha256_of "$dir/versions/1/cert.pem")" "$cert1" "sha256 of versions/1/cert.pem"
