#!/usr/bin/env bash
# bad input: a malformed target, no target, an unreadable list or CA bundle,
# crossed thresholds are UNKNOWN (3) with one line on stderr; bad flags are
# usage errors (64) from the flag parser.
export PEBBLE_DIR=${PEBBLE_DIR:-/nonexistent} # lib.sh wants it; these cases need no Pebble
source "$(dirname "$0")/lib.sh"

expect_unknown() { # NEEDLE ARGS...
  local needle=$1
  shift
  expect_exit 3 "$ACMECTL" expiry "$@"
  expect_one_line "$ERR" "stderr of expiry $*"
  expect_contains "$ERR" "$needle" "stderr of expiry $*"
  [[ -z $OUT ]] || fail "stdout of expiry $* is not empty"
}

expect_unknown "bad target 'example.com:0'" example.com:0
expect_unknown "bad target 'exa mple.com'" "exa mple.com"
expect_unknown "only https://" http://example.com/
expect_unknown "[ADDRESS]:PORT" 2001:db8::1:443:x
expect_unknown "nothing to check"
expect_unknown "cannot read target list $TEST_TMP/none.txt" -f "$TEST_TMP/none.txt"
printf '127.0.0.1:1\nnot a target\n' >"$TEST_TMP/list.txt"
expect_unknown "bad target 'not a target'" -f "$TEST_TMP/list.txt"
expect_unknown "--crit-days 30 is more than --warn-days 21" --crit-days 30 127.0.0.1:1
expect_unknown "bad target 'bad host'" --connect-to "bad host" 127.0.0.1:1
echo "not a certificate" >"$TEST_TMP/junk.pem"
expect_unknown "cannot load CA bundle $TEST_TMP/junk.pem" --ca-bundle "$TEST_TMP/junk.pem" 127.0.0.1:1

for flags in "--starttls http" "--timeout 0" "--timeout x" "--concurrency 0" "--format yaml" \
  "--warn-days -1" "--bogus"; do
  # shellcheck disable=SC2086 # split the flags on purpose
  expect_exit 64 "$ACMECTL" expiry $flags 127.0.0.1:1
  expect_contains "$ERR" "acmectl:" "stderr for $flags"
done
