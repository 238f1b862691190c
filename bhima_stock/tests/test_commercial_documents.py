from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import BhimaMovementCommon


class CommercialDocumentsCommon(BhimaMovementCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.today()
        cls.lot_early = cls._purchase(
            cls.depot_a, "CD-EARLY", 10, 20, expiration=today + timedelta(days=30)
        ).line_ids.lot_id
        cls.lot_late = cls._purchase(
            cls.depot_a, "CD-LATE", 10, 20, expiration=today + timedelta(days=90)
        ).line_ids.lot_id
        cls.consultation = cls._create_article(
            "Consultation", inventory_type=cls.type_service
        ).product_variant_id
        kit_type = cls.env["bhima.inventory.type"].create(
            {"name": "Not stocked", "product_type": "consumable"}
        )
        cls.leaflet = cls._create_article("Leaflet", inventory_type=kit_type).product_variant_id
        cls.cashier = new_test_user(
            cls.env,
            "cashier",
            groups="account.group_account_invoice,bhima_stock.bhima_stock_group_user",
            name="Cashier",
        )
        cls.depot_a.bhima_manager_ids |= cls.cashier

    @classmethod
    def _invoice(cls, move_type, lines, partner=None, depot=None, post=True, env=None, **values):
        env = env or cls.env
        partner = partner or (cls.supplier if move_type.startswith("in_") else cls.patient)
        move = env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": fields.Date.today(),
                "bhima_depot_id": (depot or cls.depot_a).id,
                "invoice_line_ids": [
                    Command.create({"price_unit": 50.0, "tax_ids": [Command.clear()], **line})
                    for line in lines
                ],
                **values,
            }
        )
        if post:
            move.action_post()
        return move

    @classmethod
    def _line(cls, quantity, product=None, **values):
        return {"product_id": (product or cls.product).id, "quantity": quantity, **values}

    def _credit_note(self, invoice, quantity=None, post=True):
        credit = invoice._reverse_moves([{"invoice_date": fields.Date.today()}])
        if quantity is not None:
            credit.invoice_line_ids.filtered(
                lambda aml: aml.product_id == self.product
            ).quantity = quantity
        if post:
            credit.action_post()
        return credit

    def _active(self, document):
        """The document's movements that still hold stock."""
        return document._bhima_document_movements().filtered(lambda m: m._bhima_holds_stock())


