#!/usr/bin/env bash
# Measures the metadata store under many small transfers: --transfers N (default 200) SQLite files of
# --rows R rows each (default 10,000) are queued at once into PostgreSQL tables, then run by 1, 2 and 3
# `sqlpipe serve` processes on one PostgreSQL store, and by 1 on a SQLite store. See docs/benchmarks.md.
#
#   scripts/bench-store.sh [--transfers N] [--rows R] [--servers 1,2,3] [--concurrency C] [--out FILE]
#
# For each run: the total time (first start to last finish, from the store's own timestamps), the
# claim latency (from a worker slot freeing up to the next transfer starting in it: median and p95), and
# for one server the store's own cost per transfer: (total on PostgreSQL - total on SQLite) / N.
# Uses the servers of SQLPIPE_TEST_POSTGRES_URL, else starts throwaway ones (scripts/lib/databases.sh).
# SQLPIPE_BENCH_BIN names the binary; else the release build is used (built when missing).
# A Markdown table goes to stdout (and --out FILE); progress to stderr.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
transfers=200
rows=10000
server_counts=1,2,3
concurrency=4
out_file=""
while [[ $# -gt 0 ]]; do
    case "$1" in
    --transfers) transfers=$2; shift 2 ;;
    --rows) rows=$2; shift 2 ;;
    --servers) server_counts=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --out) out_file=$2; shift 2 ;;
    -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-store.sh: unknown option $1 (see --help)" >&2; exit 64 ;;
    esac
done

say() { echo "bench-store: $*" >&2; }

# shellcheck source=scripts/lib/databases.sh
source "$repo_root/scripts/lib/databases.sh"
work=$(mktemp -d /tmp/sqlpipe-bench-store.XXXXXX)
server_pids=()
stop_servers() {
    for pid in "${server_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${server_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    server_pids=()
}
cleanup() {
    stop_servers
    rm -rf "$work"
    sqlpipe_stop_databases || true
}
trap cleanup EXIT

if [[ -z ${SQLPIPE_TEST_POSTGRES_URL:-} ]]; then
    sqlpipe_install_packages
    sqlpipe_start_databases
fi
if [[ -n ${SQLPIPE_BENCH_BIN:-} ]]; then
    bin=$SQLPIPE_BENCH_BIN
else
    say "building sqlpipe (release)"
    (cd "$repo_root" && swift build -c release --product sqlpipe >&2)
    bin="$(cd "$repo_root" && swift build -c release --show-bin-path)/sqlpipe"
fi

pg_url=$SQLPIPE_TEST_POSTGRES_URL
pg_password=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.unquote(urllib.parse.urlsplit(sys.argv[1]).password or ""))' "$pg_url")
pg_plain=$(python3 -c '
import sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
print(urllib.parse.urlunsplit((u.scheme, f"{u.username}@{u.hostname}:{u.port}", u.path, u.query, "")))' "$pg_url")
export PGPASSWORD=$pg_password SQLPIPE_SECRET_KEY
SQLPIPE_SECRET_KEY=$(head -c 32 /dev/urandom | base64)

say "making $transfers SQLite files of $rows rows"
python3 - "$work/sources" "$transfers" "$rows" <<'EOF'
import os, sqlite3, sys
folder, count, rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(folder)
for i in range(1, count + 1):
    db = sqlite3.connect(os.path.join(folder, f"s{i}.db"))
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, amount REAL, at TEXT)")
    db.executemany("INSERT INTO t VALUES (?, ?, ?, ?)",
                   ((n, f"row {n} of {i}", n * 1.5, "2026-12-01 10:00:00") for n in range(1, rows + 1)))
    db.commit()
    db.close()
EOF

drop_targets() {
    PGOPTIONS=--client-min-messages=warning psql "$pg_plain" -qAt -v ON_ERROR_STOP=1 -c "
        DO \$\$ DECLARE t text; BEGIN
          FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'bench_store_%'
          LOOP EXECUTE format('DROP TABLE %I', t); END LOOP; END \$\$;" >/dev/null
}

# prepare STORE: a store with an admin, a connection per source file and the PostgreSQL target, and
# $transfers queued transfers (queued with --detach while no server runs).
prepare() {
    local store=$1
    export SQLPIPE_STORE=$store
    "$bin" user create --username bench --admin --password-env SQLPIPE_SECRET_KEY --quiet
    "$bin" connection create --name pg --url "$pg_plain" --password-env PGPASSWORD --quiet
    local i
    for ((i = 1; i <= transfers; i++)); do
        "$bin" connection create --name "s$i" --url "sqlite://$work/sources/s$i.db" --skip-test --quiet
        "$bin" transfer create --source "s$i" --target pg --query "SELECT * FROM t" \
            --target-table "bench_store_$i" --mode overwrite --detach --quiet
    done
}

