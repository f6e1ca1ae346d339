#!/usr/bin/env bash
# check --online asks the CA: the account's status, and the certificate's
# revocation status from the OCSP responder Pebble names in its certificates
# (served by this test: `openssl ocsp` signing with Pebble's intermediate key).
# Pebble 2.4 has no renewalInfo; the ARI part is covered by unit_ops.
source "$(dirname "$0")/lib.sh"

OCSP_PORT=$(sed -n 's/^OCSP_PORT=//p' "$PEBBLE_DIR/ports.env")
OCSP_PORT=${OCSP_PORT:-14080}
CHECK=("$ACMECTL" check --home "$HOME_DIR" --ca-bundle "$CA" --online --json)

register_account
expect_exit 0 "${ISSUE[@]}" -d online.example --name on
cert=$(lineage_dir on)/current/cert.pem
expect_contains "$(openssl x509 -noout -ocsp_uri -in "$cert")" "127.0.0.1:$OCSP_PORT" "AIA"

curl -fsS --max-time 10 --cacert "$CA" "$MGMT_URL/intermediates/0" >"$TEST_TMP/issuer.pem"
curl -fsS --max-time 10 --cacert "$CA" "$MGMT_URL/intermediate-keys/0" >"$TEST_TMP/issuer.key"
expect_eq "$(openssl x509 -noout -fingerprint -in "$TEST_TMP/issuer.pem")" \
  "$(openssl x509 -noout -fingerprint -in "$(lineage_dir on)/current/chain.pem")" "chain.pem is intermediate 0"
serial=$(openssl x509 -noout -serial -in "$cert" | cut -d= -f2)
subject=$(openssl x509 -noout -subject -nameopt compat -in "$cert" | sed 's/^subject=//')

# An OCSP responder on 127.0.0.1: python3 serves HTTP, `openssl ocsp` makes
# each answer (offline, -reqin/-respout) from INDEX, signed by SIGNER.
cat >"$TEST_TMP/ocsp_server.py" <<'PY'
import http.server, subprocess, sys, os
port, workdir = int(sys.argv[1]), sys.argv[2]
class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        req = self.rfile.read(min(int(self.headers.get("Content-Length", 0)), 65536))
        with open(os.path.join(workdir, "req.der"), "wb") as f:
            f.write(req)
        with open(os.path.join(workdir, "signer")) as f:
            signer = f.read().strip()
        subprocess.run(["openssl", "ocsp", "-index", "index.txt", "-CA", "issuer.pem",
                        "-rsigner", signer + ".pem", "-rkey", signer + ".key", "-ndays", "1",
                        "-reqin", "req.der", "-respout", "resp.der"],
                       cwd=workdir, check=True, capture_output=True, timeout=20)
        with open(os.path.join(workdir, "resp.der"), "rb") as f:
            body = f.read()
        self.send_response(200)
        self.send_header("Content-Type", "application/ocsp-response")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
http.server.HTTPServer(("127.0.0.1", port), Handler).serve_forever()
PY
ocsp_answers() { # INDEX_LINE SIGNER(issuer|impostor): what the responder answers from now on
  printf '%s\n' "$1" >"$TEST_TMP/index.txt"
  printf '%s\n' "$2" >"$TEST_TMP/signer"
}
start_ocsp_responder() {
  timeout --kill-after=5 120 python3 "$TEST_TMP/ocsp_server.py" "$OCSP_PORT" "$TEST_TMP" \
    </dev/null >"$TEST_TMP/ocsp.log" 2>&1 &
  local pid=$! i
  on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
  for ((i = 0; i < 50; i++)); do # at most ~5 s until it listens
    ss -Htln "sport = :$OCSP_PORT" | grep -q . && return 0
    sleep 0.1
  done
  fail "the OCSP responder did not start: $(cat "$TEST_TMP/ocsp.log")"
}
tab=$'\t'

# No responder listening: the CA cannot be asked, UNKNOWN, and the account part still answers.
expect_exit 3 "${CHECK[@]}" on
expect_eq "$(json '.lineages[0].online.account_status')" valid "account status"
expect_contains "$(json '.lineages[0].findings[].message')" "online revocation: cannot connect to 127.0.0.1:$OCSP_PORT" "unreachable responder"

start_ocsp_responder
ocsp_answers "V${tab}300101000000Z${tab}${tab}${serial}${tab}unknown${tab}${subject}" issuer
expect_exit 0 "${CHECK[@]}" on
expect_eq "$(json '.lineages[0].online.revocation')" good "good"
expect_eq "$(json '.status')" OK "overall"

ocsp_answers "R${tab}300101000000Z${tab}260101000000Z,keyCompromise${tab}${serial}${tab}unknown${tab}${subject}" issuer
expect_exit 2 "$ACMECTL" check --home "$HOME_DIR" --ca-bundle "$CA" --online on
expect_contains "$OUT" "OCSP responder says revoked at 2026-01-01T00:00:00Z (keyCompromise)" "text"

# A response signed by someone else is refused, not believed.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=impostor -days 2 \
  -keyout "$TEST_TMP/impostor.key" -out "$TEST_TMP/impostor.pem" 2>/dev/null
ocsp_answers "V${tab}300101000000Z${tab}${tab}${serial}${tab}unknown${tab}${subject}" impostor
expect_exit 3 "${CHECK[@]}" on
expect_contains "$(json '.lineages[0].findings[].message')" "does not verify" "impostor"

# Without --online nothing is asked: the same store is OK.
expect_exit 0 "$ACMECTL" check --home "$HOME_DIR" --json on
expect_eq "$(jq -r '.lineages[0].online' <<<"$OUT")" null "no online part"

# A deactivated account is CRITICAL: its renewals would fail.
ocsp_answers "V${tab}300101000000Z${tab}${tab}${serial}${tab}unknown${tab}${subject}" issuer
expect_exit 0 "$ACMECTL" register --home "$HOME_DIR" --ca-bundle "$CA" --server "$SERVER" --deactivate --yes
# The deactivated account's files were moved aside: no account is CRITICAL too.
moved=$(ls -d "$ACCOUNT_DIR".deactivated-*)
expect_exit 2 "${CHECK[@]}" on
expect_eq "$(json '.lineages[0].online.account_status')" missing "account status without an account"
expect_contains "$(json '.lineages[0].findings[] | select(.status == "CRITICAL") | .message')" "no account 'default'" "finding"
# A store that still holds it (a copy): the CA refuses it.
mv "$moved" "$ACCOUNT_DIR"
expect_exit 2 "${CHECK[@]}" on
expect_eq "$(json '.lineages[0].online.revocation')" good "still good at the CA"
expect_contains "$(json '.lineages[0].online.account_status')" refused "account status"
expect_eq "$(json '.lineages[0].status')" CRITICAL "lineage status"
expect_contains "$(json '.lineages[0].findings[] | select(.status == "CRITICAL") | .message')" \
  "account 'default' is refused" "finding"
