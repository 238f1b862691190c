from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import BhimaMovementCommon
from .rpc_client import RpcClientMixin


@tagged("post_install", "-at_install")
class TestRegistersOverRpc(RpcClientMixin, BhimaMovementCommon, HttpCase):
    """The registers and reports over XML-RPC and JSON-2 (search_read,
    formatted_read_group, the stock sheet), as restricted users, with strict
    depot permission off and on; bad input gets a clear error."""

    REGISTERS = (
        "bhima.stock.inventory.register",
        "bhima.stock.lot.register",
        "bhima.stock.value.report",
        "bhima.stock.consumption.report",
    )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._purchase(cls.depot_a, "RPC-A", 40, 3.0)
        cls._purchase(cls.depot_b, "RPC-B", 25, 5.0)
        cls._movement(9, cls.depot_a, [{"quantity": 4}], partner_id=cls.patient.id)
        cls._movement(9, cls.depot_b, [{"quantity": 5}], partner_id=cls.patient.id)
        cls.accountant = cls.env["res.users"].create(
            {
                "name": "Accountant",
                "login": "accountant",
                "password": "accountant",
                "group_ids": [(6, 0, [cls.env.ref("account.group_account_readonly").id])],
            }
        )

    def _depots_seen(self, transport, user, model, context=None):
        domain = [("product_id", "=", self.product.id)]
        if transport == "xmlrpc":
            kwargs = {"fields": ["depot_id"]}
            if context:
                kwargs["context"] = context
            ok, rows = self._xmlrpc(user, model, "search_read", domain, **kwargs)
        else:
            kwargs = {"domain": domain, "fields": ["depot_id"]}
            if context:
                kwargs["context"] = context
            ok, rows = self._json2(user, model, "search_read", **kwargs)
        self.assertTrue(ok, rows)
        return {row["depot_id"][1] for row in rows}

    def test_values_over_both_transports(self):
        for transport in self.TRANSPORTS:
            with self.subTest(transport=transport):
                ok, rows = self._search_read(
                    transport,
                    self.pharmacist,
                    "bhima.stock.inventory.register",
                    [("product_id", "=", self.product.id), ("depot_id", "=", self.depot_a.id)],
                    ["quantity", "cmm_msh", "cmm_def", "status", "last_movement_date"],
                )
                self.assertTrue(ok, rows)
                self.assertEqual(len(rows), 1)
                self.assertEqual(rows[0]["quantity"], 36)
                self.assertIn(rows[0]["status"], ("security_reached", "unused_stock", "in_stock",
                                                  "minimum_reached", "over_maximum"))  # fmt: skip
                kwargs = {
                    "domain": [("product_id", "=", self.product.id)],
                    "groupby": ["depot_id"],
                    "aggregates": ["quantity:sum", "value:sum"],
                }
                if transport == "xmlrpc":
                    ok, groups = self._xmlrpc(
                        self.pharmacist,
                        "bhima.stock.value.report",
                        "formatted_read_group",
                        **kwargs,
                    )
                else:
                    ok, groups = self._json2(
                        self.pharmacist,
                        "bhima.stock.value.report",
                        "formatted_read_group",
                        **kwargs,
                    )
                self.assertTrue(ok, groups)
                values = {group["depot_id"][1]: group["value:sum"] for group in groups}
                average = (40 * 3.0 + 25 * 5.0) / 65  # one average cost for the company
                self.assertAlmostEqual(values["Test Central Pharmacy"], 36 * average, places=2)
                self.assertAlmostEqual(values["Test Ward"], 20 * average, places=2)
                ok, sheet = self._call_method(
                    transport,
                    self.pharmacist,
                    "bhima.stock.sheet",
                    "get_stock_sheet",
                    product_id=self.product.id,
                    depot_id=self.depot_a.id,
                )
                self.assertTrue(ok, sheet)
                self.assertEqual(sheet["closing"]["quantity"], 36)
                self.assertEqual([row["quantity_in"] for row in sheet["rows"]], [40, 0])

    def test_strict_depot_permission(self):
        depots = {"Test Central Pharmacy", "Test Ward"}
        for transport in self.TRANSPORTS:
            with self.subTest(transport=transport, strict=False):
                self.company.bhima_strict_depot_permission = False
                for model in self.REGISTERS:
                    self.assertEqual(self._depots_seen(transport, self.outsider, model), depots)
            with self.subTest(transport=transport, strict=True):
                self.company.bhima_strict_depot_permission = True
                for model in self.REGISTERS:
                    self.assertEqual(self._depots_seen(transport, self.outsider, model), set())
                    self.assertEqual(self._depots_seen(transport, self.nurse, model), {"Test Ward"})
                    self.assertEqual(self._depots_seen(transport, self.pharmacist, model), depots)
                    self.assertEqual(
                        self._depots_seen(transport, self.stock_manager, model), depots
                    )
                # asking for a depot one may not see is an error, not an empty answer
                ok, message = self._xmlrpc(
                    self.nurse, "bhima.stock.inventory.register", "search_read", [],
                    fields=["depot_id"], context={"bhima_depot_ids": self.depot_a.ids},
                ) if transport == "xmlrpc" else self._json2(
                    self.nurse, "bhima.stock.inventory.register", "search_read", domain=[],
                    fields=["depot_id"], context={"bhima_depot_ids": self.depot_a.ids},
                )  # fmt: skip
                self.assertFalse(ok)
                self.assertIn("Unknown depot", message)
                ok, message = self._call_method(
                    transport, self.nurse, "bhima.stock.sheet", "get_stock_sheet",
                    product_id=self.product.id, depot_id=self.depot_a.id,
                )  # fmt: skip
                self.assertFalse(ok)
                self.assertIn("Unknown depot", message)

    def test_users_of_other_apps(self):
        """An accountant reads the stock value; the registers are for stock users."""
        for transport in self.TRANSPORTS:
            with self.subTest(transport=transport):
                self.assertEqual(
                    self._depots_seen(transport, self.accountant, "bhima.stock.value.report"),
                    {"Test Central Pharmacy", "Test Ward"},
                )
                ok, message = self._search_read(
                    transport, self.accountant, "bhima.stock.lot.register", [], ["quantity"]
                )
                self.assertFalse(ok)
                self.assertIn("not allowed", message)

    def test_bad_input(self):
        tomorrow = fields.Date.to_string(fields.Date.today() + timedelta(days=2))
        for transport in self.TRANSPORTS:
            with self.subTest(transport=transport):
                for context, error in (
                    ({"bhima_date": tomorrow}, "in the future"),
                    ({"bhima_date": "not a date"}, "is not a date"),
                    ({"bhima_depot_ids": [424242]}, "Unknown depot: 424242"),
                ):
                    if transport == "xmlrpc":
                        ok, message = self._xmlrpc(
                            self.pharmacist, "bhima.stock.lot.register", "search_read", [],
                            fields=["quantity"], context=context,
                        )  # fmt: skip
                    else:
                        ok, message = self._json2(
                            self.pharmacist, "bhima.stock.lot.register", "search_read",
                            domain=[], fields=["quantity"], context=context,
                        )  # fmt: skip
                    self.assertFalse(ok, context)
                    self.assertIn(error, message)
                ok, message = self._call_method(
                    transport, self.pharmacist, "bhima.stock.sheet", "get_stock_sheet",
                    product_id=self.product.id,
                    date_from=fields.Date.to_string(fields.Date.today()),
                    date_to=fields.Date.to_string(fields.Date.today() - timedelta(days=3)),
                )  # fmt: skip
                self.assertFalse(ok)
                self.assertIn("before it starts", message)
