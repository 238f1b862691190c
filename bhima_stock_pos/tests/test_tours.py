from odoo.tests import HttpCase, tagged

from .common import BhimaPosCommon


@tagged("post_install", "-at_install")
class TestPosTours(BhimaPosCommon, HttpCase):
    """The till of a stock point in headless Chromium, as a cashier without any
    stock group."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._entry("initial", [{"product_id": cls.water.id, "quantity": 10, "unit_price": 0.4}])

    def _tour(self, name):
        self.start_tour(f"/pos/ui/{self.config.id}", name, login=self.cashier.login)

    def test_sale(self):
        self._tour("bhima_stock_pos_sale")
        order = self.env["pos.order"].search([("config_id", "=", self.config.id)])
        self.assertEqual(order.picking_ids.state, "done")
        self.assertEqual(self._point_stock(self.water), 8)

    def test_refund(self):
        self._tour("bhima_stock_pos_refund")
        refund = self.env["pos.order"].search(
            [("config_id", "=", self.config.id), ("is_refund", "=", True)]
        )
        self.assertEqual(refund.picking_ids.state, "done")
        self.assertEqual(self._point_stock(self.water), 8, "10 - 3 sold + 1 refunded")

    def test_quantity_shown_and_threshold_from_the_till(self):
        self._tour("bhima_stock_pos_quantity_shown")
        line = self.env["bhima.pos.stock.line"].search(
            [("depot_id", "=", self.point.id), ("product_id", "=", self.water.id)]
        )
        self.assertEqual((line.own_threshold, line.own_alert_threshold), (True, 8))

    def test_alert_mark_and_state_of_stock(self):
        juice = self.env["product.product"].create(
            {
                "name": "Test Orange Juice",
                "is_storable": True,
                "available_in_pos": True,
                "list_price": 1.5,
                "taxes_id": [(5, 0, 0)],
                "bhima_pos_alert_threshold": 3,
            }
        )
        self._entry("initial", [{"product_id": juice.id, "quantity": 3, "unit_price": 0.8}])
        self._tour("bhima_stock_pos_alerts")

    def test_portion_sale(self):
        self._entry("initial", [{"product_id": self.wine.id, "quantity": 4, "unit_price": 10}])
        self._tour("bhima_stock_pos_portion")
        self.assertEqual(self._point_stock(self.wine), 19, "one glass of 20")

    def test_selling_beyond_stock_is_blocked(self):
        self.point.bhima_pos_oversell = "block"
        self.point.bhima_pos_exit("loss", [{"product_id": self.water.id, "quantity": 9}])
        self._tour("bhima_stock_pos_block")

    def test_selling_beyond_stock_warns_the_cashier(self):
        self.point.bhima_pos_oversell = "warn"
        self.point.bhima_pos_exit("loss", [{"product_id": self.water.id, "quantity": 9}])
        self._tour("bhima_stock_pos_warn")
        self.assertEqual(self._point_stock(self.water), -1, "sold beyond the stock, as allowed")


@tagged("post_install", "-at_install")
class TestBackOfficeTours(BhimaPosCommon, HttpCase):
    def test_create_a_stock_point_enter_and_take_out(self):
        till = self.env["pos.config"].create(
            {"name": "Tour Till", "payment_method_ids": [(6, 0, self.bank.ids)]}
        )
        self.start_tour(
            "/odoo/action-bhima_stock_pos.stock_warehouse_action_bhima_pos",
            "bhima_stock_pos_back_office",
            login=self.stock_manager.login,
        )
        point = self.env["stock.warehouse"].search([("name", "=", "Tour Snack Bar")])
        self.assertTrue(point.bhima_pos_stock_point)
        self.assertEqual(till.bhima_stock_point_id, point)
        self.assertEqual(till.picking_type_id, point.pos_type_id)
        self.assertEqual(self._point_stock(self.water, point=point), 10)
        loss = self.env["bhima.stock.movement"].search(
            [("depot_id", "=", point.id), ("flux_id.code", "=", 11)]
        )
        self.assertEqual(loss.loss_reason, "broken")
