# shellcheck shell=bash
#
# Throwaway PostgreSQL 15 and MariaDB servers for sqlpipe's integration tests.
#
# Source this file from a bash script that runs with `set -euo pipefail`:
#
#   sqlpipe_install_packages   # apt-get only when something is missing
#   sqlpipe_start_databases    # exports SQLPIPE_TEST_* and writes <dir>/env.sh
#   sqlpipe_stop_databases     # idempotent; pass a directory to stop one
#                              # started by another shell
#
# The servers live entirely in a private /tmp/sqlpipe-dbs.* directory and
# listen on 127.0.0.1 only, so they never collide with (or depend on) the
# distribution's own services, which apt may or may not have started.
#
# Knobs:
#   SQLPIPE_TEST_POSTGRES_URL / SQLPIPE_TEST_MARIADB_URL  bring your own server;
#                                   the matching one is not started
#   SQLPIPE_TEST_PG_PORT       preferred PostgreSQL port (default 54329)
#   SQLPIPE_TEST_MARIADB_PORT  preferred MariaDB port (default 33069)
#   SQLPIPE_TEST_DB_TIMEOUT    seconds to wait for each server (default 60)
#   SQLPIPE_PG_BINDIR          PostgreSQL server binaries (default: version 15)
#   SQLPIPE_DB_PROFILE         `harness`: start the servers with the settings of an independent
#                              benchmark harness (scripts/benchmark.sh --server-settings harness):
#                              PostgreSQL shared_buffers=2GB, max_wal_size=8GB beside the settings
#                              below; MariaDB skip-log-bin, innodb_buffer_pool_size=4G,
#                              innodb_log_file_size=2G, innodb_flush_log_at_trx_commit=2,
#                              innodb_doublewrite=0, innodb_flush_method=O_DIRECT (left out, with a
#                              message, where the data directory's filesystem refuses O_DIRECT).
#                              Unset or `default`: the settings below, as CI uses them

_sqlpipe_log() {
    printf '==> %s\n' "$*" >&2
}

_sqlpipe_error() {
    printf 'sqlpipe: error: %s\n' "$*" >&2
}

_sqlpipe_is_root() {
    [[ ${EUID:-$(id -u)} -eq 0 ]]
}

# Package installation needs root; developers who are not root get sudo, but
# only when something actually has to be installed.
_sqlpipe_as_root() {
    if _sqlpipe_is_root; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        _sqlpipe_error "need root (or sudo) to run: $*"
        return 1
    fi
}

_sqlpipe_pkg_installed() {
    local status
    # shellcheck disable=SC2016 # a dpkg-query format string, not a shell expansion
    status=$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) || return 1
    [[ $status == installed ]]
}

