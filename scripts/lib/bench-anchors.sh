# shellcheck shell=bash
#
# scripts/benchmark.sh's transfer suite: the other tools on each route and dataset, beside sqlpipe, in the
# same invocation, on the same data and servers ("anchors"):
#
#   DuckDB  ATTACH '<source>' AS src (TYPE postgres|mysql|sqlite, READ_ONLY);
#           ATTACH '<target>' AS tgt (TYPE …);
#           CREATE TABLE tgt.bench_<dataset>_duck AS SELECT * FROM src.bench_<dataset>
#           (the scanners LOADed from the files of their PyPI wheels; see setup_duckdb in bench-files.sh)
#   sling   sling run --src-conn … --src-stream bench_<dataset> --tgt-conn … --tgt-object
#           bench_<dataset>_sling --mode full-refresh (see setup_sling in benchmark.sh)
#
# Each run is timed like sqlpipe's (GNU time: wall seconds, peak RSS), stopped after --anchor-timeout
# seconds, checked like sqlpipe's (the rows, and for mixed the non-NULL values of count_values), and its
# table is dropped afterwards. A tool that fails a route is reported in its cell with a note; it never
# fails the benchmark. Sourced by benchmark.sh, whose helpers (pg_sql, mysql_sql, sqlite_sql, count_rows,
# count_values, fill_source_values, stop_server_statements, sling_conn, sling_table, log, group) it uses.
# shellcheck disable=SC2154,SC2034 # work, wall, rss_kb, repeat, sqlite_source, sqlite_target, pg_attach,
# mysql_attach, duckdb*, sling, anchor_timeout, source_values_cache: set by benchmark.sh and bench-files.sh;
# anchor_cell and the others: read by benchmark.sh

# Why a tool failed, numbered in the order they happened; printed below the table.
anchor_notes=()

# The outcome of one tool on one route: its cell (seconds, "> S", "error (note N)", "wrong count (note N)",
# or why it did not run), the best time that checked out (empty if none), its largest peak RSS in kB, and
# whether it was stopped by the timeout.
anchor_cell="" anchor_best="" anchor_rss=0 anchor_over=0

# The target table of a tool (in the target's database or the SQLite target file).
anchor_table() { # anchor_table duckdb|sling DATASET
    if [[ $1 == duckdb ]]; then echo "bench_$2_duck"; else echo "bench_$2_sling"; fi
}

# Drops what a tool made: its table, and the staging table that sling uses (<table>_tmp).
anchor_drop() { # anchor_drop SYSTEM TABLE
    case $1 in
    pg) pg_sql -c "DROP TABLE IF EXISTS $2, ${2}_tmp" >/dev/null 2>&1 ;;
    mysql) mysql_sql -e "DROP TABLE IF EXISTS $2, ${2}_tmp" >/dev/null 2>&1 ;;
    sqlite) sqlite_sql "$sqlite_target" "DROP TABLE IF EXISTS \"$2\"; DROP TABLE IF EXISTS \"${2}_tmp\"" >/dev/null 2>&1 ;;
    esac || log "could not drop $2 in $1"
}

# What is wrong with a tool's target (nothing when it holds the source's rows and non-NULL values).
anchor_check() { # anchor_check DATASET SOURCE_SYSTEM TARGET_SYSTEM TABLE ROWS
    local have
    if ! have=$(count_rows "$3" "$4" "$sqlite_target" 2>&1); then
        printf 'cannot read the target: %s' "$(tail -n 1 <<<"$have" | cut -c 1-200)"
        return 0
    fi
    if [[ $have != "$5" ]]; then
        printf 'the target has %s rows, the source %s' "$have" "$5"
        return 0
    fi
    if [[ $1 == mixed ]]; then
        fill_source_values "$2"
        have=$(count_values "$3" "$4" "$sqlite_target" 2>&1) || have="(unreadable: $(tail -n 1 <<<"$have" | cut -c 1-200))"
        [[ $have == "${source_values_cache[$2]}" ]] ||
            printf '%s non-NULL values in flag, amount, payload, at_tz, uid of the target, %s in the source' "$have" "${source_values_cache[$2]}"
    fi
}

# Why a tool failed, from its log (colours stripped): what follows sling's "fatal:", else the first lines
# that name an error (DuckDB's "… Error: …"), else the last lines.
anchor_reason() { # anchor_reason LOG
    local text
    text=$(sed 's/\x1b\[[0-9;]*m//g' "$1" | grep -v '^\s*$' | grep -v '^Command exited with non-zero status' || true)
    if grep -q '^fatal:' <<<"$text"; then
        # Its messages, without the indented lines of the SQL it quotes.
        sed -n '/^fatal:/,$p' <<<"$text" | sed '1s/^fatal: *//; s/^~ *//' | grep -v '^\s' | grep -v '^$' | head -n 4
    elif grep -qi 'err\|fatal\|panic' <<<"$text"; then
        grep -i -m 3 -A 2 'err\|fatal\|panic' <<<"$text"
    else
        tail -n 3 <<<"$text"
    fi | tr -s ' \n' ' ' | cut -c 1-300
}

