#!/usr/bin/env bash
# SIGTERM during a webroot renewal (the web server is slow to answer the
# CA's validation, so acmectl is waiting for the authorization): the token
# is removed from the webroot, state.json records the interruption as the
# lineage's failure, and acmectl exits 143. With --json, the lineages already
# printed (those not due come first) stay one valid JSON document naming the
# interruption.
source "$(dirname "$0")/lib.sh"

name=term.web.example
webroot=$TEST_TMP/www
mkdir -p "$webroot"
# A web server that answers after 30 s once $TEST_TMP/slow exists.
timeout --kill-after=5 300 python3 -c '
import functools, http.server, os, sys, time
class Slow(http.server.SimpleHTTPRequestHandler):
    def do_GET(self):
        if os.path.exists(sys.argv[3]):
            time.sleep(30)
        super().do_GET()
handler = functools.partial(Slow, directory=sys.argv[2])
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), handler).serve_forever()
' "$HTTP_PORT" "$webroot" "$TEST_TMP/slow" </dev/null >"$TEST_TMP/http.log" 2>&1 &
server=$!
on_exit "kill $server 2>/dev/null || true"
for ((i = 0; i < 100; i++)); do
  curl -s --max-time 1 -o /dev/null "http://127.0.0.1:$HTTP_PORT/" && break
  sleep 0.1
done

register_account
expect_exit 0 "$ACMECTL" issue --home "$HOME_DIR" --server "$SERVER" --ca-bundle "$CA" \
  --webroot "$webroot" -d "$name" --name "$name"
expect_exit 0 "$ACMECTL" issue --home "$HOME_DIR" --server "$SERVER" --ca-bundle "$CA" \
  --webroot "$webroot" -d "calm.$name" --name calm
# renew keeps what it needs of the current certificate in state.json (issue
# #20): a cached lifetime ending in a day makes $name due without --force, while
# calm stays not due and is printed first.
expect_exit 0 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA"
state=$HOME_DIR/certs/$name/state.json
jq --arg from "$(date -u -d '-80 days' +%Y-%m-%dT%H:%M:%SZ)" \
  --arg to "$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)" \
  '.cert.not_before = $from | .cert.not_after = $to' "$state" >"$TEST_TMP/state" &&
  cat "$TEST_TMP/state" >"$state"
# A new account, so that the renewal needs a new validation.
rm -rf "$ACCOUNT_DIR"
register_account
touch "$TEST_TMP/slow"
"$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --json </dev/null \
  >"$TEST_TMP/out" 2>"$TEST_TMP/err" &
pid=$!
on_exit "kill -KILL $pid 2>/dev/null || true"
tokens=$webroot/.well-known/acme-challenge
for ((i = 0; i < 100; i++)); do # the token is published: validation under way
  [[ -n $(ls -A "$tokens" 2>/dev/null) ]] && break
  sleep 0.1
done
[[ -n $(ls -A "$tokens" 2>/dev/null) ]] || fail "no token was published"
sleep 1
expect_sigterm_exit "$pid" 10
expect_eq "$(find "$tokens" -type f | wc -l)" 0 "token files left in the webroot"
expect_eq "$(jq -r '.lineages[0].name' "$TEST_TMP/out")" calm "--json: the lineage not due"
expect_eq "$(jq -r .error "$TEST_TMP/out")" "interrupted by SIGTERM" "--json: the interruption"
expect_eq "$(jq -r .last_error "$state")" "interrupted by SIGTERM" "state.json last_error"
expect_eq "$(jq -r .consecutive_failures "$state")" 1 "state.json failures"
expect_eq "$(readlink "$HOME_DIR/certs/$name/current")" "versions/1" "current/ untouched"
echo "SIGTERM: token removed, interruption recorded"
