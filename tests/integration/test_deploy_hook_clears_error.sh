#!/usr/bin/env bash
# A failed deploy keeps check on WARNING; once the user fixed it and ran
# `deploy-hook NAME` successfully, check is OK again (last_deploy_error cleared).
source "$(dirname "$0")/lib.sh"

register_account
flag=$TEST_TMP/reload-works
expect_exit 0 "${ISSUE[@]}" -d dc.deploy.example --name dc --deploy-hook "test -e $flag"
expect_exit 1 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --force
expect_exit 1 "$ACMECTL" check --home "$HOME_DIR" dc
expect_contains "$OUT" "last deploy hook failed" "check after the failed deploy"

# Still failing when run by hand: still WARNING.
expect_exit 1 "$ACMECTL" deploy-hook --home "$HOME_DIR" dc
expect_exit 1 "$ACMECTL" check --home "$HOME_DIR" dc

touch "$flag"
expect_exit 0 "$ACMECTL" deploy-hook --home "$HOME_DIR" dc
expect_exit 0 "$ACMECTL" check --home "$HOME_DIR" dc
expect_not_contains "$OUT" "deploy" "check after the successful manual deploy"
expect_eq "$(jq -r '.last_deploy_error // "none"' "$(lineage_dir dc)/state.json")" none "state.json"
