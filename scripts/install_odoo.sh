#!/usr/bin/env bash
# Install Odoo 19.0 Community for this project when `$PYTHON -c "import odoo.release"` fails.
# Called by `make run` and `make test` (ensure_odoo in scripts/lib.sh); see README.md, "Install".
#
#   scripts/install_odoo.sh [--dry-run] [--no-pip]
#
#   --dry-run  print what would be done (source, copy, requirements, .pth), change nothing,
#              use no network
#   --no-pip   do not install Odoo's Python requirements (they are managed elsewhere)
#
# Where the source comes from (the first that applies):
#   1. Odoo already importable by $PYTHON: used as is, nothing is installed;
#   2. the cache of an earlier run, $BHIMA_ODOO_HOME/src: no network;
#   3. ODOO_SRC, a local Odoo 19.0 source: a checkout of the 19.0 branch (when it is a git
#      checkout, only the files git tracks), or a git directory (bare or not) from which
#      $BHIMA_ODOO_REF is checked out; only Odoo Community's parts are copied (odoo/, addons/,
#      odoo-bin, requirements.txt, setup*), never odoo/enterprise, other top-level folders or
#      addons that are separate git repositories;
#   4. a shallow clone of Odoo's official repository, https://github.com/odoo/odoo, branch 19.0.
# Then Odoo's Python requirements are installed with pip, with the fixes of
# requirements-odoo.txt; a .pth file in $PYTHON's site-packages (or the user site when that is
# not writable) makes the source importable in any shell; the versions are printed and recorded
# in $BHIMA_ODOO_HOME/versions.txt (Odoo's commit) and pip-freeze.txt (every Python package).
#
# Environment: PYTHON (default python3), ODOO_SRC, BHIMA_ODOO_HOME (default
# ~/.cache/bhima_stock/odoo-19.0), BHIMA_ODOO_URL (default Odoo's official repository),
# BHIMA_ODOO_REF (a branch or a commit, default 19.0).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

ODOO_HOME=${BHIMA_ODOO_HOME:-$HOME/.cache/bhima_stock/odoo-19.0}
URL=${BHIMA_ODOO_URL:-https://github.com/odoo/odoo}
REF=${BHIMA_ODOO_REF:-19.0}
SRC_DIR=$ODOO_HOME/src
PTH_NAME=bhima-odoo-19.0.pth
KEY_PACKAGES="psycopg2 lxml lxml_html_clean Werkzeug gevent greenlet cbor2 Babel Jinja2 reportlab PyPDF2 Pillow cryptography pyOpenSSL requests"
DRY=0
NO_PIP=0
for arg in "$@"; do
    case "$arg" in
        --dry-run) DRY=1 ;;
        --no-pip) NO_PIP=1 ;;
        -h | --help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "install_odoo: unknown option $arg (see --help)" >&2; exit 2 ;;
    esac
done

say() { printf 'install_odoo: %s\n' "$*"; }
would() { printf 'install_odoo (dry run): would %s\n' "$*"; }
die() {
    printf '\nERROR: install_odoo: %s\n' "$1" >&2
    shift
    local line
    for line in "$@"; do printf '  %s\n' "$line" >&2; done
    exit 1
}
help_lines=(
    "To install from a local source, set ODOO_SRC to an Odoo 19.0 checkout or git directory"
    "(for example ODOO_SRC=/path/to/odoo make test); to download, make $URL reachable"
    "(git honours https_proxy); or install Odoo 19.0 into $PY yourself (README.md, Install)."
)

# 1. An Odoo importable by $PY is used as is.
command -v "$PY" >/dev/null 2>&1 || die "the Python interpreter '$PY' is not found." "Set PYTHON to a Python 3.10+ interpreter."
PY=$(cd "$(dirname "$(command -v "$PY")")" && pwd)/$(basename "$(command -v "$PY")")
if found=$("$PY" -c 'import os, odoo.release as r; print(r.version, os.path.dirname(os.path.dirname(os.path.abspath(r.__file__))))' 2>/dev/null); then
    version=${found%% *}
    case "$version" in
        19.*)
            say "Odoo $version is already importable by $PY (from ${found#* }): used as is, nothing to install."
            [ -n "${ODOO_SRC:-}" ] && say "ODOO_SRC is ignored since Odoo is already importable."
            exit 0
            ;;
        *) die "Odoo $version is importable by $PY (from ${found#* }); bhima_stock needs Odoo 19.0." \
            "Set PYTHON to an interpreter without Odoo (it is then installed) or with Odoo 19.0." ;;
    esac
