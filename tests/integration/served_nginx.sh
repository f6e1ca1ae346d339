# Sourced by the tests/integration/test_served_*.sh cases, after lib.sh: a
# real nginx on 127.0.0.1 that serves a lineage's current/ certificate, with
# its own prefix, pid file, logs and temp folders in the test's TEST_TMP.
# It runs in the foreground under `timeout` (a net) and is stopped by
# on_exit, also when the test fails. Works as root (workers stay root: the
# store in TEST_TMP is private) and as an ordinary user (no `user` directive).
#
#   NGINX_PREFIX, NGINX_CONF      for `nginx -s reload -c $NGINX_CONF -p $NGINX_PREFIX`
#   nginx_server LISTEN CERT KEY  adds a TLS server block on LISTEN (127.0.0.1:PORT or
#                                 [::1]:PORT), before start_nginx
#   nginx_http_conf TEXT          adds TEXT to the http block (a map), before start_nginx
#   start_nginx                   writes the config, starts nginx, waits for every port
#   nginx_reload_hook             the deploy hook that reloads it (no shell needed)
#   served_fingerprint PORT SNI   SHA-256 of the leaf nginx serves there
#   loopback_ports N              prints N distinct loopback ports free a moment ago
# shellcheck shell=bash

source "$(dirname "${BASH_SOURCE[0]}")/expiry_servers.sh"
command -v nginx >/dev/null || PATH=$PATH:/usr/sbin
command -v nginx >/dev/null || fail "nginx is not installed (scripts/bootstrap installs it)"

NGINX_PREFIX=$TEST_TMP/nginx
NGINX_CONF=$NGINX_PREFIX/nginx.conf
_nginx_servers=""
_nginx_http_extra=""
_nginx_listen=()
mkdir -p "$NGINX_PREFIX/tmp" "$NGINX_PREFIX/logs"

loopback_ports() { # N: all bound at once, so they differ
  python3 -c 'import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))' "$1"
}

nginx_server() { # LISTEN CERT KEY
  _nginx_listen+=("$1")
  _nginx_servers+="
    server {
        listen $1 ssl;
        ssl_certificate $2;
        ssl_certificate_key $3;
        location / { return 200 \"$1\\n\"; }
    }"
}

nginx_http_conf() { # TEXT
  _nginx_http_extra+="
$1"
}

_nginx_write_conf() {
  local user=""
  if [[ $(id -u) == 0 ]]; then
    user="user root;" # nobody could not enter the private TEST_TMP
  fi
  cat >"$NGINX_CONF" <<CONF
$user
worker_processes 1;
pid $NGINX_PREFIX/nginx.pid;
error_log $NGINX_PREFIX/logs/error.log info;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $NGINX_PREFIX/tmp/body;
    proxy_temp_path $NGINX_PREFIX/tmp/proxy;
    fastcgi_temp_path $NGINX_PREFIX/tmp/fastcgi;
    uwsgi_temp_path $NGINX_PREFIX/tmp/uwsgi;
    scgi_temp_path $NGINX_PREFIX/tmp/scgi;
$_nginx_http_extra
$_nginx_servers
}
CONF
}

start_nginx() { # after nginx_server ...: start it and wait until each address shakes hands
  local pid i listen
  _nginx_write_conf
  nginx -t -q -c "$NGINX_CONF" -p "$NGINX_PREFIX" -e "$NGINX_PREFIX/logs/error.log" \
    2>"$NGINX_PREFIX/logs/test.log" || fail "nginx -t: $(cat "$NGINX_PREFIX/logs/test.log")"
  timeout --kill-after=5 300 nginx -c "$NGINX_CONF" -p "$NGINX_PREFIX" \
    -e "$NGINX_PREFIX/logs/error.log" -g 'daemon off;' \
    </dev/null >"$NGINX_PREFIX/logs/stdout.log" 2>&1 &
  pid=$!
  on_exit "_stop_pid $pid"
  for listen in "${_nginx_listen[@]}"; do
    for ((i = 0; i < 100; i++)); do # at most ~10 s per address
      if curl -sk --max-time 1 -o /dev/null "https://$listen/"; then
        break
      fi
      kill -0 "$pid" 2>/dev/null || fail "nginx exited: $(tail -n 5 "$NGINX_PREFIX/logs/error.log")"
      sleep 0.1
    done
    ((i < 100)) || fail "nginx did not answer on $listen within 10 s"
  done
}

nginx_reload_hook() { # the deploy hook command: reload this nginx (execve, no shell)
  printf '%s' "$(command -v nginx) -s reload -c $NGINX_CONF -p $NGINX_PREFIX -e $NGINX_PREFIX/logs/error.log"
}

served_fingerprint() { # PORT SNI: SHA-256 of the leaf 127.0.0.1:PORT serves, lower-case hex
  openssl s_client -connect "127.0.0.1:$1" -servername "$2" </dev/null 2>/dev/null |
    openssl x509 -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f'
}
