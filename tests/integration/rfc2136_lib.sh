# Sourced (after lib.sh) by the --dns-rfc2136 cases. It starts, in TEST_TMP
# and stopped at exit:
#   - named (Debian's bind9) in the foreground on 127.0.0.1:$NAMED_PORT,
#     authoritative for $ZONE, accepting updates signed with $TSIG_KEY
#     (made by tsig-keygen; $WRONG_KEY has the same name and another secret);
#   - a Pebble of this case's own on 14004 ($RFC_SERVER, CA bundle $RFC_CA)
#     whose resolver is that named, so it validates dns-01 there.
# and gives:
#   txt_at_named FQDN    the TXT strings named serves for FQDN, one a line
# shellcheck shell=bash

ZONE=rfc2136.test
NAMED_PORT=8083
NAMED_ADDR=127.0.0.1:$NAMED_PORT
TSIG_KEY=$TEST_TMP/named/acme-key.conf
WRONG_KEY=$TEST_TMP/wrong-key.conf

for tool in named tsig-keygen nsupdate dig; do
  command -v "$tool" >/dev/null || fail "$tool not found (run scripts/bootstrap: bind9, bind9-dnsutils)"
done

_start_named() {
  local dir=$TEST_TMP/named pid i
  mkdir -p "$dir"
  tsig-keygen -a hmac-sha256 acme-key >"$TSIG_KEY"
  tsig-keygen -a hmac-sha256 acme-key >"$WRONG_KEY"
  cat >"$dir/$ZONE.db" <<ZONEFILE
\$TTL 60
@   IN SOA ns.$ZONE. hostmaster.$ZONE. 1 60 60 600 60
@   IN NS  ns.$ZONE.
ns  IN A   127.0.0.1
ZONEFILE
  cat >"$dir/named.conf" <<CONF
include "$TSIG_KEY";
options {
  directory "$dir";
  pid-file "$dir/named.pid";
  session-keyfile "$dir/session.key";
  managed-keys-directory "$dir";
  listen-on port $NAMED_PORT { 127.0.0.1; };
  listen-on-v6 { none; };
  recursion no;
  dnssec-validation no;
  allow-query { any; };
};
controls { };
zone "$ZONE" {
  type primary;
  file "$dir/$ZONE.db";
  allow-update { key acme-key; };
};
CONF
  # -g: foreground, log to stderr; as whoever runs the test (root included:
  # everything named writes is in $dir). timeout is a net if we are killed.
  timeout --kill-after=5 600 named -g -c "$dir/named.conf" </dev/null >"$dir/named.log" 2>&1 &
  pid=$!
  on_exit "_stop_pid $pid"
  for ((i = 0; i < 100; i++)); do # at most ~10 s
    if dig +time=1 +tries=1 +short -p "$NAMED_PORT" @127.0.0.1 SOA "$ZONE" | grep -q .; then
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || fail "named exited: $(tail -n 20 "$dir/named.log")"
    sleep 0.1
  done
  fail "named did not answer on $NAMED_ADDR within 10 s: $(tail -n 20 "$dir/named.log")"
}

_start_pebble() {
  local own=$PEBBLE_DIR/rfc2136 # under PEBBLE_DIR: the fixture's pebble-down stops it too
  on_exit "bash '$REPO_ROOT/scripts/pebble-down' '$own'"
  ACMECTL_PEBBLE_PORT=14004 ACMECTL_PEBBLE_MGMT_PORT=15004 ACMECTL_PEBBLE_DNS_SERVER=$NAMED_ADDR \
    ACMECTL_PEBBLE_MAX_SECONDS=600 \
    bash "$REPO_ROOT/scripts/pebble-up" "$own" >/dev/null || fail "pebble-up $own failed"
  RFC_SERVER=https://127.0.0.1:14004/dir
  RFC_CA=$own/ca.pem
}

txt_at_named() { # FQDN
  dig +time=2 +tries=2 +short -p "$NAMED_PORT" @127.0.0.1 TXT "$1" | tr -d '"'
}

_start_named
_start_pebble