fi
[ $DRY -eq 1 ] && say "(dry run) Odoo is not importable by $PY ($(command -v "$PY"))." \
    || log "Odoo is not importable by $PY: installing Odoo 19.0 Community into $ODOO_HOME"

# One install at a time per location (two test runs may start together).
if [ $DRY -eq 0 ]; then
    mkdir -p "$ODOO_HOME" || die "cannot create $ODOO_HOME (set BHIMA_ODOO_HOME to a writable directory)."
    if command -v flock >/dev/null 2>&1; then
        exec 9>"$ODOO_HOME/.lock" && flock 9
    fi
fi

# release_is_19 FILE: odoo/release.py (on stdin when FILE is -) declares version 19.0.
release_is_19() { grep -qE '^version_info = \(19, 0,' "$1"; }

# The Community parts of an Odoo source tree, relative to its root.
community_entries() {  # community_entries: reads top-level names on stdin, prints the kept ones
    grep -E '^(odoo|addons|odoo-bin|requirements\.txt|setup.*)$' | LC_ALL=C sort
}

# 2./3./4. Choose the source.
kind="" git_dir="" commit="" tracked=0
if [ -f "$SRC_DIR/odoo/release.py" ] && [ -f "$ODOO_HOME/source.txt" ]; then
    kind=cache
elif [ -n "${ODOO_SRC:-}" ]; then
    [ -e "$ODOO_SRC" ] || die "ODOO_SRC=$ODOO_SRC does not exist." "${help_lines[@]}"
    ODOO_SRC=$(cd "$ODOO_SRC" && pwd -P)
    if [ -f "$ODOO_SRC/odoo/release.py" ]; then
        kind=checkout
        release_is_19 "$ODOO_SRC/odoo/release.py" \
            || die "ODOO_SRC=$ODOO_SRC is not Odoo 19.0 (see its odoo/release.py)." "${help_lines[@]}"
        if [ "$(git -C "$ODOO_SRC" rev-parse --show-toplevel 2>/dev/null)" = "$ODOO_SRC" ]; then
            tracked=1
            commit=$(git -C "$ODOO_SRC" rev-parse HEAD)
        fi
    elif git_dir=$(git -C "$ODOO_SRC" rev-parse --absolute-git-dir 2>/dev/null) \
        && { [ "$git_dir" = "$ODOO_SRC" ] || [ "$(git -C "$ODOO_SRC" rev-parse --show-toplevel 2>/dev/null)" = "$ODOO_SRC" ]; }; then
        kind=gitdir
        for candidate in "$REF" "origin/$REF" "refs/remotes/origin/$REF"; do
            commit=$(git --git-dir="$git_dir" rev-parse --verify -q "$candidate^{commit}") && break
            commit=""
        done
        [ -n "$commit" ] || die "the git directory ODOO_SRC=$ODOO_SRC has no branch or commit $REF." \
            "Tried $REF, origin/$REF; set BHIMA_ODOO_REF to the branch or commit of Odoo 19.0." "${help_lines[@]}"
        git --git-dir="$git_dir" show "$commit:odoo/release.py" 2>/dev/null | release_is_19 - \
            || die "$REF ($commit) in ODOO_SRC=$ODOO_SRC is not Odoo 19.0 (see its odoo/release.py)." "${help_lines[@]}"
    else
        die "ODOO_SRC=$ODOO_SRC is neither an Odoo source tree (no odoo/release.py) nor a git directory." "${help_lines[@]}"
    fi
else
    kind=clone
fi

