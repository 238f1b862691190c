from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import BhimaMovementCommon


@tagged("post_install", "-at_install")
class TestArticleCard(BhimaMovementCommon):
    """Seed 004: manual movements from the article card and the stock-managed
    switch; seed 003: remove a stock line."""

    def _manual(self, user=None, **values):
        wizard_env = self.env(user=user) if user else self.env
        context = {"active_model": "product.template", "active_id": self.article.id}
        form = Form(wizard_env["bhima.stock.manual.movement"].with_context(**context))
        for name, value in values.items():
            setattr(form, name, value)
        action = form.save().action_confirm()
        return self.env["bhima.stock.movement"].browse(action["res_id"])

    def test_manual_entry_with_price_and_comment(self):
        movement = self._manual(
            user=self.pharmacist,
            direction="entry",
            depot_id=self.depot_a,
            lot_name="MAN-1",
            expiration_date=fields.Date.today() + timedelta(days=90),
            quantity=12,
            unit_cost=7.5,
            comment="Found during the year-end count",
        )
        self.assertEqual(movement.flux_id.code, 15)
        self.assertEqual(movement.direction, "entry")
        self.assertEqual(movement.user_id, self.pharmacist)
        self.assertAlmostEqual(movement.value_total, 90.0)
        self.assertEqual(self._stock(self.depot_a), 12)
        register = self.env["stock.move"].search(
            [("bhima_comment", "ilike", "year-end count"), ("product_id", "=", self.product.id)]
        )
        self.assertEqual(register, movement.move_ids)
        self.assertEqual(
            self._account_lines(movement), {self.account_stock: 90.0, self.account_expense: -90.0}
        )

    def test_manual_exit_is_priced_by_the_costing_method(self):
        self._purchase(self.depot_a, "MAN-2", 10, 4)
        self._purchase(self.depot_a, "MAN-3", 10, 8)
        lot = self.env["stock.lot"].search([("name", "=", "MAN-3")])
        movement = self._manual(
            direction="exit", depot_id=self.depot_a, lot_id=lot, quantity=5, comment="Broken bottle"
        )
        self.assertEqual(movement.direction, "exit")
        self.assertAlmostEqual(movement.value_total, 5 * 6.0, msg="exits take the average cost")
        self.assertEqual(self._stock(self.depot_a, lot=lot), 5)

    def test_manual_movement_needs_a_managed_depot(self):
        with self.assertRaisesRegex(Exception, "Test Ward"):
            self._manual(
                user=self.pharmacist,
                direction="entry",
                depot_id=self.depot_b,
                lot_name="MAN-4",
                expiration_date=fields.Date.today() + timedelta(days=90),
                quantity=1,
            )
        self.assertEqual(self._stock(self.depot_b), 0)

    def test_remove_a_lot_and_an_article(self):
        lot_1 = self._purchase(self.depot_a, "RM-1", 6, 3).line_ids.lot_id
        lot_2 = self._purchase(self.depot_a, "RM-2", 4, 3).line_ids.lot_id
        quant = self.env["stock.quant"].search(
            [("lot_id", "=", lot_1.id), ("location_id", "=", self.depot_a.lot_stock_id.id)]
        )
        wizard = (
            self.env["bhima.stock.remove.line"]
            .with_context(active_model="stock.quant", active_id=quant.id)
            .create({"reason": "broken", "comment": "Dropped the box"})
        )
        self.assertEqual(
            (wizard.depot_id, wizard.lot_id, wizard.quantity), (self.depot_a, lot_1, 6)
        )
        action = wizard.action_confirm()
        movement = self.env["bhima.stock.movement"].browse(action["res_id"])
        self.assertEqual((movement.flux_id.code, movement.loss_reason), (11, "broken"))
        self.assertEqual(movement.description, "Dropped the box")
        self.assertEqual(self._stock(self.depot_a, lot=lot_1), 0)
        self.assertEqual(self._stock(self.depot_a, lot=lot_2), 4)
        # the whole article
        wizard = self.env["bhima.stock.remove.line"].create(
            {"depot_id": self.depot_a.id, "product_id": self.product.id, "reason": "expired"}
        )
        wizard.action_confirm()
        self.assertEqual(self._stock(self.depot_a), 0)
        with self.assertRaisesRegex(UserError, "no stock of .* to remove"):
            wizard.action_confirm()

    def test_stock_managed_switch(self):
        self._purchase(self.depot_a, "SW-1", 10, 3)
        self.article.is_storable = False
        # nothing moves stock for it: BHIMA movements refuse it, Odoo moves leave the quants alone
        with self.assertRaisesRegex(UserError, "not managed in stock"):
            self._movement(9, self.depot_a, [{"quantity": 3}], partner_id=self.patient.id)
        # ... and it is never short: 30 leave although 10 are counted
        delivery = self._move(self.product, 30, self.depot_a.lot_stock_id, self.customer_location)
        self.assertEqual(delivery.state, "done")
        self.article.is_storable = True
        self.assertEqual(self.article.tracking, "lot")
        self.assertEqual(self._stock(self.depot_a), 10, "turning it back on keeps its history")
        self.assertEqual(
            len(self.env["stock.move"].search([("product_id", "=", self.product.id)])), 2
        )
