#!/usr/bin/env bash
# acmectl sync (issue #18): node A renews in the etcd store; nodes B, C (all
# lineages) and D (--only a.example.com) run `sync --watch`. Each new version
# is current on B and C, and their deploy command has run, within 2 s; after
# etcd was down for 5 s they catch up on every version (the deploy log shows
# each, none skipped) without spinning (CPU time < 1 s); D never writes
# another lineage; SIGTERM ends a watcher cleanly and its node record goes;
# a watcher whose revision etcd compacted away reads everything again.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/etcd_lib.sh"
source "$(dirname "$0")/sync_lib.sh"

register_account "${S[@]}" --node a
issue_on_a a.example.com
issue_on_a b.example.com

# --once (cron): B gets both lineages in the file store's layout and modes.
B=$(node_home b)
expect_exit 0 "$ACMECTL" sync --once --home "$B" "${S[@]}" --node b
expect_contains "$OUT" "a.example.com: version 1 now current"
for n in a.example.com b.example.com; do
  expect_file_mode "$B/certs/$n/current/privkey.pem" 0600
  expect_eq "$(readlink "$B/certs/$n/current")" versions/1 "current of $n on b"
  cmp -s "$B/certs/$n/current/fullchain.pem" "$HOME_DIR/certs/$n/current/fullchain.pem" ||
    fail "b's fullchain of $n differs from a's"
  [[ -n $(deploy_time b "$n" 1) ]] || fail "b did not deploy $n"
done
expect_exit 0 "$ACMECTL" sync --once --home "$B" "${S[@]}" --node b
expect_contains "$OUT" "a.example.com: version 1 (up to date)"
expect_eq "$(grep -c . "$B/deploy.log")" 2 "deploys on b after a second --once"

start_watcher b
PID_B=$WATCH_PID
start_watcher c
PID_C=$WATCH_PID
start_watcher d --only a.example.com
wait_deployed c a.example.com 1
wait_deployed c b.example.com 1
wait_deployed d a.example.com 1
sleep 1 # b's watch is open too (it had everything already)

# Renewals while everyone watches: deployed within 2 s of the moment etcd
# made the version current (an independent etcdctl watch stamps it).
stamp_activations a.example.com
within_2s() { # NODE NAME VERSION
  local t_a t_n
  t_a=$(activation_time "$2" "$3")
  [[ -n $t_a ]] || fail "no activation of $2 version $3 was seen"
  t_n=$(deploy_time "$1" "$2" "$3")
  awk -v a="$t_a" -v n="$t_n" 'BEGIN { exit !(n - a < 2.0) }' ||
    fail "node $1 deployed $2 version $3 $(awk -v a="$t_a" -v n="$t_n" 'BEGIN { print n - a }') s after etcd made it current"
  echo "node $1: $2 version $3 deployed $(awk -v a="$t_a" -v n="$t_n" 'BEGIN { print n - a }') s after etcd made it current"
}
for v in 2 3; do
  renew_on_a a.example.com
  for node in b c d; do
    wait_deployed "$node" a.example.com "$v" 2
    within_2s "$node" a.example.com "$v"
  done
done
renew_on_a b.example.com
wait_deployed b b.example.com 2 2
wait_deployed c b.example.com 2 2

# etcd away for 5 s: the watchers back off, then resume from the last
# revision they saw and deploy every version written after the restart.
_stop_pid "$ETCD_PID"
sleep 5
start_etcd
for v in 4 5 6; do
  renew_on_a a.example.com
done
for node in b c d; do
  for v in 4 5 6; do
    wait_deployed "$node" a.example.com "$v" 40
  done
  versions=$(awk '$1 == "a.example.com" {print $2}' "$(node_home "$node")/deploy.log" | paste -sd' ')
  expect_eq "$versions" "versions/1 versions/2 versions/3 versions/4 versions/5 versions/6" \
    "a.example.com's deploys on $node, in order, none skipped"
done
expect_contains "$(cat "$TEST_TMP/watch-b.err")" "trying again"

# No spinning: the watchers' own CPU time (user + system) stays small.
ticks=$(getconf CLK_TCK)
for pid in "$PID_B" "$PID_C"; do
  cpu=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  echo "watcher $pid used $cpu ticks of CPU (of $ticks per second)"
  ((cpu < ticks)) || fail "watcher $pid used $cpu ticks of CPU: it spins"
done

# --only a.example.com: d never wrote b.example.com.
expect_no_path "$(node_home d)/certs/b.example.com"
expect_not_contains "$(cat "$(node_home d)/deploy.log")" b.example.com

# What etcd sends is untrusted: a key under certs/ that is no lineage name
# never becomes a local folder.
etcdctl --endpoints="$ETCD_URL" put /acme/certs/../current 1 >/dev/null
for ((i = 0; i < 50; i++)); do
  grep -q "not a lineage name" "$TEST_TMP/watch-c.err" && break
  sleep 0.1
done
expect_contains "$(cat "$TEST_TMP/watch-c.err")" "ignored a change of /acme/certs/../current"
expect_no_path "$(node_home c)/certs/.."/current

# The node records: every node serves the current version.
expect_exit 0 "$ACMECTL" check --home "$HOME_DIR" "${S[@]}" --fleet --json
expect_eq "$(json '[.lineages[] | select(.name == "a.example.com") | .fleet.nodes[] | select(.version == 6) | .node] | join(",")')" \
  "b,c,d" "nodes serving a.example.com version 6"
expect_eq "$(json '.lineages[] | select(.name == "b.example.com") | .fleet.nodes | map(.node) | join(",")')" \
  "b,c" "nodes syncing b.example.com"

# SIGTERM: the watcher exits (128+15) within a few seconds, its record gone.
expect_sigterm_exit "$PID_B" 5
expect_eq "$(etcdctl --endpoints="$ETCD_URL" get /acme/nodes/b --print-value-only)" "" \
  "b's node record after SIGTERM"

# Compaction: c is frozen (SIGSTOP) while etcd restarts, two renewals land
# and etcd compacts its history past what c saw. Thawed, c finds its
# revision gone, reads every lineage again and serves the newest version.
kill -STOP "$PID_C"
_stop_pid "$ETCD_PID"
start_etcd
renew_on_a a.example.com # 7
renew_on_a a.example.com # 8
rev=$(etcdctl --endpoints="$ETCD_URL" get /acme/certs/a.example.com/current -w json | jq -r .header.revision)
etcdctl --endpoints="$ETCD_URL" compact "$rev" >/dev/null
kill -CONT "$PID_C"
wait_deployed c a.example.com 8 30
expect_eq "$(readlink "$(node_home c)/certs/a.example.com/current")" versions/8 "current on c after the compaction"
expect_contains "$(cat "$TEST_TMP/watch-c.err")" "compacted its history up to revision $rev"
wait_deployed d a.example.com 8 30 # d, never frozen, followed every version
expect_eq "$(awk '$1 == "a.example.com" {print $2}' "$(node_home d)/deploy.log" | paste -sd' ')" \
  "versions/1 versions/2 versions/3 versions/4 versions/5 versions/6 versions/7 versions/8" \
  "a.example.com's deploys on d"
