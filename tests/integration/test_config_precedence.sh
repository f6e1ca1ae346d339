#!/usr/bin/env bash
# Which server a run uses, shown by the one unreachable port it names: a flag
# beats ACMECTL_SERVER, which beats $ACMECTL_HOME/acmectl.conf, which beats
# the system file (here --config FILE, which stands in for
# /etc/acmectl/acmectl.conf), which beats the built-in default.
source "$(dirname "$0")/lib.sh"

system=$TEST_TMP/system.conf
printf 'server = "https://127.0.0.1:1/system"\n' >"$system"
R=("$ACMECTL" --home "$HOME_DIR" --config "$system" register --agree-tos)

uses_port() { # PORT WHAT: the last run failed for good reason (75) on 127.0.0.1:PORT
  [[ $RC == 75 ]] || fail "$2: exit $RC, want 75"
  expect_one_line "$ERR" "$2: stderr"
  expect_contains "$ERR" "127.0.0.1:$1" "$2: stderr"
}

expect_exit 75 "${R[@]}"
uses_port 1 "system file"

printf '# the store'"'"'s own defaults\nserver = https://127.0.0.1:2/store\n' >"$HOME_DIR/acmectl.conf"
expect_exit 75 "${R[@]}"
uses_port 2 "store file over system file"

expect_exit 75 env ACMECTL_SERVER=https://127.0.0.1:3/env "${R[@]}"
uses_port 3 "ACMECTL_SERVER over the files"

expect_exit 75 env ACMECTL_SERVER=https://127.0.0.1:3/env "${R[@]}" --server https://127.0.0.1:4/flag
uses_port 4 "--server over ACMECTL_SERVER"

# The system file may move the store, and the store's file then comes from there.
other=$TEST_TMP/other-home
mkdir -p "$other"
printf 'server = "https://127.0.0.1:5/other"\n' >"$other/acmectl.conf"
printf 'home = "%s"\nserver = "https://127.0.0.1:1/system"\n' "$other" >"$system"
expect_exit 75 env -u ACMECTL_HOME "$ACMECTL" --config "$system" register --agree-tos
uses_port 5 "home from the system file"
# ... but ACMECTL_HOME still beats it.
expect_exit 75 env ACMECTL_HOME="$HOME_DIR" "$ACMECTL" --config "$system" register --agree-tos
uses_port 2 "ACMECTL_HOME over home in the system file"
