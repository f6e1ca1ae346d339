#!/usr/bin/env bash
# delete: refuses without --yes off a terminal, asks on one, refuses while
# another process holds the lineage's lock (75), removes config, versions,
# state and lock file, revokes first with --revoke, and leaves install targets.
source "$(dirname "$0")/lib.sh"

D=("$ACMECTL" delete --home "$HOME_DIR")
register_account
for n in alpha beta gamma; do
  expect_exit 0 "${ISSUE[@]}" -d "$n.delete.example" --name "$n"
done
mkdir -p "$TEST_TMP/srv"
target=$TEST_TMP/srv/alpha.pem
expect_exit 0 "$ACMECTL" deploy-hook --home "$HOME_DIR" alpha --install-to "$target" --what fullchain
expect_exit 0 "$ACMECTL" deploy-hook --home "$HOME_DIR" alpha
expect_file "$target"

# stdin is not a terminal (expect_exit gives </dev/null): no --yes, no delete
expect_exit 64 "${D[@]}" alpha
expect_contains "$ERR" "--yes" "refusal without --yes"
expect_file "$(lineage_dir alpha)/config.json"

# an unknown name: nothing deleted, not even the names before it
expect_exit 1 "${D[@]}" alpha nosuch --yes
expect_contains "$ERR" "no lineage named 'nosuch'" "unknown name"
expect_file "$(lineage_dir alpha)/config.json"

# another process holds beta's lock: 75, beta intact
mkdir -p "$HOME_DIR/locks"
timeout 60 flock "$HOME_DIR/locks/beta.lock" sleep 60 &
holder=$!
on_exit "_stop_pid $holder"
for ((i = 0; i < 50; i++)); do
  flock -n "$HOME_DIR/locks/beta.lock" true 2>/dev/null || break
  sleep 0.1
done
expect_exit 75 "${D[@]}" beta --yes
expect_contains "$ERR" "locked" "locked lineage"
expect_file "$(lineage_dir beta)/current/cert.pem"
_stop_pid "$holder"

# on a terminal: "n" keeps it, "y" deletes it
PTY_DRIVE=(python3 "$REPO_ROOT/tests/integration/fixtures/pty_drive.py" --expect "[y/N]" --timeout 30)
expect_exit 1 "${PTY_DRIVE[@]}" --send 'n\n' -- "${D[@]}" gamma
expect_contains "$OUT" "Delete 1 lineage(s)? [y/N]" "question"
expect_contains "$OUT" "nothing deleted" "answer n"
expect_file "$(lineage_dir gamma)/config.json"
expect_exit 0 "${PTY_DRIVE[@]}" --send 'y\n' -- "${D[@]}" gamma
expect_contains "$OUT" "Deleted gamma" "answer y"
expect_no_path "$(lineage_dir gamma)"

# --yes: everything of the lineage goes, the installed copy stays and is named
expect_exit 0 "${D[@]}" alpha --yes
expect_contains "$OUT" "Deleted alpha: removed $(lineage_dir alpha)" "message"
expect_contains "$OUT" "left in place" "install targets named"
expect_contains "$OUT" "$target" "install target named"
expect_no_path "$(lineage_dir alpha)"
expect_no_path "$HOME_DIR/locks/alpha.lock"
expect_file "$target"

# --revoke: revoked at the CA first, then deleted
serial=$(openssl x509 -in "$(lineage_dir beta)/current/cert.pem" -noout -serial | cut -d= -f2)
cp "$(lineage_dir beta)/current/cert.pem" "$TEST_TMP/beta.pem"
expect_exit 0 "${D[@]}" beta --yes --revoke --ca-bundle "$CA" --json
expect_eq "$(json '.deleted[0].revoked_serial' | sed 's/^0*//')" \
  "$(tr 'A-F' 'a-f' <<<"$serial" | sed 's/^0*//')" "revoked serial"
expect_no_path "$(lineage_dir beta)"
# the CA knows: revoking it again is refused as already revoked
expect_exit 1 "$ACMECTL" revoke --home "$HOME_DIR" --server "$SERVER" --ca-bundle "$CA" \
  --cert "$TEST_TMP/beta.pem"
expect_match "$ERR" "already ?revoked" "second revocation"

expect_exit 0 "$ACMECTL" list --home "$HOME_DIR" --json
expect_eq "$(json '.lineages | length')" 0 "lineages left"
