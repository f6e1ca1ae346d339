#!/usr/bin/env bash
# --sni-dir with a real nginx that reads DIR/$ssl_server_name/ at each
# handshake (through a map for the wildcard's _wildcard.<domain> entry): a
# lineage with two names and one with a wildcard are served after issue;
# after `renew --force` (sni-dir from acmectl.conf) `acmectl expiry` sees
# every new serial with no reload of nginx; a deleted lineage's names leave
# the folder at the next renew; bad input changes nothing.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/served_nginx.sh"
source "$(dirname "$0")/dns_hook_lib.sh"

SNI=$TEST_TMP/sni
A=a.sni.example
B=b.sni.example
WILD=wild.sni.example
GONE=gone.sni.example
P=$(loopback_ports 1)
ROOT=$TEST_TMP/pebble-root.pem
hook=$TEST_TMP/dns-hook.sh
write_dns_hook "$hook"
on_exit "clear_txt _acme-challenge.$WILD"

served_serial() { # SNI: the serial nginx serves for that name, as acmectl expiry reads it
  expect_exit 0 "$ACMECTL" expiry --json --ca-bundle "$ROOT" "127.0.0.1:$P" --sni "$1"
  expect_eq "$(json .verified)" true "verified for $1"
  json .serial
}

current_serial() { # LINEAGE
  openssl x509 -in "$(lineage_dir "$1")/current/cert.pem" -noout -serial | cut -d= -f2 |
    tr 'A-F' 'a-f'
}

register_account
pebble_root "$ROOT"

# Issue: each run brings the folder up to date.
expect_exit 0 "${ISSUE[@]}" -d $A -d $B --name two --sni-dir "$SNI"
expect_eq "$(json .sni.linked | jq -r 'sort | join(" ")')" "$A $B" "issue: linked"
expect_exit 0 "${ISSUE[@]}" -d $GONE --name gone --sni-dir "$SNI"
expect_exit 0 "$ACMECTL" issue --home "$HOME_DIR" --server "$SERVER" --ca-bundle "$CA" --json \
  -d "*.$WILD" --name wild --dns-hook "$hook" --dns-resolver "$DNS_SERVER" --sni-dir "$SNI"
expect_eq "$(json '.sni.linked | join(" ")')" "_wildcard.$WILD" "issue: wildcard entry"
expect_eq "$(json '.sni.entries')" 4 "entries after three lineages"
for entry in $A $B $GONE _wildcard.$WILD; do
  [[ -L $SNI/$entry ]] || fail "$SNI/$entry is not a link"
  expect_file "$SNI/$entry/fullchain.pem"
  expect_file_mode "$SNI/$entry/privkey.pem" 600
done
expect_eq "$(readlink "$SNI/$A")" "$(readlink "$SNI/$B")" "both names share one pair"
cmp -s "$SNI/$A/fullchain.pem" "$(lineage_dir two)/current/fullchain.pem" ||
  fail "the entry is not the current fullchain"

# nginx finds the files through $ssl_server_name; a wildcard through the map.
nginx_http_conf "    map \$ssl_server_name \$sni_entry {
        hostnames;
        default \$ssl_server_name;
        \"\" $A;
        *.$WILD _wildcard.$WILD;
    }"
nginx_server "127.0.0.1:$P" "$SNI/\$sni_entry/fullchain.pem" "$SNI/\$sni_entry/privkey.pem"
start_nginx
nginx_pid=$(cat "$NGINX_PREFIX/nginx.pid")

declare -A before
for sni in $A $B $GONE foo.$WILD; do
  before[$sni]=$(served_serial "$sni")
done
expect_eq "${before[$A]}" "$(current_serial two)" "serial of $A"
expect_eq "${before[$B]}" "$(current_serial two)" "serial of $B"
expect_eq "${before[foo.$WILD]}" "$(current_serial wild)" "serial of foo.$WILD"

# renew --force, the folder named by acmectl.conf, one lineage deleted first.
expect_exit 0 "$ACMECTL" delete --home "$HOME_DIR" --yes gone
printf 'sni-dir = "%s"\n' "$SNI" >"$HOME_DIR/acmectl.conf"
expect_exit 0 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --force --json
expect_eq "$(json '.totals.renewed')" 2 "renewed"
expect_eq "$(json '.sni.linked | sort | join(" ")')" "_wildcard.$WILD $A $B" "renew: switched"
expect_eq "$(json '.sni.removed | join(" ")')" "$GONE" "renew: removed"
expect_eq "$(json '.sni.problems | length')" 0 "renew: problems"
expect_no_path "$SNI/$GONE"
expect_no_path "$SNI/.versions/gone"

for sni in $A $B foo.$WILD; do
  after=$(served_serial "$sni")
  [[ $after != "${before[$sni]}" ]] || fail "$sni: still the old serial ${before[$sni]}"
done
expect_eq "$(served_serial $A)" "$(current_serial two)" "new serial of $A"
expect_eq "$(served_serial bar.$WILD)" "$(current_serial wild)" "new serial of bar.$WILD"
expect_eq "$(cat "$NGINX_PREFIX/nginx.pid")" "$nginx_pid" "nginx master (never restarted)"
if grep -q "reconfiguring" "$NGINX_PREFIX/logs/error.log"; then
  fail "nginx was reloaded"
fi
# The deleted name is served by nobody now (no entry: the handshake fails).
expect_exit 2 "$ACMECTL" expiry --json --ca-bundle "$ROOT" "127.0.0.1:$P" --sni "$GONE"

# A second renew with nothing due leaves every link as it is.
links=$(ls -l "$SNI")
expect_exit 0 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA"
expect_eq "$(ls -l "$SNI")" "$links" "links after a renew with nothing due"

# Bad input: an entry the operator made stays, named on one line, exit 1,
# the certificate saved all the same.
rm "$SNI/$B" && mkdir "$SNI/$B"
expect_exit 1 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --force --name two -q
expect_one_line "$ERR" "stderr"
expect_contains "$ERR" "SNI folder $SNI: $B: $SNI/$B is not acmectl's link: left alone" "error"
[[ -d $SNI/$B && ! -L $SNI/$B ]] || fail "the operator's folder was touched"
expect_eq "$(served_serial $A)" "$(current_serial two)" "$A after the refused entry"
# A folder that cannot be made: one line, the renewal stands.
expect_exit 1 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --sni-dir /proc/nope -q
expect_one_line "$ERR" "stderr"
expect_contains "$ERR" "SNI folder /proc/nope: cannot create folder /proc/nope" "error"
