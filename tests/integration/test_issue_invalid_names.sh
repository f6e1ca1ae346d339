#!/usr/bin/env bash
# invalid names: exit 1, one line naming the name, nothing written under certs/.
source "$(dirname "$0")/lib.sh"

long=$(printf 'a%.0s' $(seq 64)).example
names=("a..b" "$long" "-lead.example" "a/b" "a.*.b")
register_account
for name in "${names[@]}"; do
  # attached form (-dNAME) so that a name starting with '-' stays the value of -d
  expect_exit 1 "${ISSUE[@]}" "-d$name"
  expect_one_line "$ERR" "stderr for '$name'"
  expect_contains "$ERR" "$name" "stderr for '$name'"
  expect_no_lineage
done