@tagged("post_install", "-at_install")
class TestCustomerInvoices(CommercialDocumentsCommon):
    def test_validation_exits_and_unvalidation_reverses(self):
        invoice = self._invoice("out_invoice", [self._line(12)])
        movement = self._active(invoice)
        self.assertEqual(len(movement), 1)
        self.assertEqual(
            (movement.flux_id.code, movement.direction, movement.depot_id),
            (9, "exit", self.depot_a),
        )
        self.assertEqual(movement.partner_id, self.patient)
        self.assertEqual(
            [(line.lot_id, line.quantity) for line in movement.line_ids],
            [(self.lot_early, 10), (self.lot_late, 2)],
        )
        self.assertEqual(
            set(movement.line_ids.invoice_line_id.ids), set(invoice.invoice_line_ids.ids)
        )
        self.assertEqual(self._stock(self.depot_a), 8)
        self.assertIn("out of Test Central Pharmacy, lot CD-EARLY", invoice.message_ids[0].body)
        invoice.button_draft()
        self.assertEqual(self._stock(self.depot_a, lot=self.lot_early), 10)
        self.assertEqual(self._stock(self.depot_a, lot=self.lot_late), 10)
        reversal = movement.reversal_ids
        self.assertEqual(
            (reversal.flux_id.code, reversal.direction, reversal.state), (9, "entry", "done")
        )
        self.assertEqual(reversal.line_ids.origin_line_id, movement.line_ids)
        self.assertAlmostEqual(reversal.value_total, movement.value_total)
        self.assertTrue(movement.is_reversed)
        self.assertFalse(self._active(invoice))

    def test_cycles_net_to_zero(self):
        invoice = self._invoice("out_invoice", [self._line(3)])
        for _cycle in range(3):
            invoice.button_draft()
            self.assertEqual(self._stock(self.depot_a), 20)
            invoice.action_post()
            self.assertEqual(self._stock(self.depot_a), 17)
        invoice._bhima_move_stock()  # a second run of the hook never double-counts
        self.assertEqual(self._stock(self.depot_a), 17)
        self.assertEqual(len(invoice.bhima_movement_ids), 7)  # 4 exits, 3 reversals
        self.assertEqual(len(self._active(invoice)), 1)

    def test_mixed_lines_only_stock_managed_articles_move(self):
        invoice = self._invoice(
            "out_invoice",
            [self._line(2), self._line(1, self.consultation), self._line(5, self.leaflet)],
        )
        self.assertEqual(self._active(invoice).line_ids.product_id, self.product)
        body = invoice.message_ids[0].body
        self.assertIn("Consultation: not managed in stock", body)
        self.assertIn("Leaflet: not managed in stock", body)

    def test_not_enough_stock_lists_lines_and_changes_nothing(self):
        gauze = self._create_article("Gauze").product_variant_id
        invoice = self._invoice("out_invoice", [self._line(25), self._line(3, gauze)], post=False)
        with self.assertRaisesRegex(
            UserError,
            r"cannot move the stock:\n- .*Amoxicillin.*: 5.00 .* missing.*\n- .*Gauze: 3.00",
        ):
            invoice.action_post()
        self.assertEqual(invoice.state, "draft")
        self.assertFalse(invoice.bhima_movement_ids)
        self.assertEqual(self._stock(self.depot_a), 20)

    def test_depot_the_user_may_not_move_stock_in(self):
        self._purchase(self.depot_b, "CD-WARD", 5, 20)
        invoice = self._invoice(
            "out_invoice",
            [self._line(1)],
            depot=self.depot_b,
            post=False,
            env=self.env(user=self.cashier),
        )
        with self.assertRaisesRegex(
            AccessError, "not allowed to move stock in the depot Test Ward"
        ):
            invoice.with_user(self.cashier).action_post()
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(self._stock(self.depot_b), 5)
        invoice.bhima_depot_id = self.depot_a
        invoice.with_user(self.cashier).action_post()
        self.assertEqual(self._stock(self.depot_a), 19)

    def test_an_accountant_managing_the_depot_posts_and_resets(self):
        accountant = new_test_user(
            self.env, "accountant", groups="account.group_account_invoice", name="Accountant"
        )
        invoice = self._invoice(
            "out_invoice", [self._line(2)], post=False, env=self.env(user=accountant)
        )
        with self.assertRaisesRegex(
            AccessError, "not allowed to move stock in the depot Test Central Pharmacy"
        ):
            invoice.with_user(accountant).action_post()
        self.assertEqual(invoice.state, "draft")
        self.depot_a.bhima_manager_ids |= accountant
        invoice.with_user(accountant).action_post()
        self.assertEqual(self._stock(self.depot_a), 18)
        self.assertEqual(self._active(invoice).user_id, accountant)
        invoice.with_user(accountant).button_draft()
        self.assertEqual(self._stock(self.depot_a), 20)

    def test_depot_of_a_line(self):
        self._purchase(self.depot_b, "CD-WARD2", 5, 20)
        self.cashier.bhima_default_depot_id = self.depot_b
        # line's depot, then the document's, then the user's default
        invoice = self._invoice(
            "out_invoice",
            [self._line(1, bhima_depot_id=self.depot_b.id), self._line(2)],
            depot=self.depot_a,
        )
        self.assertEqual(self._stock(self.depot_b), 4)
        self.assertEqual(self._stock(self.depot_a), 18)
        self.assertEqual(len(self._active(invoice)), 2)
        self.depot_b.bhima_manager_ids |= self.cashier
        invoice = (
            self.env["account.move"]
            .with_user(self.cashier)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.patient.id,
                    "invoice_line_ids": [
                        Command.create(
                            {"product_id": self.product.id, "quantity": 1, "price_unit": 9}
                        )
                    ],
                }
            )
        )
        invoice.action_post()
        self.assertEqual(self._active(invoice).depot_id, self.depot_b)

    def test_mass_validation(self):
        invoices = self.env["account.move"].browse()
        for _index in range(5):
            invoices |= self._invoice("out_invoice", [self._line(2)], post=False)
        invoices.action_post()
        self.assertEqual(set(invoices.mapped("state")), {"posted"})
        self.assertEqual(self._stock(self.depot_a), 10)
        self.assertEqual(len(self._active(invoices)), 5)

    def test_invoice_keeps_its_own_accounting(self):
        invoice = self._invoice("out_invoice", [self._line(4)])
        movement = self._active(invoice)
        self.assertFalse(
            movement.move_ids.account_move_id, "the invoice's COGS lines carry the accounting"
        )
        cogs = invoice.line_ids.filtered(lambda line: line.display_type == "cogs")
        self.assertAlmostEqual(
            sum(cogs.filtered(lambda aml: aml.account_id == self.account_expense).mapped("debit")),
            80.0,
        )
        self.assertAlmostEqual(movement.value_total, 80.0)

    def test_setting_off_moves_nothing(self):
        self.company.bhima_invoice_moves_stock = False
        invoice = self._invoice("out_invoice", [self._line(4)])
        self.assertFalse(invoice.bhima_movement_ids)
        self.assertEqual(self._stock(self.depot_a), 20)


