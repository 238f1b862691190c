from odoo.tests import TransactionCase, tagged

from odoo.addons.bhima_stock.tests.test_i18n import untranslated_terms


@tagged("post_install", "-at_install")
class TestFrenchTranslation(TransactionCase):
    def test_fr_po_covers_every_term(self):
        missing = untranslated_terms(self.env, "bhima_stock_pos")
        self.assertFalse(
            missing, f"{len(missing)} terms are not translated in fr.po: {missing[:20]}"
        )

    def test_french_user_sees_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["bhima_stock_pos"], ["fr_FR"], overwrite=True
        )
        fr_env = self.env(context={"lang": "fr_FR"})
        self.assertEqual(fr_env.ref("bhima_stock_pos.bhima_stock_pos_menu").name, "Points de stock")
        reasons = dict(
            fr_env["bhima.pos.stock.exit"]._fields["reason"]._description_selection(fr_env)
        )
        self.assertEqual(reasons["corked"], "Bouteille bouchonnée")