# 3./4. Fetch the source into $SRC_DIR (through src.partial: an interrupted run starts again).
partial="$ODOO_HOME/src.partial"
source_line=""
install_started=$(date +%s)
case "$kind" in
    cache)
        source_line=$(grep -m1 '^source=' "$ODOO_HOME/source.txt" | cut -d= -f2-)
        if [ $DRY -eq 1 ]; then
            would "reuse the Odoo source cached in $SRC_DIR ($source_line): no download, no copy"
        else
            say "Reusing the Odoo source cached in $SRC_DIR ($source_line): no download."
        fi
        ;;
    checkout)
        skipped=$(cd "$ODOO_SRC" && for entry in $(ls -A | grep -vxE 'odoo|addons|odoo-bin|requirements\.txt|setup.*|\.git'); do
            if [ -d "$entry" ]; then echo "$entry/"; else echo "$entry"; fi
        done | paste -sd' ' -)
        nested=""
        if [ $tracked -eq 0 ]; then
            # addons that are their own git repositories are not Odoo Community's
            nested=$(cd "$ODOO_SRC" && find odoo addons -mindepth 1 -maxdepth 3 -name .git 2>/dev/null | xargs -rn1 dirname | sort -u | paste -sd' ' -)
        fi
        [ -d "$ODOO_SRC/odoo/enterprise" ] && nested="odoo/enterprise${nested:+ $nested}"
        how=$([ $tracked -eq 1 ] && echo "the files git tracks in the checkout at commit $commit" || echo "the tree as is, without git metadata")
        source_line="ODOO_SRC=$ODOO_SRC (checkout${commit:+, commit $commit})"
        if [ $DRY -eq 1 ]; then
            would "copy from ODOO_SRC=$ODOO_SRC, a checkout of Odoo 19.0, $how:"
            would "  copy $(cd "$ODOO_SRC" && ls -A | community_entries | paste -sd' ' -) into $SRC_DIR"
            would "  skip ${skipped:-nothing else at the top level}${nested:+; skip $nested}"
        else
            say "Copying Odoo 19.0 Community from ODOO_SRC=$ODOO_SRC, $how, into $SRC_DIR"
            [ -n "$skipped$nested" ] && say "Skipped (not Odoo Community): $skipped${nested:+ $nested}"
            rm -rf "$partial" && mkdir -p "$partial" || die "cannot create $partial."
            if [ $tracked -eq 1 ]; then
                (cd "$ODOO_SRC" && git ls-files -z -- $(ls -A | community_entries) | grep -zv '^odoo/enterprise/' \
                    | tar --null --ignore-failed-read -T - -cf -) | tar -C "$partial" -xf -
            else
                excludes=(--exclude=__pycache__ --exclude='*.pyc')
                for dir in $nested; do excludes+=(--anchored "--exclude=$dir" --no-anchored); done
                (cd "$ODOO_SRC" && tar "${excludes[@]}" -cf - $(ls -A | community_entries)) | tar -C "$partial" -xf -
            fi
            [ $? -eq 0 ] && [ -f "$partial/odoo/release.py" ] || die "copying $ODOO_SRC into $partial failed."
        fi
        ;;
    gitdir)
        entries=$(git --git-dir="$git_dir" ls-tree --name-only "$commit" | community_entries | paste -sd' ' -)
        source_line="ODOO_SRC=$ODOO_SRC (git directory, $REF = commit $commit)"
        if [ $DRY -eq 1 ]; then
            would "check out $REF (commit $commit) from the git directory ODOO_SRC=$ODOO_SRC:"
            would "  git archive $commit -- $entries | tar -x -C $SRC_DIR (without odoo/enterprise)"
        else
            say "Checking out $REF (commit $commit) from the git directory ODOO_SRC=$ODOO_SRC into $SRC_DIR"
            rm -rf "$partial" && mkdir -p "$partial" || die "cannot create $partial."
            # shellcheck disable=SC2086
            git --git-dir="$git_dir" archive --format=tar "$commit" -- $entries | tar -C "$partial" -xf - \
                || die "git archive of $commit from $ODOO_SRC failed."
            if [ -d "$partial/odoo/enterprise" ]; then
                rm -rf "$partial/odoo/enterprise"
                say "Skipped (not Odoo Community): odoo/enterprise"
            fi
        fi
        ;;
    clone)
        source_line="$URL ($REF)"
        if [ $DRY -eq 1 ]; then
            would "shallow-clone Odoo's repository $URL, $REF (git fetch --depth 1) into $SRC_DIR"
            would "  (ODOO_SRC is not set; set it to a local Odoo 19.0 checkout or git directory to avoid the download)"
        else
            say "ODOO_SRC is not set: shallow-cloning $URL ($REF) into $SRC_DIR"
            command -v git >/dev/null 2>&1 || apt_ensure git:git || die "git is missing." "${help_lines[@]}"
            rm -rf "$partial" && mkdir -p "$partial" || die "cannot create $partial."
            started=$(date +%s)
            # abort when slower than 1 kB/s for a minute rather than hang
            if ! git -C "$partial" init -q || ! git -C "$partial" remote add origin "$URL" \
                || ! GIT_HTTP_LOW_SPEED_LIMIT=1000 GIT_HTTP_LOW_SPEED_TIME=60 \
                    git -C "$partial" fetch -q --depth 1 --no-tags origin "$REF" 2>"$ODOO_HOME/clone.log"; then
                rm -rf "$partial"
                die "Odoo 19.0 could not be downloaded." \
                    "Tried: Odoo already importable by $PY (no), the cache $SRC_DIR (absent)," \
                    "ODOO_SRC (not set), git fetch --depth 1 $URL $REF: $(tail -1 "$ODOO_HOME/clone.log")" \
                    "${help_lines[@]}"
            fi
            git -C "$partial" -c advice.detachedHead=false checkout -q FETCH_HEAD || die "checkout of the fetched $REF failed."
            say "Downloaded in $(($(date +%s) - started)) s."
            release_is_19 "$partial/odoo/release.py" || die "$URL $REF is not Odoo 19.0 (see its odoo/release.py)."
        fi
        ;;
