#!/usr/bin/env bash
# The project's test command (`make test`, called by .ci/run):
#   lint -> install script checks -> Odoo importable (installed if missing)
#   -> install with demo + upgrade (no WARNING/ERROR allowed)
#   -> install on a fresh database and run every test (TransactionCase, HttpCase,
#      Chromium tours) -> glue addons on their own database -> "N passed, M failed".
set -uo pipefail
. "$(dirname "$0")/lib.sh"

passed=0
failed=0
summary=()
check() {  # check NAME STATUS [detail]
    if [ "$2" -eq 0 ]; then
        passed=$((passed + 1)); summary+=("ok      $1${3:+ ($3)}")
    else
        failed=$((failed + 1)); summary+=("FAILED  $1${3:+ ($3)}")
    fi
}
finish() {
    log "Summary"
    printf '%s\n' "${summary[@]}"
    echo
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit $?
}

# 1. Lint: needs no Odoo, so it always runs.
"$REPO/scripts/lint.sh"
check "lint (ruff, pylint-odoo, po files)" $?

# 2. The Odoo install script's own checks (dry runs and real runs on a fake source; no network).
log "Checks of scripts/install_odoo.sh"
install_checks=$(bash "$REPO/scripts/test_install_odoo.sh" 2>&1)
install_rc=$?
printf '%s\n' "$install_checks" | grep -v '^ok '
read -r ok ko < <(printf '%s\n' "$install_checks" | sed -nE 's/^([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' | tail -1)
if [ -z "${ok:-}" ]; then
    check "install script checks (scripts/test_install_odoo.sh)" 1 "no summary, exit $install_rc"
else
    passed=$((passed + ok))
    failed=$((failed + ko))
    summary+=("tests   scripts/install_odoo.sh: $ok passed, $ko failed")
    [ "$install_rc" -ne 0 ] && [ "$ko" -eq 0 ] && check "install script checks exit status" 1 "exit $install_rc"
fi

# 3. Odoo must be importable, installed if missing (scripts/install_odoo.sh): when it cannot be,
#    fail at once with what to do, never skip the suite.
if ! ensure_odoo; then
    check "Odoo 19 importable by $PY" 1
    finish
fi
check "Odoo 19 importable by $PY" 0 "$ODOO_FOUND"

# 4. System packages (Chromium for the tours, wkhtmltopdf for PDF reports), pinned test
#    packages, PostgreSQL.
apt_ensure chromium:chromium
ensure_wkhtmltopdf
"$PY" -m pip install -q --disable-pip-version-check -r "$REPO/requirements-test.txt" >/dev/null 2>&1 \
    || "$PY" -m pip install -q --disable-pip-version-check --break-system-packages -r "$REPO/requirements-test.txt"
ensure_postgres || { check "PostgreSQL running" 1; finish; }

LOGS="$CACHE/test-logs"
mkdir -p "$LOGS"
PREFIX="bhima_test_$$"
cleanup() {
    local db
    for db in $(psql -d postgres -tAc "SELECT datname FROM pg_database WHERE datname LIKE '${PREFIX}%'"); do
        dropdb --if-exists "$db" >/dev/null 2>&1
    done
}
trap cleanup EXIT
PORT=${BHIMA_TEST_PORT:-8169}

# run_odoo NAME DB args...: run Odoo with a time limit, log to $LOGS/NAME.log
run_odoo() {
    local name=$1 db=$2
    shift 2
    timeout --kill-after=30 "${BHIMA_TEST_TIMEOUT:-1500}" \
        "$PY" -m odoo --addons-path="$REPO" -d "$db" --http-interface=127.0.0.1 \
        --http-port="$PORT" --max-cron-threads=0 --stop-after-init "$@" >"$LOGS/$name.log" 2>&1
}

# install_check NAME LOG RC: an install or upgrade must succeed without WARNING/ERROR.
install_check() {
    local problems
    problems=$(log_problems "$2" | wc -l)
    if [ "$3" -ne 0 ] || [ "$problems" -ne 0 ]; then
        log_problems "$2" | head -20
        check "$1" 1 "exit $3, $problems WARNING/ERROR lines, see $2"
    else
        check "$1" 0 "0 WARNING/ERROR lines"
    fi
}

# run_tests NAME DB MODULES TAGS: install MODULES on a fresh DB and run the tests.
run_tests() {
    local name=$1 db=$2 modules=$3 tags=$4 rc log tests fails errors skips install_part
    log "Installing $modules on $db and running the tests $tags"
    run_odoo "$name" "$db" -i "$modules" --test-enable --test-tags "$tags"
    rc=$?
    log="$LOGS/$name.log"
    # the install itself (before the first test starts) must be clean
    install_part=$(sed '/odoo.service.server: Starting post tests/q' "$log")
    install_check "install of $modules without demo data" <(printf '%s\n' "$install_part") "$rc"
    grep -E " (ERROR|CRITICAL) .*(FAIL|ERROR):" "$log" | head -40
    read -r fails errors tests < <(sed -nE "s/.* ([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests when loading database.*/\1 \2 \3/p" "$log" | tail -1)
    skips=$(grep -cE "odoo\.tests\.result: skipped|INFO .* skipped .* : " "$log")
    if [ -z "${tests:-}" ]; then
        tail -30 "$log"
        check "tests of $modules" 1 "no test report (exit $rc), see $log"
        return
    fi
    if [ "$tests" -eq 0 ]; then
        check "tests of $modules" 1 "no test ran"
        return
    fi
    passed=$((passed + tests - fails - errors - skips))
    failed=$((failed + fails + errors + skips))
    summary+=("tests   $modules: $((tests - fails - errors - skips)) passed, $fails failed, $errors errors, $skips skipped (skips count as failures)")
    if [ "$rc" -ne 0 ] && [ $((fails + errors)) -eq 0 ]; then
        check "Odoo exit status for $modules" 1 "exit $rc, see $log"
    fi
}

# 5. Install with demo data, then upgrade: no WARNING, no ERROR.
log "Installing bhima_stock with demo data, then upgrading it"
run_odoo install_demo "${PREFIX}_demo" -i bhima_stock --with-demo
install_check "install of bhima_stock with demo data" "$LOGS/install_demo.log" $?
run_odoo upgrade_demo "${PREFIX}_demo" -u bhima_stock
install_check "upgrade (-u bhima_stock)" "$LOGS/upgrade_demo.log" $?

# 6. The addon alone on a fresh database: every test.
run_tests bhima_stock "${PREFIX}_main" bhima_stock /bhima_stock

# 7. Glue addons (sale_stock, purchase_stock, point_of_sale) on their own database.
glue=$(cd "$REPO" && ls -d bhima_stock_*/__manifest__.py 2>/dev/null | xargs -rn1 dirname | paste -sd, -)
if [ -n "$glue" ]; then
    run_tests glue "${PREFIX}_glue" "$glue" "$(echo "$glue" | sed 's/[^,]*/\/&/g')"
fi

finish
