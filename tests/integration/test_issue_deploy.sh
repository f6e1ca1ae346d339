#!/usr/bin/env bash
# Deploy steps run right after issue (certbot runs --deploy-hook after
# certonly): given with it, or already on the lineage; and after issue --force,
# so an installed copy exists from the first issuance and never lags behind.
source "$(dirname "$0")/lib.sh"

hook=$TEST_TMP/hook.sh
cat >"$hook" <<'SH'
#!/bin/sh
echo "$ACMECTL_NAME $(openssl x509 -in "$ACMECTL_FULLCHAIN" -noout -serial)" >>"$HOOK_LOG"
SH
chmod +x "$hook"
export HOOK_LOG=$TEST_TMP/hook.log

register_account
name=deploy.issue.example
expect_exit 0 "${ISSUE[@]}" -d "$name" --deploy-hook "$hook"
serial1=$(openssl x509 -in "$(lineage_dir "$name")/current/cert.pem" -noout -serial)
expect_eq "$(cat "$HOOK_LOG")" "$name $serial1" "hook run after the first issue"
expect_eq "$(json '.hooks | length')" 1 "hooks in --json"
expect_eq "$(json '.hooks[0].ok')" true "hook ok"

# an install step added later runs on the next (forced) issue, with the hook
mkdir -p "$TEST_TMP/srv"
target=$TEST_TMP/srv/$name.pem
expect_exit 0 "$ACMECTL" deploy-hook --home "$HOME_DIR" "$name" --install-to "$target" \
  --what fullchain
expect_exit 0 "${ISSUE[@]}" -d "$name" --force
serial2=$(openssl x509 -in "$(lineage_dir "$name")/current/cert.pem" -noout -serial)
[[ $serial1 != "$serial2" ]] || fail "--force did not issue a new certificate"
expect_eq "$(tail -n 1 "$HOOK_LOG")" "$name $serial2" "hook run after issue --force"
expect_eq "$(openssl x509 -in "$target" -noout -serial)" "$serial2" "installed copy is the new one"

# not re-issued (exists): nothing runs
expect_exit 0 "${ISSUE[@]}" -d "$name"
expect_eq "$(json .status)" exists "status"
expect_eq "$(wc -l <"$HOOK_LOG")" 2 "hook runs"

# a failing deploy step: the certificate is kept, the exit status and check say so
expect_exit 1 "${ISSUE[@]}" -d fail.deploy.issue.example --deploy-hook /bin/false
expect_eq "$(json .status)" issued "status with a failed hook"
expect_eq "$(json '.hooks[0].ok')" false "failed hook reported"
expect_file "$(lineage_dir fail.deploy.issue.example)/current/cert.pem"
expect_exit 1 "$ACMECTL" check --home "$HOME_DIR" fail.deploy.issue.example
expect_contains "$OUT" "last deploy hook failed" "check reports the failed hook"