esac

if [ $DRY -eq 0 ] && [ "$kind" != cache ]; then
    if [ -z "$commit" ] && [ -d "$partial/.git" ]; then
        commit=$(git -C "$partial" rev-parse HEAD)
    fi
    if [ -n "$commit" ]; then
        pin="odoo_commit=$commit"
    else
        # no git metadata: a fingerprint of the copied files pins the tree instead
        pin="odoo_commit=unknown (not a git checkout)
odoo_tree_sha256=$(cd "$partial" && find . -path ./.git -prune -o -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)"
    fi
    rm -rf "$SRC_DIR" && mv "$partial" "$SRC_DIR" || die "cannot move $partial to $SRC_DIR."
    say "Source ready in $SRC_DIR in $(($(date +%s) - install_started)) s."
    printf 'source=%s\nodoo_ref=%s\n%s\nfetched_at=%s\n' "$source_line" "$REF" "$pin" "$(date -u +%FT%TZ)" >"$ODOO_HOME/source.txt"
fi

# Where Python looks: the interpreter's site-packages when writable (a virtualenv, root), else
# the user site; pip installs to the same place.
read -r purelib in_venv ext_managed user_site user_site_on < <("$PY" - <<'PY'
import os, site, sys, sysconfig
managed = os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED"))
in_venv = sys.prefix != sys.base_prefix
print(sysconfig.get_paths()["purelib"], int(in_venv), int(managed and not in_venv),
      site.getusersitepackages(), int(bool(site.ENABLE_USER_SITE)))
PY
)
pip_args=(install --disable-pip-version-check)
if [ -w "$purelib" ] || { [ ! -e "$purelib" ] && [ -w "$(dirname "$purelib")" ]; }; then
    pth_dir=$purelib
elif [ "$user_site_on" = 1 ]; then
    pth_dir=$user_site
    pip_args+=(--user)
else
    die "$purelib is not writable and $PY has no user site." "Run as a user who can write there, or set PYTHON to a virtualenv's python."
fi
[ "$ext_managed" = 1 ] && pip_args+=(--break-system-packages)

# 5. Odoo's Python requirements with this project's fixes.
requirements="$ODOO_HOME/requirements.txt"
fixes=$(grep -vE '^\s*(#|$)' "$REPO/requirements-odoo.txt" | sed 's/\s*#.*//' | paste -sd' ' -)
left_out=$(sed -n 's/^# leave out: *//p' "$REPO/requirements-odoo.txt" | paste -sd' ' -)
if [ $NO_PIP -eq 1 ]; then
    [ $DRY -eq 1 ] && would "leave Odoo's Python requirements alone (--no-pip)" || say "Odoo's Python requirements left alone (--no-pip)."
elif [ $DRY -eq 1 ]; then
    would "pip ${pip_args[*]} -r $requirements into $PY: Odoo's requirements.txt with $fixes (requirements-odoo.txt), without $left_out"
