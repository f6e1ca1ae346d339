#!/usr/bin/env bash
# The systemd units pass `systemd-analyze verify` (where systemd-analyze is
# installed), run `acmectl renew --quiet`, and the timer fires twice a day;
# the sync service follows the store with `sync --watch` and restarts on failure.
source "$(dirname "$0")/lib.sh"

units=$REPO_ROOT/packaging/systemd
expect_contains "$(cat "$units/acmectl-renew.service")" "ExecStart=/usr/bin/acmectl renew --quiet" "service"
expect_contains "$(cat "$units/acmectl-renew.service")" "Type=oneshot" "service"
expect_contains "$(cat "$units/acmectl-renew.timer")" "RandomizedDelaySec=1h" "timer"
expect_contains "$(cat "$units/acmectl-renew.timer")" "Persistent=true" "timer"
expect_contains "$(cat "$units/acmectl-sync.service")" "ExecStart=/usr/bin/acmectl sync --watch" "sync"
expect_contains "$(cat "$units/acmectl-sync.service")" "Restart=on-failure" "sync"
expect_contains "$(cat "$REPO_ROOT/packaging/cron/acmectl")" "acmectl renew --quiet" "cron example"

if ! command -v systemd-analyze >/dev/null; then
  echo "systemd-analyze not installed: unit syntax not verified"
  exit 0
fi
cp "$units/acmectl-renew.service" "$units/acmectl-renew.timer" "$units/acmectl-sync.service" \
  "$TEST_TMP/"
# verify insists that ExecStart exists: point it at the binary under test.
sed -i "s|/usr/bin/acmectl|$ACMECTL|" "$TEST_TMP/acmectl-renew.service" \
  "$TEST_TMP/acmectl-sync.service"
expect_exit 0 systemd-analyze verify --man=no "$TEST_TMP/acmectl-renew.service" \
  "$TEST_TMP/acmectl-renew.timer" "$TEST_TMP/acmectl-sync.service"
expect_eq "$ERR" "" "systemd-analyze warnings"
