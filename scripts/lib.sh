#!/usr/bin/env bash
# Helpers shared by scripts/*.sh: system packages, PostgreSQL, Odoo discovery.
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

# ensure_odoo: Odoo 19 importable by $PY, or explain what to do.
ensure_odoo() {
    local version
    if ! version=$("$PY" -c "import odoo.release as r; print(r.version)" 2>/dev/null); then
        cat >&2 <<MSG
ERROR: Odoo cannot be imported by '$PY' ($(command -v "$PY" || echo "not found")).
The Odoo test suite needs Odoo 19.0 Community installed into this Python:
  1. get its source (https://github.com/odoo/odoo, branch 19.0) outside this repository,
     for example in /opt/odoo19;
  2. install its requirements: pip install -r /opt/odoo19/requirements.txt
     (on Python 3.11 use cbor2==5.6.2 instead of 5.4.2, and add lxml_html_clean);
  3. make it importable: echo /opt/odoo19 > \$($PY -c 'import site; print(site.getsitepackages()[0])')/odoo19.pth
Then check with: $PY -c "import odoo"
MSG
        return 1
    fi
    case "$version" in
        19.*) ;;
        *) echo "ERROR: Odoo $version found; bhima_stock needs Odoo 19.0." >&2; return 1 ;;
    esac
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
