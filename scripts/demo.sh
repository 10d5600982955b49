#!/usr/bin/env bash
# The README's first command: builds sqlpipe and runs its main job on the embedded default, SQLite,
# on a fresh store and data it makes itself. Nothing outside a temporary folder is touched.
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib/databases.sh
source "$repo_root/scripts/lib/databases.sh"
cd "$repo_root"

sqlpipe_install_packages build
printf '==> swift build --product sqlpipe\n' >&2
swift build --product sqlpipe >&2
sqlpipe="$(swift build --show-bin-path)/sqlpipe"

work=$(mktemp -d /tmp/sqlpipe-demo.XXXXXX)
export SQLPIPE_STORE="$work/sqlpipe.db"
printf '==> a fresh store in %s\n' "$work" >&2

# Data to move: a small SQLite database made with sqlite3.
sqlite3 "$work/source.db" <<'SQL'
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT, amount NUMERIC, placed_at TEXT);
INSERT INTO orders (customer, amount, placed_at) VALUES
  ('Ada', 12.50, '2024-03-31 01:30:00'), ('Grace', 99.99, '2024-10-27 02:15:00'), ('Linus', NULL, '1899-12-31 23:59:59');
SQL

set -x
"$sqlpipe" connection create --name source --url "sqlite://$work/source.db"
"$sqlpipe" connection create --name target --url "sqlite://$work/target.db"
"$sqlpipe" connection test source
"$sqlpipe" connection list
"$sqlpipe" connection show target --json
