#!/usr/bin/env bash
# A CA that answers newOrder with alreadyReplaced: acmectl retries exactly once
# without `replaces`, and the renewal succeeds.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ari_proxy_lib.sh"

register_account
expect_exit 0 "${ISSUE[@]}" -d replaced.ari.example --name replaced
id=$(ari_cert_id "$(lineage_dir replaced)/current/cert.pem")
ari_window "$id" "$(rfc3339 '-2 days')" "$(rfc3339 '-1 day')" 3600
echo 1 > "$ARI_STATE/replaced.count"
: > "$ARI_STATE/orders.log"
expect_exit 0 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --json
expect_eq "$(json '.lineages[0].action')" renewed "renewed after the retry"
expect_eq "$(wc -l < "$ARI_STATE/orders.log")" 2 "exactly one retry"
expect_eq "$(jq -r .replaces "$ARI_STATE/orders.log" | tr '\n' ' ')" "$id null " \
  "first with replaces, then without"
expect_eq "$(cat "$ARI_STATE/replaced.count")" 0 "the refusal was used"
