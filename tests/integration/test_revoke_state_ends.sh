#!/usr/bin/env bash
# After revoke + renew, check is OK again (the marker names the serial revoked,
# and a renewal clears it). keyCompromise on a --reuse-key lineage makes the
# next issuance use a new key, says so, and turns reuse_key off. revoke takes
# the lineage lock.
source "$(dirname "$0")/lib.sh"

C=("$ACMECTL" check --home "$HOME_DIR")
REVOKE=("$ACMECTL" revoke --home "$HOME_DIR" --ca-bundle "$CA")
register_account
expect_exit 0 "${ISSUE[@]}" -d rk.state.example --name rk --reuse-key
expect_exit 0 "${ISSUE[@]}" -d ri.state.example --name ri --reuse-key

# A lineage another process holds is not revoked under its feet: exit 75.
hold_lock rk
expect_exit 75 "${REVOKE[@]}" rk --reason keyCompromise
expect_contains "$ERR" "locked" "revoke of a locked lineage"
_stop_pid "$HOLDER"

expect_exit 0 "${REVOKE[@]}" rk --reason keyCompromise
expect_contains "$OUT" "its next issuance makes a new key" "keyCompromise notice"
expect_contains "$OUT" "--reuse-key is now off for rk" "reuse-key notice"
expect_eq "$(jq -r .reuse_key "$(lineage_dir rk)/config.json")" false "reuse_key after keyCompromise"
expect_exit 2 "${C[@]}" rk
expect_contains "$OUT" "was revoked" "check after revoke"

expect_exit 0 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --name rk --json
expect_eq "$(json '.lineages[0].action')" renewed "rk renewed"
d=$(lineage_dir rk)/versions
cmp -s "$d/1/privkey.pem" "$d/2/privkey.pem" && fail "renew certified the compromised key"
expect_eq "$(jq -r '.revoked // "none"' "$(lineage_dir rk)/state.json")" none "marker after renew"
expect_exit 0 "${C[@]}" rk
expect_not_contains "$OUT" "revoked" "check after renew"

# Turning --reuse-key on again right away still never reuses the revoked key.
expect_exit 0 "${REVOKE[@]}" ri --reason keyCompromise --json
expect_eq "$(json .new_key_forced)" true "new_key_forced"
expect_exit 0 "${ISSUE[@]}" -d ri.state.example --name ri --reuse-key --force
d=$(lineage_dir ri)/versions
cmp -s "$d/1/privkey.pem" "$d/2/privkey.pem" && fail "issue --reuse-key certified the compromised key"
expect_exit 0 "${C[@]}" ri
# ... and from then on it keeps the new key.
expect_exit 0 "${ISSUE[@]}" -d ri.state.example --name ri --reuse-key --force
cmp -s "$d/2/privkey.pem" "$d/3/privkey.pem" || fail "--reuse-key did not keep the new key"
