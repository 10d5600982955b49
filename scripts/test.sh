#!/usr/bin/env bash
# Runs the whole sqlpipe test suite against throwaway PostgreSQL and MariaDB
# servers, then the service, CLI and API tests again on a PostgreSQL metadata
# store. Extra arguments go to `swift test` (e.g. --filter MariaDB), and then
# the second pass is left out (SQLPIPE_TEST_STORE=postgresql runs it by hand).
#
# After the tests it checks that the man pages in docs/man/ are current. With
# --release, or when CI=true, it then builds the release tarball and checks it
# (scripts/release.sh, check-release.sh, check-install.sh): a release build
# takes a while, so local runs skip it.
#
# To reuse servers you already run, set SQLPIPE_TEST_POSTGRES_URL and
# SQLPIPE_TEST_MARIADB_URL (e.g. `source <dir>/env.sh` from
# scripts/dev-databases.sh); those are then not started here.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib/databases.sh
source "$repo_root/scripts/lib/databases.sh"

# shellcheck disable=SC2317,SC2119 # runs from the EXIT trap; no argument = what we started
cleanup() {
    local rc=$?
    trap - EXIT
    # Never let a failing cleanup replace the test result.
    sqlpipe_stop_databases || true
    exit "$rc"
}
trap cleanup EXIT
# Without these a Ctrl-C or kill would skip the EXIT trap and leak servers.
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

release=false
[[ ${CI:-} == true ]] && release=true
test_args=()
for arg in "$@"; do
    if [[ $arg == --release ]]; then release=true; else test_args+=("$arg"); fi
done

cd "$repo_root"
printf '==> scripts/check-format.sh\n' >&2
bash scripts/check-format.sh

# shellcheck disable=SC2119 # no argument: everything the tests and checks use
sqlpipe_install_packages
sqlpipe_start_databases

printf '==> swift build --build-tests\n' >&2
swift build --build-tests
printf '==> swift test --disable-xctest %s\n' "${test_args[*]}" >&2
rc=0
swift test --disable-xctest "${test_args[@]}" || rc=$?
# The service, CLI and API tests once more, each on a PostgreSQL store of its own (a schema on the test
# server), so that both stores are held to the same tests.
if [[ ${#test_args[@]} -eq 0 ]]; then
    store_suites='SQLPipeCoreTests|SQLPipeCLITests|SQLPipeServerTests'
    printf '==> SQLPIPE_TEST_STORE=postgresql swift test --disable-xctest --filter %s\n' "$store_suites" >&2
    SQLPIPE_TEST_STORE=postgresql swift test --disable-xctest --filter "$store_suites" || rc=$?
fi

printf '==> scripts/generate-manuals.sh --check\n' >&2
bash scripts/generate-manuals.sh --check || rc=1

if $release; then
    printf '==> scripts/release.sh\n' >&2
    if tarball=$(bash scripts/release.sh); then
        printf '==> scripts/check-release.sh %s\n' "$tarball" >&2
        bash scripts/check-release.sh "$tarball" || rc=1
        printf '==> scripts/check-install.sh %s\n' "$tarball" >&2
        bash scripts/check-install.sh "$tarball" || rc=1
    else
        rc=1
    fi
fi
exit "$rc"
