#!/usr/bin/env bash
# A CA whose directory nests JSON 200,000 levels deep (400 KB, under the body
# cap) once crashed acmectl (stack overflow copying meta.profiles): now it is
# one clean line naming the problem, exit 1, nothing written.
export PEBBLE_DIR=${PEBBLE_DIR:-/nonexistent} # lib.sh wants it; this case needs no Pebble
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/expiry_servers.sh"

make_root root
make_cert ca root 127.0.0.1 "IP:127.0.0.1" "-1 hour" "+30 days"
port=$(closed_port)
base=https://127.0.0.1:$port # ACME directories are https only (RFC 8555 section 6.1)
mkdir -p "$TEST_TMP/www"
python3 - "$base" >"$TEST_TMP/www/dir" <<'PY'
import sys
base = sys.argv[1]
deep = "[" * 200000 + "]" * 200000
print('{"newNonce":"%s/nonce","newAccount":"%s/acct","newOrder":"%s/order",'
      '"meta":{"profiles":{"deep":%s}}}' % (base, base, base, deep))
PY
# python3's http.server over TLS; timeout is a net if this script is killed.
timeout --kill-after=5 120 python3 -c '
import http.server, os, ssl, sys
os.chdir(sys.argv[1])
srv = http.server.HTTPServer(("127.0.0.1", int(sys.argv[2])), http.server.SimpleHTTPRequestHandler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[3], sys.argv[4])
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
srv.serve_forever()
' "$TEST_TMP/www" "$port" "$PKI/ca.pem" "$PKI/ca.key" </dev/null >"$TEST_TMP/https.log" 2>&1 &
server_pid=$!
on_exit "_stop_pid $server_pid"
for ((i = 0; i < 100; i++)); do # at most ~10 s
  curl -s --max-time 1 --cacert "$PKI/root.pem" -o /dev/null "$base/dir" && break
  kill -0 "$server_pid" 2>/dev/null || fail "https server exited: $(cat "$TEST_TMP/https.log")"
  sleep 0.1
done

expect_exit 1 "$ACMECTL" register --home "$HOME_DIR" --server "$base/dir" --ca-bundle "$PKI/root.pem" \
  --agree-tos --email ops@example.com
expect_one_line "$ERR" "stderr"
expect_contains "$ERR" "the CA sent a malformed directory: JSON nested deeper than 64 levels" "stderr"
expect_no_path "$HOME_DIR/accounts"
