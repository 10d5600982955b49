# shellcheck shell=bash
#
# sling (https://slingdata.io), for scripts/benchmark.sh to compare with (the transfer, sync and
# replication suites).
#
#   sqlpipe_find_sling DIR   # prints the path of a sling binary; installs one into DIR when needed
#
# SQLPIPE_BENCH_SLING=/path/to/sling uses that binary and installs nothing. Otherwise the binary comes
# from the PyPI wheel sling-linux-amd64 (or -arm64), which holds only the binary, installed with pip
# into a virtual environment at DIR that later runs reuse; SQLPIPE_BENCH_SLING_VERSION pins a version.
# If python3 has no venv module, python3-venv and python3-pip are installed with apt-get (root or sudo).
# Returns 1, after saying why on stderr, when no sling can be had: the caller runs without it.

_sqlpipe_sling_in() { # _sqlpipe_sling_in DIR: the binary inside the wheel of that venv, if any
    local candidate
    for candidate in "$1"/lib/python3*/site-packages/sling_linux_*/bin/sling-linux-*; do
        if [[ -x $candidate && -f $candidate && ${candidate##*/} != *.* ]]; then
            printf '%s\n' "$candidate"
            return 0
        fi
    done
    return 1
}

sqlpipe_find_sling() {
    local dir=$1 arch package
    if [[ -n ${SQLPIPE_BENCH_SLING:-} ]]; then
        if [[ -x $SQLPIPE_BENCH_SLING ]]; then
            printf '%s\n' "$SQLPIPE_BENCH_SLING"
            return 0
        fi
        printf '==> sling: SQLPIPE_BENCH_SLING=%s is not an executable\n' "$SQLPIPE_BENCH_SLING" >&2
        return 1
    fi
    case $(uname -m) in
    x86_64 | amd64) arch=amd64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *)
        printf '==> sling: no wheel for %s\n' "$(uname -m)" >&2
        return 1
        ;;
    esac
    package=sling-linux-$arch
    [[ -n ${SQLPIPE_BENCH_SLING_VERSION:-} ]] && package+="==$SQLPIPE_BENCH_SLING_VERSION"
    if [[ -z ${SQLPIPE_BENCH_SLING_VERSION:-} ]] && _sqlpipe_sling_in "$dir"; then
        return 0
    fi
    if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
        printf '==> sling: installing python3-venv and python3-pip\n' >&2
        _sqlpipe_as_root env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=300 \
            install --no-install-recommends python3 python3-venv python3-pip >&2 || {
            printf '==> sling: could not install python3-venv\n' >&2
            return 1
        }
    fi
    if [[ ! -x $dir/bin/pip ]]; then
        mkdir -p "$(dirname "$dir")"
        python3 -m venv "$dir" >&2 || {
            printf '==> sling: python3 -m venv %s failed\n' "$dir" >&2
            return 1
        }
    fi
    printf '==> sling: pip install %s into %s\n' "$package" "$dir" >&2
    "$dir/bin/pip" install --quiet --disable-pip-version-check "$package" >&2 || {
        printf '==> sling: pip install %s failed\n' "$package" >&2
        return 1
    }
    _sqlpipe_sling_in "$dir" || {
        printf '==> sling: no binary in the %s wheel\n' "$package" >&2
        return 1
    }
}
