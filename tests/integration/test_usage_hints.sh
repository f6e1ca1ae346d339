#!/usr/bin/env bash
# Usage errors that help (exit 64): the nearest command or flag for a typo, the
# subcommand's --help to read; certbot's `-d a,b` is two names; an IDN asks for
# punycode; an http:// directory URL is refused.
source "$(dirname "$0")/lib.sh"

A=("$ACMECTL" --home "$HOME_DIR")
expect_exit 64 "${A[@]}" renw
expect_contains "$ERR" "unknown command 'renw'; did you mean 'renew'?" "command typo"
expect_contains "$ERR" "Run 'acmectl --help' for usage." "top-level help"
expect_exit 64 "${A[@]}" frobnicate
expect_contains "$ERR" "unknown command 'frobnicate'" "unknown command"
expect_not_contains "$ERR" "did you mean" "no suggestion for a far word"

expect_exit 64 "${A[@]}" issue -d a.example --standalon
expect_contains "$ERR" "unknown option '--standalon' for 'issue'; did you mean '--standalone'?" \
  "flag typo"
expect_contains "$ERR" "Run 'acmectl issue --help' for usage." "subcommand help"
expect_exit 64 "${A[@]}" renew --dry-rn
expect_contains "$ERR" "did you mean '--dry-run'?" "renew flag typo"
# a global flag (in the "Global options" group) after the subcommand
expect_exit 64 "${A[@]}" check --jsn
expect_contains "$ERR" "unknown option '--jsn' for 'check'; did you mean '--json'?" "global flag typo"
expect_exit 64 "${A[@]}" check --warn-days x
expect_contains "$ERR" "Run 'acmectl check --help' for usage." "bad value points to check --help"
expect_exit 64 "${A[@]}" store mirgate
expect_contains "$ERR" "did you mean 'migrate'?" "value typo (a set of words)"
expect_exit 64 "${A[@]}" issue -d a.example --standalone --key-type ec265
expect_contains "$ERR" "did you mean 'ec256'?" "key type typo"
expect_contains "$ERR" "{ec256,ec384,rsa2048,rsa3072,rsa4096}" "the accepted values"
expect_exit 64 "${A[@]}" revoke
expect_one_line "$ERR" "a refusal after parsing: one line naming the problem"

expect_exit 64 "${A[@]}" issue -d bücher.example --standalone
expect_contains "$ERR" "use punycode (xn--" "IDN"
expect_exit 64 "${A[@]}" register --server http://127.0.0.1:14000/dir --agree-tos
expect_contains "$ERR" "ACME directory URLs must be https" "http:// directory"
expect_no_path "$HOME_DIR/accounts"

# certbot's habit: -d a,b is two names
register_account
expect_exit 0 "${ISSUE[@]}" -d one.comma.example,two.comma.example
expect_eq "$(json '.domains | join(" ")')" "one.comma.example two.comma.example" "domains"
expect_eq "$(cert_sans "$(lineage_dir one.comma.example)/current/cert.pem" | paste -sd' ' -)" \
  "one.comma.example two.comma.example" "SANs"
