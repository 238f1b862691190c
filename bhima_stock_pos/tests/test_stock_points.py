from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import BhimaPosCommon


@tagged("post_install", "-at_install")
class TestStockPoints(BhimaPosCommon):
    """Stock points in the back office: creation and points of sale, manual
    entries and exits as BHIMA movements, current stock, history, the stock
    management switch, deleting a line, parts per unit."""

    def _doc(self, result):
        return self.env["bhima.stock.movement"].browse(result["id"])

    def _count_movements(self):
        return self.env["bhima.stock.movement"].search_count([])

    # ------------------------------------------------------------ creation

    def test_a_stock_point_is_a_depot_sold_by_its_points_of_sale(self):
        point = self.env["stock.warehouse"].create(
            {"name": "Pharmacy Counter", "bhima_pos_stock_point": True}
        )
        self.assertEqual(point.code, "PHA", "the short name is made from the name")
        self.assertFalse(point.pos_type_id.use_create_lots)
        self.assertFalse(point.pos_type_id.use_existing_lots)
        till = self.env["pos.config"].create(
            {"name": "Counter Till", "payment_method_ids": [(6, 0, self.bank.ids)]}
        )
        point.bhima_pos_config_ids = till
        self.assertEqual(till.bhima_stock_point_id, point)
        self.assertEqual(till.picking_type_id, point.pos_type_id)
        self.assertEqual(point.bhima_pos_config_ids, till)
        # several points of sale, then all of them, including the ones created later
        point.bhima_pos_config_ids = till | self.config
        self.assertEqual(self.config.picking_type_id, point.pos_type_id)
        point.bhima_pos_all_configs = True
        later = self.env["pos.config"].create(
            {"name": "Later Till", "payment_method_ids": [(6, 0, self.bank.ids)]}
        )
        self.assertEqual(later.bhima_stock_point_id, point)
        with self.assertRaises(ValidationError):
            later.bhima_stock_point_id = self.point
        with self.assertRaises(ValidationError):
            self.point.bhima_pos_all_configs = True

    def test_no_change_of_stock_point_during_a_session(self):
        self._open_session()
        other = self.env["stock.warehouse"].create(
            {"name": "Snack Bar", "bhima_pos_stock_point": True}
        )
        with self.assertRaisesRegex(UserError, "Close the session"):
            self.config.bhima_stock_point_id = other

    def test_existing_stock_is_followed_when_a_depot_becomes_a_stock_point(self):
        self._purchase(self.depot_a, "OLD-LOT", 12, 5)
        self.depot_a.bhima_pos_stock_point = True
        row = self.depot_a.bhima_pos_stock()[0]
        self.assertEqual((row["product_id"], row["quantity"]), (self.product.id, 12))

    # ------------------------------------------------------------ entries

    def test_initial_stock_then_deliveries(self):
        result = self._entry(
            "initial",
            [{"product_id": self.water.id, "quantity": 24, "unit_price": 0.35}],
        )
        initial = self._doc(result)
        self.assertEqual(initial.flux_id.code, 13)
        self.assertEqual(initial.state, "done")
        self.assertEqual(initial.move_ids.state, "done")
        self.assertEqual(self._point_stock(self.water), 24)
        with self.assertRaisesRegex(UserError, "already have stock history"):
            self._entry("initial", [{"product_id": self.water.id, "quantity": 1}])
        with self.assertRaisesRegex(UserError, "needs its supplier"):
            self.point.bhima_pos_entry("delivery", [{"product_id": self.water.id, "quantity": 1}])
        delivery = self._doc(
            self._entry(
                "delivery", [{"product_id": self.water.id, "quantity": 12, "unit_price": 0.5}]
            )
        )
        self.assertEqual(delivery.flux_id.code, 1)
        self.assertEqual(delivery.partner_id, self.supplier)
        self.assertEqual(delivery.value_total, 6.0)
        row = self.point.bhima_pos_stock(product_ids=[self.water.id])[0]
        self.assertEqual(row["quantity"], 36)
        self.assertEqual(row["last_purchase_price"], 0.5)
        self.assertEqual(row["total_value"], 18.0)

    def test_entry_of_a_bhima_article_needs_its_expiration_date(self):
        with self.assertRaisesRegex(UserError, "needs an expiration date"):
            self._entry(
                "initial", [{"product_id": self.product.id, "quantity": 5, "lot_name": "X1"}]
            )
        self._entry(
            "initial",
            [
                {
                    "product_id": self.product.id,
                    "quantity": 5,
                    "unit_price": 2,
                    "lot_name": "X1",
                    "expiration_date": self._expiry(),
                }
            ],
        )
        self.assertEqual(
            self._point_stock(self.product, self.env["stock.lot"].search([("name", "=", "X1")])), 5
        )

    def test_bad_entries_write_nothing(self):
        before = self._count_movements()
        bad_lines = [
            ({"product_id": self.water.id, "quantity": 0}, "greater than zero"),
            ({"product_id": self.water.id, "quantity": -3}, "greater than zero"),
            ({"product_id": self.water.id, "quantity": "ten"}, "must be a number"),
            ({"product_id": self.water.id, "quantity": 2, "unit_price": -1}, "cannot be negative"),
            ({"product_id": 999999999, "quantity": 2}, "does not exist"),
            ({"quantity": 2}, "id of its article"),
            ({"product_id": self.wine.id, "quantity": 1.5}, "whole units"),
        ]
        for line, message in bad_lines:
            with self.subTest(line=line), self.assertRaisesRegex(UserError, message):
                self._entry("initial", [line])
        with self.assertRaisesRegex(UserError, "'initial' or 'delivery'"):
            self.point.bhima_pos_entry("gift", [{"product_id": self.water.id, "quantity": 1}])
        with self.assertRaisesRegex(UserError, "at least one line"):
            self.point.bhima_pos_entry("initial", [])
        with self.assertRaisesRegex(UserError, "list of objects"):
            self.point.bhima_pos_entry("initial", {"product_id": self.water.id, "quantity": 1})
        with self.assertRaisesRegex(UserError, "by its id"):
            self.point.bhima_pos_entry(
                "delivery", [{"product_id": self.water.id, "quantity": 1}], partner_id="CAMEBU"
            )
        # a good line and a bad one: nothing is written
        with self.assertRaises(UserError):
            self._entry(
                "initial",
                [
                    {"product_id": self.water.id, "quantity": 3},
                    {"product_id": self.water.id, "quantity": 0},
                ],
            )
        self.assertEqual(self._count_movements(), before)
        self.assertEqual(self._point_stock(self.water), 0)

    def test_entry_wizard(self):
        wizard = self.env["bhima.pos.stock.entry"].create({"depot_id": self.point.id})
        self.assertEqual(wizard.kind, "initial", "the first entry is the initial stock")
        wizard.line_ids = [(0, 0, {"product_id": self.water.id, "quantity": 6, "unit_price": 0.3})]
        action = wizard.action_confirm()
        self.assertEqual(self.env["bhima.stock.movement"].browse(action["res_id"]).flux_id.code, 13)
        wizard = self.env["bhima.pos.stock.entry"].create({"depot_id": self.point.id})
        self.assertEqual(wizard.kind, "delivery", "then deliveries")

    def test_a_depot_user_who_does_not_manage_the_point_cannot_enter(self):
        with self.assertRaises(AccessError):
            self._entry(
                "initial",
                [{"product_id": self.water.id, "quantity": 1}],
                env=self.env(user=self.nurse),
            )
        with self.assertRaises(AccessError):
            self._entry(
                "initial",
                [{"product_id": self.water.id, "quantity": 1}],
                env=self.env(user=self.cashier),
            )
        result = self._entry(
            "initial",
            [{"product_id": self.water.id, "quantity": 2, "unit_price": 0.4}],
            env=self.env(user=self.point_manager),
        )
        self.assertEqual(self._doc(result).user_id, self.point_manager)

    # ------------------------------------------------------------ exits

    def test_exits_are_losses_with_their_reason(self):
        self._entry("initial", [{"product_id": self.water.id, "quantity": 30, "unit_price": 0.4}])
        expected = {
            "breakage": "broken",
            "expired": "expired",
            "corked": "corked",
            "loss": "lost",
            "defective": "defective",
        }
        for reason, loss_reason in expected.items():
            movement = self._doc(
                self.point.bhima_pos_exit(
                    reason, [{"product_id": self.water.id, "quantity": 1}], comment="Seen at 8 am"
                )
            )
            self.assertEqual((movement.flux_id.code, movement.loss_reason), (11, loss_reason))
            self.assertEqual(movement.description, "Seen at 8 am")
        with self.assertRaisesRegex(UserError, "in a comment"):
            self.point.bhima_pos_exit("other", [{"product_id": self.water.id, "quantity": 1}])
        other = self._doc(
            self.point.bhima_pos_exit(
                "other", [{"product_id": self.water.id, "quantity": 2}], comment="Staff meeting"
            )
        )
        self.assertEqual(other.loss_reason, "other")
        self.assertEqual(self._point_stock(self.water), 23)
        with self.assertRaisesRegex(UserError, "negative"):
            self.point.bhima_pos_exit("loss", [{"product_id": self.water.id, "quantity": 24}])
        with self.assertRaisesRegex(UserError, "must be one of"):
            self.point.bhima_pos_exit("stolen", [{"product_id": self.water.id, "quantity": 1}])
        with self.assertRaisesRegex(UserError, "greater than zero"):
            self.point.bhima_pos_exit("loss", [{"product_id": self.water.id, "quantity": 0}])
        self.assertEqual(self._point_stock(self.water), 23)

    def test_exit_wizard_from_the_current_stock(self):
        self._entry("initial", [{"product_id": self.wine.id, "quantity": 2, "unit_price": 10}])
        row = self.env["bhima.pos.stock.report"].search(
            [("depot_id", "=", self.point.id), ("product_id", "=", self.wine.id)]
        )
        action = row.action_exit()
        wizard = (
            self.env["bhima.pos.stock.exit"]
            .with_context(**action["context"])
            .create({"quantity": 1, "parts": 2, "reason": "corked"})
        )
        self.assertEqual(wizard.available, "2 Test Bottle of 5")
        wizard.action_confirm()
        self.assertEqual(self._point_stock(self.wine), 3, "10 glasses - 1 bottle of 5 - 2 glasses")

    # ------------------------------------------------------------ current stock

    def test_current_stock_alerts_per_article_and_per_point(self):
        self._entry(
            "initial",
            [
                {"product_id": self.water.id, "quantity": 5, "unit_price": 0.4},
                {"product_id": self.wine.id, "quantity": 3, "unit_price": 12},
            ],
        )
        self.water.bhima_pos_alert_threshold = 6
        self.wine.bhima_pos_alert_threshold = 2
        alerts = {row["product_id"] for row in self.point.bhima_pos_stock(alerts_only=True)}
        self.assertEqual(alerts, {self.water.id}, "5 <= 6 bottles of water; 3 > 2 bottles of wine")
        self.point.bhima_pos_set_alert_threshold(self.water.id, 4)
        self.point.bhima_pos_set_alert_threshold(self.wine.id, 3)
        alerts = {row["product_id"] for row in self.point.bhima_pos_stock(alerts_only=True)}
        self.assertEqual(alerts, {self.wine.id}, "the point's own thresholds win")
        self.point.bhima_pos_set_alert_threshold(self.wine.id, False)
        self.assertFalse(self.point.bhima_pos_stock(alerts_only=True))
        Report = self.env["bhima.pos.stock.report"]
        self.assertEqual(Report.search_count([("depot_id", "=", self.point.id)]), 2)
        wine = Report.search([("product_id", "=", self.wine.id)])
        self.assertEqual(wine.last_price, 12)
        self.assertEqual(wine.total_value, 36)
        self.assertEqual(wine.quantity_display, "3 Test Bottle of 5")
        self.assertEqual(self.point.bhima_pos_alert_count, 0)

    # ------------------------------------------------------------ tracking switch

    def test_stock_management_off_and_on_keeps_the_quantities(self):
        self._entry("initial", [{"product_id": self.water.id, "quantity": 8, "unit_price": 0.4}])
        lot_product = self.env["product.product"].create(
            {"name": "Test Juice (lots)", "is_storable": True, "tracking": "lot"}
        )
        self.point.bhima_pos_set_tracking(self.water.id, False)
        self.point.bhima_pos_set_tracking(lot_product.id, False)
        self.assertFalse(self.water.is_storable)
        row = self.point.bhima_pos_stock(product_ids=[self.water.id])[0]
        self.assertFalse(row["tracked"])
        self.assertFalse(row["alert"], "an article whose stock is not managed is never in alert")
        self.point.bhima_pos_set_tracking(self.water.id, True)
        self.point.bhima_pos_set_tracking(lot_product.id, True)
        self.assertTrue(self.water.is_storable)
        self.assertEqual(lot_product.tracking, "lot", "its lot tracking comes back")
        self.assertEqual(self._point_stock(self.water), 8)
        # the article's BHIMA lot tracking comes back too
        self.point.bhima_pos_set_tracking(self.product.id, False)
        self.point.bhima_pos_set_tracking(self.product.id, True)
        self.assertEqual(self.product.tracking, "lot")
        with self.assertRaises(AccessError):
            self.point.with_user(self.point_manager).bhima_pos_set_tracking(self.water.id, False)

    # ------------------------------------------------------------ delete a line

    def test_delete_a_stock_line(self):
        self._entry("initial", [{"product_id": self.water.id, "quantity": 8, "unit_price": 0.4}])
        movement_id = self.point.with_user(self.point_manager).bhima_pos_remove_line(self.water.id)
        loss = self.env["bhima.stock.movement"].browse(movement_id)
        self.assertEqual((loss.flux_id.code, loss.state), (11, "done"))
        self.assertEqual(self._point_stock(self.water), 0)
        self.assertFalse(self.point.bhima_pos_stock(product_ids=[self.water.id]))
        history = self.point.bhima_pos_history(product_ids=[self.water.id])
        self.assertEqual(
            [(row["kind"], row["quantity"]) for row in history], [("loss", -8), ("initial", 8)]
        )
        # a later delivery brings it back
        self._entry("delivery", [{"product_id": self.water.id, "quantity": 2, "unit_price": 0.4}])
        self.assertEqual(self.point.bhima_pos_stock(product_ids=[self.water.id])[0]["quantity"], 2)
        with self.assertRaises(AccessError):
            self.point.with_user(self.nurse).bhima_pos_remove_line(self.water.id)

    def test_delete_a_negative_line_is_refused(self):
        self._entry("initial", [{"product_id": self.water.id, "quantity": 1, "unit_price": 0.4}])
        session = self._open_session()
        self._sell(session, [(self.water, 3)])
        with self.assertRaisesRegex(UserError, "is negative"):
            self.point.bhima_pos_remove_line(self.water.id)

    # ------------------------------------------------------------ history

    def test_history_lists_every_entry_and_exit(self):
        self._entry("initial", [{"product_id": self.water.id, "quantity": 10, "unit_price": 0.4}])
        self._entry("delivery", [{"product_id": self.water.id, "quantity": 6, "unit_price": 0.5}])
        session = self._open_session()
        order = self._sell(session, [(self.water, 4)])
        self._sell(session, [(self.water, -1)], refund_of=order)
        self.point.bhima_pos_exit("breakage", [{"product_id": self.water.id, "quantity": 2}])
        rows = self.point.bhima_pos_history(product_ids=[self.water.id])
        self.assertEqual(
            [(row["kind"], row["quantity"]) for row in rows],
            [("loss", -2), ("refund", 1), ("sale", -4), ("delivery", 6), ("initial", 10)],
        )
        self.assertEqual(rows[0]["loss_reason"], "broken")
        self.assertEqual(rows[3]["partner"], self.supplier.display_name)
        self.assertEqual(self._point_stock(self.water), 11)
        # what another depot does is not in the point's history
        self._purchase(self.depot_a, "ELSEWHERE", 5, 3)
        self.assertFalse(self.point.bhima_pos_history(product_ids=[self.product.id]))

    def test_state_since_the_last_count(self):
        self._entry("initial", [{"product_id": self.water.id, "quantity": 10, "unit_price": 0.4}])
        session = self._open_session()
        self._sell(session, [(self.water, 3)])
        quant = self.env["stock.quant"].search(
            [("product_id", "=", self.water.id), ("location_id", "=", self.point.lot_stock_id.id)]
        )
        quant.with_context(inventory_mode=True).inventory_quantity = 6
        quant.action_apply_inventory()
        self._sell(session, [(self.water, 2)])
        self._entry("delivery", [{"product_id": self.water.id, "quantity": 5, "unit_price": 0.4}])
        row = next(
            row
            for row in self.config.with_user(self.cashier).bhima_pos_stock_since_count()
            if row["product_id"] == self.water.id
        )
        self.assertTrue(row["counted_at"])
        self.assertEqual(
            (row["counted"], row["entries"], row["sold"], row["quantity"]), (6, 5, 2, 9)
        )

    # ------------------------------------------------------------ parts per unit

    def test_parts_per_unit(self):
        self.assertEqual(self.wine.bhima_parts_per_unit, 5)
        self.assertEqual(self.tablets.bhima_parts_per_unit, 10)
        result = self._entry(
            "initial", [{"product_id": self.wine.id, "quantity": 4, "unit_price": 10}]
        )
        line = self._doc(result).line_ids
        self.assertEqual((line.quantity, line.unit_cost), (20, 2.0), "entered in whole units")
        self.assertEqual(self._doc(result).value_total, 40)
        session = self._open_session()
        self._sell(session, [(self.wine, 1)])
        self._sell(session, [(self.wine, 1)])
        row = self.point.bhima_pos_stock(product_ids=[self.wine.id])[0]
        self.assertEqual(
            (row["units"], row["parts"]), (3, 3), "an opened bottle with 3 glasses left"
        )
        self.assertEqual(row["last_purchase_price"], 10, "per bottle")
        self.assertEqual(row["total_value"], 36)
        # a blister of 10 tablets, followed by lot
        self._entry(
            "initial",
            [
                {
                    "product_id": self.tablets.id,
                    "quantity": 3,
                    "unit_price": 1.5,
                    "lot_name": "PARA-1",
                    "expiration_date": self._expiry(),
                }
            ],
        )
        self._sell(session, [(self.tablets, 12)])
        row = self.point.bhima_pos_stock(product_ids=[self.tablets.id])[0]
        self.assertEqual(row["display"], "1 Test Blister of 10 + 8 Tablet")
        bad = self.env["uom.uom"].create(
            {"name": "Test Carafe", "relative_factor": 2.5, "relative_uom_id": self.uom_glass.id}
        )
        with self.assertRaisesRegex(ValidationError, "whole number"):
            self.wine.bhima_whole_uom_id = bad
        with self.assertRaisesRegex(ValidationError, "whole number"):
            self.water.bhima_whole_uom_id = self.uom_bottle
