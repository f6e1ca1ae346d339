#!/usr/bin/env bash
# The store under a hostile umask and hostile plants: folders acmectl creates
# are never writable by others (umask 000), a FIFO planted as the run log does
# not hang a run, and a hooks folder others may write to is refused before
# anything runs from it.
source "$(dirname "$0")/lib.sh"

# umask 000: the run log used to create $ACMECTL_HOME and log/ 0777.
rm -rf "$HOME_DIR"
(
  umask 000
  register_account
  expect_exit 0 "${ISSUE[@]}" -d umask.store.example --name um
)
loose=$(find "$HOME_DIR" ! -type l -perm /022)
expect_eq "$loose" "" "store entries writable by group or others under umask 000"
expect_file_mode "$HOME_DIR" 0755
expect_file_mode "$(lineage_dir um)/config.json" 0600

# A FIFO where the log should be: no reader, so a blocking open would hang.
rm -f "$HOME_DIR/log/acmectl.log"
mkfifo "$HOME_DIR/log/acmectl.log"
RC=0
timeout --kill-after=2 20 "$ACMECTL" register --home "$HOME_DIR" --server "$SERVER" \
  --ca-bundle "$CA" --agree-tos --email ops@example.com </dev/null >/dev/null 2>&1 || RC=$?
expect_eq "$RC" 0 "exit status of register with a FIFO as the log (124: it hung)"
[[ -p $HOME_DIR/log/acmectl.log ]] || fail "the FIFO was replaced"
rm -f "$HOME_DIR/log/acmectl.log"

# A deploy hook folder everyone may write to: refused, its hook never runs.
mkdir -p "$HOME_DIR/hooks/deploy"
marker=$TEST_TMP/hook-ran
printf '#!/bin/sh\ntouch %s\n' "$marker" >"$HOME_DIR/hooks/deploy/10-mark"
chmod 0755 "$HOME_DIR/hooks/deploy/10-mark"
chmod 0777 "$HOME_DIR/hooks/deploy"
expect_exit 1 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --force --name um
expect_contains "$ERR" "$HOME_DIR/hooks/deploy is writable by its group or by everyone" \
  "refusal"
expect_contains "$ERR" "chmod go-w $HOME_DIR/hooks/deploy" "the fix"
expect_one_line "$ERR" "error"
expect_no_path "$marker"
expect_eq "$(readlink "$(lineage_dir um)/current")" versions/1 "not renewed"

# A hook file owned by another user: refused too.
chmod 0755 "$HOME_DIR/hooks/deploy"
chown 65534 "$HOME_DIR/hooks/deploy/10-mark" 2>/dev/null && {
  expect_exit 1 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --force --name um
  expect_contains "$ERR" "$HOME_DIR/hooks/deploy/10-mark belongs to uid 65534" "foreign hook"
  expect_no_path "$marker"
  chown "$(id -u)" "$HOME_DIR/hooks/deploy/10-mark"
}

# Fixed as the message says: renew runs, and so does the hook.
expect_exit 0 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --force --name um
[[ -e $marker ]] || fail "the deploy hook did not run once the folder was fixed"
expect_file_mode "$(lineage_dir um)/state.json" 0600
