# Sourced by the tests/integration/test_expiry_*.sh cases, after lib.sh.
# They need no Pebble: they make their own certificates with openssl and
# serve them on 127.0.0.1 (or ::1) with `openssl s_server` or a small python3
# server, each stopped at exit (on_exit) and bounded by `timeout` as a net.
#
#   make_root NAME                   self-signed CA: $PKI/NAME.pem, $PKI/NAME.key
#   make_cert NAME ISSUER CN SAN FROM UNTIL [leaf|inter]
#                                    FROM/UNTIL are `date -d` offsets ("-3 days")
#   make_self_signed NAME CN SAN DAYS
#   start_s_server CERT KEY [CHAIN]  openssl s_server -www; sets PORT
#   start_py MODE ARGS...            python3 server (tls, starttls, silent);
#                                    sets PORTS (array, one per listener)
#   closed_port                      prints a loopback port nobody listens on
#   elapsed_ms START_NS              milliseconds since START_NS ($(date +%s%N))
# shellcheck shell=bash

PKI=$TEST_TMP/pki
SERVER_LIFETIME=${SERVER_LIFETIME:-120} # seconds a server may live at most
mkdir -p "$PKI/issued"
: >"$PKI/index.txt"
echo 1000 >"$PKI/serial"
cat >"$PKI/ca.cnf" <<EOF
[ca]
default_ca = test_ca
[test_ca]
database = $PKI/index.txt
new_certs_dir = $PKI/issued
serial = $PKI/serial
default_md = sha256
policy = policy_any
unique_subject = no
email_in_dn = no
copy_extensions = none
[policy_any]
commonName = supplied
[leaf]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = \$ENV::SAN
[inter]
basicConstraints = critical,CA:true,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
EOF

_openssl() { # ARGS...: openssl, its chatter in a log, failing the test when it fails
  openssl "$@" >>"$PKI/openssl.log" 2>&1 || fail "openssl $1 failed: $(tail -n 5 "$PKI/openssl.log")"
}

_utc() { # OFFSET: a `date -d` offset as the GeneralizedTime `openssl ca` wants
  date -u -d "$1" +%Y%m%d%H%M%SZ
}

make_root() { # NAME
  _openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$PKI/$1.key" -out "$PKI/$1.pem" -subj "/CN=acmectl test $1" -days 3650 \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
}

make_cert() { # NAME ISSUER CN SAN FROM UNTIL [leaf|inter]
  local name=$1 issuer=$2 cn=$3 san=$4 from=$5 until=$6 kind=${7:-leaf}
  _openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$PKI/$name.key" -out "$PKI/$name.csr" -subj "/CN=$cn"
  SAN=$san _openssl ca -batch -config "$PKI/ca.cnf" -cert "$PKI/$issuer.pem" \
    -keyfile "$PKI/$issuer.key" -in "$PKI/$name.csr" -out "$PKI/$name.pem" \
    -startdate "$(_utc "$from")" -enddate "$(_utc "$until")" -extensions "$kind" -notext
}

make_self_signed() { # NAME CN SAN DAYS
  _openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$PKI/$1.key" -out "$PKI/$1.pem" -subj "/CN=$2" -days "$4" \
    -addext "subjectAltName=$3" -addext basicConstraints=critical,CA:false
}

