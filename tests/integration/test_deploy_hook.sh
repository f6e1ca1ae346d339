#!/usr/bin/env bash
# deploy-hook NAME: --add/--list/--remove manage the lineage's hooks in
# config.json, --install-to adds copy steps (run first), and with no action
# every step runs now against current/.
source "$(dirname "$0")/lib.sh"

register_account
expect_exit 0 "${ISSUE[@]}" -d dh.deploy.example --name dh
D=("$ACMECTL" deploy-hook --home "$HOME_DIR")
out=$TEST_TMP/out
mkdir -p "$out"

expect_exit 0 "${D[@]}" dh --add "sh -c 'echo \$ACMECTL_NAME > $out/ran'"
expect_exit 0 "${D[@]}" dh --add "false"
expect_exit 0 "${D[@]}" dh --install-to "$out/site.pem" --what combined
expect_exit 0 "${D[@]}" dh --install-to "$out/fullchain.pem" --what fullchain --mode 0640 --owner root:root
expect_exit 0 "${D[@]}" dh --list
expect_contains "$OUT" "1. install combined to $out/site.pem" "list"
expect_contains "$OUT" "3. sh -c 'echo" "list"
expect_contains "$OUT" "4. false" "list"

# Running now: the failing `false` makes it exit 1, the others still ran.
expect_exit 1 "${D[@]}" dh --json
expect_eq "$(json .ok)" false "ok"
expect_eq "$(cat "$out/ran")" dh "hook ran with ACMECTL_NAME"
cur=$(lineage_dir dh)/current
expect_eq "$(cat "$out/site.pem")" "$(cat "$cur/privkey.pem" "$cur/fullchain.pem")" "combined = key + fullchain"
expect_file_mode "$out/site.pem" 0600
expect_file_mode "$out/fullchain.pem" 0640
cmp -s "$out/fullchain.pem" "$cur/fullchain.pem" || fail "fullchain copy differs"

expect_exit 0 "${D[@]}" dh --remove 4
expect_not_contains "$OUT" "false" "list after --remove 4"
expect_exit 0 "${D[@]}" dh
expect_exit 1 "${D[@]}" dh --remove 9
expect_contains "$ERR" "no hook number 9" "remove out of range"
expect_exit 1 "${D[@]}" nosuch --list
expect_contains "$ERR" "no lineage named 'nosuch'" "unknown lineage"
expect_exit 64 "${D[@]}" dh --install-to "$out/x.pem"
expect_exit 1 "${D[@]}" dh --add "  "
expect_contains "$ERR" "empty hook command" "blank command"

# Global hooks in $ACMECTL_HOME/hooks/deploy/ run too, in name order, with
# the same environment; a non-executable file there is ignored.
mkdir -p "$HOME_DIR/hooks/deploy"
printf '#!/bin/sh\necho "b $RENEWED_LINEAGE" >> %s\n' "$out/global" > "$HOME_DIR/hooks/deploy/20-b"
printf '#!/bin/sh\necho "a $ACMECTL_NAME" >> %s\n' "$out/global" > "$HOME_DIR/hooks/deploy/10-a"
printf '#!/bin/sh\necho never >> %s\n' "$out/global" > "$HOME_DIR/hooks/deploy/30-off"
chmod +x "$HOME_DIR/hooks/deploy/10-a" "$HOME_DIR/hooks/deploy/20-b"

# The hooks survive a renewal and run after it.
rm -f "$out/ran"
expect_exit 0 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --force
expect_eq "$(cat "$out/ran")" dh "hook ran after renew"
expect_eq "$(tr '\n' '|' < "$out/global")" "a dh|b $cur|" "global deploy hooks, in order"
