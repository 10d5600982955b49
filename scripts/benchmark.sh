#!/usr/bin/env bash
# Measures sqlpipe's transfer throughput and peak memory on every route between PostgreSQL,
# MariaDB/MySQL and SQLite, next to the native bulk pipes (psql COPY binary, mariadb | LOAD DATA).
# With --suite sync, measures the sync modes instead (upsert, incremental), next to sling; with
# --suite replication, replications of many tables (PostgreSQL → MariaDB and → SQLite), next to sling;
# with --suite files, PostgreSQL → CSV file and back, plain and gzip, next to psql's COPY (FORMAT csv)
# and DuckDB's read_csv (scripts/lib/bench-files.sh). See docs/benchmarks.md.
#
#   scripts/benchmark.sh [--suite transfer|sync|replication|files|transfer,sync,...] [--rows-narrow N]
#                        [--rows-mixed N] [--routes pg-pg,mysql-sqlite,...] [--datasets narrow,mixed]
#                        [--repeat N] [--rows-sync N] [--sync-new N] [--tables N] [--rows-replication N]
#                        [--server-settings default|harness] [--no-duckdb] [--no-sling]
#                        [--anchor-timeout S] [--sling-timeout S] [--out FILE] [--keep-data]
#
# The transfer suite times sqlpipe on each route and dataset, the native pipes (psql COPY binary,
# mariadb | LOAD DATA), and, when they can be had, DuckDB 1.5.5 (ATTACH both ends, CREATE TABLE … AS
# SELECT; pip-installed into ~/.cache/sqlpipe-bench/duckdb) and sling (--mode full-refresh) on the same
# route: "vs best other" is the faster one's seconds ÷ sqlpipe's. --no-duckdb and --no-sling leave them
# out; each of their runs is stopped after --anchor-timeout seconds (default 300). A tool that fails a
# route shows "error" and a note, and does not change the exit status.
#
# --server-settings harness starts the throwaway servers with the settings of an independent benchmark
# harness (PostgreSQL shared_buffers=2GB, max_wal_size=8GB; MariaDB innodb_buffer_pool_size=4G,
# innodb_log_file_size=2G, innodb_flush_log_at_trx_commit=2, innodb_doublewrite=0, O_DIRECT, no binlog;
# see scripts/lib/databases.sh) and uses that harness's LOAD DATA pipe as the MariaDB reference. It
# cannot apply them to servers given by URL, and stops with an error then. The table's first line says
# which settings ran, as read from the servers.
#
# The sync suite (routes pg-pg,mysql-mysql,pg-sqlite unless --routes says otherwise) upserts N/2 rows
# (--rows-sync N, default 2000000: half of them new keys, half updates) into an N-row keyed table, and
# runs incremental transfers that find --sync-new rows (default 10000) and none: with a key, without,
# and with a key and an index on the cursor column in the target. sling runs the same cases unless --no-sling, each stopped after --sling-timeout seconds
# (default 300); it is installed with pip into ~/.cache/sqlpipe-bench/sling
# (SQLPIPE_BENCH_SLING=/path/to/sling uses that binary instead).
#
# The replication suite makes --tables N PostgreSQL tables (default 20) bench_repl.bench_repl_01..N of
# --rows-replication rows each (default 100000) and, into MariaDB and into SQLite, times: the N single
# `transfer create --mode overwrite` runs one after another (their sum), `replication run` of one
# pattern stream at concurrency 1 and at 2, and sling's replication YAML of the same tables. It runs
# each case once (--repeat does not apply) and checks every target table's rows after each case.
#
# Uses the servers named by SQLPIPE_TEST_POSTGRES_URL / SQLPIPE_TEST_MARIADB_URL when set (e.g.
# `source <dir>/env.sh` from scripts/dev-databases.sh), else starts throwaway ones and stops them at
# exit. Builds sqlpipe in release mode; SQLPIPE_BENCH_SCRATCH sets the build's --scratch-path, and
# SQLPIPE_BENCH_BIN=/path/to/sqlpipe measures that binary instead of building.
# The results table (Markdown) goes to stdout, and to --out FILE; progress goes to stderr.
# Exit status: 0 when every run worked and every row count matched, 1 otherwise (sling's failures
# are reported in the table, and do not count).
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib/databases.sh
source "$repo_root/scripts/lib/databases.sh"
# shellcheck source=scripts/lib/sling.sh
source "$repo_root/scripts/lib/sling.sh"
# shellcheck source=scripts/lib/bench-files.sh
source "$repo_root/scripts/lib/bench-files.sh"
# shellcheck source=scripts/lib/bench-anchors.sh
source "$repo_root/scripts/lib/bench-anchors.sh"

all_routes=(pg-pg pg-mysql pg-sqlite mysql-pg mysql-mysql mysql-sqlite sqlite-pg sqlite-mysql sqlite-sqlite)
rows_narrow=2000000
rows_mixed=1000000
routes_arg=$(
    IFS=,
    echo "${all_routes[*]}"
)
datasets_arg=narrow,mixed
repeat=1
out_file=""
keep_data=0
suite_arg=transfer
routes_given=0
sync_rows=2000000
sync_new=10000
use_sling=1
sling_timeout=300
use_duckdb=1
anchor_timeout=300
server_settings=default
repl_tables=20
repl_rows=100000

usage() {
    sed -n '2,/^[^#]/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

die() {
    printf 'benchmark: error: %s\n' "$*" >&2
    exit 1
}

log() {
    printf '==> %s\n' "$*" >&2
}

positive() {
    [[ $2 =~ ^[1-9][0-9]*$ ]] || die "$1 needs a positive integer, not '$2'"
}

while (($#)); do
    case $1 in
    --rows-narrow | --rows-mixed | --routes | --datasets | --repeat | --out | --suite | --rows-sync | --sync-new | --sling-timeout | --tables | --rows-replication | --anchor-timeout | --server-settings)
        (($# >= 2)) || die "$1 needs a value"
        case $1 in
        --rows-narrow) positive "$1" "$2" && rows_narrow=$2 ;;
        --rows-mixed) positive "$1" "$2" && rows_mixed=$2 ;;
        --routes) routes_arg=$2 routes_given=1 ;;
        --suite) suite_arg=$2 ;;
        --rows-sync) positive "$1" "$2" && sync_rows=$2 ;;
        --sync-new) positive "$1" "$2" && sync_new=$2 ;;
        --sling-timeout) positive "$1" "$2" && sling_timeout=$2 ;;
        --anchor-timeout) positive "$1" "$2" && anchor_timeout=$2 ;;
        --server-settings)
            [[ $2 == default || $2 == harness ]] || die "--server-settings takes default or harness, not '$2'"
            server_settings=$2
            ;;
        --tables) positive "$1" "$2" && repl_tables=$2 ;;
        --rows-replication) positive "$1" "$2" && repl_rows=$2 ;;
        --datasets) datasets_arg=$2 ;;
        --repeat) positive "$1" "$2" && repeat=$2 ;;
        --out) out_file=$2 ;;
        esac
        shift 2
        ;;
    --keep-data)
        keep_data=1
        shift
        ;;
    --no-sling)
        use_sling=0
        shift
        ;;
    --no-duckdb)
        use_duckdb=0
        shift
        ;;
    -h | --help)
        usage
        exit 0
        ;;
    *) die "unknown argument '$1' (see --help)" ;;
    esac
done

run_transfer=0 run_sync=0 run_repl=0 run_files=0
IFS=, read -r -a suites <<<"$suite_arg"
((${#suites[@]})) || die "--suite is empty"
for suite in "${suites[@]}"; do
    case $suite in
    transfer) run_transfer=1 ;;
    sync) run_sync=1 ;;
    replication) run_repl=1 ;;
    files) run_files=1 ;;
    *) die "unknown suite '$suite' (use transfer, sync, replication, files)" ;;
    esac
