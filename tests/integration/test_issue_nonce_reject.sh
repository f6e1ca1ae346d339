#!/usr/bin/env bash
# 10 issuances in a row against a Pebble that rejects 50% of good nonces: all
# succeed (acmectl retries badNonce). This case runs its own Pebble on 14002.
source "$(dirname "$0")/lib.sh"

own=$PEBBLE_DIR/nonce-reject # under PEBBLE_DIR: pebble-down of the fixture stops it too
on_exit "bash '$REPO_ROOT/scripts/pebble-down' '$own'"
ACMECTL_PEBBLE_PORT=14002 ACMECTL_PEBBLE_MGMT_PORT=15002 \
  ACMECTL_DNS_PORT=8063 ACMECTL_DNS_MGMT_PORT=8065 \
  ACMECTL_PEBBLE_MAX_SECONDS=600 PEBBLE_WFE_NONCEREJECT=50 \
  bash "$REPO_ROOT/scripts/pebble-up" "$own" >/dev/null || fail "pebble-up $own failed"
grep -q 'reject 50% of good nonces' "$own/pebble.log" || fail "Pebble does not reject 50% of nonces"

server=https://127.0.0.1:14002/dir
expect_exit 0 "$ACMECTL" register --home "$HOME_DIR" --server "$server" \
  --ca-bundle "$own/ca.pem" --agree-tos --email ops@example.com
for i in $(seq 10); do
  expect_exit 0 "$ACMECTL" issue --home "$HOME_DIR" --server "$server" \
    --ca-bundle "$own/ca.pem" --standalone --http-port "$HTTP_PORT" --json \
    -d "n$i.nonce.issue.example" --name "nonce$i"
  expect_eq "$(json .status)" issued "status of issuance $i"
done
rejected=$(grep -c 'badNonce\|bad nonce' "$own/pebble.log" || true)
echo "Pebble rejected $rejected nonces"
