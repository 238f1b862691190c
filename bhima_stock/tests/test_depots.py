from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import BhimaDepotCommon


@tagged("post_install", "-at_install")
class TestDepotConfiguration(BhimaDepotCommon):
    def test_depot_is_a_warehouse_with_bhima_fields(self):
        depot = self.env["stock.warehouse"].create(
            {
                "name": "Maternity",
                "code": "MAT",
                "bhima_description": "Maternity ward depot",
                "bhima_parent_id": self.depot_a.id,
                "bhima_is_warehouse": False,
                "bhima_allow_exit_loss": False,
                "bhima_default_purchase_interval": 2,
            }
        )
        self.assertTrue(depot.lot_stock_id, "a depot has a stock location for its quants")
        self.assertEqual(depot.bhima_parent_id, self.depot_a)
        self.assertIn(depot, self.depot_a.bhima_child_ids)
        self.assertTrue(depot.bhima_allow_entry_purchase)
        self.assertFalse(depot.bhima_allow_exit_loss)
        self.assertEqual(depot.bhima_min_months_security_stock, 2.0)

    def test_security_stock_months_default_from_settings_and_positive(self):
        self.company.bhima_default_min_months_security_stock = 3
        depot = self.env["stock.warehouse"].create({"name": "Lab", "code": "LAB"})
        self.assertEqual(depot.bhima_min_months_security_stock, 3)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            depot.bhima_min_months_security_stock = 0
            self.env.flush_all()

    def test_code_is_unique(self):
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self.env["stock.warehouse"].create({"name": "Other", "code": "TPC"})
            self.env.flush_all()

    def test_parent_cycle_refused(self):
        self.depot_b.bhima_parent_id = self.depot_a
        with self.assertRaisesRegex(ValidationError, "own parent"):
            self.depot_a.bhima_parent_id = self.depot_b

    def test_parent_depot_permissions_reach_sub_depots(self):
        sub = self.env["stock.warehouse"].create(
            {"name": "Pharmacy annex", "code": "ANX", "bhima_parent_id": self.depot_a.id}
        )
        self.assertIn(self.pharmacist, sub.bhima_manager_all_ids)
        self.assertIn(self.pharmacist, sub.bhima_viewer_all_ids)
        self.assertNotIn(self.pharmacist, sub.bhima_manager_ids)
        self.depot_a.bhima_supervisor_ids = self.nurse
        self.assertIn(self.nurse, sub.bhima_viewer_all_ids)
        self.assertNotIn(self.nurse, sub.bhima_manager_all_ids)

    def test_assign_from_the_user_form(self):
        self.outsider.bhima_managed_depot_ids = [Command.link(self.depot_b.id)]
        self.outsider.bhima_supervised_depot_ids = [Command.link(self.depot_a.id)]
        self.assertIn(self.outsider, self.depot_b.bhima_manager_ids)
        self.assertIn(self.outsider, self.depot_b.bhima_manager_all_ids)
        self.assertIn(self.outsider, self.depot_a.bhima_supervisor_ids)
        self.assertEqual(self.pharmacist.bhima_managed_depot_ids, self.depot_a)
        self.assertEqual(self.pharmacist.bhima_supervised_depot_ids, self.depot_b)

    def test_plain_user_cannot_configure_depots(self):
        with self.assertRaises(AccessError):
            self.depot_a.with_user(self.pharmacist).bhima_manager_ids = [
                Command.link(self.outsider.id)
            ]
        self.depot_a.with_user(self.stock_manager).bhima_manager_ids = [
            Command.link(self.outsider.id)
        ]
        self.assertIn(self.outsider, self.depot_a.bhima_manager_ids)


