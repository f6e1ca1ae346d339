#!/usr/bin/env bash
# The run log has one timestamped line per step of an issue and a renewal,
# and never a private key, an EAB secret or a JWS; --log-format json writes
# JSON lines.
source "$(dirname "$0")/lib.sh"

log=$HOME_DIR/log/acmectl.log
register_account
expect_exit 0 "${ISSUE[@]}" -d log.run.example --name logged
expect_exit 0 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --force
expect_file "$log"
ts='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z '
bad=$(grep -Evc "$ts" "$log" || true)
expect_eq "$bad" 0 "lines without a timestamp"
for step in "issue\[[0-9]+\] info: start: .*issue" "issue\[[0-9]+\] info: Creating an order" \
  "issue\[[0-9]+\] info: Validating log.run.example" "issue\[[0-9]+\] info: Finalizing" \
  "issue\[[0-9]+\] info: Saved logged version 1" "issue\[[0-9]+\] info: end: exit 0 after" \
  "renew\[[0-9]+\] info: Renewing logged" "renew\[[0-9]+\] info: Saved logged version 2" \
  "register\[[0-9]+\] info: end: exit 0"; do
  grep -Eq "$ts$step" "$log" || fail "no log line matching '$step'"
done

# No key material: the base64 bodies of the account key and the certificate key.
for key in "$ACCOUNT_DIR/key.pem" "$(lineage_dir logged)/current/privkey.pem"; do
  body=$(sed -n 2p "$key")
  [[ -n $body ]] || fail "cannot read $key"
  if grep -qF "$body" "$log"; then fail "$key appears in the log"; fi
done
if grep -q '"protected"' "$log"; then fail "a JWS appears in the log"; fi

# An EAB secret never reaches the log, and failures are logged with the reason.
expect_exit 0 "$ACMECTL" register --home "$HOME_DIR" --server "$EAB_SERVER" --ca-bundle "$CA" \
  --agree-tos --eab-kid "$EAB_KID" --eab-hmac-key "$EAB_KEY"
if grep -qF "$EAB_KEY" "$log"; then fail "the EAB HMAC key appears in the log"; fi
grep -q -- "--eab-hmac-key \*\*\*" "$log" || fail "the EAB key is not shown redacted"
expect_exit 1 "${ISSUE[@]}" -d "bad..name"
grep -Eq "${ts}issue\[[0-9]+\] warn: end: failed after .*invalid name" "$log" ||
  fail "the failed issue is not in the log"

# JSON lines
jlog=$TEST_TMP/jhome/log/acmectl.log
expect_exit 0 "$ACMECTL" register --home "$TEST_TMP/jhome" --server "$SERVER" --ca-bundle "$CA" \
  --agree-tos --log-format json
jq -e -s 'length > 1 and all(.[]; (.time | test("Z$")) and .command == "register" and (.pid | type) == "number" and (.level | type) == "string" and (.message | type) == "string")' "$jlog" >/dev/null ||
  fail "the JSON log lines do not have the documented shape: $(cat "$jlog")"
