#!/usr/bin/env bash
# Regenerates the man pages in docs/man/ from the parser, one per command and subcommand (sqlpipe.1,
# sqlpipe-transfer-create.1, ...), with swift-argument-parser's GenerateManual plugin:
#
#   scripts/generate-manuals.sh            rewrites the pages that changed and removes the ones of gone commands
#   scripts/generate-manuals.sh --check    changes nothing; fails naming every stale, missing or extra page
#
# The plugin stamps each page with a date (.Dd). The date is not compared: a page whose text is unchanged keeps
# the date it has, so regenerating does not touch it and the check does not go stale with the calendar.
# scripts/generate-completions.sh runs this too; scripts/test.sh runs --check; ReleaseTests checks the pages
# against the parser as well.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
pages_dir=docs/man

die() {
    printf 'generate-manuals.sh: error: %s\n' "$*" >&2
    exit 1
}

check=false
case ${1:-} in
    "") ;;
    --check) check=true ;;
    -h | --help)
        sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
        exit 0
        ;;
    *) die "unknown argument: $1 (only --check)" ;;
esac
(($# <= 1)) || die "one argument at most"

cd "$repo_root"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
touch "$scratch/started"

# The debug build is the one tests and development already keep; the plugin builds it and then runs
# `sqlpipe --experimental-dump-help` through its generate-manual tool.
swift package plugin generate-manual --configuration debug --multi-page --section 1 >"$scratch/plugin.log" 2>&1 || {
    cat "$scratch/plugin.log" >&2
    die "the GenerateManual plugin failed"
}
output=$(sed -nE "s|^Generated manual in '(file://)?([^']+)'.*|\2|p" "$scratch/plugin.log" | tail -n 1)
output=${output%/}
[[ -n $output && -d $output ]] || {
    cat "$scratch/plugin.log" >&2
    die "cannot tell where the plugin wrote the pages"
}
mkdir "$scratch/new"
# Only what this run wrote (the plugin's folder keeps the pages of earlier runs), named as `man` is asked for
# them: the plugin writes sqlpipe.transfer.create.1 titled SQLPIPE.TRANSFER.CREATE and cross-references
# sqlpipe.transfer; these are sqlpipe-transfer-create.1, SQLPIPE-TRANSFER-CREATE and sqlpipe-transfer.
while IFS= read -r -d '' page; do
    name=$(basename "$page" .1)
    sed -E ':dot; s/^(\.(Dt|Xr) [^ .]*)\./\1-/; t dot' "$page" >"$scratch/new/${name//./-}.1"
done < <(find "$output" -maxdepth 1 -name '*.1' -newer "$scratch/started" -print0)
[[ -f $scratch/new/sqlpipe.1 ]] || die "the plugin wrote no sqlpipe.1 in $output"

without_date() { grep -v '^\.Dd ' "$1"; }
same_text() { [[ -f $2 ]] && cmp -s <(without_date "$1") <(without_date "$2"); }

stale=()
changed=0
for page in "$scratch"/new/*.1; do
    name=$(basename "$page")
    if ! same_text "$page" "$pages_dir/$name"; then
        if $check; then
            if [[ -f $pages_dir/$name ]]; then stale+=("$pages_dir/$name (stale)"); else stale+=("$pages_dir/$name (missing)"); fi
        else
            mkdir -p "$pages_dir"
            cp "$page" "$pages_dir/$name"
            changed=$((changed + 1))
        fi
    fi
done
shopt -s nullglob
for page in "$pages_dir"/*.1; do
    name=$(basename "$page")
    if [[ ! -f $scratch/new/$name ]]; then
        if $check; then
            stale+=("$page (no such command)")
        else
            rm -f -- "$page"
            changed=$((changed + 1))
        fi
    fi
done
shopt -u nullglob

count=$(find "$scratch/new" -name '*.1' | wc -l)
if $check; then
    if ((${#stale[@]} > 0)); then
        printf 'generate-manuals.sh: these man pages are not what the parser generates (run scripts/generate-manuals.sh):\n' >&2
        printf '  %s\n' "${stale[@]}" >&2
        exit 1
    fi
    printf 'the %d man pages in %s/ are current\n' "$count" "$pages_dir" >&2
else
    printf '%s/ updated: %d pages, %d changed\n' "$pages_dir" "$count" "$changed" >&2
fi
