# Sourced (after lib.sh) by the dns-01 cases. It sets:
#   DNS_SERVER    challtestsrv's DNS (127.0.0.1:8053), Pebble's resolver
#   DNS_MGMT_URL  challtestsrv's management API (http://127.0.0.1:8055)
#   HOOK_LOG      the call log the hooks below append to
# and gives:
#   write_dns_hook FILE [MODE]  a dns hook (bash + curl): `add FQDN VALUE` sets the
#       TXT record on challtestsrv (/set-txt), `del FQDN VALUE` clears it
#       (/clear-txt); every call appends "OP FQDN VALUE | ENV_FQDN ENV_VALUE
#       ENV_DOMAIN" to HOOK_LOG. MODE "wrong" adds a wrong value, "fail" makes
#       `add` exit 3 with a message, "nothing" adds nothing.
#   hook_calls OP               the logged calls of OP ("add" or "del"), one a line
#   clear_txt FQDN              clears a TXT record (cleanup after a failed case)
# shellcheck shell=bash

DNS_SERVER=127.0.0.1:8053
DNS_MGMT_URL=http://127.0.0.1:8055
if [[ -f $PEBBLE_DIR/ports.env ]]; then
  DNS_SERVER=$(sed -n 's/^DNS_SERVER=//p' "$PEBBLE_DIR/ports.env")
  DNS_MGMT_URL=$(sed -n 's/^DNS_MGMT_URL=//p' "$PEBBLE_DIR/ports.env")
fi
HOOK_LOG=$TEST_TMP/hook-calls.log

write_dns_hook() { # FILE [MODE]
  local file=$1 mode=${2:-ok}
  cat >"$file" <<HOOK
#!/usr/bin/env bash
set -euo pipefail
op=\$1 fqdn=\$2 value=\$3
echo "\$op \$fqdn \$value | \${ACMECTL_DNS_FQDN:-} \${ACMECTL_DNS_VALUE:-} \${ACMECTL_DOMAIN:-}" >>'$HOOK_LOG'
mode='$mode'
case \$op in
  add)
    if [[ \$mode == fail ]]; then echo "no zone for \$fqdn" >&2; exit 3; fi
    if [[ \$mode == nothing ]]; then exit 0; fi
    if [[ \$mode == wrong ]]; then value=wrong-\$value; fi
    curl -fsS --max-time 5 -X POST -d "{\"host\":\"\$fqdn.\",\"value\":\"\$value\"}" '$DNS_MGMT_URL/set-txt' ;;
  del)
    curl -fsS --max-time 5 -X POST -d "{\"host\":\"\$fqdn.\"}" '$DNS_MGMT_URL/clear-txt' ;;
  *) echo "unknown operation \$op" >&2; exit 2 ;;
esac
HOOK
  chmod 0755 "$file"
}

hook_calls() { # OP
  if [[ -f $HOOK_LOG ]]; then
    grep "^$1 " "$HOOK_LOG" || true
  fi
}

clear_txt() { # FQDN
  curl -fsS --max-time 5 -X POST -d "{\"host\":\"$1.\"}" "$DNS_MGMT_URL/clear-txt" >/dev/null 2>&1 || true
}

