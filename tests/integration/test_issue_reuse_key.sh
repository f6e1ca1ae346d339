#!/usr/bin/env bash
# --reuse-key keeps the lineage's key across issuances (and renewals, from
# config.json); without it every issuance gets a fresh key.
source "$(dirname "$0")/lib.sh"

register_account
expect_exit 0 "${ISSUE[@]}" -d keep.reuse.example --name keep --reuse-key
expect_exit 0 "${ISSUE[@]}" -d keep.reuse.example --name keep --reuse-key --force
expect_issued keep 2
d=$(lineage_dir keep)/versions
cmp -s "$d/1/privkey.pem" "$d/2/privkey.pem" || fail "--reuse-key made a new key"
expect_exit 0 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --force
cmp -s "$d/1/privkey.pem" "$d/3/privkey.pem" || fail "renew did not keep the key"
expect_exit 0 "${ISSUE[@]}" -d fresh.reuse.example --name fresh
expect_exit 0 "${ISSUE[@]}" -d fresh.reuse.example --name fresh --force
d=$(lineage_dir fresh)/versions
cmp -s "$d/1/privkey.pem" "$d/2/privkey.pem" && fail "a new issuance reused the key"
true