@tagged("post_install", "-at_install")
class TestCustomerCreditNotes(CommercialDocumentsCommon):
    def test_credit_note_returns_what_the_invoice_moved(self):
        invoice = self._invoice("out_invoice", [self._line(12)])
        exit_value = self._active(invoice).value_total
        credit = self._credit_note(invoice, quantity=11)
        entry = self._active(credit)
        self.assertEqual(
            (entry.flux_id.code, entry.direction, entry.depot_id), (4, "entry", self.depot_a)
        )
        self.assertEqual(
            [(line.lot_id, line.quantity) for line in entry.line_ids],
            [(self.lot_early, 10), (self.lot_late, 1)],
        )
        self.assertAlmostEqual(
            entry.value_total, exit_value * 11 / 12, msg="back at the original exit cost"
        )
        self.assertEqual(self._stock(self.depot_a), 19)
        # a second credit note may only return what is left (1), not more
        second = self._credit_note(invoice, quantity=2, post=False)
        with self.assertRaisesRegex(
            UserError, "2.00 Tablet credited, but only 1.00 moved by .* and not returned yet"
        ):
            second.action_post()
        self.assertEqual(second.state, "draft")
        second.invoice_line_ids.quantity = 1
        second.action_post()
        self.assertEqual(self._stock(self.depot_a), 20)

    def test_unvalidating_the_credit_note_takes_the_stock_out_again(self):
        invoice = self._invoice("out_invoice", [self._line(5)])
        credit = self._credit_note(invoice, quantity=5)
        self.assertEqual(self._stock(self.depot_a), 20)
        credit.button_draft()
        self.assertEqual(self._stock(self.depot_a), 15)
        reversal = self._active(credit).reversal_ids | credit.bhima_movement_ids.filtered(
            "reversal_of_id"
        )
        self.assertEqual(reversal.direction, "exit")
        credit.action_post()
        self.assertEqual(self._stock(self.depot_a), 20)

    def test_financial_credit_note_moves_nothing(self):
        invoice = self._invoice("out_invoice", [self._line(2), self._line(1, self.consultation)])
        credit = invoice._reverse_moves([{"invoice_date": fields.Date.today()}])
        credit.invoice_line_ids.filtered(lambda aml: aml.product_id == self.product).unlink()
        credit.action_post()
        self.assertFalse(credit.bhima_movement_ids)
        self.assertEqual(self._stock(self.depot_a), 18)
        standalone = self._invoice("out_refund", [self._line(1)])
        self.assertFalse(standalone.bhima_movement_ids)
        self.assertIn(
            "a credit note moves only what its invoice moved", standalone.message_ids[0].body
        )


