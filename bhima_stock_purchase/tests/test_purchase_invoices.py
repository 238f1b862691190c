from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.bhima_stock.tests.common import BhimaMovementCommon


@tagged("post_install", "-at_install")
class TestPurchaseInvoices(BhimaMovementCommon):
    """With purchase_stock: received lines move nothing; pending receipts are
    processed for the billed quantity; entries can receive a purchase order."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.expiry = fields.Date.today() + timedelta(days=300)

    def _order(self, quantity, price=4.0):
        order = self.env["purchase.order"].create(
            {
                "partner_id": self.supplier.id,
                "picking_type_id": self.depot_b.in_type_id.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "product_qty": quantity,
                            "price_unit": price,
                        }
                    )
                ],
            }
        )
        order.button_confirm()
        return order

    def _bill(self, order, quantity=None, lot="PO-LOT", expiry=True, post=True):
        order.order_line.qty_received_manual = 0
        action = order.action_create_invoice()
        bill = self.env["account.move"].browse(action["res_id"])
        bill.invoice_date = fields.Date.today()
        line = bill.invoice_line_ids
        line.write(
            {
                "quantity": quantity if quantity is not None else order.order_line.product_qty,
                "bhima_lot_name": lot,
                "bhima_expiration_date": self.expiry if expiry else False,
            }
        )
        if post:
            bill.action_post()
        return bill

    def _receive(self, picking, quantity, lot_name):
        lot = self._lot(lot_name)
        move = picking.move_ids
        move.move_line_ids.unlink()
        move.move_line_ids = [
            Command.create(
                {
                    "product_id": self.product.id,
                    "lot_id": lot.id,
                    "quantity": quantity,
                    "location_id": move.location_id.id,
                    "location_dest_id": move.location_dest_id.id,
                }
            )
        ]
        move.picked = True
        picking._action_done()

    def test_received_lines_move_nothing(self):
        order = self._order(10)
        self._receive(order.picking_ids, 10, "RCV-1")
        self.assertEqual(self._stock(self.depot_b), 10)
        bill = self._bill(order)
        self.assertFalse(bill.bhima_movement_ids)
        self.assertEqual(self._stock(self.depot_b), 10)
        self.assertIn("already moved by", bill.message_ids[0].body)

    def test_pending_receipt_is_processed_under_the_bill_lot(self):
        order = self._order(10)
        picking = order.picking_ids
        bill = self._bill(order, quantity=6, lot="BILL-LOT")
        self.assertFalse(bill.bhima_movement_ids, "one movement per unit: the receipt's")
        self.assertEqual(picking.state, "done")
        lot = picking.move_ids.move_line_ids.lot_id
        self.assertEqual((lot.name, lot.expiration_date.date()), ("BILL-LOT", self.expiry))
        self.assertEqual(self._stock(self.depot_b, lot=lot), 6)
        self.assertEqual(order.order_line.qty_received, 6)
        self.assertEqual(
            (order.picking_ids - picking).move_ids.product_uom_qty,
            4,
            "the rest waits in a backorder",
        )
        bill.button_draft()
        self.assertEqual(self._stock(self.depot_b, lot=lot), 0)
        self.assertEqual(order.order_line.qty_received, 0)
        bill.action_post()
        self.assertEqual(self._stock(self.depot_b), 6)

    def test_pending_receipt_needs_the_expiration_date(self):
        order = self._order(3)
        bill = self._bill(order, expiry=False, post=False)
        with self.assertRaisesRegex(UserError, "give the lot's expiration date on the line"):
            bill.action_post()
        self.assertEqual(bill.state, "draft")
        self.assertEqual(order.picking_ids.state, "assigned")

    def test_entry_from_a_purchase_order(self):
        order = self._order(12, price=5.0)
        movement = self.env["bhima.stock.movement"].create(
            {
                "flux_id": self._flux(1).id,
                "depot_id": self.depot_b.id,
                "purchase_id": order.id,
            }
        )
        movement.action_load_purchase_lines()
        self.assertEqual(movement.partner_id, self.supplier)
        self.assertEqual((movement.line_ids.quantity, movement.line_ids.unit_cost), (12, 5.0))
        movement.line_ids.write(
            {"quantity": 8, "lot_name": "PO-ENT", "expiration_date": self.expiry}
        )
        movement.action_validate()
        self.assertAlmostEqual(movement.value_total, 40.0)
        self.assertEqual(order.order_line.qty_received, 8)
        pending = order.picking_ids.move_ids.filtered(lambda m: m.state not in ("done", "cancel"))
        self.assertEqual(
            sum(pending.mapped("product_uom_qty")), 4, "the order's receipt waits for the rest only"
        )
        movement = self.env["bhima.stock.movement"].create(
            {"flux_id": self._flux(1).id, "depot_id": self.depot_b.id, "purchase_id": order.id}
        )
        movement.action_load_purchase_lines()
        self.assertEqual(movement.line_ids.quantity, 4)
