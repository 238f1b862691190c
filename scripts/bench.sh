#!/usr/bin/env bash
# `make bench`: build realistic volumes on a bench database and print the ratios
# of bhima_stock's operations against Odoo's native ones (bench/*.py).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

DB=${BHIMA_BENCH_DB:-bhima_bench}
ensure_odoo || exit 1
ensure_postgres || exit 1
# bhima_stock_pos (with point_of_sale) for bench_pos_sync.py
modules=${BHIMA_BENCH_MODULES:-bhima_stock,bhima_stock_pos}
if ! psql -d "$DB" -tAc "SELECT 1 FROM ir_module_module WHERE name = 'bhima_stock' AND state = 'installed'" 2>/dev/null | grep -q 1; then
    log "Creating the bench database $DB"
    odoo_cmd "$DB" -i "$modules" --stop-after-init --max-cron-threads=0 --log-level=warn || exit 1
else
    missing=""
    for module in ${modules//,/ }; do
        psql -d "$DB" -tAc "SELECT 1 FROM ir_module_module WHERE name = '$module' AND state = 'installed'" | grep -q 1 \
            || missing="${missing:+$missing,}$module"
    done
    if [ -n "$missing" ]; then
        odoo_cmd "$DB" -i "$missing" --stop-after-init --max-cron-threads=0 --log-level=warn || exit 1
    fi
    odoo_cmd "$DB" -u bhima_stock --stop-after-init --max-cron-threads=0 --log-level=warn || exit 1
fi
status=0
for script in "${@:-$REPO/bench/bench_*.py}"; do
    for file in $script; do
        file=$(realpath "$file")
        log "$(basename "$file")"
        (cd "$REPO/bench" && "$PY" "$file" -d "$DB") || status=1
    done
done
exit $status
