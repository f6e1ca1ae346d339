#!/usr/bin/env bash
# acmectl store rekey: the fleet key is rotated one value at a time, each in
# its own transaction. A wrong current key changes nothing; a rekey killed
# (SIGKILL) right after etcd applied one of its transactions leaves every
# value whole under one key or the other, and running it again finishes:
# afterwards every value opens with the new key and none with the old one.
# (No PEM key in etcd, a moved value and a wrong key for renew:
# test_store_etcd_basic.)
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/etcd_lib.sh"

S=(--store "$STORE" --store-key-file "$FLEET_KEY")
register_account "${S[@]}"
for name in one two three; do
  expect_exit 0 "${ISSUE[@]}" "${S[@]}" -d "$name.rekey.example" --name "$name"
done
expect_exit 0 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --force "${S[@]}" -q --name one
# Sealed values: the account key and four certificate keys.
sealed_keys() { etcd_get_prefix /acme/ | grep -B1 '^acmectl-sealed-v1:' | grep '^/acme/' || true; }
expect_eq "$(sealed_keys | wc -l)" 5 "sealed values before the rekey"
snapshot() { etcd_get_prefix /acme/ | sha256sum; }
before=$(snapshot)

NEW=$TEST_TMP/new.key
WRONG=$TEST_TMP/wrong.key
expect_exit 0 "$ACMECTL" store init-key "$NEW"
expect_exit 0 "$ACMECTL" store init-key "$WRONG"
rekey() { # CODE KEYFILE [ARGS...]: store rekey to NEW with KEYFILE as the current key
  expect_exit "$1" "$ACMECTL" store rekey --home "$HOME_DIR" --store "$STORE" \
    --store-key-file "$2" --new-key-file "$NEW" "${@:3}"
}

# The wrong current key: one line naming a value and both options; nothing changed.
rekey 1 "$WRONG"
expect_one_line "$ERR" "wrong current key error"
expect_match "$ERR" "neither --store-key-file nor --new-key-file opens /acme/(accounts|certs)/" \
  "wrong current key error"
expect_eq "$(snapshot)" "$before" "etcd after a rekey with the wrong key"
# No fleet key at all, or a store that is not etcd: refused.
expect_exit 1 "$ACMECTL" store rekey --home "$HOME_DIR" --store "$STORE" --new-key-file "$NEW"
expect_contains "$ERR" "needs the current key (--store-key-file)" "rekey without a key"
expect_exit 64 "$ACMECTL" store rekey --home "$HOME_DIR" --store-key-file "$FLEET_KEY" \
  --new-key-file "$NEW"
expect_contains "$ERR" "needs an etcd store" "rekey of the file store"

# Killed with SIGKILL after etcd applied its 3rd transaction (its answer never
# arrives): a proxy in front of etcd does it.
PROXY_PORT=$((ETCD_PORT + 300))
PIDFILE=$TEST_TMP/rekey.pid
timeout 120 python3 "$(dirname "$0")/fixtures/etcd_kill_proxy.py" "$PROXY_PORT" \
  "127.0.0.1:$ETCD_PORT" "$PIDFILE" 3 >"$TEST_TMP/proxy.log" 2>&1 &
proxy=$!
on_exit "_stop_pid $proxy"
for ((i = 0; i < 100; i++)); do # at most ~10 s
  curl -s --max-time 1 -X POST -d '{}' "http://127.0.0.1:$PROXY_PORT/v3/maintenance/status" |
    grep -q header && break
  sleep 0.1
done
((i < 100)) || fail "the proxy did not answer: $(cat "$TEST_TMP/proxy.log")"
"$ACMECTL" store rekey --home "$HOME_DIR" --store "etcd://127.0.0.1:$PROXY_PORT/acme" \
  --store-key-file "$FLEET_KEY" --new-key-file "$NEW" >/dev/null 2>&1 &
echo $! >"$PIDFILE"
rc=0
for ((i = 0; i < 300; i++)); do # at most ~30 s
  kill -0 "$(<"$PIDFILE")" 2>/dev/null || break
  sleep 0.1
done
wait "$(<"$PIDFILE")" || rc=$?
expect_eq "$rc" 137 "exit status of the killed rekey (SIGKILL)"

# Midway: 3 values under the new key, 2 under the old, none half-written.
opens_with() { # KEYFILE: migrate (reads every version and the account key) succeeds
  rm -rf "$TEST_TMP/copy"
  "$ACMECTL" store migrate --home "$HOME_DIR" --store-key-file "$1" --from "$STORE" \
    --to "$TEST_TMP/copy" >/dev/null 2>&1
}
count_under() { # KEYFILE: how many sealed values open with it, checked outside
  # acmectl: AES-256-GCM (python3-cryptography) with the key name as AAD
  etcdctl --endpoints="$ETCD_URL" get --prefix /acme/ -w json | python3 -c '
import base64, json, sys
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
key = AESGCM(base64.b64decode(open(sys.argv[1]).read().strip()))
n = 0
for kv in json.load(sys.stdin).get("kvs", []):
    name, value = (base64.b64decode(kv[f]).decode() for f in ("key", "value"))
    if not value.startswith("acmectl-sealed-v1:"):
        continue
    raw = value[len("acmectl-sealed-v1:"):]
    raw = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    try:
        key.decrypt(raw[:12], raw[12:], name.encode())
        n += 1
    except Exception:
        pass
print(n)' "$1"
}
expect_eq "$(count_under "$NEW")" 3 "values under the new key after the kill"
expect_eq "$(count_under "$FLEET_KEY")" 2 "values under the old key after the kill"
opens_with "$FLEET_KEY" && fail "every value still opens with the old key after the kill"

# Run again: the rest is resealed, what is done is skipped.
rekey 0 "$FLEET_KEY" --json
expect_eq "$(json .resealed)" 2 "values resealed by the second run"
expect_eq "$(json .already_new)" 3 "values found done by the second run"
expect_eq "$(count_under "$NEW")" 5 "values under the new key at the end"
expect_eq "$(count_under "$FLEET_KEY")" 0 "values under the old key at the end"
opens_with "$NEW" || fail "a value does not open with the new key"
opens_with "$FLEET_KEY" && fail "a value still opens with the old key"
# A third run finds nothing to do; the old key alone can no longer run the store.
rekey 0 "$FLEET_KEY" --json
expect_eq "$(json .resealed)" 0 "values resealed by a third run"
expect_exit 0 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --force \
  --store "$STORE" --store-key-file "$NEW" --json --name two
expect_eq "$(json '.lineages[0].action')" renewed "renew with the new key"
expect_exit 1 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --force \
  --store "$STORE" --store-key-file "$FLEET_KEY" --name three
expect_contains "$ERR" "wrong fleet key" "renew with the old key"
