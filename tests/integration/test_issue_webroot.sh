#!/usr/bin/env bash
# --webroot: acmectl writes the token into a folder a web server (here python's
# http.server on Pebble's validation port) serves, and removes it afterwards.
source "$(dirname "$0")/lib.sh"

webroot=$TEST_TMP/www
mkdir -p "$webroot"
start_http_server "$webroot" "$HTTP_PORT"
register_account
expect_exit 0 "$ACMECTL" issue --home "$HOME_DIR" --server "$SERVER" --ca-bundle "$CA" \
  --webroot "$webroot" -d web.issue.example --name web --json
expect_issued web 1
expect_eq "$(cert_sans "$(lineage_dir web)/versions/1/cert.pem")" web.issue.example "SANs"
grep -q '"GET /.well-known/acme-challenge/' "$TEST_TMP/http-$HTTP_PORT.log" ||
  fail "the web server never served a challenge token"
if [[ -d $webroot/.well-known/acme-challenge ]]; then
  left=$(find "$webroot/.well-known/acme-challenge" -type f | wc -l)
  expect_eq "$left" 0 "token files left in the webroot"
fi
