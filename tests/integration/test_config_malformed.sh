#!/usr/bin/env bash
# A config file that cannot be used stops every command with one line naming
# the file and line, exit 64, before anything is written.
source "$(dirname "$0")/lib.sh"

conf=$TEST_TMP/acmectl.conf
bad_config() { # WANT TEXT: a file with TEXT gives one line containing WANT, exit 64
  printf '%b' "$2" >"$conf"
  expect_exit 64 "$ACMECTL" --home "$HOME_DIR" --config "$conf" register --agree-tos \
    --server https://127.0.0.1:1/dir
  expect_one_line "$ERR" "stderr for: $2"
  expect_contains "$ERR" "$1" "stderr for: $2"
}

bad_config "$conf:2: unknown key 'sever'" 'email = "ops@example.com"\nsever = "x"\n'
bad_config "$conf:1: expected 'key = value' or [section]" 'server\n'
bad_config "$conf:1: unterminated string" 'server = "https://x\n'
# A backslash as the file's last byte was read past the end of the text.
bad_config "$conf:1: unterminated string (a backslash ends the file)" 'email = "ops\\'
bad_config "$conf:1: unexpected text after the value" 'email = ops @example.com\n'
bad_config "$conf:3: unknown section [issu]" '# c\n\n[issu]\nkey-type = ec384\n'
bad_config "$conf:2: [renew] has no key 'email'" '[renew]\nemail = "x"\n'
bad_config "$conf:2: duplicate key 'server' (first set at $conf:1)" 'server = a\nserver = b\n'
bad_config "$conf:1: unterminated [ array" 'email = ["a",\n  "b"\n'
bad_config "$conf:1: key-type: ec999 not in" 'key-type = "ec999"\n'
bad_config "$conf:1: ca-bundle: File does not exist" 'ca-bundle = /nonexistent.pem\n'

# A broken store file is as fatal as a broken system file; it may not move the store.
printf 'home = "/elsewhere"\n' >"$HOME_DIR/acmectl.conf"
expect_exit 64 "$ACMECTL" --home "$HOME_DIR" --config /dev/null renew
expect_one_line "$ERR" "stderr"
expect_contains "$ERR" "$HOME_DIR/acmectl.conf:1: 'home' cannot be set in the store's own acmectl.conf" "stderr"

expect_exit 64 "$ACMECTL" --home "$HOME_DIR" --config "$TEST_TMP/missing.conf" renew
expect_contains "$ERR" "cannot read config file $TEST_TMP/missing.conf" "stderr"
expect_no_path "$HOME_DIR/accounts"
expect_no_path "$HOME_DIR/certs"
