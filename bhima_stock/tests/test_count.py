import base64
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import BhimaMovementCommon


class BhimaCountCommon(BhimaMovementCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lot_a = cls._purchase(cls.depot_a, "CNT-A", 10, 4.0).line_ids.lot_id
        cls.lot_b = cls._purchase(
            cls.depot_a, "CNT-B", 5, 6.0, expiration=fields.Date.today() + timedelta(days=500)
        ).line_ids.lot_id
        # a plain Odoo product: storable, no lots, category "All", created the Odoo way
        cls.plain = cls.env["product.product"].create(
            {"name": "Plain storable product", "is_storable": True, "standard_price": 3.0}
        )
        cls._movement(
            13, cls.depot_a, [{"product_id": cls.plain.id, "quantity": 20, "unit_cost": 3.0}]
        )

    def _count(self, depot=None, env=None, **values):
        env = env or self.env
        count = env["bhima.stock.count"].create({"depot_id": (depot or self.depot_a).id, **values})
        count.action_start()
        return count

    def _line(self, count, lot=None, product=None):
        return count.line_ids.filtered(
            lambda line: (line.lot_id == lot) if lot else (line.product_id == product)
        )


@tagged("post_install", "-at_install")
class TestPhysicalCount(BhimaCountCommon):
    def test_start_takes_the_snapshot_of_the_scope(self):
        count = self._count()
        self.assertEqual(count.state, "counting")
        self.assertTrue(count.name.startswith("INV."))
        self.assertEqual(self._line(count, self.lot_a).theoretical_qty, 10)
        self.assertEqual(self._line(count, self.lot_b).theoretical_qty, 5)
        self.assertEqual(self._line(count, product=self.plain).theoretical_qty, 20)
        # a selection: one lot only
        selection = self._count(scope="selection", lot_ids=[(6, 0, self.lot_b.ids)])
        self.assertEqual(selection.line_ids.lot_id, self.lot_b)
        # a selection by group leaves the plain product (category All) out
        by_group = self._count(scope="selection", category_ids=[(6, 0, self.group_medicines.ids)])
        self.assertEqual(by_group.line_ids.product_id, self.product)

    def test_partial_count_moves_the_differences_only(self):
        count = self._count()
        self._line(count, self.lot_a).counted_qty = 8
        self._line(count, self.lot_b).counted_qty = 7
        cost_before = self.product.standard_price
        count.action_validate()
        self.assertEqual(count.state, "done")
        self.assertEqual(self._stock(self.depot_a, lot=self.lot_a), 8)
        self.assertEqual(self._stock(self.depot_a, lot=self.lot_b), 7)
        # the uncounted plain product is untouched (partial count)
        self.assertEqual(self._stock(self.depot_a, product=self.plain), 20)
        # one exit and one entry of flux 15
        self.assertEqual(len(count.movement_ids), 2)
        self.assertEqual(set(count.movement_ids.mapped("flux_id.code")), {15})
        self.assertEqual(set(count.movement_ids.mapped("direction")), {"entry", "exit"})
        exit_ = count.movement_ids.filtered(lambda m: m.direction == "exit")
        entry = count.movement_ids - exit_
        self.assertEqual(exit_.line_ids.lot_id, self.lot_a)
        self.assertEqual(exit_.line_ids.quantity, 2)
        self.assertEqual(entry.line_ids.lot_id, self.lot_b)
        self.assertEqual(entry.line_ids.quantity, 2)
        # valued at the current cost, logged old -> new
        line_a, line_b = self._line(count, self.lot_a), self._line(count, self.lot_b)
        self.assertEqual((line_a.qty_before, line_a.qty_after), (10, 8))
        self.assertEqual((line_b.qty_before, line_b.qty_after), (5, 7))
        self.assertAlmostEqual(line_b.unit_cost, cost_before, delta=0.01)
        self.assertAlmostEqual(line_b.difference_value, 2 * cost_before, delta=0.02)
        self.assertAlmostEqual(line_a.difference_value, -2 * cost_before, delta=0.02)
        self.assertAlmostEqual(count.value_difference, 0.0, delta=0.02)
        self.assertAlmostEqual(count.value_loss, 2 * cost_before, delta=0.02)
        # real-time valuation: the exit and the entry are posted
        self.assertTrue(exit_.move_ids.account_move_id)

    def test_full_count_brings_uncounted_lots_to_zero(self):
        count = self._count(full_count=True)
        self._line(count, self.lot_a).counted_qty = 10
        count.action_validate()
        self.assertEqual(self._stock(self.depot_a, lot=self.lot_a), 10)
        self.assertEqual(self._stock(self.depot_a, lot=self.lot_b), 0)
        self.assertEqual(self._stock(self.depot_a, product=self.plain), 0)
        self.assertEqual(self._line(count, product=self.plain).qty_after, 0)

    def test_movements_during_the_count_are_kept(self):
        count = self._count()
        # 3 units leave while counting: the shelf had 10 when the count started
        self._movement(
            9, self.depot_a, [{"lot_id": self.lot_a.id, "quantity": 3}], partner_id=self.patient.id
        )
        line = self._line(count, self.lot_a)
        self.assertEqual(line.moved_qty, -3)
        line.counted_qty = 8  # counted against the snapshot: 2 missing
        count.action_validate()
        self.assertEqual(self._stock(self.depot_a, lot=self.lot_a), 5)
        self.assertEqual((line.qty_before, line.qty_after), (7, 5))
        # an entry of a lot added while counting keeps its snapshot quantity
        count2 = self._count(scope="selection", lot_ids=[(6, 0, self.lot_b.ids)])
        added = self.env["bhima.stock.count.line"].create(
            {
                "count_id": count2.id,
                "product_id": self.product.id,
                "lot_id": self.lot_a.id,
                "counted_qty": 5,
            }
        )
        self.assertEqual(added.theoretical_qty, 5)
        self.assertEqual(added.difference_qty, 0)

    def test_count_taking_more_than_there_is_now_is_refused(self):
        count = self._count()
        self._movement(
            9, self.depot_a, [{"lot_id": self.lot_a.id, "quantity": 9}], partner_id=self.patient.id
        )
        self._line(count, self.lot_a).counted_qty = 5  # 5 missing, only 1 left now
        self._line(count, self.lot_b).counted_qty = 4
        with self.assertRaisesRegex(UserError, r"CNT-A: counted 5\.0 for 10\.0 .* 1\.0 in stock"):
            count.action_validate()
        self.assertEqual(count.state, "counting")
        self.assertFalse(count.movement_ids)
        self.assertEqual(self._stock(self.depot_a, lot=self.lot_b), 5)

    def test_recount_before_validation(self):
        count = self._count()
        line = self._line(count, self.lot_a)
        line.counted_qty = 8
        count.action_request_recount()
        self.assertEqual(count.state, "recount")
        self.assertEqual(line.recount_state, "to_recount")
        self.assertEqual(line.first_counted_qty, 8)
        self.assertFalse(line.is_counted)
        with self.assertRaisesRegex(UserError, "wait for their recount"):
            count.action_validate()
        line.counted_qty = 9
        self.assertEqual(line.recount_state, "recounted")
        count.action_validate()
        self.assertEqual(self._stock(self.depot_a, lot=self.lot_a), 9)

    def test_lot_found_on_the_shelf_enters_with_its_expiration(self):
        count = self._count()
        expiry = fields.Date.today() + timedelta(days=200)
        self.env["bhima.stock.count.line"].create(
            {
                "count_id": count.id,
                "product_id": self.product.id,
                "lot_name": "FOUND-1",
                "expiration_date": expiry,
                "counted_qty": 4,
            }
        )
        count.action_validate()
        lot = self.env["stock.lot"].search([("name", "=", "FOUND-1")])
        self.assertEqual(lot.expiration_date.date(), expiry)
        self.assertEqual(self._stock(self.depot_a, lot=lot), 4)
        # an excess without lot number is refused
        count2 = self._count(scope="selection", product_ids=[(6, 0, self.product.ids)])
        self.env["bhima.stock.count.line"].create(
            {"count_id": count2.id, "product_id": self.product.id, "counted_qty": 3}
        )
        with self.assertRaisesRegex(UserError, "Give the lot number"):
            count2.action_validate()

    def test_expired_lot_counted_below_leaves(self):
        self.lot_a.expiration_date = fields.Datetime.now() - timedelta(days=3)
        count = self._count(scope="selection", lot_ids=[(6, 0, self.lot_a.ids)])
        self._line(count, self.lot_a).counted_qty = 0
        count.action_validate()
        self.assertEqual(self._stock(self.depot_a, lot=self.lot_a), 0)

    def test_scan_counts_one_per_scan(self):
        self.product.barcode = "3400000000017"
        count = self._count(scope="selection", product_ids=[(6, 0, self.plain.ids)])
        self.plain.barcode = "3400000000024"
        with Form(count) as form:
            form.scan = "3400000000024"
            form.scan = "3400000000024"
            form.scan = "CNT-B"  # a lot not in the selection: a new line
        self.assertEqual(self._line(count, product=self.plain).counted_qty, 2)
        line_b = self._line(count, self.lot_b)
        self.assertEqual(line_b.counted_qty, 1)
        self.assertEqual(line_b.theoretical_qty, 5)

    def test_validated_count_is_immutable_and_code_fields_are_refused(self):
        count = self._count()
        line = self._line(count, self.lot_a)
        with self.assertRaisesRegex(UserError, "is set by the application"):
            line.theoretical_qty = 3
        with self.assertRaisesRegex(UserError, "is set by the application"):
            count.state = "done"
        # context defaults of code fields are ignored
        draft = (
            self.env["bhima.stock.count"]
            .with_context(default_state="done")
            .create({"depot_id": self.depot_a.id})
        )
        self.assertEqual(draft.state, "draft")
        line.counted_qty = 9
        count.action_validate()
        with self.assertRaisesRegex(UserError, "validated or cancelled"):
            line.counted_qty = 1
        with self.assertRaisesRegex(UserError, "validated"):
            count.unlink()

    def test_depot_permission(self):
        with self.assertRaises(AccessError):
            self.env["bhima.stock.count"].with_user(self.nurse).create(
                {"depot_id": self.depot_a.id}
            )
        count = self._count(env=self.env(user=self.pharmacist))
        self.assertEqual(count.user_id, self.pharmacist)
        # the nurse cannot change the lines of a depot she does not manage
        with self.assertRaises(AccessError):
            count.line_ids[:1].with_user(self.nurse).write({"counted_qty": 1})
        with self.assertRaises(AccessError):
            count.with_user(self.nurse).action_validate()
        self._line(count, self.lot_a).with_user(self.pharmacist).counted_qty = 9
        count.with_user(self.pharmacist).action_validate()
        self.assertEqual(self._stock(self.depot_a, lot=self.lot_a), 9)

    def test_count_sheet_and_result_reports(self):
        count = self._count(blind=True)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("bhima_stock.report_bhima_stock_count_sheet", count.ids)[0]
            .decode()
        )
        self.assertIn("CNT-A", html)
        self.assertIn("o_bhima_counted", html)
        self.assertNotIn("Theoretical", html)  # a blind count
        self._line(count, self.lot_a).counted_qty = 7
        count.action_validate()
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("bhima_stock.report_bhima_stock_count_result", count.ids)[0]
            .decode()
        )
        self.assertIn("CNT-A", html)
        self.assertNotIn("CNT-B", html)  # no difference
        self.assertIn("Value missing", html)

    def test_import_counted_quantities_from_a_file(self):
        count = self._count()
        expiry = (fields.Date.today() + timedelta(days=90)).strftime("%d/%m/%Y")
        rows = [
            "Code;Lot;Quantité comptée;Date d'expiration",
            "TAMX;CNT-A;9;",
            ";;1;",
            "TAMX;CNT-B;douze;",
            "TAMX;NEW-LOT;2;",
            "NOPE;;1;",
        ]
        content = base64.b64encode("\r\n".join(rows).encode("latin-1")).decode()
        with self.assertRaisesRegex(UserError, "4 errors") as error:
            count.import_counted_quantities(content, "counts.csv")
        for row in (3, 4, 5, 6):
            self.assertIn(f"row {row}", str(error.exception))
        self.assertIn("row 3, column Code: The article code is missing", str(error.exception))
        self.assertFalse(self._line(count, self.lot_a).is_counted)
        rows = [
            "Code;Lot;Quantité comptée;Date d'expiration",
            "TAMX;CNT-A;9;",
            "TAMX;NEW-LOT;2;" + expiry,
            "PLAIN1;;18,5;",
        ]
        self.plain.default_code = "PLAIN1"
        content = base64.b64encode("\r\n".join(rows).encode("latin-1")).decode()
        wizard = self.env["bhima.stock.count.import"].create(
            {"count_id": count.id, "file": content, "filename": "counts.csv"}
        )
        wizard.action_import()
        self.assertEqual(self._line(count, self.lot_a).counted_qty, 9)
        self.assertEqual(self._line(count, product=self.plain).counted_qty, 18.5)
        new_line = count.line_ids.filtered(lambda line: line.lot_name == "NEW-LOT")
        self.assertEqual(new_line.counted_qty, 2)
        count.action_validate()
        self.assertEqual(self._stock(self.depot_a, lot=self.lot_a), 9)
        self.assertEqual(self._stock(self.depot_a, product=self.plain), 18.5)
        self.assertEqual(self._stock(self.depot_a, lot=self.lot_b), 5)  # not in the file

    def test_counts_of_another_company_are_invisible(self):
        other = self.env["res.company"].create({"name": "Other hospital"})
        depot = self.env["stock.warehouse"].create(
            {"name": "Other pharmacy", "code": "OPH", "company_id": other.id}
        )
        count = self.env["bhima.stock.count"].create({"depot_id": depot.id, "company_id": other.id})
        mine = self._count()
        visible = self.env["bhima.stock.count"].with_user(self.stock_manager).search([])
        self.assertIn(mine, visible)
        self.assertNotIn(count, visible)
