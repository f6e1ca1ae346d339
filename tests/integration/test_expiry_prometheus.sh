#!/usr/bin/env bash
# --format prometheus: every line is a HELP, TYPE or sample line of the text
# exposition format; label values are escaped (a --cert file name with a
# quote and a backslash); a closed port is acmectl_probe_success 0.
export PEBBLE_DIR=${PEBBLE_DIR:-/nonexistent} # lib.sh wants it; these cases need no Pebble
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/expiry_servers.sh"

make_root root
make_cert leaf root localhost DNS:localhost "-1 day" "+60 days"
start_s_server "$PKI/leaf.pem" "$PKI/leaf.key"
odd=$TEST_TMP/'we"ird\name.pem'
cp "$PKI/leaf.pem" "$odd"
closed=$(closed_port)

expect_exit 2 "$ACMECTL" expiry --format prometheus --ca-bundle "$PKI/root.pem" \
  "localhost:$PORT" "127.0.0.1:$closed" --cert "$odd"

name='[a-zA-Z_:][a-zA-Z0-9_:]*'
label='[a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\[\\"n])*"'
value='(-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?|NaN|[-+]Inf)'
sample="^$name(\\{($label(,$label)*,?)?\\})? $value( -?[0-9]+)?\$"
help="^# HELP $name .*\$"
type="^# TYPE $name (counter|gauge|histogram|summary|untyped)\$"
n=0
while IFS= read -r line; do
  n=$((n + 1))
  [[ $line =~ $sample || $line =~ $help || $line =~ $type ]] ||
    fail "line $n is not exposition format: $line"
done <<<"$OUT"
((n > 10)) || fail "only $n lines"

# Each metric: HELP and TYPE once, then its samples together.
for metric in acmectl_cert_not_after_timestamp_seconds \
  acmectl_cert_chain_earliest_not_after_timestamp_seconds acmectl_probe_success \
  acmectl_probe_duration_seconds; do
  expect_eq "$(grep -c "^# HELP $metric " <<<"$OUT")" 1 "HELP of $metric"
  expect_eq "$(grep -c "^# TYPE $metric gauge$" <<<"$OUT")" 1 "TYPE of $metric"
done
families=$(grep -v '^#' <<<"$OUT" | sed 's/[{ ].*//' | uniq | sort | uniq -d)
[[ -z $families ]] || fail "samples of $families are not grouped"

not_after=$(date -u -d "$(openssl x509 -in "$PKI/leaf.pem" -noout -enddate | cut -d= -f2)" +%s)
expect_contains "$OUT" \
  "acmectl_cert_not_after_timestamp_seconds{target=\"localhost:$PORT\",sni=\"localhost\"} $not_after"
expect_contains "$OUT" "acmectl_probe_success{target=\"localhost:$PORT\",sni=\"localhost\"} 1"
expect_contains "$OUT" "acmectl_probe_success{target=\"127.0.0.1:$closed\",sni=\"\"} 0"
expect_not_contains "$OUT" "acmectl_cert_not_after_timestamp_seconds{target=\"127.0.0.1:$closed\""
escaped=$(sed 's/\\/\\\\/g; s/"/\\"/g' <<<"$odd")
expect_contains "$OUT" "acmectl_cert_not_after_timestamp_seconds{target=\"$escaped\",sni=\"\"} $not_after"
expect_match "$OUT" "^acmectl_probe_duration_seconds\\{target=\"localhost:$PORT\",sni=\"localhost\"\\} [0-9.]+$"
