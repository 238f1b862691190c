from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import BhimaMovementCommon
from .rpc_client import RpcClientMixin


@tagged("post_install", "-at_install")
class TestMovementsOverRpc(RpcClientMixin, BhimaMovementCommon, HttpCase):
    """RPC clients create and validate entries, exits and transfers in at most
    two calls, over XML-RPC and JSON-2, as restricted users."""

    def _values(self, code, depot, lines, **values):
        return {"flux_id": self._flux(code).id, "depot_id": depot.id, "line_ids": lines, **values}

    def _entry_lines(self, lot_name, quantity=10, unit_cost=4.0):
        expiry = fields.Date.to_string(fields.Date.today() + timedelta(days=180))
        return [
            {
                "product_id": self.product.id,
                "lot_name": lot_name,
                "expiration_date": expiry,
                "quantity": quantity,
                "unit_cost": unit_cost,
            }
        ]

    def _create_and_validate(self, transport, user, values):
        return self._call_method(
            transport, user, "bhima.stock.movement", "create_and_validate", values=values
        )

    def test_entry_exit_and_transfer_in_two_calls(self):
        for transport in self.TRANSPORTS:
            with self.subTest(transport=transport):
                lot_name = f"RPC-{transport}"
                ok, entry = self._create_and_validate(
                    transport,
                    self.pharmacist,
                    self._values(
                        1, self.depot_a, self._entry_lines(lot_name), partner_id=self.supplier.id
                    ),
                )
                self.assertTrue(ok, entry)
                self.assertRegex(entry["name"], r"^SM\.1\.")
                self.assertEqual(len(entry["move_ids"]), 1)
                self.assertAlmostEqual(entry["value"], 40.0)
                lot = self.env["stock.lot"].search([("name", "=", lot_name)])
                self.assertEqual(self._stock(self.depot_a, lot=lot), 10)
                ok, exit_ = self._create_and_validate(
                    transport,
                    self.pharmacist,
                    self._values(
                        9,
                        self.depot_a,
                        [{"product_id": self.product.id, "quantity": 3}],
                        partner_id=self.patient.id,
                    ),
                )
                self.assertTrue(ok, exit_)
                self.assertEqual(self._stock(self.depot_a, lot=lot), 7)
                # a transfer: the exit (call 1), then the reception by the ward (call 2)
                ok, transfer = self._create_and_validate(
                    transport,
                    self.pharmacist,
                    self._values(
                        8,
                        self.depot_a,
                        [{"product_id": self.product.id, "lot_id": lot.id, "quantity": 5}],
                        dest_depot_id=self.depot_b.id,
                    ),
                )
                self.assertTrue(ok, transfer)
                ok, reception_id = self._call_method(
                    transport,
                    self.nurse,
                    "bhima.stock.movement",
                    "action_receive",
                    ids=[transfer["id"]],
                )
                self.assertTrue(ok, reception_id)
                self.assertEqual(self._stock(self.depot_b, lot=lot), 5)
                self.assertEqual(
                    self.env["bhima.stock.movement"].browse(transfer["id"]).transfer_state,
                    "received",
                )

    def test_errors_are_clear_and_write_nothing(self):
        self._purchase(self.depot_a, "RPC-E", 5, 4)
        for transport in self.TRANSPORTS:
            with self.subTest(transport=transport):
                movements = self.env["bhima.stock.movement"].search_count([])
                moves = self.env["stock.move"].search_count([])
                ok, message = self._create_and_validate(
                    transport,
                    self.pharmacist,
                    self._values(
                        9,
                        self.depot_a,
                        [{"product_id": self.product.id, "quantity": 8}],
                        partner_id=self.patient.id,
                    ),
                )
                self.assertFalse(ok)
                self.assertIn("Not enough usable stock in the depot Test Central Pharmacy", message)
                ok, message = self._create_and_validate(
                    transport,
                    self.pharmacist,
                    self._values(
                        1, self.depot_b, self._entry_lines("RPC-F"), partner_id=self.supplier.id
                    ),
                )
                self.assertFalse(ok)
                self.assertIn("not allowed to move stock in the depot Test Ward", message)
                ok, message = self._create_and_validate(
                    transport,
                    self.pharmacist,
                    self._values(1, self.depot_a, self._entry_lines("RPC-G")),
                )
                self.assertFalse(ok)
                self.assertIn("needs the supplier", message)
                self.env.invalidate_all()
                self.assertEqual(self.env["bhima.stock.movement"].search_count([]), movements)
                self.assertEqual(self.env["stock.move"].search_count([]), moves)
                self.assertFalse(self.env["stock.lot"].search([("name", "in", ("RPC-F", "RPC-G"))]))
