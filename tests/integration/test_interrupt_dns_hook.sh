#!/usr/bin/env bash
# Ctrl-C (SIGINT) during a dns-01 issuance whose `add` hook is slow: acmectl
# stops the hook's whole process group, runs `del`, and exits 130. A second
# SIGINT while a slow `del` runs exits at once and kills that hook too.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/dns_hook_lib.sh"

hook=$TEST_TMP/slow-hook.sh
cat >"$hook" <<HOOK
#!/usr/bin/env bash
echo "\$1 \$2" >>'$HOOK_LOG'
if [[ \$1 == add || -e '$TEST_TMP/slow-del' ]]; then
  echo \$\$ >"$TEST_TMP/\$1.pgid" # the hook leads its own process group
  sleep 60
fi
HOOK
chmod 0755 "$hook"

group_alive() { # PGID: a live (non-zombie) process is still in the group
  local p
  for p in $(pgrep -g "$1" || true); do
    [[ $(awk '{print $3}' "/proc/$p/stat" 2>/dev/null) =~ ^[RSDT]$ ]] && return 0
  done
  return 1
}

wait_for() { # FILE: bounded wait (10 s) until FILE exists
  local i
  for ((i = 0; i < 100; i++)); do
    [[ -s $1 ]] && return 0
    sleep 0.1
  done
  fail "timed out waiting for $1"
}

ended() { # PID SECONDS: waits until PID has exited; its status in RC
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    if ! kill -0 "$1" 2>/dev/null; then
      RC=0
      wait "$1" || RC=$?
      return 0
    fi
    sleep 0.1
  done
  kill -KILL "$1"
  fail "acmectl still runs $2 s after the signal"
}

start_issue() { # NAME: acmectl issue with the slow hook, in the background
  "$ACMECTL" issue --home "$HOME_DIR" --server "$SERVER" --ca-bundle "$CA" -d "$1" \
    --dns-hook "$hook" --timeout 120 </dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err" &
  PID=$!
  on_exit "kill -KILL $PID 2>/dev/null || true"
}

register_account
start_issue int.dns.issue.example
wait_for "$TEST_TMP/add.pgid"
kill -INT "$PID"
ended "$PID" 15
expect_eq "$RC" 130 "exit status after SIGINT"
expect_contains "$(cat "$TEST_TMP/err")" "interrupted by SIGINT" "error message"
expect_one_line "$(hook_calls del)" "del calls"
group_alive "$(cat "$TEST_TMP/add.pgid")" && fail "the add hook's process group still runs"
expect_no_lineage

# The second Ctrl-C during the cleanup: exits at once, the del hook killed.
: >"$HOOK_LOG"
rm -f "$TEST_TMP/add.pgid"
touch "$TEST_TMP/slow-del"
start_issue int2.dns.issue.example
wait_for "$TEST_TMP/add.pgid"
kill -INT "$PID"
wait_for "$TEST_TMP/del.pgid"
kill -INT "$PID"
ended "$PID" 3
expect_eq "$RC" 130 "exit status after the second SIGINT"
sleep 0.2
group_alive "$(cat "$TEST_TMP/del.pgid")" && fail "the del hook's process group still runs"
echo "interrupted twice, hooks stopped"
