#!/usr/bin/env bash
# dns-01 through --dns-hook: `HOOK add FQDN VALUE` for the name (with its
# environment), polling challtestsrv's DNS with --dns-resolver until the
# record is there, `HOOK del FQDN VALUE` afterwards; config.json records the
# solver and renew runs the same hook again.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/dns_hook_lib.sh"

name=one.dns.issue.example
fqdn=_acme-challenge.$name
on_exit "clear_txt $fqdn"
hook=$TEST_TMP/dns-hook.sh
write_dns_hook "$hook"
DNS_ISSUE=("$ACMECTL" issue --home "$HOME_DIR" --server "$SERVER" --ca-bundle "$CA" --json)

register_account
expect_exit 0 "${DNS_ISSUE[@]}" -d "$name" --dns-hook "$hook" --dns-resolver "$DNS_SERVER" \
  --dns-wait 1
expect_issued "$name" 1
expect_eq "$(cert_sans "$(lineage_dir "$name")/versions/1/cert.pem")" "$name" "SANs"

adds=$(hook_calls add)
expect_one_line "$adds" "add calls"
read -r op got_fqdn value bar env_fqdn env_value env_domain <<<"$adds"
expect_eq "$got_fqdn" "$fqdn" "FQDN argument"
[[ $value =~ ^[A-Za-z0-9_-]{43}$ ]] || fail "TXT value '$value' is not base64url of a SHA-256"
expect_eq "$env_fqdn" "$fqdn" "ACMECTL_DNS_FQDN"
expect_eq "$env_value" "$value" "ACMECTL_DNS_VALUE"
expect_eq "$env_domain" "$name" "ACMECTL_DOMAIN"
expect_eq "$(hook_calls del)" "del $fqdn $value | $fqdn $value $name" "del call"

config=$(lineage_dir "$name")/config.json
expect_eq "$(jq -cS .solver "$config")" \
  "$(jq -ncS --arg h "$hook" --arg r "$DNS_SERVER" \
    '{kind:"dns-hook",dns_hook:$h,dns_wait:1,dns_resolver:$r}')" "config.json solver"

# renew redoes it with the same hook. A new account, so that Pebble cannot
# reuse the valid authorization and the hook must run again.
rm -rf "$ACCOUNT_DIR"
register_account
: >"$HOOK_LOG"
expect_exit 0 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --force --json
expect_eq "$(json '.lineages[0].action')" renewed "renew outcome"
expect_eq "$(json '.lineages[0].version')" 2 "renewed version"
expect_one_line "$(hook_calls add)" "add calls of the renewal"
expect_one_line "$(hook_calls del)" "del calls of the renewal"
