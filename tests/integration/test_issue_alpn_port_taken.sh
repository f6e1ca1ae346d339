#!/usr/bin/env bash
# --alpn on a port another program holds: exit 1 naming the port, before any
# order; nothing written under certs/.
source "$(dirname "$0")/lib.sh"

TLS_PORT=5001
register_account
# a listener that is not ours (python, stopped at exit)
timeout --kill-after=5 120 python3 -c '
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", '"$TLS_PORT"')); s.listen(1); time.sleep(100)' </dev/null &
pid=$!
on_exit "_stop_pid $pid"
for ((i = 0; i < 50; i++)); do
  timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$TLS_PORT" 2>/dev/null && break
  sleep 0.1
done
expect_exit 1 "$ACMECTL" issue --home "$HOME_DIR" --server "$SERVER" --ca-bundle "$CA" -q \
  --alpn --tls-port "$TLS_PORT" --tls-address 127.0.0.1 -d taken.alpn.issue.example
expect_one_line "$ERR" "stderr"
expect_contains "$ERR" "127.0.0.1 port $TLS_PORT: address already in use" "stderr"
expect_no_lineage
