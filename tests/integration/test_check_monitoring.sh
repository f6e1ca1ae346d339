#!/usr/bin/env bash
# check as monitoring meets it: a missing or empty store is UNKNOWN (not a
# permanent green light) unless --allow-empty; --format nagios always prints
# one status line; a user who cannot read the key still gets expiry; the
# perfdata has no invalid unit; thresholds from acmectl.conf; --crit-days
# above --warn-days is refused.
source "$(dirname "$0")/lib.sh"

C=("$ACMECTL" check --home "$HOME_DIR")
missing=$TEST_TMP/typo-home
expect_exit 3 "$ACMECTL" check --home "$missing"
expect_contains "$ERR" "no lineages in $missing" "missing store"
expect_exit 3 "$ACMECTL" check --home "$missing" --format nagios
expect_one_line "$OUT" "nagios output for a missing store"
expect_match "$OUT" "^CHECK UNKNOWN - no lineages in $missing" "nagios line, missing store"
expect_exit 0 "$ACMECTL" check --home "$missing" --allow-empty
mkdir -p "$TEST_TMP/empty/certs"
expect_exit 3 "$ACMECTL" check --home "$TEST_TMP/empty" --json
expect_exit 0 "$ACMECTL" check --home "$TEST_TMP/empty" --allow-empty --format nagios
expect_match "$OUT" "^CHECK OK - 0 lineage" "nagios line, allowed empty store"

register_account
expect_exit 0 "${ISSUE[@]}" -d mon.check.example --name mon
expect_exit 0 "${C[@]}" --format nagios
expect_one_line "$OUT" "nagios output"
expect_match "$OUT" "^CHECK OK - 1 lineage\(s\) \| 'mon'=[0-9]+;21;7$" "perfdata without a unit"
expect_exit 3 "${C[@]}" --format nagios nosuch
expect_one_line "$OUT" "nagios output for an unknown lineage"
expect_match "$OUT" "^CHECK UNKNOWN - no lineage named 'nosuch'" "nagios line, unknown lineage"
expect_exit 3 "${C[@]}" --warn-days 10 --crit-days 30
expect_contains "$ERR" "--crit-days 30 is more than --warn-days 10" "crit > warn"

# Thresholds from the store's acmectl.conf: 90-day certificates, warn at 100 days.
printf '[check]\nwarn-days = 100\n' >"$HOME_DIR/acmectl.conf"
expect_exit 1 "${C[@]}"
expect_exit 0 "${C[@]}" --warn-days 21
rm "$HOME_DIR/acmectl.conf"

# A monitoring user that may walk the store but not read privkey.pem.
chmod o+x "$TEST_TMP" "$HOME_DIR" "$HOME_DIR/certs" "$(lineage_dir mon)" "$(lineage_dir mon)/versions" \
  "$(lineage_dir mon)/versions/1"
expect_exit 0 setpriv --reuid=nobody --regid=nogroup --clear-groups "${C[@]}" mon --json
expect_eq "$(json '.lineages[0].status')" OK "status for a user without the key"
expect_eq "$(json '.lineages[0].days_left > 80')" true "days left for a user without the key"
expect_contains "$(json '.lineages[0].findings[].message')" "key match not checked" "finding"
