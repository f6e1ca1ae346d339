#!/usr/bin/env bash
# A CA whose directory nests JSON 200,000 levels deep (400 KB, under the body
# cap) once crashed acmectl (stack overflow copying meta.profiles): now it is
# one clean line naming the problem, exit 1, nothing written.
export PEBBLE_DIR=${PEBBLE_DIR:-/nonexistent} # lib.sh wants it; this case needs no Pebble
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/expiry_servers.sh"

port=$(closed_port)
base=http://127.0.0.1:$port
mkdir -p "$TEST_TMP/www"
python3 - "$base" >"$TEST_TMP/www/dir" <<'PY'
import sys
base = sys.argv[1]
deep = "[" * 200000 + "]" * 200000
print('{"newNonce":"%s/nonce","newAccount":"%s/acct","newOrder":"%s/order",'
      '"meta":{"profiles":{"deep":%s}}}' % (base, base, base, deep))
PY
start_http_server "$TEST_TMP/www" "$port"

expect_exit 1 "$ACMECTL" register --home "$HOME_DIR" --server "$base/dir" --agree-tos \
  --email ops@example.com
expect_one_line "$ERR" "stderr"
expect_contains "$ERR" "the CA sent a malformed directory: JSON nested deeper than 64 levels" "stderr"
expect_no_path "$HOME_DIR/accounts"
