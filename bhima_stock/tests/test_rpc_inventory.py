from xmlrpc.client import Fault

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import BhimaStockCommon

RPC_LOGGERS = ("odoo.addons.rpc.controllers.xmlrpc", "odoo.http")


@tagged("post_install", "-at_install")
class TestInventoryXmlRpc(BhimaStockCommon, HttpCase):
    """A stock manager configures the inventory over XML-RPC; a plain user is
    refused where the access rights say so."""

    def _login(self, login):
        uid = self.xmlrpc_common.authenticate(
            self.env.cr.dbname, login, login + "x" * (8 - len(login)), {}
        )
        self.assertTrue(uid, f"authentication failed for {login}")
        return uid, login + "x" * (8 - len(login))

    def _call(self, login, model, method, *args, **kwargs):
        uid, password = self._login(login)
        with mute_logger(*RPC_LOGGERS):
            return self.xmlrpc_object.execute_kw(
                self.env.cr.dbname, uid, password, model, method, list(args), kwargs
            )

    def test_manager_configures_an_article(self):
        group_id = self._call(
            "bhima_manager",
            "product.category",
            "create",
            {
                "name": "Antimalarials",
                "bhima_code": "AMAL",
                "property_valuation": "real_time",
                "property_stock_valuation_account_id": self.account_stock.id,
                "property_account_expense_categ_id": self.account_expense.id,
                "property_account_income_categ_id": self.account_income.id,
            },
        )
        type_id = self._call("bhima_manager", "bhima.inventory.type", "create", {"name": "Reagent"})
        unit_id = self._call(
            "bhima_manager", "uom.uom", "create", {"name": "Blister", "is_galenic_form": True}
        )
        article_id = self._call(
            "bhima_manager",
            "product.template",
            "create",
            {
                "name": "Artemether-lumefantrine 20/120",
                "default_code": "AL-24",
                "categ_id": group_id,
                "bhima_type_id": type_id,
                "uom_id": unit_id,
                "list_price": 800,
                "bhima_consumable": True,
            },
        )
        [article] = self._call(
            "bhima_manager",
            "product.template",
            "read",
            [article_id],
            fields=["categ_id", "bhima_type_id", "uom_id", "is_storable", "tracking"],
        )
        self.assertEqual(article["categ_id"][0], group_id)
        self.assertEqual(article["bhima_type_id"][0], type_id)
        self.assertEqual(article["uom_id"][0], unit_id)
        self.assertTrue(article["is_storable"])
        self.assertEqual(article["tracking"], "lot")

    def test_missing_group_is_a_clear_error(self):
        with self.assertRaises(Fault) as error:
            self._call(
                "bhima_manager",
                "product.template",
                "create",
                {
                    "name": "Orphan",
                    "bhima_type_id": self.type_article.id,
                    "uom_id": self.unit_tablet.id,
                },
            )
        self.assertIn("needs an inventory group", error.exception.faultString)

    def test_plain_user_is_refused(self):
        self.assertTrue(
            self._call("bhima_user", "bhima.inventory.type", "search_read", [], fields=["name"])
        )
        for model, values in (
            ("bhima.inventory.type", {"name": "Forbidden"}),
            ("uom.uom", {"name": "Forbidden"}),
            ("product.category", {"name": "Forbidden"}),
            (
                "product.template",
                {
                    "name": "Forbidden",
                    "categ_id": self.group_medicines.id,
                    "bhima_type_id": self.type_article.id,
                    "uom_id": self.unit_tablet.id,
                },
            ),
        ):
            with self.subTest(model=model), self.assertRaises(Fault) as error:
                self._call("bhima_user", model, "create", values)
            self.assertIn("You are not allowed", error.exception.faultString)
        with self.assertRaises(Fault) as error:
            self._call("bhima_user", "bhima.inventory.type", "unlink", [self.type_service.id])
        self.assertIn("You are not allowed", error.exception.faultString)
