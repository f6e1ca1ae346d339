#!/usr/bin/env bash
# renew --force --name X for a lineage another process holds exits 75 (it
# was not renewed); renew of everything skips it quietly (exit 0).
# renew --dry-run tries every selected lineage, due or not (certbot).
source "$(dirname "$0")/lib.sh"

R=("$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA")
register_account
expect_exit 0 "${ISSUE[@]}" -d a.locked.example --name la
expect_exit 0 "${ISSUE[@]}" -d b.locked.example --name lb

expect_exit 0 "${R[@]}" --dry-run --json
expect_eq "$(json '[.lineages[].action] | join(",")')" renewed,renewed "dry run of lineages not due"
expect_eq "$(json '.lineages[0].due_source')" dry-run "due_source"
expect_no_path "$(lineage_dir la)/versions/2"
expect_no_path "$(lineage_dir la)/state.json"

hold_lock la
expect_exit 75 "${R[@]}" --force --name la
expect_contains "$OUT" "la: skipped, another acmectl is renewing it" "locked lineage"
expect_exit 0 "${R[@]}" --force --json
expect_eq "$(json '.lineages[] | select(.name == "la") | .action')" locked "la locked"
expect_eq "$(json '.lineages[] | select(.name == "lb") | .action')" renewed "lb renewed"
