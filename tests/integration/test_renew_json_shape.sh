#!/usr/bin/env bash
# renew --json: every lineage object has the documented shape, for each
# action (renewed, not_due, backoff, locked, failed), and totals add up.
source "$(dirname "$0")/lib.sh"

register_account
for n in fresh idle held broken waiting; do
  expect_exit 0 "${ISSUE[@]}" -d "$n.shape.example" --name "$n"
done
# broken: its solver port is taken by another program
mkdir -p "$TEST_TMP/www"
start_http_server "$TEST_TMP/www" 5013
cfg=$(lineage_dir broken)/config.json
jq '.solver.http_port = 5013' "$cfg" > "$TEST_TMP/cfg" && cp "$TEST_TMP/cfg" "$cfg"
# waiting: a failure a minute ago puts it in backoff
printf '{"consecutive_failures":1,"last_attempt":"%s","last_error":"boom"}\n' \
  "$(date -u -d '-1 min' +%Y-%m-%dT%H:%M:%SZ)" > "$(lineage_dir waiting)/state.json"
# held: another process holds its lock
mkdir -p "$HOME_DIR/locks"
timeout 60 flock "$HOME_DIR/locks/held.lock" sleep 50 & holder=$!
on_exit "kill $holder 2>/dev/null || true"
for ((i = 0; i < 50; i++)); do
  flock -n "$HOME_DIR/locks/held.lock" true 2>/dev/null || break
  sleep 0.1
done

R=("$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --json)
expect_exit 1 "${R[@]}" --days 365 --name fresh --name held --name broken --name waiting
doc=$OUT
expect_exit 0 "${R[@]}" --name idle
doc2=$OUT

action() { jq -r --arg n "$2" '.lineages[] | select(.name == $n) | .action' <<<"$1"; }
expect_eq "$(action "$doc" fresh)" renewed "fresh"
expect_eq "$(action "$doc" held)" locked "held"
expect_eq "$(action "$doc" broken)" failed "broken"
expect_eq "$(action "$doc" waiting)" backoff "waiting"
expect_eq "$(action "$doc2" idle)" not_due "idle"

shape='.lineages | all(.[];
  (.name | type) == "string" and (.domains | type) == "array" and
  (.action | IN("renewed","not_due","backoff","locked","failed","deploy_failed")) and
  (.due_at == null or (.due_at | test("^[0-9]{4}-.*Z$"))) and
  (.not_after == null or (.not_after | test("^[0-9]{4}-.*Z$"))) and
  (.error == null or (.error | type) == "string") and
  ((.action == "failed") == (.error != null)) and
  (.hooks | type) == "array" and
  (.hooks | all(.[]; (.command | type) == "string" and (.exit_code | type) == "number" and (.duration_ms | type) == "number")))'
for d in "$doc" "$doc2"; do
  jq -e "$shape" <<<"$d" >/dev/null || fail "renew --json does not have the documented shape: $d"
  jq -e '.totals.lineages == (.lineages | length) and
         ([.totals.renewed, .totals.not_due, .totals.backoff, .totals.locked, .totals.failed,
           .totals.deploy_failed] | add) == .totals.lineages' <<<"$d" >/dev/null ||
    fail "totals do not add up: $d"
done
expect_eq "$(jq -r '.lineages[] | select(.name == "idle") | .due_at' <<<"$doc2" | cut -c1-2)" 20 "idle due_at"
expect_eq "$(jq -r '.lineages[] | select(.name == "waiting") | .retry_at' <<<"$doc" | cut -c1-2)" 20 "waiting retry_at"
