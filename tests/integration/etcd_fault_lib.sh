# Sourced (after lib.sh) by the etcd failure cases. It gives:
#   start_fault_pebble    a Pebble of the case's own on 14006 ($F_SERVER, CA
#       bundle $F_CA) that never reuses authorizations (PEBBLE_AUTHZREUSE=0),
#       so that every renewal validates and runs the dns hook below; its
#       challtestsrv on 127.0.0.1:8063 (management 8065).
#   write_fault_hook FILE  a dns hook (bash + curl) setting TXT records on
#       that challtestsrv; on its first `add` it runs, once, the commands
#       in $FAULT_ACTION (a file: when present, it is run and removed), so a
#       case can break etcd at a known point of a renewal: after the order
#       was created, before the CA validated and issued.
#   F_ISSUE  (array) acmectl issue against F_SERVER with that hook, into HOME_DIR.
#   lock_lease NAME        the lease (hex) of PREFIX /acme/locks/NAME in $ETCD_URL
#   orders_issued          certificates F_SERVER's Pebble issued so far
#   verify_current NAME    current of lineage NAME in etcd names a complete
#       version whose key matches its certificate (store migrate verifies
#       each copied version; openssl compares once more); sets CUR_VERSION.
# shellcheck shell=bash

FAULT_PEBBLE_DIR=$PEBBLE_DIR/etcdfault # under PEBBLE_DIR: the fixture's pebble-down stops it too
FAULT_ACTION=$TEST_TMP/fault-action.sh

start_fault_pebble() {
  on_exit "bash '$REPO_ROOT/scripts/pebble-down' '$FAULT_PEBBLE_DIR'"
  PEBBLE_AUTHZREUSE=0 ACMECTL_PEBBLE_PORT=14006 ACMECTL_PEBBLE_MGMT_PORT=15006 \
    ACMECTL_DNS_PORT=8063 ACMECTL_DNS_MGMT_PORT=8065 ACMECTL_PEBBLE_MAX_SECONDS=900 \
    bash "$REPO_ROOT/scripts/pebble-up" "$FAULT_PEBBLE_DIR" >/dev/null ||
    fail "pebble-up $FAULT_PEBBLE_DIR failed"
  F_SERVER=https://127.0.0.1:14006/dir
  F_CA=$FAULT_PEBBLE_DIR/ca.pem
}

write_fault_hook() { # FILE
  cat >"$1" <<HOOK
#!/usr/bin/env bash
set -euo pipefail
case \$1 in
  add)
    if [[ -f '$FAULT_ACTION' ]]; then
      mv '$FAULT_ACTION' '$FAULT_ACTION.ran'
      bash '$FAULT_ACTION.ran' >>'$TEST_TMP/fault-action.log' 2>&1 || true
    fi
    curl -fsS --max-time 5 -X POST -d "{\"host\":\"\$2.\",\"value\":\"\$3\"}" http://127.0.0.1:8065/set-txt ;;
  del)
    curl -fsS --max-time 5 -X POST -d "{\"host\":\"\$2.\"}" http://127.0.0.1:8065/clear-txt ;;
esac
HOOK
  chmod 0755 "$1"
}

lock_lease() { # NAME
  local id
  # -w fields: jq would round the 64-bit lease id
  id=$(ETCDCTL_API=3 etcdctl --endpoints="$ETCD_URL" get "/acme/locks/$1" -w fields |
    awk -F' : ' '/"Lease"/ {print $2}')
  [[ -n $id ]] && printf '%x\n' "$id"
}

orders_issued() {
  grep -c "Issued certificate serial" "$FAULT_PEBBLE_DIR/pebble.log" || true
}

verify_current() { # NAME [STORE ARGS...]
  local name=$1 out=$TEST_TMP/verify-$RANDOM
  shift
  expect_exit 0 "$ACMECTL" store migrate --home "$TEST_TMP/verifier" --from "$STORE" \
    --to "$out" --current-only --store-key-file "$FLEET_KEY" "$@"
  CUR_VERSION=$(readlink "$out/certs/$name/current")
  CUR_VERSION=${CUR_VERSION##*/}
  local dir=$out/certs/$name/current
  [[ -s $dir/cert.pem && -s $dir/chain.pem && -s $dir/fullchain.pem && -s $dir/privkey.pem ]] ||
    fail "current of $name (version $CUR_VERSION) is not complete"
  [[ $(openssl pkey -in "$dir/privkey.pem" -pubout) == $(openssl x509 -in "$dir/cert.pem" -noout -pubkey) ]] ||
    fail "the key of $name version $CUR_VERSION does not match its certificate"
  rm -rf "$out"
}

HOOK_FILE=$TEST_TMP/fault-hook
write_fault_hook "$HOOK_FILE"
start_fault_pebble
F_ISSUE=("$ACMECTL" issue --home "$HOME_DIR" --server "$F_SERVER" --ca-bundle "$F_CA" --json
  --dns-hook "$HOOK_FILE" --dns-resolver 127.0.0.1:8063 --dns-wait 1)
