#!/usr/bin/env bash
# acmectl-renew.service's sandbox lets the README's recipes work: `renew`
# under the unit's ProtectSystem=strict and ReadWritePaths (parsed from the
# unit file, applied with read-only bind mounts in a private mount namespace)
# answers http-01 through --webroot /var/www/html and installs to /etc/ssl/
# and /etc/haproxy/certs/. /etc and /var are overlays on a tmpfs, so the
# machine's own files are never touched.
source "$(dirname "$0")/lib.sh"

if [[ $(id -u) != 0 ]] || ! command -v unshare >/dev/null; then
  echo "needs root and unshare(1): skipped"
  exit 0
fi
UNIT=$REPO_ROOT/packaging/systemd/acmectl-renew.service

# Inside the outer namespace: overlays, then the recipes.
if [[ ${1:-} != --inside ]]; then
  timeout --kill-after=5 300 unshare -m --propagation private bash "$0" --inside
  exit $?
fi

overlay() { # DIR: a writable overlay over DIR for this namespace only
  local name=${1//\//_}
  mkdir -p "$TEST_TMP/ovl/$name/up" "$TEST_TMP/ovl/$name/work"
  mount -t overlay overlay -o "lowerdir=$1,upperdir=$TEST_TMP/ovl/$name/up,workdir=$TEST_TMP/ovl/$name/work" "$1"
}
mkdir -p "$TEST_TMP/ovl"
mount -t tmpfs tmpfs "$TEST_TMP/ovl"
overlay /etc
overlay /var
on_exit "umount -l /etc /var $TEST_TMP/ovl"
rm -rf /var/www /etc/haproxy /etc/ssl/private/sandbox.example.key /var/lib/acmectl
mkdir -p /var/www/html /etc/haproxy/certs /etc/ssl/private /var/lib/acmectl
# The unit's PrivateTmp hides /tmp, where the build (a CI clone) may live: run
# copies of the binary and the CA bundle from the overlaid /var instead.
mkdir -p /var/lib/acmectl-sandbox-test
cp "$ACMECTL" /var/lib/acmectl-sandbox-test/acmectl
cp "$CA" /var/lib/acmectl-sandbox-test/ca.pem
ACMECTL=/var/lib/acmectl-sandbox-test/acmectl
CA=/var/lib/acmectl-sandbox-test/ca.pem
STORE=/var/lib/acmectl
HOME_DIR=$STORE
ACCOUNT_DIR=$STORE/accounts
start_http_server /var/www/html "$HTTP_PORT"

# The unit's sandbox, applied in a nested namespace: every mount read-only
# except the ReadWritePaths ("-" = skip when missing), a private /tmp.
cat >"$TEST_TMP/sandboxed.sh" <<'SANDBOX'
# RW_PATHS CMD...: runs CMD in a nested mount namespace where every mount is
# read-only except RW_PATHS ("-PATH": skipped when missing), /tmp private.
set -euo pipefail
read -r -a rw <<<"$1"
shift
keep=()
for p in "${rw[@]}"; do
  optional=0
  if [[ $p == -* ]]; then optional=1; p=${p#-}; fi
  if [[ ! -e $p ]]; then
    if ((optional)); then continue; fi
    echo "ReadWritePaths: $p does not exist" >&2
    exit 90
  fi
  mount --bind "$p" "$p"
  keep+=("$p")
done
while read -r _ _ _ _ mp _; do
  case $mp in /proc | /proc/* | /sys | /sys/* | /dev | /dev/*) continue ;; esac
  for k in "${keep[@]}"; do [[ $mp == "$k" ]] && continue 2; done
  mount -o remount,bind,ro "$mp" 2>/dev/null || true
done </proc/self/mountinfo
mount -t tmpfs tmpfs /tmp
exec "$@"
SANDBOX
RW_PATHS=$(sed -n 's/^ReadWritePaths=//p' "$UNIT" | tr '\n' ' ')

expect_exit 0 "$ACMECTL" register --home "$STORE" --server "$SERVER" --ca-bundle "$CA" \
  --agree-tos --email admin@example.com
expect_exit 0 "$ACMECTL" issue --home "$STORE" --server "$SERVER" --ca-bundle "$CA" \
  --webroot /var/www/html -d sandbox.example --name sandbox.example
expect_exit 0 "$ACMECTL" deploy-hook sandbox.example --home "$STORE" \
  --install-to /etc/ssl/sandbox.example.pem --what fullchain
expect_exit 0 "$ACMECTL" deploy-hook sandbox.example --home "$STORE" \
  --install-to /etc/ssl/private/sandbox.example.key --what key --mode 0640
expect_exit 0 "$ACMECTL" deploy-hook sandbox.example --home "$STORE" \
  --install-to /etc/haproxy/certs/sandbox.example.pem --what combined

# The sandbox is real: outside the writable paths nothing can be written.
expect_exit 1 unshare -m --propagation private bash "$TEST_TMP/sandboxed.sh" "$RW_PATHS" touch /etc/acmectl-sandbox-probe
# A new account, so that Pebble cannot reuse the valid authorization and
# the renewal must write its token into the webroot again.
mv "$STORE/accounts" "$TEST_TMP/old-accounts"
expect_exit 0 "$ACMECTL" register --home "$STORE" --server "$SERVER" --ca-bundle "$CA" \
  --agree-tos --email admin@example.com
expect_exit 0 unshare -m --propagation private bash "$TEST_TMP/sandboxed.sh" "$RW_PATHS" "$ACMECTL" renew --home "$STORE" --ca-bundle "$CA" --force --json
expect_eq "$(json '.lineages[0].action')" renewed "renew outcome under the sandbox"
expect_eq "$(json '.lineages[0].version')" 2 "renewed version"
current=$STORE/certs/sandbox.example/current
cmp -s "$current/fullchain.pem" /etc/ssl/sandbox.example.pem || fail "/etc/ssl copy not updated"
cmp -s "$current/privkey.pem" /etc/ssl/private/sandbox.example.key || fail "key copy not updated"
grep -q "BEGIN CERTIFICATE" /etc/haproxy/certs/sandbox.example.pem || fail "haproxy file missing"
grep -qF "$(sed -n 2p "$current/cert.pem")" /etc/haproxy/certs/sandbox.example.pem ||
  fail "the haproxy file does not hold the renewed certificate"
echo "renewed and installed under the unit's sandbox"
