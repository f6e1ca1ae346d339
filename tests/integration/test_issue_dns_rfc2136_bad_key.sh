#!/usr/bin/env bash
# --dns-rfc2136 with a TSIG key named refuses: a one-line error with
# nsupdate's message, exit 1, no lineage, and no record left at named.
# A missing key file is refused before anything is run or written.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/rfc2136_lib.sh"

A=("$ACMECTL" --home "$HOME_DIR" --server "$RFC_SERVER" --ca-bundle "$RFC_CA")
expect_exit 0 "${A[@]}" register --agree-tos

expect_exit 1 "${A[@]}" issue -d "bad.$ZONE" --dns-rfc2136 "$NAMED_ADDR" --tsig-key "$WRONG_KEY"
expect_contains "$ERR" "the DNS server $NAMED_ADDR did not add the TXT records" "stderr"
expect_match "$ERR" "BADSIG|tsig" "stderr (nsupdate's message)"
expect_one_line "$(grep '^acmectl: ' <<<"$ERR")" "error"
expect_no_lineage
expect_eq "$(txt_at_named "_acme-challenge.bad.$ZONE")" "" "TXT at named"

expect_exit 1 "${A[@]}" issue -d "bad.$ZONE" --dns-rfc2136 "$NAMED_ADDR" \
  --tsig-key "$TEST_TMP/no-such-key"
expect_contains "$ERR" "cannot read the TSIG key file $TEST_TMP/no-such-key" "stderr"
expect_no_lineage
expect_exit 64 "${A[@]}" issue -d "bad.$ZONE" --dns-rfc2136 "$NAMED_ADDR"
expect_contains "$ERR" "--tsig-key" "stderr"
