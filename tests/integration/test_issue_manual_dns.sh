#!/usr/bin/env bash
# --manual-dns at a terminal (a pty driven by python), for a one-off wildcard:
# the instructions name each TXT record and its value; the "person" creates
# them (on pebble-challtestsrv, Pebble's DNS) and presses Enter; the
# certificate is issued, and the records may then be deleted. Without a
# terminal it refuses at once.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/dns_hook_lib.sh"

name=mdns.manual.example
on_exit "clear_txt _acme-challenge.$name"
# drive.py CMD...: runs CMD on a pty; at "Press Enter" it creates every
# record the instructions name, then presses Enter. Prints the transcript;
# exits with CMD's status (124 after 60 s).
cat >"$TEST_TMP/drive.py" <<PY
import json, os, pty, re, select, signal, sys, time, urllib.request
cmd = sys.argv[1:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(cmd[0], cmd)
out, answered = b"", False
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    ready, _, _ = select.select([fd], [], [], 0.2)
    if ready:
        try:
            data = os.read(fd, 4096)
        except OSError:
            data = b""
        if not data:
            break
        out += data
    if not answered and b"Press Enter" in out:
        for fqdn, value in re.findall(r'(\S+\.) TXT "(\S+)"', out.decode(errors="replace")):
            body = json.dumps({"host": fqdn, "value": value}).encode()
            urllib.request.urlopen("$DNS_MGMT_URL/set-txt", body, timeout=5).read()
        os.write(fd, b"\n")
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
M=("$ACMECTL" issue --home "$HOME_DIR" --server "$SERVER" --ca-bundle "$CA" --manual-dns)
expect_exit 0 python3 "$TEST_TMP/drive.py" "${M[@]}" -d "*.$name" -d "$name" --name mdns
expect_contains "$OUT" "Create these DNS TXT records" "transcript"
n=$(grep -cE "_acme-challenge\.$name\. TXT \"[A-Za-z0-9_-]{43}\"  \(for" <<<"$OUT" || true)
expect_eq "$n" 2 "records asked for (wildcard and apex: two values)"
expect_contains "$OUT" "you may delete them" "transcript"
expect_contains "$OUT" "Issued mdns version 1" "transcript"
expect_eq "$(cert_sans "$(lineage_dir mdns)/current/cert.pem" | paste -sd' ')" "*.$name $name" "SANs"
expect_eq "$(jq -r .solver.kind "$(lineage_dir mdns)/config.json")" manual-dns "config.json solver"

expect_exit 1 "${M[@]}" -d "*.other.manual.example"
expect_one_line "$ERR" "stderr"
expect_contains "$ERR" "--manual-dns needs a terminal" "stderr"
expect_exit 1 "$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --force --json
expect_contains "$(json '.lineages[0].error')" "cannot renew unattended" "renew error"
