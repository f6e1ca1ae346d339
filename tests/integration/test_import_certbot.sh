#!/usr/bin/env bash
# import --from-certbot with a tree built by real certbot against Pebble:
# standalone, webroot and manual dns-01 hook lineages, pre/post/deploy hooks;
# a dry run first, then --apply; idempotent; certbot's folder never changes;
# a DNS plugin is listed with what to do instead; the imported account is the
# same account at the CA (renew --dry-run works with it, no registration).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/dns_hook_lib.sh"

command -v certbot >/dev/null || fail "certbot is not installed (scripts/bootstrap installs it)"
LE=$TEST_TMP/letsencrypt
export REQUESTS_CA_BUNDLE=$CA # certbot trusts Pebble's HTTPS through requests
CB=(certbot certonly --config-dir "$LE" --work-dir "$TEST_TMP/cb-work" --logs-dir "$TEST_TMP/cb-logs"
  --server "$SERVER" --non-interactive --agree-tos -m ops@example.com)
cb() { expect_exit 0 timeout 120 "${CB[@]}" "$@"; }

cat >"$TEST_TMP/deploy.sh" <<SH
#!/bin/sh
echo "deployed \$RENEWED_LINEAGE" >>'$TEST_TMP/deploy.log'
SH
# certbot's manual hooks: everything comes from CERTBOT_* (no arguments)
cat >"$TEST_TMP/auth.sh" <<SH
#!/bin/sh
echo "auth \$CERTBOT_DOMAIN \$CERTBOT_VALIDATION \$# \${CERTBOT_TOKEN:-none}" >>'$TEST_TMP/manual.log'
curl -fsS --max-time 5 -X POST -d "{\"host\":\"_acme-challenge.\$CERTBOT_DOMAIN.\",\"value\":\"\$CERTBOT_VALIDATION\"}" '$DNS_MGMT_URL/set-txt'
SH
cat >"$TEST_TMP/cleanup.sh" <<SH
#!/bin/sh
echo "cleanup \$CERTBOT_DOMAIN" >>'$TEST_TMP/manual.log'
curl -fsS --max-time 5 -X POST -d "{\"host\":\"_acme-challenge.\$CERTBOT_DOMAIN.\"}" '$DNS_MGMT_URL/clear-txt'
SH
chmod +x "$TEST_TMP"/*.sh

cb --standalone --http-01-port "$HTTP_PORT" -d a.import.example -d www.a.import.example \
  --deploy-hook "$TEST_TMP/deploy.sh" --pre-hook "echo pre >>$TEST_TMP/pre.log" \
  --post-hook "echo post >>$TEST_TMP/post.log"
cb --manual --preferred-challenges dns --manual-auth-hook "$TEST_TMP/auth.sh" \
  --manual-cleanup-hook "$TEST_TMP/cleanup.sh" -d c.import.example
www=$TEST_TMP/www
mkdir -p "$www"
start_http_server "$www" "$HTTP_PORT"
cb --webroot -w "$www" -d b.import.example --key-type rsa --rsa-key-size 2048 \
  --pre-hook "echo pre >>$TEST_TMP/pre.log"
# a lineage of a DNS plugin acmectl does not have (same files as a, other authenticator)
cp -a "$LE/live/a.import.example" "$LE/live/d.import.example"
sed 's/^authenticator = .*/authenticator = dns-cloudflare/' "$LE/renewal/a.import.example.conf" \
  >"$LE/renewal/d.import.example.conf"
account_id=$(basename "$(dirname "$(find "$LE/accounts" -name regr.json)")")
account_url=$(jq -r .uri "$(find "$LE/accounts" -name regr.json)")

tree_state() { (cd "$LE" && find . -printf '%p %m %s %T@ %l\n' | sort && find . -type f -exec sha256sum {} + | sort); }
before=$(tree_state)
I=("$ACMECTL" import --home "$HOME_DIR" --from-certbot "$LE")

