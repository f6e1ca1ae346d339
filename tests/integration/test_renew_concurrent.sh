#!/usr/bin/env bash
# Two `acmectl renew --force` started together on one lineage: exactly one
# new version (the lock, and the re-check of current/ after taking it).
source "$(dirname "$0")/lib.sh"

register_account
expect_exit 0 "${ISSUE[@]}" -d cc.renew.example --name cc
# A barrier in the pre-hook (run after planning, before the lock) makes the two
# runs overlap however slowly each starts (ASan): both have planned version 1
# before either renews. Bounded: at most ~10 s.
barrier=$TEST_TMP/barrier
mkdir -p "$barrier"
wait_both="touch $barrier/\$PPID; n=0; while [ \$(ls $barrier | wc -l) -lt 2 ] && [ \$n -lt 100 ]; do sleep 0.1; n=\$((n+1)); done"
R=("$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --force --pre-hook "sh -c '$wait_both'")
timeout 90 "${R[@]}" >"$TEST_TMP/a.out" 2>&1 & a=$!
timeout 90 "${R[@]}" >"$TEST_TMP/b.out" 2>&1 & b=$!
wait $a || fail "first renew failed: $(cat "$TEST_TMP/a.out")"
wait $b || fail "second renew failed: $(cat "$TEST_TMP/b.out")"
cat "$TEST_TMP/a.out" "$TEST_TMP/b.out"
expect_file "$(lineage_dir cc)/versions/2/cert.pem"
expect_no_path "$(lineage_dir cc)/versions/3"
renewed=$(cat "$TEST_TMP/a.out" "$TEST_TMP/b.out" | grep -c "cc: renewed" || true)
expect_eq "$renewed" 1 "number of runs that renewed"
expect_eq "$(ls "$barrier" | wc -l)" 2 "both runs reached the barrier"
