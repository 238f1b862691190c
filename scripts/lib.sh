#!/usr/bin/env bash
# Helpers shared by scripts/*.sh: system packages, PostgreSQL, Odoo discovery and install.
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${BHIMA_CACHE:-$REPO/.cache}
PY=${PYTHON:-python3}
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

log() { printf '\n== %s\n' "$*"; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }

# apt_ensure "command:package" ...: install the Debian packages whose command is missing.
apt_ensure() {
    local missing=() spec
    for spec in "$@"; do
        command -v "${spec%%:*}" >/dev/null 2>&1 || missing+=("${spec#*:}")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "Installing Debian packages: ${missing[*]}"
    $SUDO apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
}

# ensure_postgres: PostgreSQL installed, running, and a superuser role for this user.
ensure_postgres() {
    apt_ensure pg_ctlcluster:postgresql psql:postgresql-client
    if ! pg_isready -q 2>/dev/null; then
        local cluster
        for cluster in $(pg_lsclusters -h | awk '{print $1 "/" $2}'); do
            $SUDO pg_ctlcluster "${cluster%/*}" "${cluster#*/}" start >/dev/null 2>&1 || true
        done
        local i
        for i in $(seq 30); do pg_isready -q && break; sleep 1; done
        pg_isready -q || { echo "ERROR: PostgreSQL does not start (pg_lsclusters, pg_ctlcluster)." >&2; return 1; }
    fi
    local me
    me=$(id -un)
    if ! psql -d postgres -tAc "select 1" >/dev/null 2>&1; then
        log "Creating the PostgreSQL superuser role '$me'"
        if [ "$(id -u)" -eq 0 ]; then
            su postgres -c "createuser --superuser '$me'"
        else
            sudo -u postgres createuser --superuser "$me"
        fi
    fi
}

# ensure_wkhtmltopdf: Debian's wkhtmltopdf, with which Odoo prints its reports as PDF (without it
# the web client shows them as HTML). Sets PDF_NOTE: what Odoo finds.
ensure_wkhtmltopdf() {
    local version
    if ! apt_ensure wkhtmltopdf:wkhtmltopdf || ! version=$(wkhtmltopdf --version 2>/dev/null); then
        PDF_NOTE="wkhtmltopdf is missing: Odoo shows reports as HTML (apt-get install wkhtmltopdf)"
        warn "$PDF_NOTE"
        return 0
    fi
    case "$version" in
        *"patched qt"*) PDF_NOTE="PDF reports: $version" ;;
        *) PDF_NOTE="PDF reports: $version (Qt not patched: no report header/footer, one document per print)" ;;
    esac
}

# ensure_odoo: Odoo 19 importable by $PY; when it is not, install Odoo 19.0 Community
# (scripts/install_odoo.sh: from ODOO_SRC, or a shallow clone of Odoo's 19.0, into
# ${BHIMA_ODOO_HOME:-~/.cache/bhima_stock/odoo-19.0}). Sets ODOO_FOUND ("19.0 from <path>").
ensure_odoo() {
    local found version where commit
    if ! found=$(odoo_found); then
        if ! bash "$REPO/scripts/install_odoo.sh" || ! found=$(odoo_found); then
            cat >&2 <<MSG

ERROR: Odoo 19.0 cannot be imported by '$PY' ($(command -v "$PY" || echo "not found")) and could
not be installed (see above). Either:
  - give a local Odoo 19.0 source: ODOO_SRC=/path/to/odoo make ...  (a checkout of the 19.0
    branch, or a git directory holding it); or
  - let scripts/install_odoo.sh reach https://github.com/odoo/odoo (it clones 19.0 into
    \${BHIMA_ODOO_HOME:-\$HOME/.cache/bhima_stock/odoo-19.0}); or
  - use an existing Odoo 19.0: make it importable by $PY, or set PYTHON to the Python that
    has it (README.md, "Install").
Check with: scripts/install_odoo.sh --dry-run
MSG
            return 1
        fi
    fi
    version=${found%% *}
    where=${found#* }
    case "$version" in
        19.*) ;;
        *) echo "ERROR: Odoo $version found in $where; bhima_stock needs Odoo 19.0." >&2; return 1 ;;
    esac
    # installed by scripts/install_odoo.sh: its commit, or the fingerprint of a tree without git
    commit=$(sed -n -e 's/^odoo_commit=\([0-9a-f]\{7,\}\)$/commit \1/p' \
        -e 's/^odoo_tree_sha256=\(.\{12\}\).*/files sha256 \1.../p' "$(dirname "$where")/versions.txt" 2>/dev/null || true)
    ODOO_FOUND="$version from $where${commit:+, $commit}"
}

# odoo_found: "<version> <source directory>" of the Odoo importable by $PY, or fails.
odoo_found() {
    "$PY" -c 'import os, odoo.release as r; print(r.version, os.path.dirname(os.path.dirname(os.path.abspath(r.__file__))))' 2>/dev/null
}

# odoo_cmd DB args...: run Odoo on DB with this repository's addons.
odoo_cmd() {
    local db=$1
    shift
    "$PY" -m odoo --addons-path="$REPO" -d "$db" --http-interface=127.0.0.1 "$@"
}

# log_problems FILE: Odoo log lines at WARNING level or above.
log_problems() {
    grep -E '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) ' "$1" || true
}
