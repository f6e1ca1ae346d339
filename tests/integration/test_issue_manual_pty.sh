#!/usr/bin/env bash
# --manual at a terminal (a pty driven by python): the instructions name the
# file and its content; the "person" creates it under a web root served on
# Pebble's http-01 port and presses Enter; the certificate is issued.
# Ctrl-D instead of Enter abandons the order. Renewing a manual lineage
# unattended fails with a clear message instead of waiting for a person.
source "$(dirname "$0")/lib.sh"

www=$TEST_TMP/www
mkdir -p "$www"
start_http_server "$www" "$HTTP_PORT"

# drive.py ANSWER WEBROOT CMD...: runs CMD on a pty; at "Press Enter" it
# creates every file the instructions name under WEBROOT, then sends ANSWER
# ("enter" or "eof"). Prints the transcript; exits with CMD's status (124
# after 60 s).
cat >"$TEST_TMP/drive.py" <<'PY'
import os, pty, re, select, signal, sys, time
answer, webroot, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(cmd[0], cmd)
out, answered, status = b"", False, None
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    ready, _, _ = select.select([fd], [], [], 0.2)
    if ready:
        try:
            data = os.read(fd, 4096)
        except OSError:  # EIO: the child closed the pty
            data = b""
        if not data:
            break
        out += data
    if not answered and b"Press Enter" in out:
        text = out.decode(errors="replace")
        for path, content in re.findall(r"path: +(\S+).*?\n +content: +(\S+)", text, re.S):
            full = os.path.join(webroot, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w") as f:
                f.write(content)
        os.write(fd, b"\n" if answer == "enter" else b"\x04")
        answered = True
else:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    sys.stdout.write(out.decode(errors="replace"))
    sys.exit(124)
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
PY

register_account
name=manual.pty.issue.example
MANUAL_ISSUE=("$ACMECTL" issue --home "$HOME_DIR" --server "$SERVER" --ca-bundle "$CA" --manual)
expect_exit 0 python3 "$TEST_TMP/drive.py" enter "$www" "${MANUAL_ISSUE[@]}" -d "$name"
expect_contains "$OUT" "Create this file on the web server of $name" "transcript"
expect_match "$OUT" "path: +\.well-known/acme-challenge/[A-Za-z0-9_-]+" "transcript"
expect_match "$OUT" "URL: +http://$name/\.well-known/acme-challenge/" "transcript"
expect_contains "$OUT" "Issued $name version 1" "transcript"
token=$(ls "$www/.well-known/acme-challenge")
expect_one_line "$token" "challenge files created"
expect_match "$(cat "$www/.well-known/acme-challenge/$token")" "^$token\.[A-Za-z0-9_-]{43}$" \
  "file content (token.thumbprint)"
expect_file "$(lineage_dir "$name")/current/cert.pem"
expect_eq "$(jq -cS .solver "$(lineage_dir "$name")/config.json")" '{"kind":"manual"}' \
  "config.json solver"

# Ctrl-D: not confirmed, nothing saved for that name
rm -rf "$www/.well-known"
expect_exit 1 python3 "$TEST_TMP/drive.py" eof "$www" "${MANUAL_ISSUE[@]}" -d abort.$name
expect_contains "$OUT" "not confirmed" "transcript"
expect_no_path "$(lineage_dir abort.$name)"

# renew from cron: refused at once, recorded as a failure, nothing changed
expect_exit 1 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --force --json
expect_eq "$(json '.lineages[0].action')" failed "renew outcome"
expect_contains "$(json '.lineages[0].error')" "cannot renew unattended" "renew error"
expect_no_path "$(lineage_dir "$name")/versions/2"