else
    "$PY" -m pip --version >/dev/null 2>&1 || "$PY" -m ensurepip --upgrade >/dev/null 2>&1 \
        || { [ "$("$PY" -c 'import sys; print(sys.prefix)')" = /usr ] && apt_ensure pip3:python3-pip; } \
        || die "pip is missing for $PY." "Install it (Debian: apt-get install python3-pip) and run again."
    if ! "$PY" -c "import psycopg2" >/dev/null 2>&1; then
        # psycopg2 is built from source: PostgreSQL's client headers, a C compiler, Python's headers
        apt_ensure pg_config:libpq-dev gcc:gcc || warn "could not install libpq-dev and gcc (needed to build psycopg2)"
        if [ ! -f "$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')/Python.h" ]; then
            DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-dev >/dev/null \
                || warn "could not install python3-dev (Python's headers, needed to build psycopg2)"
        fi
    fi
    "$PY" - "$SRC_DIR/requirements.txt" "$REPO/requirements-odoo.txt" "$requirements" <<'PY' || die "cannot write $requirements."
import re, sys

odoo_req, fixes_file, out = sys.argv[1:4]
norm = lambda name: re.sub(r"[-_.]+", "-", name).lower()  # noqa: E731
name_of = lambda line: norm(re.match(r"\s*([A-Za-z0-9_.-]+)", line).group(1))  # noqa: E731
fixes, left_out = [], set()
for line in open(fixes_file):
    if line.startswith("# leave out:"):
        left_out.update(norm(n) for n in line.split(":", 1)[1].split())
    elif line.strip() and not line.lstrip().startswith("#"):
        fixes.append(line.split("#")[0].strip())
replaced = {name_of(f) for f in fixes} | left_out
with open(out, "w") as f:
    f.write(f"# Odoo's {odoo_req} with the fixes of requirements-odoo.txt (scripts/install_odoo.sh)\n")
    for line in open(odoo_req):
        if line.strip() and not line.lstrip().startswith("#") and name_of(line) in replaced:
            continue
        f.write(line)
    f.write("# fixes\n" + "\n".join(fixes) + "\n")
PY
    log "Installing Odoo's Python requirements into $PY (log: $ODOO_HOME/pip.log)"
    started=$(date +%s)
    if ! "$PY" -m pip "${pip_args[@]}" -r "$requirements" >"$ODOO_HOME/pip.log" 2>&1; then
        tail -25 "$ODOO_HOME/pip.log" >&2
        die "pip could not install Odoo's requirements ($requirements) into $PY." \
            "See $ODOO_HOME/pip.log. pip needs its package index (pip config, PIP_INDEX_URL) and," \
            "to build psycopg2, libpq-dev, gcc and Python's headers (python3-dev)."
    fi
    say "Requirements installed in $(($(date +%s) - started)) s."
fi

# 6. Importable in any shell: a .pth file naming the source.
pth="$pth_dir/$PTH_NAME"
if [ $DRY -eq 1 ]; then
    would "write $SRC_DIR into $pth (makes 'import odoo' work for $PY in any shell)"
    would "record Odoo's commit and the Python packages in $ODOO_HOME/versions.txt and pip-freeze.txt"
    exit 0
fi
mkdir -p "$pth_dir" && echo "$SRC_DIR" >"$pth" || die "cannot write $pth."
if ! odoo_version=$(cd / && "$PY" -m odoo --version 2>&1); then
    echo "$odoo_version" | tail -5 >&2
    rm -f "$pth"
    die "Odoo was installed in $SRC_DIR but '$PY -m odoo --version' fails (see above)." \
        "Check $ODOO_HOME/pip.log; then run scripts/install_odoo.sh again (the source is cached)."
fi

# 7. Versions: printed and recorded.
"$PY" -m pip freeze --all 2>/dev/null >"$ODOO_HOME/pip-freeze.txt"
{
    cat "$ODOO_HOME/source.txt"
    echo "odoo_version=${odoo_version##* }"
    echo "python=$(command -v "$PY") ($("$PY" -c 'import platform; print(platform.python_version())'))"
    echo "pth=$pth"
    echo "installed_at=$(date -u +%FT%TZ)"
    for package in $KEY_PACKAGES; do
        grep -i -m1 "^${package//[-_]/[-_]}==" "$ODOO_HOME/pip-freeze.txt" || true
    done
} >"$ODOO_HOME/versions.txt"
log "Odoo 19.0 Community installed in $(($(date +%s) - install_started)) s ($ODOO_HOME/versions.txt; every package in pip-freeze.txt)"
cat "$ODOO_HOME/versions.txt"
