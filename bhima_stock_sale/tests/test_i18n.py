from odoo.tests import TransactionCase, tagged

from odoo.addons.bhima_stock.tests.test_i18n import untranslated_terms


@tagged("post_install", "-at_install")
class TestFrenchTranslation(TransactionCase):
    def test_fr_po_covers_every_term(self):
        missing = untranslated_terms(self.env, "bhima_stock_sale")
        self.assertFalse(
            missing, f"{len(missing)} terms are not translated in fr.po: {missing[:20]}"
        )
