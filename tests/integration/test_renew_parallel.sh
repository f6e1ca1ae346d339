#!/usr/bin/env bash
# --parallel 4 over 8 lineages renews all 8; pre and post hooks run once each.
source "$(dirname "$0")/lib.sh"

register_account
for i in $(seq 8); do
  expect_exit 0 "${ISSUE[@]}" -d "p$i.renew.example" --name "p$i"
done
log=$TEST_TMP/hooks.log
expect_exit 0 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --force --parallel 4 --json \
  --pre-hook "sh -c 'echo pre >> $log'" --post-hook "sh -c 'echo post >> $log'"
expect_eq "$(json '[.lineages[] | select(.action == "renewed")] | length')" 8 "renewed lineages"
for i in $(seq 8); do
  same_dir "$(lineage_dir "p$i")/current" "$(lineage_dir "p$i")/versions/2" ||
    fail "p$i: current is not versions/2"
done
expect_eq "$(tr '\n' ' ' < "$log")" "pre post " "hooks run once each"

# Nothing due: no hooks at all.
expect_exit 0 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" \
  --pre-hook "sh -c 'echo pre >> $log'" --post-hook "sh -c 'echo post >> $log'"
expect_eq "$(tr '\n' ' ' < "$log")" "pre post " "no hooks when nothing is due"
