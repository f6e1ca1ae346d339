#!/usr/bin/env bash
# --manual needs a person at a terminal: with stdin from /dev/null it refuses
# at once, in one line, before touching the store or the network.
source "$(dirname "$0")/lib.sh"

expect_exit 1 "$ACMECTL" issue --home "$HOME_DIR" --server "$SERVER" --ca-bundle "$CA" \
  --manual -d manual.issue.example
expect_one_line "$ERR" "stderr"
expect_contains "$ERR" "--manual needs a terminal" "stderr"
expect_eq "$OUT" "" "stdout"
# only the run log (log/) may be there: no account, no lineage
expect_eq "$(ls -A "$HOME_DIR" | grep -v '^log$' || true)" "" "store contents"

# not even with an account and --agree-tos
register_account
expect_exit 1 "$ACMECTL" issue --home "$HOME_DIR" --server "$SERVER" --ca-bundle "$CA" \
  --manual --agree-tos -d manual.issue.example
expect_contains "$ERR" "--manual needs a terminal" "stderr"
expect_no_lineage
