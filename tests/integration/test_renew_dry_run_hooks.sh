#!/usr/bin/env bash
# renew --dry-run --run-deploy-hooks runs the deploy hook on the dry-run
# certificate with ACMECTL_DRY_RUN=1 and leaves current/ and state.json alone.
source "$(dirname "$0")/lib.sh"

register_account
seen=$TEST_TMP/seen
expect_exit 0 "${ISSUE[@]}" -d dry.renew.example --name dry \
  --deploy-hook "sh -c 'echo \$ACMECTL_DRY_RUN > $seen.flag; cat \"\$ACMECTL_FULLCHAIN\" > $seen.pem; echo \$ACMECTL_CERT_DIR > $seen.dir'"
before=$(sha256sum < "$(lineage_dir dry)/current/cert.pem")
# issue ran the deploy hook and recorded it in state.json; the dry run must do neither
rm "$seen.flag" "$seen.pem" "$seen.dir" "$(lineage_dir dry)/state.json"

expect_exit 0 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --dry-run --force --json
expect_eq "$(json '.lineages[0].action')" renewed "action"
expect_no_path "$seen.flag" # no deploy hooks in a plain dry run

expect_exit 0 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --dry-run --force \
  --run-deploy-hooks
expect_eq "$(cat "$seen.flag")" 1 "ACMECTL_DRY_RUN"
openssl x509 -noout -in "$seen.pem" || fail "the hook did not get a certificate"
[[ "$(openssl x509 -noout -serial -in "$seen.pem")" != \
   "$(openssl x509 -noout -serial -in "$(lineage_dir dry)/current/cert.pem")" ]] ||
  fail "the hook saw the current certificate, not the dry-run one"
expect_no_path "$(cat "$seen.dir")" # the temporary folder is gone
expect_eq "$(sha256sum < "$(lineage_dir dry)/current/cert.pem")" "$before" "current cert"
expect_no_path "$(lineage_dir dry)/versions/2"
expect_no_path "$(lineage_dir dry)/state.json"
expect_exit 64 "$ACMECTL" renew --home "$HOME_DIR" --run-deploy-hooks
