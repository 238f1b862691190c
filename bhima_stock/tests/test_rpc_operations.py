import base64
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import BhimaMovementCommon
from .rpc_client import RpcClientMixin
from .test_import import csv_bytes


@tagged("post_install", "-at_install")
class TestOperationsOverRpc(RpcClientMixin, BhimaMovementCommon, HttpCase):
    """Counts, imports, aggregated consumption, assignments and requisitions over
    XML-RPC and JSON-2, as restricted users."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(
            cls.env, "accountant", groups="account.group_account_invoice", name="Accountant"
        )

    def _lot(self, name, quantity=10):
        return self._purchase(self.depot_a, name, quantity, 2.0).line_ids.lot_id

    def test_count_in_a_few_calls(self):
        for transport in self.TRANSPORTS:
            with self.subTest(transport=transport):
                lot = self._lot(f"RPC-CNT-{transport}")
                ok, count_id = self._create(
                    transport,
                    self.pharmacist,
                    "bhima.stock.count",
                    {
                        "depot_id": self.depot_a.id,
                        "scope": "selection",
                        "lot_ids": [(6, 0, lot.ids)],
                    },
                )
                self.assertTrue(ok, count_id)
                ok, result = self._call_method(
                    transport,
                    self.pharmacist,
                    "bhima.stock.count",
                    "action_start",
                    ids=[count_id],
                )
                self.assertTrue(ok, result)
                ok, result = self._call_method(
                    transport,
                    self.pharmacist,
                    "bhima.stock.count",
                    "set_counted_quantities",
                    ids=[count_id],
                    quantities=[{"lot_id": lot.id, "quantity": 7}],
                )
                self.assertTrue(ok, result)
                # fields only the code sets are refused
                ok, message = self._write(
                    transport,
                    self.pharmacist,
                    "bhima.stock.count",
                    [count_id],
                    {"state": "done"},
                )
                self.assertFalse(ok)
                self.assertIn("is set by the application", message)
                # the nurse does not manage the depot
                ok, message = self._call_method(
                    transport,
                    self.nurse,
                    "bhima.stock.count",
                    "action_validate",
                    ids=[count_id],
                )
                self.assertFalse(ok)
                self.assertIn("not allowed to move stock in the depot", message)
                ok, result = self._call_method(
                    transport,
                    self.pharmacist,
                    "bhima.stock.count",
                    "action_validate",
                    ids=[count_id],
                )
                self.assertTrue(ok, result)
                ok, result = self._call_method(
                    transport,
                    self.pharmacist,
                    "bhima.stock.count",
                    "get_result",
                    ids=[count_id],
                )
                self.assertTrue(ok, result)
                self.assertEqual(result["state"], "done")
                self.assertEqual(len(result["movements"]), 1)
                line = result["lines"][0]
                self.assertEqual(
                    (
                        line["theoretical"],
                        line["counted"],
                        line["difference"],
                        line["before"],
                        line["after"],
                    ),
                    (10, 7, -3, 10, 7),
                )
                self.assertEqual(self._stock(self.depot_a, lot=lot), 7)
                # users of other apps have no access to counts
                ok, message = self._search_read(
                    transport, self.accountant, "bhima.stock.count", [], ["name"]
                )
                self.assertFalse(ok)

    def test_import_in_one_call_with_a_dry_run(self):
        for transport in self.TRANSPORTS:
            with self.subTest(transport=transport):
                lot = self._lot(f"RPC-IMP-{transport}")
                data = csv_bytes(
                    [["Code", "Dépôt", "Stock", "Lot"], ["TAMX", "TPC", "12,5", lot.name]]
                )
                content = base64.b64encode(data).decode()
                ok, preview = self._call_method(
                    transport,
                    self.pharmacist,
                    "bhima.stock.import",
                    "import_file",
                    file=content,
                    filename="stock.csv",
                    dry_run=True,
                )
                self.assertTrue(ok, preview)
                self.assertEqual(preview["errors"], [])
                self.assertEqual(
                    [
                        (line["current"], line["file"], line["difference"], line["movement"])
                        for line in preview["lines"]
                    ],
                    [(10, 12.5, 2.5, "entry")],
                )
                self.assertEqual(self._stock(self.depot_a, lot=lot), 10)
                # the nurse does not manage TPC: every row is an error, nothing moves
                ok, preview = self._call_method(
                    transport,
                    self.nurse,
                    "bhima.stock.import",
                    "import_file",
                    file=content,
                    filename="stock.csv",
                )
                self.assertTrue(ok, preview)
                self.assertEqual(
                    [(e["row"], e["column"]) for e in preview["errors"]], [(2, "Dépôt")]
                )
                ok, message = self._call_method(
                    transport,
                    self.nurse,
                    "bhima.stock.import",
                    "import_file",
                    file=content,
                    filename="stock.csv",
                    dry_run=False,
                )
                self.assertFalse(ok)
                self.assertIn("You do not manage the depot TPC", message)
                ok, result = self._call_method(
                    transport,
                    self.pharmacist,
                    "bhima.stock.import",
                    "import_file",
                    file=content,
                    filename="stock.csv",
                    dry_run=False,
                )
                self.assertTrue(ok, result)
                self.assertEqual(result["entries"], 1)
                self.assertEqual(self._stock(self.depot_a, lot=lot), 12.5)
                # the history: who, when, the file, the movements
                ok, history = self._read(
                    transport,
                    self.pharmacist,
                    "bhima.stock.import",
                    [result["id"]],
                    ["user_id", "create_date", "filename", "row_count", "movement_ids", "state"],
                )
                self.assertTrue(ok, history)
                self.assertEqual(history[0]["user_id"][0], self.pharmacist.id)
                self.assertEqual(history[0]["row_count"], 1)
                self.assertEqual(len(history[0]["movement_ids"]), 1)
                # another user does not see it
                ok, others = self._search_read(
                    transport,
                    self.nurse,
                    "bhima.stock.import",
                    [("id", "=", result["id"])],
                    ["name"],
                )
                self.assertTrue(ok, others)
                self.assertEqual(others, [])

    def test_assignment_requisition_and_consumption(self):
        for transport in self.TRANSPORTS:
            with self.subTest(transport=transport):
                lot = self._lot(f"RPC-OPS-{transport}", 50)
                # assignment: no movement, the lot shows it
                ok, assignment_id = self._create(
                    transport,
                    self.pharmacist,
                    "bhima.stock.assignment",
                    {
                        "lot_id": lot.id,
                        "depot_id": self.depot_a.id,
                        "partner_id": self.patient.id,
                        "quantity": 2,
                    },
                )
                self.assertTrue(ok, assignment_id)
                ok, lots = self._read(
                    transport, self.pharmacist, "stock.lot", [lot.id], ["bhima_is_assigned"]
                )
                self.assertTrue(lots[0]["bhima_is_assigned"])
                ok, message = self._create(
                    transport,
                    self.nurse,
                    "bhima.stock.assignment",
                    {"lot_id": lot.id, "depot_id": self.depot_a.id, "partner_id": self.patient.id},
                )
                self.assertFalse(ok)
                ok, result = self._call_method(
                    transport,
                    self.pharmacist,
                    "bhima.stock.assignment",
                    "action_remove",
                    ids=[assignment_id],
                )
                self.assertTrue(ok, result)
                # requisition: the ward asks, the pharmacy validates
                ok, requisition_id = self._create(
                    transport,
                    self.nurse,
                    "bhima.stock.requisition",
                    {
                        "depot_id": self.depot_a.id,
                        "requester_type": "depot",
                        "requester_depot_id": self.depot_b.id,
                        "line_ids": [(0, 0, {"product_id": self.product.id, "quantity": 5})],
                    },
                )
                self.assertTrue(ok, requisition_id)
                ok, message = self._call_method(
                    transport,
                    self.nurse,
                    "bhima.stock.requisition",
                    "action_validate",
                    ids=[requisition_id],
                )
                self.assertFalse(ok)
                ok, result = self._call_method(
                    transport,
                    self.pharmacist,
                    "bhima.stock.requisition",
                    "action_validate",
                    ids=[requisition_id],
                )
                self.assertTrue(ok, result)
                ok, action = self._call_method(
                    transport,
                    self.pharmacist,
                    "bhima.stock.requisition",
                    "action_create_delivery",
                    ids=[requisition_id],
                )
                self.assertTrue(ok, action)
                ok, result = self._call_method(
                    transport,
                    self.pharmacist,
                    "bhima.stock.movement",
                    "action_validate",
                    ids=[action["res_id"]],
                )
                self.assertTrue(ok, result)
                ok, rows = self._read(
                    transport,
                    self.nurse,
                    "bhima.stock.requisition",
                    [requisition_id],
                    ["status", "satisfaction_rate"],
                )
                self.assertEqual(rows[0]["status"], "completed")
                self.assertEqual(rows[0]["satisfaction_rate"], 100)
                # aggregated consumption in one call
                period_end = fields.Date.today() - timedelta(days=1)
                ok, result = self._call_method(
                    transport,
                    self.pharmacist,
                    "bhima.stock.aggregated.consumption",
                    "create_and_validate",
                    values={
                        "depot_id": self.depot_a.id,
                        "date_from": fields.Date.to_string(period_end - timedelta(days=29)),
                        "date_to": fields.Date.to_string(period_end),
                        "line_ids": [
                            {
                                "product_id": self.product.id,
                                "lot_id": lot.id,
                                "quantity_consumed": 1,
                            }
                        ],
                    },
                )
                # the lot entered today: nothing was in stock at the period end
                self.assertFalse(ok)
                self.assertIn("exceed the stock at the end of the period", result)
                old_lot = self._purchase(
                    self.depot_a,
                    f"RPC-AGC-{transport}",
                    10,
                    2.0,
                    date=fields.Datetime.now() - timedelta(days=20),
                ).line_ids.lot_id
                ok, result = self._call_method(
                    transport,
                    self.pharmacist,
                    "bhima.stock.aggregated.consumption",
                    "create_and_validate",
                    values={
                        "depot_id": self.depot_a.id,
                        "date_from": fields.Date.to_string(period_end - timedelta(days=29)),
                        "date_to": fields.Date.to_string(period_end),
                        "line_ids": [
                            {
                                "product_id": self.product.id,
                                "lot_id": old_lot.id,
                                "quantity_consumed": 3,
                                "quantity_lost": 1,
                            }
                        ],
                    },
                )
                self.assertTrue(ok, result)
                self.assertEqual(len(result["movements"]), 2)
                self.assertEqual(self._stock(self.depot_a, lot=old_lot), 6)
