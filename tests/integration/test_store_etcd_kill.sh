#!/usr/bin/env bash
# kill -9 of the renewing node at random points (ACMECTL_KILL_TRIALS, at
# least 20): afterwards current always names a complete version whose key
# matches its certificate, and another node renews once the killed node's
# lease expired (--store-lock-ttl 5), never while it is held (no order then).
# The kill delay is random within the measured duration of one renewal;
# Pebble validates every renewal (no authorization reuse).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/etcd_lib.sh"
source "$(dirname "$0")/etcd_fault_lib.sh"

TRIALS=${ACMECTL_KILL_TRIALS:-20}
TTL=5
S=(--store "$STORE" --store-key-file "$FLEET_KEY" --store-lock-ttl "$TTL")
expect_exit 0 "$ACMECTL" register --home "$HOME_DIR" --server "$F_SERVER" --ca-bundle "$F_CA" \
  --agree-tos --email ops@example.com "${S[@]}" --node a
expect_exit 0 "${F_ISSUE[@]}" "${S[@]}" --node a -d kill.example --name k
mkdir -p "$TEST_TMP/b"
renew_on() { # NODE: sets RENEW, the command renewing lineage k on that node
  local home=$HOME_DIR
  [[ $1 == a ]] || home=$TEST_TMP/$1
  RENEW=("$ACMECTL" renew --home "$home" --ca-bundle "$F_CA" --force --name k "${S[@]}"
    --node "$1" --json)
}

ms() { date +%s%3N; }
run_rc() { # CMD...: like expect_exit, any exit status ($RC)
  RC=0
  timeout --kill-after=5 "$CMD_TIMEOUT" "$@" </dev/null >"$TEST_TMP/.stdout" 2>"$TEST_TMP/.stderr" || RC=$?
  OUT=$(<"$TEST_TMP/.stdout")
  ERR=$(<"$TEST_TMP/.stderr")
}
t0=$(ms)
renew_on a
expect_exit 0 "${RENEW[@]}"
duration=$(($(ms) - t0))
echo "one renewal takes ${duration} ms"

held=0 kept=0
start=$(ms)
verify_current k
for ((t = 1; t <= TRIALS; t++)); do
  v=$CUR_VERSION
  delay=$((RANDOM % duration))
  renew_on a
  "${RENEW[@]}" >"$TEST_TMP/a.out" 2>"$TEST_TMP/a.err" &
  pid=$!
  sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  [[ -f $HOME_DIR/recovery/k.json ]] && kept=$((kept + 1))
  verify_current k
  ((CUR_VERSION == v || CUR_VERSION == v + 1)) ||
    fail "trial $t: current is $CUR_VERSION after a kill, was $v"
  v=$CUR_VERSION
  # Node b: locked (no order) while a's lease lives, then it renews.
  deadline=$((SECONDS + TTL + 15))
  locked=0
  while :; do
    issued=$(orders_issued)
    renew_on b
    run_rc "${RENEW[@]}"
    if ((RC == 0)); then
      break
    fi
    expect_eq "$RC" 75 "trial $t: exit of node b"
    expect_eq "$(json '.lineages[0].action')" locked "trial $t: node b's outcome"
    expect_contains "$(json '.lineages[0].message')" "node a"
    expect_eq "$(orders_issued)" "$issued" "trial $t: certificates issued while the lease lives"
    ((SECONDS < deadline)) || fail "trial $t: the lock of k was not free within $((TTL + 15)) s"
    locked=1
    sleep 0.5
  done
  held=$((held + locked))
  verify_current k
  expect_eq "$CUR_VERSION" $((v + 1)) "trial $t: version after node b renewed"
  echo "trial $t: killed after ${delay} ms; version $v -> $CUR_VERSION"
done
echo "$TRIALS trials in $(($(ms) - start)) ms; node b found a's lease alive after $held kills;" \
  "a recovery file was left $kept times"
