#!/usr/bin/env bash
# the standalone port is taken: exit 1 naming the port; a new lineage is not
# written, and an existing lineage's current/ is untouched.
source "$(dirname "$0")/lib.sh"

register_account
expect_exit 0 "${ISSUE[@]}" -d a.port.issue.example --name port
expect_issued port 1
dir=$(lineage_dir port)
cert1=$(sha256_of "$dir/current/cert.pem")
key1=$(sha256_of "$dir/current/privkey.pem")

mkdir -p "$TEST_TMP/www"
start_http_server "$TEST_TMP/www" "$HTTP_PORT"

# a new lineage (a name never validated, so a challenge must be answered)
expect_exit 1 "${ISSUE[@]}" -d b.port.issue.example --name other
expect_contains "$ERR" "$HTTP_PORT" "stderr"
expect_no_path "$(lineage_dir other)"

# the existing lineage, forced, with one more (never validated) name
expect_exit 1 "${ISSUE[@]}" -d a.port.issue.example -d c.port.issue.example --name port --force
expect_contains "$ERR" "$HTTP_PORT" "stderr"
same_dir "$dir/current" "$dir/versions/1" || fail "current moved"
expect_no_path "$dir/versions/2"
expect_eq "$(sha256_of "$dir/current/cert.pem")" "$cert1" "sha256 of current/cert.pem"
expect_eq "$(sha256_of "$dir/current/privkey.pem")" "$key1" "sha256 of current/privkey.pem"
