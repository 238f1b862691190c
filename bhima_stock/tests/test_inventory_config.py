from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import BhimaStockCommon


@tagged("post_install", "-at_install")
class TestInventoryGroups(BhimaStockCommon):
    def test_group_defaults_track_expiration_and_consumption(self):
        group = self.env["product.category"].create({"name": "Lab reagents"})
        self.assertTrue(group.track_expiration)
        self.assertTrue(group.track_consumption)
        self.assertFalse(group.unique_item)
        self.assertEqual(group.depreciation_rate, 0.0)

    def test_group_code_is_unique(self):
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self.env["product.category"].create({"name": "Other", "bhima_code": "TMED"})
            self.env.flush_all()

    def test_depreciation_rate_is_a_percentage(self):
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self.group_equipment.depreciation_rate = 150
            self.env.flush_all()

    def test_group_carries_its_three_accounts(self):
        accounts = (
            self.env["product.template"]
            .create(
                {
                    "name": "Quinine",
                    "categ_id": self.group_medicines.id,
                    "uom_id": self.unit_tablet.id,
                    "bhima_type_id": self.type_article.id,
                }
            )
            ._get_product_accounts()
        )
        self.assertEqual(accounts["stock_valuation"], self.account_stock)
        self.assertEqual(accounts["expense"], self.account_expense)
        self.assertEqual(accounts["income"], self.account_income)

    def test_real_time_group_without_accounts_refuses_stock_articles(self):
        group = self.env["product.category"].create(
            {"name": "No accounts", "bhima_code": "NOACC", "property_valuation": "real_time"}
        )
        group.property_stock_valuation_account_id = False
        group.property_account_expense_categ_id = False
        with self.assertRaisesRegex(ValidationError, "stock account and expense account"):
            self._create_article("Ceftriaxone", group=group)
        # a service of the same group moves no stock: no account needed
        service = self._create_article(
            "Consultation", group=group, inventory_type=self.type_service
        )
        self.assertFalse(service.is_storable)

    def test_real_time_group_cannot_lose_its_accounts(self):
        self._create_article("Amoxicillin")
        with self.assertRaisesRegex(ValidationError, "expense account"):
            self.group_medicines.property_account_expense_categ_id = False
        with self.assertRaisesRegex(ValidationError, "stock account"):
            self.group_medicines.property_stock_valuation_account_id = False

    def test_switching_a_group_to_real_time_requires_accounts(self):
        group = self.env["product.category"].create(
            {"name": "Periodic", "property_valuation": "periodic"}
        )
        group.property_stock_valuation_account_id = False
        self._create_article("Gauze", group=group)
        with self.assertRaisesRegex(ValidationError, "Periodic"):
            group.property_valuation = "real_time"

    def test_plain_user_cannot_edit_groups(self):
        with self.assertRaises(AccessError):
            self.env["product.category"].with_user(self.stock_user).create({"name": "Forbidden"})
        group = (
            self.env["product.category"]
            .with_user(self.stock_manager)
            .create({"name": "Allowed", "bhima_code": "ALW"})
        )
        self.assertEqual(group.bhima_code, "ALW")


@tagged("post_install", "-at_install")
class TestInventoryTypes(BhimaStockCommon):
    def test_predefined_types(self):
        types = self.env["bhima.inventory.type"].search([("is_predefined", "=", True)])
        self.assertEqual(
            {(t.name, t.product_type) for t in types},
            {("Article", "storable"), ("Assembly", "storable"), ("Service", "service")},
        )

    def test_predefined_types_cannot_be_deleted(self):
        with self.assertRaisesRegex(UserError, "predefined inventory types cannot be deleted"):
            self.type_service.with_user(self.stock_manager).unlink()
        self.assertTrue(self.type_service.exists())

    def test_predefined_type_keeps_its_product_type(self):
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            self.type_article.with_user(self.stock_manager).product_type = "service"

    def test_user_defined_type(self):
        Type = self.env["bhima.inventory.type"].with_user(self.stock_manager)
        kit = Type.create({"name": "Donation kit", "product_type": "consumable"})
        article = self._create_article("Hygiene kit", inventory_type=kit)
        self.assertEqual(article.type, "consu")
        self.assertFalse(article.is_storable)
        article.unlink()
        kit.unlink()
        self.assertFalse(kit.exists())

    def test_plain_user_reads_but_cannot_create_types(self):
        Type = self.env["bhima.inventory.type"].with_user(self.stock_user)
        self.assertEqual(Type.search_count([("is_predefined", "=", True)]), 3)
        with self.assertRaises(AccessError):
            Type.create({"name": "Forbidden type"})


