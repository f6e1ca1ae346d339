#!/usr/bin/env bash
# list: the inventory with the paths to use (current/, never versions/N/), the
# due time and why, account, CA, solver and deploy steps; always exit 0.
source "$(dirname "$0")/lib.sh"

L=("$ACMECTL" list --home "$HOME_DIR")
expect_exit 0 "${L[@]}"
expect_contains "$OUT" "no lineages" "empty store"
expect_exit 0 "${L[@]}" --json
expect_eq "$(json '.lineages | length')" 0 "lineages of an empty store"

register_account
expect_exit 0 "${ISSUE[@]}" -d one.list.example --name one
expect_exit 0 "${ISSUE[@]}" -d two.list.example -d www.two.list.example --name two --key-type rsa2048
expect_exit 0 "$ACMECTL" deploy-hook --home "$HOME_DIR" two --add 'true reload'
mkdir -p "$TEST_TMP/srv"
expect_exit 0 "$ACMECTL" deploy-hook --home "$HOME_DIR" two --install-to "$TEST_TMP/srv/two.pem" \
  --what combined

expect_exit 0 "${L[@]}" --json
expect_eq "$(json '.lineages | length')" 2 "lineages"
one() { json ".lineages[] | select(.name == \"one\") | $1"; }
two() { json ".lineages[] | select(.name == \"two\") | $1"; }
dir=$(lineage_dir two)
expect_eq "$(two .paths.fullchain)" "$dir/current/fullchain.pem" "paths.fullchain"
expect_eq "$(two .paths.privkey)" "$dir/current/privkey.pem" "paths.privkey"
expect_not_contains "$OUT" "versions/" "list output"
expect_eq "$(two '.domains | join(",")')" "two.list.example,www.two.list.example" "domains"
expect_eq "$(two .key_type)" rsa2048 "key_type"
expect_eq "$(one .key_type)" ec256 "key_type of one"
expect_eq "$(two .version)" 1 "version"
serial=$(openssl x509 -in "$dir/current/cert.pem" -noout -serial | cut -d= -f2 | tr 'A-F' 'a-f')
expect_eq "$(two .serial | sed 's/^0*//')" "$(sed 's/^0*//' <<<"$serial")" "serial"
not_after=$(openssl x509 -in "$dir/current/cert.pem" -noout -enddate | cut -d= -f2)
expect_eq "$(date -u -d "$(two .not_after)" +%s)" "$(date -u -d "$not_after" +%s)" "not_after"
days=$(two .days_left)
((days >= 89 && days <= 90)) || fail "days_left $days, want 89..90"
expect_eq "$(two .due_reason)" lifetime "due_reason"
due=$(date -u -d "$(two .due)" +%s)
((due > $(date +%s) + 50 * 86400)) || fail "due $(two .due) is not ~60 days from now"
expect_eq "$(two .account)" default "account"
expect_eq "$(two .server)" "$SERVER" "server"
expect_eq "$(two .solver)" "standalone port $HTTP_PORT" "solver"
expect_eq "$(two '.deploy_hooks | join(",")')" "true reload" "deploy_hooks"
expect_eq "$(two '.install_targets | join(",")')" "$TEST_TMP/srv/two.pem" "install_targets"
expect_eq "$(one '.deploy_hooks | length')" 0 "deploy hooks of one"

# renewals failing: the backoff is the due time, and says so
printf '{"consecutive_failures":2,"last_attempt":"%s","last_error":"rate limited"}\n' \
  "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$dir/state.json"
expect_exit 0 "${L[@]}" two --json
expect_eq "$(json '.lineages | length')" 1 "lineages named"
expect_eq "$(json '.lineages[0].due_reason')" backoff "due_reason after failures"

# text: the paths to use, the reason of the due time
expect_exit 0 "${L[@]}"
expect_contains "$OUT" "fullchain:  $dir/current/fullchain.pem" "text fullchain"
expect_contains "$OUT" "privkey:    $(lineage_dir one)/current/privkey.pem" "text privkey"
expect_contains "$OUT" "(backoff)" "text due reason"
expect_contains "$OUT" "deploy:     true reload" "text deploy"

# a damaged lineage is listed with its error, and list still exits 0
rm "$(lineage_dir one)/current/cert.pem"
expect_exit 0 "${L[@]}" --json
expect_contains "$(one .error)" "cert.pem" "error of a damaged lineage"
expect_exit 1 "${L[@]}" nosuch
expect_contains "$ERR" "no lineage named 'nosuch'" "unknown lineage"

# Once renew has run, list takes the certificate's facts from what renew keeps
# in state.json (issue #20: 10,000 lineages, no decode); check does not trust
# them for files that changed. Another lineage's certificate in place of
# three's shows which one each read.
expect_exit 0 "${ISSUE[@]}" -d three.list.example --name three
expect_exit 0 "${L[@]}" three --json
serial3=$(json '.lineages[0].serial')
expect_exit 0 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" -q --name three
expect_eq "$(jq -r .cert.serial "$(lineage_dir three)/state.json")" "$serial3" "serial kept by renew"
cp "$dir/current/cert.pem" "$(lineage_dir three)/current/cert.pem"
expect_exit 0 "${L[@]}" three --json
expect_eq "$(json '.lineages[0].serial')" "$serial3" "list from state.json"
expect_exit 2 "$ACMECTL" check --home "$HOME_DIR" three --json
expect_contains "$(json '[.lineages[0].findings[].message] | join("; ")')" "does not name three.list.example" \
  "check decodes the changed file"
