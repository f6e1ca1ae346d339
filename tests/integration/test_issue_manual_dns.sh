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
PTY_DRIVE=(python3 "$REPO_ROOT/tests/integration/fixtures/pty_drive.py")

register_account
M=("$ACMECTL" issue --home "$HOME_DIR" --server "$SERVER" --ca-bundle "$CA" --manual-dns)
expect_exit 0 "${PTY_DRIVE[@]}" --expect "Press Enter" --txt-api "$DNS_MGMT_URL" -- "${M[@]}" -d "*.$name" -d "$name" --name mdns
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
