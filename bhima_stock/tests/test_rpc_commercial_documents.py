from odoo.tests import HttpCase, new_test_user, tagged

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
                self.assertIn("30.00 Tablet missing in the depot Test Central Pharmacy", message)
                self.env.invalidate_all()
                invoice = self.env["account.move"].browse(invoice_id)
                self.assertEqual(invoice.state, "draft")
                self.assertFalse(invoice.bhima_movement_ids)
                self.assertEqual(self._stock(self.depot_a), 20)

    def test_accountant_posts_an_invoice_and_its_credit_note_over_rpc(self):
        """Point 6 of the ledger issue: an accountant (Billing, no stock group) who
        manages the depot."""
        accountant = new_test_user(
            self.env, "rpc_accountant", groups="account.group_account_invoice", name="Accountant"
        )
        self.depot_a.bhima_manager_ids |= accountant
        expected = 20
        for transport in self.TRANSPORTS:
            with self.subTest(transport=transport):
                ok, invoice_id = self._create(
                    transport, accountant, "account.move", self._invoice_values(4)
                )
                self.assertTrue(ok, invoice_id)
                ok, result = self._call_method(
                    transport, accountant, "account.move", "action_post", ids=[invoice_id]
                )
                self.assertTrue(ok, result)
                expected -= 4
                ok, credit_id = self._create(
                    transport,
                    accountant,
                    "account.move",
                    dict(
                        self._invoice_values(4),
                        move_type="out_refund",
                        reversed_entry_id=invoice_id,
                    ),
                )
                self.assertTrue(ok, credit_id)
                ok, result = self._call_method(
                    transport, accountant, "account.move", "action_post", ids=[credit_id]
                )
                self.assertTrue(ok, result)
                expected += 4
                self.assertEqual(self._stock(self.depot_a), expected)

    def test_fields_set_by_the_application_are_refused_over_rpc(self):
        """Point 4 of the ledger issue: a depot manager cannot give the fields only
        the application sets, nor change a validated movement."""
        invoice = self._invoice("out_invoice", [self._line(2)])
        exit_line = invoice._bhima_document_movements().line_ids[:1]
        for transport in self.TRANSPORTS:
            with self.subTest(transport=transport):
                values = {
                    "flux_id": self._flux(4).id,
                    "depot_id": self.depot_a.id,
                    "partner_id": self.patient.id,
                    "line_ids": [
                        {
                            "product_id": self.product.id,
                            "quantity": 2,
                            "origin_line_id": exit_line.id,
                        }
                    ],
                }
                ok, message = self._call_method(
                    transport,
                    self.pharmacist,
                    "bhima.stock.movement",
                    "create_and_validate",
                    values=values,
                )
                self.assertFalse(ok)
                self.assertIn("is set by the application", message)
                movement = exit_line.movement_id
                ok, message = self._write(
                    transport,
                    self.pharmacist,
                    "bhima.stock.movement",
                    [movement.id],
                    {"state": "draft"},
                )
                self.assertFalse(ok)
                ok, message = self._write(
                    transport,
                    self.pharmacist,
                    "bhima.stock.movement.line",
                    exit_line.ids,
                    {"quantity": 99},
                )
                self.assertFalse(ok)
                self.assertIn("it cannot be changed", message)
        self.assertEqual(self._stock(self.depot_a), 18)
