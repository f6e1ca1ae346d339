# Sourced by every tests/integration/test_*.sh (bash). It sets:
#   ACMECTL      the acmectl binary (ctest passes $<TARGET_FILE:acmectl>)
#   PEBBLE_DIR   the folder scripts/pebble-up ran in (ctest passes it)
#   CA           $PEBBLE_DIR/ca.pem, for --ca-bundle and curl --cacert
#   SERVER       https://127.0.0.1:14000/dir, EAB_SERVER https://127.0.0.1:14001/dir,
#   MGMT_URL     https://127.0.0.1:15000 (from $PEBBLE_DIR/ports.env when present)
#   TEST_TMP     a fresh folder for this test, removed on exit
#   HOME_DIR     $TEST_TMP/home: the acmectl store every case passes with --home
#   ACCOUNT_DIR  where `register` against SERVER writes account.json and key.pem
#   EAB_KID, EAB_KEY, EAB_OTHER_KEY  Pebble's example EAB key id and MAC keys
# and gives assertions (each fails the test with a message, never silently):
#   fail MSG; expect_exit CODE CMD...  (then $OUT, $ERR, $RC hold the result);
#   expect_contains TEXT NEEDLE [WHAT]; expect_match TEXT ERE [WHAT] (grep -Ei);
#   expect_not_contains; expect_eq GOT WANT WHAT; expect_one_line TEXT WHAT;
#   expect_file FILE; expect_no_path PATH; expect_file_mode FILE MODE;
# and helpers: on_exit CMD (cleanup, run in reverse order even on failure),
#   json FILTER (jq -r on $OUT, null fails), sha256_of FILE, pebble_root FILE [MGMT_URL],
#   tos_url, start_http_server DIR PORT, register_account [ARGS...], hold_lock NAME,
#   expect_sigterm_exit PID SECONDS (SIGTERM, bounded wait, exit 143),
#   and the array ISSUE (acmectl issue ... --standalone --json, add -d NAME).
# shellcheck shell=bash
set -euo pipefail

: "${ACMECTL:?ACMECTL must name the acmectl binary (ctest sets it)}"
: "${PEBBLE_DIR:?PEBBLE_DIR must name the folder of scripts/pebble-up (ctest sets it)}"

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CA=$PEBBLE_DIR/ca.pem
SERVER=https://127.0.0.1:14000/dir
EAB_SERVER=https://127.0.0.1:14001/dir
MGMT_URL=https://127.0.0.1:15000
if [[ -f $PEBBLE_DIR/ports.env ]]; then
  SERVER=$(sed -n 's/^SERVER=//p' "$PEBBLE_DIR/ports.env")
  MGMT_URL=$(sed -n 's/^MGMT_URL=//p' "$PEBBLE_DIR/ports.env")
  eab=$(sed -n 's/^EAB_SERVER=//p' "$PEBBLE_DIR/ports.env")
  EAB_SERVER=${eab:-$EAB_SERVER}
  unset eab
fi
EAB_KID=kid-1
EAB_KEY=zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W
EAB_OTHER_KEY=b10lLJs8l1GPIzsLP0s6pMt8O0XVGnfTaCeROxQM0BIt2XrJMDHJZBM5NuQmQJQH
# Pebble validates http-01 on this port; cases share it (ctest RESOURCE_LOCK).
HTTP_PORT=5002
# Longest time one acmectl run may take before the case fails (not hangs).
CMD_TIMEOUT=${ACMECTL_TEST_CMD_TIMEOUT:-90}

