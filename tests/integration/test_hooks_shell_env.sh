#!/usr/bin/env bash
# Hook strings run the way certbot runs them (/bin/sh -c STRING: variables,
# >>, && and pipes work), `renew --deploy-hook CMD` adds CMD for that run,
# and hooks get a minimal environment: a variable exported to acmectl
# reaches them only when allowed with --hook-env or `hook-env =`.
source "$(dirname "$0")/lib.sh"

name=shell.hooks.example
log=$TEST_TMP/deploy.log
envfile=$TEST_TMP/env.txt
RENEW=("$ACMECTL" renew --home "$HOME_DIR" --ca-bundle "$CA" --force --name "$name" --json)
register_account
expect_exit 0 "${ISSUE[@]}" -d "$name" --name "$name"

# shellcheck disable=SC2016 # expanded by the hook's shell, not here
expect_exit 0 "$ACMECTL" deploy-hook "$name" --home "$HOME_DIR" \
  --add 'echo "stored $RENEWED_LINEAGE" >>'"$log"' && echo "$RENEWED_DOMAINS" | tr a-z A-Z >>'"$log"
export HOOK_TEST_SECRET=s3cret
expect_exit 0 "${RENEW[@]}" --deploy-hook "echo run-only >>$log; env >$envfile"
expect_eq "$(json '.lineages[0].action')" renewed "renew outcome"
expect_eq "$(cat "$log")" "stored $HOME_DIR/certs/$name/current
SHELL.HOOKS.EXAMPLE
run-only" "hook output: variables, >>, && and a pipe through /bin/sh -c"
env_seen=$(cat "$envfile")
expect_not_contains "$env_seen" "HOOK_TEST_SECRET" "the hook's environment"
expect_contains "$env_seen" "RENEWED_LINEAGE=$HOME_DIR/certs/$name/current" "the hook's environment"
expect_contains "$env_seen" "PATH=" "the hook's environment"

# --hook-env lets it through; so does hook-env in the store's acmectl.conf.
expect_exit 0 "${RENEW[@]}" --hook-env HOOK_TEST_SECRET --deploy-hook "env >$envfile"
expect_contains "$(cat "$envfile")" "HOOK_TEST_SECRET=s3cret" "with --hook-env"
echo "hook-env = HOOK_TEST_SECRET" >"$HOME_DIR/acmectl.conf"
expect_exit 0 "${RENEW[@]}" --deploy-hook "env >$envfile"
expect_contains "$(cat "$envfile")" "HOOK_TEST_SECRET=s3cret" "with hook-env in acmectl.conf"
rm "$HOME_DIR/acmectl.conf"
expect_exit 1 "${RENEW[@]}" --hook-env 'BAD=NAME'
expect_contains "$ERR" "not an environment variable name" "bad --hook-env"

# A run-only hook the lineage has already runs once; pre and post hooks are
# shell strings too.
: >"$log"
stored=$(jq -r '.hooks.deploy[0]' "$HOME_DIR/certs/$name/config.json")
expect_exit 0 "${RENEW[@]}" --deploy-hook "$stored" --pre-hook "echo pre | cat >>$log" \
  --post-hook "test -n \"\$ACMECTL_RENEWED\" && echo post \$ACMECTL_RENEWED >>$log"
expect_eq "$(cat "$log")" "pre
stored $HOME_DIR/certs/$name/current
SHELL.HOOKS.EXAMPLE
post $name" "pre, the deploy hook once, post"
