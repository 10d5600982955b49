#!/usr/bin/env bash
# Checks a release tarball made by scripts/release.sh the way a machine without Swift would see it:
#
#   scripts/check-release.sh dist/sqlpipe-VERSION-linux-x86_64.tar.gz
#
# It unpacks the tarball into a temporary folder and checks its layout; checks that the binary is stripped
# and that every library `ldd` finds for it belongs to a Debian package that libpq5, libmariadb3,
# libsqlite3-0, zlib1g, libzstd1, libc6, libgcc-s1 and libstdc++6 depend on (none from the Swift toolchain, no libswift* or
# libFoundation*); then runs it with an empty environment (`env -i`, no LD_LIBRARY_PATH) in a mount
# namespace where a tmpfs hides the toolchain's folder (`unshare --mount`, with --map-root-user when not
# root): `--version`, a SQLite-to-SQLite `transfer create` on a fresh store whose rows are compared with
# sqlite3, and `serve` answering its health check and an authenticated request with curl.
# SQLPIPE_TOOLCHAIN_DIR names the folder to hide (default: the one holding the `swift` on the PATH, or
# /opt/swift).
set -euo pipefail

die() {
    printf 'check-release.sh: error: %s\n' "$*" >&2
    exit 1
}
step() {
    printf '==> %s\n' "$*" >&2
}