# With the argument `build`, only what building sqlpipe needs (the client libraries); without it, the
# servers and clients the tests and benchmarks use as well, and what the release checks use (strip and
# readelf, file, man, curl; scripts/check-release.sh and scripts/check-install.sh).
sqlpipe_install_packages() {
    local missing=() pkg wanted=(pkg-config libpq-dev libmariadb-dev libsqlite3-dev sqlite3 zlib1g-dev libzstd-dev)
    # prometheus brings promtool, which the metrics tests check /metrics with.
    [[ ${1:-} == build ]] ||
        wanted+=(mariadb-server mariadb-client postgresql-client prometheus binutils file man-db curl)
    for pkg in "${wanted[@]}"; do
        _sqlpipe_pkg_installed "$pkg" || missing+=("$pkg")
    done
    # The `postgresql` metapackage is as good as postgresql-15 on Debian 12.
    if [[ ${1:-} != build ]] && ! _sqlpipe_pkg_installed postgresql-15 && ! _sqlpipe_pkg_installed postgresql; then
        missing+=(postgresql-15)
    fi
    if ((${#missing[@]} == 0)); then
        return 0
    fi

    _sqlpipe_log "installing ${missing[*]}"
    # The lock timeout rides out unattended-upgrades or a concurrent apt run
    # instead of failing CI on a transient lock.
    local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=300)
    _sqlpipe_as_root "${apt[@]}" update >&2 || return 1
    if [[ " ${missing[*]} " == *" postgresql-15 "* ]] && ! apt-cache show postgresql-15 >/dev/null 2>&1; then
        # Not Debian 12: take whatever PostgreSQL the distribution ships.
        missing=("${missing[@]/#postgresql-15/postgresql}")
    fi
    # Package scripts may start the system's own postgresql/mariadb services;
    # that is harmless because ours use other ports and data directories.
    _sqlpipe_as_root "${apt[@]}" install --no-install-recommends "${missing[@]}" >&2 || return 1
}

_sqlpipe_pg_bindir() {
    if [[ -n ${SQLPIPE_PG_BINDIR:-} ]]; then
        printf '%s\n' "$SQLPIPE_PG_BINDIR"
        return 0
    fi
    if [[ -x /usr/lib/postgresql/15/bin/initdb ]]; then
        printf '%s\n' /usr/lib/postgresql/15/bin
        return 0
    fi
    # Fall back to the newest installed major version.
    local candidate best=""
    for candidate in /usr/lib/postgresql/*/bin; do
        [[ -x $candidate/initdb ]] && best=$candidate
    done
    if [[ -z $best ]] && command -v initdb >/dev/null 2>&1; then
        best=$(dirname "$(command -v initdb)")
    fi
    if [[ -z $best ]]; then
        _sqlpipe_error "no PostgreSQL server binaries found (run sqlpipe_install_packages)"
        return 1
    fi
    printf '%s\n' "$best"
}

# Alphanumeric only, so it can go into URLs and SQL literals without escaping.
_sqlpipe_random_password() {
    local pw=""
    while ((${#pw} < 20)); do
        pw+=$(head -c 64 /dev/urandom | LC_ALL=C tr -dc 'A-Za-z0-9')
    done
    printf '%s\n' "${pw:0:20}"
}

_sqlpipe_port_in_use() {
    # A refused connect on loopback returns at once; the timeout only guards
    # against something odd swallowing the SYN.
    # shellcheck disable=SC2016 # $1 is expanded by the inner bash
    timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null
}

_sqlpipe_pick_port() {
    local preferred=$1 port
    for ((port = preferred; port < preferred + 200 && port < 65536; port++)); do
        if ! _sqlpipe_port_in_use "$port"; then
            ((port == preferred)) || _sqlpipe_log "port $preferred is taken, using $port"
            printf '%s\n' "$port"
            return 0
        fi
    done
    _sqlpipe_error "no free TCP port on 127.0.0.1 in $preferred..$((port - 1))"
    return 1
}

_sqlpipe_show_log() {
    local file=$1
    if [[ -f $file ]]; then
        printf -- '--- last lines of %s ---\n' "$file" >&2
        tail -n 40 "$file" >&2 || true
        printf -- '--- end of %s ---\n' "$file" >&2
    fi
}

# Key=value file so that `sqlpipe_stop_databases DIR` works from a new shell.
_sqlpipe_state_set() {
    printf '%s=%s\n' "$2" "$3" >>"$1/state"
}

_sqlpipe_state_get() {
    local dir=$1 wanted=$2 key value
    [[ -f $dir/state ]] || return 0
    while IFS='=' read -r key value; do
        if [[ $key == "$wanted" ]]; then
            printf '%s\n' "$value"
        fi
    done <"$dir/state"
}

# initdb and postgres refuse to run as root, so as root they run as the
# `postgres` account that the Debian package creates. cd / first: the caller's
# working directory is often unreadable to that account, which makes initdb
# and pg_ctl complain.
_sqlpipe_as_pg_owner() {
    local owner=$1
    shift
    if [[ $owner == postgres ]]; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

_sqlpipe_start_postgres() {
    local dir=$1 timeout=$2 bindir port pw owner pgdir locale=C
    bindir=$(_sqlpipe_pg_bindir) || return 1
    port=$(_sqlpipe_pick_port "${SQLPIPE_TEST_PG_PORT:-54329}") || return 1
    pw=$(_sqlpipe_random_password)
    pgdir=$dir/pg
    mkdir -p "$pgdir/run"

    owner=$(id -un)
    if _sqlpipe_is_root; then
        owner=postgres
        chown -R postgres:postgres "$pgdir" || return 1
    fi
    _sqlpipe_state_set "$dir" PG_BINDIR "$bindir"
    _sqlpipe_state_set "$dir" PG_OWNER "$owner"
    _sqlpipe_state_set "$dir" PG_PORT "$port"

    # C.UTF-8 gives Unicode-aware upper()/lower(); plain C is the fallback.
    # (Captured first: grep -q closing the pipe early could fail it under pipefail.)
    local locales
    locales=$(locale -a 2>/dev/null || true)
    if grep -qixE 'c\.utf-?8' <<<"$locales"; then
        locale=C.UTF-8
    fi

    _sqlpipe_log "starting PostgreSQL on 127.0.0.1:$port ($bindir)"
    if ! _sqlpipe_as_pg_owner "$owner" "$bindir/initdb" -D "$pgdir/data" -U postgres \
        --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale="$locale" \
        >"$dir/pg-initdb.log" 2>&1; then
        _sqlpipe_error "initdb failed"
        _sqlpipe_show_log "$dir/pg-initdb.log"
        return 1
    fi

    # Durability is pointless for a database that is deleted after the run.
    cat >>"$pgdir/data/postgresql.conf" <<EOF

# sqlpipe test server
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$pgdir/run'
# With SQLPIPE_TEST_STORE=postgresql every test's store holds a connection or two while the tests start
# all at once, beside the connections of the transfers they run.
max_connections = 600
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    if [[ ${SQLPIPE_DB_PROFILE:-default} == harness ]]; then
        _sqlpipe_log "PostgreSQL: harness settings (shared_buffers = 2GB, max_wal_size = 8GB)"
        cat >>"$pgdir/data/postgresql.conf" <<EOF
# SQLPIPE_DB_PROFILE=harness: the settings of an independent benchmark harness
shared_buffers = 2GB
max_wal_size = 8GB
EOF
    fi

    if ! _sqlpipe_as_pg_owner "$owner" "$bindir/pg_ctl" -D "$pgdir/data" -l "$pgdir/postgres.log" \
        -w -t "$timeout" start >/dev/null 2>&1; then
        _sqlpipe_error "PostgreSQL did not start on 127.0.0.1:$port"
        _sqlpipe_show_log "$pgdir/postgres.log"
        return 1
    fi

    local deadline=$((SECONDS + timeout))
    until "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -t 2; do
        if ((SECONDS >= deadline)); then
            _sqlpipe_error "PostgreSQL on 127.0.0.1:$port not ready after ${timeout}s"
            _sqlpipe_show_log "$pgdir/postgres.log"
            return 1
        fi
        sleep 0.5
    done

    # Through stdin so the password never shows up in `ps`.
    if ! "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$pgdir/run" -p "$port" -U postgres -d postgres \
        >/dev/null <<EOF; then
CREATE ROLE sqlpipe LOGIN CREATEDB PASSWORD '$pw';
CREATE DATABASE sqlpipe_test OWNER sqlpipe ENCODING 'UTF8';
EOF
        _sqlpipe_error "could not create the sqlpipe role/database in PostgreSQL"
        return 1
    fi

    export SQLPIPE_TEST_POSTGRES_URL="postgresql://sqlpipe:$pw@127.0.0.1:$port/sqlpipe_test"
    export SQLPIPE_TEST_PG_SOCKET_DIR="$pgdir/run"
    export SQLPIPE_TEST_PG_PORT="$port"
    _SQLPIPE_EXPORTED_PG=1
}

_sqlpipe_start_mariadb() {
    local dir=$1 timeout=$2 port pw mdir admin pid
    port=$(_sqlpipe_pick_port "${SQLPIPE_TEST_MARIADB_PORT:-33069}") || return 1
    pw=$(_sqlpipe_random_password)
    mdir=$dir/mariadb
    mkdir -p "$mdir/data" "$mdir/run"
    touch "$mdir/mariadbd.log"

    # mariadbd refuses to run as root without --user; the datadir must belong
    # to that user. The admin account authenticates by unix_socket, so it is
    # whoever runs this script.
    local user_opt=() install_opt=()
    admin=$(id -un)
    if _sqlpipe_is_root; then
        user_opt=(--user=mysql)
        chown -R mysql:mysql "$mdir" || return 1
    else
        # Without this mariadb-install-db trusts $USER, which CI may not set.
        install_opt=(--auth-root-socket-user="$admin")
    fi
    _sqlpipe_state_set "$dir" MARIADB_PORT "$port"
    _sqlpipe_state_set "$dir" MARIADB_ADMIN "$admin"

    _sqlpipe_log "starting MariaDB on 127.0.0.1:$port"
    # --skip-name-resolve: otherwise it needs to resolve the hostname, which
    # fails in sandboxes without DNS.
    if ! mariadb-install-db --no-defaults "${user_opt[@]}" "${install_opt[@]}" \
        --datadir="$mdir/data" --auth-root-authentication-method=socket \
        --skip-test-db --skip-name-resolve \
        >"$dir/mariadb-install-db.log" 2>&1; then
        _sqlpipe_error "mariadb-install-db failed"
        _sqlpipe_show_log "$dir/mariadb-install-db.log"
        return 1
    fi

    # The default: no flush of the redo log at each commit. SQLPIPE_DB_PROFILE=harness: the settings
    # of an independent benchmark harness, O_DIRECT only where the data directory's filesystem takes it.
    local innodb_opt=(--innodb-flush-log-at-trx-commit=0)
    if [[ ${SQLPIPE_DB_PROFILE:-default} == harness ]]; then
        innodb_opt=(--skip-log-bin --innodb-buffer-pool-size=4G --innodb-log-file-size=2G
            --innodb-flush-log-at-trx-commit=2 --innodb-doublewrite=0)
        if dd if=/dev/zero of="$mdir/data/.o_direct_probe" bs=4096 count=1 oflag=direct \
            >/dev/null 2>&1; then
            innodb_opt+=(--innodb-flush-method=O_DIRECT)
        else
            _sqlpipe_log "MariaDB: the filesystem of $mdir/data refuses O_DIRECT; innodb_flush_method stays the default"
        fi
        rm -f -- "$mdir/data/.o_direct_probe"
        _sqlpipe_log "MariaDB: harness settings (${innodb_opt[*]})"
    fi

    local socket=$mdir/run/mariadb.sock started=0
    until ((started)); do
        # setsid: a Ctrl-C in the terminal must not kill a server that
        # `dev-databases.sh start` is meant to leave running.
        setsid mariadbd --no-defaults "${user_opt[@]}" \
            --datadir="$mdir/data" --socket="$socket" --port="$port" \
            --bind-address=127.0.0.1 --local-infile=1 \
            --pid-file="$mdir/mariadbd.pid" --log-error="$mdir/mariadbd.log" \
            --skip-name-resolve "${innodb_opt[@]}" \
            --max-connections=200 \
            --character-set-server=utf8mb4 --collation-server=utf8mb4_bin \
            </dev/null >>"$mdir/mariadbd.log" 2>&1 &
        pid=$!
        _sqlpipe_state_set "$dir" MARIADB_PID "$pid"

        local deadline=$((SECONDS + timeout))
        started=1
        until mariadb-admin --no-defaults --socket="$socket" -u "$admin" --connect-timeout=2 ping \
            >/dev/null 2>&1; do
            if ! kill -0 "$pid" 2>/dev/null; then
                if [[ " ${innodb_opt[*]} " == *" --innodb-flush-method=O_DIRECT "* ]]; then
                    # SQLPIPE_DB_PROFILE=harness only: once more, without O_DIRECT.
                    _sqlpipe_show_log "$mdir/mariadbd.log"
                    _sqlpipe_log "MariaDB did not start with innodb_flush_method=O_DIRECT (its log is above); starting it again with the default flush method"
                    local kept=() opt
                    for opt in "${innodb_opt[@]}"; do
                        [[ $opt == --innodb-flush-method=O_DIRECT ]] || kept+=("$opt")
                    done
                    innodb_opt=("${kept[@]}")
                    sed -i '/^MARIADB_PID=/d' "$dir/state"
                    started=0
                    break
                fi
                _sqlpipe_error "mariadbd exited during startup (port $port)"
                _sqlpipe_show_log "$mdir/mariadbd.log"
                return 1
            fi
            if ((SECONDS >= deadline)); then
                _sqlpipe_error "MariaDB on 127.0.0.1:$port not ready after ${timeout}s"
                _sqlpipe_show_log "$mdir/mariadbd.log"
                return 1
            fi
            sleep 0.5
        done
    done

    # The quoted heredoc keeps the backticks and `\_` literal; the password is
    # substituted afterwards and fed through stdin to keep it out of `ps`.
    # `sqlpipe\_%` lets tests create scratch databases named sqlpipe_*.
    local sql
    sql=$(
        cat <<'EOF'
CREATE DATABASE IF NOT EXISTS sqlpipe_test CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
CREATE USER 'sqlpipe'@'127.0.0.1' IDENTIFIED BY '@PASSWORD@';
CREATE USER 'sqlpipe'@'localhost' IDENTIFIED BY '@PASSWORD@';
GRANT ALL PRIVILEGES ON `sqlpipe\_%`.* TO 'sqlpipe'@'127.0.0.1', 'sqlpipe'@'localhost';
GRANT ALL PRIVILEGES ON `sqlpipe_test`.* TO 'sqlpipe'@'127.0.0.1', 'sqlpipe'@'localhost';
EOF
    )
    sql=${sql//@PASSWORD@/$pw}
    if ! mariadb --no-defaults --socket="$socket" -u "$admin" <<<"$sql"; then
        _sqlpipe_error "could not create the sqlpipe user/database in MariaDB"
        return 1
    fi

    export SQLPIPE_TEST_MARIADB_URL="mariadb://sqlpipe:$pw@127.0.0.1:$port/sqlpipe_test"
    export SQLPIPE_TEST_MARIADB_SOCKET="$socket"
    export SQLPIPE_TEST_MARIADB_PORT="$port"
    _SQLPIPE_EXPORTED_MARIADB=1
}

_sqlpipe_write_env() {
    local dir=$1 name
    local names=(SQLPIPE_TEST_DB_DIR SQLPIPE_TEST_POSTGRES_URL SQLPIPE_TEST_MARIADB_URL
        SQLPIPE_TEST_PG_SOCKET_DIR SQLPIPE_TEST_PG_PORT
        SQLPIPE_TEST_MARIADB_SOCKET SQLPIPE_TEST_MARIADB_PORT)
    # The file holds passwords.
    (umask 077 && : >"$dir/env.sh")
    for name in "${names[@]}"; do
        if [[ -n ${!name:-} ]]; then
            printf 'export %s=%q\n' "$name" "${!name}" >>"$dir/env.sh"
        fi
    done
}

sqlpipe_start_databases() {
    local need_pg=1 need_mariadb=1 timeout=${SQLPIPE_TEST_DB_TIMEOUT:-60}
    if [[ -n ${SQLPIPE_TEST_POSTGRES_URL:-} ]]; then
        need_pg=0
        _sqlpipe_log "using PostgreSQL from SQLPIPE_TEST_POSTGRES_URL"
    fi
    if [[ -n ${SQLPIPE_TEST_MARIADB_URL:-} ]]; then
        need_mariadb=0
        _sqlpipe_log "using MariaDB from SQLPIPE_TEST_MARIADB_URL"
    fi
    if ((need_pg == 0 && need_mariadb == 0)); then
        return 0
    fi

    local dir
    dir=$(mktemp -d /tmp/sqlpipe-dbs.XXXXXXXX) || return 1
    # Recorded before anything can fail, so the caller's cleanup trap finds it.
    _SQLPIPE_STARTED_DIR=$dir
    # The marker is what lets sqlpipe_stop_databases rm -rf a directory that
    # was named on a command line.
    : >"$dir/.sqlpipe-dbs"
    # mktemp makes it 0700; the postgres/mysql accounts must reach their
    # subdirectories when we run as root.
    chmod 0755 "$dir"
    export SQLPIPE_TEST_DB_DIR=$dir

    if ((need_pg)); then
        _sqlpipe_start_postgres "$dir" "$timeout" || return 1
    fi
    if ((need_mariadb)); then
        _sqlpipe_start_mariadb "$dir" "$timeout" || return 1
    fi
    _sqlpipe_write_env "$dir"
}

_sqlpipe_stop_postgres() {
    local dir=$1 bindir owner pid
    [[ -f $dir/pg/data/postmaster.pid ]] || return 0
    pid=$(head -n 1 "$dir/pg/data/postmaster.pid" 2>/dev/null || true)
    bindir=$(_sqlpipe_state_get "$dir" PG_BINDIR)
    owner=$(_sqlpipe_state_get "$dir" PG_OWNER)
    if [[ -n $bindir && -n $owner ]] &&
        _sqlpipe_as_pg_owner "$owner" "$bindir/pg_ctl" -D "$dir/pg/data" -m fast -w -t 60 stop \
            >/dev/null 2>&1; then
        # pg_ctl returns once postmaster.pid is gone, a moment before the
        # postmaster has actually exited; callers expect no process left.
        _sqlpipe_wait_exit "$pid" postgres 20 || true
        return 0
    fi
    # pg_ctl failed or never ran: signal the postmaster directly.
    _sqlpipe_kill_and_wait "$pid" postgres
}

# The name check keeps a recycled pid from being mistaken for ours. Zombies
# count as gone: an orphaned server is reaped by whatever is pid 1, which in
# some containers never happens.
_sqlpipe_alive() {
    local pid=$1 expected=$2 stat
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    [[ $(cat "/proc/$pid/comm" 2>/dev/null || true) == "$expected" ]] || return 1
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [[ ${stat%% *} != Z ]]
}

# Waits up to $3 half-seconds for a process to exit.
_sqlpipe_wait_exit() {
    local pid=$1 expected=$2 tries=$3 i
    for ((i = 0; i < tries; i++)); do
        _sqlpipe_alive "$pid" "$expected" || return 0
        sleep 0.5
    done
    return 1
}

_sqlpipe_kill_and_wait() {
    local pid=$1 expected=$2
    _sqlpipe_alive "$pid" "$expected" || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    _sqlpipe_wait_exit "$pid" "$expected" 120 && return 0
    _sqlpipe_log "$expected (pid $pid) ignored SIGTERM for 60s, killing it"
    kill -KILL "$pid" 2>/dev/null || true
    _sqlpipe_wait_exit "$pid" "$expected" 20 || true
}

_sqlpipe_stop_mariadb() {
    local dir=$1 pid
    pid=$(cat "$dir/mariadb/mariadbd.pid" 2>/dev/null || true)
    [[ -n $pid ]] || pid=$(_sqlpipe_state_get "$dir" MARIADB_PID)
    # SIGTERM is mariadbd's normal shutdown and needs no credentials.
    _sqlpipe_kill_and_wait "$pid" mariadbd
}

sqlpipe_stop_databases() {
    local dir=${1:-${_SQLPIPE_STARTED_DIR:-}}
    [[ -n $dir ]] || return 0
    if [[ ! -e $dir ]]; then
        [[ $dir != "${_SQLPIPE_STARTED_DIR:-}" ]] || unset _SQLPIPE_STARTED_DIR
        return 0
    fi
    if [[ ! -f $dir/.sqlpipe-dbs ]]; then
        _sqlpipe_error "$dir was not created by sqlpipe_start_databases; not touching it"
        return 1
    fi

    _sqlpipe_log "stopping test databases in $dir"
    _sqlpipe_stop_postgres "$dir" || true
    _sqlpipe_stop_mariadb "$dir" || true
    rm -rf -- "$dir" || return 1

    if [[ $dir == "${_SQLPIPE_STARTED_DIR:-}" ]]; then
        unset _SQLPIPE_STARTED_DIR SQLPIPE_TEST_DB_DIR
        if [[ -n ${_SQLPIPE_EXPORTED_PG:-} ]]; then
            unset _SQLPIPE_EXPORTED_PG SQLPIPE_TEST_POSTGRES_URL SQLPIPE_TEST_PG_SOCKET_DIR SQLPIPE_TEST_PG_PORT
        fi
        if [[ -n ${_SQLPIPE_EXPORTED_MARIADB:-} ]]; then
            unset _SQLPIPE_EXPORTED_MARIADB SQLPIPE_TEST_MARIADB_URL SQLPIPE_TEST_MARIADB_SOCKET SQLPIPE_TEST_MARIADB_PORT
        fi
    fi
}
