#!/usr/bin/env bash
# issue with the names of an existing lineage under another name warns and
# names it; failed issue attempts leave no lock file for lineages that never
# came to exist.
source "$(dirname "$0")/lib.sh"

register_account
expect_exit 0 "${ISSUE[@]}" -d same.names.example -d www.same.names.example --name site
expect_exit 0 "${ISSUE[@]}" -d www.same.names.example -d same.names.example
expect_contains "$ERR" "lineage site already has these names" "warning"
expect_contains "$ERR" "--name site" "hint"
expect_eq "$(json .name)" www.same.names.example "a second lineage was made"
expect_exit 0 "${ISSUE[@]}" -d other.names.example
expect_not_contains "$ERR" "already has these names" "no warning for other names"

# A failed first issue (the challenge cannot be answered: the standalone
# port is not where Pebble looks) leaves no lock file.
expect_exit 1 "$ACMECTL" issue --home "$HOME_DIR" --server "$SERVER" --ca-bundle "$CA" \
  --standalone --http-port 5999 -d failed.names.example --timeout 20
expect_no_path "$(lineage_dir failed.names.example)"
expect_no_path "$HOME_DIR/locks/failed.names.example.lock"
[[ -e $HOME_DIR/locks/site.lock ]] || fail "the lock file of an existing lineage went away"