# dry run: says what it would do, writes nothing
expect_exit 0 "${I[@]}"
expect_contains "$OUT" "lineage a.import.example: would import" "dry run"
expect_contains "$OUT" "Dry run: nothing was written" "dry run"
expect_no_path "$HOME_DIR/certs"
expect_no_path "$HOME_DIR/accounts"

expect_exit 0 "${I[@]}" --apply --json
expect_eq "$(json '.accounts[0].status')" import "account status"
expect_eq "$(json '.accounts[0].url')" "$account_url" "account URL"
expect_eq "$(json '.accounts[0].certbot_id')" "$account_id" "certbot account id"
lin() { json ".lineages[] | select(.name == \"$1\") | $2"; }
for n in a b c d; do
  expect_eq "$(lin $n.import.example .status)" import "status of $n"
done
expect_eq "$(lin a.import.example '.domains | join(" ")')" "a.import.example www.a.import.example" "domains of a"
expect_eq "$(lin a.import.example .solver)" standalone "solver of a"
expect_eq "$(lin b.import.example .solver)" webroot "solver of b"
expect_eq "$(lin b.import.example .key_type)" rsa2048 "key type of b"
expect_eq "$(lin c.import.example .solver)" dns-hook "solver of c"
expect_eq "$(lin a.import.example '.deploy_hooks | join(",")')" "$TEST_TMP/deploy.sh" "deploy hook of a"
expect_contains "$(lin d.import.example '.unmapped | join(" ")')" "dns-cloudflare" "DNS plugin listed"
expect_contains "$(lin d.import.example '.unmapped | join(" ")')" "--dns-hook" "what to do instead"
expect_eq "$(json '[.hooks[] | select(.kind == "pre")] | length')" 1 "one pre hook for the same line"
expect_eq "$(json '[.hooks[] | select(.kind == "post")] | length')" 1 "post hook"
expect_eq "$(tree_state)" "$before" "certbot's folder after import"

# what is in the store: the same account (URL, key), the same certificate and key
expect_eq "$(jq -r .url "$ACCOUNT_DIR/account.json")" "$account_url" "account.json url"
expect_file_mode "$ACCOUNT_DIR/key.pem" 0600
dir=$(lineage_dir b.import.example)
cmp -s "$dir/versions/1/cert.pem" "$LE/live/b.import.example/cert.pem" || fail "cert.pem differs"
expect_eq "$(key_pubkey "$dir/current/privkey.pem")" "$(key_pubkey "$LE/live/b.import.example/privkey.pem")" "privkey"
expect_file_mode "$dir/current/privkey.pem" 0600
expect_eq "$(jq -r .solver.webroot "$dir/config.json")" "$www" "webroot"
expect_eq "$(jq -r .solver.http_port "$(lineage_dir a.import.example)/config.json")" "$HTTP_PORT" "http01_port"

# idempotent
expect_exit 0 "${I[@]}" --apply --json
expect_eq "$(json '[.lineages[] | select(.status == "exists")] | length')" 4 "lineages the second time"
expect_eq "$(json '.accounts[0].status')" exists "account the second time"
expect_eq "$(json '[.hooks[] | select(.status != "exists")] | length')" 0 "hooks the second time"

# renew --dry-run against the CA with the imported account (no registration)
R=("$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --dry-run --force --json)
expect_exit 0 "${R[@]}" --name b.import.example --name c.import.example
expect_eq "$(json '[.lineages[] | select(.action == "renewed")] | length')" 2 "renewed b and c"
expect_contains "$(cat "$TEST_TMP/manual.log")" "auth c.import.example " "auth hook ran"
expect_match "$(tail -n 2 "$TEST_TMP/manual.log" | head -n 1)" "^auth c\.import\.example [A-Za-z0-9_-]{43} 0 none$" \
  "auth hook env from acmectl"
expect_contains "$(tail -n 1 "$TEST_TMP/manual.log")" "cleanup c.import.example" "cleanup hook ran"
