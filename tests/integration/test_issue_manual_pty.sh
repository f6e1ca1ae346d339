#!/usr/bin/env bash
# --manual at a terminal (a pty driven by python): the instructions name the
# file and its content; the "person" creates it under a web root served on
# Pebble's http-01 port and presses Enter; the certificate is issued.
# Ctrl-D instead of Enter abandons the order. Renewing a manual lineage
# unattended fails with a clear message instead of waiting for a person.
source "$(dirname "$0")/lib.sh"

www=$TEST_TMP/www
mkdir -p "$www"
start_http_server "$www" "$HTTP_PORT"

PTY_DRIVE=(python3 "$REPO_ROOT/tests/integration/fixtures/pty_drive.py")

register_account
name=manual.pty.issue.example
MANUAL_ISSUE=("$ACMECTL" issue --home "$HOME_DIR" --server "$SERVER" --ca-bundle "$CA" --manual)
expect_exit 0 "${PTY_DRIVE[@]}" --expect "Press Enter" --files-under "$www" -- "${MANUAL_ISSUE[@]}" -d "$name"
expect_contains "$OUT" "Create this file on the web server of $name" "transcript"
expect_match "$OUT" "path: +\.well-known/acme-challenge/[A-Za-z0-9_-]+" "transcript"
expect_match "$OUT" "URL: +http://$name/\.well-known/acme-challenge/" "transcript"
expect_contains "$OUT" "Issued $name version 1" "transcript"
token=$(ls "$www/.well-known/acme-challenge")
expect_one_line "$token" "challenge files created"
expect_match "$(cat "$www/.well-known/acme-challenge/$token")" "^$token\.[A-Za-z0-9_-]{43}$" \
  "file content (token.thumbprint)"
expect_file "$(lineage_dir "$name")/current/cert.pem"
expect_eq "$(jq -cS .solver "$(lineage_dir "$name")/config.json")" '{"kind":"manual"}' \
  "config.json solver"

# Ctrl-D: not confirmed, nothing saved for that name
rm -rf "$www/.well-known"
expect_exit 1 "${PTY_DRIVE[@]}" --expect "Press Enter" --files-under "$www" --send '\x04' -- "${MANUAL_ISSUE[@]}" -d abort.$name
expect_contains "$OUT" "not confirmed" "transcript"
expect_no_path "$(lineage_dir abort.$name)"

# renew from cron: refused at once, recorded as a failure, nothing changed
expect_exit 1 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --force --json
expect_eq "$(json '.lineages[0].action')" failed "renew outcome"
expect_contains "$(json '.lineages[0].error')" "cannot renew unattended" "renew error"
expect_no_path "$(lineage_dir "$name")/versions/2"
