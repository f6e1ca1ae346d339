#!/usr/bin/env bash
# The CA stopped: exit 75, current/ untouched, the failure in state.json; a
# second run inside the backoff skips the lineage and says until when;
# --force tries again. This case runs its own Pebble (on 14003) to stop it.
source "$(dirname "$0")/lib.sh"

own=$PEBBLE_DIR/ca-down
on_exit "bash '$REPO_ROOT/scripts/pebble-down' '$own'"
ACMECTL_PEBBLE_PORT=14003 ACMECTL_PEBBLE_MGMT_PORT=15003 \
  ACMECTL_DNS_PORT=8073 ACMECTL_DNS_MGMT_PORT=8075 ACMECTL_PEBBLE_MAX_SECONDS=600 \
  bash "$REPO_ROOT/scripts/pebble-up" "$own" >/dev/null || fail "pebble-up $own failed"
server=https://127.0.0.1:14003/dir
A=("$ACMECTL" --home "$HOME_DIR" --server "$server" --ca-bundle "$own/ca.pem")
expect_exit 0 "${A[@]}" register --agree-tos
expect_exit 0 "${A[@]}" issue -d down.renew.example --name down --standalone --http-port "$HTTP_PORT"
before=$(sha256sum < "$(lineage_dir down)/current/cert.pem")
bash "$REPO_ROOT/scripts/pebble-down" "$own"

expect_exit 75 "${A[@]}" renew --force
expect_contains "$ERR" "down: FAILED: cannot connect to 127.0.0.1:14003" "renew stderr"
expect_eq "$(sha256sum < "$(lineage_dir down)/current/cert.pem")" "$before" "current cert"
expect_no_path "$(lineage_dir down)/versions/2"
state=$(lineage_dir down)/state.json
expect_eq "$(jq -r .consecutive_failures "$state")" 1 "consecutive_failures"
expect_eq "$(jq -r .last_error_temporary "$state")" true "last_error_temporary"
expect_contains "$(jq -r .last_error "$state")" "cannot connect" "last_error"

expect_exit 0 "${A[@]}" renew --days 365
expect_match "$OUT" "down: skipped until [0-9]{4}-[0-9]{2}-[0-9]{2}T" "backoff message"
expect_eq "$(jq -r .consecutive_failures "$state")" 1 "failures after a skipped run"

expect_exit 75 "${A[@]}" renew --force
expect_eq "$(jq -r .consecutive_failures "$state")" 2 "failures after --force"
