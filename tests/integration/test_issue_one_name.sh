#!/usr/bin/env bash
# issue one name: a complete lineage (versions/1, current, config.json) and JSON.
source "$(dirname "$0")/lib.sh"

register_account
expect_exit 0 "${ISSUE[@]}" -d one.issue.example
name=$(json .name)
expect_issued "$name" 1
dir=$(lineage_dir "$name")
cert=$dir/versions/1/cert.pem
expect_eq "$(json '.domains | join(",")')" one.issue.example "domains"
expect_eq "$(cert_sans "$cert")" one.issue.example "SANs of cert.pem"
expect_eq "$(cat "$cert" "$dir/versions/1/chain.pem")" "$(cat "$dir/versions/1/fullchain.pem")" \
  "fullchain.pem vs cert.pem + chain.pem"
# Servers must be pointed at current/ (it follows renewals), never versions/N/.
for p in cert chain fullchain privkey; do
  file=$(json ".paths.$p")
  expect_eq "$file" "$dir/current/$p.pem" "paths.$p"
  cmp -s "$file" "$dir/versions/1/$p.pem" || fail "paths.$p ($file) is not versions/1/$p.pem"
done

serial=$(openssl x509 -in "$cert" -noout -serial | cut -d= -f2)
norm() { tr -d ':' | tr 'A-F' 'a-f' | sed 's/^0*//'; }
expect_eq "$(json .serial | norm)" "$(norm <<<"$serial")" "serial"
issuer=$(openssl x509 -in "$cert" -noout -issuer)
expect_contains "$issuer" "$(json .issuer | sed 's/^.*CN *= *//')" "issuer of cert.pem"
not_after=$(openssl x509 -in "$cert" -noout -enddate | cut -d= -f2)
expect_eq "$(date -u -d "$(json .not_after)" +%s)" "$(date -u -d "$not_after" +%s)" "not_after"
lifetime=$(($(date -u -d "$(json .not_after)" +%s) - $(date -u -d "$(json .not_before)" +%s)))
((lifetime > 89 * 86400 && lifetime <= 90 * 86400)) || fail "lifetime ${lifetime}s, want 90 days"
[[ $(json .elapsed_ms) =~ ^[0-9]+$ ]] || fail "elapsed_ms is not a count of ms"
