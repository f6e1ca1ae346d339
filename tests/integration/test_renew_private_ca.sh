#!/usr/bin/env bash
# A private CA (Pebble's root is in no system store): renew from the timer,
# which passes no --ca-bundle, trusts the bundle the lineage was issued with
# (config.json "ca_bundle"); without any bundle, the TLS error says how to fix it.
source "$(dirname "$0")/lib.sh"

cp "$CA" "$TEST_TMP/private-ca.pem"
register_account
expect_exit 0 "$ACMECTL" issue --home "$HOME_DIR" --server "$SERVER" \
  --ca-bundle "$TEST_TMP/private-ca.pem" --standalone --http-port "$HTTP_PORT" \
  -d pca.renew.example --name pca
expect_eq "$(jq -r .ca_bundle "$(lineage_dir pca)/config.json")" "$TEST_TMP/private-ca.pem" \
  "config.json ca_bundle"
expect_exit 0 "$ACMECTL" renew --home "$HOME_DIR" --force --json
expect_eq "$(json '.lineages[0].action')" renewed "renew without --ca-bundle"

# Nothing to trust Pebble with: the error hints at --ca-bundle / ca-bundle =.
expect_exit 1 "$ACMECTL" register --home "$TEST_TMP/other" --server "$SERVER" --agree-tos
expect_contains "$ERR" "TLS verification" "register without a bundle"
expect_contains "$ERR" "--ca-bundle FILE" "hint"
expect_contains "$ERR" "ca-bundle = FILE" "config hint"