done
IFS=, read -r -a routes <<<"$routes_arg"
IFS=, read -r -a datasets <<<"$datasets_arg"
((${#routes[@]})) || die "--routes is empty"
((${#datasets[@]})) || die "--datasets is empty"
for route in "${routes[@]}"; do
    [[ " ${all_routes[*]} " == *" $route "* ]] || die "unknown route '$route' (use: ${all_routes[*]})"
done
# The sync suite's routes: those of --routes, else one of each kind (server to itself, to SQLite).
sync_routes=()
if ((run_sync)); then
    if ((routes_given)); then sync_routes=("${routes[@]}"); else sync_routes=(pg-pg mysql-mysql pg-sqlite); fi
    ((sync_rows % 4 == 0)) || die "--rows-sync needs a multiple of 4, not $sync_rows"
    ((sync_new < sync_rows)) || die "--sync-new must be smaller than --rows-sync"
fi
((run_transfer)) || routes=()
for dataset in "${datasets[@]}"; do
    [[ $dataset == narrow || $dataset == mixed ]] || die "unknown dataset '$dataset' (use narrow, mixed)"
done
if [[ -n $out_file ]]; then
    : >"$out_file" || die "cannot write $out_file"
fi

# Which systems are read from and written to, and which reference pipes run.
uses() { # uses SYSTEM source|target [ROUTE...]: in those routes, by default the transfer suite's
    local system=$1 role=$2 route
    shift 2
    (($#)) || set -- "${routes[@]}"
    for route in "$@"; do
        if [[ $role == source && ${route%-*} == "$system" ]] || [[ $role == target && ${route#*-} == "$system" ]]; then
            return 0
        fi
    done
    return 1
}
need_pg=0 need_mysql=0 need_sqlite=0 ref_pg=0 ref_mysql=0
for system in pg mysql sqlite; do
    for role in source target; do
        if uses "$system" "$role" "${routes[@]}" "${sync_routes[@]}"; then
            declare "need_$system=1"
        fi
    done
done
[[ " ${routes[*]} " == *" pg-pg "* ]] && ref_pg=1
# The replication suite reads PostgreSQL and writes MariaDB and SQLite.
if ((run_repl)); then need_pg=1 need_mysql=1 need_sqlite=1; fi
# The files suite reads and writes PostgreSQL.
if ((run_files)); then need_pg=1; fi
uses mysql target && ref_mysql=1

# The servers' settings: scripts/lib/databases.sh reads SQLPIPE_DB_PROFILE when it starts them. The
# harness's settings exist only on servers this script starts: one given by URL keeps its own, so that is
# an error rather than a table that claims settings which did not run.
if [[ $server_settings == harness ]]; then
    if ((need_pg)) && [[ -n ${SQLPIPE_TEST_POSTGRES_URL:-} ]]; then
        die "--server-settings harness cannot apply its settings to the PostgreSQL server of SQLPIPE_TEST_POSTGRES_URL; unset it (env -u SQLPIPE_TEST_POSTGRES_URL -u SQLPIPE_TEST_MARIADB_URL …) so that the script starts its own"
    fi
    if ((need_mysql)) && [[ -n ${SQLPIPE_TEST_MARIADB_URL:-} ]]; then
        die "--server-settings harness cannot apply its settings to the MariaDB server of SQLPIPE_TEST_MARIADB_URL; unset it (env -u SQLPIPE_TEST_POSTGRES_URL -u SQLPIPE_TEST_MARIADB_URL …) so that the script starts its own"
    fi
fi
export SQLPIPE_DB_PROFILE=$server_settings

# --- setup -------------------------------------------------------------------------------------

work=""
pg_conn=()
mysql_conn=()
# shellcheck disable=SC2317,SC2119 # runs from the EXIT trap; no argument = what we started
cleanup() {
    local rc=$?
    trap - EXIT
    if [[ -n $work ]]; then
        drop_tables || true
        rm -rf -- "$work"
    fi
    sqlpipe_stop_databases || true
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# shellcheck disable=SC2119 # no argument: servers and clients too
sqlpipe_install_packages
if [[ ! -x /usr/bin/time ]]; then
    log "installing GNU time"
    _sqlpipe_as_root env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=300 \
        install --no-install-recommends time >&2
fi
if ((run_sync)) && ! command -v jq >/dev/null 2>&1; then
    log "installing jq"
    _sqlpipe_as_root env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=300 \
        install --no-install-recommends jq >&2
fi
# What the table calls the settings: those this script started its servers with, or the given servers' own.
settings_label=$server_settings
n_given=0 n_started=0
for system in pg:SQLPIPE_TEST_POSTGRES_URL mysql:SQLPIPE_TEST_MARIADB_URL; do
    need_var="need_${system%%:*}" url_var=${system#*:}
    ((${!need_var})) || continue
    if [[ -n ${!url_var:-} ]]; then n_given=$((n_given + 1)); else n_started=$((n_started + 1)); fi
done
if ((n_given && n_started)); then
    settings_label="$server_settings for the server started here, its own for the one of SQLPIPE_TEST_*_URL"
elif ((n_given)); then
    settings_label="the servers' own (given by SQLPIPE_TEST_*_URL)"
fi
sqlpipe_start_databases

cd "$repo_root"
if [[ -n ${SQLPIPE_BENCH_BIN:-} ]]; then
    # A binary built already (e.g. to compare two builds); then nothing is built.
    sqlpipe=$SQLPIPE_BENCH_BIN
    log "using $sqlpipe (SQLPIPE_BENCH_BIN); not building"
else
    scratch=()
    [[ -n ${SQLPIPE_BENCH_SCRATCH:-} ]] && scratch=(--scratch-path "$SQLPIPE_BENCH_SCRATCH")
    log "swift build -c release --product sqlpipe ${scratch[*]}"
    swift build -c release --product sqlpipe "${scratch[@]}" >&2
    sqlpipe="$(swift build -c release --show-bin-path "${scratch[@]}")/sqlpipe"
fi
[[ -x $sqlpipe ]] || die "no sqlpipe binary at $sqlpipe"

work=$(mktemp -d "${TMPDIR:-/tmp}/sqlpipe-bench.XXXXXX")
# The store keeps a folder of its own: SQLite connections may not point into it.
export SQLPIPE_STORE="$work/store/store.db"
sqlite_source="$work/source.db"
sqlite_target="$work/target.db"

# Splits a server URL into its parts; the password (percent-decoded) goes into the named variable
# only, and the URL given to sqlpipe has none.
urldecode() {
    local s=${1//+/ }
    printf '%b' "${s//%/\\x}"
}
split_url() { # split_url URL WHAT: sets url_user, url_password, url_host, url_port, url_db, url_bare
    [[ $1 =~ ^([A-Za-z]+)://([^:@/]+)(:([^@]*))?@([^:/?]+)(:([0-9]+))?/([^?]+)(\?.*)?$ ]] ||
        die "cannot parse the $2 URL (scheme://user:password@host:port/db expected)"
    url_user=$(urldecode "${BASH_REMATCH[2]}")
    url_password=$(urldecode "${BASH_REMATCH[4]}")
    url_host=${BASH_REMATCH[5]}
    url_port=${BASH_REMATCH[7]}
    url_db=$(urldecode "${BASH_REMATCH[8]}")
    url_bare="${BASH_REMATCH[1]}://${BASH_REMATCH[2]}@${BASH_REMATCH[5]}${BASH_REMATCH[6]}/${BASH_REMATCH[8]}${BASH_REMATCH[9]}"
}

if ((need_pg)); then
    split_url "$SQLPIPE_TEST_POSTGRES_URL" PostgreSQL
    pg_url=$url_bare
    # Exported: psql reads it, and sqlpipe's connection takes it through --password-env.
    export PGPASSWORD=$url_password
    pg_conn=(-X -q -v ON_ERROR_STOP=1 -h "$url_host" -p "${url_port:-5432}" -U "$url_user" -d "$url_db")
    # DuckDB's ATTACH; the password comes from PGPASSWORD, as for psql.
    pg_attach="dbname=$url_db host=$url_host port=${url_port:-5432} user=$url_user"
fi
if ((need_mysql)); then
    split_url "$SQLPIPE_TEST_MARIADB_URL" MariaDB
    mysql_url=$url_bare
    mysql_db=$url_db
    export MYSQL_PWD=$url_password
    mysql_conn=(--no-defaults -h "$url_host" -P "${url_port:-3306}" -u "$url_user" -D "$url_db")
    # DuckDB's ATTACH; its mysql scanner reads the password from MYSQL_PWD, as the mariadb client does.
    mysql_attach="host=$url_host port=${url_port:-3306} user=$url_user database=$url_db"
fi

# Passwords reach the clients through the environment only (PGPASSWORD, MYSQL_PWD).
pg_sql() { PGOPTIONS="-c client_min_messages=warning" psql "${pg_conn[@]}" "$@"; }
mysql_sql() { mariadb "${mysql_conn[@]}" "$@"; }
sqlite_sql() { sqlite3 -bail "$@"; }

# Removes what the run created: target and reference tables, and the sources unless --keep-data.
drop_tables() {
    local dataset tables=()
    for dataset in narrow mixed; do
        # The other tools' targets too, and the staging table that sling leaves when it is stopped.
        tables+=("bench_${dataset}_out" "bench_${dataset}_ref" "bench_${dataset}_duck" "bench_${dataset}_sling" "bench_${dataset}_sling_tmp")
        ((keep_data)) || tables+=("bench_$dataset")
    done
    # The sync suite's: targets always, sources unless --keep-data, and what sling may leave behind.
    tables+=(bench_sync_dst bench_sync_inc_dst bench_sync_dst_tmp bench_sync_inc_dst_tmp)
    ((keep_data)) || tables+=(bench_sync_src bench_sync_inc)
    # The replication suite's targets (and sling's staging tables) in MariaDB, its source schema in PostgreSQL.
    if ((run_repl)); then
        local t
        for t in $(repl_names); do tables+=("$t" "${t}_tmp"); done
        if ((${#pg_conn[@]})) && ((!keep_data)); then
            pg_sql -c "DROP SCHEMA IF EXISTS bench_repl CASCADE" >/dev/null 2>&1 || true
        fi
    fi
    if ((${#pg_conn[@]})); then
        pg_sql -c "DROP TABLE IF EXISTS $(
            IFS=,
            echo "${tables[*]}"
        )" >/dev/null 2>&1 || true
    fi
    if ((${#mysql_conn[@]})); then
        mysql_sql -e "DROP TABLE IF EXISTS $(
            IFS=,
            echo "${tables[*]}"
        )" >/dev/null 2>&1 || true
    fi
}

# --- datasets ----------------------------------------------------------------------------------

rows_of() { [[ $1 == narrow ]] && echo "$rows_narrow" || echo "$rows_mixed"; }

query_value() { # query_value SYSTEM SQL [SQLITE_FILE]
    case $1 in
    pg) pg_sql -A -t -c "$2" ;;
    mysql) mysql_sql --batch --skip-column-names -e "$2" ;;
    sqlite) sqlite_sql "${3:-$sqlite_source}" "$2" ;;
    esac
}
count_rows() { query_value "$1" "SELECT count(*) FROM $2" "${3:-}"; }
# For the mixed set: how many values are not NULL in a few columns, so that lost NULLs show up.
count_values() { query_value "$1" "SELECT count(flag) + count(amount) + count(payload) + count(at_tz) + count(uid) FROM $2" "${3:-}"; }

# Five percent NULLs per nullable column: row i is NULL in column k when i % 20 = k.
create_pg() { # create_pg DATASET ROWS
    if [[ $1 == narrow ]]; then
        pg_sql <<SQL
DROP TABLE IF EXISTS bench_narrow;
CREATE TABLE bench_narrow (id bigint, n int, x double precision, s text);
INSERT INTO bench_narrow
SELECT i, i % 1000, i * 0.37::double precision, left(md5(i::text), 16)
FROM generate_series(1, $2) AS i;
VACUUM (FREEZE, ANALYZE) bench_narrow;
SQL
    else
        pg_sql <<SQL
DROP TABLE IF EXISTS bench_mixed;
CREATE TABLE bench_mixed (
    id bigint, flag boolean, small smallint, qty int, amount numeric(12,2), ratio double precision,
    label varchar(40), body text, payload bytea, day date, at timestamp, at_tz timestamptz, uid uuid);
INSERT INTO bench_mixed
SELECT i,
    CASE WHEN i % 20 = 1 THEN NULL ELSE i % 3 = 0 END,
    CASE WHEN i % 20 = 2 THEN NULL ELSE (i % 30000)::smallint END,
    CASE WHEN i % 20 = 3 THEN NULL ELSE (i * 7 % 1000000)::int END,
    CASE WHEN i % 20 = 4 THEN NULL ELSE round((i % 10000000) * 1.37 / 100, 2) END,
    CASE WHEN i % 20 = 5 THEN NULL ELSE i * 0.001::double precision / 7 END,
    CASE WHEN i % 20 = 6 THEN NULL ELSE 'label-' || i END,
    CASE WHEN i % 20 = 7 THEN NULL ELSE left(m || md5((i + 1)::text), 60) END,
    CASE WHEN i % 20 = 8 THEN NULL ELSE decode(m || md5((i * 3)::text), 'hex') END,
    CASE WHEN i % 20 = 9 THEN NULL ELSE date '2000-01-01' + (i % 10000)::int END,
    CASE WHEN i % 20 = 10 THEN NULL ELSE timestamp '2000-01-01' + i * interval '1.234567 second' END,
    CASE WHEN i % 20 = 11 THEN NULL ELSE timestamptz '2020-01-01 00:00:00+00' + i * interval '0.5 second' END,
    CASE WHEN i % 20 = 12 THEN NULL ELSE m::uuid END
FROM (SELECT i, md5(i::text) AS m FROM generate_series(1, $2) AS i) AS g;
VACUUM (FREEZE, ANALYZE) bench_mixed;
SQL
    fi
}

create_mysql() { # create_mysql DATASET ROWS
    if [[ $1 == narrow ]]; then
        mysql_sql <<SQL
DROP TABLE IF EXISTS bench_narrow;
CREATE TABLE bench_narrow (id bigint, n int, x double, s text) ENGINE=InnoDB;
INSERT INTO bench_narrow SELECT seq, seq % 1000, seq * 0.37e0, left(md5(seq), 16) FROM seq_1_to_$2;
SQL
    else
        mysql_sql <<SQL
SET time_zone = '+00:00';
DROP TABLE IF EXISTS bench_mixed;
CREATE TABLE bench_mixed (
    id bigint, flag boolean, small smallint, qty int, amount decimal(12,2), ratio double,
    label varchar(40), body text, payload blob, day date, at datetime(6), at_tz timestamp(6) NULL,
    uid char(36)) ENGINE=InnoDB;
INSERT INTO bench_mixed
SELECT seq,
    IF(seq % 20 = 1, NULL, seq % 3 = 0),
    IF(seq % 20 = 2, NULL, seq % 30000),
    IF(seq % 20 = 3, NULL, seq * 7 % 1000000),
    IF(seq % 20 = 4, NULL, round((seq % 10000000) * 1.37 / 100, 2)),
    IF(seq % 20 = 5, NULL, seq * 0.001e0 / 7),
    IF(seq % 20 = 6, NULL, concat('label-', seq)),
    IF(seq % 20 = 7, NULL, left(concat(m, md5(seq + 1)), 60)),
    IF(seq % 20 = 8, NULL, unhex(concat(m, md5(seq * 3)))),
    IF(seq % 20 = 9, NULL, date '2000-01-01' + INTERVAL (seq % 10000) DAY),
    IF(seq % 20 = 10, NULL, timestamp '2000-01-01 00:00:00' + INTERVAL (seq * 1234567) MICROSECOND),
    IF(seq % 20 = 11, NULL, timestamp '2020-01-01 00:00:00' + INTERVAL (seq * 500000) MICROSECOND),
    IF(seq % 20 = 12, NULL, concat_ws('-', substr(m, 1, 8), substr(m, 9, 4), substr(m, 13, 4),
                                      substr(m, 17, 4), substr(m, 21, 12)))
FROM (SELECT seq, md5(seq) AS m FROM seq_1_to_$2) AS g;
SQL
    fi
}

# sqlite3 of Debian 12 has no md5 or unhex: the text and bytes are hex of multiplicative hashes.
create_sqlite() { # create_sqlite DATASET ROWS
    if [[ $1 == narrow ]]; then
        sqlite_sql "$sqlite_source" <<SQL
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
DROP TABLE IF EXISTS bench_narrow;
CREATE TABLE bench_narrow (id BIGINT, n INTEGER, x DOUBLE, s TEXT);
INSERT INTO bench_narrow
WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < $2)
SELECT i, i % 1000, i * 0.37, printf('%08x%08x', i * 2654435761 % 4294967296, i * 40503 % 4294967296)
FROM g;
SQL
    else
        sqlite_sql "$sqlite_source" <<SQL
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
DROP TABLE IF EXISTS bench_mixed;
CREATE TABLE bench_mixed (
    id BIGINT, flag BOOLEAN, small SMALLINT, qty INTEGER, amount NUMERIC(12,2), ratio DOUBLE,
    label VARCHAR(40), body TEXT, payload BLOB, day DATE, at DATETIME, at_tz TIMESTAMPTZ, uid UUID);
INSERT INTO bench_mixed
WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < $2),
h(i, a, b, c) AS (SELECT i, i * 2654435761 % 4294967296, i * 40503 % 4294967296, i * 2246822519 % 4294967296 FROM g)
SELECT i,
    CASE WHEN i % 20 = 1 THEN NULL ELSE i % 3 = 0 END,
    CASE WHEN i % 20 = 2 THEN NULL ELSE i % 30000 END,
    CASE WHEN i % 20 = 3 THEN NULL ELSE i * 7 % 1000000 END,
    CASE WHEN i % 20 = 4 THEN NULL ELSE round((i % 10000000) * 1.37 / 100, 2) END,
    CASE WHEN i % 20 = 5 THEN NULL ELSE i * 0.001 / 7 END,
    CASE WHEN i % 20 = 6 THEN NULL ELSE 'label-' || i END,
    CASE WHEN i % 20 = 7 THEN NULL ELSE printf('%08x%08x%08x%08x%08x%08x%08x%04x', a, b, c, b, a, c, a, i % 65536) END,
    CASE WHEN i % 20 = 8 THEN NULL ELSE CAST(printf('%08x%08x%08x%08x', a, b, c, (a + b) % 4294967296) AS BLOB) END,
    CASE WHEN i % 20 = 9 THEN NULL ELSE date('2000-01-01', '+' || (i % 10000) || ' days') END,
    CASE WHEN i % 20 = 10 THEN NULL ELSE strftime('%Y-%m-%d %H:%M:%f', 946684800 + i * 1.234567, 'unixepoch') END,
    CASE WHEN i % 20 = 11 THEN NULL ELSE strftime('%Y-%m-%d %H:%M:%f', 1577836800 + i * 0.5, 'unixepoch') || '+00:00' END,
    CASE WHEN i % 20 = 12 THEN NULL ELSE printf('%08x-%04x-%04x-%04x-%04x%08x', a, b % 65536, c % 65536, a % 65536, i % 65536, c) END
FROM h;
SQL
    fi
}

# With --keep-data, a source table that already holds the wanted number of rows is reused.
ensure_dataset() { # ensure_dataset SYSTEM DATASET
    local system=$1 dataset=$2 rows have
    rows=$(rows_of "$dataset")
    if ((keep_data)) && have=$(count_rows "$system" "bench_$dataset" 2>/dev/null) && [[ $have == "$rows" ]]; then
        log "$dataset: reusing bench_$dataset in $system ($rows rows)"
        return 0
    fi
    log "$dataset: creating bench_$dataset in $system ($rows rows)"
    local started=$SECONDS
    "create_$system" "$dataset" "$rows" >/dev/null
    have=$(count_rows "$system" "bench_$dataset")
    [[ $have == "$rows" ]] || die "$dataset: bench_$dataset in $system has $have rows, not $rows"
    log "$dataset: bench_$dataset in $system ready in $((SECONDS - started)) s"
}

# --- measuring ---------------------------------------------------------------------------------

# Runs a command under GNU time; sets `wall` (seconds) and `rss_kb` (peak RSS of the process, or
# for a pipeline the largest of its processes). Output and errors go to $work/last.log.
measure() {
    local rc=0
    /usr/bin/time -f '%e %M' -o "$work/time.txt" "$@" >"$work/last.log" 2>&1 || rc=$?
    if ((rc != 0)); then
        return "$rc"
    fi
    read -r wall rss_kb <"$work/time.txt"
}

if ((need_sqlite)); then
    sqlite3 "$sqlite_target" 'PRAGMA user_version = 0' || die "cannot create $sqlite_target"
fi
log "a fresh store in $work"
if ((need_pg)); then
    "$sqlpipe" connection create --name pg --url "$pg_url" --password-env PGPASSWORD >&2
fi
if ((need_mysql)); then
    "$sqlpipe" connection create --name mysql --url "$mysql_url" --password-env MYSQL_PWD >&2
fi
if ((need_sqlite)); then
    "$sqlpipe" connection create --name sqlite --url "sqlite://$sqlite_source" >&2
    "$sqlpipe" connection create --name sqlite_out --url "sqlite://$sqlite_target" >&2
fi

failures=()
fail() {
    failures+=("$*")
    printf 'benchmark: FAILED: %s\n' "$*" >&2
}

# Results: one row per (dataset, run); the reference rates are kept for the ratios.
declare -A ref_rate=()
result_rows=()

# The last five: the DuckDB and sling cells and their peak RSS in MB, and "vs best other" (none for the pipes).
add_result() { # add_result DATASET ROUTE ROWS SECONDS RSS_KB RATIO GOAL VERDICT [DUCKDB MB SLING MB VS_OTHER]
    local rate mb
    rate=$(awk -v r="$3" -v s="$4" 'BEGIN { printf "%.0f", (s > 0 ? r / s : 0) }')
    mb=$(awk -v k="$5" 'BEGIN { printf "%.1f", k / 1024 }')
    result_rows+=("$1"$'\x1f'"$2"$'\x1f'"$3"$'\x1f'"$4"$'\x1f'"$rate"$'\x1f'"$mb"$'\x1f'"$6"$'\x1f'"$7"$'\x1f'"$8"$'\x1f'"${9:-}"$'\x1f'"${10:-}"$'\x1f'"${11:-}"$'\x1f'"${12:-}"$'\x1f'"${13:-}")
    log "$1 $2: $3 rows in $4 s = $(group "$rate") rows/s, peak RSS $mb MB"
}

group() { # 1234567 -> 1,234,567
    local n=$1 out=""
    while ((${#n} > 3)); do
        out=",${n: -3}$out"
        n=${n:0:${#n}-3}
    done
    printf '%s%s' "$n" "$out"
}

# Runs the reference pipe REPEAT times; keeps the best.
run_reference() { # run_reference pg|mysql DATASET
    local kind=$1 dataset=$2 rows best="" best_rss=0 i have null_src null_ref label cmd
    rows=$(rows_of "$dataset")
    local src="bench_$dataset" ref="bench_${dataset}_ref"
    if [[ $kind == pg ]]; then
        label="psql COPY binary → psql COPY"
        pg_sql -c "DROP TABLE IF EXISTS $ref; CREATE TABLE $ref (LIKE $src)" >/dev/null
        # shellcheck disable=SC2016 # expanded by the inner bash
        cmd=(bash -c 'set -o pipefail
            psql "${@:3}" -c "COPY (SELECT * FROM $1) TO STDOUT (FORMAT binary)" |
            psql "${@:3}" -c "COPY $2 FROM STDIN (FORMAT binary)"' _ "$src" "$ref" "${pg_conn[@]}")
    elif [[ $server_settings == harness ]]; then
        # The harness's pipe: one tab-separated line per row, each column made safe for LOAD DATA's
        # default escaping by the server (NULL as \N; backslash, tab and newline escaped), printed --raw
        # (batch mode would escape the tabs between the columns too), loaded with unique_checks off. Only
        # text and byte columns can hold those characters: the others need the NULL only. Both ends in UTC.
        label="mariadb --quick --batch --raw CONCAT_WS → LOAD DATA LOCAL, unique_checks=0"
        mysql_sql -e "DROP TABLE IF EXISTS $ref; CREATE TABLE $ref LIKE $src" >/dev/null
        local columns exprs=() column type
        columns=$(mysql_sql --batch --skip-column-names -e \
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = '$src' ORDER BY ordinal_position")
        while read -r column type; do
            case $type in
            char | varchar | tinytext | text | mediumtext | longtext | binary | varbinary | tinyblob | blob | mediumblob | longblob | enum | set | json)
                exprs+=("IFNULL(REPLACE(REPLACE(REPLACE(\`$column\`, '\\\\', '\\\\\\\\'), '\\t', '\\\\t'), '\\n', '\\\\n'), '\\\\N')")
                ;;
            *) exprs+=("IFNULL(\`$column\`, '\\\\N')") ;;
            esac
        done <<<"$columns"
        local select
        select="SET time_zone = '+00:00'; SELECT CONCAT_WS('\\t', $(
            IFS=,
            echo "${exprs[*]}"
        )) FROM $src"
        # shellcheck disable=SC2016 # expanded by the inner bash
        cmd=(bash -c 'set -o pipefail
            mariadb "${@:3}" --quick --batch --raw --skip-column-names -e "$1" |
            mariadb "${@:3}" --local-infile=1 -e "$2"' _ "$select" \
            "SET unique_checks = 0; SET time_zone = '+00:00'; LOAD DATA LOCAL INFILE '/dev/stdin' INTO TABLE $ref" "${mysql_conn[@]}")
    else
        label="mariadb --quick --batch → LOAD DATA LOCAL"
        mysql_sql -e "DROP TABLE IF EXISTS $ref; CREATE TABLE $ref LIKE $src" >/dev/null
        local load
        if [[ $dataset == narrow ]]; then
            # No NULLs, tabs or newlines in this set: raw tab-separated text loads as it is.
            load="LOAD DATA LOCAL INFILE '/dev/stdin' INTO TABLE $ref FIELDS TERMINATED BY '\\t' ESCAPED BY '' LINES TERMINATED BY '\\n'"
            # shellcheck disable=SC2016 # expanded by the inner bash
            cmd=(bash -c 'set -o pipefail
                mariadb "${@:3}" --quick --batch --raw --skip-column-names -e "SELECT * FROM $1" |
                mariadb "${@:3}" --local-infile=1 -e "$2"' _ "$src" "$load" "${mysql_conn[@]}")
        else
            # Batch mode without --raw escapes \0, tab, newline and backslash as LOAD DATA expects,
            # but prints NULL as the word NULL: each column goes through a variable and NULLIF.
            local columns vars=() sets=() column
            columns=$(mysql_sql --batch --skip-column-names -e \
                "SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = '$src' ORDER BY ordinal_position")
            for column in $columns; do
                vars+=("@$column")
                sets+=("\`$column\` = NULLIF(@$column, 'NULL')")
            done
            load="SET time_zone = '+00:00'; LOAD DATA LOCAL INFILE '/dev/stdin' INTO TABLE $ref FIELDS TERMINATED BY '\\t' LINES TERMINATED BY '\\n' ($(
                IFS=,
                echo "${vars[*]}"
            )) SET $(
                IFS=,
                echo "${sets[*]}"
            )"
            # shellcheck disable=SC2016 # expanded by the inner bash
            cmd=(bash -c 'set -o pipefail
                mariadb "${@:3}" --quick --batch --skip-column-names -e "SET time_zone = '"'+00:00'"'; SELECT * FROM $1" |
                mariadb "${@:3}" --local-infile=1 -e "$2"' _ "$src" "$load" "${mysql_conn[@]}")
        fi
    fi
    for ((i = 1; i <= repeat; i++)); do
        if [[ $kind == pg ]]; then
            pg_sql -c "TRUNCATE $ref" >/dev/null
        else
            mysql_sql -e "TRUNCATE TABLE $ref" >/dev/null
        fi
        log "$dataset: reference $label (run $i/$repeat)"
        if ! measure "${cmd[@]}"; then
            fail "$dataset reference $label: $(tail -n 5 "$work/last.log")"
            return 0
        fi
        have=$(count_rows "$kind" "$ref")
        if [[ $have != "$rows" ]]; then
            fail "$dataset reference $label: $ref has $have rows, the source $rows"
            return 0
        fi
        if [[ -z $best ]] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$wall; fi
        if ((rss_kb > best_rss)); then best_rss=$rss_kb; fi
    done
    if [[ $kind == mysql && $dataset == mixed ]]; then
        # The NULLs must have survived the text round trip.
        null_src=$(count_values mysql "$src")
        null_ref=$(count_values mysql "$ref")
        [[ $null_src == "$null_ref" ]] || fail "$dataset reference $label: $null_ref non-NULL values in $ref, $null_src in the source"
    fi
    if [[ $kind == mysql && $server_settings == harness ]]; then
        # Every value must have survived the escaping: CHECKSUM TABLE sums a CRC of each row.
        local sums
        sums=$(mysql_sql --batch --skip-column-names -e "CHECKSUM TABLE $src, $ref" | awk '{ print $2 }' | sort -u | wc -l)
        [[ $sums == 1 ]] || fail "$dataset reference $label: CHECKSUM TABLE of $ref differs from the source's"
    fi
    ref_rate[$kind.$dataset]=$(awk -v r="$rows" -v s="$best" 'BEGIN { printf "%.6f", (s > 0 ? r / s : 0) }')
    add_result "$dataset" "${kind}-${kind} reference: $label" "$rows" "$best" "$best_rss" "" "" ""
}

declare -A source_values_cache=()
fill_source_values() { # fill_source_values SYSTEM: count_values of bench_mixed there, computed once
    if [[ -z ${source_values_cache[$1]:-} ]]; then
        source_values_cache[$1]=$(count_values "$1" bench_mixed)
    fi
}

# Runs one sqlpipe route REPEAT times; keeps the best time and the largest peak RSS. Then DuckDB and sling
# on the same route (scripts/lib/bench-anchors.sh), and the goals of docs/benchmarks.md.
run_route() { # run_route DATASET ROUTE
    local dataset=$1 route=$2 rows best="" best_rss=0 i have problem="" shown_s="" shown_rss=0
    local source=${route%-*} target=${route#*-}
    local target_name=$target
    [[ $target == sqlite ]] && target_name=sqlite_out
    rows=$(rows_of "$dataset")
    for ((i = 1; i <= repeat; i++)); do
        # Every tool writes a table that does not exist yet: dropping the last run's (and, in SQLite
        # built with SECURE_DELETE, zeroing its pages) is not the transfer's time.
        anchor_drop "$target" "bench_${dataset}_out"
        log "$dataset $route: sqlpipe transfer create (run $i/$repeat)"
        if ! measure "$sqlpipe" transfer create --source "$source" --target "$target_name" \
            --query "SELECT * FROM bench_$dataset" --target-table "bench_${dataset}_out" --overwrite; then
            fail "$dataset $route: $(grep -v '^$' "$work/last.log" | tail -n 5)"
            problem="**error**" shown_s="-" shown_rss=0
            break
        fi
        have=$(count_rows "$target" "bench_${dataset}_out" "$sqlite_target")
        if [[ $have != "$rows" ]]; then
            fail "$dataset $route: the target has $have rows, the source $rows"
            problem="**wrong count: $have**" shown_s=$wall shown_rss=$rss_kb
            break
        fi
        if [[ $dataset == mixed ]]; then
            fill_source_values "$source"
            have=$(count_values "$target" "bench_${dataset}_out" "$sqlite_target")
            if [[ $have != "${source_values_cache[$source]}" ]]; then
                fail "$dataset $route: $have non-NULL values in flag, amount, payload, at_tz, uid of the target, ${source_values_cache[$source]} in the source"
                problem="**NULLs differ**" shown_s=$wall shown_rss=$rss_kb
                break
            fi
        fi
        if [[ -z $best ]] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$wall; fi
        if ((rss_kb > best_rss)); then best_rss=$rss_kb; fi
    done

    # The other tools on the same route: their cells, and the best time of those whose target checked out.
    local duck_cell duck_mb="" sling_cell sling_mb="" others=() over=()
    anchor_route duckdb "$dataset" "$route" "$rows"
    duck_cell=$anchor_cell
    if [[ -n $anchor_best ]]; then
        others+=("$anchor_best DuckDB")
    elif ((anchor_over)); then
        over+=(DuckDB)
    fi
    ((anchor_rss > 0)) && duck_mb=$(awk -v k="$anchor_rss" 'BEGIN { printf "%.1f", k / 1024 }')
    anchor_route sling "$dataset" "$route" "$rows"
    sling_cell=$anchor_cell
    if [[ -n $anchor_best ]]; then
        others+=("$anchor_best sling")
    elif ((anchor_over)); then
        over+=(sling)
    fi
    ((anchor_rss > 0)) && sling_mb=$(awk -v k="$anchor_rss" 'BEGIN { printf "%.1f", k / 1024 }')
    local anchors=("$duck_cell" "$duck_mb" "$sling_cell" "$sling_mb")

    if [[ -n $problem ]]; then
        add_result "$dataset" "$route" "$rows" "$shown_s" "$shown_rss" "" "" "$problem" "${anchors[@]}" ""
        return 0
    fi

    # The goals (see docs/benchmarks.md) and which of them this run missed.
    local rate ratio="" goal="" misses=() reference="" want=""
    rate=$(awk -v r="$rows" -v s="$best" 'BEGIN { printf "%.6f", (s > 0 ? r / s : 0) }')
    if [[ $route == pg-pg ]]; then
        # The binary COPY pipe: on a par on narrow; mixed leaves sqlpipe a tenth for its checks.
        reference=pg want=1.0
        [[ $dataset == mixed ]] && want=0.9
    elif [[ $target == mysql ]]; then
        reference=mysql want=1.0
    fi
    if [[ -n $reference ]]; then
        goal="≥ ${want}× reference"
        if [[ -n ${ref_rate[$reference.$dataset]:-} ]]; then
            ratio=$(awk -v a="$rate" -v b="${ref_rate[$reference.$dataset]}" 'BEGIN { printf "%.2f", a / b }')
            awk -v r="$ratio" -v w="$want" 'BEGIN { exit !(r >= w) }' || misses+=("reference")
            ratio="${ratio}×"
        else
            misses+=("no reference")
        fi
    elif [[ $dataset == narrow ]]; then
        goal="≥ 500,000 rows/s"
        awk -v r="$rate" 'BEGIN { exit !(r >= 500000) }' || misses+=("500,000 rows/s")
    fi
    # Ahead of the best other tool: its seconds ÷ sqlpipe's at least 1.0. One that was stopped by the
    # timeout took longer than that; with none that finished, the ratio is at least timeout ÷ sqlpipe.
    local vs_other="" line fastest=""
    if ((${#others[@]})); then
        line=$(printf '%s\n' "${others[@]}" | sort -g | head -n 1)
        fastest=${line#* }
        vs_other=$(awk -v a="${line%% *}" -v b="$best" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
        awk -v r="$vs_other" 'BEGIN { exit !(r >= 1.0) }' || misses+=("$fastest faster")
        vs_other="${vs_other}×"
    elif ((${#over[@]})); then
        vs_other="> $(awk -v a="$anchor_timeout" -v b="$best" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')×"
    fi
    if [[ -n $vs_other ]]; then goal+="${goal:+, }≥ 1.0× best other"; fi
    goal+="${goal:+, }≤ 64 MB"
    ((best_rss <= 64 * 1024)) || misses+=("memory")
    local verdict=yes miss
    if ((${#misses[@]})); then
        verdict="no (${misses[0]}"
        for miss in "${misses[@]:1}"; do verdict+=", $miss"; done
        verdict+=")"
    fi
    add_result "$dataset" "$route" "$rows" "$best" "$best_rss" "$ratio" "$goal" "$verdict" "${anchors[@]}" "$vs_other"
}

# --- the sync suite ----------------------------------------------------------------------------

# Every sync table has the same columns: id bigint PRIMARY KEY, a text, b double, c numeric(12,2),
# updated_at timestamp. KIND old is what the targets hold at first; KIND new has other values in
# every column, so that an upserted row differs from the one it replaces (a = 'new-<id>').
# In SQLite the table is the one sqlpipe itself would create, with values in the forms it writes.
sync_make() { # sync_make SYSTEM TABLE FIRST LAST STEP old|new [index]
    local system=$1 table=$2 first=$3 last=$4 step=$5 kind=$6 index=${7:-}
    local year=2024 epoch=1704067200 bmul=0.37 cmul=137
    if [[ $kind == new ]]; then year=2025 epoch=1735689600 bmul=0.41 cmul=139; fi
    case $system in
    pg)
        pg_sql <<SQL
DROP TABLE IF EXISTS $table;
CREATE TABLE $table (id bigint PRIMARY KEY, a text, b double precision, c numeric(12,2), updated_at timestamp);
INSERT INTO $table
SELECT i, '$kind-' || i, i * ${bmul}::double precision, (i * $cmul % 10000000) / 100.0,
    timestamp '$year-01-01' + i * interval '1 second'
FROM generate_series($first::bigint, $last, $step) AS i;
${index:+CREATE INDEX ${table}_updated_at ON $table (updated_at);}
VACUUM (FREEZE, ANALYZE) $table;
SQL
        ;;
    mysql)
        mysql_sql <<SQL
DROP TABLE IF EXISTS $table;
CREATE TABLE $table (id bigint PRIMARY KEY, a text, b double, c decimal(12,2), updated_at datetime(6)) ENGINE=InnoDB;
INSERT INTO $table
SELECT seq, concat('$kind-', seq), seq * ${bmul}e0, (seq * $cmul % 10000000) / 100,
    timestamp '$year-01-01 00:00:00' + INTERVAL seq SECOND
FROM seq_${first}_to_${last}_step_$step;
${index:+CREATE INDEX ${table}_updated_at ON $table (updated_at);}
ANALYZE TABLE $table;
SQL
        ;;
    sqlite)
        local file=$sqlite_target
        [[ $table == bench_sync_src || $table == bench_sync_inc ]] && file=$sqlite_source
        sqlite_sql "$file" <<SQL
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
DROP TABLE IF EXISTS "$table";
CREATE TABLE "$table" ("id" BIGINT, "a" TEXT, "b" DOUBLE, "c" DECIMAL TEXT(12,2), "updated_at" DATETIME, PRIMARY KEY ("id"));
INSERT INTO "$table"
WITH RECURSIVE g(i) AS (SELECT $first UNION ALL SELECT i + $step FROM g WHERE i + $step <= $last)
SELECT i, '$kind-' || i, i * $bmul, printf('%.2f', (i * $cmul % 10000000) / 100.0),
    strftime('%Y-%m-%d %H:%M:%S', $epoch + i, 'unixepoch')
FROM g;
${index:+CREATE INDEX "${table}_updated_at" ON "$table" ("updated_at");}
SQL
        ;;
    esac
}

# The sizes: the upsert reads ids N/2+1, N/2+3, … 3N/2-1 (N/2 rows) into a table of ids 1..N, so that
# N/4 of them update a row and N/4 are new; the incremental source holds ids 1..N and its target the
# first N - new rows.
sync_up_rows=$((sync_rows / 2))
sync_up_half=$((sync_rows / 4))
sync_inc_have=$((sync_rows - sync_new))

# With --keep-data, a source that already holds the wanted rows is reused.
sync_source() { # sync_source SYSTEM TABLE FIRST LAST STEP KIND [index]
    local system=$1 table=$2 rows have file=$sqlite_source started=$SECONDS
    rows=$((($4 - $3) / $5 + 1))
    if ((keep_data)) && have=$(count_rows "$system" "$table" "$file" 2>/dev/null) && [[ $have == "$rows" ]]; then
        log "sync: reusing $table in $system ($rows rows)"
        return 0
    fi
    log "sync: creating $table in $system ($rows rows)"
    sync_make "$@" >/dev/null
    have=$(count_rows "$system" "$table" "$file")
    [[ $have == "$rows" ]] || die "sync: $table in $system has $have rows, not $rows"
    log "sync: $table in $system ready in $((SECONDS - started)) s"
}

sync_target() { # sync_target SYSTEM upsert|incremental [index]: a fresh target table
    local system=$1 rows have started=$SECONDS table
    if [[ $2 == upsert ]]; then
        table=bench_sync_dst rows=$sync_rows
    else
        table=bench_sync_inc_dst rows=$sync_inc_have
    fi
    sync_make "$system" "$table" 1 "$rows" 1 old "${3:-}" >/dev/null
    have=$(count_rows "$system" "$table" "$sqlite_target")
    [[ $have == "$rows" ]] || die "sync: $table in $system has $have rows, not $rows"
    log "sync: a fresh $table in $system ($rows rows) in $((SECONDS - started)) s"
}

# Like measure, but the standard output (sqlpipe's --json) goes to $work/last.json.
measure_json() {
    local rc=0
    /usr/bin/time -f '%e %M' -o "$work/time.txt" "$@" >"$work/last.json" 2>"$work/last.log" || rc=$?
    if ((rc != 0)); then
        return "$rc"
    fi
    read -r wall rss_kb <"$work/time.txt"
}

json_field() { jq -r ".transfer.$1" "$work/last.json"; }

# sling: found or installed once, when the suite runs; its connections are environment variables
# holding the URLs (with the passwords, which thus stay off every command line).
sling=""
sling_version=""
sling_state="not used (--no-sling)"
sling_setup_done=0
setup_sling() { # once, for every suite that runs it
    ((use_sling && !sling_setup_done)) || return 0
    sling_setup_done=1
    if ! sling=$(sqlpipe_find_sling "${XDG_CACHE_HOME:-$HOME/.cache}/sqlpipe-bench/sling"); then
        sling=""
        sling_state="not installed"
        log "sling not installed: the benchmark runs without it"
        return 0
    fi
    sling_version=$("$sling" --version 2>/dev/null | awk '{ print $NF }' | tail -n 1)
    sling_state="sling $sling_version"
    log "sling $sling_version at $sling"
    export SLING_DISABLE_TELEMETRY=true SLING_HOME_DIR="$work/sling"
    mkdir -p "$SLING_HOME_DIR"
    if ((need_pg)); then
        local sep='?'
        [[ $SQLPIPE_TEST_POSTGRES_URL == *\?* ]] && sep='&'
        export SQLPIPE_BENCH_SLING_PG="$SQLPIPE_TEST_POSTGRES_URL${sep}sslmode=disable"
    fi
    if ((need_mysql)); then
        export SQLPIPE_BENCH_SLING_MYSQL="mysql://${SQLPIPE_TEST_MARIADB_URL#*://}"
    fi
    if ((need_sqlite)); then
        export SQLPIPE_BENCH_SLING_SQLITE="sqlite://$sqlite_source" SQLPIPE_BENCH_SLING_SQLITE_OUT="sqlite://$sqlite_target"
    fi
}

sling_conn() { # sling_conn SYSTEM source|target
    case $1 in
    pg) echo SQLPIPE_BENCH_SLING_PG ;;
    mysql) echo SQLPIPE_BENCH_SLING_MYSQL ;;
    sqlite) [[ $2 == source ]] && echo SQLPIPE_BENCH_SLING_SQLITE || echo SQLPIPE_BENCH_SLING_SQLITE_OUT ;;
    esac
}
sling_table() { # sling_table SYSTEM TABLE: schema.table
    case $1 in
    pg) echo "public.$2" ;;
    mysql) echo "$mysql_db.$2" ;;
    sqlite) echo "main.$2" ;;
    esac
}

# A statement that sling (or DuckDB) left running on the server when it was stopped: what it was
# (printed), and then stopped too, so that it does not hold the table or load the server. Only statements
# of this user on the given tables (a regular expression; by default the sync suite's targets) are touched.
stop_server_statements() { # stop_server_statements SYSTEM [TABLE_REGEX]
    local ids id pattern=${2:-'bench_sync_(dst|inc_dst)'}
    case $1 in
    pg)
        pg_sql -A -t -c "SELECT left(regexp_replace(query, '\s+', ' ', 'g'), 300) FROM pg_stat_activity
            WHERE pid <> pg_backend_pid() AND datname = current_database() AND usename = current_user
            AND state = 'active' AND query ~ '$pattern'" || true
        pg_sql -A -t -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE pid <> pg_backend_pid() AND datname = current_database() AND usename = current_user
            AND query ~ '$pattern'" >/dev/null || true
        ;;
    mysql)
        local where="id <> CONNECTION_ID() AND user = SUBSTRING_INDEX(USER(), '@', 1) AND command <> 'Sleep' AND info REGEXP '$pattern'"
        mysql_sql --batch --skip-column-names -e "SELECT LEFT(REGEXP_REPLACE(info, '[[:space:]]+', ' '), 300) FROM information_schema.processlist WHERE $where" || true
        ids=$(mysql_sql --batch --skip-column-names -e "SELECT id FROM information_schema.processlist WHERE $where") || true
        for id in $ids; do
            mysql_sql -e "KILL $id" >/dev/null 2>&1 || true
        done
        ;;
    esac
}

# Runs sling once, stopped after --sling-timeout seconds; sets wall and rss_kb, or sling_error (the
# reason) and returns 1. After a timeout, sling_timed_out is 1.
sling_error=""
sling_timed_out=0
sling_run() { # sling_run ROUTE SOURCE_TABLE TARGET_TABLE SLING_OPTION...
    local route=$1 source=${1%-*} target=${1#*-} rc=0 running
    local args=(run --src-conn "$(sling_conn "$source" source)" --src-stream "$(sling_table "$source" "$2")"
        --tgt-conn "$(sling_conn "$target" target)" --tgt-object "$(sling_table "$target" "$3")" "${@:4}")
    log "$route: sling ${args[*]}"
    sling_timed_out=0
    /usr/bin/time -f '%e %M' -o "$work/time.txt" timeout -k 10 "$sling_timeout" "$sling" "${args[@]}" \
        >"$work/sling.log" 2>&1 || rc=$?
    if ((rc == 124 || rc == 137)); then
        sling_timed_out=1
        running=$(stop_server_statements "$target" | head -n 1)
        sling_error="stopped after $sling_timeout s (--sling-timeout)"
        if [[ -n $running ]]; then sling_error+="; the server was still running: $running"; fi
        return 1
    fi
    if ((rc != 0)); then
        # Its log is coloured; the last error lines tell why.
        sling_error="exit status $rc: $(sed 's/\x1b\[[0-9;]*m//g' "$work/sling.log" | grep -v '^\s*$' | grep -i -m 3 -A 2 'err\|fatal\|panic' | tr -s ' \n' ' ' | cut -c 1-400)"
        [[ $sling_error == "exit status $rc: " ]] && sling_error+=$(sed 's/\x1b\[[0-9;]*m//g' "$work/sling.log" | tail -n 3 | tr -s ' \n' ' ' | cut -c 1-400)
        return 1
    fi
    read -r wall rss_kb <"$work/time.txt"
}

# One row per (case, route). The sling cells are set by the sling part of each case.
sync_results=()
sling_notes=()
add_sync_result() { # add_sync_result CASE ROUTE ROWS SECONDS RSS_KB CHECKED SLING_CELL SLING_RSS_KB SLING_SECONDS
    local rate="-" mb="-" sling_mb="" ratio=""
    if [[ $4 != "-" ]]; then
        rate=$(group "$(awk -v r="$3" -v s="$4" 'BEGIN { printf "%.0f", (s > 0 ? r / s : 0) }')")
        mb=$(awk -v k="$5" 'BEGIN { printf "%.1f", k / 1024 }')
    fi
    if [[ -n $8 && $8 != 0 ]]; then sling_mb=$(awk -v k="$8" 'BEGIN { printf "%.1f", k / 1024 }'); fi
    if [[ -n $9 && $4 != "-" ]]; then
        ratio=$(awk -v a="$9" -v b="$4" 'BEGIN { printf "%.2f×", (b > 0 ? a / b : 0) }')
    elif [[ $7 == ">"* && $4 != "-" ]]; then
        # Stopped by the timeout: the ratio is at least that.
        ratio="> $(awk -v a="$sling_timeout" -v b="$4" 'BEGIN { printf "%.0f×", (b > 0 ? a / b : 0) }')"
    fi
    sync_results+=("$1"$'\x1f'"$2"$'\x1f'"$(group "$3")"$'\x1f'"$4"$'\x1f'"$rate"$'\x1f'"$mb"$'\x1f'"$7"$'\x1f'"$sling_mb"$'\x1f'"$ratio"$'\x1f'"$6")
    log "$1 $2: $3 rows in $4 s, peak RSS $mb MB; sling: $7"
}

# The sling cell of a case: its best time, or why there is none (the reason goes below the table).
sling_cell=""
sling_best=""
sling_best_rss=0
sling_fail() { # sling_fail CASE ROUTE REASON
    sling_notes+=("$1, $2: $3")
    if ((sling_timed_out)); then
        sling_cell="> $sling_timeout (note ${#sling_notes[@]})"
    else
        sling_cell="failed (note ${#sling_notes[@]})"
    fi
    sling_best=""
    log "sling failed on $1 $2: $3"
}
sling_keep() { # after a sling run that checked out: keep the best time and largest RSS
    if [[ -z $sling_best ]] || awk -v a="$wall" -v b="$sling_best" 'BEGIN { exit !(a < b) }'; then sling_best=$wall; fi
    if ((rss_kb > sling_best_rss)); then sling_best_rss=$rss_kb; fi
}
sling_reset() {
    sling_best="" sling_best_rss=0
    if [[ -z $sling ]]; then sling_cell=$sling_state; else sling_cell=""; fi
}

# Checks a sqlpipe run's --json against what it must say; prints what differs, nothing if all match.
check_json() { # check_json FIELD=VALUE...
    local pair field want have out=()
    for pair in "$@"; do
        field=${pair%%=*} want=${pair#*=}
        have=$(json_field "$field" 2>/dev/null) || have="(no JSON)"
        [[ $have == "$want" ]] || out+=("$field $have, not $want")
    done
    if ((${#out[@]})); then
        local IFS=';'
        printf '%s' "${out[*]}"
    fi
}

sync_upsert() { # sync_upsert ROUTE
    local route=$1 source=${1%-*} target=${1#*-} i best="" best_rss=0 have changed problem="" name
    local case_name
    case_name="upsert $(group "$sync_up_rows") into $(group "$sync_rows")"
    local want_rows=$((sync_rows + sync_up_half)) target_name=$target
    [[ $target == sqlite ]] && target_name=sqlite_out
    for ((i = 1; i <= repeat; i++)); do
        sync_target "$target" upsert
        log "$route: sqlpipe upsert (run $i/$repeat)"
        if ! measure_json "$sqlpipe" transfer create --source "$source" --target "$target_name" \
            --query "SELECT * FROM bench_sync_src" --target-table bench_sync_dst --mode upsert --primary-key id --json; then
            fail "$case_name $route: $(grep -v '^$' "$work/last.log" | tail -n 5)"
            problem="**error**"
            break
        fi
        have=$(count_rows "$target" bench_sync_dst "$sqlite_target")
        changed=$(query_value "$target" "SELECT count(*) FROM bench_sync_dst WHERE a LIKE 'new-%'" "$sqlite_target")
        problem=$(check_json rowsTransferred="$sync_up_rows" rowsInserted="$sync_up_half" rowsUpdated="$sync_up_half" rowsDeleted=0)
        [[ $have == "$want_rows" ]] || problem+="${problem:+; }$have rows in the target, not $want_rows"
        [[ $changed == "$sync_up_rows" ]] || problem+="${problem:+; }$changed rows with the new values, not $sync_up_rows"
        if [[ -n $problem ]]; then
            fail "$case_name $route: $problem"
            problem="**wrong: $problem**"
            break
        fi
        if [[ -z $best ]] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$wall; fi
        if ((rss_kb > best_rss)); then best_rss=$rss_kb; fi
    done
    sling_reset
    if [[ -n $sling ]]; then
        # sling's "full data upsert": incremental with a primary key and no update key.
        for ((i = 1; i <= repeat; i++)); do
            sync_target "$target" upsert
            if ! sling_run "$route" bench_sync_src bench_sync_dst --mode incremental --primary-key id; then
                sling_fail "$case_name" "$route" "$sling_error"
                break
            fi
            have=$(count_rows "$target" bench_sync_dst "$sqlite_target")
            changed=$(query_value "$target" "SELECT count(*) FROM bench_sync_dst WHERE a LIKE 'new-%'" "$sqlite_target")
            if [[ $have != "$want_rows" || $changed != "$sync_up_rows" ]]; then
                sling_fail "$case_name" "$route" "$have rows in the target (not $want_rows), $changed with the new values (not $sync_up_rows)"
                sling_cell="wrong count (note ${#sling_notes[@]})"
                break
            fi
            sling_keep
        done
        [[ -n $sling_best ]] && sling_cell=$sling_best
    fi
    if [[ -z $problem && -z $best ]]; then problem="**error**"; fi
    name=$route
    if [[ -n $best ]]; then
        add_sync_result "$case_name" "$name" "$sync_up_rows" "$best" "$best_rss" "${problem:-counts ok}" "$sling_cell" "$sling_best_rss" "$sling_best"
    else
        add_sync_result "$case_name" "$name" "$sync_up_rows" "-" 0 "$problem" "$sling_cell" "$sling_best_rss" ""
    fi
}

# The incremental cases: a run that finds --sync-new rows, then one that finds none, with or without
# the key. With the key, sqlpipe reads from the largest cursor value on (>=) and upserts, so it
# reads the boundary row again and leaves it alone: rowsInserted tells the new rows.
sync_incremental() { # sync_incremental ROUTE key|nokey [index]
    local route=$1 keyed=$2 indexed=${3:-} source=${1%-*} target=${1#*-} i have problem="" rows_read
    local target_name=$target key_args=() sling_args=(--mode incremental --update-key updated_at)
    [[ $target == sqlite ]] && target_name=sqlite_out
    if [[ $keyed == key ]]; then
        key_args=(--primary-key id) sling_args+=(--primary-key id)
    fi
    local label="with key"
    [[ $keyed == key ]] || label="no key"
    # Without an index on the cursor column in the target, finding its largest value reads the table.
    if [[ -n $indexed ]]; then label+=", cursor indexed in the target"; fi
    local case_new case_none
    case_new="incremental +$(group "$sync_new") of $(group "$sync_rows"), $label"
    case_none="incremental +0 of $(group "$sync_rows"), $label"
    local best_new="" rss_new=0 best_none="" rss_none=0 read_new="" read_none="" problem_none=""
    for ((i = 1; i <= repeat; i++)); do
        sync_target "$target" incremental "$indexed"
        local step want
        for step in new none; do
            want=$sync_new
            [[ $step == none ]] && want=0
            log "$route: sqlpipe incremental, $label, $step (run $i/$repeat)"
            if ! measure_json "$sqlpipe" transfer create --source "$source" --target "$target_name" \
                --query "SELECT * FROM bench_sync_inc" --target-table bench_sync_inc_dst --mode incremental \
                --cursor-column updated_at "${key_args[@]}" --json; then
                fail "incremental $label, $step, $route: $(grep -v '^$' "$work/last.log" | tail -n 5)"
                if [[ $step == new ]]; then problem="**error**"; else problem_none="**error**"; fi
                break 2
            fi
            have=$(count_rows "$target" bench_sync_inc_dst "$sqlite_target")
            local p
            p=$(check_json rowsInserted="$want" rowsUpdated=0 rowsDeleted=0)
            [[ $have == "$((sync_inc_have + sync_new))" ]] || p+="${p:+; }$have rows in the target, not $((sync_inc_have + sync_new))"
            rows_read=$(json_field rowsTransferred)
            if [[ -n $p ]]; then
                fail "incremental $label, $step, $route: $p"
                if [[ $step == new ]]; then problem="**wrong: $p**"; else problem_none="**wrong: $p**"; fi
                break 2
            fi
            if [[ $step == new ]]; then
                read_new=$rows_read
                if [[ -z $best_new ]] || awk -v a="$wall" -v b="$best_new" 'BEGIN { exit !(a < b) }'; then best_new=$wall; fi
                if ((rss_kb > rss_new)); then rss_new=$rss_kb; fi
            else
                read_none=$rows_read
                if [[ -z $best_none ]] || awk -v a="$wall" -v b="$best_none" 'BEGIN { exit !(a < b) }'; then best_none=$wall; fi
                if ((rss_kb > rss_none)); then rss_none=$rss_kb; fi
            fi
        done
    done
    # sling, the same two steps.
    local cell_new cell_none sbest_new="" srss_new=0 sbest_none="" srss_none=0
    sling_reset
    cell_new=$sling_cell cell_none=$sling_cell
    if [[ -n $sling ]]; then
        for ((i = 1; i <= repeat; i++)); do
            sync_target "$target" incremental "$indexed"
            for step in new none; do
                local case_name=$case_new
                [[ $step == none ]] && case_name=$case_none
                if ! sling_run "$route" bench_sync_inc bench_sync_inc_dst "${sling_args[@]}"; then
                    sling_fail "$case_name" "$route" "$sling_error"
                    if [[ $step == new ]]; then
                        # The run that finds none needs the new rows loaded first.
                        cell_new=$sling_cell cell_none="not run (note ${#sling_notes[@]})"
                    else
                        cell_none=$sling_cell
                    fi
                    break 2
                fi
                have=$(count_rows "$target" bench_sync_inc_dst "$sqlite_target")
                if [[ $have != "$((sync_inc_have + sync_new))" ]]; then
                    sling_fail "$case_name" "$route" "$have rows in the target, not $((sync_inc_have + sync_new))"
                    if [[ $step == new ]]; then
                        cell_new="wrong count (note ${#sling_notes[@]})" cell_none="not run (note ${#sling_notes[@]})"
                    else
                        cell_none="wrong count (note ${#sling_notes[@]})"
                    fi
                    break 2
                fi
                if [[ $step == new ]]; then
                    if [[ -z $sbest_new ]] || awk -v a="$wall" -v b="$sbest_new" 'BEGIN { exit !(a < b) }'; then sbest_new=$wall; fi
                    if ((rss_kb > srss_new)); then srss_new=$rss_kb; fi
                    cell_new=$sbest_new
                else
                    if [[ -z $sbest_none ]] || awk -v a="$wall" -v b="$sbest_none" 'BEGIN { exit !(a < b) }'; then sbest_none=$wall; fi
                    if ((rss_kb > srss_none)); then srss_none=$rss_kb; fi
                    cell_none=$sbest_none
                fi
            done
        done
        # A failure in a later repeat leaves no best time to compare.
        [[ $cell_new == "$sbest_new" ]] || sbest_new=""
        [[ $cell_none == "$sbest_none" ]] || sbest_none=""
    fi
    local checked
    if [[ -n $best_new && -z $problem ]]; then
        checked="counts ok (read $(group "$read_new")), < 1 s: $(awk -v s="$best_new" 'BEGIN { print (s < 1 ? "yes" : "no") }')"
        add_sync_result "$case_new" "$route" "$sync_new" "$best_new" "$rss_new" "$checked" "$cell_new" "$srss_new" "$sbest_new"
    else
        add_sync_result "$case_new" "$route" "$sync_new" "-" 0 "${problem:-**error**}" "$cell_new" "$srss_new" "$sbest_new"
    fi
    if [[ -n $best_none && -z $problem_none ]]; then
        add_sync_result "$case_none" "$route" 0 "$best_none" "$rss_none" "counts ok (read $(group "$read_none"))" "$cell_none" "$srss_none" "$sbest_none"
    else
        add_sync_result "$case_none" "$route" 0 "-" 0 "${problem_none:-${problem:+not run}}" "$cell_none" "$srss_none" "$sbest_none"
    fi
}

run_sync_suite() {
    local route system done_sources=" "
    setup_sling
    for route in "${sync_routes[@]}"; do
        system=${route%-*}
        if [[ $done_sources != *" $system "* ]]; then
            sync_source "$system" bench_sync_src $((sync_rows / 2 + 1)) $((sync_rows * 3 / 2)) 2 new
            sync_source "$system" bench_sync_inc 1 "$sync_rows" 1 old index
            done_sources+="$system "
        fi
    done
    for route in "${sync_routes[@]}"; do
        sync_upsert "$route"
        sync_incremental "$route" key
        sync_incremental "$route" nokey
        sync_incremental "$route" key index
        # The targets are not needed any more: a SQLite file or a server with less to hold. Only tidying:
        # a failure here does not stop the suite (the exit trap drops them again).
        case ${route#*-} in
        pg) pg_sql -c "DROP TABLE IF EXISTS bench_sync_dst, bench_sync_inc_dst" >/dev/null || log "sync: could not drop the targets in pg" ;;
        mysql) mysql_sql -e "DROP TABLE IF EXISTS bench_sync_dst, bench_sync_inc_dst" >/dev/null || log "sync: could not drop the targets in mysql" ;;
        sqlite) sqlite_sql "$sqlite_target" 'DROP TABLE IF EXISTS bench_sync_dst; DROP TABLE IF EXISTS bench_sync_inc_dst; VACUUM' || log "sync: could not drop the targets in SQLite" ;;
        esac
    done
}

# --- the replication suite ---------------------------------------------------------------------

# The tables: bench_repl.bench_repl_01 … N in PostgreSQL (zero-padded to the width of N, at least 2),
# the same names in the MariaDB database and in the SQLite file $work/repl_target.db.
repl_width=${#repl_tables}
((repl_width >= 2)) || repl_width=2
repl_names() {
    local i
    for ((i = 1; i <= repl_tables; i++)); do printf "bench_repl_%0${repl_width}d\n" "$i"; done
}
repl_target_file() { echo "$work/repl_target.db"; }

# Each table: a bigint key and text, numeric, int, timestamp and boolean columns (5 % NULL flags);
# the values differ from table to table, so that a table landing in the wrong place shows up.
repl_source() {
    local t n=0 have sql="" started=$SECONDS ok=1
    if ((keep_data)); then
        for t in $(repl_names); do
            have=$(count_rows pg "bench_repl.$t" 2>/dev/null) || have=""
            [[ $have == "$repl_rows" ]] || ok=0
        done
        if ((ok)); then
            log "replication: reusing $repl_tables tables bench_repl.* in pg ($repl_rows rows each)"
            return 0
        fi
    fi
    log "replication: creating $repl_tables tables bench_repl.* in pg ($repl_rows rows each)"
    sql="DROP SCHEMA IF EXISTS bench_repl CASCADE; CREATE SCHEMA bench_repl;"
    for t in $(repl_names); do
        n=$((n + 1))
        sql+="
CREATE TABLE bench_repl.$t (id bigint PRIMARY KEY, label text, amount numeric(12,2), qty int, at timestamp, flag boolean);
INSERT INTO bench_repl.$t
SELECT i, 'label-$n-' || i, round((i % 100000) * 1.37 / 100 + $n, 2), (i * 7 + $n) % 1000,
    timestamp '2024-01-01' + i * interval '1.5 second' + $n * interval '1 day',
    CASE WHEN i % 20 = $((n % 20)) THEN NULL ELSE (i + $n) % 2 = 0 END
FROM generate_series(1, $repl_rows) AS i;
VACUUM (FREEZE, ANALYZE) bench_repl.$t;"
    done
    pg_sql <<<"$sql" >/dev/null
    log "replication: source ready in $((SECONDS - started)) s"
}

# One line per table: name|rows|sum(qty)|count(flag) (non-NULL flags), in one query.
repl_fingerprint() { # repl_fingerprint pg|mysql|sqlite
    local t parts=() prefix=""
    [[ $1 == pg ]] && prefix="bench_repl."
    for t in $(repl_names); do
        parts+=("SELECT '$t', count(*), coalesce(sum(qty), 0), count(flag) FROM $prefix$t")
    done
    local sql
    sql=$(printf '%s UNION ALL ' "${parts[@]}")
    sql="${sql% UNION ALL } ORDER BY 1"
    case $1 in
    pg) pg_sql -A -t -F '|' -c "$sql" ;;
    mysql) mysql_sql --batch --skip-column-names -e "$sql" | tr '\t' '|' ;;
    sqlite) sqlite_sql "$(repl_target_file)" "$sql" ;;
    esac
}

# Prints what is wrong with the target (nothing when every table matches the source).
repl_check() { # repl_check mysql|sqlite
    local have
    if ! have=$(repl_fingerprint "$1" 2>&1); then
        printf 'cannot read the targets: %s' "$(tail -n 1 <<<"$have" | cut -c 1-200)"
        return 0
    fi
    [[ $have == "$repl_expected" ]] && return 0
    local bad
    bad=$(diff <(printf '%s\n' "$repl_expected") <(printf '%s\n' "$have") | grep -c '^>' || true)
    printf '%s of %s tables differ from the source (first: %s)' "$bad" "$repl_tables" \
        "$(diff <(printf '%s\n' "$repl_expected") <(printf '%s\n' "$have") | grep -m 1 '^>' | cut -c 3-)"
}

# Empties the target before each case, so that the check shows what that case made.
repl_reset_target() { # repl_reset_target mysql|sqlite
    local t list=()
    if [[ $1 == mysql ]]; then
        for t in $(repl_names); do list+=("$t" "${t}_tmp"); done
        mysql_sql -e "DROP TABLE IF EXISTS $(
            IFS=,
            echo "${list[*]}"
        )" >/dev/null
    else
        local file
        file=$(repl_target_file)
        rm -f -- "$file" "$file-journal" "$file-wal" "$file-shm"
        sqlite_sql "$file" 'PRAGMA user_version = 0'
    fi
}

# After sling was stopped: what it left running on MariaDB, stopped too (this user, these tables only).
stop_repl_statements() { # stop_repl_statements mysql|sqlite
    [[ $1 == mysql ]] || return 0
    local ids id where="id <> CONNECTION_ID() AND user = SUBSTRING_INDEX(USER(), '@', 1) AND command <> 'Sleep' AND info LIKE '%bench_repl_%'"
    ids=$(mysql_sql --batch --skip-column-names -e "SELECT id FROM information_schema.processlist WHERE $where") || true
    for id in $ids; do
        mysql_sql -e "KILL $id" >/dev/null 2>&1 || true
    done
}

repl_results=()
repl_load() { cut -d' ' -f1 /proc/loadavg; }
add_repl_result() { # add_repl_result ROUTE CASE SECONDS RSS_KB CHECKED LOAD
    local rate="-" mb="-"
    if [[ $3 == ">"* ]]; then
        rate="< $(group "$(awk -v r="$((repl_tables * repl_rows))" -v s="${3#> }" 'BEGIN { printf "%.0f", r / s }')")"
    elif [[ $3 != "-" ]]; then
        rate=$(group "$(awk -v r="$((repl_tables * repl_rows))" -v s="$3" 'BEGIN { printf "%.0f", (s > 0 ? r / s : 0) }')")
        mb=$(awk -v k="$4" 'BEGIN { printf "%.1f", k / 1024 }')
    fi
    repl_results+=("$1"$'\x1f'"$2"$'\x1f'"$3"$'\x1f'"$rate"$'\x1f'"$mb"$'\x1f'"$5"$'\x1f'"$6")
    log "replication $1 $2: $3 s, $rate rows/s, peak RSS $mb MB, $5"
}

# The seconds of each case, for the ratios: repl_secs[ROUTE.a|b|c|sling].
declare -A repl_secs=()

repl_route() { # repl_route mysql|sqlite
    local target=$1 route="pg → MariaDB" target_name=mysql t i load problem total=0 max_rss=0 rc
    if [[ $target == sqlite ]]; then route="pg → SQLite" target_name=sqlite_repl; fi

    # (a) one transfer per table, one after another: the sum of their times.
    repl_reset_target "$target"
    load=$(repl_load)
    problem=""
    for t in $(repl_names); do
        log "replication $route: sqlpipe transfer create $t"
        if ! measure "$sqlpipe" transfer create --source pg --target "$target_name" \
            --query "SELECT * FROM bench_repl.$t" --target-table "$t" --mode overwrite --primary-key id; then
            problem="**error** on $t"
            fail "replication $route (a) $t: $(grep -v '^$' "$work/last.log" | tail -n 5)"
            break
        fi
        total=$(awk -v a="$total" -v b="$wall" 'BEGIN { printf "%.2f", a + b }')
        ((rss_kb > max_rss)) && max_rss=$rss_kb
    done
    if [[ -z $problem ]]; then
        problem=$(repl_check "$target")
        [[ -z $problem ]] || fail "replication $route (a): $problem"
    fi
    if [[ -z $problem ]]; then
        repl_secs[$target.a]=$total
        add_repl_result "$route" "(a) $repl_tables × \`transfer create --mode overwrite\`, summed" "$total" "$max_rss" "rows ok" "$load"
    else
        add_repl_result "$route" "(a) $repl_tables × \`transfer create --mode overwrite\`, summed" "-" 0 "$problem" "$load"
    fi

    # (b), (c): one pattern stream at concurrency 1 and 2.
    local c label
    for c in 1 2; do
        label="(b) \`replication run\`, concurrency 1"
        [[ $c == 2 ]] && label="(c) \`replication run\`, concurrency 2"
        [[ $c == 2 && $target == sqlite ]] && label+=" (runs 1 at a time into SQLite)"
        local name="bench_repl_${target}_c$c"
        cat >"$work/$name.yaml" <<YAML
name: $name
source: pg
target: $target_name
defaults:
  mode: overwrite
streams:
  - table: "bench_repl.bench_repl_*"
concurrency: $c
YAML
        "$sqlpipe" replication create --file "$work/$name.yaml" >/dev/null
        repl_reset_target "$target"
        load=$(repl_load)
        log "replication $route: sqlpipe replication run $name"
        rc=0
        measure "$sqlpipe" replication run "$name" || rc=$?
        if ((rc != 0)); then
            fail "replication $route $label: exit status $rc: $(grep -v '^$' "$work/last.log" | tail -n 5)"
            add_repl_result "$route" "$label" "-" 0 "**error**" "$load"
            continue
        fi
        cp "$work/last.log" "$work/$name.out"
        problem=$(repl_check "$target")
        if [[ -n $problem ]]; then
            fail "replication $route $label: $problem"
            add_repl_result "$route" "$label" "$wall" "$rss_kb" "**wrong: $problem**" "$load"
            continue
        fi
        repl_secs[$target.$([[ $c == 1 ]] && echo b || echo c)]=$wall
        add_repl_result "$route" "$label" "$wall" "$rss_kb" "rows ok" "$load"
    done

    # (d) sling's replication of the same tables: full-refresh, 2 streams at once into MariaDB (as
    # (c)), 1 into SQLite (one writer; sqlpipe runs 1 at a time there too).
    local threads=2 object="$mysql_db.{stream_table}" conn=SQLPIPE_BENCH_SLING_MYSQL
    if [[ $target == sqlite ]]; then threads=1 object="main.{stream_table}" conn=SQLPIPE_BENCH_SLING_REPL; fi
    label="(d) sling replication YAML, full-refresh, $threads thread$([[ $threads == 1 ]] || echo s)"
    if [[ -z $sling ]]; then
        add_repl_result "$route" "$label" "-" 0 "$sling_state" ""
        return 0
    fi
    cat >"$work/sling_$target.yaml" <<YAML
source: SQLPIPE_BENCH_SLING_PG
target: $conn
defaults:
  mode: full-refresh
  object: '$object'
streams:
  bench_repl.bench_repl_*:
env:
  SLING_THREADS: $threads
YAML
    repl_reset_target "$target"
    load=$(repl_load)
    log "replication $route: sling run -r sling_$target.yaml"
    rc=0
    /usr/bin/time -f '%e %M' -o "$work/time.txt" timeout -k 10 "$sling_timeout" env SLING_THREADS="$threads" \
        "$sling" run -r "$work/sling_$target.yaml" >"$work/sling.log" 2>&1 || rc=$?
    if ((rc != 0)); then
        local why
        if ((rc == 124 || rc == 137)); then
            why="stopped after $sling_timeout s (--sling-timeout); $(sed 's/\x1b\[[0-9;]*m//g' "$work/sling.log" | grep -c 'inserted .* rows into') of $repl_tables tables done by then"
            stop_repl_statements "$target"
            sling_notes+=("replication $route: $why")
            repl_secs[$target.sling_over]=$sling_timeout
            add_repl_result "$route" "$label" "> $sling_timeout" 0 "stopped (note ${#sling_notes[@]})" "$load"
            return 0
        else
            why="exit status $rc: $(sed 's/\x1b\[[0-9;]*m//g' "$work/sling.log" | grep -v '^\s*$' | grep -i -m 3 'err\|fatal\|panic' | tr -s ' \n' ' ' | cut -c 1-300)"
        fi
        sling_notes+=("replication $route: $why")
        add_repl_result "$route" "$label" "-" 0 "sling failed (note ${#sling_notes[@]})" "$load"
        return 0
    fi
    read -r wall rss_kb <"$work/time.txt"
    problem=$(repl_check "$target")
    if [[ -n $problem ]]; then
        sling_notes+=("replication $route: $problem")
        add_repl_result "$route" "$label" "$wall" "$rss_kb" "sling wrong (note ${#sling_notes[@]})" "$load"
        return 0
    fi
    repl_secs[$target.sling]=$wall
    add_repl_result "$route" "$label" "$wall" "$rss_kb" "rows ok" "$load"
}

run_repl_suite() {
    repl_source
    repl_expected=$(repl_fingerprint pg)
    [[ $(wc -l <<<"$repl_expected") == "$repl_tables" ]] || die "replication: the source fingerprint has not $repl_tables lines"
    sqlite_sql "$(repl_target_file)" 'PRAGMA user_version = 0'
    "$sqlpipe" connection create --name sqlite_repl --url "sqlite://$(repl_target_file)" >&2
    setup_sling
    SQLPIPE_BENCH_SLING_REPL="sqlite://$(repl_target_file)"
    export SQLPIPE_BENCH_SLING_REPL
    repl_route mysql
    repl_route sqlite
    # Leave less behind: the target tables in MariaDB (the exit trap drops them again).
    repl_reset_target mysql || log "replication: could not drop the targets in mysql"
}

repl_ratio() { # repl_ratio A B [lower]: A ÷ B, "> A ÷ B" with lower (A a timeout), "-" when either is missing
    if [[ -n ${1:-} && -n ${2:-} ]]; then awk -v a="$1" -v b="$2" -v p="${3:+> }" 'BEGIN { printf "%s%.2f×", p, (b > 0 ? a / b : 0) }'; else echo "-"; fi
}
repl_sling_ratio() { # repl_sling_ratio TARGET b|c
    local t=$1 c=$2
    if [[ -n ${repl_secs[$t.sling]:-} ]]; then
        repl_ratio "${repl_secs[$t.sling]}" "${repl_secs[$t.$c]:-}"
    elif [[ -n ${repl_secs[$t.sling_over]:-} ]]; then
        repl_ratio "${repl_secs[$t.sling_over]}" "${repl_secs[$t.$c]:-}" lower
    else
        echo "-"
    fi
}

# --- the run -----------------------------------------------------------------------------------

# The settings that ran, as the servers report them (whether this script started them or not).
server_settings_line() {
    local parts=()
    if ((need_pg)); then
        parts+=("$(pg_sql -A -t -c "SELECT 'PostgreSQL ' || current_setting('server_version') || ': ' ||
            string_agg(n || '=' || current_setting(n), ', ' ORDER BY o)
            FROM unnest(ARRAY['fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers', 'max_wal_size']) WITH ORDINALITY AS s(n, o)" 2>/dev/null ||
            echo "PostgreSQL: settings unreadable")")
    fi
    if ((need_mysql)); then
        parts+=("$(mysql_sql --batch --skip-column-names -e "SELECT CONCAT('MariaDB ', VERSION(), ': log_bin=', IF(@@log_bin, 'ON', 'OFF'),
            ', innodb_buffer_pool_size=', IF(@@innodb_buffer_pool_size % 1073741824 = 0, CONCAT(@@innodb_buffer_pool_size DIV 1073741824, 'G'), CONCAT(@@innodb_buffer_pool_size DIV 1048576, 'M')),
            ', innodb_log_file_size=', IF(@@innodb_log_file_size % 1073741824 = 0, CONCAT(@@innodb_log_file_size DIV 1073741824, 'G'), CONCAT(@@innodb_log_file_size DIV 1048576, 'M')),
            ', innodb_flush_log_at_trx_commit=', @@innodb_flush_log_at_trx_commit, ', innodb_doublewrite=', @@innodb_doublewrite,
            ', innodb_flush_method=', @@innodb_flush_method)" 2>/dev/null || echo "MariaDB: settings unreadable")")
    fi
    local joined="" part
    for part in "${parts[@]}"; do joined+="${joined:+; }$part"; done
    printf "%s" "$joined"
}
settings_read=$(server_settings_line)
[[ -z $settings_read ]] || log "server settings ($server_settings): $settings_read"

started_all=$SECONDS
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
if ((run_transfer)); then
    # The other tools of the transfer suite, when they can be had.
    setup_duckdb
    setup_sling
    for dataset in "${datasets[@]}"; do
        if ((need_pg)) && { uses pg source || ((ref_pg)); }; then ensure_dataset pg "$dataset"; fi
        if ((need_mysql)) && { uses mysql source || ((ref_mysql)); }; then ensure_dataset mysql "$dataset"; fi
        if ((need_sqlite)) && uses sqlite source; then ensure_dataset sqlite "$dataset"; fi
    done

    for dataset in "${datasets[@]}"; do
        if ((ref_pg)); then run_reference pg "$dataset"; fi
        if ((ref_mysql)); then run_reference mysql "$dataset"; fi
        for route in "${routes[@]}"; do
            run_route "$dataset" "$route"
        done
    done
fi
if ((run_sync)); then
    run_sync_suite
fi
if ((run_repl)); then
    run_repl_suite
fi
if ((run_files)); then
    run_files_suite
fi

# --- the table ---------------------------------------------------------------------------------

# The commit of the checkout the binary was built in: this one, or the worktree that holds
# SQLPIPE_BENCH_BIN (e.g. <worktree>/.build/release/sqlpipe).
built_in=$repo_root
if [[ -n ${SQLPIPE_BENCH_BIN:-} ]]; then
    built_in=$(git -C "$(dirname "$sqlpipe")" rev-parse --show-toplevel 2>/dev/null) || built_in=""
fi
if [[ -n $built_in ]]; then
    sqlpipe_version=$(git -C "$built_in" rev-parse --short HEAD 2>/dev/null || echo unknown)
    git -C "$built_in" diff --quiet HEAD -- Sources 2>/dev/null || sqlpipe_version+=" + uncommitted changes"
else
    sqlpipe_version="unknown (SQLPIPE_BENCH_BIN outside a checkout)"
fi
{
    printf '%s\n\n' "sqlpipe benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $sqlpipe_version, release build, server settings: $settings_label, $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), best of $repeat, load average $load_at_start at the start and $(cut -d' ' -f1-3 /proc/loadavg) at the end"
    if [[ -n $settings_read ]]; then
        printf 'Server settings, as the servers report them: %s.%s\n\n' "$settings_read" \
            "$([[ $server_settings == harness ]] && ((ref_mysql)) && echo " The MariaDB reference is the harness's LOAD DATA pipe.")"
    fi
    if ((run_transfer)); then
        tools=()
        if [[ -n $duckdb ]]; then tools+=("$duckdb_state (ATTACH both ends, CREATE TABLE … AS SELECT)"); else tools+=("DuckDB: $duckdb_state"); fi
        if [[ -n $sling ]]; then tools+=("$sling_state (--mode full-refresh)"); else tools+=("sling: $sling_state"); fi
        printf 'Other tools on the same routes: %s; %s. Each run is stopped after %s s (--anchor-timeout); "vs best other" is the faster one'"'"'s seconds ÷ sqlpipe'"'"'s (> 1: sqlpipe is faster).\n\n' \
            "${tools[0]}" "${tools[1]}" "$anchor_timeout"
        printf '| Dataset | Route | Rows | Seconds | Rows/s | Peak RSS MB | vs reference | DuckDB s | DuckDB MB | sling s | sling MB | vs best other | Goal | Met |\n'
        printf '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|---|\n'
        for line in "${result_rows[@]}"; do
            IFS=$'\x1f' read -r d r n s rate mb ratio goal verdict duck duck_mb sl sl_mb vs_other <<<"$line"
            [[ $s == "-" ]] && rate="-" mb="-" || rate=$(group "$rate")
            printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$d" "$r" "$(group "$n")" "$s" "$rate" "$mb" "$ratio" \
                "$duck" "$duck_mb" "$sl" "$sl_mb" "$vs_other" "$goal" "$verdict"
        done
        if ((${#anchor_notes[@]})); then
            printf '\nOther tools:\n\n'
            local_n=0
            for line in "${anchor_notes[@]}"; do
                local_n=$((local_n + 1))
                printf '%s. %s\n' "$local_n" "${line//$'\n'/ }"
            done
        fi
    fi
    if ((run_sync)); then
        ((run_transfer)) && printf '\n'
        printf 'Sync modes: %s; sqlpipe checked by its --json counts and the target'"'"'s rows.\n\n' "$sling_state"
        printf '| Case | Route | Rows | Seconds | Rows/s | Peak RSS MB | sling s | sling peak RSS MB | sling s ÷ sqlpipe s | Checked |\n'
        printf '|---|---|--:|--:|--:|--:|--:|--:|--:|---|\n'
        for line in "${sync_results[@]}"; do
            IFS=$'\x1f' read -r c r n s rate mb sling_s sling_mb ratio checked <<<"$line"
            printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$c" "$r" "$n" "$s" "$rate" "$mb" "$sling_s" "$sling_mb" "$ratio" "$checked"
        done
        if ((${#sling_notes[@]})); then
            printf '\nsling:\n\n'
            local_n=0
            for line in "${sling_notes[@]}"; do
                local_n=$((local_n + 1))
                printf '%s. %s\n' "$local_n" "${line//$'\n'/ }"
            done
        fi
    fi
    if ((run_repl)); then
        ((run_transfer || run_sync)) && printf '\n'
        printf 'Replications: %s tables × %s rows (%s rows) from PostgreSQL, each case run once; sling: %s. Load: the 1-minute load average when the case started.\n\n' \
            "$repl_tables" "$(group "$repl_rows")" "$(group "$((repl_tables * repl_rows))")" "$sling_state"
        printf '| Route | Case | Seconds | Rows/s | Peak RSS MB | Checked | Load |\n'
        printf '|---|---|--:|--:|--:|---|--:|\n'
        for line in "${repl_results[@]}"; do
            IFS=$'\x1f' read -r r c s rate mb checked load <<<"$line"
            printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$r" "$c" "$s" "$rate" "$mb" "$checked" "$load"
        done
        printf '\n| Route | (b) ÷ (c): speedup of concurrency 2 (goal ≥ 1.5×) | (a) ÷ (c) | (a) ÷ (b) | sling ÷ (c) (goal > 1×) | sling ÷ (b) |\n'
        printf '|---|--:|--:|--:|--:|--:|\n'
        for t in mysql sqlite; do
            r="pg → MariaDB"
            [[ $t == sqlite ]] && r="pg → SQLite"
            printf '| %s | %s | %s | %s | %s | %s |\n' "$r" \
                "$(repl_ratio "${repl_secs[$t.b]:-}" "${repl_secs[$t.c]:-}")" "$(repl_ratio "${repl_secs[$t.a]:-}" "${repl_secs[$t.c]:-}")" \
                "$(repl_ratio "${repl_secs[$t.a]:-}" "${repl_secs[$t.b]:-}")" "$(repl_sling_ratio "$t" c)" "$(repl_sling_ratio "$t" b)"
        done
        if ((!run_sync && ${#sling_notes[@]})); then
            printf '\nsling:\n\n'
            local_n=0
            for line in "${sling_notes[@]}"; do
                local_n=$((local_n + 1))
                printf '%s. %s\n' "$local_n" "${line//$'\n'/ }"
            done
        fi
    fi
    if ((run_files)); then
        ((run_transfer || run_sync || run_repl)) && printf '\n'
        files_table
    fi
    if ((${#failures[@]})); then
        printf '\nFailures:\n\n'
        for line in "${failures[@]}"; do
            printf -- '- %s\n' "${line//$'\n'/ }"
        done
    fi
} >"$work/table.md"
cat "$work/table.md"
if [[ -n $out_file ]]; then cp "$work/table.md" "$out_file"; fi
log "done in $((SECONDS - started_all)) s"
((${#failures[@]} == 0)) || die "${#failures[@]} failure(s), see above"
