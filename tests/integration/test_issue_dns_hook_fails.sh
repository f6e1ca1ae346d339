#!/usr/bin/env bash
# dns-01 failures: a wrong TXT value (the CA refuses), a hook whose `add`
# fails, a record that never becomes visible at --dns-resolver. Each exits
# non-zero with a clear message, runs `del` for what it added, writes no lineage.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/dns_hook_lib.sh"

DNS_ISSUE=("$ACMECTL" issue --home "$HOME_DIR" --server "$SERVER" --ca-bundle "$CA")
register_account

# 1. the hook sets a wrong value: Pebble's validation fails
name=wrong.dns.issue.example
on_exit "clear_txt _acme-challenge.$name"
write_dns_hook "$TEST_TMP/wrong.sh" wrong
expect_exit 1 "${DNS_ISSUE[@]}" -d "$name" --dns-hook "$TEST_TMP/wrong.sh"
expect_contains "$ERR" "dns-01" "stderr"
expect_contains "$ERR" "$name" "stderr"
expect_eq "$(hook_calls add | wc -l)" 1 "add calls"
expect_eq "$(hook_calls del | cut -d' ' -f1-3)" "$(hook_calls add | sed 's/^add/del/' | cut -d' ' -f1-3)" \
  "del for the value added"
expect_no_lineage

# 2. `add` exits 3: the order fails naming the record and the hook's message
: >"$HOOK_LOG"
name=fail.dns.issue.example
write_dns_hook "$TEST_TMP/fail.sh" fail
expect_exit 1 "${DNS_ISSUE[@]}" -q -d "$name" --dns-hook "$TEST_TMP/fail.sh"
expect_one_line "$ERR" "stderr"
expect_contains "$ERR" "the DNS hook failed to add the TXT record _acme-challenge.$name" "stderr"
expect_contains "$ERR" "exit status 3: no zone for _acme-challenge.$name" "stderr"
expect_eq "$(hook_calls add | wc -l)" 1 "add calls"
expect_eq "$(hook_calls del | wc -l)" 1 "del calls (cleanup after a failed add)"
expect_no_lineage

# 3. the record never shows at the resolver: a timeout (exit 75), bounded
: >"$HOOK_LOG"
name=never.dns.issue.example
write_dns_hook "$TEST_TMP/nothing.sh" nothing
start=$SECONDS
expect_exit 75 "${DNS_ISSUE[@]}" -d "$name" --dns-hook "$TEST_TMP/nothing.sh" \
  --dns-resolver "$DNS_SERVER" --timeout 6
((SECONDS - start < 30)) || fail "the resolver wait was not bounded by --timeout"
expect_contains "$ERR" "_acme-challenge.$name is not visible at $DNS_SERVER" "stderr"
expect_eq "$(hook_calls del | wc -l)" 1 "del calls"
expect_no_lineage

# 4. `add` and `del` both fail (the record was never added): the add's error
# is reported alone, with no warning about a record that does not exist.
: >"$HOOK_LOG"
cat >"$TEST_TMP/both.sh" <<HOOK
#!/bin/sh
echo "\$1 \$2" >>'$HOOK_LOG'
echo "no zone for \$2" >&2
exit 3
HOOK
chmod +x "$TEST_TMP/both.sh"
expect_exit 1 "${DNS_ISSUE[@]}" -q -d both.dns.issue.example --dns-hook "$TEST_TMP/both.sh"
expect_one_line "$ERR" "stderr"
expect_contains "$ERR" "the DNS hook failed to add the TXT record" "stderr"
expect_not_contains "$ERR" "failed to delete" "stderr"
expect_eq "$(grep -c '^del ' "$HOOK_LOG")" 1 "del still runs"
expect_no_lineage
