#!/usr/bin/env bash
# Load-tests the REST API of `sqlpipe serve` with wrk, authenticated, on a store holding 10,000
# transfers: GET /api/v1/transfers/{id} and GET /api/v1/transfers?page_size=20. See docs/benchmarks.md.
#
#   scripts/bench-api.sh [--transfers N] [--duration SECONDS] [--connections N] [--threads N] [--no-nginx]
#                        [--out FILE]
#
# Builds sqlpipe in release mode (SQLPIPE_BENCH_SCRATCH sets the --scratch-path) unless
# SQLPIPE_BENCH_BIN=/path/to/sqlpipe names a binary. Installs wrk and sqlite3 with apt-get when missing.
# Everything happens in a temporary folder and on 127.0.0.1; the server is stopped at exit.
# Then nginx (one worker, access log on, installed with apt-get when missing; --no-nginx leaves it out)
# serves the same two answers from files under the same wrk load: the machine's ceiling for such a reply.
# A Markdown table of requests/s and latency percentiles goes to stdout (and --out FILE); progress to stderr.
# Exit status: 0 when every request answered 200 without socket errors, 1 otherwise.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
transfers=10000
duration=10
connections=32
threads=2
out_file=""
use_nginx=1

while [[ $# -gt 0 ]]; do
    case "$1" in
    --transfers) transfers=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --out) out_file=$2; shift 2 ;;
    --no-nginx) use_nginx=0; shift ;;
    -h | --help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-api.sh: unknown option $1 (see --help)" >&2; exit 64 ;;
    esac
done

say() { echo "bench-api: $*" >&2; }

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v sqlite3 >/dev/null || missing+=(sqlite3)
command -v curl >/dev/null || missing+=(curl)
if [[ $use_nginx == 1 ]] && ! command -v nginx >/dev/null && [[ ! -x /usr/sbin/nginx ]]; then missing+=(nginx); fi
if [[ ${#missing[@]} -gt 0 ]]; then
    say "installing ${missing[*]}"
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
fi

if [[ -n "${SQLPIPE_BENCH_BIN:-}" ]]; then
    bin=$SQLPIPE_BENCH_BIN
else
    scratch=(--scratch-path "${SQLPIPE_BENCH_SCRATCH:-$repo_root/.build-release}")
    say "building sqlpipe (release)"
    (cd "$repo_root" && swift build -c release --product sqlpipe "${scratch[@]}" >&2)
    bin="$(cd "$repo_root" && swift build -c release "${scratch[@]}" --show-bin-path)/sqlpipe"
fi

work=$(mktemp -d /tmp/sqlpipe-bench-api.XXXXXX)
server_pid=""
nginx_pid=""
cleanup() {
    local pid
    for pid in "$server_pid" "$nginx_pid"; do
        if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    rm -rf "$work"
}
trap cleanup EXIT

# The store keeps a folder of its own: SQLite connections may not point into it.
export SQLPIPE_STORE=$work/store/store.db
user=bench_admin
password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
export SQLPIPE_BENCH_PASSWORD=$password

say "store with $transfers transfers in $work"
"$bin" user create --username "$user" --admin --password-env SQLPIPE_BENCH_PASSWORD >/dev/null
"$bin" connection create --name source --url "sqlite://$work/source.db" >/dev/null
"$bin" connection create --name target --url "sqlite://$work/target.db" >/dev/null
sqlite3 "$SQLPIPE_STORE" >/dev/null <<SQL
PRAGMA busy_timeout = 15000;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $transfers)
INSERT INTO transfers (created_at, created_by, source_id, target_id, query, target_schema, target_table, overwrite,
    status, error, warnings, rows_transferred, started_at, stopped_at, cancel_requested)
SELECT strftime('%Y-%m-%d %H:%M:%f', 'now', printf('-%d seconds', $transfers - i)), 'bench', 1, 2,
    'SELECT id, customer, amount FROM orders WHERE batch = ' || i, '', 'orders_' || i, i % 2,
    CASE WHEN i % 10 = 0 THEN 'error' ELSE 'complete' END,
    CASE WHEN i % 10 = 0 THEN 'cannot connect: the server closed the connection' END, '[]', i * 17,
    strftime('%Y-%m-%d %H:%M:%f', 'now', printf('-%d seconds', $transfers - i)),
    strftime('%Y-%m-%d %H:%M:%f', 'now', printf('-%d seconds', $transfers - i - 1)), 0
FROM n;
SQL
count=$(sqlite3 "$SQLPIPE_STORE" "SELECT count(*) FROM transfers")
[[ "$count" == "$transfers" ]] || { say "expected $transfers transfers, found $count"; exit 1; }

free_port() { # free_port FALLBACK: a port nothing listens on
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null || echo "$1"
}
answers() { # answers URL: whether URL answers 2xx within 10 seconds
    local _
    for _ in $(seq 1 100); do
        curl -sf "$1" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    return 1
}

port=$(free_port 9317)
"$bin" serve --host 127.0.0.1 --port "$port" --log-format json 2>"$work/server.log" &
server_pid=$!
base="http://127.0.0.1:$port"
answers "$base/api/v1/healthcheck" || { say "the server did not start"; cat "$work/server.log" >&2; exit 1; }

auth="Authorization: Basic $(printf '%s:%s' "$user" "$password" | base64 -w0)"
middle=$(( (transfers + 1) / 2 ))
# One authenticated request first: the bcrypt check (cost 12) happens once, then the cache answers.
curl -sf -H "$auth" "$base/api/v1/transfers/$middle" >/dev/null

status=0
rows=()
run() { # run LABEL PATH [BASE]: BASE is another server (nginx), asked without credentials
    local label=$1 path=$2 output target=${3:-$base} header=(-H "$auth")
    [[ -n ${3:-} ]] && header=()
    say "wrk -t$threads -c$connections -d${duration}s $target$path"
    output=$(wrk -t"$threads" -c"$connections" -d"${duration}s" --latency "${header[@]}" "$target$path")
    echo "$output" >&2
    local rps p50 p99 requests errors non2xx
    rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$output")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$output")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$output")
    requests=$(awk '/requests in/ {print $1}' <<<"$output")
    errors=$(awk '/Socket errors:/ {gsub(",", ""); print $4 + $6 + $8 + $10}' <<<"$output")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $5}' <<<"$output")
    errors=${errors:-0}
    non2xx=${non2xx:-0}
    if [[ "$errors" != 0 || "$non2xx" != 0 ]]; then status=1; fi
    rows+=("| $label | \`GET $path\` | $(printf '%.0f' "$rps") | $p50 | $p99 | $requests | $((errors + non2xx)) |")
}
run sqlpipe "/api/v1/transfers/$middle"
run sqlpipe "/api/v1/transfers?page_size=20"

