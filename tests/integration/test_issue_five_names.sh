#!/usr/bin/env bash
# a 5-name certificate carries all five names as SANs.
source "$(dirname "$0")/lib.sh"

names=(a.san.issue.example b.san.issue.example c.san.issue.example
  d.san.issue.example e.san.issue.example)
args=()
for n in "${names[@]}"; do args+=(-d "$n"); done
register_account
expect_exit 0 "${ISSUE[@]}" --name san5 "${args[@]}"
expect_issued san5 1
want=$(printf '%s\n' "${names[@]}" | sort)
expect_eq "$(cert_sans "$(lineage_dir san5)/versions/1/cert.pem")" "$want" "SANs of cert.pem"
expect_eq "$(json '.domains[]' | sort)" "$want" "domains"
