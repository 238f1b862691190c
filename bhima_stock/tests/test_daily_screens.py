from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import BhimaMovementCommon


@tagged("post_install", "-at_install")
class TestDailyScreens(BhimaMovementCommon):
    """What a pharmacist sees every day: the article card, the movement
    register, transfers to receive, the default depot, quantities written in
    the user's language."""

    def test_article_card_stock_per_depot_and_lot(self):
        lot = self._purchase(self.depot_a, "CARD-1", 1882, 2).line_ids.lot_id
        self._purchase(self.depot_b, "CARD-2", 10, 2)
        self.article.invalidate_recordset()
        status = self.article.bhima_stock_status_ids
        self.assertEqual(
            {(row.depot_id, row.quantity) for row in status},
            {(self.depot_a, 1882), (self.depot_b, 10)},
        )
        lots = self.article.bhima_lot_register_ids
        row = lots.filtered(lambda r: r.lot_id == lot)
        self.assertEqual((row.depot_id, row.quantity), (self.depot_a, 1882))
        self.assertEqual(row.expiration_date, lot._bhima_expiration_day())
        # "On Hand" opens the stock per depot and lot, not one warehouse's forecast
        action = self.article.action_product_tmpl_forecast_report()
        self.assertEqual(action["res_model"], "bhima.stock.lot.register")
        self.assertEqual(action["domain"], [("product_tmpl_id", "=", self.article.id)])
        self.assertEqual(action["context"]["search_default_groupby_depot"], 1)

    def test_default_depot(self):
        self.pharmacist.bhima_default_depot_id = self.depot_a
        movement = Form(
            self.env["bhima.stock.movement"]
            .with_user(self.pharmacist)
            .with_context(default_flux_id=self._flux(9).id)
        )
        self.assertEqual(movement.depot_id, self.depot_a)
        self.assertEqual(self.pharmacist._get_default_warehouse_id(), self.depot_a)
        # the only depot a user manages is their default one
        self.assertEqual(self.nurse._bhima_default_depot(), self.depot_b)
        self.assertEqual(self.outsider._bhima_default_depot(), self.env["stock.warehouse"])

    def test_transfer_to_receive_and_receive_wizard(self):
        lot_1 = self._purchase(self.depot_a, "RCV-1", 10, 2).line_ids.lot_id
        lot_2 = self._purchase(self.depot_a, "RCV-2", 10, 2).line_ids.lot_id
        transfer = self._movement(
            8,
            self.depot_a,
            [{"lot": lot_1, "quantity": 6}, {"lot": lot_2, "quantity": 4}],
            dest_depot_id=self.depot_b.id,
        )
        # Entries > From Another Depot lists it, the Stock in Transit rows open it
        action = self.env.ref("bhima_stock.bhima_stock_movement_action_entry_transfer")
        Movement = self.env["bhima.stock.movement"].with_user(self.nurse)
        awaiting = Movement.search(
            safe_eval(action.domain)
            + [("flux_code", "=", 8), ("transfer_state", "in", ("in_transit", "partial"))]
        )
        self.assertIn(transfer, awaiting)
        row = self.env["bhima.stock.transit.report"].search([("transfer_id", "=", transfer.id)])[0]
        self.assertEqual(row.action_open_transfer()["res_id"], transfer.id)
        # Receive asks the quantity of each lot
        wizard = Form(
            self.env["bhima.stock.receive"]
            .with_user(self.nurse)
            .with_context(active_model="bhima.stock.movement", active_id=transfer.id)
        )
        self.assertEqual(len(wizard.line_ids), 2)
        with wizard.line_ids.edit(0) as line:
            self.assertEqual(line.quantity, 6)
            line.quantity = 5
        with wizard.line_ids.edit(1) as line:
            line.quantity = 0
        result = wizard.save().action_confirm()
        reception = self.env["bhima.stock.movement"].browse(result["res_id"])
        self.assertEqual(reception.state, "done")
        self.assertEqual(self._stock(self.depot_b, lot=lot_1), 5)
        self.assertEqual(self._stock(self.depot_b, lot=lot_2), 0)
        self.assertEqual(transfer.transfer_state, "partial")
        wizard = Form(
            self.env["bhima.stock.receive"]
            .with_user(self.nurse)
            .with_context(active_model="bhima.stock.movement", active_id=transfer.id)
        )
        with wizard.line_ids.edit(0) as line:
            line.quantity = 9
        with self.assertRaisesRegex(UserError, "receive between 0 and 1.00"):
            wizard.save().action_confirm()

    def test_movement_register_signed_quantities_and_reversals(self):
        self._purchase(self.depot_a, "REG-1", 10, 2)
        exit_ = self._movement(9, self.depot_a, [{"quantity": 3}], partner_id=self.patient.id)
        reversal = exit_._bhima_reverse()
        moves = self.env["stock.move"].search(
            [("product_id", "=", self.product.id), ("state", "=", "done")], order="date, id"
        )
        self.assertEqual(
            [(m.bhima_quantity_in, m.bhima_quantity_out, m.bhima_is_reversal) for m in moves],
            [(10, 0, False), (0, 3, False), (3, 0, True)],
        )
        self.assertEqual(reversal.move_ids.bhima_reversal_of_id, exit_)
        # searchable by the article as typed
        found = self.env["stock.move"].search(
            [
                "|",
                ("product_id.name", "ilike", "amoxi"),
                ("product_id.default_code", "ilike", "amoxi"),
            ]
        )
        self.assertEqual(found, moves)

    def test_quantities_in_the_users_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        unit = self.product.uom_id
        self.assertEqual(unit._bhima_format(4600), "4,600.00")
        self.assertEqual(unit.with_context(lang="fr_FR")._bhima_format(4600), "4\xa0600,00")
        self._purchase(self.depot_a, "FR-1", 5, 2)
        french = self.pharmacist
        french.lang = "fr_FR"
        with self.assertRaisesRegex(UserError, "4\xa0600,00"):
            self._movement(
                9, self.depot_a, [{"quantity": 4605}], partner_id=self.patient.id,
                env=self.env(user=french, context={"lang": "fr_FR"}),
            )  # fmt: skip

    def test_registers_at_a_date(self):
        today = fields.Date.context_today(self.env.user)
        Wizard = self.env["bhima.stock.report.wizard"].with_user(self.pharmacist)
        wizard = Wizard.create(
            {
                "report": "lots",
                "depot_ids": [(6, 0, self.depot_a.ids)],
                "date": today - timedelta(days=3),
                "include_empty_lots": True,
            }
        )
        action = wizard.action_open()
        self.assertEqual(action["res_model"], "bhima.stock.lot.register")
        self.assertEqual(action["context"]["bhima_date"], str(today - timedelta(days=3)))
        self.assertEqual(action["context"]["bhima_depot_ids"], self.depot_a.ids)
        self.assertEqual(action["context"]["bhima_lot_scope"], "all")
        self.assertIn("Test Central Pharmacy", action["name"])
        wizard.date = today + timedelta(days=1)
        with self.assertRaisesRegex(UserError, "in the future"):
            wizard.action_open()
        wizard.write(
            {"report": "consumption", "date": today, "date_from": today + timedelta(days=5)}
        )
        with self.assertRaisesRegex(UserError, "in the future"):
            wizard.action_open()
        wizard.date_from = today - timedelta(days=40)
        action = wizard.action_open()
        self.assertEqual(action["context"]["bhima_date_from"], str(today - timedelta(days=40)))
        wizard.write({"date_from": today, "date": today - timedelta(days=1)})
        with self.assertRaisesRegex(UserError, "before it starts"):
            wizard.action_open()

    def test_move_line_flux_comes_from_its_move(self):
        movement = self._purchase(self.depot_a, "FLX-1", 5, 2)
        line = movement.move_ids.move_line_ids
        self.assertEqual(line.bhima_flux_id, self._flux(1))
        with self.assertRaisesRegex(UserError, "flux of its move"):
            line.with_user(self.pharmacist).write({"bhima_flux_id": self._flux(9).id})