@tagged("post_install", "-at_install")
class TestSupplierInvoices(CommercialDocumentsCommon):
    def test_supplier_invoice_enters_its_lots_at_its_price(self):
        expiry = fields.Date.today() + timedelta(days=400)
        bill = self._invoice(
            "in_invoice",
            [self._line(30, price_unit=7.0, bhima_lot_name="SUP-1", bhima_expiration_date=expiry)],
            depot=self.depot_b,
        )
        entry = self._active(bill)
        self.assertEqual(
            (entry.flux_id.code, entry.direction, entry.depot_id), (1, "entry", self.depot_b)
        )
        lot = entry.line_ids.lot_id
        self.assertEqual((lot.name, lot.expiration_date.date()), ("SUP-1", expiry))
        self.assertAlmostEqual(entry.value_total, 210.0)
        self.assertEqual(self._stock(self.depot_b, lot=lot), 30)
        self.assertFalse(entry.move_ids.account_move_id, "the bill carries the accounting")
        bill.button_draft()
        self.assertEqual(self._stock(self.depot_b, lot=lot), 0)
        reversal = entry.reversal_ids
        self.assertAlmostEqual(
            reversal.value_total, 210.0, msg="the reversal leaves at the entry's cost"
        )
        bill.action_post()
        self.assertEqual(self._stock(self.depot_b, lot=lot), 30)

    def test_missing_expiration_date_is_refused(self):
        bill = self._invoice("in_invoice", [self._line(3, price_unit=7.0)], post=False)
        with self.assertRaisesRegex(UserError, "give the lot's expiration date on the line"):
            bill.action_post()
        self.assertEqual(bill.state, "draft")

    def test_unvalidating_a_consumed_entry_is_refused(self):
        expiry = fields.Date.today() + timedelta(days=400)
        bill = self._invoice(
            "in_invoice",
            [self._line(5, bhima_lot_name="SUP-2", bhima_expiration_date=expiry)],
            depot=self.depot_b,
        )
        lot = self._active(bill).line_ids.lot_id
        self._movement(9, self.depot_b, [{"lot": lot, "quantity": 4}], partner_id=self.patient.id)
        with self.assertRaisesRegex(UserError, "negative in the depot Test Ward"):
            bill.button_draft()
        self.assertEqual(bill.state, "posted")
        self.assertEqual(self._stock(self.depot_b, lot=lot), 1)

    def test_supplier_credit_note_returns_what_the_bill_entered(self):
        expiry = fields.Date.today() + timedelta(days=400)
        bill = self._invoice(
            "in_invoice",
            [self._line(10, price_unit=3.0, bhima_lot_name="SUP-3", bhima_expiration_date=expiry)],
        )
        lot = self._active(bill).line_ids.lot_id
        refund = self._credit_note(bill, quantity=4)
        returned = self._active(refund)
        self.assertEqual((returned.flux_id.code, returned.direction), (17, "exit"))
        self.assertEqual(returned.line_ids.lot_id, lot)
        self.assertAlmostEqual(returned.value_total, 12.0)
        self.assertEqual(self._stock(self.depot_a, lot=lot), 6)
        with self.assertRaisesRegex(UserError, "7.00 Tablet credited, but only 6.00 moved"):
            self._credit_note(bill, quantity=7)
        refund.button_draft()
        self.assertEqual(self._stock(self.depot_a, lot=lot), 10)


