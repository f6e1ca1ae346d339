#!/usr/bin/env bash
# A hand-broken config.json (domains that are not strings: a JSON type error,
# not an acmectl error) fails only its own lineage: the others renew, the
# post hook runs after the pre hook, the failure hook names the broken one,
# exit 1; with and without --parallel (a worker thread must never abort).
source "$(dirname "$0")/lib.sh"

register_account
for n in one broken three; do
  expect_exit 0 "${ISSUE[@]}" -d "$n.isolated.example" --name "$n"
done
cfg=$(lineage_dir broken)/config.json
jq '.domains = [1, 2]' "$cfg" > "$TEST_TMP/cfg" && cp "$TEST_TMP/cfg" "$cfg"

log=$TEST_TMP/hooks.log
run_renew() { # EXPECTED_VERSION [ARGS...]
  local version=$1
  shift
  : > "$log"
  expect_exit 1 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --force --json "$@" \
    --pre-hook "sh -c 'echo pre >> $log'" \
    --post-hook "sh -c 'echo post \$ACMECTL_FAILED >> $log'" \
    --failure-hook "sh -c 'echo failure \$ACMECTL_FAILED >> $log'"
  expect_eq "$(json '.lineages[] | select(.name == "broken") | .action')" failed "broken action"
  expect_contains "$(json '.lineages[] | select(.name == "broken") | .error')" "config.json" \
    "broken error"
  expect_eq "$(json '.totals.renewed')" 2 "renewed lineages"
  for n in one three; do
    same_dir "$(lineage_dir "$n")/current" "$(lineage_dir "$n")/versions/$version" ||
      fail "$n: current is not versions/$version"
  done
  expect_eq "$(tr '\n' ';' < "$log")" "pre;post broken;failure broken;" "hooks in order"
}
run_renew 2
run_renew 3 --parallel 3
same_dir "$(lineage_dir broken)/current" "$(lineage_dir broken)/versions/1" ||
  fail "broken's current moved"
