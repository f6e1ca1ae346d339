#!/usr/bin/env bash
# After issuing, renew does nothing and says when the lineage is due;
# renew --days 365 renews (versions/2) and the deploy hook gets the
# acmectl and certbot environment.
source "$(dirname "$0")/lib.sh"

RENEW=("$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA")
register_account
hookenv=$TEST_TMP/hook.env
expect_exit 0 "${ISSUE[@]}" -d r.renew.example -d www.r.renew.example --name r \
  --deploy-hook "sh -c 'env > $hookenv'"
expect_issued r 1
rm "$hookenv" # issue ran the deploy hook; renew must not while not due

expect_exit 0 "${RENEW[@]}"
expect_contains "$OUT" "r: not due, renews at " "renew output"
expect_no_path "$(lineage_dir r)/versions/2"
expect_no_path "$hookenv"

expect_exit 0 "${RENEW[@]}" --days 365 --json
expect_eq "$(json '.lineages[0].action')" renewed "outcome"
expect_eq "$(json '.lineages[0].version')" 2 "version"
same_dir "$(lineage_dir r)/current" "$(lineage_dir r)/versions/2" || fail "current is not versions/2"
expect_file "$hookenv"
env_of() { sed -n "s/^$1=//p" "$hookenv"; }
expect_eq "$(env_of ACMECTL_NAME)" r "ACMECTL_NAME"
expect_eq "$(env_of ACMECTL_DOMAINS)" "r.renew.example www.r.renew.example" "ACMECTL_DOMAINS"
expect_eq "$(env_of RENEWED_DOMAINS)" "r.renew.example www.r.renew.example" "RENEWED_DOMAINS"
expect_eq "$(env_of RENEWED_LINEAGE)" "$(lineage_dir r)/current" "RENEWED_LINEAGE"
expect_eq "$(env_of ACMECTL_FULLCHAIN)" "$(lineage_dir r)/current/fullchain.pem" "ACMECTL_FULLCHAIN"
expect_eq "$(env_of ACMECTL_KEY)" "$(lineage_dir r)/current/privkey.pem" "ACMECTL_KEY"
expect_eq "$(jq -r .consecutive_failures "$(lineage_dir r)/state.json")" 0 "state failures"
