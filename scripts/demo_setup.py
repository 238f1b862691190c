"""`make run`: bhima_stock's demo hospital on a database created without Odoo's demo data.

Run by scripts/run.sh through `odoo shell` (which provides `env`), after
`-i bhima_stock --load-language=en_US,fr_FR` without `--with-demo`.

Why: Odoo 19 loads a module's demo data only on a database created with demo data, and only
when every module it depends on has its demo data (`ModuleNode.demo_installable`), so
`--with-demo` cannot be given to one module: it brings the demo data of base, product, stock,
account... and their furniture products, partners and stock fill the hospital's registers.
The demo database is therefore created without demo data, and this loads bhima_stock's own
demo data with Odoo's loader (`odoo.modules.loading.load_demo`, the one behind
`odoo-bin module force-demo`) and flags the module as having its demo data, as an install with
demo data would, so that upgrades keep it up to date. Then the demo pharmacist and nurse work
in French (English stays installed: the administrator keeps it, anyone can switch).

Idempotent: does nothing when the demo data is already there.
"""

from odoo import Command
from odoo.modules.loading import load_demo
from odoo.modules.module_graph import ModuleGraph

DEMO_USERS_IN_FRENCH = ("bhima_stock.user_pharmacist_demo", "bhima_stock.user_nurse_demo")


def main(env):
    french = env["res.lang"].with_context(active_test=False).search([("code", "=", "fr_FR")])
    if not french.active:
        env["base.language.install"].create({"lang_ids": [Command.set(french.ids)]}).lang_install()
    if env.ref(DEMO_USERS_IN_FRENCH[0], raise_if_not_found=False):
        print("bhima_stock's demo data is already loaded.")
    else:
        load_bhima_demo(env)
    env.cr.commit()


def load_bhima_demo(env):
    env.cr.execute("SELECT name FROM ir_module_module WHERE state = 'installed'")
    graph = ModuleGraph(env.cr, mode="load")
    graph.extend([name for (name,) in env.cr.fetchall()])
    if not load_demo(env, graph["bhima_stock"], {}, "init"):
        raise SystemExit("bhima_stock's demo data could not be loaded: see the log above.")
    env.cr.execute("UPDATE ir_module_module SET demo = TRUE WHERE name = 'bhima_stock'")
    env["ir.module.module"].invalidate_model(["demo"])
    for xmlid in DEMO_USERS_IN_FRENCH:
        env.ref(xmlid).lang = "fr_FR"
    print("bhima_stock's demo data loaded; pharmacist and nurse use French.")


main(env)  # noqa: F821 (provided by odoo shell)
