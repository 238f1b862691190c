from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from odoo.addons.bhima_stock.tests.common import BhimaMovementCommon


@tagged("post_install", "-at_install")
class TestSaleInvoices(BhimaMovementCommon):
    """With sale_stock: delivered lines move nothing; pending deliveries are
    processed for the invoiced quantity; un-validation returns them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.today()
        cls.lot_early = cls._purchase(
            cls.depot_a, "SO-EARLY", 6, 10, expiration=today + timedelta(days=20)
        ).line_ids.lot_id
        cls.lot_late = cls._purchase(
            cls.depot_a, "SO-LATE", 10, 10, expiration=today + timedelta(days=80)
        ).line_ids.lot_id
        cls.article.invoice_policy = "order"

    def _order(self, quantity):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.patient.id,
                "warehouse_id": self.depot_a.id,
                "order_line": [
                    Command.create({"product_id": self.product.id, "product_uom_qty": quantity})
                ],
            }
        )
        order.action_confirm()
        return order

    def _deliver(self, picking, quantity):
        move = picking.move_ids
        move._action_assign()
        move._bhima_keep_quantity(quantity)
        move.picked = True
        picking._action_done()

    def _invoice(self, order, quantity=None):
        invoice = order._create_invoices()
        if quantity is not None:
            invoice.invoice_line_ids.quantity = quantity
        invoice.action_post()
        return invoice

    def test_delivered_lines_move_nothing(self):
        order = self._order(5)
        self._deliver(order.picking_ids, 5)
        self.assertEqual(self._stock(self.depot_a), 11)
        invoice = self._invoice(order)
        self.assertFalse(invoice.bhima_movement_ids)
        self.assertEqual(self._stock(self.depot_a), 11, "no second exit")
        self.assertIn("already moved by", invoice.message_ids[0].body)

    def test_pending_delivery_is_processed_for_the_invoiced_quantity(self):
        order = self._order(10)
        picking = order.picking_ids
        invoice = self._invoice(order, quantity=8)
        self.assertFalse(invoice.bhima_movement_ids, "one movement per unit: the delivery's")
        self.assertEqual(picking.state, "done")
        self.assertEqual(
            sorted((line.lot_id.name, line.quantity) for line in picking.move_ids.move_line_ids),
            [("SO-EARLY", 6), ("SO-LATE", 2)],
        )
        backorder = order.picking_ids - picking
        self.assertEqual(backorder.move_ids.product_uom_qty, 2)
        self.assertEqual(order.order_line.qty_delivered, 8)
        self.assertEqual(self._stock(self.depot_a), 8)
        self.assertIn("delivered by", invoice.message_ids[0].body)
        # un-validation returns exactly what the invoice processed
        invoice.button_draft()
        self.assertEqual(self._stock(self.depot_a, lot=self.lot_early), 6)
        self.assertEqual(self._stock(self.depot_a, lot=self.lot_late), 10)
        self.assertEqual(order.order_line.qty_delivered, 0)
        # validating again does not count twice: the returned goods leave once more
        invoice.action_post()
        self.assertEqual(self._stock(self.depot_a), 8)
        self.assertEqual(order.order_line.qty_delivered, 8)
        invoice.button_draft()
        self.assertEqual(self._stock(self.depot_a), 16)
        self.assertEqual(order.order_line.qty_delivered, 0)

    def test_partly_delivered_then_invoiced(self):
        order = self._order(10)
        self._deliver(order.picking_ids, 4)
        self.assertEqual(self._stock(self.depot_a), 12)
        invoice = self._invoice(order)
        self.assertEqual(self._stock(self.depot_a), 6)
        self.assertEqual(order.order_line.qty_delivered, 10)
        self.assertFalse(invoice.bhima_movement_ids)
        body = invoice.message_ids[0].body
        self.assertIn("4.00 Tablet already moved by", body)
        self.assertIn("6.00 Tablet delivered by", body)

    def test_invoice_without_order_still_moves(self):
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.patient.id,
                "bhima_depot_id": self.depot_a.id,
                "invoice_line_ids": [
                    Command.create({"product_id": self.product.id, "quantity": 3, "price_unit": 5})
                ],
            }
        )
        invoice.action_post()
        self.assertEqual(invoice.bhima_movement_ids.flux_id.code, 9)
        self.assertEqual(self._stock(self.depot_a), 13)

    def test_a_direct_exit_and_its_reversal_keep_the_delivered_quantity(self):
        order = self._order(5)
        order.picking_ids.action_cancel()
        invoice = self._invoice(order)
        self.assertEqual(invoice.bhima_movement_ids.flux_id.code, 9)
        self.assertEqual(self._stock(self.depot_a), 11)
        self.assertEqual(order.order_line.qty_delivered, 5)
        invoice.button_draft()
        self.assertEqual(self._stock(self.depot_a), 16)
        self.assertEqual(order.order_line.qty_delivered, 0)
        reversal = invoice.bhima_movement_ids.filtered("reversal_of_id")
        self.assertTrue(all(reversal.move_ids.mapped("to_refund")))
