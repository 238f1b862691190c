from odoo.tests import HttpCase, tagged

from odoo.addons.bhima_stock.tests.rpc_client import RpcClientMixin

from .common import BhimaPosCommon


@tagged("post_install", "-at_install")
class TestRpcStockPoints(RpcClientMixin, BhimaPosCommon, HttpCase):
    """The stock of a point, entries and exits over real XML-RPC and JSON-2,
    with a cashier (point of sale user, no stock group) and the point's manager
    (a BHIMA stock user who manages the point)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._entry("initial", [{"product_id": cls.water.id, "quantity": 10, "unit_price": 0.4}])

    def _movements(self):
        return self.env["bhima.stock.movement"].search_count([])

    def test_cashier_reads_the_stock_of_its_point(self):
        for transport in self.TRANSPORTS:
            with self.subTest(transport=transport):
                ok, rows = self._call_method(
                    transport,
                    self.cashier,
                    "pos.config",
                    "bhima_pos_stock_state",
                    ids=[self.config.id],
                )
                self.assertTrue(ok, rows)
                water = next(row for row in rows if row["product_id"] == self.water.id)
                self.assertEqual((water["quantity"], water["display"]), (10, "10 Units"))
                ok, rows = self._call_method(
                    transport,
                    self.cashier,
                    "pos.config",
                    "bhima_pos_stock_since_count",
                    ids=[self.config.id],
                    alerts_only=False,
                )
                self.assertTrue(ok, rows)
                self.assertEqual(rows[0]["entries"], 10)

    def test_cashier_moves_no_stock_by_hand(self):
        before = self._movements()
        for transport in self.TRANSPORTS:
            with self.subTest(transport=transport):
                ok, message = self._call_method(
                    transport,
                    self.cashier,
                    "stock.warehouse",
                    "bhima_pos_exit",
                    ids=[self.point.id],
                    reason="loss",
                    lines=[{"product_id": self.water.id, "quantity": 2}],
                )
                self.assertFalse(ok)
                self.assertIn("not allowed", message)
                ok, message = self._call_method(
                    transport,
                    self.cashier,
                    "stock.warehouse",
                    "bhima_pos_entry",
                    ids=[self.point.id],
                    kind="delivery",
                    partner_id=self.supplier.id,
                    lines=[{"product_id": self.water.id, "quantity": 2}],
                )
                self.assertFalse(ok)
                self.assertIn("not allowed", message)
        self.assertEqual(self._movements(), before)
        self.assertEqual(self._point_stock(self.water), 10)

    def test_manager_enters_takes_out_and_reads_the_history(self):
        ok, result = self._call_method(
            "json2",
            self.point_manager,
            "stock.warehouse",
            "bhima_pos_entry",
            ids=[self.point.id],
            kind="delivery",
            partner_id=self.supplier.id,
            lines=[{"product_id": self.water.id, "quantity": 6, "unit_price": 0.5}],
        )
        self.assertTrue(ok, result)
        self.assertTrue(result["name"].startswith("SM.1."))
        self.assertEqual(result["value"], 3.0)
        ok, result = self._call_method(
            "xmlrpc",
            self.point_manager,
            "stock.warehouse",
            "bhima_pos_exit",
            ids=[self.point.id],
            reason="breakage",
            lines=[{"product_id": self.water.id, "quantity": 1}],
            comment="Dropped",
        )
        self.assertTrue(ok, result)
        self.assertTrue(result["name"].startswith("SM.11."))
        for transport in self.TRANSPORTS:
            with self.subTest(transport=transport):
                ok, rows = self._call_method(
                    transport,
                    self.point_manager,
                    "stock.warehouse",
                    "bhima_pos_stock",
                    ids=[self.point.id],
                    product_ids=[self.water.id],
                )
                self.assertTrue(ok, rows)
                self.assertEqual(rows[0]["quantity"], 15)
                self.assertEqual(rows[0]["last_purchase_price"], 0.5)
                ok, rows = self._call_method(
                    transport,
                    self.point_manager,
                    "stock.warehouse",
                    "bhima_pos_history",
                    ids=[self.point.id],
                )
                self.assertTrue(ok, rows)
                self.assertEqual(
                    [(row["kind"], row["quantity"]) for row in rows],
                    [("loss", -1), ("delivery", 6), ("initial", 10)],
                )
                self.assertEqual(rows[0]["comment"], "Dropped")

    def test_bad_input_is_refused_clearly_and_writes_nothing(self):
        before = self._movements()
        cases = [
            ([{"product_id": self.water.id, "quantity": 0}], "greater than zero"),
            ([{"product_id": self.water.id, "quantity": -4}], "(greater than zero|negative)"),
            ([{"product_id": 987654321, "quantity": 1}], "The article 987654321 does not exist."),
        ]
        for transport in self.TRANSPORTS:
            for lines, message in cases:
                with self.subTest(transport=transport, lines=lines):
                    ok, error = self._call_method(
                        transport,
                        self.point_manager,
                        "stock.warehouse",
                        "bhima_pos_entry",
                        ids=[self.point.id],
                        kind="delivery",
                        partner_id=self.supplier.id,
                        lines=lines,
                    )
                    self.assertFalse(ok)
                    self.assertRegex(error, message)
                    ok, error = self._call_method(
                        transport,
                        self.point_manager,
                        "stock.warehouse",
                        "bhima_pos_exit",
                        ids=[self.point.id],
                        reason="loss",
                        lines=lines,
                    )
                    self.assertFalse(ok)
                    self.assertRegex(error, message)
        self.assertEqual(self._movements(), before)
        self.assertEqual(self._point_stock(self.water), 10)

    def test_errors_are_translated(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["bhima_stock_pos"], ["fr_FR"], overwrite=True
        )
        for transport in self.TRANSPORTS:
            with self.subTest(transport=transport):
                ok, error = self._call_method(
                    transport,
                    self.point_manager,
                    "stock.warehouse",
                    "bhima_pos_exit",
                    ids=[self.point.id],
                    reason="loss",
                    lines=[{"product_id": 987654321, "quantity": 1}],
                    context={"lang": "fr_FR"},
                )
                self.assertFalse(ok)
                self.assertIn("L'article 987654321 n'existe pas.", error)
