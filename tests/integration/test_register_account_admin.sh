#!/usr/bin/env bash
# register --show, --update-email, --rollover-key (the new key works, the old
# one is refused by the CA) and --deactivate (the account moves aside, issuing
# fails clearly, register makes a new account).
source "$(dirname "$0")/lib.sh"

R=("$ACMECTL" register --home "$HOME_DIR" --server "$SERVER" --ca-bundle "$CA")
register_account
url=$(jq -r .url "$ACCOUNT_DIR/account.json")

expect_exit 0 "${R[@]}" --show
expect_eq "$(json .status)" valid "status"
expect_eq "$(json '.contact[0]')" mailto:ops@example.com "contact"

expect_exit 0 "${R[@]}" --update-email new@example.com --update-email two@example.com
expect_exit 0 "${R[@]}" --show
expect_eq "$(json '.contact | join(",")')" "mailto:new@example.com,mailto:two@example.com" "contact"
expect_eq "$(jq -r '.contact | join(",")' "$ACCOUNT_DIR/account.json")" \
  "mailto:new@example.com,mailto:two@example.com" "account.json contact"
expect_exit 1 "${R[@]}" --update-email "not an address"
expect_contains "$ERR" "invalid e-mail address" "bad e-mail"

cp "$ACCOUNT_DIR/key.pem" "$TEST_TMP/old-key.pem"
expect_exit 0 "${R[@]}" --rollover-key --key-type ec384
expect_file_mode "$ACCOUNT_DIR/key.pem" 0600
expect_no_path "$ACCOUNT_DIR/key.pem.next"
cmp -s "$ACCOUNT_DIR/key.pem" "$TEST_TMP/old-key.pem" && fail "key.pem did not change"
openssl pkey -in "$ACCOUNT_DIR/key.pem" -noout -text | grep -q "P-384" || fail "new key is not P-384"
expect_exit 0 "${ISSUE[@]}" -d roll.admin.example --name roll
expect_eq "$(jq -r .url "$ACCOUNT_DIR/account.json")" "$url" "account URL after rollover"
# The old key is no longer the account's: restore it and the CA refuses it.
cp "$ACCOUNT_DIR/key.pem" "$TEST_TMP/new-key.pem"
cp "$TEST_TMP/old-key.pem" "$ACCOUNT_DIR/key.pem"
expect_exit 1 "${ISSUE[@]}" -d old.admin.example --name old
expect_contains "$ERR" "the CA refused" "old key refused"
cp "$TEST_TMP/new-key.pem" "$ACCOUNT_DIR/key.pem"

expect_exit 1 "${R[@]}" --deactivate < /dev/null
expect_contains "$ERR" "pass --yes" "deactivate without a terminal"
expect_exit 0 "${R[@]}" --deactivate --yes
# The dead account's files are moved aside (and the output says where), so
# that the next register makes a new account.
moved=$(sed -n "s/.*its files were moved to \(.*\) ('register' makes a new account)$/\1/p" <<<"$OUT")
[[ -n $moved ]] || fail "deactivate does not say where the account went: $OUT"
expect_eq "$(jq -r .status "$moved/account.json")" deactivated "moved account.json status"
expect_file_mode "$moved/key.pem" 0600
expect_no_path "$ACCOUNT_DIR/account.json"
expect_exit 1 "${ISSUE[@]}" -d after.admin.example --name after
expect_match "$ERR" 'register|agree-tos' "issue after deactivation"
register_account
expect_contains "$OUT" "Registered account" "register after deactivation"
[[ $(jq -r .url "$ACCOUNT_DIR/account.json") != "$url" ]] || fail "register found the dead account"
expect_exit 0 "${ISSUE[@]}" -d after.admin.example --name after
expect_exit 64 "${R[@]}" --show --deactivate
