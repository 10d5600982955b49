#!/usr/bin/env bash
# Builds a self-contained release of sqlpipe and packs it:
#
#   scripts/release.sh [--version V]
#
# The binary is built with the Swift runtime linked in (--static-swift-stdlib), so it needs only the system
# libraries of the databases (libpq5, libmariadb3, libsqlite3-0), zlib1g, libzstd1 and libc; then it is stripped and packed as
# dist/sqlpipe-VERSION-linux-ARCH.tar.gz, holding sqlpipe-VERSION/ with bin/sqlpipe, completions/, man/man1/,
# LICENSE, INSTALL and install.sh (scripts/check-release.sh checks such a tarball). It reports the sizes on
# stderr and prints the tarball's path on stdout.
#
# VERSION is SQLPipe.version in Sources/SQLPipeCore/SQLPipe.swift, its one home; --version V (a leading "v" is
# dropped, as in a tag) only checks that it is the version being released. `sqlpipe --version` of the binary
# names the git commit it was built from: this script writes it into Sources/sqlpipe/Generated/BuildInfo.swift
# for the build and puts the committed placeholder back afterwards, also when the build fails.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
version_file=Sources/SQLPipeCore/SQLPipe.swift
build_info=Sources/sqlpipe/Generated/BuildInfo.swift
placeholder='static let commit: String? = nil'

die() {
    printf 'release.sh: error: %s\n' "$*" >&2
    exit 1
}

usage() {
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
}

wanted_version=""
while (($# > 0)); do
    case $1 in
        --version)
            (($# >= 2)) || die "--version needs a value"
            wanted_version=${2#v}
            shift 2
            ;;
        --version=*)
            wanted_version=${1#--version=}
            wanted_version=${wanted_version#v}
            shift
            ;;
        -h | --help)
            usage
            exit 0
            ;;
        *)
            usage
            die "unknown argument: $1"
            ;;
    esac
done

cd "$repo_root"
[[ $(uname -s) == Linux ]] || die "releases are built on Linux only"
for tool in swift git strip tar gzip sha256sum; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is not on the PATH"
done

version=$(sed -nE 's/^ *public static let version = "([^"]+)"$/\1/p' "$version_file")
[[ -n $version ]] || die "found no 'public static let version = \"...\"' in $version_file"
if [[ -n $wanted_version && $wanted_version != "$version" ]]; then
    die "asked to release $wanted_version but $version_file says $version: change it there first"
fi
grep -qF "$placeholder" "$build_info" || die "$build_info does not hold the placeholder '$placeholder'"
shopt -s nullglob
manuals=(docs/man/*.1)
shopt -u nullglob
((${#manuals[@]} > 0)) || die "docs/man/ holds no man page: run scripts/generate-manuals.sh"

commit=$(git rev-parse --short=12 HEAD) || die "not in a git checkout"
if [[ -n $(git status --porcelain --untracked-files=no) ]]; then
    printf 'release.sh: warning: the work tree has uncommitted changes; the commit is marked -dirty\n' >&2
    commit+="-dirty"
fi
arch=$(uname -m)
name="sqlpipe-$version"
tarball="dist/$name-linux-$arch.tar.gz"

scratch=$(mktemp -d)
saved_build_info="$scratch/BuildInfo.swift"
cp -p "$build_info" "$saved_build_info"
restore_build_info() {
    if [[ -f $saved_build_info ]]; then
        cp -p "$saved_build_info" "$build_info"
        rm -f "$saved_build_info"
    fi
}
# shellcheck disable=SC2317 # runs from the EXIT trap
cleanup() {
    local rc=$?
    trap - EXIT
    restore_build_info
    rm -rf "$scratch"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

sed -i "s|$placeholder|static let commit: String? = \"$commit\"|" "$build_info"
grep -qF "\"$commit\"" "$build_info" || die "could not write the commit into $build_info"

build=(swift build -c release --static-swift-stdlib --product sqlpipe)
printf '==> %s (%s, commit %s)\n' "${build[*]}" "$version" "$commit" >&2
"${build[@]}" >&2
bin_dir=$(swift build -c release --static-swift-stdlib --show-bin-path)
restore_build_info

stage="$scratch/$name"
mkdir -p "$stage/bin" "$stage/completions" "$stage/man/man1"
cp "$bin_dir/sqlpipe" "$stage/bin/sqlpipe"
unstripped=$(stat -c %s "$stage/bin/sqlpipe")
strip --strip-all "$stage/bin/sqlpipe"
stripped=$(stat -c %s "$stage/bin/sqlpipe")
built_version=$("$stage/bin/sqlpipe" --version)
[[ $built_version == "sqlpipe $version (commit $commit)" ]] ||
    die "the binary says '$built_version', not 'sqlpipe $version (commit $commit)'"

cp completions/sqlpipe.bash completions/_sqlpipe completions/sqlpipe.fish "$stage/completions/"
cp "${manuals[@]}" "$stage/man/man1/"
cp LICENSE "$stage/LICENSE"
install -m 0755 scripts/install.sh "$stage/install.sh"
cat >"$stage/INSTALL" <<INSTALL
sqlpipe $version (commit $commit), for Linux $arch

Install (into /usr/local unless you name another prefix; run as root for a system prefix):

    ./install.sh [PREFIX]

It copies bin/sqlpipe to PREFIX/bin, the man pages to PREFIX/share/man/man1, the bash, zsh and fish
completions to where those shells look under PREFIX/share, and lists what it wrote in
PREFIX/share/sqlpipe/install-manifest. To remove exactly those files again:

    ./install.sh [PREFIX] --uninstall

The binary carries the Swift runtime; the host needs glibc and the database client libraries. On Debian
or Ubuntu:

    apt-get install libpq5 libmariadb3 libsqlite3-0 zlib1g libzstd1

Then try: sqlpipe --version; man sqlpipe; man sqlpipe-transfer-create.
INSTALL

mkdir -p dist
# The same inputs give the same bytes: sorted names, no owners, the commit's time, gzip without a timestamp.
mtime=$(git log -1 --format=%ct)
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$mtime" -C "$scratch" -cf - "$name" |
    gzip -9n >"$tarball.partial"
mv "$tarball.partial" "$tarball"
(cd dist && sha256sum "$(basename "$tarball")" >"$(basename "$tarball").sha256")
packed=$(stat -c %s "$tarball")

mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
{
    printf '%s\n' "$built_version"
    printf 'binary: %s (%s bytes) built, %s (%s bytes) stripped\n' \
        "$(mib "$unstripped")" "$unstripped" "$(mib "$stripped")" "$stripped"
    printf 'tarball: %s, %s (%s bytes)\n' "$tarball" "$(mib "$packed")" "$packed"
} >&2
# The one line on stdout: where the tarball is (scripts/test.sh reads it).
printf '%s\n' "$repo_root/$tarball"
