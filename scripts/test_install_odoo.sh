#!/usr/bin/env bash
# Checks of scripts/install_odoo.sh (run by scripts/test.sh; no network, a few seconds).
# Each case runs the install script against throw-away virtualenvs and a small fake Odoo 19.0
# source (odoo/release.py, addons/, odoo-bin, requirements.txt, setup.*, plus folders that are
# not Odoo Community): Odoo present, ODOO_SRC set (plain tree, git checkout, bare git
# directory), neither (clone), the cache, and the failures. Dry runs check what the script says
# it would do; real runs (--no-pip: the fake source has no real requirements) check what it does.
# Ends with "N passed, M failed".
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
INSTALL="$HERE/install_odoo.sh"
BASE_PY=${PYTHON:-python3}
T=$(mktemp -d "${TMPDIR:-/tmp}/bhima-install-odoo-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
unset ODOO_SRC PYTHONPATH BHIMA_ODOO_URL BHIMA_ODOO_REF BHIMA_ODOO_HOME
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1

passed=0
failed=0
OUT=""
RC=0
# run LABEL [VAR=value...] -- ARGS: run the install script, keep its output in $OUT, status in $RC
run() {
    local env_args=()
    while [ "$1" != "--" ]; do env_args+=("$1"); shift; done
    shift
    OUT=$(env "${env_args[@]}" bash "$INSTALL" "$@" 2>&1)
    RC=$?
}
# expect NAME CONDITION-DESCRIPTION TEST...: record one check
expect() {
    local name=$1
    shift
    if "$@"; then
        passed=$((passed + 1)); echo "ok      $name"
    else
        failed=$((failed + 1)); echo "FAILED  $name"
        printf '%s\n' "$OUT" | sed 's/^/        | /' | tail -15
    fi
}
has() { printf '%s\n' "$OUT" | grep -qF -- "$1"; }
has_all() { local s; for s in "$@"; do has "$s" || return 1; done; }
rc_is() { [ "$RC" -eq "$1" ]; }

# Interpreters: one without Odoo per real install, one with an Odoo 19.0, one with an Odoo 18.0.
venv() {
    "$BASE_PY" -m venv --without-pip "$T/$1" || { echo "FAILED  cannot create a virtualenv with $BASE_PY"; exit 1; }
    "$T/$1/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])'
}
for name in bare1 bare2 bare3 bare4; do venv "$name" >/dev/null; done
site19=$(venv odoo19)
mkdir -p "$site19/odoo" && echo 'version = "19.0"' >"$site19/odoo/release.py"
site18=$(venv odoo18)
mkdir -p "$site18/odoo" && echo 'version = "18.0"' >"$site18/odoo/release.py"

# A fake Odoo 19.0 source tree with non-Community folders next to and inside it.
tree="$T/tree"
mkdir -p "$tree/odoo/addons/base" "$tree/addons/stock" "$tree/odoo/enterprise/web_studio" \
    "$tree/enterprise/account_accountant" "$tree/custom_addons/my_module" "$tree/addons/my_custom/.git"
printf 'version_info = (19, 0, 0, "final", 0, "")\nversion = "19.0"\n' >"$tree/odoo/release.py"
echo 'print("Odoo Server 19.0")' >"$tree/odoo/__main__.py"
echo "{'name': 'Base', 'license': 'LGPL-3'}" >"$tree/odoo/addons/base/__manifest__.py"
echo "{'name': 'Inventory', 'license': 'LGPL-3'}" >"$tree/addons/stock/__manifest__.py"
echo "{'name': 'Studio', 'license': 'OEEL-1'}" >"$tree/odoo/enterprise/web_studio/__manifest__.py"
echo "{'name': 'Accounting', 'license': 'OEEL-1'}" >"$tree/enterprise/account_accountant/__manifest__.py"
echo "{'name': 'Mine'}" >"$tree/custom_addons/my_module/__manifest__.py"
echo "{'name': 'Mine too'}" >"$tree/addons/my_custom/__manifest__.py"
printf '#!/usr/bin/env python3\n' >"$tree/odoo-bin"
printf "cbor2==5.4.2 ; python_version < '3.12'\npython-ldap==3.4.0 ; sys_platform != 'win32'\nlxml-html-clean; python_version >= '3.12'\npolib==1.1.1\n" >"$tree/requirements.txt"
echo 'from setuptools import setup' >"$tree/setup.py"
echo '[metadata]' >"$tree/setup.cfg"
# ... as a git checkout of 19.0 (odoo/enterprise committed by mistake, the custom folders
# untracked), and as a bare git directory
checkout="$T/checkout"
cp -a "$tree" "$checkout" && rm -rf "$checkout/addons/my_custom"
git -C "$checkout" init -q && git -C "$checkout" checkout -q -b 19.0 \
    && git -C "$checkout" add odoo/release.py odoo/__main__.py odoo/addons odoo/enterprise addons odoo-bin requirements.txt setup.py setup.cfg \
    && git -C "$checkout" -c user.name=t -c user.email=t@example.com commit -qm "Odoo 19.0" \
    || { echo "FAILED  cannot build the test git repository"; exit 1; }
commit=$(git -C "$checkout" rev-parse HEAD)
git clone -q --bare "$checkout" "$T/odoo.git"
nogit="$T/empty" && mkdir -p "$nogit"

echo "== scripts/install_odoo.sh"

# 1. Odoo present: used as is, whatever ODOO_SRC says.
run PYTHON="$T/odoo19/bin/python" BHIMA_ODOO_HOME="$T/h-present" -- --dry-run
expect "Odoo 19.0 present: dry run says nothing to install" rc_is 0
expect "Odoo 19.0 present: dry run names the interpreter and Odoo" has_all "already importable by $T/odoo19/bin/python" "used as is"
run PYTHON="$T/odoo19/bin/python" BHIMA_ODOO_HOME="$T/h-present" ODOO_SRC="$tree" --
expect "Odoo 19.0 present: a real run installs nothing, ODOO_SRC ignored" \
    eval 'rc_is 0 && has "ODOO_SRC is ignored" && [ ! -e "$T/h-present" ]'
run PYTHON="$T/odoo18/bin/python" --
expect "Odoo 18.0 present: refused with what to do" eval 'rc_is 1 && has_all "Odoo 18.0 is importable" "needs Odoo 19.0" "Set PYTHON"'

# 2. ODOO_SRC set: a plain tree, a git checkout, a bare git directory.
run PYTHON="$T/bare1/bin/python" BHIMA_ODOO_HOME="$T/h1" ODOO_SRC="$tree" -- --dry-run
expect "ODOO_SRC plain tree: dry run copies the Community parts only" eval 'rc_is 0 && has_all \
    "would copy from ODOO_SRC=$tree, a checkout of Odoo 19.0, the tree as is" \
    "copy addons odoo odoo-bin requirements.txt setup.cfg setup.py into $T/h1/src" \
    "skip custom_addons/ enterprise/; skip odoo/enterprise addons/my_custom"'
expect "ODOO_SRC plain tree: dry run installs the fixed requirements and a .pth" has_all \
    "-r $T/h1/requirements.txt into $T/bare1/bin/python" "with cbor2==5.6.2 lxml_html_clean==0.4.4" \
    "without python-ldap" "bhima-odoo-19.0.pth"
expect "ODOO_SRC plain tree: a dry run changes nothing" eval '[ ! -e "$T/h1" ]'
run PYTHON="$T/bare1/bin/python" BHIMA_ODOO_HOME="$T/h1" ODOO_SRC="$checkout" -- --dry-run
expect "ODOO_SRC git checkout: dry run copies the tracked files of the commit" \
    eval 'rc_is 0 && has_all "the files git tracks in the checkout at commit $commit" "skip custom_addons/ enterprise/; skip odoo/enterprise"'
run PYTHON="$T/bare1/bin/python" BHIMA_ODOO_HOME="$T/h1" ODOO_SRC="$T/odoo.git" -- --dry-run
expect "ODOO_SRC bare git directory: dry run checks out 19.0" eval 'rc_is 0 && has_all \
    "would check out 19.0 (commit $commit) from the git directory ODOO_SRC=$T/odoo.git" \
    "git archive $commit -- addons odoo odoo-bin requirements.txt setup.cfg setup.py"'

# 3. Neither: a shallow clone of Odoo's official repository.
run PYTHON="$T/bare1/bin/python" BHIMA_ODOO_HOME="$T/h1" -- --dry-run
expect "neither: dry run shallow-clones Odoo's official 19.0" eval 'rc_is 0 && has_all \
    "would shallow-clone Odoo'"'"'s repository https://github.com/odoo/odoo, 19.0 (git fetch --depth 1) into $T/h1/src" \
    "ODOO_SRC is not set"'

# 4. Failures say what was tried and what to set.
run PYTHON="$T/bare1/bin/python" BHIMA_ODOO_HOME="$T/h1" ODOO_SRC="$T/missing" --
expect "ODOO_SRC missing: clear failure" eval 'rc_is 1 && has_all "ODOO_SRC=$T/missing does not exist" "set ODOO_SRC to an Odoo 19.0 checkout"'
run PYTHON="$T/bare1/bin/python" BHIMA_ODOO_HOME="$T/h1" ODOO_SRC="$nogit" --
expect "ODOO_SRC neither a tree nor git: clear failure" eval 'rc_is 1 && has "is neither an Odoo source tree"'
run PYTHON="$T/bare1/bin/python" BHIMA_ODOO_HOME="$T/h1" ODOO_SRC="$T/odoo.git" BHIMA_ODOO_REF=17.0 --
expect "git directory without the branch: clear failure" eval 'rc_is 1 && has_all "has no branch or commit 17.0" "BHIMA_ODOO_REF"'
run PYTHON="$T/bare1/bin/python" BHIMA_ODOO_HOME="$T/h-offline" BHIMA_ODOO_URL="file://$T/unreachable" -- --no-pip
expect "no source, no network: clear failure with what was tried and what to set" eval 'rc_is 1 && has_all \
    "Odoo 19.0 could not be downloaded" "Tried: Odoo already importable" "ODOO_SRC (not set), git fetch --depth 1 file://$T/unreachable 19.0" \
    "set ODOO_SRC" && [ ! -e "$T/h-offline/src" ]'

# 5. Real runs (without pip): a plain tree, then the cache; a bare git directory; a clone.
py1="$T/bare1/bin/python"
run PYTHON="$py1" BHIMA_ODOO_HOME="$T/h1" ODOO_SRC="$tree" -- --no-pip
expect "plain tree installed" eval 'rc_is 0 && [ -f "$T/h1/src/odoo/release.py" ] && [ -f "$T/h1/src/addons/stock/__manifest__.py" ] && [ -f "$T/h1/src/setup.cfg" ]'
expect "plain tree: nothing but Odoo Community copied" eval '[ ! -e "$T/h1/src/odoo/enterprise" ] && [ ! -e "$T/h1/src/enterprise" ] && [ ! -e "$T/h1/src/custom_addons" ] && [ ! -e "$T/h1/src/addons/my_custom" ]'
expect "plain tree: importable in any shell (a .pth in the virtualenv)" eval \
    '(cd / && env -i "$py1" -c "import odoo.release as r; assert r.__file__.startswith(\"$T/h1/src/\")")'
expect "plain tree: versions recorded (tree fingerprint, no commit)" eval \
    'grep -q "^odoo_tree_sha256=[0-9a-f]\{64\}$" "$T/h1/versions.txt" && grep -q "^source=ODOO_SRC=$tree (checkout)" "$T/h1/versions.txt" && has "odoo_version=19.0"'
start=$(date +%s)
run PYTHON="$py1" BHIMA_ODOO_HOME="$T/h1" ODOO_SRC="$tree" -- --no-pip
expect "second run: nothing to do, in seconds" eval 'rc_is 0 && has "already importable" && [ $(($(date +%s) - start)) -le 5 ]'
rm "$("$py1" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/bhima-odoo-19.0.pth"
run PYTHON="$py1" BHIMA_ODOO_HOME="$T/h1" ODOO_SRC="$T/missing" -- --dry-run
expect "cache: dry run reuses the cached source, no download" eval 'rc_is 0 && has "would reuse the Odoo source cached in $T/h1/src"'
run PYTHON="$py1" BHIMA_ODOO_HOME="$T/h1" BHIMA_ODOO_URL="file://$T/unreachable" -- --no-pip
expect "cache: a real run needs neither ODOO_SRC nor the network" eval 'rc_is 0 && has "Reusing the Odoo source cached" && "$py1" -c "import odoo.release"'

py2="$T/bare2/bin/python"
run PYTHON="$py2" BHIMA_ODOO_HOME="$T/h2" ODOO_SRC="$T/odoo.git" -- --no-pip
expect "bare git directory installed at its 19.0 commit" eval 'rc_is 0 && grep -q "^odoo_commit=$commit$" "$T/h2/versions.txt" && "$py2" -c "import odoo.release" && [ ! -e "$T/h2/src/odoo/enterprise" ] && [ ! -e "$T/h2/src/custom_addons" ]'

py3="$T/bare3/bin/python"
run PYTHON="$py3" BHIMA_ODOO_HOME="$T/h3" ODOO_SRC="$checkout" -- --no-pip
expect "git checkout installed: tracked files only" eval 'rc_is 0 && grep -q "^odoo_commit=$commit$" "$T/h3/versions.txt" && [ -f "$T/h3/src/addons/stock/__manifest__.py" ] && [ ! -e "$T/h3/src/odoo/enterprise" ] && [ ! -e "$T/h3/src/enterprise" ]'

py4="$T/bare4/bin/python"
run PYTHON="$py4" BHIMA_ODOO_HOME="$T/h4" BHIMA_ODOO_URL="file://$T/odoo.git" -- --no-pip
expect "neither: shallow clone of the repository's 19.0 (a local URL standing for Odoo's)" eval \
    'rc_is 0 && grep -q "^odoo_commit=$commit$" "$T/h4/versions.txt" && [ "$(git -C "$T/h4/src" rev-parse --is-shallow-repository)" = true ] && "$py4" -c "import odoo.release"'

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
