from odoo.tests import HttpCase, tagged

from .rpc_client import RpcClientMixin
from .test_commercial_documents import CommercialDocumentsCommon


@tagged("post_install", "-at_install")
class TestCommercialDocumentsOverRpc(RpcClientMixin, CommercialDocumentsCommon, HttpCase):
    """Invoices created and posted over XML-RPC and JSON-2 move stock exactly as
    in the web client."""

    def _invoice_values(self, quantity):
        return {
            "move_type": "out_invoice",
            "partner_id": self.patient.id,
            "bhima_depot_id": self.depot_a.id,
            "invoice_line_ids": [
                (0, 0, {"product_id": self.product.id, "quantity": quantity, "price_unit": 9})
            ],
        }

    def test_post_and_reset_over_rpc(self):
        expected = 20
        for transport in self.TRANSPORTS:
            with self.subTest(transport=transport):
                ok, invoice_id = self._create(
                    transport, self.cashier, "account.move", self._invoice_values(3)
                )
                self.assertTrue(ok, invoice_id)
                ok, result = self._call_method(
                    transport, self.cashier, "account.move", "action_post", ids=[invoice_id]
                )
                self.assertTrue(ok, result)
                expected -= 3
                self.assertEqual(self._stock(self.depot_a), expected)
                invoice = self.env["account.move"].browse(invoice_id)
                self.assertEqual(self._active(invoice).flux_id.code, 9)
                ok, result = self._call_method(
                    transport, self.cashier, "account.move", "button_draft", ids=[invoice_id]
                )
                self.assertTrue(ok, result)
                expected += 3
                self.assertEqual(self._stock(self.depot_a), expected)
                self.assertFalse(self._active(invoice))

    def test_refusal_over_rpc_leaves_the_invoice_in_draft(self):
        for transport in self.TRANSPORTS:
            with self.subTest(transport=transport):
                ok, invoice_id = self._create(
                    transport, self.cashier, "account.move", self._invoice_values(50)
                )
                self.assertTrue(ok, invoice_id)
                ok, message = self._call_method(
                    transport, self.cashier, "account.move", "action_post", ids=[invoice_id]
                )
                self.assertFalse(ok)
                self.assertIn("cannot move the stock", message)
                self.assertIn("30.0 Tablet missing in the depot Test Central Pharmacy", message)
                self.env.invalidate_all()
                invoice = self.env["account.move"].browse(invoice_id)
                self.assertEqual(invoice.state, "draft")
                self.assertFalse(invoice.bhima_movement_ids)
                self.assertEqual(self._stock(self.depot_a), 20)
