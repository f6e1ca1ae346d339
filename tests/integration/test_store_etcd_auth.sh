#!/usr/bin/env bash
# etcd's user/password authentication through the 0600 credentials file
# (--store-credentials, store-credentials = in acmectl.conf): issue and renew
# with the right file; a wrong password, a missing file, a file others can
# read and no credentials at all each give one clear line and write nothing;
# no flag takes a password. etcd's simple tokens expire after
# --auth-token-ttl idle seconds: a run that outlives its token logs in again.
source "$(dirname "$0")/lib.sh"

# Tokens idle for 1 s expire: a renewal waits longer than that for Pebble.
ETCD_ARGS=(--auth-token "simple" --auth-token-ttl 1)
source "$(dirname "$0")/etcd_lib.sh"
PASSWORD='s3cret:with colon'
ctl() { etcdctl --endpoints="$ETCD_URL" "$@" >/dev/null 2>&1 || fail "etcdctl $1 $2 failed"; }
ctl user add "root:$PASSWORD"
ctl role add root
ctl user grant-role root root
ctl user add guest:guest-password # no role: may log in, may not read the store
ctl auth enable
ETCDCTL_ARGS=(--user "root:$PASSWORD")
etcd_keys() { etcdctl --endpoints="$ETCD_URL" "${ETCDCTL_ARGS[@]}" get --prefix /acme/ --keys-only; }

CREDS=$TEST_TMP/etcd.credentials
(umask 077 && printf 'root:%s\n' "$PASSWORD" >"$CREDS")
S=(--store "$STORE" --store-key-file "$FLEET_KEY")
register_account "${S[@]}" --store-credentials "$CREDS"
expect_exit 0 "${ISSUE[@]}" "${S[@]}" --store-credentials "$CREDS" -d auth.etcd.example --name auth
# The same file named in acmectl.conf.
CONF=$TEST_TMP/acmectl.conf
printf 'store-credentials = %s\n' "$CREDS" >"$CONF"
expect_exit 0 "$ACMECTL" renew --config "$CONF" --home "$HOME_DIR" --ca-bundle "$CA" --force \
  "${S[@]}" --json
expect_eq "$(json '.lineages[0].action')" renewed "renew with credentials from acmectl.conf"
expect_exit 0 etcdctl --endpoints="$ETCD_URL" "${ETCDCTL_ARGS[@]}" get /acme/certs/auth/current \
  --print-value-only
expect_eq "$OUT" 2 "etcd current"
# A run idle past the token's TTL (a pre-hook sleeping 2.5 s between the
# lock and the version): etcd answers "invalid auth token", acmectl logs in
# again and the version is written.
expect_exit 0 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --force "${S[@]}" \
  --store-credentials "$CREDS" --pre-hook 'sleep 2.5' --json
expect_eq "$(json '.lineages[0].action')" renewed "renew across an expired token"
expect_contains "$(etcd_keys)" "/acme/certs/auth/versions/3/cert" "etcd keys"
keys_before=$(etcd_keys)

with_store() { # CODE SUBCOMMAND ARGS...: acmectl against the store, demand CODE
  local code=$1
  shift
  expect_exit "$code" "$ACMECTL" "$@" --home "$HOME_DIR" "${S[@]}"
}
renew=(renew --ca-bundle "$CA" --force)

refused_as() { # USER:PASSWORD WHAT NEEDLE...: renew with these credentials fails in one line
  local file=$TEST_TMP/${2// /-}.credentials what="$2 error" needle
  (umask 077 && printf '%s\n' "$1" >"$file")
  with_store 1 "${renew[@]}" --store-credentials "$file"
  expect_one_line "$ERR" "$what"
  for needle in "${@:3}"; do expect_contains "$ERR" "$needle" "$what"; done
}
# A wrong password: one line naming the user and etcd's reason; nothing written.
refused_as root:not-the-password "wrong password" "refused user root" "authentication failed"
expect_not_contains "$ERR" "not-the-password" "wrong password error"
# A user without a role on the store: etcd's reason and what to grant.
refused_as guest:guest-password "user without a role" "permission denied" \
  "etcd user guest needs a role"
# No credentials while etcd demands them: say which option is missing.
with_store 1 "${renew[@]}"
expect_one_line "$ERR" "no credentials error"
expect_contains "$ERR" "--store-credentials" "no credentials error"
# A credentials file group or others can read is refused before any request.
for mode in 640 604; do
  chmod "$mode" "$CREDS"
  with_store 1 store ls --store-credentials "$CREDS"
  expect_one_line "$ERR" "mode $mode error"
  expect_contains "$ERR" "is readable by others: chmod 600 it" "mode $mode error"
done
chmod 600 "$CREDS"
# Missing, or not USER:PASSWORD.
with_store 1 store ls --store-credentials "$TEST_TMP/none"
expect_contains "$ERR" "does not exist" "missing credentials file error"
BAD=$TEST_TMP/bad.credentials
(umask 077 && printf 'only-a-password\n' >"$BAD")
with_store 1 store ls --store-credentials "$BAD"
expect_contains "$ERR" "is not one USER:PASSWORD line" "malformed credentials file error"
expect_eq "$(etcd_keys)" "$keys_before" "etcd keys after the refused runs"

# No option takes a password itself: only the file names one.
expect_exit 0 "$ACMECTL" --dump-cli
expect_eq "$(jq -r '.. | objects | .long? // empty | .[]' <<<"$OUT" |
  grep -ci 'pass' || true)" 0 "options naming a password"

with_store 0 store ls --store-credentials "$CREDS"
expect_contains "$OUT" "auth  current 3" "store ls with the right credentials"
