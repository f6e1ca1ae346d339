# Sourced (after lib.sh) by the cases that need ARI renewalInfo or profiles,
# which Pebble 2.4 lacks: starts fixtures/ari_proxy.py in front of Pebble on
# loopback and redefines SERVER, CA (Pebble's roots + the proxy's own
# certificate) and ISSUE to go through it. It sets ARI_STATE (the proxy's
# state folder, see ari_proxy.py) and gives:
#   ari_cert_id CERT.PEM             the RFC 9773 CertID of a certificate
#   ari_window ID|* START END RETRY  the window (RFC 3339) the proxy answers for ID
#   ari_answer ID|* STATUS BODY      a raw answer instead (malformed, 500)
#   ari_requests ID                  how many renewalInfo requests asked for ID
# shellcheck shell=bash

ARI_PORT=14300
ARI_STATE=$TEST_TMP/ari
mkdir -p "$ARI_STATE"
echo '{}' > "$ARI_STATE/ari.json"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
  -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
  -keyout "$ARI_STATE/key.pem" -out "$ARI_STATE/cert.pem" 2>/dev/null
cat "$CA" "$ARI_STATE/cert.pem" > "$ARI_STATE/bundle.pem"
timeout --kill-after=5 600 python3 "$REPO_ROOT/tests/integration/fixtures/ari_proxy.py" \
  "$ARI_PORT" "${SERVER%/dir}" "$ARI_STATE/cert.pem" "$ARI_STATE/key.pem" "$ARI_STATE" \
  </dev/null >"$ARI_STATE/proxy.out" 2>&1 &
_ari_pid=$!
on_exit "_stop_pid $_ari_pid"
SERVER=https://127.0.0.1:$ARI_PORT/dir
CA=$ARI_STATE/bundle.pem
ACCOUNT_DIR=$HOME_DIR/accounts/127.0.0.1_$ARI_PORT/default
for ((_i = 0; _i < 100; _i++)); do # at most ~10 s
  curl -fsS --max-time 1 --cacert "$CA" -o /dev/null "$SERVER" 2>/dev/null && break
  kill -0 "$_ari_pid" 2>/dev/null || fail "ari_proxy.py exited: $(cat "$ARI_STATE/proxy.out")"
  sleep 0.1
done
((_i < 100)) || fail "ari_proxy.py did not answer on $ARI_PORT"
ISSUE=("$ACMECTL" issue --home "$HOME_DIR" --server "$SERVER" --ca-bundle "$CA"
  --standalone --http-port "$HTTP_PORT" --json)

_b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }

ari_cert_id() { # CERT.PEM: base64url(AKI keyIdentifier) "." base64url(serial DER content)
  local aki serial
  aki=$(openssl x509 -in "$1" -noout -ext authorityKeyIdentifier |
    sed -n '2p' | sed 's/keyid://; s/[ :]//g')
  serial=$(openssl x509 -in "$1" -noout -serial | sed 's/serial=//')
  ((${#serial} % 2 == 0)) || serial=0$serial
  [[ ${serial:0:1} =~ [89A-Fa-f] ]] && serial=00$serial
  echo "$(xxd -r -p <<<"$aki" | _b64url).$(xxd -r -p <<<"$serial" | _b64url)"
}

ari_window() { # ID START END RETRY_AFTER
  jq --arg id "$1" --arg s "$2" --arg e "$3" --argjson r "$4" \
    '.[$id] = {start: $s, end: $e, retry_after: $r}' "$ARI_STATE/ari.json" > "$ARI_STATE/ari.tmp"
  mv "$ARI_STATE/ari.tmp" "$ARI_STATE/ari.json"
}

ari_answer() { # ID STATUS BODY
  jq --arg id "$1" --argjson st "$2" --arg b "$3" '.[$id] = {status: $st, body: $b}' \
    "$ARI_STATE/ari.json" > "$ARI_STATE/ari.tmp"
  mv "$ARI_STATE/ari.tmp" "$ARI_STATE/ari.json"
}

ari_requests() { # ID
  grep -cxF "$1" "$ARI_STATE/renewal_info.log" 2>/dev/null || true
}

rfc3339() { # OFFSET (date -d syntax, e.g. "-2 days")
  date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ
}
