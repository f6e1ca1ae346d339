#!/usr/bin/env bash
# issue --key-group: privkey.pem is 0640 and belongs to the group in every
# version, renew keeps it, check verifies it; an unknown group fails before
# anything is written; --key-group '' gives the key back to its owner alone.
source "$(dirname "$0")/lib.sh"

# A group that exists on every machine and that this user may give files to:
# Debian's ssl-cert when we may use it, else a supplementary group, else our own.
pick_group() {
  local g
  if getent group ssl-cert >/dev/null && { ((EUID == 0)) || id -Gn | tr ' ' '\n' | grep -qx ssl-cert; }; then
    echo ssl-cert
    return
  fi
  for g in $(id -Gn); do
    [[ $g == "$(id -gn)" ]] || { echo "$g"; return; }
  done
  id -gn
}
G=$(pick_group)
KEY_AND_GROUP() { stat -c '%a %G' "$1"; }

register_account
expect_exit 64 "${ISSUE[@]}" -d nogroup.kg.example --key-group acmectl-no-such-group
expect_contains "$ERR" "--key-group: no group 'acmectl-no-such-group' on this system" "unknown group"
expect_one_line "$(grep -v -- "--help' for usage" <<<"$ERR")" "error"
expect_no_lineage

expect_exit 0 "${ISSUE[@]}" -d kg.example --name kg --key-group "$G"
dir=$(lineage_dir kg)
expect_eq "$(KEY_AND_GROUP "$dir/versions/1/privkey.pem")" "640 $G" "mode and group of privkey.pem"
expect_file_mode "$dir/versions/1/cert.pem" 0644
expect_eq "$(jq -r .key_group "$dir/config.json")" "$G" "config.json key_group"
expect_eq "$(cert_pubkey "$dir/current/cert.pem")" "$(key_pubkey "$dir/current/privkey.pem")" \
  "key matches"
expect_exit 0 "$ACMECTL" check --home "$HOME_DIR" kg --json
expect_eq "$(json .status)" OK "check with the granted group"

# renew keeps the group (config.json, not a flag)
expect_exit 0 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --force --name kg --json
expect_eq "$(readlink "$dir/current")" versions/2 "renewed"
expect_eq "$(KEY_AND_GROUP "$dir/versions/2/privkey.pem")" "640 $G" "renewed privkey.pem"
expect_exit 0 "$ACMECTL" check --home "$HOME_DIR" kg

# A key that lost its group is a WARNING (only testable with a second group).
own=$(id -gn)
if [[ $G != "$own" ]]; then
  chgrp "$own" "$dir/versions/2/privkey.pem"
  expect_exit 1 "$ACMECTL" check --home "$HOME_DIR" kg --json
  expect_contains "$OUT" "privkey.pem belongs to group $own, the lineage grants $G" "group finding"
  chgrp "$G" "$dir/versions/2/privkey.pem"
fi

# --key-group '' : owner only again, and recorded so renew keeps that too
expect_exit 0 "${ISSUE[@]}" -d kg.example --name kg --force --key-group ''
expect_issued kg 3
expect_eq "$(jq -r .key_group "$dir/config.json")" "" "config.json key_group cleared"
expect_exit 0 "$ACMECTL" check --home "$HOME_DIR" kg

# A lineage without --key-group: 0600, and check flags a key a group may read.
expect_exit 0 "${ISSUE[@]}" -d plain.kg.example --name plain
expect_file_mode "$(lineage_dir plain)/versions/1/privkey.pem" 0600
chmod 0640 "$(lineage_dir plain)/versions/1/privkey.pem"
expect_exit 1 "$ACMECTL" check --home "$HOME_DIR" plain --json
expect_contains "$OUT" "but the lineage grants no group" "ungranted group finding"
