from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .common import BhimaStockCommon


@tagged("post_install", "-at_install")
class TestInventoryRegister(BhimaStockCommon):
    def test_article_with_all_bhima_fields(self):
        article = self._create_article(
            "Paracetamol 500 mg",
            default_code="MED-001",
            list_price=25,
            bhima_consumable=True,
            sale_ok=True,
            bhima_importance="high",
            bhima_lead_time=2,
            bhima_purchase_interval=3,
            bhima_is_asset=False,
            bhima_brand="Generic",
            bhima_model="500",
            bhima_note="Keep below 25 degrees",
        )
        self.assertEqual(article.default_code, "MED-001")
        self.assertEqual(article.categ_id, self.group_medicines)
        self.assertEqual(article.uom_id, self.unit_tablet)
        self.assertEqual(article.list_price, 25)
        self.assertEqual(article.bhima_importance, "high")
        self.assertEqual((article.bhima_lead_time, article.bhima_purchase_interval), (2, 3))
        # an article is a storable good, followed by lot with expiration dates
        self.assertEqual(article.type, "consu")
        self.assertTrue(article.is_storable)
        self.assertEqual(article.tracking, "lot")
        self.assertTrue(article.use_expiration_date)

    def test_default_lead_time_is_one_month(self):
        self.assertEqual(self._create_article("Zinc").bhima_lead_time, 1.0)

    def test_type_decides_the_odoo_product(self):
        service = self._create_article("Consultation", inventory_type=self.type_service)
        self.assertEqual(service.type, "service")
        self.assertFalse(service.is_storable)
        kit = self._create_article("Delivery kit", inventory_type=self.type_assembly)
        self.assertTrue(kit.is_storable)
        service.bhima_type_id = self.type_article
        self.assertTrue(service.is_storable)
        self.assertEqual(service.tracking, "lot")

    def test_unique_items_are_serial_numbers_without_expiry(self):
        concentrator = self._create_article("Oxygen concentrator", group=self.group_equipment)
        self.assertEqual(concentrator.tracking, "serial")
        self.assertFalse(concentrator.use_expiration_date)
        concentrator.categ_id = self.group_medicines
        self.assertEqual(concentrator.tracking, "lot")
        self.assertTrue(concentrator.use_expiration_date)

    def test_group_type_and_unit_are_required(self):
        Template = self.env["product.template"]
        with self.assertRaisesRegex(ValidationError, "needs an inventory group"):
            Template.create(
                {
                    "name": "No group",
                    "bhima_type_id": self.type_article.id,
                    "uom_id": self.unit_tablet.id,
                }
            )
        with self.assertRaisesRegex(ValidationError, "needs a unit"):
            Template.create(
                {
                    "name": "No unit",
                    "bhima_type_id": self.type_article.id,
                    "categ_id": self.group_medicines.id,
                }
            )
        form = Form(
            Template.with_context(default_bhima_type_id=False),
            view="bhima_stock.product_template_view_form_bhima",
        )
        form.name = "Incomplete"
        with self.assertRaises(AssertionError):
            form.save()  # the register form requires group, type and unit

    def test_article_code_is_unique(self):
        self._create_article("Amoxicillin 500", default_code="MED-002")
        with self.assertRaisesRegex(ValidationError, "MED-002"):
            self._create_article("Amoxicillin 250", default_code="MED-002")

    def test_stock_managed_switch_keeps_lot_tracking(self):
        article = self._create_article("Ringer lactate", unit=self.unit_vial)
        article.is_storable = False
        self.assertEqual(article.tracking, "none")
        article.is_storable = True
        self.assertEqual(article.tracking, "lot")
        self.assertTrue(article.use_expiration_date)

    def test_register_form_creates_an_article(self):
        manager_env = self.env(user=self.stock_manager)
        action = manager_env["product.template"].action_bhima_add_inventory()
        self.assertEqual(action["target"], "new")
        Template = manager_env["product.template"].with_context(**action["context"])
        form = Form(Template, view="bhima_stock.product_template_view_form_bhima")
        form.name = "Metronidazole 250 mg"
        form.default_code = "MED-009"
        form.categ_id = self.group_medicines
        form.uom_id = self.unit_tablet
        form.bhima_consumable = True
        article = form.save()
        self.assertEqual(article.bhima_type_id, self.type_article)
        self.assertTrue(article.is_storable)
        self.assertEqual(article.uom_id, self.unit_tablet)

    def test_register_search_filters_and_groups(self):
        a = self._create_article("Article A", bhima_importance="high", bhima_consumable=True)
        b = self._create_article(
            "Kit B", inventory_type=self.type_assembly, group=self.group_equipment
        )
        Template = self.env["product.template"]
        self.assertIn(a, Template.search([("bhima_importance", "=", "high")]))
        groups = dict(
            Template._read_group([("id", "in", (a | b).ids)], ["bhima_type_id"], ["__count"])
        )
        self.assertEqual(groups, {self.type_article: 1, self.type_assembly: 1})
        groups = dict(Template._read_group([("id", "in", (a | b).ids)], ["categ_id"], ["__count"]))
        self.assertEqual(groups, {self.group_medicines: 1, self.group_equipment: 1})
        self.assertEqual(self.group_medicines.bhima_article_count, 1)

    def test_plain_user_reads_the_register_but_cannot_add(self):
        article = self._create_article("Quinine")
        Template = self.env["product.template"].with_user(self.stock_user)
        self.assertIn(article, Template.search([("bhima_type_id", "!=", False)]))
        with self.assertRaises(AccessError):
            Template.create(
                {
                    "name": "Forbidden",
                    "categ_id": self.group_medicines.id,
                    "uom_id": self.unit_tablet.id,
                    "bhima_type_id": self.type_article.id,
                }
            )
