#!/usr/bin/env bash
# The man pages and completions match the CLI: scripts/gen-docs, run on this
# binary's --dump-cli, rebuilds exactly the committed files; every flag is in
# its man page and in every completion file and none of them names a flag the
# CLI lacks (gen-docs --check); --dump-cli is hidden from --help; every page
# passes `mandoc -Tlint` and renders with man(1) without warnings.
source "$(dirname "$0")/lib.sh"

for tool in python3 mandoc makewhatis man; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (scripts/bootstrap installs it)"
done

# --- --dump-cli: valid JSON, exit 0, hidden -----------------------------------
expect_exit 0 "$ACMECTL" --dump-cli
expect_eq "$(json .name)" acmectl "dump name"
expect_eq "$(json '[.subcommands[].name] | index("issue") != null')" true "issue in the dump"
expect_exit 0 "$ACMECTL" --help
expect_not_contains "$OUT" "dump-cli" "--help"

# --- regenerate into a temp dir: no difference, no missing or unknown flag ---
gen=$TEST_TMP/gen
expect_exit 0 python3 "$REPO_ROOT/scripts/gen-docs" --acmectl "$ACMECTL" --out "$gen" --check
for dir in man completions; do
  if ! diff -ru "$REPO_ROOT/$dir" "$gen/$dir" >"$TEST_TMP/diff" 2>&1; then
    cat "$TEST_TMP/diff" >&2
    fail "$dir/ differs from what scripts/gen-docs makes of the CLI: run scripts/gen-docs and commit"
  fi
done

# --- the checker itself notices drift -----------------------------------------
bad=$TEST_TMP/bad
mkdir -p "$bad"
cp -r "$REPO_ROOT/man" "$REPO_ROOT/completions" "$REPO_ROOT/cmake" "$bad/"
sed -i 's/agree\\-tos/agree\\-to/g' "$bad/man/acmectl-register.1"
sed -i 's/--webroot/--web-root/' "$bad/completions/acmectl.bash"
expect_exit 1 python3 "$REPO_ROOT/scripts/gen-docs" --acmectl "$ACMECTL" --out "$TEST_TMP/regen" \
  --check --root "$bad"
expect_contains "$ERR" "man/acmectl-register.1 does not mention --agree-tos" "checker"
expect_contains "$ERR" "man/acmectl-register.1 names --agree-to, which acmectl does not have" "checker"
expect_contains "$ERR" "completions/acmectl.bash offers --web-root, which acmectl does not have" "checker"
expect_contains "$ERR" "completions/acmectl.bash does not offer --webroot" "checker"

# --- mandoc -Tlint: no errors or warnings; style only for pages not ours -----
mp=$TEST_TMP/manpath
mkdir -p "$mp/man1" "$mp/man5"
cp "$REPO_ROOT"/man/*.1 "$mp/man1/"
cp "$REPO_ROOT"/man/*.5 "$mp/man5/"
makewhatis "$mp"
for page in "$mp"/man1/*.1 "$mp"/man5/*.5; do
  lint=$(mandoc -Tlint -W style -m "$mp" "$page" 2>&1 || true)
  # References to other packages' pages (crontab(5) without cron installed)
  # are the only message we accept; mandoc also mutters about the system's
  # own mandoc.db.
  lint=$(awk '!/outdated mandoc\.db/ && !(/referenced manual not found: Xr / && !/Xr acmectl/)' \
    <<<"$lint")
  [[ -z $lint ]] || fail "mandoc -Tlint $(basename "$page"):"$'\n'"$lint"
  warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$page" 2>&1 >/dev/null || true)
  [[ -z $warnings ]] || fail "man --warnings $(basename "$page"):"$'\n'"$warnings"
done

# --- hand-written text that must agree with behaviour -------------------------
page_text() { # PAGE: rendered, hyphens plain, one line per paragraph
  LC_ALL=C.UTF-8 MANWIDTH=1000 man -E ascii -l "$REPO_ROOT/man/$1" 2>/dev/null | sed 's/  */ /g'
}
expiry=$(page_text acmectl-expiry.1)
expect_match "$expiry" "CRITICAL: at least one .* could not be reached" "expiry(1): unreachable is CRITICAL"
issue=$(page_text acmectl-issue.1)
for v in ACMECTL_DNS_FQDN ACMECTL_DNS_VALUE ACMECTL_DOMAIN; do
  expect_contains "$issue" "$v" "issue(1): the dns-01 hook environment"
done
expect_match "$issue" "command add fqdn value" "issue(1): the dns-01 hook call"
renew=$(page_text acmectl-renew.1)
for k in '"name"' '"domains"' '"error"' '"consecutive_failures"' '"not_after"'; do
  expect_contains "$renew" "$k" "renew(1): the failure report's JSON"
done
conf=$(page_text acmectl.conf.5)
expect_match "$conf" "a bad key-type stops register and issue, while renew, check and expiry" \
  "acmectl.conf(5): an invalid key-type"
expect_contains "$(page_text acmectl.1)" "one JSON object per line" "acmectl(1): expiry --json"
description=$(sed -n '/CPACK_DEBIAN_PACKAGE_DESCRIPTION/,/)$/p' "$REPO_ROOT/cmake/Packaging.cmake")
expect_contains "$description" "dns-01" ".deb description"
expect_contains "$description" "tls-alpn-01" ".deb description"
