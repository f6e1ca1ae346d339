# Sourced by the sync cases after lib.sh and etcd_lib.sh: node A (HOME_DIR)
# issues lineages into the etcd store; other nodes run `acmectl sync` in
# homes of their own. Each deploy appends "NAME versions/N UNIXTIME" to
# HOME/deploy.log of the node that ran it (the command is the lineage's, so
# every node runs the same one, as after a renewal; current/ is a symlink
# into versions/, hence four ..). Gives:
#   S (the store flags), DEPLOY_CMD, node_home NODE, issue_on_a NAME,
#   renew_on_a NAME, start_watcher NODE [ARGS...] (sets WATCH_PID),
#   wait_deployed NODE NAME VERSION [SECONDS] (bounded), deploy_time NODE NAME VERSION,
#   stamp_activations NAME (an etcdctl watch stamping each change of NAME's
#   current), activation_time NAME VERSION
# shellcheck shell=bash

S=(--store "$STORE" --store-key-file "$FLEET_KEY")
# shellcheck disable=SC2016 # expanded by the hook's shell, not here
DEPLOY_CMD='echo "$ACMECTL_NAME $(readlink "$ACMECTL_CERT_DIR") $(date +%s.%N)" >> "$ACMECTL_CERT_DIR/../../../../deploy.log"'

node_home() { # NODE: a node's home (a is HOME_DIR, the renewing node)
  if [[ $1 == a ]]; then printf '%s\n' "$HOME_DIR"; else printf '%s\n' "$TEST_TMP/node-$1"; fi
}

issue_on_a() { # NAME: node a issues NAME into the store and adds the deploy command
  expect_exit 0 "${ISSUE[@]}" "${S[@]}" --node a -d "$1"
  expect_exit 0 "$ACMECTL" deploy-hook --home "$HOME_DIR" "${S[@]}" --node a "$1" --add "$DEPLOY_CMD"
}

renew_on_a() { # NAME
  expect_exit 0 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" "${S[@]}" --node a \
    --force --name "$1"
}

start_watcher() { # NODE [ARGS...]: acmectl sync --watch as node NODE; sets WATCH_PID
  local node=$1
  shift
  mkdir -p "$(node_home "$node")"
  "$ACMECTL" sync --watch --home "$(node_home "$node")" "${S[@]}" --node "$node" "$@" \
    </dev/null >"$TEST_TMP/watch-$node.out" 2>"$TEST_TMP/watch-$node.err" &
  WATCH_PID=$!
  on_exit "_stop_pid $WATCH_PID"
}

deploy_time() { # NODE NAME VERSION: when NODE ran the deploy of that version ("" = not yet)
  local log
  log="$(node_home "$1")/deploy.log"
  [[ -f $log ]] || return 0
  awk -v n="$2" -v v="versions/$3" '$1 == n && $2 == v {print $3; exit}' "$log"
}

wait_deployed() { # NODE NAME VERSION [SECONDS]: bounded wait for that deploy on NODE
  local i limit=$((${4:-15} * 20))
  for ((i = 0; i < limit; i++)); do
    [[ -n $(deploy_time "$1" "$2" "$3") ]] && return 0
    sleep 0.05
  done
  fail "node $1 did not deploy $2 version $3 within ${4:-15} s: $(cat "$TEST_TMP/watch-$1.err" 2>/dev/null | tail -5)"
}

stamp_activations() { # NAME: "UNIXTIME VERSION" per change of current, in TEST_TMP/activations-NAME
  # shellcheck disable=SC2094 # the loop only writes
  timeout 300 etcdctl --endpoints="$ETCD_URL" watch "/acme/certs/$1/current" \
    > >(while IFS= read -r line; do
      [[ $line =~ ^[0-9]+$ ]] && printf '%s %s\n' "$(date +%s.%N)" "$line"
    done >"$TEST_TMP/activations-$1") &
  on_exit "_stop_pid $!"
  sleep 0.5 # the watch is open before anything changes
}

activation_time() { # NAME VERSION: when etcd made VERSION current ("" = not seen)
  [[ -f $TEST_TMP/activations-$1 ]] || return 0
  awk -v v="$2" '$2 == v {print $1; exit}' "$TEST_TMP/activations-$1"
}