@tagged("post_install", "-at_install")
class TestDepotPermissions(BhimaDepotCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lot = cls._lot("LOT-A1")
        cls._move(cls.product, 10, cls.supplier_location, cls.depot_a.lot_stock_id, cls.lot)
        cls._move(cls.product, 5, cls.supplier_location, cls.depot_b.lot_stock_id, cls.lot)

    def _quants(self, user):
        return (
            self.env["stock.quant"]
            .with_user(user)
            .search([("product_id", "=", self.product.id), ("location_id.usage", "=", "internal")])
        )

    def _set_strict(self, strict):
        self.company.bhima_strict_depot_permission = strict

    def test_non_strict_everyone_sees_every_depot(self):
        self._set_strict(False)
        for user in (self.pharmacist, self.nurse, self.outsider):
            self.assertEqual(
                self._quants(user).location_id,
                self.depot_a.lot_stock_id | self.depot_b.lot_stock_id,
            )

    def test_strict_only_managed_and_supervised_depots(self):
        self._set_strict(True)
        self.assertEqual(
            self._quants(self.pharmacist).location_id,
            self.depot_a.lot_stock_id | self.depot_b.lot_stock_id,
            "pharmacist manages A and supervises B",
        )
        self.assertEqual(self._quants(self.nurse).location_id, self.depot_b.lot_stock_id)
        self.assertFalse(self._quants(self.outsider))
        self.assertEqual(len(self._quants(self.stock_manager)), 2, "stock managers see everything")
        Warehouse = self.env["stock.warehouse"]
        self.assertEqual(
            Warehouse.with_user(self.nurse).search(
                [("id", "in", (self.depot_a | self.depot_b).ids)]
            ),
            self.depot_b,
        )
        moves = (
            self.env["stock.move"]
            .with_user(self.nurse)
            .search([("product_id", "=", self.product.id)])
        )
        self.assertEqual(moves.location_dest_id, self.depot_b.lot_stock_id)
        lines = (
            self.env["stock.move.line"]
            .with_user(self.outsider)
            .search([("product_id", "=", self.product.id)])
        )
        self.assertFalse(lines)
        with self.assertRaises(AccessError):
            self.depot_a.lot_stock_id.with_user(self.nurse).read(["name"])
        # switching the setting off shows every depot again
        self._set_strict(False)
        self.assertEqual(len(self._quants(self.outsider)), 2)

    def test_users_move_stock_only_in_managed_depots(self):
        self._move(
            self.product,
            2,
            self.depot_a.lot_stock_id,
            self.customer_location,
            self.lot,
            env=self.env(user=self.pharmacist),
        )
        self.assertEqual(self.product.with_context(warehouse_id=self.depot_a.id).qty_available, 8)
        with self.assertRaisesRegex(
            AccessError, "not allowed to move stock in the depot Test Ward"
        ):
            self._move(
                self.product,
                1,
                self.depot_b.lot_stock_id,
                self.customer_location,
                self.lot,
                env=self.env(user=self.pharmacist),
            )
        self.assertEqual(self.product.with_context(warehouse_id=self.depot_b.id).qty_available, 5)

    def test_count_refused_outside_managed_depot(self):
        quant_b = self._quants(self.stock_manager).filtered(
            lambda q: q.location_id == self.depot_b.lot_stock_id
        )
        with self.assertRaisesRegex(AccessError, "Test Ward"):
            quant_b.with_user(self.pharmacist).inventory_quantity = 3
        quant_b.with_user(self.nurse).inventory_quantity = 3
        quant_b.with_user(self.nurse).action_apply_inventory()
        self.assertEqual(quant_b.quantity, 3)

    def test_picking_in_foreign_depot_refused_and_nothing_written(self):
        picking_type = self.depot_b.out_type_id
        Picking = self.env["stock.picking"].with_user(self.pharmacist)
        count = self.env["stock.picking"].search_count([])
        with self.assertRaisesRegex(AccessError, "Test Ward"):
            Picking.create(
                {
                    "picking_type_id": picking_type.id,
                    "location_id": self.depot_b.lot_stock_id.id,
                    "location_dest_id": self.customer_location.id,
                }
            )
        self.assertEqual(self.env["stock.picking"].search_count([]), count)

    def test_manager_group_moves_stock_everywhere(self):
        self._set_strict(True)
        self._move(
            self.product,
            1,
            self.depot_b.lot_stock_id,
            self.customer_location,
            self.lot,
            env=self.env(user=self.stock_manager),
        )
        self.assertEqual(self.product.with_context(warehouse_id=self.depot_b.id).qty_available, 4)

    def test_archived_depot_refuses_movements(self):
        depot = self.env["stock.warehouse"].create({"name": "Closed ward", "code": "CLW"})
        move = self.env["stock.move"].create(
            {
                "product_id": self.product.id,
                "product_uom_qty": 1,
                "product_uom": self.product.uom_id.id,
                "location_id": self.supplier_location.id,
                "location_dest_id": depot.lot_stock_id.id,
            }
        )
        move._action_confirm()
        depot.active = False
        move.move_line_ids = [
            Command.create(
                {
                    "product_id": self.product.id,
                    "quantity": 1,
                    "lot_id": self.lot.id,
                    "location_id": self.supplier_location.id,
                    "location_dest_id": depot.lot_stock_id.id,
                }
            )
        ]
        move.picked = True
        with self.assertRaisesRegex(UserError, "Closed ward.*archived"):
            move.with_user(self.stock_manager)._action_done()
        self.assertNotEqual(move.state, "done")

    def test_depot_refuses_disallowed_entry_and_exit_types(self):
        self.depot_a.bhima_allow_exit_patient = False
        with self.assertRaisesRegex(UserError, "Test Central Pharmacy.*Exit to Patient"):
            self._move(self.product, 1, self.depot_a.lot_stock_id, self.customer_location, self.lot)
        self.depot_a.bhima_allow_entry_purchase = False
        with self.assertRaisesRegex(UserError, "Test Central Pharmacy.*Entry from Purchase"):
            self._move(self.product, 1, self.supplier_location, self.depot_a.lot_stock_id, self.lot)
        self.assertEqual(self.product.with_context(warehouse_id=self.depot_a.id).qty_available, 10)

    def test_error_is_translated(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["bhima_stock"], ["fr_FR"], overwrite=True)
        french = self.pharmacist.with_context(lang="fr_FR")
        french.lang = "fr_FR"
        with self.assertRaisesRegex(
            AccessError, "pas autorisé à mouvementer le stock du dépôt Test Ward"
        ):
            self._move(
                self.product,
                1,
                self.depot_b.lot_stock_id,
                self.customer_location,
                self.lot,
                env=self.env(user=self.pharmacist, context={"lang": "fr_FR"}),
            )

    def test_strict_distribution(self):
        self.company.bhima_strict_depot_distribution = True
        with self.assertRaisesRegex(
            UserError, "Test Central Pharmacy may not send stock to the depot Test Ward"
        ):
            self._move(
                self.product, 1, self.depot_a.lot_stock_id, self.depot_b.lot_stock_id, self.lot
            )
        self.depot_a.bhima_distribution_depot_ids = self.depot_b
        self._move(self.product, 1, self.depot_a.lot_stock_id, self.depot_b.lot_stock_id, self.lot)
        self.assertEqual(self.product.with_context(warehouse_id=self.depot_b.id).qty_available, 6)
        self.depot_a.bhima_distribution_depot_ids = False
        self.company.bhima_strict_depot_distribution = False
        self._move(self.product, 1, self.depot_a.lot_stock_id, self.depot_b.lot_stock_id, self.lot)
        self.assertEqual(self.product.with_context(warehouse_id=self.depot_b.id).qty_available, 7)
