#!/usr/bin/env bash
# --format nagios: one plugin line "EXPIRY STATUS - text | 'target'=N;W;C ..."
# with the worst status as exit code: OK (0), WARNING (1), CRITICAL (2), and
# UNKNOWN (3) for a malformed target.
export PEBBLE_DIR=${PEBBLE_DIR:-/nonexistent} # lib.sh wants it; these cases need no Pebble
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/expiry_servers.sh"

make_root root
make_cert long root localhost DNS:localhost "-1 day" "+60 days -1 hour"
make_cert short root localhost DNS:localhost "-1 day" "+10 days -1 hour"
start_s_server "$PKI/long.pem" "$PKI/long.key"
long=$PORT
start_s_server "$PKI/short.pem" "$PKI/short.key"
short=$PORT

perf="'([^']|'')+'=-?[0-9]+;[0-9]+;[0-9]+" # days: no unit ("d" is none)
plugin_line="^EXPIRY (OK|WARNING|CRITICAL|UNKNOWN) - [^|]+( \\| $perf( $perf)*)?\$"
check_line() { # WHAT
  expect_one_line "$OUT" "$1"
  [[ $OUT =~ $plugin_line ]] || fail "$1 is not a plugin line: $OUT"
}

expect_exit 0 "$ACMECTL" expiry --format nagios --ca-bundle "$PKI/root.pem" "localhost:$long"
check_line "OK line"
expect_eq "$OUT" "EXPIRY OK - 0 critical, 0 warning, 0 unknown, 1 ok | 'localhost:$long'=59;21;7" \
  "OK line"

expect_exit 1 "$ACMECTL" expiry --format nagios --ca-bundle "$PKI/root.pem" "localhost:$long" \
  "localhost:$short"
check_line "WARNING line"
expect_contains "$OUT" "EXPIRY WARNING - 0 critical, 1 warning, 0 unknown, 1 ok: localhost:$short expires in 9 days"
expect_contains "$OUT" "| 'localhost:$long'=59;21;7 'localhost:$short'=9;21;7"

closed=$(closed_port)
expect_exit 2 "$ACMECTL" expiry --format nagios --warn-days 30 --crit-days 10 \
  --ca-bundle "$PKI/root.pem" "localhost:$long" "localhost:$short" "127.0.0.1:$closed"
check_line "CRITICAL line"
expect_contains "$OUT" "EXPIRY CRITICAL - 2 critical, 0 warning, 0 unknown, 1 ok"
expect_contains "$OUT" "127.0.0.1:$closed refused"
expect_contains "$OUT" "'localhost:$short'=9;30;10"
expect_not_contains "$OUT" "'127.0.0.1:$closed'=" "perfdata"

expect_exit 3 "$ACMECTL" expiry --format nagios "localhost:99999"
check_line "UNKNOWN line"
expect_contains "$OUT" "EXPIRY UNKNOWN - bad target 'localhost:99999'"
