#!/usr/bin/env bash
# Long-lived test databases for development:
#
#   scripts/dev-databases.sh start        # prints the env file to source
#   scripts/dev-databases.sh stop [DIR]   # DIR defaults to $SQLPIPE_TEST_DB_DIR
#
# Everything `stop` needs is kept in DIR, so it works from any shell.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib/databases.sh
source "$repo_root/scripts/lib/databases.sh"

usage() {
    printf 'usage: %s start | stop [DIR]\n' "$0" >&2
    exit 2
}

start() {
    # `start` always means new servers, even in a shell that already sourced
    # an env.sh (the library would otherwise reuse those URLs).
    unset SQLPIPE_TEST_POSTGRES_URL SQLPIPE_TEST_MARIADB_URL
    trap 'sqlpipe_stop_databases || true' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    sqlpipe_install_packages
    sqlpipe_start_databases
    trap - EXIT INT TERM
    printf 'Databases are running. To use them:\n'
    printf '  source %s/env.sh\n' "$SQLPIPE_TEST_DB_DIR"
    printf 'To stop them:\n'
    printf '  %s stop %s\n' "$0" "$SQLPIPE_TEST_DB_DIR"
}

stop() {
    local dir=${1:-${SQLPIPE_TEST_DB_DIR:-}}
    if [[ -z $dir ]]; then
        printf 'stop: no directory given and SQLPIPE_TEST_DB_DIR is not set\n' >&2
        usage
    fi
    if [[ ! -e $dir ]]; then
        printf '%s does not exist; nothing to stop\n' "$dir" >&2
        return 0
    fi
    sqlpipe_stop_databases "$dir"
}

case ${1:-} in
start)
    (($# == 1)) || usage
    start
    ;;
stop)
    (($# <= 2)) || usage
    stop "${2:-}"
    ;;
*) usage ;;
esac
