#!/usr/bin/env bash
# Lint the addons with the pinned ruff and pylint-odoo (requirements-lint.txt).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

venv="$CACHE/lint-venv"
if [ ! -x "$venv/bin/pylint" ] || ! cmp -s "$REPO/requirements-lint.txt" "$venv/requirements-lint.txt"; then
    log "Installing the pinned lint tools into $venv"
    "$PY" -m venv "$venv" && "$venv/bin/pip" install -q -r "$REPO/requirements-lint.txt" >"$CACHE/lint-install.log" 2>&1 \
        && cp "$REPO/requirements-lint.txt" "$venv/requirements-lint.txt" \
        || { echo "ERROR: cannot install the lint tools" >&2; exit 1; }
fi
addons=$(cd "$REPO" && ls -d */__manifest__.py | xargs -n1 dirname | tr '\n' ' ')
status=0
cd "$REPO" || exit 1
log "ruff check ($("$venv/bin/ruff" --version))"
"$venv/bin/ruff" check $addons bench scripts || status=1
log "ruff format --check"
"$venv/bin/ruff" format --check $addons bench scripts || status=1
log "pylint-odoo mandatory checks ($("$venv/bin/pip" show pylint-odoo 2>/dev/null | awk '/^Version/ {print $2}'))"
"$venv/bin/pylint" --rcfile=.pylintrc $addons || status=1
log "fr.po files parse and cover every source term"
"$venv/bin/python" "$REPO/scripts/check_po.py" $addons || status=1
if [ $status -eq 0 ]; then echo "lint: OK"; else echo "lint: FAILED"; fi
exit $status