TEST_NAME=$(basename "$0" .sh)
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/acmectl-$TEST_NAME.XXXXXX")
HOME_DIR=$TEST_TMP/home
store_host=${SERVER#https://}
store_host=${store_host%%/*}
ACCOUNT_DIR=$HOME_DIR/accounts/${store_host/:/_}/default
unset store_host
mkdir -p "$HOME_DIR" "$TEST_TMP/user"
# Nothing of a test may land in the real home or in /var/lib/acmectl: HOME
# points into TEST_TMP, and so does ACMECTL_HOME, but to a different folder
# than HOME_DIR, so a case that forgets --home fails instead of passing.
export HOME=$TEST_TMP/user
export XDG_STATE_HOME=$TEST_TMP/user/.local/state
export ACMECTL_HOME=$TEST_TMP/env-home
unset ACMECTL_SERVER
OUT=""
ERR=""
RC=0

_cleanups=()
on_exit() { # CMD...: run at exit (reverse order), also when the test fails
  _cleanups+=("$*")
}
_finish() {
  local rc=$? i
  set +e
  for ((i = ${#_cleanups[@]} - 1; i >= 0; i--)); do
    eval "${_cleanups[i]}"
  done
  if [[ ${ACMECTL_KEEP_TMP:-0} == 1 ]]; then
    echo "kept $TEST_TMP" >&2
  else
    rm -rf "$TEST_TMP"
  fi
  if ((rc == 0)); then
    echo "PASS $TEST_NAME"
  else
    echo "FAIL $TEST_NAME (exit $rc)" >&2
  fi
  exit "$rc"
}
trap _finish EXIT
# A command that fails outside an assertion still says where (set -e alone is silent).
set -E
trap 'echo "FAIL [$TEST_NAME]: \"$BASH_COMMAND\" failed (exit $?), line $LINENO" >&2' ERR
trap 'exit 130' INT
trap 'exit 143' TERM

fail() { # MSG: fail the test, showing the last command's output
  echo "FAIL [$TEST_NAME]: $*" >&2
  if [[ -n $OUT || -n $ERR ]]; then
    echo "--- last stdout ---" >&2
    printf '%s\n' "$OUT" >&2
    echo "--- last stderr ---" >&2
    printf '%s\n' "$ERR" >&2
  fi
  exit 1
}

expect_exit() { # CODE CMD...: run CMD (bounded by CMD_TIMEOUT), demand exit CODE
  local want=$1
  shift
  RC=0
  timeout --kill-after=5 "$CMD_TIMEOUT" "$@" \
    </dev/null >"$TEST_TMP/.stdout" 2>"$TEST_TMP/.stderr" || RC=$?
  OUT=$(<"$TEST_TMP/.stdout")
  ERR=$(<"$TEST_TMP/.stderr")
  if ((RC == 124 && want != 124)); then
    fail "timed out after ${CMD_TIMEOUT}s: $*"
  fi
  if [[ $RC != "$want" ]]; then
    fail "expected exit $want, got $RC from: $*"
  fi
}

expect_contains() { # TEXT NEEDLE [WHAT]: fixed-string, case-sensitive
  if [[ $1 != *"$2"* ]]; then
    fail "${3:-output} does not contain '$2'"
  fi
}

expect_not_contains() { # TEXT NEEDLE [WHAT]
  if [[ $1 == *"$2"* ]]; then
    fail "${3:-output} contains '$2'"
  fi
}

expect_match() { # TEXT ERE [WHAT]: extended regex, case-insensitive
  if ! grep -Eiq -- "$2" <<<"$1"; then
    fail "${3:-output} does not match /$2/"
  fi
}

expect_eq() { # GOT WANT WHAT
  if [[ $1 != "$2" ]]; then
    fail "${3:-value}: got '$1', want '$2'"
  fi
}

expect_one_line() { # TEXT WHAT: exactly one non-empty line
  local n
  n=$(grep -c . <<<"$1" || true)
  if ((n != 1)); then
    fail "${2:-output} has $n non-empty lines, want 1"
  fi
}

expect_file() { # FILE: a regular, non-empty file
  [[ -f $1 && -s $1 ]] || fail "missing or empty file: $1"
}

expect_no_path() { # PATH: nothing there
  if [[ -e $1 || -L $1 ]]; then
    fail "should not exist: $1"
  fi
}

expect_file_mode() { # FILE MODE (octal, e.g. 0600)
  local got
  [[ -e $1 ]] || fail "missing file: $1"
  got=$(stat -c %a "$1")
  if ((8#$got != 8#$2)); then
    fail "$1 has mode $got, want $2"
  fi
}

json() { # FILTER: jq -r FILTER on the last stdout; fails on invalid JSON or null
  local v
  v=$(jq -r "$1" <<<"$OUT") || fail "stdout is not JSON (wanted $1)"
  [[ $v != null ]] || fail "stdout JSON has no $1"
  printf '%s\n' "$v"
}

sha256_of() { # FILE
  sha256sum "$1" | cut -d' ' -f1
}

pebble_root() { # FILE [MGMT_URL]: Pebble's root CA (regenerated at each start)
  curl -fsS --max-time 10 --cacert "$CA" -o "$1" "${2:-$MGMT_URL}/roots/0" ||
    fail "cannot fetch Pebble's root from ${2:-$MGMT_URL}/roots/0"
}

tos_url() { # the terms-of-service URL SERVER's directory advertises
  curl -fsS --max-time 10 --cacert "$CA" "$SERVER" | jq -er .meta.termsOfService ||
    fail "no meta.termsOfService in $SERVER"
}

start_http_server() { # DIR PORT: python3 http.server on 127.0.0.1, stopped at exit
  local dir=$1 port=$2 pid i
  # timeout is a net: the server ends itself even if this script is killed.
  timeout --kill-after=5 300 python3 -m http.server "$port" --bind 127.0.0.1 \
    --directory "$dir" </dev/null >"$TEST_TMP/http-$port.log" 2>&1 &
  pid=$!
  on_exit "_stop_pid $pid"
  for ((i = 0; i < 100; i++)); do # at most ~10 s
    if curl -s --max-time 1 -o /dev/null "http://127.0.0.1:$port/"; then
      return 0
    fi
    kill -0 "$pid" 2>/dev/null ||
      fail "http.server on port $port exited: $(cat "$TEST_TMP/http-$port.log")"
    sleep 0.1
  done
  fail "http.server on port $port did not answer within 10 s"
}

_stop_pid() { # PID: TERM, bounded wait, KILL (a child of this shell)
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

expect_sigterm_exit() { # PID SECONDS: SIGTERM, bounded wait; demand exit 143 (128+15)
  local pid=$1 i rc=0
  kill -TERM "$pid"
  for ((i = 0; i < $2 * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && fail "process $pid still runs $2 s after SIGTERM"
  wait "$pid" || rc=$?
  expect_eq "$rc" 143 "exit status after SIGTERM"
}

hold_lock() { # NAME: another process holds HOME_DIR's lock of lineage NAME (stopped at exit); sets HOLDER
  local i
  mkdir -p "$HOME_DIR/locks"
  timeout 60 flock "$HOME_DIR/locks/$1.lock" sleep 60 &
  HOLDER=$!
  on_exit "_stop_pid $HOLDER"
  for ((i = 0; i < 50; i++)); do # the holder has the lock within ~5 s
    flock -n "$HOME_DIR/locks/$1.lock" true || return 0
    sleep 0.1
  done
  fail "the lock of $1 was not taken within 5 s"
}

register_account() { # [ARGS...]: register against SERVER into HOME_DIR, demand success
  expect_exit 0 "$ACMECTL" register --home "$HOME_DIR" --server "$SERVER" \
    --ca-bundle "$CA" --agree-tos --email ops@example.com "$@"
}

# `expect_exit 0 "${ISSUE[@]}" -d NAME`: acmectl issue against SERVER into
# HOME_DIR, http-01 answered by acmectl's standalone server on HTTP_PORT, JSON out.
ISSUE=("$ACMECTL" issue --home "$HOME_DIR" --server "$SERVER" --ca-bundle "$CA"
  --standalone --http-port "$HTTP_PORT" --json)

if [[ ${LIB_NO_ACMECTL:-0} != 1 && ! -x $ACMECTL ]]; then
  fail "acmectl binary not found or not executable: $ACMECTL"
fi

# --- for the issue cases ------------------------------------------------------

lineage_dir() { # NAME: where a lineage lives in HOME_DIR
  printf '%s\n' "$HOME_DIR/certs/$1"
}

expect_no_lineage() { # nothing under HOME_DIR/certs (a failed issue wrote nothing)
  if [[ -d $HOME_DIR/certs ]] && [[ -n $(ls -A "$HOME_DIR/certs") ]]; then
    fail "certs/ is not empty: $(ls -A "$HOME_DIR/certs" | head -n 5 | paste -sd' ' -)"
  fi
}

same_dir() { # A B: A and B resolve to the same folder
  [[ $(cd "$1" 2>/dev/null && pwd -P) == "$(cd "$2" 2>/dev/null && pwd -P)" && -d $2 ]]
}

cert_pubkey() { # CERT.pem: its public key, PEM
  openssl x509 -in "$1" -noout -pubkey || fail "not a certificate: $1"
}

key_pubkey() { # KEY.pem: the public half of a private key, PEM
  openssl pkey -in "$1" -pubout || fail "not a private key: $1"
}

cert_sans() { # CERT.pem: its DNS names, sorted, one per line
  openssl x509 -in "$1" -noout -ext subjectAltName |
    tr ',' '\n' | sed -n 's/^ *DNS://p' | sort
}

expect_issued() { # NAME VERSION: $OUT says issued, and the lineage is complete on disk
  local name=$1 version=$2 dir f
  dir=$(lineage_dir "$name")
  expect_eq "$(json .status)" issued "status"
  expect_eq "$(json .name)" "$name" "name"
  expect_eq "$(json .version)" "$version" "version"
  # paths.dir: the lineage folder or its version folder, both are useful
  case $(json .paths.dir) in
    "$dir" | "$dir/versions/$version" | "$dir/current") ;;
    *) fail "paths.dir is $(json .paths.dir), want $dir or a folder of it" ;;
  esac
  for f in cert chain fullchain privkey; do
    expect_file "$dir/versions/$version/$f.pem"
  done
  expect_file "$dir/config.json"
  expect_file_mode "$dir/versions/$version/privkey.pem" 0600
  [[ -L $dir/current ]] || fail "$dir/current is not a symlink"
  same_dir "$dir/current" "$dir/versions/$version" ||
    fail "current -> $(readlink "$dir/current"), want versions/$version"
  expect_eq "$(cert_pubkey "$dir/versions/$version/cert.pem")" \
    "$(key_pubkey "$dir/versions/$version/privkey.pem")" "public key of cert.pem vs privkey.pem"
}
