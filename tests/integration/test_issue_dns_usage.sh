#!/usr/bin/env bash
# solver flags: exactly one solver; --dns-wait/--dns-resolver need --dns-hook,
# --tls-port/--tls-address need --alpn; --dns-wait must fit in --timeout.
# All usage errors (exit 64) before anything is written.
source "$(dirname "$0")/lib.sh"

BASE=("$ACMECTL" issue --home "$HOME_DIR" --server "$SERVER" --ca-bundle "$CA" -d u.issue.example)
expect_exit 64 "${BASE[@]}"
expect_contains "$ERR" "--dns-hook CMD, --dns-rfc2136 SERVER, --alpn, --manual or --manual-dns" "stderr"
expect_exit 64 "${BASE[@]}" --standalone --alpn
expect_exit 64 "${BASE[@]}" --dns-hook true --manual
expect_exit 64 "${BASE[@]}" --alpn --webroot "$TEST_TMP"
expect_exit 64 "${BASE[@]}" --standalone --dns-wait 5
expect_exit 64 "${BASE[@]}" --standalone --dns-resolver 127.0.0.1
expect_exit 64 "${BASE[@]}" --standalone --tls-port 5001
expect_exit 64 "${BASE[@]}" --dns-hook true --dns-wait 300 --timeout 300
expect_contains "$ERR" "--dns-wait 300 must be shorter than --timeout 300" "stderr"
expect_exit 64 "${BASE[@]}" --alpn --tls-port 0
# only the run log (log/) may be there: no account, no lineage
expect_eq "$(ls -A "$HOME_DIR" | grep -v '^log$' || true)" "" "store contents"
