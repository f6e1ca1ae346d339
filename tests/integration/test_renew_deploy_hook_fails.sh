#!/usr/bin/env bash
# A failing deploy hook: exit 1, but the new certificate stays current and
# state.json records the hook failure.
source "$(dirname "$0")/lib.sh"

register_account
# issue runs the deploy hook too: it fails there already, the certificate stays
expect_exit 1 "${ISSUE[@]}" -d dh.renew.example --name dh --deploy-hook "sh -c 'echo reload failed >&2; exit 7'"
expect_eq "$(json .status)" issued "issue status with a failing hook"
expect_exit 1 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --force
expect_contains "$ERR" "dh: renewed, but deploy hook failed" "renew stderr"
expect_contains "$ERR" "exited with status 7" "renew stderr"
same_dir "$(lineage_dir dh)/current" "$(lineage_dir dh)/versions/2" || fail "current is not versions/2"
expect_contains "$(jq -r .last_deploy_error "$(lineage_dir dh)/state.json")" "exited with status 7" \
  "state.json last_deploy_error"
