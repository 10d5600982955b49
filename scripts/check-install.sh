#!/usr/bin/env bash
# Checks install.sh end to end in temporary prefixes:
#
#   scripts/check-install.sh TARBALL          the install.sh of an unpacked release (scripts/release.sh)
#   scripts/check-install.sh --bin PATH       scripts/install.sh of the repository, with a binary you built
#
# Into a prefix that does not exist yet: every file is there (binary, each man page, the three completions,
# the manifest), the binary runs, `man` finds sqlpipe-transfer-create through MANPATH and renders it; a
# second install over the first is clean; --uninstall leaves no file and no folder. Then into a prefix that
# already holds someone else's files and folders: --uninstall leaves exactly those.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

die() {
    printf 'check-install.sh: error: %s\n' "$*" >&2
    exit 1
}
step() {
    printf '==> %s\n' "$*" >&2
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

install_args=()
case ${1:-} in
    --bin)
        (($# == 2)) || die "usage: scripts/check-install.sh --bin PATH"
        installer=$repo_root/scripts/install.sh
        install_args=(--bin "$(realpath -- "$2")")
        pages_dir=$repo_root/docs/man
        ;;
    "" | -*) die "usage: scripts/check-install.sh TARBALL | --bin PATH" ;;
    *)
        (($# == 1)) || die "usage: scripts/check-install.sh TARBALL"
        [[ -f $1 ]] || die "no such tarball: $1"
        mkdir "$work/unpacked"
        tar -xzf "$1" -C "$work/unpacked"
        installer=$(find "$work/unpacked" -mindepth 2 -maxdepth 2 -name install.sh | head -n 1)
        [[ -n $installer ]] || die "the tarball has no sqlpipe-VERSION/install.sh"
        pages_dir=$(dirname "$installer")/man/man1
        ;;
esac
command -v man >/dev/null 2>&1 || die "man is not on the PATH (apt-get install man-db)"

shopt -s nullglob
pages=("$pages_dir"/*.1)
shopt -u nullglob
((${#pages[@]} > 0)) || die "no man pages in $pages_dir"
expected=(bin/sqlpipe share/bash-completion/completions/sqlpipe share/zsh/site-functions/_sqlpipe
    share/fish/vendor_completions.d/sqlpipe.fish share/sqlpipe/install-manifest)
for page in "${pages[@]}"; do
    expected+=("share/man/man1/$(basename "$page")")
done

# Every file under a prefix, relative to it, sorted.
listing() { (cd "$1" && find . -mindepth 1 \( -type f -o -type l \) -printf '%P\n' | LC_ALL=C sort); }

check_installed() {
    local prefix=$1 path
    for path in "${expected[@]}"; do
        [[ -f $prefix/$path ]] || die "install.sh did not write $prefix/$path"
        [[ $path == share/sqlpipe/install-manifest ]] && continue
        grep -qxF "f $path" "$prefix/share/sqlpipe/install-manifest" || die "the manifest does not list $path"
    done
    [[ -x $prefix/bin/sqlpipe ]] || die "$prefix/bin/sqlpipe is not executable"
    local entries
    entries=$(grep -c '^f ' "$prefix/share/sqlpipe/install-manifest")
    ((entries == ${#expected[@]} - 1)) ||
        die "the manifest lists $entries files, not $((${#expected[@]} - 1)): $(cat "$prefix/share/sqlpipe/install-manifest")"
}

step "install.sh into a new prefix"
prefix=$work/new/prefix
"$installer" "$prefix" "${install_args[@]}" >"$work/install.log"
check_installed "$prefix"
"$prefix/bin/sqlpipe" --version
printf '%d files, as the manifest lists them\n' "${#expected[@]}"

step "man sqlpipe-transfer-create through MANPATH"
rendered=$(MANPATH=$prefix/share/man MANWIDTH=100 MANPAGER=cat PAGER=cat LC_ALL=C.UTF-8 man sqlpipe-transfer-create 2>"$work/man.err") || {
    cat "$work/man.err" >&2
    die "man cannot show sqlpipe-transfer-create from $prefix/share/man"
}
for wanted in NAME SYNOPSIS "sqlpipe transfer create" "--source" "--target-table"; do
    [[ $rendered == *"$wanted"* ]] || die "the rendered page lacks '$wanted': $(head -c 600 <<<"$rendered")"
done
printf '%s\n' "$rendered" | head -n 5
man -l "$prefix/share/man/man1/sqlpipe.1" 2>/dev/null | grep -q "sqlpipe" || die "man -l cannot render sqlpipe.1"

step "install.sh again over the first install"
"$installer" "$prefix" "${install_args[@]}" >"$work/install-again.log" 2>&1 || {
    cat "$work/install-again.log" >&2
    die "installing again over an install failed"
}
check_installed "$prefix"

step "install.sh --uninstall leaves nothing"
"$installer" "$prefix" --uninstall >"$work/uninstall.log"
if [[ -e $prefix ]]; then
    left=$(find "$prefix" -mindepth 0 | head -n 20)
    die "the prefix is still there after --uninstall: $left"
fi
[[ -d $work/new ]] || die "--uninstall removed $work/new, the folder above the prefix"
printf 'the prefix is gone\n'

step "install.sh and --uninstall beside files that are not sqlpipe's"
prefix=$work/shared
mkdir -p "$prefix/bin" "$prefix/share/man/man1" "$prefix/share/zsh" "$prefix/lib/empty"
printf '#!/bin/sh\n' >"$prefix/bin/other-tool"
printf '.TH OTHER 1\n' >"$prefix/share/man/man1/other-tool.1"
printf '#compdef other\n' >"$prefix/share/zsh/_other"
before=$(listing "$prefix")
dirs_before=$(cd "$prefix" && find . -type d | LC_ALL=C sort)
"$installer" "$prefix" "${install_args[@]}" >/dev/null
check_installed "$prefix"
"$installer" "$prefix" --uninstall >/dev/null
after=$(listing "$prefix")
dirs_after=$(cd "$prefix" && find . -type d | LC_ALL=C sort)
[[ $after == "$before" ]] || die "--uninstall changed the files that were there: $(diff <(printf '%s\n' "$before") <(printf '%s\n' "$after"))"
[[ $dirs_after == "$dirs_before" ]] || die "--uninstall left or removed folders: $(diff <(printf '%s\n' "$dirs_before") <(printf '%s\n' "$dirs_after"))"
printf 'the other files and folders are as they were\n'

if "$installer" "$prefix" --uninstall >/dev/null 2>&1; then
    die "--uninstall without a manifest should fail"
fi
printf 'check-install.sh: install.sh installs and uninstalls cleanly\n'
