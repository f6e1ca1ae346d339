#!/usr/bin/env bash
# etcds:// against a real etcd that speaks only TLS and demands client
# certificates (--client-cert-auth), all made here with openssl: issue and
# renew through it with --store-ca/--store-cert/--store-key; a wrong CA, a
# missing client certificate or a certificate from another CA each give one
# clear line naming the option to fix, exit 75 like any store that cannot be
# reached, and write nothing; a client key that is not the certificate's is
# refused before any request (exit 1); an etcd whose own server certificate
# lacks clientAuth (its JSON gateway then cannot call it) is named as such.
source "$(dirname "$0")/lib.sh"

PKI=$TEST_TMP/pki
mkdir -p "$PKI"
make_ca() { # NAME: a throwaway self-signed CA in PKI/NAME.{pem,key}
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj "/CN=$1" -keyout "$PKI/$1.key" -out "$PKI/$1.pem" 2>/dev/null ||
    fail "openssl: cannot make CA $1"
}
make_cert() { # NAME CA EXT: a P-256 certificate signed by CA with extensions EXT
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$1" \
    -keyout "$PKI/$1.key" -out "$PKI/$1.csr" 2>/dev/null || fail "openssl: CSR $1"
  printf '%s\n' "$3" >"$PKI/$1.ext"
  openssl x509 -req -in "$PKI/$1.csr" -CA "$PKI/$2.pem" -CAkey "$PKI/$2.key" \
    -CAcreateserial -days 2 -extfile "$PKI/$1.ext" -out "$PKI/$1.pem" 2>/dev/null ||
    fail "openssl: cannot sign $1"
  chmod 600 "$PKI/$1.key"
}
make_ca etcd-ca
make_ca other-ca
# etcd's JSON gateway dials etcd's own gRPC port with the server certificate
# as its client certificate, so under --client-cert-auth it needs clientAuth too.
make_cert server etcd-ca $'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth'
make_cert node1 etcd-ca 'extendedKeyUsage=clientAuth'
make_cert stranger other-ca 'extendedKeyUsage=clientAuth'
make_cert server-only etcd-ca $'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth'

ETCD_SCHEME=https
ETCD_ARGS=(--cert-file "$PKI/server.pem" --key-file "$PKI/server.key" --client-cert-auth
  --trusted-ca-file "$PKI/etcd-ca.pem")
ETCD_CURL_ARGS=(--cacert "$PKI/etcd-ca.pem" --cert "$PKI/node1.pem" --key "$PKI/node1.key")
ETCDCTL_ARGS=(--cacert "$PKI/etcd-ca.pem" --cert "$PKI/node1.pem" --key "$PKI/node1.key")
source "$(dirname "$0")/etcd_lib.sh"
expect_contains "$STORE" "etcds://127.0.0.1:" "store URL"
etcd_keys() { etcdctl --endpoints="$ETCD_URL" "${ETCDCTL_ARGS[@]}" get --prefix /acme/ --keys-only; }

TLS=(--store-ca "$PKI/etcd-ca.pem" --store-cert "$PKI/node1.pem" --store-key "$PKI/node1.key")
S=(--store "$STORE" --store-key-file "$FLEET_KEY" "${TLS[@]}")
register_account "${S[@]}"
expect_exit 0 "${ISSUE[@]}" "${S[@]}" -d tls.etcd.example --name tls
expect_exit 0 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --force "${S[@]}" --json
expect_eq "$(json '.lineages[0].action')" renewed "renew outcome over etcds://"
expect_exit 0 etcdctl --endpoints="$ETCD_URL" "${ETCDCTL_ARGS[@]}" get /acme/certs/tls/current \
  --print-value-only
expect_eq "$OUT" 2 "etcd current"
expect_exit 0 "$ACMECTL" store status "${S[@]}"
expect_contains "$OUT" "https://127.0.0.1:$ETCD_PORT" "store status"
expect_contains "$OUT" "lineages: 1" "store status"
keys_before=$(etcd_keys)

