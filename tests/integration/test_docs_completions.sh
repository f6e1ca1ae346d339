#!/usr/bin/env bash
# The generated completions work: bash and fish complete subcommands, flags,
# fixed value sets and lineage names read from the store (--home typed on the
# line wins over ACMECTL_HOME); zsh parses the file and completes through
# compinit in a pseudo-terminal.
source "$(dirname "$0")/lib.sh"

comp=$REPO_ROOT/completions
for tool in fish zsh; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (scripts/bootstrap installs it)"
done

# Two stores: one named with --home on the command line, one in ACMECTL_HOME.
store=$TEST_TMP/store
mkdir -p "$store/certs/alpha.example" "$store/certs/beta.example" "$ACMECTL_HOME/certs/gamma.example"

bash_complete() { # WORDS...: the bash completion's candidates for this line (last word: being typed), sorted, one line
  bash --norc --noprofile -c '
    source "$1"
    shift
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    COMP_LINE="$*"
    COMP_POINT=${#COMP_LINE}
    _acmectl acmectl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    printf "%s\n" "${COMPREPLY[@]}"' bash "$comp/acmectl.bash" "$@" | sort | paste -sd' ' -
}

expect_exit 0 bash -n "$comp/acmectl.bash"
expect_eq "$(bash_complete acmectl re)" "register renew revoke" "bash: acmectl re<TAB>"
expect_eq "$(bash_complete acmectl --home /x --json re)" "register renew revoke" "bash: after global options"
expect_eq "$(bash_complete acmectl issue --key-t)" "--key-type" "bash: issue --key-t<TAB>"
expect_eq "$(bash_complete acmectl issue --key-type '')" "ec256 ec384 rsa2048 rsa3072 rsa4096" \
  "bash: --key-type values"
expect_eq "$(bash_complete acmectl expiry --starttls s)" "smtp" "bash: --starttls s<TAB>"
expect_eq "$(bash_complete acmectl deploy-hook x --what c)" "cert chain combined" "bash: --what c<TAB>"
expect_eq "$(bash_complete acmectl --server letsencrypt-)" "letsencrypt-staging" "bash: --server aliases"
expect_eq "$(bash_complete acmectl --home "$store" deploy-hook '')" "alpha.example beta.example" \
  "bash: lineages of --home"
expect_eq "$(bash_complete acmectl --home = "$store" renew --name b)" "beta.example" \
  "bash: lineages of --home=DIR"
expect_eq "$(bash_complete acmectl deploy-hook '')" "gamma.example" "bash: lineages of ACMECTL_HOME"

fish_complete() { # LINE: fish's candidates for LINE, sorted, one line
  fish --no-config -c "source $(printf '%q' "$comp/acmectl.fish"); complete -C $(printf '%q' "$1")" |
    cut -f1 | sort | paste -sd' ' -
}

expect_exit 0 fish --no-execute "$comp/acmectl.fish"
expect_eq "$(fish_complete 'acmectl re')" "register renew revoke" "fish: acmectl re<TAB>"
expect_eq "$(fish_complete 'acmectl issue --key-type ')" "ec256 ec384 rsa2048 rsa3072 rsa4096" \
  "fish: --key-type values"
expect_eq "$(fish_complete 'acmectl expiry --format p')" "prometheus" "fish: --format p<TAB>"
expect_eq "$(fish_complete 'acmectl renew --dry')" "--dry-run" "fish: renew --dry<TAB>"
expect_eq "$(fish_complete "acmectl --home $store deploy-hook ")" "alpha.example beta.example" \
  "fish: lineages of --home"
expect_eq "$(fish_complete 'acmectl deploy-hook ')" "gamma.example" "fish: lineages of ACMECTL_HOME"

expect_exit 0 zsh -n "$comp/_acmectl"
# zsh completes only inside its line editor: drive an interactive zsh in a
# pseudo-terminal (zsh/zpty) with compinit and _acmectl from completions/,
# and print what each compadd call would offer.
cat >"$TEST_TMP/complete.zsh" <<'ZSH'
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PROMPT= ; fpath=(${(q)COMP_DIR} \$fpath)"
zpty -w z 'autoload -Uz compinit && compinit -u -D'
zpty -w z 'compadd() { if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi; local -a hits; builtin compadd -A hits "$@"; (( $#hits )) && print -rl -- "CANDI""DATE:"${^hits}; }'
zpty -w z 'comppostfuncs=(exit); bindkey "^I" complete-word'
zpty -w z "$COMP_LINE"$'\t'
while zpty -r z line; do
  [[ $line == *CANDIDATE:* ]] && print -r -- ${${line##*CANDIDATE:}//[$'\r\n']/}
done
ZSH
zsh_complete() { # LINE: zsh's candidates for LINE, sorted, one line
  { COMP_DIR=$comp COMP_LINE=$1 timeout 30 zsh -f "$TEST_TMP/complete.zsh" || true; } |
    grep . | sort -u | paste -sd' ' -
}
expect_eq "$(zsh_complete 'acmectl re')" "register renew revoke" "zsh: acmectl re<TAB>"
expect_eq "$(zsh_complete 'acmectl issue --key-type ')" "ec256 ec384 rsa2048 rsa3072 rsa4096" \
  "zsh: --key-type values"
expect_eq "$(zsh_complete 'acmectl expiry --starttls p')" "pop3 postgres" "zsh: --starttls p<TAB>"
expect_eq "$(zsh_complete 'acmectl renew --dry')" "--dry-run" "zsh: renew --dry<TAB>"
expect_eq "$(zsh_complete "acmectl --home $store deploy-hook ")" "alpha.example beta.example" \
  "zsh: lineages of --home"
expect_eq "$(zsh_complete 'acmectl renew --name ')" "gamma.example" "zsh: lineages of ACMECTL_HOME"
