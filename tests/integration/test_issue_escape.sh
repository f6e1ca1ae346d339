#!/usr/bin/env bash
# What could escape is refused before anything runs or is written: a DNS hook
# command with control characters, a --dns-resolver that is a host name, a
# name with a newline or a slash. (Tokens and identifiers from the CA with
# '/', '..' or newlines are refused by the solvers: unit tests, [escape].)
source "$(dirname "$0")/lib.sh"

BASE=("$ACMECTL" issue --home "$HOME_DIR" --server "$SERVER" --ca-bundle "$CA" -q)
register_account
ran=$TEST_TMP/hook-ran
cat >"$TEST_TMP/hook.sh" <<HOOK
#!/bin/sh
touch '$ran'
HOOK
chmod 0755 "$TEST_TMP/hook.sh"

for bad in $'\x01' $'\x1b[2J' $'\x7f' $'\n'; do
  expect_exit 1 "${BASE[@]}" -d esc.issue.example --dns-hook "$TEST_TMP/hook.sh x${bad}y"
  expect_one_line "$ERR" "stderr"
  expect_contains "$ERR" "the DNS hook command contains a control character" "stderr"
  expect_no_path "$ran"
  expect_no_lineage
done

expect_exit 1 "${BASE[@]}" -d esc.issue.example --dns-hook "$TEST_TMP/hook.sh" \
  --dns-resolver ns.example
expect_contains "$ERR" "invalid DNS server 'ns.example'" "stderr"
expect_no_path "$ran"

expect_exit 1 "${BASE[@]}" -d esc.issue.example --dns-hook "'$TEST_TMP/hook.sh"
expect_contains "$ERR" "unterminated single quote" "stderr"
expect_no_path "$ran"

for name in $'esc.issue.example\nevil' 'esc/../../etc' $'esc\tissue.example'; do
  expect_exit 1 "${BASE[@]}" "-d$name" --dns-hook "$TEST_TMP/hook.sh"
  expect_no_path "$ran"
  expect_no_lineage
done
