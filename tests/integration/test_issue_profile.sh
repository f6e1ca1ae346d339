#!/usr/bin/env bash
# --profile: refused with a clear message before any order when the CA's
# directory does not offer it (Pebble 2.4 offers no profiles at all); when it
# does offer profiles, an unknown one is refused naming them, and a known one
# is ordered and kept in config.json for renew.
source "$(dirname "$0")/lib.sh"

register_account
offered=$(curl -fsS --max-time 10 --cacert "$CA" "$SERVER" | jq -r '.meta.profiles // {} | keys | join(", ")')

expect_exit 1 "${ISSUE[@]}" -q -d profile.issue.example --profile no-such-profile
expect_one_line "$ERR" "stderr"
if [[ -z $offered ]]; then
  expect_contains "$ERR" "the CA offers no profiles" "stderr"
else
  expect_contains "$ERR" "unknown profile 'no-such-profile'; the CA offers: $offered" "stderr"
fi
expect_no_lineage

if [[ -n $offered ]]; then
  first=${offered%%, *}
  expect_exit 0 "${ISSUE[@]}" -d profile.issue.example --profile "$first"
  expect_eq "$(jq -r .profile "$(lineage_dir "$(json .name)")/config.json")" "$first" "profile"
fi
