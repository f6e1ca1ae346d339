#!/usr/bin/env bash
# a wildcard needs dns-01: with http-01 (standalone) it fails, saying so.
source "$(dirname "$0")/lib.sh"

register_account
expect_exit 1 "${ISSUE[@]}" -d '*.wild.issue.example'
expect_contains "$ERR" "dns-01" "stderr"
expect_no_lineage
