#!/usr/bin/env bash
# The harness itself: Pebble, its EAB twin and challtestsrv answer on loopback,
# and the assertions of lib.sh fail when they should. Needs no acmectl.
LIB_NO_ACMECTL=1
source "$(dirname "$0")/lib.sh"

dir=$(curl -fsS --max-time 10 --cacert "$CA" "$SERVER") || fail "no directory at $SERVER"
OUT=$dir
expect_match "$(json .newAccount)" '^https://127\.0\.0\.1:' "newAccount URL"
expect_eq "$(jq -r .meta.externalAccountRequired <<<"$dir")" false "EAB required on $SERVER"
OUT=$(curl -fsS --max-time 10 --cacert "$CA" "$EAB_SERVER") || fail "no directory at $EAB_SERVER"
expect_eq "$(json .meta.externalAccountRequired)" true "EAB required on $EAB_SERVER"
OUT=""

# The TLS listener is the harness CA's, and only that CA's: curl without it fails.
if curl -fsS --max-time 10 -o /dev/null "$SERVER" 2>/dev/null; then
  fail "Pebble's listener is trusted without --cacert $CA"
fi

pebble_root "$TEST_TMP/root.pem"
openssl x509 -in "$TEST_TMP/root.pem" -noout -subject | grep -q 'Pebble Root CA' ||
  fail "roots/0 is not Pebble's root"

# The assertions fail when they should (each in a subshell: traps are reset
# there, so a failing assertion only ends that subshell; we check its status).
( expect_exit 0 false ) 2>/dev/null && fail "expect_exit 0 false passed"
( expect_exit 3 bash -c 'exit 3' ) >/dev/null || fail "expect_exit 3 on exit 3 failed"
( expect_contains "abc" "x" ) 2>/dev/null && fail "expect_contains abc x passed"
( expect_one_line $'a\nb' "two lines" ) 2>/dev/null && fail "expect_one_line passed on 2 lines"
touch "$TEST_TMP/f"
chmod 0644 "$TEST_TMP/f"
( expect_file_mode "$TEST_TMP/f" 0600 ) 2>/dev/null && fail "expect_file_mode 0600 passed on 0644"
expect_file_mode "$TEST_TMP/f" 0644
true
