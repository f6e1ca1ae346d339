#!/usr/bin/env bash
# dns-01 for a wildcard and its apex: two authorizations of the same name, so
# two TXT values at one FQDN, both added before validation and both deleted.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/dns_hook_lib.sh"

apex=wild.dns.issue.example
fqdn=_acme-challenge.$apex
on_exit "clear_txt $fqdn"
hook=$TEST_TMP/dns-hook.sh
write_dns_hook "$hook"

register_account
expect_exit 0 "$ACMECTL" issue --home "$HOME_DIR" --server "$SERVER" --ca-bundle "$CA" --json \
  -d "*.$apex" -d "$apex" --dns-hook "$hook" --dns-resolver "$DNS_SERVER"
name=$(json .name)
expect_issued "$name" 1
expect_eq "$(cert_sans "$(lineage_dir "$name")/versions/1/cert.pem" | paste -sd' ' -)" \
  "*.$apex $apex" "SANs"
expect_eq "$(json '.domains | sort | join(" ")')" "*.$apex $apex" "domains"

adds=$(hook_calls add)
expect_eq "$(wc -l <<<"$adds")" 2 "add calls"
expect_eq "$(cut -d' ' -f2 <<<"$adds" | sort -u)" "$fqdn" "FQDN of both adds (no '*.')"
expect_eq "$(cut -d' ' -f3 <<<"$adds" | sort -u | wc -l)" 2 "distinct TXT values"
expect_eq "$(awk '{print $7}' <<<"$adds" | sort -u)" "$apex" "ACMECTL_DOMAIN"
expect_eq "$(hook_calls del | cut -d' ' -f3 | sort)" "$(cut -d' ' -f3 <<<"$adds" | sort)" \
  "values deleted"