# Runs a tool once under GNU time and the timeout; sets wall and rss_kb, or anchor_error and returns 1
# (anchor_over=1 after the timeout, when what it left running on the target server is stopped too).
anchor_error=""
anchor_run() { # anchor_run TARGET_SYSTEM COMMAND...
    local target=$1 rc=0 running
    shift
    /usr/bin/time -f '%e %M' -o "$work/time.txt" timeout -k 10 "$anchor_timeout" "$@" >"$work/anchor.log" 2>&1 || rc=$?
    if ((rc == 124 || rc == 137)); then
        anchor_over=1
        running=$(stop_server_statements "$target" 'bench_(narrow|mixed)_(duck|sling)' | head -n 1)
        anchor_error="stopped after $anchor_timeout s (--anchor-timeout)"
        if [[ -n $running ]]; then anchor_error+="; the server was still running: $running"; fi
        return 1
    fi
    if ((rc != 0)); then
        anchor_error="exit status $rc: $(anchor_reason "$work/anchor.log")"
        return 1
    fi
    read -r wall rss_kb <"$work/time.txt"
}

anchor_fail() { # anchor_fail TOOL DATASET ROUTE REASON [CELL_WORD]: notes why, sets the cell
    anchor_notes+=("$1, $2 $3: $4")
    if ((anchor_over)); then
        anchor_cell="> $anchor_timeout (note ${#anchor_notes[@]})"
    else
        anchor_cell="${5:-error} (note ${#anchor_notes[@]})"
    fi
    anchor_best=""
    log "$1 failed on $2 $3: $4"
}

# DuckDB's ATTACH of a system as a source (read only) or a target. The passwords come from PGPASSWORD and
# MYSQL_PWD, which its postgres and mysql scanners read, so they are on no command line and in no file.
duckdb_attach() { # duckdb_attach SYSTEM source|target ALIAS
    local ro=""
    [[ $2 == source ]] && ro=", READ_ONLY"
    case $1 in
    pg) printf "ATTACH '%s' AS %s (TYPE postgres%s);\n" "$pg_attach" "$3" "$ro" ;;
    mysql) printf "ATTACH '%s' AS %s (TYPE mysql%s);\n" "$mysql_attach" "$3" "$ro" ;;
    sqlite)
        local file=$sqlite_target
        [[ $2 == source ]] && file=$sqlite_source
        printf "ATTACH '%s' AS %s (TYPE sqlite%s);\n" "$file" "$3" "$ro"
        ;;
    esac
}

# The cell of a tool that is not there: "-" when left out on purpose, else "not installed" (the table's
# line above says why).
anchor_absent() { # anchor_absent STATE
    if [[ $1 == "not used"* ]]; then echo "-"; else echo "not installed"; fi
}

# Runs one tool REPEAT times on one route and dataset; sets anchor_cell, anchor_best, anchor_rss, anchor_over.
anchor_route() { # anchor_route duckdb|sling DATASET ROUTE ROWS
    local tool=$1 dataset=$2 route=$3 rows=$4 source=${3%-*} target=${3#*-} table i problem name cmd=()
    table=$(anchor_table "$tool" "$dataset")
    anchor_cell="" anchor_best="" anchor_rss=0 anchor_over=0
    if [[ $tool == duckdb ]]; then
        name=DuckDB
        if [[ -z $duckdb ]]; then
            anchor_cell=$(anchor_absent "$duckdb_state")
            return 0
        fi
        local ext_var="duckdb_$source" ext_target="duckdb_$target"
        if [[ -z ${!ext_var} || -z ${!ext_target} ]]; then
            anchor_fail "$name" "$dataset" "$route" "no scanner extension for $source or $target in $(dirname "$(dirname "$duckdb")")"
            return 0
        fi
        # The scanners come from their files; nothing is installed or loaded from the network.
        {
            printf 'SET autoinstall_known_extensions = false;\nSET autoload_known_extensions = false;\n'
            printf "SET temp_directory = '%s';\n" "$work/duckdb.tmp"
            printf "LOAD '%s';\n" "${!ext_var}"
            [[ $target == "$source" ]] || printf "LOAD '%s';\n" "${!ext_target}"
            duckdb_attach "$source" source src
            duckdb_attach "$target" target tgt
            printf 'CREATE TABLE tgt.%s AS SELECT * FROM src.bench_%s;\n' "$table" "$dataset"
        } >"$work/duckdb_$route.sql"
        cmd=("$duckdb" -bail -f "$work/duckdb_$route.sql")
    else
        name=sling
        if [[ -z $sling ]]; then
            anchor_cell=$(anchor_absent "$sling_state")
            return 0
        fi
        cmd=("$sling" run --src-conn "$(sling_conn "$source" source)" --src-stream "$(sling_table "$source" "bench_$dataset")"
            --tgt-conn "$(sling_conn "$target" target)" --tgt-object "$(sling_table "$target" "$table")" --mode full-refresh)
    fi
    for ((i = 1; i <= repeat; i++)); do
        anchor_drop "$target" "$table"
        log "$dataset $route: $name (run $i/$repeat)"
        if ! anchor_run "$target" "${cmd[@]}"; then
            anchor_fail "$name" "$dataset" "$route" "$anchor_error"
            anchor_drop "$target" "$table"
            return 0
        fi
        problem=$(anchor_check "$dataset" "$source" "$target" "$table" "$rows")
        anchor_drop "$target" "$table"
        if [[ -n $problem ]]; then
            anchor_fail "$name" "$dataset" "$route" "$problem" "wrong count"
            return 0
        fi
        if [[ -z $anchor_best ]] || awk -v a="$wall" -v b="$anchor_best" 'BEGIN { exit !(a < b) }'; then anchor_best=$wall; fi
        if ((rss_kb > anchor_rss)); then anchor_rss=$rss_kb; fi
    done
    anchor_cell=$anchor_best
    log "$dataset $route: $name $anchor_best s, peak RSS $(awk -v k="$anchor_rss" 'BEGIN { printf "%.1f", k / 1024 }') MB"
}
