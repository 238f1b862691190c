#!/usr/bin/env bash
# `make run`: PostgreSQL up, a database with bhima_stock and its demo data, Odoo on 127.0.0.1:8069.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

DB=${BHIMA_DB:-bhima_demo}
PORT=${BHIMA_PORT:-8069}
ensure_odoo
ensure_postgres
if psql -d "$DB" -tAc "SELECT 1 FROM ir_module_module WHERE name = 'bhima_stock' AND state = 'installed'" 2>/dev/null | grep -q 1; then
    log "Updating bhima_stock on database $DB"
    odoo_cmd "$DB" -u bhima_stock --stop-after-init --max-cron-threads=0 --log-level=warn
else
    log "Creating database $DB with bhima_stock and its demo data"
    odoo_cmd "$DB" -i bhima_stock --with-demo --stop-after-init --max-cron-threads=0 --log-level=warn
fi
cat <<MSG

Odoo with bhima_stock is starting on http://127.0.0.1:$PORT/odoo/action-bhima_stock.product_template_action_bhima_register
Login: admin   Password: admin   (database: $DB; stop with Ctrl-C)

MSG
exec "$PY" -m odoo --addons-path="$REPO" -d "$DB" --db-filter="^$DB\$" \
    --http-interface=127.0.0.1 --http-port="$PORT"
