#!/usr/bin/env bash
# Installs sqlpipe under a prefix, and removes it again:
#
#   ./install.sh [PREFIX]                     from an unpacked release (PREFIX defaults to /usr/local)
#   scripts/install.sh [PREFIX] --bin PATH    from the repository, with a binary you built
#   install.sh [PREFIX] --uninstall           removes what it installed there
#
# It writes PREFIX/bin/sqlpipe, the man pages to PREFIX/share/man/man1, and the completions to
# PREFIX/share/bash-completion/completions/sqlpipe, PREFIX/share/zsh/site-functions/_sqlpipe and
# PREFIX/share/fish/vendor_completions.d/sqlpipe.fish, and lists each file and each directory it had to
# create in PREFIX/share/sqlpipe/install-manifest. --uninstall removes exactly the files in that manifest,
# then the directories it created that are empty by then (the prefix too, if it made it), and nothing else.
# Installing again over an install first removes what the old manifest lists.
set -euo pipefail

manifest_path=share/sqlpipe/install-manifest

die() {
    printf 'install.sh: error: %s\n' "$*" >&2
    exit 1
}

usage() {
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
}

prefix=""
binary=""
uninstall=false
while (($# > 0)); do
    case $1 in
        --uninstall)
            uninstall=true
            shift
            ;;
        --bin)
            (($# >= 2)) || die "--bin needs a path"
            binary=$2
            shift 2
            ;;
        --bin=*)
            binary=${1#--bin=}
            shift
            ;;
        -h | --help)
            usage
            exit 0
            ;;
        -*)
            usage
            die "unknown option: $1"
            ;;
        *)
            [[ -z $prefix ]] || die "one prefix only (got '$prefix' and '$1')"
            [[ -n $1 ]] || die "the prefix is empty"
            prefix=$1
            shift
            ;;
    esac
done
prefix=${prefix:-/usr/local}
prefix=$(realpath -m -- "$prefix")
[[ $prefix != / ]] || die "install under a prefix such as /usr/local or /usr, not /"
manifest="$prefix/$manifest_path"

# Removes what the manifest lists: its files, the manifest, then the directories it created that are empty.
remove_installed() {
    local kind path line number=0 dirs=()
    local -a files=()
    while IFS= read -r line || [[ -n $line ]]; do
        number=$((number + 1))
        [[ -z $line || $line == \#* ]] && continue
        kind=${line%% *}
        path=${line#* }
        # Only paths under the prefix: relative, without "..".
        if [[ $line != *" "* || $path == /* || /$path/ == */../* ]]; then
            die "$manifest:$number: not an entry this script writes: $line"
        fi
        case $kind in
            f) files+=("$path") ;;
            d) dirs+=("$path") ;;
            *) die "$manifest:$number: unknown kind '$kind': $line" ;;
        esac
    done <"$manifest"
    for path in "${files[@]}"; do
        if [[ -e $prefix/$path || -L $prefix/$path ]]; then
            [[ ! -d $prefix/$path || -L $prefix/$path ]] || die "$prefix/$path is a directory now; not removing it"
            rm -f -- "${prefix:?}/$path"
            printf 'removed %s\n' "$prefix/$path"
        fi
    done
    rm -f -- "$manifest"
    # Deepest first: the manifest lists each directory after its parent.
    local i target
    for ((i = ${#dirs[@]} - 1; i >= 0; i--)); do
        target=$prefix/${dirs[i]}
        [[ ${dirs[i]} == . ]] && target=$prefix
        if [[ -d $target ]] && rmdir -- "$target" 2>/dev/null; then
            printf 'removed %s/\n' "$target"
        fi
    done
}

if $uninstall; then
    [[ -z $binary ]] || die "--uninstall takes no --bin"
    [[ -f $manifest ]] || die "no $manifest: nothing was installed under $prefix by install.sh"
    remove_installed
    printf 'sqlpipe uninstalled from %s\n' "$prefix"
    exit 0
fi

# What to install: the unpacked release around this script, or the repository it lives in.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ -d $here/man/man1 && -d $here/completions ]]; then
    man_dir=$here/man/man1
    completions=$here/completions
    binary=${binary:-$here/bin/sqlpipe}
elif [[ -d $here/../docs/man && -d $here/../completions ]]; then
    man_dir=$here/../docs/man
    completions=$here/../completions
    [[ -n $binary ]] || die "from the repository, name the binary: --bin .build/release/sqlpipe (or run the install.sh of an unpacked release)"
else
    die "found neither a release (man/man1, completions beside $here/install.sh) nor the repository around it"
fi
[[ -f $binary && -x $binary ]] || die "$binary is not an executable file"
shopt -s nullglob
man_pages=("$man_dir"/*.1)
shopt -u nullglob
((${#man_pages[@]} > 0)) || die "no man pages in $man_dir"
for shell_file in sqlpipe.bash _sqlpipe sqlpipe.fish; do
    [[ -f $completions/$shell_file ]] || die "missing $completions/$shell_file"
done

if [[ -f $manifest ]]; then
    printf 'install.sh: replacing the install listed in %s\n' "$manifest" >&2
    remove_installed >/dev/null
fi

entries=()
# Creates a directory under the prefix and its missing parents, and notes each one it created.
make_dir() {
    local dir=$1
    [[ -d $dir ]] && return 0
    [[ -e $dir ]] && die "$dir exists and is not a directory"
    if [[ $dir == "$prefix" ]]; then
        # Folders above the prefix are outside what the manifest covers: made, not noted, never removed.
        mkdir -p -- "$(dirname "$dir")"
        mkdir -- "$dir"
        entries+=("d .")
        return 0
    fi
    make_dir "$(dirname "$dir")"
    mkdir -- "$dir"
    entries+=("d ${dir#"$prefix"/}")
}
# Writes the manifest of what is installed so far: after the last file, or when a copy fails midway.
write_manifest() {
    ((${#entries[@]} > 0)) || return 0
    make_dir "$(dirname "$manifest")"
    {
        printf '# Installed by sqlpipe install.sh; "install.sh %s --uninstall" removes these paths under the prefix.\n' "$prefix"
        printf '%s\n' "${entries[@]}"
    } >"$manifest.partial"
    mv -- "$manifest.partial" "$manifest"
}
put() {
    local mode=$1 source=$2 destination=$prefix/$3
    make_dir "$(dirname "$destination")"
    install -m "$mode" -- "$source" "$destination"
    entries+=("f $3")
    printf 'installed %s\n' "$destination"
}

# shellcheck disable=SC2317 # runs from the EXIT trap
on_exit() {
    local rc=$?
    trap - EXIT
    if ((rc != 0)); then
        write_manifest || true
        printf 'install.sh: failed; "%s %s --uninstall" removes what was installed\n' "$0" "$prefix" >&2
    fi
    exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

make_dir "$(dirname "$manifest")"
put 0755 "$binary" bin/sqlpipe
for page in "${man_pages[@]}"; do
    put 0644 "$page" "share/man/man1/$(basename "$page")"
done
put 0644 "$completions/sqlpipe.bash" share/bash-completion/completions/sqlpipe
put 0644 "$completions/_sqlpipe" share/zsh/site-functions/_sqlpipe
put 0644 "$completions/sqlpipe.fish" share/fish/vendor_completions.d/sqlpipe.fish
write_manifest
printf 'sqlpipe installed under %s (manifest: %s)\n' "$prefix" "$manifest"
case ":$PATH:" in
    *":$prefix/bin:"*) ;;
    *) printf 'note: %s/bin is not on your PATH\n' "$prefix" >&2 ;;
esac
