"""Check the addons' translation files: each .po parses, has no fuzzy or empty
entry, and keeps the placeholders of its source strings.

Completeness against the code is checked by the Odoo test
``bhima_stock/tests/test_i18n.py``, which extracts the terms with Odoo itself.
"""

import re
import sys
from pathlib import Path

import polib

PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*\}")


def check(po_path):
    problems = []
    po = polib.pofile(str(po_path))
    for entry in po:
        if entry.obsolete:
            continue
        where = f"{po_path}:{entry.linenum}"
        if "fuzzy" in entry.flags:
            problems.append(f"{where}: fuzzy entry {entry.msgid!r}")
        if not entry.msgstr:
            problems.append(f"{where}: untranslated {entry.msgid!r}")
            continue
        if sorted(PLACEHOLDER.findall(entry.msgid)) != sorted(PLACEHOLDER.findall(entry.msgstr)):
            problems.append(f"{where}: placeholders differ in {entry.msgid!r}")
    return problems


def main(addons):
    problems = []
    for addon in addons:
        files = sorted(Path(addon, "i18n").glob("*.po"))
        if not files:
            problems.append(f"{addon}: no i18n/*.po file")
        for po_path in files:
            problems += check(po_path)
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
