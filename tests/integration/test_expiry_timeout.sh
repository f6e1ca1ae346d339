#!/usr/bin/env bash
# servers that accept TCP and never answer: each target ends as a timeout
# within --timeout (TLS handshake, or STARTTLS greeting), and four of them
# run side by side: about one timeout in all, not four.
export PEBBLE_DIR=${PEBBLE_DIR:-/nonexistent} # lib.sh wants it; these cases need no Pebble
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/expiry_servers.sh"

start_py silent --count 4
targets=()
for port in "${PORTS[@]}"; do
  targets+=("127.0.0.1:$port")
done

start=$(date +%s%N)
expect_exit 2 "$ACMECTL" expiry --json --timeout 2 "${targets[@]}"
elapsed=$(elapsed_ms "$start")
((elapsed >= 1900 && elapsed < 3800)) || fail "took ${elapsed} ms, want about 2000"
expect_eq "$(grep -c . <<<"$OUT")" 4 "result lines"
expect_eq "$(jq -sr '[.[] | select(.error_kind == "timeout")] | length' <<<"$OUT")" 4 "timeouts"
expect_eq "$(jq -sr '[.[] | select(.status == "CRITICAL")] | length' <<<"$OUT")" 4 "CRITICAL"
expect_eq "$(jq -sr '[.[] | select(.duration_ms >= 1900 and .duration_ms < 3000)] | length' \
  <<<"$OUT")" 4 "durations"
expect_contains "$(jq -sr '.[0].error' <<<"$OUT")" "timed out during TLS handshake" "error"

expect_exit 2 "$ACMECTL" expiry --json --timeout 1 --starttls smtp "127.0.0.1:${PORTS[0]}"
expect_eq "$(json .error_kind)" timeout "error_kind of a silent SMTP server"
expect_contains "$(json .error)" "timed out during STARTTLS" "error of a silent SMTP server"
