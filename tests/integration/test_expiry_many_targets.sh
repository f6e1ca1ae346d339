#!/usr/bin/env bash
# 100 targets from a -f list (with comments), 5 of them closed ports: 100
# JSON lines in list order, 95 OK and 5 refused, CRITICAL (2), in well under
# one --timeout (probed side by side, not one target after another).
export PEBBLE_DIR=${PEBBLE_DIR:-/nonexistent} # lib.sh wants it; these cases need no Pebble
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/expiry_servers.sh"

make_root root
make_cert leaf root localhost "DNS:localhost,IP:127.0.0.1" "-1 day" "+60 days"
start_py tls --count 95 --cert "$PKI/leaf.pem" --key "$PKI/leaf.key"
((${#PORTS[@]} == 95)) || fail "server gave ${#PORTS[@]} ports, want 95"

list=$TEST_TMP/targets.txt
{
  echo "# fleet"
  echo
  for ((i = 0; i < 95; i++)); do
    if ((i % 19 == 7)); then
      echo "127.0.0.1:$(closed_port)   # closed"
    fi
    echo "127.0.0.1:${PORTS[i]}"
  done
} >"$list"
expect_eq "$(grep -c '^127' "$list")" 100 "targets in the list"

start=$(date +%s%N)
expect_exit 2 "$ACMECTL" expiry --json --timeout 5 --ca-bundle "$PKI/root.pem" -f "$list"
elapsed=$(elapsed_ms "$start")
((elapsed < 5000)) || fail "took ${elapsed} ms, want less than one --timeout (5000)"
expect_eq "$(grep -c . <<<"$OUT")" 100 "result lines"
expect_eq "$(jq -sr '[.[] | select(.status == "OK" and .verified)] | length' <<<"$OUT")" 95 "OK"
expect_eq "$(jq -sr '[.[] | select(.error_kind == "refused")] | length' <<<"$OUT")" 5 "refused"
expect_eq "$(jq -r .target <<<"$OUT")" "$(sed -n 's/^\(127[^ ]*\).*/\1/p' "$list")" "order"
