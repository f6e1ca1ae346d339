#!/usr/bin/env bash
# dns-01 by RFC 2136 against a real named: a single name, then a wildcard and
# its apex (two values at one FQDN); after each, the TXT records are gone from
# named; renew --force redoes it from config.json.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/rfc2136_lib.sh"

A=("$ACMECTL" --home "$HOME_DIR" --server "$RFC_SERVER" --ca-bundle "$RFC_CA")
expect_exit 0 "${A[@]}" register --agree-tos
cd "$TEST_TMP/named" # a relative --tsig-key: config.json must keep it absolute

expect_exit 0 "${A[@]}" issue --json -d "one.$ZONE" --dns-rfc2136 "$NAMED_ADDR" \
  --tsig-key "$(basename "$TSIG_KEY")"
expect_issued "one.$ZONE" 1
expect_contains "$ERR" "by RFC 2136 update" "progress"
expect_eq "$(txt_at_named "_acme-challenge.one.$ZONE")" "" "TXT left at named"
config=$(lineage_dir "one.$ZONE")/config.json
expect_eq "$(jq -r .solver.kind "$config")" dns-rfc2136 "solver kind"
expect_eq "$(jq -r .solver.rfc2136_server "$config")" "$NAMED_ADDR" "stored server"
expect_eq "$(jq -r .solver.tsig_key "$config")" "$TSIG_KEY" "stored key file"
# the log shows named applied both the add and the delete
expect_match "$(cat "$TEST_TMP/named/named.log")" "adding an RR at '?_acme-challenge.one.$ZONE'? TXT" \
  "named log"
expect_match "$(cat "$TEST_TMP/named/named.log")" "deleting an RR at '?_acme-challenge.one.$ZONE'? TXT" \
  "named log"

cd "$TEST_TMP"
expect_exit 0 "${A[@]}" issue --json -d "*.wild.$ZONE" -d "wild.$ZONE" --dns-rfc2136 "$NAMED_ADDR" \
  --tsig-key "$TSIG_KEY" --dns-rfc2136-zone "$ZONE" --dns-resolver "$NAMED_ADDR"
name=$(json .name)
expect_issued "$name" 1
expect_eq "$(cert_sans "$(lineage_dir "$name")/versions/1/cert.pem" | paste -sd' ' -)" \
  "*.wild.$ZONE wild.$ZONE" "SANs"
expect_eq "$(txt_at_named "_acme-challenge.wild.$ZONE")" "" "TXT left at named"
expect_eq "$(grep -Ec "adding an RR at '?_acme-challenge.wild.$ZONE'? TXT" "$TEST_TMP/named/named.log")" \
  2 "wildcard and apex values added at the base name"
expect_eq "$(jq -r .solver.rfc2136_zone "$(lineage_dir "$name")/config.json")" "$ZONE" "stored zone"

# renew reads everything from config.json (from another folder, too)
expect_exit 0 "${A[@]}" renew --force --json
expect_eq "$(json '[.lineages[].action] | join(" ")')" "renewed renewed" "renew actions"
expect_file "$(lineage_dir "one.$ZONE")/versions/2/cert.pem"
expect_file "$(lineage_dir "$name")/versions/2/cert.pem"
expect_eq "$(txt_at_named "_acme-challenge.one.$ZONE")" "" "TXT left after renew"
