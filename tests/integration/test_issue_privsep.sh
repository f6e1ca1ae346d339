#!/usr/bin/env bash
# As root, the http-01 standalone server that Pebble talks to runs as an
# unprivileged user. A small proxy on Pebble's validation port stands between
# Pebble and acmectl's server (on another port): at each validation request
# it looks at who holds that server's listening socket. acmectl itself (root)
# must not hold it any more, and its child that serves it runs as the dropped
# user (acmectl if that user exists, else nobody); issuance still works.
# Not root: nothing to drop (exit 77, skipped).
source "$(dirname "$0")/lib.sh"

((EUID == 0)) || { echo "skipped: needs root" >&2; exit 77; }
drop_user=$(getent passwd acmectl >/dev/null && echo acmectl || echo nobody)
drop_uid=$(id -u "$drop_user")
server_port=$((HTTP_PORT + 1000))
register_account

# At each request: "<1 if acmectl holds the listener, else 0> <its children's
# uids>", then the request is passed on. Root without CAP_SYS_PTRACE (a
# container) cannot read the unprivileged child's descriptors, only its status.
cat >"$TEST_TMP/proxy.py" <<'PY'
import glob, os, socket, sys
listen_port, server_port, pid_file, seen = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]

def inodes(port):
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in open(table).readlines()[1:]:
            f = line.split()
            if f[3] == "0A" and f[1].endswith(":%04X" % port):
                found.append(f[9])
    return found

def look():
    pid = open(pid_file).read().strip()
    links = set()
    for fd in glob.glob("/proc/%s/fd/*" % pid):
        try:
            links.add(os.readlink(fd))
        except OSError:
            pass
    holds = any("socket:[%s]" % i in links for i in inodes(server_port))
    uids = []
    for children in glob.glob("/proc/%s/task/*/children" % pid):
        for child in open(children).read().split():
            for line in open("/proc/%s/status" % child):
                if line.startswith("Uid:"):
                    uids.append(line.split()[2])
    with open(seen, "a") as out:
        out.write("%d %s\n" % (holds, " ".join(uids)))

s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", listen_port))
s.listen(16)
while True:
    client, _ = s.accept()
    client.settimeout(10)
    request = b""
    while b"\r\n\r\n" not in request:
        data = client.recv(4096)
        if not data:
            break
        request += data
    look()
    upstream = socket.create_connection(("127.0.0.1", server_port), timeout=10)
    upstream.sendall(request)
    while True:
        data = upstream.recv(4096)
        if not data:
            break
        client.sendall(data)
    upstream.close()
    client.close()
PY

pid_file=$TEST_TMP/issuer.pid
python3 "$TEST_TMP/proxy.py" "$HTTP_PORT" "$server_port" "$pid_file" "$TEST_TMP/seen" \
  2>"$TEST_TMP/proxy.log" &
on_exit "kill $! 2>/dev/null"
for ((i = 0; i < 100; i++)); do # bounded: the proxy listens within 10 s
  grep -q ":$(printf '%04X' "$HTTP_PORT") .* 0A " /proc/net/tcp && break
  sleep 0.1
done

"$ACMECTL" issue --home "$HOME_DIR" --server "$SERVER" --ca-bundle "$CA" --standalone \
  --http-port "$server_port" --json -d privsep.example --name privsep \
  >"$TEST_TMP/out" 2>"$TEST_TMP/err" </dev/null &
issuer=$!
echo "$issuer" >"$pid_file"
RC=0
wait "$issuer" || RC=$?
OUT=$(<"$TEST_TMP/out")
ERR=$(<"$TEST_TMP/err")
expect_eq "$RC" 0 "exit status of issue"
expect_issued privsep 1
seen=$(sort -u "$TEST_TMP/seen" 2>/dev/null || true)
[[ -n $seen ]] || fail "the CA never validated through the proxy: $(<"$TEST_TMP/proxy.log")"
grep -q '^1' <<<"$seen" &&
  fail "acmectl, running as root, held the http-01 port while the CA validated: $seen"
grep -Eq "^0 ([0-9]+ )*$drop_uid( |$)" <<<"$seen" ||
  fail "no child of acmectl ran as $drop_user while the CA validated: $seen"
grep -Eq '^0 ([0-9]+ )*0( |$)' <<<"$seen" &&
  fail "a child of acmectl ran as root while the CA validated: $seen"
true
