#!/usr/bin/env bash
# Inputs are checked before an order is created (a rate-limited CA never sees
# a doomed order): a --dns-hook program that does not exist or cannot run, a
# --tsig-key file that is not a key, a --csr whose subjectAltName does not
# cover its names, --key-type contradicting --reuse-key (unless --force),
# and deploy-hook --install-to into a missing folder or for an unknown owner.
source "$(dirname "$0")/lib.sh"

I=("$ACMECTL" issue --home "$HOME_DIR" --server "$SERVER" --ca-bundle "$CA")
register_account
refused_before_order() { # WHAT NEEDLE
  expect_contains "$ERR" "$2" "$1"
  expect_not_contains "$ERR" "Creating an order" "$1: an order was created"
  expect_one_line "$(grep '^acmectl: ' <<<"$ERR")" "$1: error"
  expect_no_lineage
}

expect_exit 1 "${I[@]}" -d a.checks.example --dns-hook "$TEST_TMP/no-such-hook add"
refused_before_order "missing hook" "the DNS hook program '$TEST_TMP/no-such-hook' does not exist or is not executable"
printf '#!/bin/sh\nexit 0\n' >"$TEST_TMP/hook.sh" # not executable
expect_exit 1 "${I[@]}" -d a.checks.example --dns-hook "$TEST_TMP/hook.sh"
refused_before_order "hook not executable" "is not executable"

echo "this is not a key" >"$TEST_TMP/tsig.key"
expect_exit 1 "${I[@]}" -d a.checks.example --dns-rfc2136 127.0.0.1:8083 --tsig-key "$TEST_TMP/tsig.key"
refused_before_order "bad TSIG key" "the TSIG key file $TEST_TMP/tsig.key is not a key nsupdate reads"
printf 'key "k" {\n\talgorithm hmac-sha256;\n};\n' >"$TEST_TMP/tsig.key"
expect_exit 1 "${I[@]}" -d a.checks.example --dns-rfc2136 127.0.0.1:8083 --tsig-key "$TEST_TMP/tsig.key"
refused_before_order "TSIG key without a secret" "no secret"

openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TEST_TMP/csr.key" \
  -out "$TEST_TMP/cn-only.csr" -subj "/CN=cn.checks.example" 2>/dev/null
expect_exit 1 "${I[@]}" --standalone --http-port "$HTTP_PORT" --csr "$TEST_TMP/cn-only.csr"
refused_before_order "CSR without SAN" "names cn.checks.example outside its subjectAltName"
openssl req -new -key "$TEST_TMP/csr.key" -out "$TEST_TMP/partial.csr" \
  -subj "/CN=cn.checks.example" -addext "subjectAltName=DNS:san.checks.example" 2>/dev/null
expect_exit 1 "${I[@]}" --standalone --http-port "$HTTP_PORT" --csr "$TEST_TMP/partial.csr"
refused_before_order "CSR with the CN outside the SAN" "names cn.checks.example outside"

# --key-type against --reuse-key: refused, unless --force (then a new key of that type).
expect_exit 0 "${ISSUE[@]}" -d kt.checks.example --name kt --reuse-key --key-type ec384
expect_exit 1 "${ISSUE[@]}" -d kt.checks.example -d kt2.checks.example --name kt --reuse-key \
  --key-type rsa2048
expect_contains "$ERR" "--key-type rsa2048 contradicts --reuse-key: the key of kt is ec384" "refusal"
expect_not_contains "$ERR" "Creating an order" "key type refusal"
expect_no_path "$(lineage_dir kt)/versions/2"
# Without --key-type, --reuse-key keeps the key and its type.
expect_exit 0 "${ISSUE[@]}" -d kt.checks.example --name kt --reuse-key --force
cmp -s "$(lineage_dir kt)/versions/1/privkey.pem" "$(lineage_dir kt)/versions/2/privkey.pem" ||
  fail "--reuse-key made a new key"
expect_eq "$(jq -r .key_type "$(lineage_dir kt)/config.json")" ec384 "key_type kept"
expect_exit 0 "${ISSUE[@]}" -d kt.checks.example --name kt --reuse-key --key-type rsa2048 --force
expect_eq "$(json .key_type)" rsa2048 "new key type with --force"
openssl pkey -in "$(lineage_dir kt)/versions/3/privkey.pem" -noout -text | grep -q "Private-Key: (2048 bit" ||
  fail "versions/3/privkey.pem is not RSA 2048"
expect_eq "$(jq -r .key_type "$(lineage_dir kt)/config.json")" rsa2048 "config key_type"
expect_exit 0 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --name kt --force
cmp -s "$(lineage_dir kt)/versions/3/privkey.pem" "$(lineage_dir kt)/versions/4/privkey.pem" ||
  fail "renew did not keep the new key"

# deploy-hook --install-to: checked when added, not ~60 days later.
D=("$ACMECTL" deploy-hook --home "$HOME_DIR" kt)
expect_exit 1 "${D[@]}" --install-to "$TEST_TMP/no-such-dir/site.pem" --what fullchain
expect_contains "$ERR" "the folder $TEST_TMP/no-such-dir of $TEST_TMP/no-such-dir/site.pem does not exist" \
  "missing folder"
expect_exit 1 "${D[@]}" --install-to "$TEST_TMP/site.pem" --what fullchain --owner acmectl-no-such-user
expect_contains "$ERR" "unknown user 'acmectl-no-such-user'" "unknown owner"
expect_exit 1 "${D[@]}" --install-to "$TEST_TMP/site.pem" --what fullchain --owner :acmectl-no-such-group
expect_contains "$ERR" "acmectl-no-such-group" "unknown group"
expect_exit 64 "${D[@]}" --install-to "$TEST_TMP/site.pem" --what fullchain --mode 999
expect_eq "$(jq '.hooks.install | length' "$(lineage_dir kt)/config.json")" 0 "no step was added"
expect_exit 0 "${D[@]}" --install-to "$TEST_TMP/site.pem" --what fullchain --owner root:root
