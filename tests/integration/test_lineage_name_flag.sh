#!/usr/bin/env bash
# An IPv6 ::1 certificate gets a lineage name that does not begin with '-'
# (ip6-0--1, not --1, which every subcommand would read as a flag), and every
# command that takes a lineage name also takes it as --name NAME.
source "$(dirname "$0")/lib.sh"

register_account
expect_exit 0 "${ISSUE[@]}" -d ::1
expect_eq "$(json .name)" ip6-0--1 "lineage name for ::1"
expect_file "$(lineage_dir ip6-0--1)/config.json"
expect_exit 0 "$ACMECTL" check --home "$HOME_DIR" ip6-0--1
expect_exit 0 "$ACMECTL" check --home "$HOME_DIR" --name ip6-0--1 --json
expect_eq "$(json '.lineages[0].name')" ip6-0--1 "check --name"

# --name reaches a lineage whose name begins with '-' (an older store's --1).
cp -a "$(lineage_dir ip6-0--1)" "$HOME_DIR/certs/--1"
jq '.name = "--1"' "$(lineage_dir ip6-0--1)/config.json" >"$HOME_DIR/certs/--1/config.json"
expect_exit 0 "$ACMECTL" check --home "$HOME_DIR" --name=--1 --json
expect_eq "$(json '.lineages | length')" 1 "check --name=--1"
expect_exit 0 "$ACMECTL" deploy-hook --home "$HOME_DIR" --name=--1 --list --json
expect_eq "$(json .name)" --1 "deploy-hook --name"
expect_exit 0 "$ACMECTL" deploy-hook --home "$HOME_DIR" --name ip6-0--1
expect_exit 64 "$ACMECTL" deploy-hook --home "$HOME_DIR"
expect_exit 0 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --name=--1 --force --json
expect_eq "$(json '.lineages[0].action')" renewed "renew --name=--1"
expect_exit 0 "$ACMECTL" revoke --home "$HOME_DIR" --ca-bundle "$CA" --name=--1 --json
expect_eq "$(json .lineage)" --1 "revoke --name"
expect_exit 64 "$ACMECTL" revoke --home "$HOME_DIR" --name ip6-0--1 ip6-0--1
