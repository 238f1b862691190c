#!/usr/bin/env bash
# `make i18n`: export each addon's terms to i18n/<addon>.pot with Odoo, then merge
# them into i18n/fr.po (new terms arrive untranslated: `make lint` lists them).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

DB=${BHIMA_I18N_DB:-bhima_i18n}
ensure_odoo
ensure_postgres
addons=$(cd "$REPO" && ls -d */__manifest__.py | xargs -n1 dirname | paste -sd, -)
dropdb --if-exists "$DB"
odoo_cmd "$DB" -i "$addons" --stop-after-init --max-cron-threads=0 --log-level=warn
for addon in ${addons//,/ }; do
    mkdir -p "$REPO/$addon/i18n"
    "$PY" -m odoo --addons-path="$REPO" i18n export -d "$DB" -l pot -o "$REPO/$addon/i18n/$addon.pot" "$addon"
    "$PY" - "$REPO/$addon/i18n" "$addon" <<'PY'
import sys
from pathlib import Path

import polib

folder, addon = Path(sys.argv[1]), sys.argv[2]
pot = polib.pofile(str(folder / f"{addon}.pot"))
po_path = folder / "fr.po"
po = polib.pofile(str(po_path)) if po_path.exists() else polib.POFile()
po.metadata = {**pot.metadata, "Language": "fr", "Plural-Forms": "nplurals=2; plural=(n > 1);"}
po.merge(pot)
for entry in po:
    entry.flags = [f for f in entry.flags if f != "fuzzy"]
po[:] = [entry for entry in po if not entry.obsolete]
po.save(str(po_path))
print(f"{po_path}: {len(po)} terms, {len(po.untranslated_entries())} untranslated")
PY
done
dropdb --if-exists "$DB"
