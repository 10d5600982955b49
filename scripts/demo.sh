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
# The store keeps a folder of its own: SQLite connections may not point into it.
export SQLPIPE_STORE="$work/store/sqlpipe.db"
printf '==> a fresh store in %s\n' "$work" >&2

# Data to move: a SQLite database made with sqlite3, with the values that trip naive tools.
sqlite3 "$work/shop.db" <<'SQL'
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT, amount DECIMAL(12,2), paid BOOLEAN,
                     placed_at DATETIME, note TEXT, receipt BLOB);
INSERT INTO orders (customer, amount, paid, placed_at, note, receipt) VALUES
  ('Ada', '12.50', 1, '2024-03-31 01:30:00', 'tab	here', X'00FF10'),
  ('Grace 😀', '99999999.99', 0, '2024-10-27T02:15:00Z', '', NULL),
  ('Linus', NULL, NULL, '1899-12-31 23:59:59', 'quote '' and back\slash', X'');
SQL

set -x
"$sqlpipe" connection create --name shop --url "sqlite://$work/shop.db"
"$sqlpipe" connection create --name warehouse --url "sqlite://$work/warehouse.db"
"$sqlpipe" connection list
"$sqlpipe" transfer create --source shop --target warehouse \
  --query 'SELECT id, customer, amount, paid, placed_at, note, receipt FROM orders' \
  --target-table 'Orders 2024' --overwrite
"$sqlpipe" transfer list
set +x
printf '\n==> the target table, read back with sqlite3:\n' >&2
sqlite3 -header "$work/warehouse.db" '.schema "Orders 2024"' 'SELECT id, customer, amount, paid, placed_at, hex(receipt) FROM "Orders 2024" ORDER BY id'