# measure STORE SERVERS: starts SERVERS serve processes on STORE, waits for every transfer to end, and
# prints "total_s median_ms p95_ms complete".
measure() {
    local store=$1 servers=$2 i
    export SQLPIPE_STORE=$store
    for ((i = 0; i < servers; i++)); do
        "$bin" serve --port 0 --max-concurrency "$concurrency" --log-format json 2>"$work/serve-$servers-$i.log" &
        server_pids+=($!)
    done
    local deadline=$((SECONDS + 900)) left
    while ((SECONDS < deadline)); do
        left=$(count_open)
        [[ $left == 0 ]] && break
        sleep 0.5
    done
    stop_servers
    timings "$store" "$servers"
}

# dump_transfers: every transfer of $SQLPIPE_STORE, one JSON object a line, into $work/transfers.jsonl.
dump_transfers() {
    local page=1 count
    : >"$work/transfers.jsonl"
    while :; do
        count=$("$bin" transfer list --json --page-size 100 --page "$page" |
            python3 -c 'import json, sys
items = json.load(sys.stdin)["transfers"]
with open(sys.argv[1], "a") as out:
    for t in items: out.write(json.dumps(t) + "\n")
print(len(items))' "$work/transfers.jsonl")
        ((count < 100)) && break
        page=$((page + 1))
    done
}

# count_open: transfers of $SQLPIPE_STORE still queued or running.
count_open() {
    dump_transfers
    python3 -c 'import json, sys
print(sum(1 for line in open(sys.argv[1]) if json.loads(line)["status"] in ("queued", "running")))' \
        "$work/transfers.jsonl"
}

# timings STORE SERVERS: the figures of one run, from the transfers' startedAt and stoppedAt.
timings() {
    dump_transfers
    python3 - "$work/transfers.jsonl" "$(($2 * concurrency))" <<'EOF'
import json, sys
from datetime import datetime
def at(text): return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
transfers = [json.loads(line) for line in open(sys.argv[1])]
slots = int(sys.argv[2])
done = [t for t in transfers if t["status"] == "complete"]
events = sorted([(at(t["startedAt"]), 1) for t in transfers if t["startedAt"]]
                + [(at(t["stoppedAt"]), 0) for t in transfers if t["stoppedAt"]])
starts = sorted(e[0] for e in events if e[1] == 1)
total = max(at(t["stoppedAt"]) for t in transfers) - min(starts)
# A start after the first `slots` takes the slot the earliest unclaimed finish freed.
free, latencies, started = [], [], 0
for time, kind in events:
    if kind == 0:
        free.append(time)
    else:
        started += 1
        if started > slots and free:
            latencies.append((time - free.pop(0)) * 1000)
latencies.sort()
pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else float("nan")
print(f"{total:.2f} {pick(0.5):.0f} {pick(0.95):.0f} {len(done)}")
EOF
}

results=()
run() { # run LABEL STORE SERVERS
    drop_targets
    say "$1: preparing"
    prepare "$2"
    say "$1: running $transfers transfers with $3 server(s)"
    local figures
    figures=$(measure "$2" "$3")
    results+=("$1 $3 $figures")
    say "$1 with $3 server(s): $figures (total s, claim median ms, claim p95 ms, complete)"
}

mkdir -p "$work/store"
run sqlite "$work/store/store.db" 1
IFS=, read -r -a counts <<<"$server_counts"
for servers in "${counts[@]}"; do
    run postgresql "$pg_plain?schema=bench_store_$servers" "$servers"
    PGOPTIONS=--client-min-messages=warning psql "$pg_plain" -qc "DROP SCHEMA bench_store_$servers CASCADE" >/dev/null
done
drop_targets

{
    echo "| store | serve processes | transfers | total (s) | transfers/s | claim median (ms) | claim p95 (ms) | complete |"
    echo "|---|---|---|---|---|---|---|---|"
    sqlite_total=""
    pg_one=""
    for line in "${results[@]}"; do
        read -r store servers total median p95 complete <<<"$line"
        [[ $store == sqlite ]] && sqlite_total=$total
        [[ $store == postgresql && $servers == 1 ]] && pg_one=$total
        rate=$(python3 -c "print(f'{$transfers / $total:.1f}')")
        echo "| $store | $servers | $transfers | $total | $rate | $median | $p95 | $complete |"
    done
    if [[ -n $sqlite_total && -n $pg_one ]]; then
        overhead=$(python3 -c "print(f'{($pg_one - $sqlite_total) * 1000 / $transfers:.1f}')")
        echo
        echo "The PostgreSQL store's own cost with one server: $overhead ms per transfer over the SQLite store."
    fi
} | tee ${out_file:+"$out_file"}
