#!/usr/bin/env bash
# `make run`: Odoo 19 (installed when missing), PostgreSQL and wkhtmltopdf; a database with
# bhima_stock and its demo hospital (without Odoo's own demo data), in English and French;
# then Odoo on 127.0.0.1:8069.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

DB=${BHIMA_DB:-bhima_demo}
PORT=${BHIMA_PORT:-8069}
ensure_odoo
log "Odoo $ODOO_FOUND"
ensure_postgres
ensure_wkhtmltopdf
sql() { psql -d "$DB" -tAc "$1" 2>/dev/null || true; }

if [ "$(sql "SELECT 1 FROM ir_module_module WHERE name = 'bhima_stock' AND state = 'installed'")" = 1 ]; then
    log "Updating bhima_stock on database $DB"
    odoo_cmd "$DB" -u bhima_stock --stop-after-init --max-cron-threads=0 --log-level=warn
else
    log "Creating database $DB with bhima_stock, in English and French, without Odoo's demo data"
    odoo_cmd "$DB" -i bhima_stock --load-language=en_US,fr_FR --stop-after-init --max-cron-threads=0 --log-level=warn
fi
if [ "$(sql "SELECT 1 FROM ir_model_data WHERE module = 'bhima_stock' AND name = 'user_pharmacist_demo'")" != 1 ]; then
    log "Loading bhima_stock's demo hospital (scripts/demo_setup.py)"
    "$PY" -m odoo shell --addons-path="$REPO" -d "$DB" --http-interface=127.0.0.1 --log-level=warn \
        <"$REPO/scripts/demo_setup.py"
elif [ "$(sql "SELECT demo FROM ir_module_module WHERE name = 'stock'")" = t ]; then
    warn "database $DB also holds Odoo's own demo data (made by an older 'make run');" \
        "for the hospital alone: dropdb $DB && make run"
fi
cat <<MSG

Odoo with bhima_stock is starting on http://127.0.0.1:$PORT/odoo/action-bhima_stock.product_template_action_bhima_register
Database $DB. Logins: admin / admin (English); pharmacist / pharmacist and nurse / nurse
(French, the managers of the demo depots).
$PDF_NOTE
Stop with Ctrl-C.

MSG
exec "$PY" -m odoo --addons-path="$REPO" -d "$DB" --db-filter="^$DB\$" \
    --http-interface=127.0.0.1 --http-port="$PORT"
