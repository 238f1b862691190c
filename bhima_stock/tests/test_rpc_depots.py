from odoo.tests import HttpCase, tagged

from .common import BhimaDepotCommon
from .rpc_client import RpcClientMixin


@tagged("post_install", "-at_install")
class TestDepotPermissionsOverRpc(RpcClientMixin, BhimaDepotCommon, HttpCase):
    """Restricted users calling Odoo's core stock models over XML-RPC and JSON-2
    are limited exactly as in the web client."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lot = cls._lot("LOT-RPC")
        cls.move_a = cls._move(
            cls.product, 10, cls.supplier_location, cls.depot_a.lot_stock_id, cls.lot
        )
        cls.move_b = cls._move(
            cls.product, 5, cls.supplier_location, cls.depot_b.lot_stock_id, cls.lot
        )
        Quant = cls.env["stock.quant"]
        cls.quant_a = Quant.search([("location_id", "=", cls.depot_a.lot_stock_id.id)])
        cls.quant_b = Quant.search([("location_id", "=", cls.depot_b.lot_stock_id.id)])
        cls.company.bhima_strict_depot_permission = True

    def _move_vals(self, depot, destination=None):
        return {
            "product_id": self.product.id,
            "product_uom_qty": 1,
            "product_uom": self.product.uom_id.id,
            "location_id": depot.lot_stock_id.id,
            "location_dest_id": (destination or self.customer_location).id,
        }

    def _quant_locations(self, transport, user):
        ok, quants = self._search_read(
            transport,
            user,
            "stock.quant",
            [("product_id", "=", self.product.id), ("location_id.usage", "=", "internal")],
            ["location_id"],
        )
        self.assertTrue(ok, quants)
        return {quant["location_id"][0] for quant in quants}

    def assertDenied(self, answer, *fragments):
        ok, message = answer
        self.assertFalse(ok, f"the call should have been refused, it returned {message!r}")
        for fragment in fragments:
            self.assertIn(fragment, message)

    def assertAllowed(self, answer):
        ok, result = answer
        self.assertTrue(ok, result)
        return result

    def test_read_and_search_per_depot(self):
        a, b = self.depot_a.lot_stock_id.id, self.depot_b.lot_stock_id.id
        for transport in self.TRANSPORTS:
            with self.subTest(transport=transport):
                self.assertEqual(self._quant_locations(transport, self.pharmacist), {a, b})
                self.assertEqual(self._quant_locations(transport, self.nurse), {b})
                self.assertEqual(self._quant_locations(transport, self.outsider), set())
                self.assertEqual(self._quant_locations(transport, self.stock_manager), {a, b})
                # moves, move lines and pickings follow the same rule
                ok, moves = self._search_read(
                    transport,
                    self.nurse,
                    "stock.move",
                    [("product_id", "=", self.product.id)],
                    ["id"],
                )
                self.assertEqual({m["id"] for m in moves}, {self.move_b.id})
                ok, lines = self._search_read(
                    transport,
                    self.outsider,
                    "stock.move.line",
                    [("product_id", "=", self.product.id)],
                    ["id"],
                )
                self.assertEqual(lines, [])
                ok, depots = self._search_read(
                    transport,
                    self.nurse,
                    "stock.warehouse",
                    [("code", "in", ["TPC", "TWD"])],
                    ["code"],
                )
                self.assertEqual([d["code"] for d in depots], ["TWD"])
                self.assertDenied(
                    self._read(transport, self.nurse, "stock.move", [self.move_a.id], ["reference"])
                )
                self.assertDenied(
                    self._read(transport, self.nurse, "stock.quant", self.quant_a.ids, ["quantity"])
                )

    def test_turning_strict_permission_off_shows_every_depot(self):
        self.company.bhima_strict_depot_permission = False
        a, b = self.depot_a.lot_stock_id.id, self.depot_b.lot_stock_id.id
        for transport in self.TRANSPORTS:
            with self.subTest(transport=transport):
                self.assertEqual(self._quant_locations(transport, self.outsider), {a, b})
                # ... but seeing is not moving
                self.assertDenied(
                    self._create(
                        transport, self.outsider, "stock.move", self._move_vals(self.depot_a)
                    ),
                    "Test Central Pharmacy",
                )

    def test_create_and_write_only_in_managed_depots(self):
        for transport in self.TRANSPORTS:
            with self.subTest(transport=transport):
                move_id = self.assertAllowed(
                    self._create(
                        transport, self.pharmacist, "stock.move", self._move_vals(self.depot_a)
                    )
                )
                self.assertAllowed(
                    self._write(
                        transport, self.pharmacist, "stock.move", [move_id], {"product_uom_qty": 2}
                    )
                )
                self.assertEqual(self.env["stock.move"].browse(move_id).product_uom_qty, 2)
                self.assertDenied(
                    self._create(
                        transport, self.pharmacist, "stock.move", self._move_vals(self.depot_b)
                    ),
                    "not allowed to move stock in the depot Test Ward",
                )
                self.assertDenied(
                    self._write(
                        transport,
                        self.pharmacist,
                        "stock.move",
                        self.move_b.ids,
                        {"description_picking": "x"},
                    ),
                    "Test Ward",
                )
                self.assertDenied(
                    self._write(
                        transport,
                        self.pharmacist,
                        "stock.move",
                        [move_id],
                        {"location_id": self.depot_b.lot_stock_id.id},
                    ),
                    "Test Ward",
                )
                picking_vals = {
                    "picking_type_id": self.depot_b.out_type_id.id,
                    "location_id": self.depot_b.lot_stock_id.id,
                    "location_dest_id": self.customer_location.id,
                }
                self.assertDenied(
                    self._create(transport, self.pharmacist, "stock.picking", picking_vals),
                    "Test Ward",
                )
                self.assertAllowed(
                    self._create(transport, self.nurse, "stock.picking", picking_vals)
                )
                line_vals = {
                    "product_id": self.product.id,
                    "quantity": 1,
                    "lot_id": self.lot.id,
                    "location_id": self.depot_b.lot_stock_id.id,
                    "location_dest_id": self.customer_location.id,
                }
                self.assertDenied(
                    self._create(transport, self.pharmacist, "stock.move.line", line_vals),
                    "Test Ward",
                )
                self.assertDenied(
                    self._write(
                        transport,
                        self.pharmacist,
                        "stock.quant",
                        self.quant_b.ids,
                        {"inventory_quantity": 1},
                    ),
                    "Test Ward",
                )
                self.assertAllowed(
                    self._write(
                        transport,
                        self.pharmacist,
                        "stock.quant",
                        self.quant_a.ids,
                        {"inventory_quantity": 9},
                    )
                )
        self.assertEqual(self.quant_b.quantity, 5, "nothing moved in the ward")
        self.assertFalse(self.quant_b.inventory_quantity_set)

    def test_validating_a_transfer_in_a_foreign_depot(self):
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.depot_b.out_type_id.id,
                "location_id": self.depot_b.lot_stock_id.id,
                "location_dest_id": self.customer_location.id,
                "move_ids": [(0, 0, {**self._move_vals(self.depot_b), "product_uom_qty": 2})],
            }
        )
        picking.action_confirm()
        picking.move_ids.quantity = 2
        picking.move_ids.picked = True
        for transport in self.TRANSPORTS:
            with self.subTest(transport=transport):
                answer = self._call_method(
                    transport, self.pharmacist, "stock.picking", "button_validate", ids=picking.ids
                )
                self.assertDenied(answer, "Test Ward")
                self.assertEqual(picking.state, "assigned")
        result = self.assertAllowed(
            self._call_method(
                "json2", self.nurse, "stock.picking", "button_validate", ids=picking.ids
            )
        )
        self.assertIs(result, True)
        self.assertEqual(picking.state, "done")
        self.assertEqual(self.quant_b.quantity, 3)

    def test_each_model_read_search_create_write(self):
        """The nurse manages the ward only (strict depot permission): on every
        model that carries a depot, she reads, searches, creates and writes in
        the ward and is refused in the central pharmacy."""
        Picking = self.env["stock.picking"]
        Movement = self.env["bhima.stock.movement"]

        def picking_vals(depot):
            return {
                "picking_type_id": depot.out_type_id.id,
                "location_id": depot.lot_stock_id.id,
                "location_dest_id": self.customer_location.id,
            }

        def movement_vals(depot):
            service = self.env["bhima.stock.service"].search([], limit=1) or self.env[
                "bhima.stock.service"
            ].create({"name": "Ward service"})
            return {
                "flux_id": self.env.ref("bhima_stock.flux_10").id,
                "depot_id": depot.id,
                "service_id": service.id,
            }

        def line_vals(depot):
            return {
                "company_id": self.company.id,
                "product_id": self.product.id,
                "quantity": 0,
                "location_id": depot.lot_stock_id.id,
                "location_dest_id": self.customer_location.id,
            }

        def quant_vals(depot):
            return {
                "product_id": self.product.id,
                "location_id": depot.lot_stock_id.id,
                "lot_id": self.lot.id,
                "inventory_quantity": 1,
            }

        cases = [
            # model, record in A, record in B, create values, write values, create context
            (
                "stock.quant",
                self.quant_a,
                self.quant_b,
                quant_vals,
                {"inventory_quantity": 2},
                {"inventory_mode": True},
            ),
            (
                "stock.move",
                self.move_a,
                self.move_b,
                self._move_vals,
                {"description_picking": "checked"},
                None,
            ),
            (
                "stock.move.line",
                self.move_a.move_line_ids,
                self.move_b.move_line_ids,
                line_vals,
                {"lot_name": "checked"},
                None,
            ),
            (
                "stock.picking",
                Picking.create(picking_vals(self.depot_a)),
                Picking.create(picking_vals(self.depot_b)),
                picking_vals,
                {"origin": "checked"},
                None,
            ),
            (
                "bhima.stock.movement",
                Movement.create(movement_vals(self.depot_a)),
                Movement.create(movement_vals(self.depot_b)),
                movement_vals,
                {"description": "checked"},
                None,
            ),
        ]
        for transport in self.TRANSPORTS:
            for model, record_a, record_b, create_vals, write_vals, context in cases:
                with self.subTest(transport=transport, model=model):
                    ok, found = self._search_read(
                        transport,
                        self.nurse,
                        model,
                        [("id", "in", (record_a | record_b).ids)],
                        ["id"],
                    )
                    self.assertTrue(ok, found)
                    self.assertEqual({row["id"] for row in found}, set(record_b.ids))
                    self.assertAllowed(
                        self._read(transport, self.nurse, model, record_b.ids, ["id"])
                    )
                    self.assertDenied(
                        self._read(transport, self.nurse, model, record_a.ids, ["id"])
                    )
                    self.assertAllowed(
                        self._create(
                            transport, self.nurse, model, create_vals(self.depot_b), context=context
                        )
                    )
                    self.assertDenied(
                        self._create(
                            transport, self.nurse, model, create_vals(self.depot_a), context=context
                        ),
                        "Test Central Pharmacy",
                    )
                    self.assertAllowed(
                        self._write(transport, self.nurse, model, record_b.ids, write_vals)
                    )
                    self.assertDenied(
                        self._write(transport, self.nurse, model, record_a.ids, write_vals),
                        "Test Central Pharmacy",
                    )
