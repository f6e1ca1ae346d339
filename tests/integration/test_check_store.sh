#!/usr/bin/env bash
# check on a store made by real issuance, then damaged on purpose: each
# damage is reported with the right severity and exit code.
source "$(dirname "$0")/lib.sh"

C=("$ACMECTL" check --home "$HOME_DIR")
register_account
for n in healthy keyswap nochain loose failing chainswap renamed; do
  expect_exit 0 "${ISSUE[@]}" -d "$n.check.example" --name "$n"
done
expect_exit 0 "${C[@]}"
expect_exit 0 "${C[@]}" --json
expect_eq "$(json .status)" OK "all healthy"
expect_eq "$(json '.lineages | length')" 7 "lineages"
# renew (nothing due) keeps what check verifies of each version in state.json
# (issue #20); check believes it only for files byte for byte the same, so
# every damage below must still be found.
expect_exit 0 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" -q
for n in healthy keyswap chainswap renamed; do
  expect_eq "$(jq -r '.cert.files | "\(.rules) \(.chain_issued_leaf) \(.key_matches) \(.sans[0])"' \
    "$(lineage_dir "$n")/state.json")" "1 true true $n.check.example" "$n: verdict kept in state.json"
done
expect_exit 0 "${C[@]}" --json
expect_eq "$(json .status)" OK "all healthy from the kept verdicts"
# 90-day certificates: --warn-days 100 makes them all WARNING, --crit-days 100 CRITICAL
expect_exit 1 "${C[@]}" healthy --warn-days 100
expect_exit 2 "${C[@]}" healthy --warn-days 100 --crit-days 100

cur() { printf '%s\n' "$(lineage_dir "$1")/current"; }
# keyswap: another key in place of privkey.pem
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$TEST_TMP/other.pem" 2>/dev/null
cp "$TEST_TMP/other.pem" "$(cur keyswap)/privkey.pem"
# nochain: chain.pem removed
rm "$(cur nochain)/chain.pem"
# loose: key readable by everyone
chmod 0644 "$(cur loose)/privkey.pem"
# failing: renewals keep failing, certificate still valid
printf '{"consecutive_failures":3,"last_attempt":"%s","last_error":"rate limited"}\n' \
  "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$(lineage_dir failing)/state.json"
# chainswap: chain.pem (and fullchain's tail) is another lineage's leaf
cp "$(cur healthy)/cert.pem" "$(cur chainswap)/chain.pem"
cat "$(cur chainswap)/cert.pem" "$(cur healthy)/cert.pem" > "$TEST_TMP/full.pem"
cp "$TEST_TMP/full.pem" "$(cur chainswap)/fullchain.pem"
# renamed: config.json names a domain the certificate does not
jq '.domains += ["extra.check.example"]' "$(lineage_dir renamed)/config.json" > "$TEST_TMP/c.json"
cp "$TEST_TMP/c.json" "$(lineage_dir renamed)/config.json"

expect_exit 2 "${C[@]}" --json
status_of() { json ".lineages[] | select(.name == \"$1\") | .status"; }
findings_of() { json "[.lineages[] | select(.name == \"$1\") | .findings[].message] | join(\"; \")"; }
expect_eq "$(status_of healthy)" OK "healthy"
expect_eq "$(status_of keyswap)" CRITICAL "keyswap"
expect_contains "$(findings_of keyswap)" "privkey.pem does not match cert.pem" "keyswap finding"
expect_eq "$(status_of nochain)" CRITICAL "nochain"
expect_contains "$(findings_of nochain)" "chain.pem" "nochain finding"
expect_eq "$(status_of loose)" CRITICAL "loose"
expect_contains "$(findings_of loose)" "mode 0644" "loose finding"
expect_eq "$(status_of failing)" WARNING "failing"
expect_contains "$(findings_of failing)" "3 renewal failure(s) in a row, last: rate limited" "failing finding"
expect_eq "$(status_of chainswap)" CRITICAL "chainswap"
expect_contains "$(findings_of chainswap)" "chain.pem did not issue cert.pem" "chainswap finding"
expect_eq "$(status_of renamed)" CRITICAL "renamed"
expect_contains "$(findings_of renamed)" "cert.pem does not name extra.check.example" "renamed finding"

expect_exit 1 "${C[@]}" failing healthy
expect_exit 1 "${C[@]}" failing --format nagios
expect_match "$OUT" "^CHECK WARNING - 2? ?[0-9]+ lineage\(s\).* \| 'failing'=[0-9]+;21;7$" "nagios line"
expect_exit 2 "${C[@]}" --format prometheus
bad=$(grep -Evc '^(# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+|[a-zA-Z_:][a-zA-Z0-9_:]*\{name="[^"\\]*"\} -?[0-9]+)$' <<<"$OUT" || true)
expect_eq "$bad" 0 "prometheus lines outside the exposition grammar"
expect_contains "$OUT" 'acmectl_lineage_status{name="keyswap"} 2' "prometheus status"
expect_contains "$OUT" 'acmectl_lineage_consecutive_failures{name="failing"} 3' "prometheus failures"
expect_exit 3 "${C[@]}" nosuch
expect_contains "$ERR" "no lineage named 'nosuch'" "unknown lineage"
