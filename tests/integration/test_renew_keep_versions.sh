#!/usr/bin/env bash
# issue --keep-versions 2, then three renew --force: exactly the two newest
# versions stay, current works, check is OK. The default (5) and a default
# from acmectl.conf are recorded in config.json; fewer than 2 is refused.
source "$(dirname "$0")/lib.sh"

register_account
expect_exit 64 "${ISSUE[@]}" -d kv.example --keep-versions 1
expect_contains "$ERR" "--keep-versions" "too few versions"
expect_no_lineage

expect_exit 0 "${ISSUE[@]}" -d kv.example --name kv --keep-versions 2
expect_issued kv 1
dir=$(lineage_dir kv)
expect_eq "$(jq -r .keep_versions "$dir/config.json")" 2 "config.json keep_versions"
for v in 2 3 4; do
  expect_exit 0 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --force --name kv --json
  expect_eq "$(readlink "$dir/current")" "versions/$v" "current after renewal $v"
done
expect_eq "$(ls "$dir/versions" | sort -n | paste -sd' ' -)" "3 4" "versions left"
expect_eq "$(cert_pubkey "$dir/current/cert.pem")" "$(key_pubkey "$dir/current/privkey.pem")" \
  "current key matches"
expect_exit 0 "$ACMECTL" check --home "$HOME_DIR" kv --json
expect_eq "$(json .status)" OK "check after pruning"

# No flag: the default, 5; the store's acmectl.conf may set another default.
expect_exit 0 "${ISSUE[@]}" -d five.kv.example --name five
expect_eq "$(jq -r .keep_versions "$(lineage_dir five)/config.json")" 5 "default keep_versions"
printf '[issue]\nkeep-versions = 3\n' >"$HOME_DIR/acmectl.conf"
expect_exit 0 "${ISSUE[@]}" -d three.kv.example --name three
expect_eq "$(jq -r .keep_versions "$(lineage_dir three)/config.json")" 3 "acmectl.conf keep-versions"
printf '[issue]\nkeep-versions = 1\n' >"$HOME_DIR/acmectl.conf"
expect_exit 64 "${ISSUE[@]}" -d one.kv.example --name one
expect_contains "$ERR" "acmectl.conf:2: keep-versions:" "acmectl.conf value refused"
