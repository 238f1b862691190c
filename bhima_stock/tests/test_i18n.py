from pathlib import Path

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

import odoo.addons


def untranslated_terms(env, module):
    """The terms Odoo extracts from ``module`` that its i18n/fr.po does not translate."""
    source_terms = {
        source
        for term_module, _type, _name, _res_id, source, _value, _comments in TranslationModuleReader(
            env.cr, modules=[module]
        )
        if term_module == module
    }
    folder = next(
        Path(path, module) for path in odoo.addons.__path__ if Path(path, module).is_dir()
    )
    po = polib.pofile(str(folder / "i18n" / "fr.po"))
    translated = {entry.msgid for entry in po if entry.msgstr and "fuzzy" not in entry.flags}
    return sorted(source_terms - translated)


@tagged("post_install", "-at_install")
class TestFrenchTranslation(TransactionCase):
    """French is first-class: every term Odoo extracts from the addon is
    translated in i18n/fr.po, and the translation is what a user sees."""

    def test_fr_po_covers_every_term(self):
        missing = untranslated_terms(self.env, "bhima_stock")
        self.assertFalse(
            missing, f"{len(missing)} terms are not translated in fr.po: {missing[:20]}"
        )

    def test_french_user_sees_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["bhima_stock"], ["fr_FR"], overwrite=True)
        fr_env = self.env(context={"lang": "fr_FR"})
        self.assertEqual(fr_env.ref("bhima_stock.uom_tablet").name, "Comprimé")
        self.assertEqual(fr_env.ref("bhima_stock.inventory_type_assembly").name, "Assemblage")
        self.assertEqual(fr_env.ref("bhima_stock.bhima_stock_menu_root").name, "Gestion des stocks")
        self.assertEqual(
            fr_env.ref("bhima_stock.product_template_action_bhima_register").name,
            "Registre des inventaires",
        )
        action = fr_env["product.template"].action_bhima_add_inventory()
        self.assertEqual(action["name"], "Ajouter un inventaire")