@tagged("post_install", "-at_install")
class TestPickings(CommercialDocumentsCommon):
    def _delivery(self, quantity, lot):
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.depot_a.out_type_id.id,
                "location_id": self.depot_a.lot_stock_id.id,
                "location_dest_id": self.customer_location.id,
                "partner_id": self.patient.id,
                "move_ids": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "product_uom_qty": quantity,
                            "product_uom": self.product.uom_id.id,
                            "location_id": self.depot_a.lot_stock_id.id,
                            "location_dest_id": self.customer_location.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.move_ids.move_line_ids.unlink()
        picking.move_ids.move_line_ids = [
            Command.create(
                {
                    "product_id": self.product.id,
                    "lot_id": lot.id,
                    "quantity": quantity,
                    "location_id": self.depot_a.lot_stock_id.id,
                    "location_dest_id": self.customer_location.id,
                }
            )
        ]
        picking.move_ids.picked = True
        picking._action_done()
        return picking

    def test_delivery_validation_exits_and_unvalidation_returns_exactly(self):
        picking = self._delivery(4, self.lot_late)
        self.assertEqual(self._stock(self.depot_a, lot=self.lot_late), 6)
        action = picking.action_bhima_unvalidate()
        returned = self.env["stock.picking"].browse(action["res_id"])
        self.assertEqual(returned.state, "done")
        self.assertEqual(returned.move_ids.origin_returned_move_id, picking.move_ids)
        self.assertEqual(
            returned.move_ids.move_line_ids.mapped(lambda ml: (ml.lot_id, ml.quantity)),
            [(self.lot_late, 4)],
        )
        self.assertEqual(self._stock(self.depot_a, lot=self.lot_late), 10)
        self.assertEqual(self._stock(self.depot_a, lot=self.lot_early), 10)
        with self.assertRaisesRegex(UserError, "nothing left to return"):
            picking.action_bhima_unvalidate()

    def test_receipt_unvalidation(self):
        lot = self._lot("REC-1")
        receipt = self.env["stock.picking"].create(
            {
                "picking_type_id": self.depot_b.in_type_id.id,
                "location_id": self.supplier_location.id,
                "location_dest_id": self.depot_b.lot_stock_id.id,
                "move_ids": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "product_uom_qty": 6,
                            "product_uom": self.product.uom_id.id,
                            "location_id": self.supplier_location.id,
                            "location_dest_id": self.depot_b.lot_stock_id.id,
                        }
                    )
                ],
            }
        )
        receipt.action_confirm()
        receipt.move_ids.move_line_ids.unlink()
        receipt.move_ids.move_line_ids = [
            Command.create(
                {
                    "product_id": self.product.id,
                    "lot_id": lot.id,
                    "quantity": 6,
                    "location_id": self.supplier_location.id,
                    "location_dest_id": self.depot_b.lot_stock_id.id,
                }
            )
        ]
        receipt.move_ids.picked = True
        receipt._action_done()
        self.assertEqual(self._stock(self.depot_b, lot=lot), 6)
        self._movement(10, self.depot_b, [{"lot": lot, "quantity": 2}], service_id=self.service.id)
        with self.assertRaisesRegex(UserError, "no longer holds what this return takes back"):
            receipt.action_bhima_unvalidate()
        self._movement(
            15, self.depot_b, [{"lot": lot, "quantity": 2, "unit_cost": 20}], direction="entry"
        )
        receipt.action_bhima_unvalidate()
        self.assertEqual(self._stock(self.depot_b, lot=lot), 0)


@tagged("post_install", "-at_install")
class TestStockPreview(CommercialDocumentsCommon):
    def test_preview_lists_the_movements_and_warnings(self):
        expired = self._purchase(
            self.depot_a, "CD-OLD", 3, 20, expiration=fields.Date.today() + timedelta(days=2)
        )
        expired.line_ids.lot_id.expiration_date = fields.Datetime.now() - timedelta(days=3)
        invoice = self._invoice(
            "out_invoice", [self._line(22), self._line(1, self.consultation)], post=False
        )
        action = invoice.action_bhima_stock_preview()
        preview = self.env["bhima.stock.preview"].browse(action["res_id"])
        rows = preview.line_ids
        planned = rows.filtered("lot_id")
        self.assertEqual(
            [(r.lot_id, r.quantity, r.balance_after, r.depot_id) for r in planned],
            [(self.lot_early, 10, 0, self.depot_a), (self.lot_late, 10, 0, self.depot_a)],
        )
        self.assertAlmostEqual(planned[0].unit_cost, 20.0)
        self.assertTrue(preview.has_errors)
        self.assertTrue(rows.filtered(lambda r: r.is_error and "2.00 Tablet missing" in r.note))
        self.assertTrue(rows.filtered(lambda r: "CD-OLD is expired" in (r.note or "")))
        self.assertTrue(
            rows.filtered(lambda r: r.product_id == self.consultation and "not managed" in r.note)
        )
        self.assertEqual(invoice.state, "draft")
        self.assertFalse(invoice.bhima_movement_ids, "the preview writes nothing")
