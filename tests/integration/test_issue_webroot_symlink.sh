#!/usr/bin/env bash
# --webroot as root beside a web root another user owns: a symbolic link
# planted at .well-known or .well-known/acme-challenge is refused before any
# order is created, and whatever it points to stays untouched.
source "$(dirname "$0")/lib.sh"

webroot=$TEST_TMP/www
target=$TEST_TMP/target
mkdir -p "$webroot" "$target"
chmod 0700 "$target"
echo secret >"$target/keep"
chmod 0600 "$target/keep"
register_account

refused() { # WHAT: the link at $webroot/WHAT was refused and nothing happened
  expect_exit 1 "$ACMECTL" issue --home "$HOME_DIR" --server "$SERVER" --ca-bundle "$CA" \
    --webroot "$webroot" -d link.webroot.example --name link
  expect_contains "$ERR" "$webroot/$1: it is a symbolic link" "refusal of $1"
  expect_not_contains "$ERR" "Creating an order" "an order before the refusal of $1"
  expect_eq "$(stat -c %a "$target")" 700 "mode of the link's target ($1)"
  expect_eq "$(ls -A "$target")" keep "content of the link's target ($1)"
  expect_eq "$(cat "$target/keep")" secret "file in the link's target ($1)"
  expect_no_lineage
}

ln -s "$target" "$webroot/.well-known"
refused .well-known

rm "$webroot/.well-known"
mkdir "$webroot/.well-known"
ln -s "$target" "$webroot/.well-known/acme-challenge"
refused .well-known/acme-challenge
