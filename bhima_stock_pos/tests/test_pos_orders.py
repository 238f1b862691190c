from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import BhimaPosCommon


@tagged("post_install", "-at_install")
class TestPosOrders(BhimaPosCommon):
    """Sales at a stock point take its stock at the moment of the order, lots
    first expiry first out; refunds put it back; an order synced later from
    offline is taken once, at sync."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._entry("initial", [{"product_id": cls.water.id, "quantity": 10, "unit_price": 0.4}])
        cls.lot_late = cls._lot("CAF-LATE", expiration=fields.Datetime.now() + timedelta(days=200))
        cls.lot_early = cls._lot("CAF-EARLY", expiration=fields.Datetime.now() + timedelta(days=30))
        cls._entry(
            "initial",
            [
                {
                    "product_id": cls.product.id,
                    "quantity": 4,
                    "unit_price": 2,
                    "lot_name": "CAF-LATE",
                },
                {
                    "product_id": cls.product.id,
                    "quantity": 5,
                    "unit_price": 2,
                    "lot_name": "CAF-EARLY",
                },
            ],
        )

    def test_sale_takes_stock_at_order_time(self):
        session = self._open_session()
        self.assertFalse(session.update_stock_at_closing)
        self.assertFalse(self.cashier.has_group("stock.group_stock_user"))
        order = self._sell(session, [(self.water, 3)])
        self.assertEqual(order.state, "paid")
        self.assertEqual(session.state, "opened", "the session is still open")
        self.assertEqual(self._point_stock(self.water), 7)
        self.assertEqual(order.picking_ids.state, "done")
        self.assertEqual(order.picking_ids.location_id, self.point.lot_stock_id)
        history = self.point.bhima_pos_history(product_ids=[self.water.id])
        self.assertEqual(history[0]["kind"], "sale")
        self.assertEqual(history[0]["quantity"], -3)
        self.assertEqual(history[0]["pos_order"], order.name)

    def test_lots_first_expiry_first_out_and_refund(self):
        session = self._open_session()
        order = self._sell(session, [(self.product, 7)])
        taken = {line.lot_id.name: line.quantity for line in order.picking_ids.move_line_ids}
        self.assertEqual(taken, {"CAF-EARLY": 5, "CAF-LATE": 2})
        self.assertEqual(self._point_stock(self.product, self.lot_early), 0)
        self.assertEqual(self._point_stock(self.product, self.lot_late), 2)
        refund = self._sell(session, [(self.product, -3)], refund_of=order)
        self.assertEqual(refund.picking_ids.state, "done")
        back = {line.lot_id.name: line.quantity for line in refund.picking_ids.move_line_ids}
        self.assertEqual(
            back, {"CAF-LATE": 2, "CAF-EARLY": 1}, "the last lots taken come back first"
        )
        self.assertEqual(self._point_stock(self.product), 5)
        kinds = [row["kind"] for row in self.point.bhima_pos_history(product_ids=[self.product.id])]
        self.assertEqual(kinds[:2], ["refund", "refund"])

    def test_expired_lot_is_never_sold(self):
        self.lot_early.expiration_date = fields.Datetime.now() - timedelta(days=2)
        session = self._open_session()
        order = self._sell(session, [(self.product, 3)])
        self.assertEqual(order.picking_ids.move_line_ids.lot_id, self.lot_late)
        self.assertEqual(self._point_stock(self.product, self.lot_early), 5)

    def test_offline_order_is_taken_once_at_sync(self):
        session = self._open_session()
        data = self._order_data(session, [(self.water, 2)])
        data["date_order"] = fields.Datetime.to_string(fields.Datetime.now() - timedelta(hours=3))
        before_sync = fields.Datetime.now()
        Order = self.env["pos.order"].with_user(self.cashier)
        Order.sync_from_ui([dict(data)])
        Order.sync_from_ui([dict(data)])  # the till sends it again
        order = self.env["pos.order"].search([("uuid", "=", data["uuid"])])
        self.assertEqual(len(order), 1)
        self.assertEqual(len(order.picking_ids), 1)
        self.assertGreaterEqual(order.picking_ids.date_done, before_sync.replace(microsecond=0))
        self.assertEqual(self._point_stock(self.water), 8)

    def test_real_time_even_when_the_company_updates_at_closing(self):
        self.env.company.point_of_sale_update_stock_quantities = "closing"
        session = self._open_session()
        self.assertFalse(session.update_stock_at_closing)
        self._sell(session, [(self.water, 4)])
        self.assertEqual(self._point_stock(self.water), 6)
        session.post_closing_cash_details(0)
        session.close_session_from_ui()
        self.assertEqual(session.state, "closed")
        self.assertEqual(self._point_stock(self.water), 6, "closing takes nothing twice")

    def test_portion_sale_takes_a_part_of_a_unit(self):
        self._entry("initial", [{"product_id": self.wine.id, "quantity": 4, "unit_price": 10}])
        session = self._open_session()
        self._sell(session, [(self.wine, 3)])
        row = self.point.bhima_pos_stock(product_ids=[self.wine.id])[0]
        self.assertEqual(row["quantity"], 17)
        self.assertEqual((row["units"], row["parts"]), (3, 2))
        self.assertEqual(row["display"], "3 Test Bottle of 5 + 2 Test Glass")

    def test_selling_beyond_stock_is_recorded(self):
        session = self._open_session()
        self._sell(session, [(self.water, 12)])
        self.assertEqual(self._point_stock(self.water), -2)
        row = self.point.bhima_pos_stock(product_ids=[self.water.id])[0]
        self.assertTrue(row["alert"])

    def test_untracked_article_sells_without_limit(self):
        self.point.bhima_pos_set_tracking(self.water.id, False)
        session = self._open_session()
        order = self._sell(session, [(self.water, 50)])
        self.assertEqual(order.state, "paid")
        self.point.bhima_pos_set_tracking(self.water.id, True)
        self.assertEqual(self._point_stock(self.water), 10, "quantities unchanged")
        row = self.point.bhima_pos_history(product_ids=[self.water.id])[0]
        self.assertEqual((row["kind"], row["tracked"]), ("sale", False))
        with self.assertRaisesRegex(UserError, "is set by the application"):
            order.picking_ids.move_ids.with_user(self.point_manager).bhima_pos_untracked = False

    def test_till_reads_the_stock_of_its_point(self):
        self.point.bhima_pos_set_alert_threshold(self.water.id, 10)
        rows = self.config.with_user(self.cashier).bhima_pos_stock_state()
        water = next(row for row in rows if row["product_id"] == self.water.id)
        self.assertEqual(water["quantity"], 10)
        self.assertTrue(water["alert"], "at the threshold is an alert")
        info = self.water.product_tmpl_id.with_user(self.cashier).get_product_info_pos(
            1.0, 1, self.config.id
        )
        self.assertEqual(info["bhima_stock_point"]["quantity"], 10)
        self.config.with_user(self.cashier).bhima_pos_set_alert_threshold(self.water.id, 3)
        rows = self.config.with_user(self.cashier).bhima_pos_stock_state()
        water = next(row for row in rows if row["product_id"] == self.water.id)
        self.assertFalse(water["alert"])