renew_with() { # CODE TLS-ARGS...: a forced renewal with these TLS options
  local code=$1
  shift
  expect_exit "$code" "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --force \
    --store "$STORE" --store-key-file "$FLEET_KEY" "$@"
}

# etcd's certificate does not chain to --store-ca: one line that says so and
# names the option to fix, 75 (the store cannot be reached), nothing written.
renew_with 75 --store-ca "$PKI/other-ca.pem" --store-cert "$PKI/node1.pem" \
  --store-key "$PKI/node1.key"
expect_one_line "$ERR" "wrong CA error"
expect_contains "$ERR" "https://127.0.0.1:$ETCD_PORT" "wrong CA error"
expect_contains "$ERR" "--store-ca" "wrong CA error"
expect_not_contains "$ERR" "--ca-bundle" "wrong CA error"
# Without --store-ca the system roots do not know the throwaway CA either.
renew_with 75 --store-cert "$PKI/node1.pem" --store-key "$PKI/node1.key"
expect_contains "$ERR" "--store-ca" "no CA error"

# No client certificate: etcd ends the handshake; the message says to give one.
renew_with 75 --store-ca "$PKI/etcd-ca.pem"
expect_one_line "$ERR" "missing client certificate error"
expect_contains "$ERR" "--store-cert" "missing client certificate error"
# A client certificate of another CA is refused the same way.
renew_with 75 --store-ca "$PKI/etcd-ca.pem" --store-cert "$PKI/stranger.pem" \
  --store-key "$PKI/stranger.key"
expect_contains "$ERR" "--store-cert" "foreign client certificate error"
# A key that is not the certificate's, or none: a local mistake (exit 1),
# found before any request, not reported as an unreachable etcd.
renew_with 1 --store-ca "$PKI/etcd-ca.pem" --store-cert "$PKI/node1.pem" \
  --store-key "$PKI/stranger.key"
expect_one_line "$ERR" "mismatched client key error"
expect_contains "$ERR" "--store-key $PKI/stranger.key is not the private key of --store-cert" \
  "mismatched client key error"
renew_with 1 --store-ca "$PKI/etcd-ca.pem" --store-cert "$PKI/node1.pem"
expect_contains "$ERR" "give --store-key" "client certificate without key error"
renew_with 1 --store-ca "$PKI/etcd-ca.pem" --store-cert "$PKI/node1.pem" \
  --store-key "$PKI/etcd-ca.pem"
expect_one_line "$ERR" "unreadable client key error"

# Plain etcd:// to a TLS-only member fails clearly too, not as a hang.
expect_exit 75 "$ACMECTL" store ls --home "$HOME_DIR" \
  --store "etcd://127.0.0.1:$ETCD_PORT/acme" --store-key-file "$FLEET_KEY"
expect_one_line "$ERR" "plain etcd:// to TLS error"
expect_contains "$ERR" "etcds://" "plain etcd:// to TLS error"

expect_eq "$(etcd_keys)" "$keys_before" "etcd keys after the refused runs"
# And the right options still work afterwards.
renew_with 0 "${TLS[@]}"
expect_exit 0 etcdctl --endpoints="$ETCD_URL" "${ETCDCTL_ARGS[@]}" get /acme/certs/tls/current \
  --print-value-only
expect_eq "$OUT" 3 "etcd current after the last renewal"

# etcd restarted with a server certificate lacking clientAuth: etcdctl (gRPC)
# still works, but etcd's JSON gateway cannot call etcd; the message says why.
_stop_pid "$ETCD_PID"
ETCD_ARGS=(--cert-file "$PKI/server-only.pem" --key-file "$PKI/server-only.key" --client-cert-auth
  --trusted-ca-file "$PKI/etcd-ca.pem")
start_etcd
renew_with 75 "${TLS[@]}"
expect_one_line "$ERR" "server certificate without clientAuth error"
expect_contains "$ERR" "needs extendedKeyUsage clientAuth" "server certificate without clientAuth error"