closed_port() { # a loopback port that was free a moment ago
  python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

elapsed_ms() { # START_NS
  echo $((($(date +%s%N) - $1) / 1000000))
}

_port_open() { # HOST PORT
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

start_s_server() { # CERT KEY [CHAIN]: openssl s_server on 127.0.0.1; sets PORT
  local cert=$1 key=$2 chain=${3:-} attempt i pid log
  local extra=()
  [[ -z $chain ]] || extra=(-cert_chain "$chain")
  for ((attempt = 0; attempt < 5; attempt++)); do # another test may take the port first
    PORT=$(closed_port)
    log=$TEST_TMP/s_server-$PORT.log
    timeout --kill-after=5 "$SERVER_LIFETIME" openssl s_server -accept "127.0.0.1:$PORT" \
      -cert "$cert" -key "$key" "${extra[@]}" -www -quiet </dev/null >"$log" 2>&1 &
    pid=$!
    on_exit "_stop_pid $pid"
    for ((i = 0; i < 100; i++)); do # at most ~10 s
      if _port_open 127.0.0.1 "$PORT"; then
        return 0
      fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  done
  fail "openssl s_server did not start: $(tail -n 5 "$log")"
}

start_py() { # MODE ARGS...: the python3 server below; sets PORTS
  local ports_file=$TEST_TMP/py-$RANDOM-$RANDOM.ports pid i
  _write_py_server
  timeout --kill-after=5 "$SERVER_LIFETIME" python3 "$TEST_TMP/expiry_server.py" "$1" \
    --ports-file "$ports_file" "${@:2}" </dev/null >"$ports_file.log" 2>&1 &
  pid=$!
  on_exit "_stop_pid $pid"
  for ((i = 0; i < 100; i++)); do # at most ~10 s
    if [[ -s $ports_file ]]; then
      mapfile -t PORTS <"$ports_file"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  fail "python3 $1 server did not start: $(tail -n 5 "$ports_file.log")"
}

_write_py_server() {
  [[ -f $TEST_TMP/expiry_server.py ]] && return 0
  cat >"$TEST_TMP/expiry_server.py" <<'PY'
"""Loopback servers for the expiry tests.

tls      --cert C --key K [--count N] [--host H]: N listeners that complete
         TLS handshakes and close.
starttls --cert C --key K --protocols smtp,imap,... [--refuse]: one listener
         per protocol, speaking its plaintext greeting and STARTTLS (or
         refusing it), then TLS.
silent   [--count N]: listeners that accept TCP and never say a word.
The ports are written one a line (starttls: "PROTOCOL PORT") to --ports-file
once every listener is bound.
"""
import argparse, os, selectors, socket, ssl, threading

def recv_line(conn):
    data = b""
    while not data.endswith(b"\n"):
        b = conn.recv(1)
        if not b:
            raise EOFError
        data += b
        if len(data) > 4096:
            raise EOFError
    return data.decode("latin-1").strip()

def recv_until(conn, needle):
    data = b""
    while needle not in data:
        b = conn.recv(1)
        if not b or len(data) > 65536:
            raise EOFError
        data += b
    return data

def recv_exact(conn, n):
    data = b""
    while len(data) < n:
        b = conn.recv(n - len(data))
        if not b:
            raise EOFError
        data += b
    return data

def smtp(conn, refuse):
    conn.sendall(b"220 localhost ESMTP acmectl-test\r\n")
    while True:
        line = recv_line(conn).upper()
        if line.startswith(("EHLO", "HELO")):
            conn.sendall(b"250-localhost\r\n250-PIPELINING\r\n250 STARTTLS\r\n")
        elif line == "STARTTLS":
            if refuse:
                conn.sendall(b"454 4.7.0 TLS not available\r\n")
                return False
            conn.sendall(b"220 2.0.0 Ready to start TLS\r\n")
            return True
        else:
            conn.sendall(b"502 5.5.2 what?\r\n")

def imap(conn, refuse):
    conn.sendall(b"* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n")
    tag = recv_line(conn).split(" ")[0]
    if refuse:
        conn.sendall(tag.encode() + b" BAD no\r\n")
        return False
    conn.sendall(b"* an untagged line first\r\n" + tag.encode() + b" OK Begin TLS now\r\n")
    return True

def pop3(conn, refuse):
    conn.sendall(b"+OK POP3 ready\r\n")
    recv_line(conn)
    conn.sendall(b"-ERR no\r\n" if refuse else b"+OK Begin TLS\r\n")
    return not refuse

def ftp(conn, refuse):
    conn.sendall(b"220-Welcome\r\n220 ready\r\n")
    recv_line(conn)
    conn.sendall(b"534 no\r\n" if refuse else b"234 AUTH TLS successful\r\n")
    return not refuse

def postgres(conn, refuse):
    if recv_exact(conn, 8) != b"\x00\x00\x00\x08\x04\xd2\x16\x2f":
        return False
    conn.sendall(b"N" if refuse else b"S")
    return not refuse

def xmpp(conn, refuse):
    recv_until(conn, b"<stream:stream")
    recv_until(conn, b">")
    conn.sendall(b"<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                 b"xmlns:stream='http://etherx.jabber.org/streams' id='1' from='localhost' "
                 b"version='1.0'>"
                 # Nothing to offer: the self-closed form a server may send.
                 + (b"<stream:features/>" if refuse else
                    b"<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'>"
                    b"<required/></starttls></stream:features>"))
    if refuse:
        return False
    recv_until(conn, b"/>")
    conn.sendall(b"<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
    return True

def ldap(conn, refuse):
    head = recv_exact(conn, 2)
    recv_exact(conn, head[1])
    code = b"\x34" if refuse else b"\x00"  # 52: unavailable
    conn.sendall(b"\x30\x0c\x02\x01\x01\x78\x07\x0a\x01" + code + b"\x04\x00\x04\x00")
    return not refuse

PROTOCOLS = {"smtp": smtp, "imap": imap, "pop3": pop3, "ftp": ftp, "postgres": postgres,
             "xmpp": xmpp, "ldap": ldap}

def serve(conn, args, protocol):
    try:
        conn.settimeout(10)
        if protocol and not PROTOCOLS[protocol](conn, args.refuse):
            return
        if args.mode == "silent":
            while conn.recv(4096):
                pass
            return
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
        with ctx.wrap_socket(conn, server_side=True) as tls:
            tls.recv(1)  # until the client closes
    except (OSError, EOFError, ssl.SSLError):
        pass
    finally:
        conn.close()

def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["tls", "starttls", "silent"])
    p.add_argument("--ports-file", required=True)
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--protocols", default="")
    p.add_argument("--refuse", action="store_true")
    args = p.parse_args()
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    names = args.protocols.split(",") if args.mode == "starttls" else [None] * args.count
    sel = selectors.DefaultSelector()
    lines = []
    for name in names:
        s = socket.socket(family, socket.SOCK_STREAM)
        s.bind((args.host, 0))
        s.listen(128)
        sel.register(s, selectors.EVENT_READ, name)
        port = s.getsockname()[1]
        lines.append(f"{name} {port}" if name else str(port))
    tmp = args.ports_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.rename(tmp, args.ports_file)
    while True:
        for key, _ in sel.select():
            conn, _ = key.fileobj.accept()
            threading.Thread(target=serve, args=(conn, args, key.data), daemon=True).start()

main()
PY
}
