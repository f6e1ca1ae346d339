#!/usr/bin/env bash
# ARI end to end through the test proxy in front of Pebble: a window in the
# past renews with `replaces` = the old certificate's CertID and the profile
# chosen at issue; a window in the future is not renewed and its Retry-After
# is respected (no second renewalInfo request inside it); a malformed or
# failing renewalInfo answer falls back to the lifetime rule.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ari_proxy_lib.sh"

register_account
expect_exit 0 "${ISSUE[@]}" -d past.ari.example --name past --profile shortlived
expect_exit 0 "${ISSUE[@]}" -d future.ari.example --name future
expect_exit 0 "${ISSUE[@]}" -d junk.ari.example --name junk
expect_exit 0 "${ISSUE[@]}" -d down.ari.example --name down
expect_eq "$(jq -r .profile "$ARI_STATE/orders.log" | head -n1)" shortlived "profile at issue"
cert() { echo "$(lineage_dir "$1")/current/cert.pem"; }
past=$(ari_cert_id "$(cert past)")
future=$(ari_cert_id "$(cert future)")
junk=$(ari_cert_id "$(cert junk)")
down=$(ari_cert_id "$(cert down)")
ari_window "$past" "$(rfc3339 '-2 days')" "$(rfc3339 '-1 day')" 3600
ari_window "$future" "$(rfc3339 '+30 days')" "$(rfc3339 '+31 days')" 3600
ari_answer "$junk" 200 '{"suggestedWindow": "soon"}'
ari_answer "$down" 500 'internal error'
: > "$ARI_STATE/orders.log"

renew() { expect_exit 0 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --json; }
action() { json ".lineages[] | select(.name == \"$1\") | .$2"; }
renew
expect_eq "$(action past action)" renewed "past window"
expect_eq "$(action past due_source)" ari "past due_source"
expect_eq "$(wc -l < "$ARI_STATE/orders.log")" 1 "one new order"
expect_eq "$(jq -r .replaces "$ARI_STATE/orders.log")" "$past" "replaces"
expect_eq "$(jq -r .profile "$ARI_STATE/orders.log")" shortlived "profile sent again at renewal"
expect_eq "$(action future action)" not_due "future window"
expect_eq "$(action future due_source)" ari "future due_source"
expect_match "$(action future due_at)" "^$(date -u -d '+30 days' +%Y-%m-%d)|^$(date -u -d '+31 days' +%Y-%m-%d)" \
  "future due_at inside the window"
for n in junk down; do
  expect_eq "$(action $n action)" not_due "$n: not renewed"
  expect_eq "$(action $n due_source)" lifetime "$n: lifetime rule"
done
expect_eq "$(ari_requests "$future")" 1 "renewalInfo asked once"

# Inside Retry-After: the cached window decides, the CA is not asked again.
renew
expect_eq "$(action future due_source)" ari "cached due_source"
expect_eq "$(ari_requests "$future")" 1 "no second renewalInfo request inside Retry-After"
expect_eq "$(action past action)" not_due "the new certificate is not due"
