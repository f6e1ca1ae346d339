#!/usr/bin/env bash
# One lineage renews and one fails (its solver port is taken): the post-hook
# sees each in the right list (acmectl's and certbot's variables), the failure
# hook runs once with a report naming the failed lineage and its error, exit 1.
source "$(dirname "$0")/lib.sh"

register_account
expect_exit 0 "${ISSUE[@]}" -d good.outcome.example -d www.good.outcome.example --name good
expect_exit 0 "${ISSUE[@]}" -d bad.outcome.example --name bad
# bad now answers http-01 on a port another program holds
busy_port=5012
mkdir -p "$TEST_TMP/www"
start_http_server "$TEST_TMP/www" "$busy_port"
cfg=$(lineage_dir bad)/config.json
jq ".solver.http_port = $busy_port" "$cfg" > "$TEST_TMP/cfg" && cp "$TEST_TMP/cfg" "$cfg"

post=$TEST_TMP/post.env
fail_env=$TEST_TMP/failure.env
report=$TEST_TMP/report.json
expect_exit 1 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --force \
  --post-hook "sh -c 'env > $post'" \
  --failure-hook "sh -c 'env >> $fail_env; cat \"\$ACMECTL_FAILURE_REPORT\" > $report'"
expect_contains "$ERR" "bad: FAILED: cannot listen on port $busy_port" "renew stderr"

val() { sed -n "s/^$2=//p" "$1"; }
expect_eq "$(val "$post" ACMECTL_RENEWED)" "good" "post ACMECTL_RENEWED"
expect_eq "$(val "$post" ACMECTL_FAILED)" "bad" "post ACMECTL_FAILED"
expect_eq "$(val "$post" RENEWED_DOMAINS)" "good.outcome.example www.good.outcome.example" \
  "post RENEWED_DOMAINS"
expect_eq "$(val "$post" FAILED_DOMAINS)" "bad.outcome.example" "post FAILED_DOMAINS"

expect_eq "$(grep -c '^ACMECTL_FAILED=' "$fail_env")" 1 "failure hook runs once"
expect_eq "$(val "$fail_env" ACMECTL_FAILED)" "bad" "failure ACMECTL_FAILED"
expect_eq "$(jq -r 'length' "$report")" 1 "report entries"
expect_eq "$(jq -r '.[0].name' "$report")" bad "report name"
expect_eq "$(jq -r '.[0].domains[0]' "$report")" bad.outcome.example "report domains"
expect_contains "$(jq -r '.[0].error' "$report")" "cannot listen on port $busy_port" "report error"
expect_eq "$(jq -r '.[0].consecutive_failures' "$report")" 1 "report consecutive_failures"
expect_match "$(jq -r '.[0].not_after' "$report")" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' "report not_after"
# the report file is gone after the run
expect_no_path "$(val "$fail_env" ACMECTL_FAILURE_REPORT)"
same_dir "$(lineage_dir good)/current" "$(lineage_dir good)/versions/2" || fail "good not renewed"
same_dir "$(lineage_dir bad)/current" "$(lineage_dir bad)/versions/1" || fail "bad's current moved"

# All fail: the post-hook still runs.
rm -f "$post"
jq ".solver.http_port = $busy_port" "$(lineage_dir good)/config.json" > "$TEST_TMP/cfg" &&
  cp "$TEST_TMP/cfg" "$(lineage_dir good)/config.json"
expect_exit 1 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --force \
  --post-hook "sh -c 'env > $post'"
expect_eq "$(val "$post" ACMECTL_FAILED)" "bad good" "post-hook after all failed"
expect_eq "$(val "$post" ACMECTL_RENEWED)" "" "nothing renewed"
