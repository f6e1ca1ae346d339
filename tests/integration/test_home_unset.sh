#!/usr/bin/env bash
# HOME unset (cron, env -i): a non-root user's default store comes from the
# passwd entry, never the current folder; a user without any home gets a
# clear error asking for --home.
source "$(dirname "$0")/lib.sh"

cwd=$TEST_TMP/cwd
mkdir -p "$cwd"
chmod 0777 "$cwd"
chmod o+x "$TEST_TMP"
nobody_home=$(getent passwd nobody | cut -d: -f6)
cd "$cwd"
expect_exit 3 setpriv --reuid=nobody --regid=nogroup --clear-groups env -i "$ACMECTL" check
expect_contains "$ERR" "no lineages in $nobody_home/.local/state/acmectl" "store of nobody"
expect_no_path "$cwd/.local"

# A user id with no passwd entry at all: no home to fall back to.
expect_exit 1 setpriv --reuid=54321 --regid=54321 --clear-groups env -i "$ACMECTL" \
  register --server "$SERVER" --ca-bundle "$CA" --agree-tos
expect_contains "$ERR" "pass --home" "no home"
expect_no_path "$cwd/.local"
expect_exit 1 setpriv --reuid=54321 --regid=54321 --clear-groups env -i "$ACMECTL" check
expect_contains "$ERR" "pass --home" "check without a home"