# ---------------------------------------------------------------------------------------------------------
# Inside the namespace (the script runs itself with --inside): the toolchain is hidden, the environment empty.
if [[ ${1:-} == --inside ]]; then
    work=$2
    version=$3
    toolchain=$4
    cd "$work"
    bin=$work/release/bin/sqlpipe
    [[ -z ${LD_LIBRARY_PATH:-} ]] || die "LD_LIBRARY_PATH is set inside the clean environment"
    if [[ -n $toolchain && -e $toolchain/usr/bin/swift ]]; then
        die "the toolchain is still visible at $toolchain inside the namespace"
    fi
    export SQLPIPE_STORE=$work/store/sqlpipe.db
    mkdir -p "$work/store" "$work/data" "$HOME"

    step "sqlpipe --version (toolchain hidden, environment empty)"
    said=$("$bin" --version)
    printf '%s\n' "$said"
    [[ $said =~ ^sqlpipe\ ${version//./\\.}\ \(commit\ [0-9a-f]{7,40}(-dirty)?\)$ ]] ||
        die "--version says '$said', not 'sqlpipe $version (commit <hash>)'"

    step "a SQLite-to-SQLite transfer on a fresh store"
    sqlite3 "$work/data/source.db" <<'SQL'
CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, price REAL, note TEXT);
INSERT INTO items VALUES (1, 'plain', 2.5, NULL), (2, 'Grüße, "quotes" and ''apostrophes''', -0.125, ''),
    (3, 'tab	and
newline', 1e10, 'ünïcødé ✓');
WITH RECURSIVE n(i) AS (SELECT 4 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
INSERT INTO items SELECT i, 'row ' || i, i / 4.0, printf('%08d', i * 7) FROM n;
SQL
    "$bin" connection create --name source --url "sqlite://$work/data/source.db" >/dev/null
    "$bin" connection create --name target --url "sqlite://$work/data/target.db" >/dev/null
    "$bin" transfer create --source source --target target --query 'SELECT * FROM items' --target-table items
    select='SELECT id, name, price, quote(note) FROM items ORDER BY id'
    if ! diff <(sqlite3 -csv "$work/data/source.db" "$select") <(sqlite3 -csv "$work/data/target.db" "$select") >"$work/rows.diff"; then
        head -n 20 "$work/rows.diff" >&2
        die "the target's rows differ from the source's"
    fi
    rows=$(sqlite3 "$work/data/target.db" 'SELECT count(*) FROM items')
    [[ $rows == 1000 ]] || die "the target holds $rows rows, not 1000"
    printf 'the target holds the same %s rows\n' "$rows"

    step "sqlpipe serve answers its health check"
    printf 's3cret-Passw0rd\n' | "$bin" user create --username admin_1 --admin --password-stdin >/dev/null
    "$bin" serve --port 0 --max-concurrency 1 --log-format json >"$work/serve.log" 2>&1 &
    serve_pid=$!
    trap 'kill "$serve_pid" 2>/dev/null || true' EXIT
    url=""
    for _ in $(seq 1 100); do
        url=$(sed -nE '/"listening"/ s/.*"url":"(https?:[^"]+)".*/\1/p' "$work/serve.log" | head -n 1)
        [[ -n $url ]] && break
        kill -0 "$serve_pid" 2>/dev/null || {
            cat "$work/serve.log" >&2
            die "serve exited before listening"
        }
        sleep 0.1
    done
    [[ -n $url ]] || {
        cat "$work/serve.log" >&2
        die "serve did not say where it listens within 10 seconds"
    }
    health=$(curl -fsS --max-time 10 "$url/api/v1/healthcheck") || die "GET $url/api/v1/healthcheck failed"
    printf '%s\n' "$health"
    [[ $health == *'"available"'* && $health == *"\"$version\""* ]] ||
        die "the health check does not say available and $version: $health"
    shown=$(curl -fsS --max-time 10 -u admin_1:s3cret-Passw0rd "$url/api/v1/transfers/1") ||
        die "GET $url/api/v1/transfers/1 with Basic Auth failed"
    [[ $shown == *'"complete"'* ]] || die "transfer 1 is not complete in the API: $shown"
    kill -TERM "$serve_pid"
    serve_rc=0
    wait "$serve_pid" || serve_rc=$?
    trap - EXIT
    ((serve_rc == 0)) || {
        cat "$work/serve.log" >&2
        die "serve exited with $serve_rc on SIGTERM"
    }
    printf 'serve answered and stopped on SIGTERM\n'
    exit 0
fi

# ---------------------------------------------------------------------------------------------------------
(($# == 1)) || die "usage: scripts/check-release.sh TARBALL"
tarball=$(realpath -- "$1")
[[ -f $tarball ]] || die "no such tarball: $1"
for tool in tar ldd file readelf unshare curl sqlite3 dpkg dpkg-query; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is not on the PATH (scripts/lib/databases.sh's sqlpipe_install_packages installs what these checks need)"
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 0755 "$work"

step "unpacking $(basename "$tarball")"
mkdir "$work/unpacked"
tar -xzf "$tarball" -C "$work/unpacked"
shopt -s nullglob
tops=("$work"/unpacked/*)
shopt -u nullglob
((${#tops[@]} == 1)) || die "the tarball should hold one folder, sqlpipe-VERSION/, not ${#tops[@]} entries"
top=$(basename "${tops[0]}")
[[ $top =~ ^sqlpipe-([0-9]+\.[0-9]+\.[0-9]+.*)$ ]] || die "its folder is $top, not sqlpipe-VERSION"
version=${BASH_REMATCH[1]}
[[ $(basename "$tarball") == "sqlpipe-$version-linux-"*.tar.gz ]] || die "the tarball's name does not match its folder $top"
mv "$work/unpacked/$top" "$work/release"
release=$work/release
for path in bin/sqlpipe install.sh LICENSE INSTALL completions/sqlpipe.bash completions/_sqlpipe \
    completions/sqlpipe.fish man/man1/sqlpipe.1 man/man1/sqlpipe-transfer-create.1; do
    [[ -f $release/$path ]] || die "the tarball has no $top/$path"
done
[[ -x $release/bin/sqlpipe && -x $release/install.sh ]] || die "bin/sqlpipe and install.sh must be executable"
printf '%s: %s, %s man pages, %s bytes\n' "$top" "$(find "$release" -type f | wc -l) files" \
    "$(find "$release/man/man1" -name '*.1' | wc -l)" "$(stat -c %s "$release/bin/sqlpipe")"

step "the binary is a stripped ELF executable"
description=$(file -b "$release/bin/sqlpipe")
printf '%s\n' "$description"
[[ $description == ELF* ]] || die "bin/sqlpipe is not an ELF file"
[[ $description == *", stripped"* ]] || die "bin/sqlpipe is not stripped"

toolchain=${SQLPIPE_TOOLCHAIN_DIR:-}
if [[ -z $toolchain ]]; then
    if swift_path=$(command -v swift 2>/dev/null); then
        toolchain=$(dirname "$(dirname "$(dirname "$(realpath "$swift_path")")")")
    elif [[ -d /opt/swift ]]; then
        toolchain=/opt/swift
    fi
fi

step "its libraries are the system's database clients and what they need"
if runpath=$(readelf -d "$release/bin/sqlpipe" | grep -E '\((RUNPATH|RPATH)\)'); then
    if [[ -n $toolchain && $runpath == *"$toolchain"* ]]; then
        die "the binary's run path names the toolchain: $runpath"
    fi
    printf 'run path: %s\n' "${runpath##*: }"
fi
# Every package the allowed ones depend on, recursively (alternatives included), from dpkg's database.
allowed_roots=(libc6 libgcc-s1 libstdc++6 libpq5 libmariadb3 libsqlite3-0 zlib1g libzstd1)
declare -A allowed=()
queue=("${allowed_roots[@]}")
while ((${#queue[@]} > 0)); do
    package=${queue[0]}
    queue=("${queue[@]:1}")
    [[ -n ${allowed[$package]:-} ]] && continue
    allowed[$package]=1
    depends=$(dpkg-query -W -f='${Depends},${Pre-Depends}' "$package" 2>/dev/null) || continue
    while IFS= read -r dependency; do
        [[ -n $dependency && -z ${allowed[$dependency]:-} ]] && queue+=("$dependency")
    done < <(printf '%s\n' "$depends" | sed -E 's/[,|]/\n/g' | sed -E 's/\([^)]*\)//; s/:any//; s/^[[:space:]]+//; s/[[:space:]]+$//')
done
for root in "${allowed_roots[@]}"; do
    dpkg-query -W "$root" >/dev/null 2>&1 || die "$root is not installed here, so the check cannot tell what it needs (apt-get install $root)"
done

# The Debian package that ships a library, trying the path as it is and across the merged /usr.
owner_of() {
    local path=$1 candidate found
    for candidate in "$path" "$(realpath "$path")" "${path#/usr}" "/usr${path}"; do
        if found=$(dpkg -S "$candidate" 2>/dev/null); then
            printf '%s\n' "${found%%:*}" | head -n 1
            return 0
        fi
    done
    return 1
}
ldd_output=$(ldd "$release/bin/sqlpipe" 2>&1) || die "ldd failed: $ldd_output"
bad=()
count=0
while IFS= read -r line; do
    line=${line#"${line%%[![:space:]]*}"}
    [[ -z $line ]] && continue
    name=${line%% *}
    path=""
    if [[ $line == *" => "* ]]; then
        path=${line#* => }
        path=${path%% (*}
    elif [[ $name == /* ]]; then
        path=$name
    fi
    [[ $name == linux-vdso.so.* || $name == linux-gate.so.* ]] && continue
    count=$((count + 1))
    if [[ $path == "not found" || -z $path ]]; then
        bad+=("$name: not found")
        continue
    fi
    base=$(basename "$name")
    if [[ -n $toolchain && ($path == "$toolchain"/* || $(realpath "$path") == "$toolchain"/*) ]]; then
        bad+=("$name => $path: from the Swift toolchain")
    elif [[ $base == libswift* || $base == libFoundation* || $base == lib_Foundation* || $base == libdispatch* || $base == libBlocksRuntime* ]]; then
        bad+=("$name => $path: a Swift runtime library; link it statically")
    elif ! package=$(owner_of "$path"); then
        bad+=("$name => $path: no Debian package ships it")
    elif [[ -z ${allowed[$package]:-} ]]; then
        bad+=("$name => $path: from $package, which none of ${allowed_roots[*]} needs")
    else
        printf '  %-28s %s (%s)\n' "$name" "$path" "$package"
    fi
done <<<"$ldd_output"
if ((${#bad[@]} > 0)); then
    printf 'check-release.sh: bin/sqlpipe loads libraries a plain Debian host may not have:\n' >&2
    printf '  %s\n' "${bad[@]}" >&2
    exit 1
fi
printf '%d libraries, every one from an allowed package\n' "$count"

step "running it without the toolchain"
hide=()
if [[ -n $toolchain && -d $toolchain ]]; then
    hide=("$toolchain")
    printf 'hiding %s under a tmpfs\n' "$toolchain"
else
    printf 'no toolchain folder on this machine to hide\n'
fi
unshare_args=(--mount)
[[ ${EUID:-$(id -u)} -eq 0 ]] || unshare_args+=(--map-root-user)
if ! unshare "${unshare_args[@]}" true 2>"$work/unshare.err"; then
    die "cannot make a mount namespace to hide the toolchain (unshare ${unshare_args[*]}: $(cat "$work/unshare.err")); run as root, or where unprivileged user namespaces are allowed"
fi
# shellcheck disable=SC2016 # expanded by the inner shell
inner='set -e; for dir in "$@"; do mount -t tmpfs -o size=1m,mode=0755 sqlpipe-hidden "$dir"; done
exec env -i PATH=/usr/bin:/bin HOME="$SQLPIPE_CHECK_WORK/home" LANG=C.UTF-8 TERM=dumb \
    /bin/bash "$SQLPIPE_CHECK_SELF" --inside "$SQLPIPE_CHECK_WORK" "$SQLPIPE_CHECK_VERSION" "$SQLPIPE_CHECK_TOOLCHAIN"'
SQLPIPE_CHECK_SELF=$(realpath "${BASH_SOURCE[0]}") SQLPIPE_CHECK_WORK=$work SQLPIPE_CHECK_VERSION=$version \
    SQLPIPE_CHECK_TOOLCHAIN=${hide[0]:-} \
    unshare "${unshare_args[@]}" /bin/sh -c "$inner" sh "${hide[@]}" || die "the binary failed without the toolchain (see above)"

printf 'check-release.sh: %s is good\n' "$(basename "$tarball")"
