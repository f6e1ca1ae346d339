#!/usr/bin/env bash
# acmectl sync refuses bad input with one clear line and leaves the local
# store as it was: an unknown lineage, an unreachable store, an unwritable
# home, no --once/--watch, the file store. check --fleet flags a node that
# lags and a node whose deploy failed, in every format.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/etcd_lib.sh"
source "$(dirname "$0")/sync_lib.sh"

register_account "${S[@]}" --node a
issue_on_a a.example.com
B=$(node_home b)
mkdir -p "$B"
expect_exit 0 "$ACMECTL" sync --once --home "$B" "${S[@]}" --node b
before=$(cd "$B" && find . -printf '%p %m %s\n' | sort)
renew_on_a a.example.com # version 2 waits in the store

expect_exit 1 "$ACMECTL" sync --once --home "$B" "${S[@]}" --node b --only a.example.com --only nosuch
expect_one_line "$ERR" "unknown lineage error"
expect_contains "$ERR" "no lineage nosuch"

closed=$((ETCD_PORT + 300))
expect_exit 75 "$ACMECTL" sync --once --home "$B" --store "etcd://127.0.0.1:$closed/acme" \
  --store-key-file "$FLEET_KEY" --node b
expect_one_line "$ERR" "unreachable store error"
expect_contains "$ERR" "127.0.0.1:$closed"

expect_exit 64 "$ACMECTL" sync --home "$B" "${S[@]}" --node b
expect_contains "$ERR" "--once"
expect_exit 1 "$ACMECTL" sync --once --home "$B" --node b
expect_one_line "$ERR" "file store error"
expect_contains "$ERR" "shared store"
expect_eq "$(cd "$B" && find . -printf '%p %m %s\n' | sort)" "$before" "b's home after the refusals"

# A home that cannot be written: mode 0555, or for root (who ignores modes)
# a read-only bind mount in a mount namespace of its own.
RO=$TEST_TMP/ro-home
mkdir -p "$RO"
chmod 0555 "$RO"
ro=()
if [[ $(id -u) == 0 ]]; then
  # shellcheck disable=SC2016 # expanded by sh -c
  ro=(unshare --mount sh -c 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0" && exec "$@"' "$RO")
fi
expect_exit 1 "${ro[@]}" "$ACMECTL" sync --once --home "$RO" "${S[@]}" --node x
expect_one_line "$ERR" "unwritable home error"
expect_contains "$ERR" "cannot write the local store $RO"
expect_eq "$(ls -A "$RO")" "" "the unwritable home after the refusal"

# sync-names in acmectl.conf is --only.
printf 'sync-names = ["nosuch"]\n' >"$B/acmectl.conf"
expect_exit 1 "$ACMECTL" sync --once --home "$B" "${S[@]}" --node b
expect_contains "$ERR" "no lineage nosuch"
rm "$B/acmectl.conf"

# A failing deploy is recorded on the node (state.json, check) and in its record.
expect_exit 0 "$ACMECTL" deploy-hook --home "$HOME_DIR" "${S[@]}" --node a a.example.com --add 'exit 3'
expect_exit 1 "$ACMECTL" sync --once --home "$B" "${S[@]}" --node b
expect_contains "$OUT" "deploy FAILED"
expect_contains "$(jq -r .last_deploy_error "$B/certs/a.example.com/state.json")" "exit 3"
# check on the node, against its local store, shows it.
expect_exit 1 "$ACMECTL" check --home "$B" --store "file:$B" a.example.com
expect_contains "$OUT" "last deploy hook failed"

# check --fleet: b's deploy failed; a node z that serves version 1 lags.
lease=$(etcdctl --endpoints="$ETCD_URL" lease grant 120 | awk '{print $2}')
etcdctl --endpoints="$ETCD_URL" put /acme/nodes/z \
  '{"node":"z","last_sync":"2020-01-01T00:00:00Z","lineages":{"a.example.com":{"version":1}}}' \
  --lease="$lease" >/dev/null
sleep 2
expect_exit 1 "$ACMECTL" check --home "$HOME_DIR" "${S[@]}" --fleet --fleet-lag 1 --json
expect_eq "$(json '.lineages[0].fleet.current')" 2 "current in check --fleet"
expect_eq "$(json '.lineages[0].fleet.nodes | map("\(.node)=\(.version):\(.lagging)") | join(",")')" \
  "b=2:false,z=1:true" "nodes in check --fleet"
expect_contains "$(json '.lineages[0].findings | map(.message) | join(";")')" "node z serves version 1"
expect_contains "$(json '.lineages[0].findings | map(.message) | join(";")')" "node b: deploy failed"
expect_exit 1 "$ACMECTL" check --home "$HOME_DIR" "${S[@]}" --fleet --fleet-lag 1 --format nagios
expect_contains "$OUT" "CHECK WARNING"
expect_exit 1 "$ACMECTL" check --home "$HOME_DIR" "${S[@]}" --fleet --fleet-lag 1 --format prometheus
expect_contains "$OUT" 'acmectl_fleet_node_lagging{name="a.example.com",node="z"} 1'
expect_contains "$OUT" 'acmectl_fleet_node_version{name="a.example.com",node="b"} 2'
expect_exit 1 "$ACMECTL" check --home "$HOME_DIR" "${S[@]}" --fleet --fleet-lag 1
expect_contains "$OUT" "nodes: b version 2, z version 1 (LAGGING)"
# Within the allowed lag a node behind is no finding.
expect_exit 0 "$ACMECTL" deploy-hook --home "$HOME_DIR" "${S[@]}" --node a a.example.com --remove 2
expect_exit 0 "$ACMECTL" sync --once --home "$B" "${S[@]}" --node b
expect_exit 0 "$ACMECTL" check --home "$HOME_DIR" "${S[@]}" --fleet --fleet-lag 86400 --json
expect_eq "$(json '.lineages[0].fleet.nodes | map(.lagging) | any')" false "lagging within the lag"
