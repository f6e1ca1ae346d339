#!/usr/bin/env bash
# more than 100 names: exit 1 before anything is ordered or written.
source "$(dirname "$0")/lib.sh"

args=()
for i in $(seq 101); do args+=(-d "n$i.many.issue.example"); done
register_account
expect_exit 1 "${ISSUE[@]}" --name many "${args[@]}"
expect_one_line "$ERR" "stderr"
expect_contains "$ERR" "100" "stderr"
expect_no_lineage
