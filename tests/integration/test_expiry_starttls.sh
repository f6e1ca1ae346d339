#!/usr/bin/env bash
# --starttls smtp, imap, pop3, ftp, postgres, xmpp and ldap against a python3
# responder that speaks each greeting and upgrade: OK (0), verified. A server
# that refuses the upgrade: CRITICAL (2), error_kind starttls. TLS straight
# at a plaintext port: error_kind handshake.
export PEBBLE_DIR=${PEBBLE_DIR:-/nonexistent} # lib.sh wants it; these cases need no Pebble
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/expiry_servers.sh"

make_root root
make_cert leaf root localhost DNS:localhost "-1 day" "+60 days"
protocols=smtp,imap,pop3,ftp,postgres,xmpp,ldap
start_py starttls --cert "$PKI/leaf.pem" --key "$PKI/leaf.key" --protocols "$protocols"
((${#PORTS[@]} == 7)) || fail "responder gave ${#PORTS[@]} ports, want 7"

for entry in "${PORTS[@]}"; do
  read -r protocol port <<<"$entry"
  expect_exit 0 "$ACMECTL" expiry --json --timeout 5 --ca-bundle "$PKI/root.pem" \
    --starttls "$protocol" "localhost:$port"
  expect_eq "$(json .status)" OK "$protocol status"
  expect_eq "$(json .verified)" true "$protocol verified"
  expect_eq "$(json .subject)" "CN=localhost" "$protocol subject"
done

start_py starttls --refuse --cert "$PKI/leaf.pem" --key "$PKI/leaf.key" --protocols smtp,imap,ldap,xmpp
for entry in "${PORTS[@]}"; do
  read -r protocol port <<<"$entry"
  expect_exit 2 "$ACMECTL" expiry --json --timeout 5 --ca-bundle "$PKI/root.pem" \
    --starttls "$protocol" "localhost:$port"
  expect_eq "$(json .ok)" false "refused $protocol ok"
  expect_eq "$(json .error_kind)" starttls "refused $protocol error_kind"
  expect_match "$(json .error)" 'refused|not offer' "refused $protocol error"
  expect_eq "$(json .status)" CRITICAL "refused $protocol status"
done

# Without --starttls the SMTP greeting is not TLS.
read -r _ port <<<"${PORTS[0]}"
expect_exit 2 "$ACMECTL" expiry --json --timeout 5 --ca-bundle "$PKI/root.pem" "localhost:$port"
expect_eq "$(json .error_kind)" handshake "error_kind of TLS at a plaintext port"
