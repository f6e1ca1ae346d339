#!/usr/bin/env bash
# The Debian package: `cmake --build <build> --target package` makes
# acmectl_<version>_amd64.deb; lintian finds no error in it; it installs for
# real (dpkg -i) with a stripped binary, man pages man(1) finds, completions
# bash, zsh and fish load from their system folders, the systemd units and
# the cron example; renewals are scheduled on install (the timer enabled as
# deb-systemd-helper does, a local disable kept on upgrade; /etc/cron.d/acmectl,
# idle under systemd); the binary is hardened (lintian: no hardening tags, no
# .comment); and `dpkg --purge` leaves none of its files behind.
# Needs root; skips (exit 0, saying why) without it, in a sanitizer build,
# or when an acmectl is installed already (it would be clobbered).
source "$(dirname "$0")/lib.sh"

skip() {
  echo "SKIP test_deb_install: $*"
  exit 0
}

build=$(cd "$(dirname "$ACMECTL")/.." && pwd)
[[ -f $build/CMakeCache.txt && -f $build/CPackConfig.cmake ]] ||
  fail "no CMake build with CPack around $ACMECTL"
((EUID == 0)) || skip "dpkg -i needs root"
if grep -q '^ACMECTL_SANITIZE:BOOL=ON' "$build/CMakeCache.txt"; then
  skip "a sanitizer build is not packaged; the plain build tests the package"
fi
package_status() { # dpkg's status of acmectl, or nothing
  dpkg-query -W -f='${Status}' acmectl 2>/dev/null || true
}
if [[ $(package_status) == *"ok installed"* || -e /usr/bin/acmectl ]]; then
  skip "an acmectl is installed already; dpkg -i would replace it"
fi
for tool in dpkg-deb lintian man; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (scripts/bootstrap installs it)"
done

version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
deb=$build/acmectl_${version}_amd64.deb
rm -f "$deb"
expect_exit 0 timeout 480 cmake --build "$build" --target package
[[ -f $deb ]] || fail "cmake --build --target package did not make $deb"

# --- the package as built -----------------------------------------------------
expect_exit 0 dpkg-deb -f "$deb" Package Version Architecture Depends
expect_contains "$OUT" "Version: $version" "control"
expect_match "$OUT" 'Depends: .*libc6.*libcurl4.*libssl3' "Depends from dpkg-shlibdeps"
expect_exit 0 dpkg-deb -f "$deb" Suggests
expect_contains "$OUT" "bind9-dnsutils" "Suggests"
expect_exit 0 dpkg-deb -I "$deb" conffiles
expect_eq "$(sort <<<"$OUT" | paste -sd' ' -)" "/etc/acmectl/acmectl.conf /etc/cron.d/acmectl" "conffiles"
for script in postinst prerm postrm; do
  expect_exit 0 dpkg-deb -I "$deb" "$script"
  expect_contains "$OUT" "acmectl-renew.timer" "$script"
done
expect_exit 0 dpkg-deb -c "$deb"
contents=$OUT
for path in ./usr/bin/acmectl ./usr/share/man/man1/acmectl.1.gz ./usr/share/man/man5/acmectl.conf.5.gz \
  ./usr/share/bash-completion/completions/acmectl ./usr/share/zsh/vendor-completions/_acmectl \
  ./usr/share/fish/vendor_completions.d/acmectl.fish ./lib/systemd/system/acmectl-renew.service \
  ./lib/systemd/system/acmectl-renew.timer ./lib/systemd/system/acmectl-sync.service \
  ./usr/share/doc/acmectl/examples/acmectl.cron \
  ./usr/share/doc/acmectl/copyright ./usr/share/doc/acmectl/changelog.gz \
  ./etc/cron.d/acmectl ./etc/acmectl/acmectl.conf; do
  [[ $contents == *" $path"$'\n'* || $contents == *" $path" ]] || fail "$deb lacks $path"
