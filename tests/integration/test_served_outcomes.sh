#!/usr/bin/env bash
# check --served outcomes: an endpoint serving an unrelated self-signed
# certificate is `foreign` (WARNING), a closed port `unreachable` (UNKNOWN,
# exit 3); endpoints are managed with deploy-hook --endpoint/--list/
# --remove-endpoint/--clear-endpoints, and bad ones are refused.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/served_nginx.sh"

read -r P_OK P_FOREIGN P_CLOSED < <(loopback_ports 3)
NAME=multi
DIR=$(lineage_dir $NAME)
C=("$ACMECTL" check --home "$HOME_DIR" --served)
D=("$ACMECTL" deploy-hook --home "$HOME_DIR" $NAME)

register_account
# Bad endpoints fail before anything is written or sent.
expect_exit 1 "${ISSUE[@]}" -d served.multi.example --name $NAME --endpoint "[::1"
expect_contains "$ERR" "bad endpoint '[::1'" "bad endpoint"
expect_exit 1 "${ISSUE[@]}" -d served.multi.example --name $NAME --endpoint "127.0.0.1:70000"
expect_contains "$ERR" "outside 1-65535" "bad port"
expect_exit 1 "${ISSUE[@]}" -d served.multi.example --name $NAME --endpoint "https://127.0.0.1/"
expect_exit 1 "${ISSUE[@]}" -d served.multi.example --name $NAME --endpoint 127.0.0.1 \
  --endpoint-sni '*.multi.example'
expect_contains "$ERR" "bad endpoint SNI" "wildcard SNI"
expect_exit 64 "${ISSUE[@]}" -d served.multi.example --name $NAME --endpoint-sni served.multi.example
expect_no_lineage

expect_exit 0 "${ISSUE[@]}" -d served.multi.example --name $NAME --endpoint "127.0.0.1:$P_OK"
expect_exit 0 "${D[@]}" --endpoint "127.0.0.1:$P_FOREIGN" --endpoint "127.0.0.1:$P_CLOSED"
expect_exit 0 "${D[@]}" --list
expect_contains "$OUT" "endpoint 1. 127.0.0.1:$P_OK" "list"
expect_contains "$OUT" "endpoint 3. 127.0.0.1:$P_CLOSED" "list"
# Setting one twice keeps one.
expect_exit 0 "${D[@]}" --endpoint "127.0.0.1:$P_OK" --json
expect_eq "$(json '.endpoints | length')" 3 "endpoints after adding a duplicate"
expect_eq "$(json '.effective_endpoints[0].sni')" served.multi.example "derived SNI"

make_self_signed foreign foreign.example DNS:foreign.example 30
nginx_server "127.0.0.1:$P_OK" "$DIR/current/fullchain.pem" "$DIR/current/privkey.pem"
nginx_server "127.0.0.1:$P_FOREIGN" "$PKI/foreign.pem" "$PKI/foreign.key"
# The same server on IPv6 loopback, when there is one.
V6=0
if python3 -c 'import socket, sys; socket.socket(socket.AF_INET6).bind(("::1", int(sys.argv[1])))' \
  "$P_OK" 2>/dev/null; then
  V6=1
  nginx_server "[::1]:$P_OK" "$DIR/current/fullchain.pem" "$DIR/current/privkey.pem"
fi
start_nginx

expect_exit 3 "${C[@]}" --json --timeout 5
expect_eq "$(json .status)" UNKNOWN "overall status"
expect_eq "$(json '[.lineages[0].served[].outcome] | join(",")')" current,foreign,unreachable "outcomes"
expect_eq "$(json '[.lineages[0].served[].status] | join(",")')" OK,WARNING,UNKNOWN "statuses"
expect_contains "$(json '.lineages[0].served[1].message')" "CN=foreign.example" "foreign message"
expect_eq "$(jq -r '.lineages[0].served[2].sha256' <<<"$OUT")" null "no fingerprint when unreachable"
expect_exit 3 "${C[@]}" --format prometheus
expect_contains "$OUT" "acmectl_lineage_served_current{name=\"multi\",endpoint=\"127.0.0.1:$P_FOREIGN\",sni=\"served.multi.example\"} 0" "prometheus foreign"
expect_contains "$OUT" "acmectl_lineage_served_status{name=\"multi\",endpoint=\"127.0.0.1:$P_CLOSED\",sni=\"served.multi.example\"} 3" "prometheus closed"
expect_contains "$OUT" "acmectl_lineage_served_current{name=\"multi\",endpoint=\"127.0.0.1:$P_OK\",sni=\"served.multi.example\"} 1" "prometheus ok"

# Without the closed port: WARNING for the foreign certificate.
expect_exit 0 "${D[@]}" --remove-endpoint 3
expect_exit 1 "${C[@]}"
expect_contains "$OUT" "WARNING: 127.0.0.1:$P_FOREIGN serves a certificate that is not from this lineage" "text"
expect_exit 1 "${D[@]}" --remove-endpoint 7
expect_contains "$ERR" "no endpoint number 7" "remove out of range"
expect_exit 64 "${D[@]}" --remove-endpoint 1 --add /bin/true

if ((V6)); then
  expect_exit 0 "${D[@]}" --endpoint "[::1]:$P_OK"
  expect_contains "$OUT" "endpoint 3. [::1]:$P_OK" "list with IPv6"
  expect_exit 1 "${C[@]}" --json
  expect_eq "$(json '.lineages[0].served[2].outcome')" current "outcome on [::1]"
  expect_eq "$(json '.lineages[0].served[2].host')" ::1 "IPv6 host"
else
  echo "note: no IPv6 loopback, [::1] endpoint not tried" >&2
fi

# Back to the defaults (the lineage's names on 443; not probed here: no DNS).
expect_exit 0 "${D[@]}" --clear-endpoints
expect_contains "$OUT" "endpoints: the default (each non-wildcard name on port 443): served.multi.example:443" "list after clear"
expect_eq "$(jq -c .endpoints "$DIR/config.json")" "[]" "config.json after clear"