@tagged("post_install", "-at_install")
class TestInventoryUnits(BhimaStockCommon):
    def test_predefined_galenic_forms(self):
        units = self.env["uom.uom"].search([("bhima_predefined", "=", True)])
        tokens = set(units.mapped("bhima_token"))
        self.assertEqual(len(units), 42)
        for token in (
            "TABLET",
            "CAPSULE",
            "AMPOULE",
            "VIAL",
            "BOTTLE",
            "BOX",
            "TUBE",
            "SACHET",
            "SYRUP",
        ):
            self.assertIn(token, tokens)
        self.assertTrue(all(units.mapped("is_galenic_form")))
        self.assertEqual(self.unit_tablet.bhima_abbreviation, "tab")

    def test_predefined_unit_cannot_be_modified_or_deleted(self):
        unit = self.unit_tablet.with_user(self.stock_manager)
        with self.assertRaisesRegex(UserError, "cannot be modified"):
            unit.name = "Pill"
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            unit.unlink()
        unit.active = False  # archiving stays possible
        self.assertFalse(self.unit_tablet.active)

    def test_user_adds_and_removes_a_unit(self):
        unit = (
            self.env["uom.uom"]
            .with_user(self.stock_manager)
            .create({"name": "Blister", "bhima_abbreviation": "bls", "is_galenic_form": True})
        )
        unit.name = "Blister of 10"
        self.assertEqual(unit.name, "Blister of 10")
        unit.unlink()
        self.assertFalse(unit.exists())

    def test_plain_user_cannot_create_units(self):
        with self.assertRaises(AccessError):
            self.env["uom.uom"].with_user(self.stock_user).create({"name": "Drop"})


@tagged("post_install", "-at_install")
class TestSettings(BhimaStockCommon):
    def test_bhima_default_settings(self):
        company = self.env["res.company"].create({"name": "Other hospital"})
        self.assertEqual(company.bhima_month_average_consumption, 6)
        self.assertEqual(company.bhima_average_consumption_algo, "algo_msh")
        self.assertEqual(company.bhima_min_delay, 1.0)
        self.assertEqual(company.bhima_default_purchase_interval, 0.0)
        self.assertEqual(company.bhima_default_min_months_security_stock, 2.0)
        self.assertFalse(company.bhima_strict_depot_permission)
        self.assertFalse(company.bhima_strict_depot_distribution)
        self.assertFalse(company.bhima_supplier_credit)

    def test_settings_are_saved_on_the_company(self):
        settings = self.env["res.config.settings"].create(
            {"bhima_month_average_consumption": 12, "bhima_average_consumption_algo": "algo_def"}
        )
        settings.execute()
        self.assertEqual(self.company.bhima_month_average_consumption, 12)
        self.assertEqual(self.company.bhima_average_consumption_algo, "algo_def")

    def test_settings_must_be_positive(self):
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self.company.bhima_month_average_consumption = 0
            self.env.flush_all()


@tagged("post_install", "-at_install")
class TestMenus(BhimaStockCommon):
    def _visible(self, user, xmlid):
        menu = self.env.ref(xmlid)
        return menu.id in self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()

    def test_app_menu_per_group(self):
        self.assertTrue(self._visible(self.stock_user, "bhima_stock.bhima_stock_menu_root"))
        self.assertTrue(
            self._visible(self.stock_user, "bhima_stock.product_template_menu_bhima_register")
        )
        self.assertFalse(
            self._visible(self.stock_user, "bhima_stock.bhima_stock_menu_configuration")
        )
        self.assertTrue(
            self._visible(self.stock_manager, "bhima_stock.product_category_menu_bhima")
        )
        self.assertTrue(self._visible(self.stock_manager, "bhima_stock.uom_uom_menu_bhima"))
        self.assertFalse(self._visible(self.employee, "bhima_stock.bhima_stock_menu_root"))