# The same answers as files, from nginx with one worker: what this machine serves when nothing is computed.
nginx_note=""
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
if [[ $use_nginx == 1 && -x $nginx_bin ]]; then
    # nginx's workers run as another user (www-data, when started by root): the files go where it may read.
    www=$work/nginx/www
    mkdir -p "$www/api/v1/transfers"
    chmod 755 "$work" "$work/nginx" "$www" "$www/api" "$www/api/v1" "$www/api/v1/transfers"
    curl -sf -H "$auth" "$base/api/v1/transfers/$middle" >"$www/api/v1/transfers/$middle"
    curl -sf -H "$auth" "$base/api/v1/transfers?page_size=20" >"$www/api/v1/transfers/page"
    chmod 644 "$www/api/v1/transfers/"*
    kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
    server_pid=""
    nginx_port=$(free_port 9318)
    cat >"$work/nginx/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
    access_log $work/nginx/access.log;
    client_body_temp_path $work/nginx; proxy_temp_path $work/nginx; fastcgi_temp_path $work/nginx;
    uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;
    server {
        listen 127.0.0.1:$nginx_port;
        root $www;
        default_type application/json;
        location = /api/v1/transfers { try_files /api/v1/transfers/page =404; }
    }
}
NGINX
    "$nginx_bin" -c "$work/nginx/nginx.conf" -p "$work/nginx" 2>"$work/nginx/start.log" &
    nginx_pid=$!
    nginx_base="http://127.0.0.1:$nginx_port"
    if answers "$nginx_base/api/v1/transfers/$middle" && answers "$nginx_base/api/v1/transfers?page_size=20"; then
        run "nginx (files)" "/api/v1/transfers/$middle" "$nginx_base"
        run "nginx (files)" "/api/v1/transfers?page_size=20" "$nginx_base"
        nginx_note=" nginx: $("$nginx_bin" -v 2>&1 | sed 's/^nginx version: //'), one worker, access log on, the same two answers from files."
    else
        say "nginx did not start: $(cat "$work/nginx/start.log" "$work/nginx/error.log" 2>/dev/null | tail -n 3)"
    fi
fi

cores=$(nproc)
table=$(
    echo "| Server | Request | Requests/s | p50 | p99 | Requests | Errors |"
    echo "|---|---|---:|---:|---:|---:|---:|"
    printf '%s\n' "${rows[@]}"
    echo
    echo "wrk -t$threads -c$connections -d${duration}s, HTTP Basic Auth, $transfers transfers in the store, release build, $cores cores, $(date -u +%Y-%m-%d).$nginx_note"
)
echo "$table"
if [[ -n "$out_file" ]]; then echo "$table" >"$out_file"; fi
exit $status