done
for page in "$REPO_ROOT"/man/*.[1-8]; do
  name=$(basename "$page")
  [[ $contents == *"/man${name##*.}/$name.gz"* ]] || fail "$deb lacks the man page $name"
done

expect_exit 0 timeout 300 lintian --fail-on error --display-info "$deb"
echo "lintian: ${OUT:-no tags}"
hardening_tags=(hardening-no-relro hardening-no-bindnow binary-has-unneeded-section)
# a developer build may turn the fortification off (ACMECTL_HARDENING=OFF)
if grep -q '^ACMECTL_HARDENING:BOOL=OFF' "$build/CMakeCache.txt"; then
  echo "note: ACMECTL_HARDENING=OFF in $build: hardening-no-fortify-functions not checked"
else
  hardening_tags+=(hardening-no-fortify-functions)
fi
for tag in "${hardening_tags[@]}"; do
  expect_not_contains "$OUT" "$tag" "lintian"
done
expect_exit 0 dpkg-deb -x "$deb" "$TEST_TMP/root"
expect_exit 0 readelf -S "$TEST_TMP/root/usr/bin/acmectl"
expect_not_contains "$OUT" ".comment" "sections of the packaged binary"
expect_exit 0 readelf -d "$TEST_TMP/root/usr/bin/acmectl"
expect_match "$OUT" "BIND_NOW|FLAGS.*NOW" "dynamic section (-z now)"

# --- installed ------------------------------------------------------------------
on_exit 'if dpkg-query -W acmectl >/dev/null 2>&1; then dpkg --purge acmectl >/dev/null; fi'
expect_exit 0 dpkg -i "$deb"
expect_exit 0 /usr/bin/acmectl --version
expect_eq "$OUT" "acmectl $version" "acmectl --version"
expect_exit 0 file /usr/bin/acmectl
expect_contains "$OUT" ", stripped" "file /usr/bin/acmectl"
expect_eq "$(zcat /usr/share/doc/acmectl/changelog.gz | head -n 1 | sed -n 's/^acmectl (\([^)]*\)).*/\1/p')" \
  "$version" "version of the latest changelog entry"

# renewals scheduled: the timer enabled (as deb-systemd-helper enable does,
# also without a running systemd), the cron job idle where systemd runs
timer_link=/etc/systemd/system/timers.target.wants/acmectl-renew.timer
[[ -L $timer_link ]] || fail "$timer_link missing: the timer is not enabled"
expect_eq "$(readlink -f "$timer_link")" "$(readlink -f /lib/systemd/system/acmectl-renew.timer)" "enabled link"
expect_file /etc/cron.d/acmectl
expect_match "$(cat /etc/cron.d/acmectl)" "test -d /run/systemd/system \|\| acmectl renew" "cron job"
expect_file /etc/acmectl/acmectl.conf
# a local `systemctl disable` (the link removed) survives a reinstall/upgrade
rm "$timer_link"
expect_exit 0 dpkg -i "$deb"
expect_no_path "$timer_link"

expect_exit 0 man -w acmectl
expect_eq "$OUT" /usr/share/man/man1/acmectl.1.gz "man -w acmectl"
expect_exit 0 man -w 5 acmectl.conf
expect_eq "$OUT" /usr/share/man/man5/acmectl.conf.5.gz "man -w 5 acmectl.conf"
expect_exit 0 env MANWIDTH=80 man acmectl-renew
expect_contains "$OUT" "--random-sleep" "man acmectl-renew"

# bash: the completion loads on demand (bash-completion's loader), as in a
# login shell, and completes `acmectl re<TAB>`.
if [[ -f /usr/share/bash-completion/bash_completion ]]; then
  expect_exit 0 bash -i -c '
    source /usr/share/bash-completion/bash_completion
    __load_completion acmectl || exit 3
    spec=$(complete -p acmectl) || exit 4
    fn=${spec#*-F }
    fn=${fn%% *}
    COMP_WORDS=(acmectl re)
    COMP_CWORD=1
    COMP_LINE="acmectl re"
    COMP_POINT=${#COMP_LINE}
    "$fn" acmectl re acmectl
    printf "%s\n" "${COMPREPLY[@]}"'
  expect_eq "$(sort <<<"$OUT" | paste -sd' ' -)" "register renew revoke" "bash -i: acmectl re<TAB>"
else
  fail "bash-completion is not installed (scripts/bootstrap installs it)"
fi
# fish loads vendor completions by itself (not with --no-config, which
# empties its completion path; HOME is the test's, so no user config is read).
if command -v fish >/dev/null; then
  expect_exit 0 fish -c 'complete -C "acmectl re"'
  expect_eq "$(cut -f1 <<<"$OUT" | sort | paste -sd' ' -)" "register renew revoke" "fish: acmectl re<TAB>"
fi
# zsh looks in vendor-completions (its completion is exercised by test_docs_completions).
if command -v zsh >/dev/null; then
  expect_exit 0 zsh -f -c 'print -l $fpath'
  expect_contains "$OUT" /usr/share/zsh/vendor-completions "zsh's fpath"
fi

# --- removed ----------------------------------------------------------------------
files=$(dpkg-query -L acmectl | while read -r path; do
  [[ ! -d $path && (-f $path || -L $path) ]] && printf '%s\n' "$path"
done)
[[ -n $files ]] || fail "dpkg -L acmectl lists no files"
expect_exit 0 dpkg --purge acmectl
while read -r path; do
  expect_no_path "$path"
done <<<"$files"
expect_no_path /usr/share/doc/acmectl
expect_no_path /etc/cron.d/acmectl
expect_no_path /etc/acmectl
expect_no_path "$timer_link"
[[ $(package_status) != *"ok installed"* ]] || fail "dpkg still lists acmectl after --purge"
