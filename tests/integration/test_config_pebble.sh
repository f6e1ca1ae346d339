#!/usr/bin/env bash
# Defaults from config files, used for real against Pebble: the system file
# (--config) names the store, server and CA bundle and a contact; the store's
# file and its [register] / [issue] sections choose key types and a deploy
# hook; flags still win.
source "$(dirname "$0")/lib.sh"

system=$TEST_TMP/system.conf
cat >"$system" <<CONF
# what /etc/acmectl/acmectl.conf would say
home = "$HOME_DIR"
server = "$SERVER"
ca-bundle = '$CA'
email = ["ops@example.com", "noc@example.com"]
CONF
cat >"$HOME_DIR/acmectl.conf" <<CONF
[register]
key-type = "ec384"   # the account key
[issue]
key-type = rsa2048
deploy-hook = [
  "sh -c 'echo \$ACMECTL_NAME >> $TEST_TMP/deployed'",
]
CONF

expect_exit 0 env -u ACMECTL_HOME "$ACMECTL" --config "$system" --json register --agree-tos
expect_eq "$(json .created)" true "created"
expect_eq "$(json '.contact | join(" ")')" "mailto:ops@example.com mailto:noc@example.com" "contact"
expect_file "$ACCOUNT_DIR/key.pem"
openssl pkey -in "$ACCOUNT_DIR/key.pem" -noout -text | grep -q 'NIST CURVE: P-384' ||
  fail "account key is not P-384 ([register] key-type)"

expect_exit 0 env -u ACMECTL_HOME "$ACMECTL" --config "$system" --json issue -d cfg.example \
  --standalone --http-port "$HTTP_PORT"
expect_eq "$(json .key_type)" rsa2048 "key_type from [issue]"
expect_eq "$(jq -r '.hooks.deploy[0]' "$(lineage_dir cfg.example)/config.json")" \
  "sh -c 'echo \$ACMECTL_NAME >> $TEST_TMP/deployed'" "deploy hook from [issue]"
expect_eq "$(cat "$TEST_TMP/deployed")" cfg.example "deploy hook ran after issue"
expect_exit 0 env -u ACMECTL_HOME "$ACMECTL" --config "$system" deploy-hook cfg.example
expect_eq "$(cat "$TEST_TMP/deployed")" $'cfg.example\ncfg.example' "deploy hook ran again"

# A flag beats the file.
expect_exit 0 env -u ACMECTL_HOME "$ACMECTL" --config "$system" --json issue -d cfg2.example \
  --standalone --http-port "$HTTP_PORT" --key-type ec256
expect_eq "$(json .key_type)" ec256 "--key-type over [issue]"
