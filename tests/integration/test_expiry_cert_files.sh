#!/usr/bin/env bash
# --cert reads local files instead of probing: a PEM full chain verifies (0),
# a DER leaf alone misses its intermediate (2), a wrong --sni is a hostname
# mismatch (2), a missing or non-certificate file is UNKNOWN (3).
export PEBBLE_DIR=${PEBBLE_DIR:-/nonexistent} # lib.sh wants it; these cases need no Pebble
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/expiry_servers.sh"

make_root root
make_cert inter root "acmectl test intermediate" DNS:unused "-1 day" "+3000 days" inter
make_cert leaf inter localhost DNS:localhost "-1 day" "+30 days -1 hour"
# A full chain as servers are configured with, a private key block in the middle.
cat "$PKI/leaf.pem" "$PKI/leaf.key" "$PKI/inter.pem" >"$TEST_TMP/fullchain.pem"
openssl x509 -in "$PKI/leaf.pem" -outform DER -out "$TEST_TMP/leaf.der"

expect_exit 0 "$ACMECTL" expiry --json --ca-bundle "$PKI/root.pem" --cert "$TEST_TMP/fullchain.pem"
expect_eq "$(json .file)" "$TEST_TMP/fullchain.pem" "file"
expect_eq "$(json .target)" "$TEST_TMP/fullchain.pem" "target"
expect_eq "$(jq -r .host <<<"$OUT")" null "host"
expect_eq "$(json .subject)" "CN=localhost" "subject"
expect_eq "$(json .days_left)" 29 "days_left"
expect_eq "$(json .verified)" true "verified"
expect_eq "$(json .status)" OK "status"

expect_exit 2 "$ACMECTL" expiry --json --ca-bundle "$PKI/root.pem" --cert "$TEST_TMP/leaf.der"
expect_eq "$(json .ok)" true "ok of DER"
expect_eq "$(json .verify_error)" "unable to get local issuer certificate" "verify_error of DER"

expect_exit 2 "$ACMECTL" expiry --json --ca-bundle "$PKI/root.pem" --sni www.example.test \
  --cert "$TEST_TMP/fullchain.pem"
expect_eq "$(json .verify_error)" "hostname mismatch" "verify_error with --sni"

expect_exit 3 "$ACMECTL" expiry --json --ca-bundle "$PKI/root.pem" \
  --cert "$TEST_TMP/fullchain.pem" "$TEST_TMP/missing.pem" "$PKI/leaf.key"
expect_eq "$(jq -sr '[.[].status] | join(",")' <<<"$OUT")" "OK,UNKNOWN,UNKNOWN" "statuses"
expect_eq "$(jq -sr '.[1].error_kind' <<<"$OUT")" io "error_kind of a missing file"
expect_eq "$(jq -sr '.[2].error_kind' <<<"$OUT")" certificate "error_kind of a key file"

# Not regular files, or too large: a clear io error at once, no hang, no bad_alloc.
mkfifo "$TEST_TMP/fifo"
head -c $((1024 * 1024 + 1)) /dev/zero >"$TEST_TMP/big.pem"
expect_exit 3 "$ACMECTL" expiry --json --ca-bundle "$PKI/root.pem" \
  --cert /dev/zero "$TEST_TMP/fifo" "$TEST_TMP/big.pem" "$TEST_TMP"
expect_eq "$(jq -sr '[.[].error_kind] | join(",")' <<<"$OUT")" "io,io,io,io" "error kinds"
expect_eq "$(jq -sr '.[0].error' <<<"$OUT")" "cannot read /dev/zero: not a regular file" "/dev/zero"
expect_eq "$(jq -sr '.[1].error' <<<"$OUT")" "cannot read $TEST_TMP/fifo: not a regular file" "FIFO"
expect_eq "$(jq -sr '.[2].error' <<<"$OUT")" \
  "cannot read $TEST_TMP/big.pem: larger than 1 MiB, not a certificate file" "big file"
