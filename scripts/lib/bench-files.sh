# shellcheck shell=bash
#
# scripts/benchmark.sh --suite files: PostgreSQL → CSV file and CSV file → PostgreSQL, plain and gzip,
# next to psql's COPY … TO STDOUT / FROM STDIN (FORMAT csv) in the same run, and DuckDB's read_csv into
# PostgreSQL when DuckDB can be had (see setup_duckdb). Sourced by benchmark.sh, whose helpers
# (measure, pg_sql, pg_conn, ensure_dataset, count_rows, count_values, fail, log, group) it uses.
# shellcheck disable=SC2154 # work, wall, rss_kb, sqlpipe, pg_conn, pg_attach, datasets: set by benchmark.sh

files_results=()

# DuckDB 1.5.5 and its postgres, mysql and sqlite scanners from PyPI, in a virtual environment that later runs
# reuse (what is missing is installed with pip, pinned); nothing is downloaded by DuckDB itself (each
# extension is LOADed from its file in the wheel). Sets duckdb and duckdb_postgres (also duckdb_pg),
# duckdb_mysql and duckdb_sqlite: the extension files, empty when missing. With --no-duckdb
# (use_duckdb=0) it sets nothing. Called by the files suite and the transfer suite; runs once.
duckdb=""
duckdb_postgres="" duckdb_pg="" duckdb_mysql="" duckdb_sqlite=""
duckdb_state="not installed"
duckdb_setup_done=0
_sqlpipe_duckdb_ext() { # _sqlpipe_duckdb_ext DIR NAME: the path of NAME_scanner.duckdb_extension in DIR's wheels
    find "$1" -path '*/site-packages/duckdb_extension_*' -name "$2_scanner.duckdb_extension" -print -quit 2>/dev/null
}
setup_duckdb() {
    ((duckdb_setup_done)) && return 0
    duckdb_setup_done=1
    if ((!${use_duckdb:-1})); then
        duckdb_state="not used (--no-duckdb)"
        return 0
    fi
    local dir=${XDG_CACHE_HOME:-$HOME/.cache}/sqlpipe-bench/duckdb name missing=0
    [[ -x $dir/bin/duckdb ]] || missing=1
    for name in postgres mysql sqlite; do
        [[ -n $(_sqlpipe_duckdb_ext "$dir" "$name") ]] || missing=1
    done
    if ((missing)); then
        log "installing duckdb-cli 1.5.5 and its postgres, mysql and sqlite scanners into $dir"
        if ! { { [[ -x $dir/bin/pip ]] || python3 -m venv "$dir" >&2; } &&
            "$dir/bin/pip" install -q --disable-pip-version-check duckdb-cli==1.5.5 \
                duckdb-extension-postgres-scanner==1.5.5 duckdb-extension-mysql-scanner==1.5.5 \
                duckdb-extension-sqlite-scanner==1.5.5 >&2; }; then
            log "DuckDB could not be installed: the benchmark runs without it"
            duckdb_state="not installed (pip install failed)"
            return 0
        fi
    fi
    duckdb=$dir/bin/duckdb
    duckdb_postgres=$(_sqlpipe_duckdb_ext "$dir" postgres)
    # shellcheck disable=SC2034 # read by bench-anchors.sh, as duckdb_<system>
    duckdb_pg=$duckdb_postgres
    duckdb_mysql=$(_sqlpipe_duckdb_ext "$dir" mysql)
    duckdb_sqlite=$(_sqlpipe_duckdb_ext "$dir" sqlite)
    if [[ ! -x $duckdb || -z $duckdb_postgres ]]; then
        duckdb="" duckdb_state="not installed (no binary or no postgres_scanner extension in $dir)"
        return 0
    fi
    duckdb_state="DuckDB $("$duckdb" -version | awk '{ print $1 }')"
    log "$duckdb_state at $duckdb, its scanners LOADed from the wheels in $dir"
    local none=()
    [[ -n $duckdb_mysql ]] || none+=(mysql_scanner)
    [[ -n $duckdb_sqlite ]] || none+=(sqlite_scanner)
    ((${#none[@]} == 0)) || log "DuckDB: no ${none[*]} extension in $dir; the routes that need it show an error"
}

add_files_result() { # add_files_result DATASET DIRECTION COMPRESSION ROWS PSQL_S SQLPIPE_S SQLPIPE_RSS_KB DUCKDB_S CHECKED
    files_results+=("$1"$'\x1f'"$2"$'\x1f'"$3"$'\x1f'"$4"$'\x1f'"$5"$'\x1f'"$6"$'\x1f'"$7"$'\x1f'"$8"$'\x1f'"$9")
}

# How many records a CSV file of ours holds: its lines less the header (the datasets hold no line breaks).
csv_records() { # csv_records FILE
    if [[ $1 == *.gz ]]; then gzip -dc "$1" | wc -l; else wc -l <"$1"; fi | awk '{ print $1 - 1 }'
}

run_files_case() { # run_files_case DATASET none|gzip
    local dataset=$1 compression=$2 rows extension=csv pipe_out="cat" pipe_in="cat"
    rows=$(rows_of "$dataset")
    if [[ $compression == gzip ]]; then
        extension=csv.gz pipe_out="gzip -1" pipe_in="gzip -dc"
    fi
    local ours="$work/bench_$dataset.$extension" theirs="$work/bench_${dataset}_psql.$extension"
    local psql_s="-" sqlpipe_s="-" sqlpipe_rss=0 duckdb_s="-" checked="yes" have

    # PostgreSQL → file.
    log "files $dataset $compression: psql COPY TO STDOUT (FORMAT csv) | $pipe_out"
    # shellcheck disable=SC2016 # expanded by the inner bash
    if measure bash -c 'set -o pipefail
        psql "${@:4}" -c "COPY (SELECT * FROM $1) TO STDOUT (FORMAT csv, HEADER)" | $2 >"$3"' _ \
        "bench_$dataset" "$pipe_out" "$theirs" "${pg_conn[@]}"; then
        psql_s=$wall
    else
        fail "files $dataset $compression: psql export: $(tail -n 3 "$work/last.log")"
    fi
    log "files $dataset $compression: sqlpipe transfer create --target-file $(basename "$ours")"
    if measure "$sqlpipe" transfer create --source pg --query "SELECT * FROM bench_$dataset" --target-file "$ours"; then
        sqlpipe_s=$wall sqlpipe_rss=$rss_kb
        have=$(csv_records "$ours")
        if [[ $have != "$rows" ]]; then
            fail "files $dataset $compression export: $have records in the file, $rows in the table"
            checked="**$have records**"
        fi
    else
        fail "files $dataset $compression: sqlpipe export: $(grep -v '^$' "$work/last.log" | tail -n 3)"
        checked="**error**"
    fi
    add_files_result "$dataset" "pg → file" "$compression" "$rows" "$psql_s" "$sqlpipe_s" "$sqlpipe_rss" "-" "$checked"
    [[ -f $ours ]] || return 0

    # File → PostgreSQL, both from sqlpipe's own file, into a table of the source's definition for psql.
    psql_s="-" sqlpipe_s="-" sqlpipe_rss=0 checked="yes"
    pg_sql -c "DROP TABLE IF EXISTS bench_${dataset}_ref; CREATE TABLE bench_${dataset}_ref (LIKE bench_$dataset)" >/dev/null
    log "files $dataset $compression: $pipe_in | psql COPY FROM STDIN (FORMAT csv)"
    # shellcheck disable=SC2016 # expanded by the inner bash
    if measure bash -c 'set -o pipefail
        $2 <"$3" | psql "${@:4}" -c "COPY $1 FROM STDIN (FORMAT csv, HEADER)"' _ \
        "bench_${dataset}_ref" "$pipe_in" "$ours" "${pg_conn[@]}"; then
        psql_s=$wall
        have=$(count_rows pg "bench_${dataset}_ref")
        [[ $have == "$rows" ]] || fail "files $dataset $compression: psql loaded $have rows, not $rows"
    else
        fail "files $dataset $compression: psql import: $(tail -n 3 "$work/last.log")"
    fi
    # Bytes look like text in a CSV: the mixed set's bytea column is named, as psql's table has it.
    local given=()
    [[ $dataset == mixed ]] && given=(--column payload:bytes)
    log "files $dataset $compression: sqlpipe transfer create --source-file $(basename "$ours")"
    if measure "$sqlpipe" transfer create --source-file "$ours" "${given[@]}" --target pg \
        --target-table "bench_${dataset}_out" --overwrite; then
        sqlpipe_s=$wall sqlpipe_rss=$rss_kb
        have=$(count_rows pg "bench_${dataset}_out")
        if [[ $have != "$rows" ]]; then
            fail "files $dataset $compression import: the table has $have rows, the file $rows"
            checked="**$have rows**"
        elif [[ $dataset == mixed ]]; then
            fill_source_values pg
            have=$(count_values pg "bench_${dataset}_out")
            if [[ $have != "${source_values_cache[pg]}" ]]; then
                fail "files $dataset $compression import: $have non-NULL values, ${source_values_cache[pg]} in the source"
                checked="**NULLs differ**"
            fi
        fi
    else
        fail "files $dataset $compression: sqlpipe import: $(grep -v '^$' "$work/last.log" | tail -n 3)"
        checked="**error**"
    fi
    if [[ -n $duckdb ]]; then
        pg_sql -c "DROP TABLE IF EXISTS bench_${dataset}_duck" >/dev/null
        log "files $dataset $compression: DuckDB read_csv → postgres"
        if measure "$duckdb" -c "LOAD '$duckdb_postgres'; ATTACH '$pg_attach' AS pg (TYPE postgres); CREATE TABLE pg.public.bench_${dataset}_duck AS SELECT * FROM read_csv('$ours');"; then
            duckdb_s=$wall
            have=$(count_rows pg "bench_${dataset}_duck")
            [[ $have == "$rows" ]] || { fail "files $dataset $compression: DuckDB loaded $have rows, not $rows" && duckdb_s="**$have rows**"; }
        else
            duckdb_s="error"
            log "DuckDB failed: $(tail -n 3 "$work/last.log")"
        fi
        pg_sql -c "DROP TABLE IF EXISTS bench_${dataset}_duck" >/dev/null
    fi
    add_files_result "$dataset" "file → pg" "$compression" "$rows" "$psql_s" "$sqlpipe_s" "$sqlpipe_rss" "$duckdb_s" "$checked"
    rm -f "$ours" "$theirs"
}

run_files_suite() {
    setup_duckdb
    local dataset compression
    for dataset in "${datasets[@]}"; do
        ensure_dataset pg "$dataset"
        for compression in none gzip; do
            run_files_case "$dataset" "$compression"
        done
    done
}

files_table() {
    printf 'Files: PostgreSQL ↔ CSV, next to psql COPY … (FORMAT csv) (gzip -1 in the pipe for .gz, the level sqlpipe writes) and %s; sqlpipe files are read with their types inferred over the whole file. Ratio: psql s ÷ sqlpipe s (goal ≥ 0.8×, peak RSS < 64 MB).\n\n' "$duckdb_state"
    printf '| Dataset | Direction | Compression | Rows | psql s | sqlpipe s | sqlpipe rows/s | vs psql | sqlpipe peak RSS MB | DuckDB s | Checked | Met |\n'
    printf '|---|---|---|--:|--:|--:|--:|--:|--:|--:|---|---|\n'
    local line d dir c n p s kb duck checked ratio rate mb met
    for line in "${files_results[@]}"; do
        IFS=$'\x1f' read -r d dir c n p s kb duck checked <<<"$line"
        ratio="-" rate="-" mb=$(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }') met="no"
        if [[ $s != "-" ]]; then
            rate=$(group "$(awk -v r="$n" -v t="$s" 'BEGIN { printf "%.0f", (t > 0 ? r / t : 0) }')")
            if [[ $p != "-" ]]; then
                ratio=$(awk -v a="$p" -v b="$s" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
                met=$(awk -v r="$ratio" -v k="$kb" 'BEGIN { print (r >= 0.8 && k < 64 * 1024 ? "yes" : "no") }')
                ratio="${ratio}×"
            fi
        fi
        printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$d" "$dir" "$c" "$(group "$n")" "$p" "$s" "$rate" "$ratio" "$mb" "$duck" "$checked" "$met"
    done
}
