#!/usr/bin/env bash
# check --served and renew --verify-served against a real nginx that serves
# the lineage's current/: OK after issue; `previous` (WARNING) once a renewal's
# deploy hook did not reload it, and renew --verify-served fails then (exit 1,
# the endpoint named, state.json and the failure hook told) while the new
# certificate stays current; with `nginx -s reload` as the hook it passes.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/served_nginx.sh"

P=$(loopback_ports 1)
EP=127.0.0.1:$P
NAME=web
DIR=$(lineage_dir $NAME)
C=("$ACMECTL" check --home "$HOME_DIR" --served)
RENEW=("$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --force)

register_account
# An IP endpoint with the name as SNI: nothing is resolved outside loopback.
expect_exit 0 "${ISSUE[@]}" -d served.reload.example --name $NAME --deploy-hook /bin/true \
  --endpoint "$EP" --endpoint-sni served.reload.example
expect_eq "$(jq -c .endpoints "$DIR/config.json")" \
  "[{\"host\":\"127.0.0.1\",\"port\":$P,\"sni\":\"served.reload.example\"}]" "config.json endpoints"
nginx_server "$EP" "$DIR/current/fullchain.pem" "$DIR/current/privkey.pem"
start_nginx

# 1. Freshly issued and served: OK.
expect_exit 0 "${C[@]}" --json
expect_eq "$(json '.lineages[0].served[0].outcome')" current "outcome after issue"
expect_eq "$(json '.lineages[0].served[0].endpoint')" "$EP" "endpoint"
expect_eq "$(json '.lineages[0].served[0].sni')" served.reload.example "sni"
expect_eq "$(json '.lineages[0].served[0].version')" 1 "served version"
expect_eq "$(json '.lineages[0].served[0].sha256')" "$(served_fingerprint "$P" served.reload.example)" \
  "fingerprint, as openssl sees it"
expect_exit 0 "${C[@]}"
expect_contains "$OUT" "OK: $EP serves the current certificate (version 1)" "text"

# 2. Renewed, but the hook does not reload: nginx still serves version 1.
expect_exit 0 "${RENEW[@]}"
same_dir "$DIR/current" "$DIR/versions/2" || fail "current is not versions/2"
expect_exit 1 "${C[@]}" --json
expect_eq "$(json .status)" WARNING "status"
expect_eq "$(json '.lineages[0].served[0].outcome')" previous "outcome without reload"
expect_eq "$(json '.lineages[0].served[0].status')" WARNING "endpoint status"
expect_eq "$(json '.lineages[0].served[0].version')" 1 "served version"
expect_contains "$(json '.lineages[0].served[0].message')" "reload missing?" "message"
expect_exit 1 "${C[@]}" --format prometheus
expect_contains "$OUT" "acmectl_lineage_served_current{name=\"web\",endpoint=\"$EP\",sni=\"served.reload.example\"} 0" \
  "prometheus"
expect_exit 1 "${C[@]}" --format nagios
expect_match "$OUT" "^CHECK WARNING - 1 lineage\(s\); web: $EP serves version 1, not the current version 2" "nagios"
# Within --crit-days the old certificate is CRITICAL (Pebble's last for years: ask for more).
expect_exit 2 "${C[@]}" --json --warn-days 3650 --crit-days 3650
expect_eq "$(json '.lineages[0].served[0].status')" CRITICAL "endpoint status near expiry"

# 3. renew --verify-served with the same hook: a deploy failure naming the endpoint.
expect_exit 1 "${RENEW[@]}" --verify-served --verify-wait 2 --json \
  --failure-hook "touch $TEST_TMP/failure-hook-ran"
expect_eq "$(json '.lineages[0].action')" deploy_failed "action"
expect_contains "$(json '.lineages[0].error')" "$EP serves version 1" "error"
expect_contains "$(json '.lineages[0].error')" "reload missing?" "error"
expect_eq "$(json '.lineages[0].served[0].outcome')" previous "served outcome"
[[ -e $TEST_TMP/failure-hook-ran ]] || fail "the failure hook did not run"
same_dir "$DIR/current" "$DIR/versions/3" || fail "the new certificate is not current"
expect_contains "$(jq -r .last_deploy_error "$DIR/state.json")" "$EP serves version 1" \
  "state.json last_deploy_error"
expect_exit 1 "${RENEW[@]}" --verify-served --verify-wait 0
expect_contains "$ERR" "web: renewed, but served check failed: not served after 0 s: $EP serves version 1" \
  "renew text"

# 4. deploy-hook NAME --verify-served: fails while the hook does not reload,
# then runs the reload and sees version 4 served.
expect_exit 1 "$ACMECTL" deploy-hook --home "$HOME_DIR" $NAME --verify-served --verify-wait 1
expect_contains "$ERR" "web: served check failed: not served after 1 s: $EP serves version 1" \
  "deploy-hook --verify-served text"
expect_exit 0 "$ACMECTL" deploy-hook --home "$HOME_DIR" $NAME --remove 1
expect_exit 0 "$ACMECTL" deploy-hook --home "$HOME_DIR" $NAME --add "$(nginx_reload_hook)"
expect_exit 0 "$ACMECTL" deploy-hook --home "$HOME_DIR" $NAME --verify-served --json
expect_eq "$(json .served_ok)" true "deploy-hook served_ok"
expect_eq "$(json '.served[0].version')" 4 "deploy-hook served version"

# 5. With the reload as the hook, renew --verify-served passes and check is OK.
expect_exit 0 "${RENEW[@]}" --verify-served --json
expect_eq "$(json '.lineages[0].action')" renewed "action with reload"
expect_eq "$(json '.lineages[0].served[0].version')" 5 "served version after renew"
expect_eq "$(jq -r '.last_deploy_error // ""' "$DIR/state.json")" "" "last_deploy_error cleared"
expect_exit 0 "${C[@]}" --json
expect_eq "$(json '.lineages[0].served[0].outcome')" current "outcome after reload"
expect_eq "$(json '.lineages[0].status')" OK "lineage status"
