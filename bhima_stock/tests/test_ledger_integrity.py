"""A stock ledger that cannot be bent (issue: integrity, ordinary Odoo products
and users of other apps). Each test names the point of the issue it covers."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .test_commercial_documents import CommercialDocumentsCommon


class LedgerCommon(CommercialDocumentsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Odoo 19 has no "All" category: plain products have none, or "Goods"
        cls.category_all = cls.env.ref("product.product_category_goods")

    def _ledger(self, product):
        """(stock account balance, Odoo's valuation) of a product, which must agree."""
        product = product.with_company(self.company)
        account = product.product_tmpl_id.get_product_accounts()["stock_valuation"]
        lines = self.env["account.move.line"].search(
            [
                ("account_id", "=", account.id),
                ("product_id", "=", product.id),
                ("parent_state", "=", "posted"),
            ]
        )
        product.invalidate_recordset(["total_value", "avg_cost"])
        return round(sum(lines.mapped("balance")), 2), round(product.total_value, 2)

    def assertLedger(self, product, value=None):
        balance, valuation = self._ledger(product)
        self.assertEqual(balance, valuation, "the stock account must equal the valuation")
        if value is not None:
            self.assertEqual(valuation, value)

    def _entry(
        self,
        product,
        quantity,
        cost,
        days_ago=0,
        lot_name=None,
        depot=None,
        expiration=None,
        **values,
    ):
        """An opening entry (flux 13), dated ``days_ago`` days ago."""
        line = {"product_id": product.id, "quantity": quantity, "unit_cost": cost}
        if product.tracking != "none":
            line.update(
                lot_name=lot_name or f"L{quantity}-{cost}-{days_ago}",
                expiration_date=expiration or fields.Date.today() + timedelta(days=400),
            )
        return self._movement(
            13,
            depot or self.depot_a,
            [line],
            date=fields.Datetime.now() - timedelta(days=days_ago),
            **values,
        )

    def _exit(self, product, quantity, days_ago=0, depot=None, env=None, **line):
        return self._movement(
            10,
            depot or self.depot_a,
            [{"product_id": product.id, "quantity": quantity, **line}],
            service_id=self.service.id,
            date=fields.Datetime.now() - timedelta(days=days_ago),
            env=env,
        )

    @classmethod
    def _adjust(cls, product, quantity, location=None):
        """Set the on-hand quantity the Odoo way: an inventory adjustment."""
        quant = (
            cls.env["stock.quant"]
            .with_context(inventory_mode=True)
            .create(
                {
                    "product_id": product.id,
                    "location_id": (location or cls.depot_a.lot_stock_id).id,
                    "inventory_quantity": quantity,
                }
            )
        )
        quant.action_apply_inventory()


@tagged("post_install", "-at_install")
class TestPlainOdooProducts(LedgerCommon):
    """Point 1 and 9: products created the Odoo way (no lots, category All) and
    one definition of a depot's stock."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.soap = cls.env["product.product"].create(
            {"name": "Plain soap", "type": "consu", "is_storable": True, "standard_price": 2.5}
        )
        cls.towel = cls.env["product.product"].create(
            {
                "name": "Plain towel",
                "type": "consu",
                "is_storable": True,
                "categ_id": cls.category_all.id,
                "standard_price": 4.0,
            }
        )
        cls._adjust(cls.soap, 20)
        cls._adjust(cls.towel, 10)

    def test_bhima_exit_of_a_product_without_lots(self):
        exit_ = self._exit(self.soap, 3, env=self.env(user=self.pharmacist))
        self.assertEqual(exit_.state, "done")
        self.assertFalse(exit_.move_ids.move_line_ids.lot_id)
        self.assertEqual(self._stock(self.depot_a, self.soap), 17)
        self.assertEqual(exit_.value_total, 7.5)
        with self.assertRaisesRegex(UserError, "would make the stock negative"):
            self._exit(self.soap, 18)
        self.assertEqual(self._stock(self.depot_a, self.soap), 17)

    def test_a_product_of_the_goods_category(self):
        self._invoice("out_invoice", [self._line(4, self.towel), self._line(1, self.soap)])
        self.assertEqual(self._stock(self.depot_a, self.towel), 6)
        self._exit(self.towel, 6)
        self.assertEqual(self._stock(self.depot_a, self.towel), 0)

    def test_invoice_credit_note_and_reset_of_a_product_without_lots(self):
        invoice = self._invoice("out_invoice", [self._line(5, self.soap)])
        self.assertEqual(self._stock(self.depot_a, self.soap), 15)
        credit = invoice._reverse_moves([{"invoice_date": fields.Date.today()}])
        credit.invoice_line_ids.quantity = 2
        credit.action_post()
        self.assertEqual(self._stock(self.depot_a, self.soap), 17)
        invoice.button_draft()
        self.assertEqual(self._stock(self.depot_a, self.soap), 20)
        credit.button_draft()
        self.assertEqual(self._stock(self.depot_a, self.soap), 20)
        invoice.action_post()
        self.assertEqual(self._stock(self.depot_a, self.soap), 15)

    def test_remove_stock_line_and_preview_of_a_product_without_lots(self):
        invoice = self._invoice("out_invoice", [self._line(4, self.soap)], post=False)
        preview = self.env["bhima.stock.preview"].create({"move_id": invoice.id})
        preview._bhima_fill()
        row = preview.line_ids.filtered(lambda r: r.product_id == self.soap and r.quantity)
        self.assertEqual((row.quantity, row.balance_after), (4, 16))
        wizard = self.env["bhima.stock.remove.line"].create(
            {"depot_id": self.depot_a.id, "product_id": self.soap.id, "reason": "broken"}
        )
        self.assertEqual(wizard.quantity, 20)
        wizard.action_confirm()
        self.assertEqual(self._stock(self.depot_a, self.soap), 0)

    def test_stock_is_counted_where_it_is_taken(self):
        shelf = self.env["stock.location"].create(
            {"name": "Shelf 1", "location_id": self.depot_a.lot_stock_id.id}
        )
        outside = self.env["stock.location"].create(
            {"name": "Quarantine", "location_id": self.depot_a.view_location_id.id}
        )
        self._adjust(self.soap, 5, shelf)
        self._adjust(self.soap, 100, outside)
        # 20 in the stock location, 5 on its shelf: the quarantine is not the depot's stock
        self.assertEqual(self._stock(self.depot_a, self.soap), 125)
        with self.assertRaisesRegex(UserError, "would make the stock negative"):
            self._exit(self.soap, 26)
        exit_ = self._exit(self.soap, 23)
        sources = {line.location_id: line.quantity for line in exit_.move_ids.move_line_ids}
        self.assertEqual(sources, {self.depot_a.lot_stock_id: 20, shelf: 3})
        quant = self.env["stock.quant"].search(
            [("product_id", "=", self.soap.id), ("location_id", "=", shelf.id)]
        )
        self.assertEqual(quant.quantity, 2)

    def test_lots_in_a_sub_location_are_proposed(self):
        shelf = self.env["stock.location"].create(
            {"name": "Fridge", "location_id": self.depot_a.lot_stock_id.id}
        )
        lot = self._lot("FRIDGE-1")
        self._move(self.product, 6, self.supplier_location, shelf, lot=lot)
        self.assertEqual(self._stock(self.depot_a), 26)
        exit_ = self._exit(self.product, 25)
        self.assertEqual(
            sorted(exit_.line_ids.mapped(lambda line: (line.lot_id.name, line.quantity))),
            [("CD-EARLY", 10), ("CD-LATE", 10), ("FRIDGE-1", 5)],
        )


@tagged("post_install", "-at_install")
class TestValuationAtTheRightDate(LedgerCommon):
    """Points 2 and 7: back-dated movements are valued at their date, the stock
    account equals Odoo's valuation after any sequence, costs keep their
    precision."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.para = cls._create_article("Back-dated paracetamol").product_variant_id
        cls.gauze = cls._create_article("FIFO gauze", group=cls.group_fifo).product_variant_id
        cls.cotton = cls.env["product.product"].create(
            {"name": "FIFO cotton", "is_storable": True, "categ_id": cls.group_fifo.id}
        )
        cls.cotton.tracking = "none"

    def test_back_dated_entries_give_the_weighted_average(self):
        self._entry(self.para, 100, 7.0, days_ago=10)
        self._entry(self.para, 50, 9.0, days_ago=2)
        self.assertAlmostEqual(self.para.standard_price, 7.67, places=2)
        self.assertLedger(self.para, 1150.0)
        exit_ = self._exit(self.para, 30)
        self.assertEqual(exit_.value_total, 230.0)
        self.assertLedger(self.para, 920.0)

    def test_an_exit_between_two_entries_is_valued_at_its_date(self):
        self._entry(self.para, 100, 7.0, days_ago=10)
        self._entry(self.para, 50, 9.0, days_ago=2)
        exit_ = self._exit(self.para, 90, days_ago=5)
        self.assertEqual(exit_.value_total, 630.0)
        self.assertLedger(self.para, 520.0)
        self.assertAlmostEqual(self.para.standard_price, 8.67, places=2)

    def test_emptying_the_stock_leaves_no_value(self):
        for cost in (3.33, 3.33, 3.34):
            self._entry(self.para, 1, cost)
        for _index in range(3):
            self._exit(self.para, 1)
        self.assertEqual(self._stock(self.depot_a, self.para), 0)
        self.assertLedger(self.para, 0.0)

    def test_fifo_back_dated_entry_revalues_the_later_exits(self):
        self._entry(self.gauze, 10, 1.0, days_ago=10)
        exit_ = self._exit(self.gauze, 10, days_ago=1)
        self.assertEqual(exit_.value_total, 10.0)
        self._entry(self.gauze, 10, 2.0)
        self.assertLedger(self.gauze, 20.0)
        # an opening stock forgotten, entered now but dated before everything
        self._entry(self.gauze, 10, 5.0, days_ago=20)
        self.assertEqual(exit_.move_ids.value, 50.0)  # FIFO: it took the oldest units
        self.assertLedger(self.gauze, 30.0)
        revaluation = self.env["account.move"].search([("ref", "like", "FIFO revaluation")])
        self.assertEqual(sum(revaluation.line_ids.mapped("debit")), 40.0)

    def test_fifo_back_dated_exit(self):
        self._entry(self.cotton, 10, 1.0, days_ago=10)
        self._entry(self.cotton, 10, 2.0, days_ago=5)
        later = self._exit(self.cotton, 10)
        self.assertEqual(later.value_total, 10.0)
        early = self._exit(self.cotton, 5, days_ago=8)
        self.assertEqual(early.value_total, 5.0)
        self.assertEqual(later.move_ids.value, 15.0)  # 5 of the first entry, 5 of the second
        self.assertLedger(self.cotton, 10.0)

    def test_a_fifo_exit_is_reversed_to_the_cent(self):
        for cost in (3.33, 3.33, 3.34):
            self._entry(self.gauze, 1, cost, lot_name=f"G-{cost}")
        invoice = self._invoice("out_invoice", [self._line(3, self.gauze)])
        exit_ = invoice._bhima_document_movements()
        self.assertEqual(exit_.value_total, 10.0)
        invoice.button_draft()
        reversal = exit_.reversal_ids
        self.assertEqual(reversal.value_total, 10.0)
        self.assertLedger(self.gauze, 10.0)

    def test_a_partial_reversal_adds_up_to_the_original(self):
        for cost in (3.33, 3.33, 3.34):
            self._entry(self.gauze, 1, cost, lot_name=f"P-{cost}")
        invoice = self._invoice("out_invoice", [self._line(3, self.gauze)])
        self._credit_note(invoice, quantity=1)
        invoice.button_draft()
        movements = invoice._bhima_document_movements()
        returns = self.env["bhima.stock.movement.line"].search(
            [("origin_line_id", "in", movements.line_ids.ids)]
        )
        self.assertEqual(round(sum(returns.move_id.mapped("value")), 2), movements.value_total)
        self.assertLedger(self.gauze, 10.0)

    def test_a_box_of_1000_tablets_enters_at_its_price(self):
        box = self.env["uom.uom"].create(
            {"name": "Box of 1000", "relative_factor": 1000, "relative_uom_id": self.unit_tablet.id}
        )
        bill = self._invoice(
            "in_invoice",
            [
                self._line(
                    1,
                    self.para,
                    product_uom_id=box.id,
                    price_unit=4.0,
                    bhima_lot_name="BOX-1",
                    bhima_expiration_date=fields.Date.today() + timedelta(days=300),
                )
            ],
        )
        entry = bill._bhima_document_movements()
        self.assertEqual(self._stock(self.depot_a, self.para), 1000)
        self.assertEqual(entry.move_ids.value, 4.0)
        self.assertLedger(self.para, 4.0)
        exit_ = self._exit(self.para, 250)
        self.assertEqual(exit_.value_total, 1.0)
        self.assertLedger(self.para, 3.0)

    def test_a_bill_in_a_foreign_currency_enters_at_its_booked_amount(self):
        currency = self.env["res.currency"].create({"name": "BTC", "symbol": "B", "rounding": 0.01})
        self.env["res.currency.rate"].create(
            {"currency_id": currency.id, "rate": 0.25, "name": fields.Date.today()}
        )
        bill = self._invoice(
            "in_invoice",
            [
                self._line(
                    10,
                    self.para,
                    price_unit=3.0,
                    bhima_lot_name="FX-1",
                    bhima_expiration_date=fields.Date.today() + timedelta(days=300),
                )
            ],
            currency_id=currency.id,
        )
        line = bill.invoice_line_ids
        self.assertEqual(abs(line.balance), 120.0)
        self.assertEqual(bill._bhima_document_movements().value_total, 120.0)
        self.assertLedger(self.para, 120.0)

    def test_a_draft_exit_shows_the_value_it_validates_at(self):
        self._entry(self.para, 100, 7.0)
        self._entry(self.para, 60, 9.0)
        for quantity in (70, 90):  # then what is left
            exit_ = self._movement(
                10,
                self.depot_a,
                [{"product_id": self.para.id, "quantity": quantity}],
                service_id=self.service.id,
                validate=False,
            )
            draft_value = exit_.value_total
            exit_.action_validate()
            self.assertEqual(draft_value, exit_.value_total)
        self.assertLedger(self.para, 0.0)


@tagged("post_install", "-at_install")
class TestImmutableMovements(LedgerCommon):
    """Points 3 and 4: validated movements cannot be changed, and what only the
    application sets is refused from clients."""

    def test_a_validated_movement_cannot_change(self):
        env = self.env(user=self.pharmacist)
        entry = self._purchase(self.depot_a, "IMM-1", 10, 5.0, env=env)
        with self.assertRaisesRegex(UserError, "State of BHIMA Stock Movement is set by the app"):
            entry.with_user(self.pharmacist).write({"state": "draft"})
        with self.assertRaisesRegex(UserError, "validated: it cannot be changed"):
            entry.with_user(self.pharmacist).write({"partner_id": self.donor.id})
        with self.assertRaisesRegex(UserError, "validated: it cannot be changed"):
            entry.line_ids.with_user(self.pharmacist).write({"quantity": 99})
        with self.assertRaisesRegex(UserError, "validated: it cannot be deleted"):
            entry.line_ids.with_user(self.pharmacist).unlink()
        with self.assertRaisesRegex(UserError, "already validated"):
            entry.with_user(self.pharmacist).action_validate()
        entry.with_user(self.pharmacist).write({"description": "Counted again: all there"})
        self.assertEqual(entry.line_ids.quantity, 10)
        self.assertEqual(self._stock(self.depot_a), 30)

    def test_fields_set_by_the_application_are_refused(self):
        expired = self._lot("IMM-EXP", expiration=fields.Datetime.now() - timedelta(days=30))
        entry = self._purchase(self.depot_a, "IMM-2", 10, 5.0)
        Movement = self.env["bhima.stock.movement"].with_user(self.pharmacist)
        base = {"flux_id": self._flux(9).id, "depot_id": self.depot_a.id}
        base["partner_id"] = self.patient.id
        attempts = [
            {
                "line_ids": [
                    {
                        "product_id": self.product.id,
                        "quantity": 1,
                        "lot_id": expired.id,
                        "origin_line_id": entry.line_ids.id,
                    }
                ]
            },
            {
                "reversal_of_id": entry.id,
                "line_ids": [{"product_id": self.product.id, "quantity": 1}],
            },
            {"from_transit": True, "line_ids": [{"product_id": self.product.id, "quantity": 1}]},
            {"state": "done", "line_ids": [{"product_id": self.product.id, "quantity": 1}]},
            {"line_ids": [{"product_id": self.product.id, "quantity": 1, "fixed_value": 0.01}]},
        ]
        for values in attempts:
            with (
                self.subTest(values=values),
                self.assertRaisesRegex(UserError, "is set by the application"),
            ):
                Movement.create_and_validate({**base, **values})
        with self.assertRaisesRegex(UserError, "cannot have the direction"):
            Movement.create_and_validate(
                {
                    **base,
                    "direction": "entry",
                    "line_ids": [{"product_id": self.product.id, "quantity": 1}],
                }
            )
        with self.assertRaisesRegex(UserError, "is set by the application"):
            self.env["stock.move"].with_user(self.pharmacist).create(
                {
                    "product_id": self.product.id,
                    "product_uom_qty": 1,
                    "product_uom": self.product.uom_id.id,
                    "location_id": self.depot_a.lot_stock_id.id,
                    "location_dest_id": self.customer_location.id,
                    "bhima_fixed_value": 0.01,
                }
            )
        self.assertEqual(self._stock(self.depot_a), 30)


@tagged("post_install", "-at_install")
class TestCreditNoteSequences(LedgerCommon):
    """Point 5: un-validation moves back only what is still out; the caps of
    credit notes hold across resets, re-posts and credit notes posted together."""

    def test_credit_note_then_invoice_back_to_draft(self):
        invoice = self._invoice("out_invoice", [self._line(10)])
        self.assertEqual(self._stock(self.depot_a), 10)
        credit = self._credit_note(invoice, quantity=4)
        self.assertEqual(self._stock(self.depot_a), 14)
        invoice.button_draft()
        self.assertEqual(self._stock(self.depot_a), 20)
        invoice.action_post()  # the credit note still returns 4: 6 leave
        self.assertEqual(self._stock(self.depot_a), 14)
        credit.button_draft()
        self.assertEqual(self._stock(self.depot_a), 10)
        invoice.button_draft()
        self.assertEqual(self._stock(self.depot_a), 20)
        self.assertLedger(self.product)

    def test_credit_note_back_to_draft_after_its_invoice(self):
        invoice = self._invoice("out_invoice", [self._line(10)])
        credit = self._credit_note(invoice, quantity=4)
        invoice.button_draft()
        credit.button_draft()
        self.assertEqual(self._stock(self.depot_a), 20)
        credit.action_post()  # the invoice moves nothing any more: nothing to return
        self.assertEqual(self._stock(self.depot_a), 20)
        self.assertEqual(credit.state, "posted")

    def test_credit_notes_posted_together_cannot_exceed_the_invoice(self):
        invoice = self._invoice("out_invoice", [self._line(10)])
        first = self._credit_note(invoice, quantity=6, post=False)
        second = self._credit_note(invoice, quantity=6, post=False)
        with self.assertRaisesRegex(UserError, "only 4.00 moved"):
            (first | second).action_post()
        self.assertEqual((first.state, second.state), ("draft", "draft"))
        self.assertEqual(self._stock(self.depot_a), 10)
        first.action_post()
        second.invoice_line_ids.quantity = 4
        second.action_post()
        self.assertEqual(self._stock(self.depot_a), 20)
        invoice.button_draft()
        self.assertEqual(self._stock(self.depot_a), 20)

    def test_loading_an_invoice_into_an_exit_takes_what_no_exit_took(self):
        self.env.company.bhima_invoice_moves_stock = False
        self.product.bhima_consumable = True
        invoice = self._invoice("out_invoice", [self._line(8)])
        first = self._movement(
            9, self.depot_a, [], partner_id=self.patient.id, validate=False, invoice_id=invoice.id
        )
        first.action_load_invoice_lines()
        first.line_ids[0].quantity = 3
        first.line_ids[1:].unlink()
        first.action_validate()
        second = self._movement(
            9, self.depot_a, [], partner_id=self.patient.id, validate=False, invoice_id=invoice.id
        )
        second.action_load_invoice_lines()
        self.assertEqual(sum(second.line_ids.mapped("quantity")), 5)


@tagged("post_install", "-at_install")
class TestUnitsOfMeasure(LedgerCommon):
    """Point 8: documents and movements in another unit move the right quantity."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dozen = cls.env["uom.uom"].create(
            {"name": "Dozen tablets", "relative_factor": 12, "relative_uom_id": cls.unit_tablet.id}
        )
        cls.box = cls.env["uom.uom"].create(
            {
                "name": "Box of 10 tablets",
                "relative_factor": 10,
                "relative_uom_id": cls.unit_tablet.id,
            }
        )

    def test_an_invoice_in_dozens(self):
        self._purchase(self.depot_a, "DZ-1", 30, 1.0)
        self._invoice("out_invoice", [self._line(2, product_uom_id=self.dozen.id)])
        self.assertEqual(self._stock(self.depot_a), 26)

    def test_a_movement_line_in_boxes(self):
        entry = self._movement(
            13,
            self.depot_a,
            [
                {
                    "lot_name": "BOX-10",
                    "expiration_date": fields.Date.today() + timedelta(days=200),
                    "quantity": 2,
                    "product_uom_id": self.box.id,
                    "unit_cost": 50.0,
                }
            ],
        )
        self.assertEqual(self._stock(self.depot_a), 40)
        self.assertEqual(entry.value_total, 100.0)
        self._exit(self.product, 1, product_uom_id=self.box.id, lot_id=entry.line_ids.lot_id.id)
        self.assertEqual(self._stock(self.depot_a), 30)
        with self.assertRaisesRegex(UserError, "cannot measure"):
            self._exit(self.product, 1, product_uom_id=self.env.ref("uom.product_uom_kgm").id)


@tagged("post_install", "-at_install")
class TestOtherAppsAndCompanies(LedgerCommon):
    """Points 6, 11 and 12: users of other apps, several companies, strict
    permission without leaks."""

    def test_an_accountant_managing_the_depot_posts_a_credit_note(self):
        accountant = new_test_user(
            self.env, "accountant2", groups="account.group_account_invoice", name="Accountant"
        )
        self.depot_a.bhima_manager_ids |= accountant
        env = self.env(user=accountant)
        invoice = self._invoice("out_invoice", [self._line(5)], env=env)
        self.assertEqual(self._stock(self.depot_a), 15)
        credit = invoice.with_user(accountant)._reverse_moves(
            [{"invoice_date": fields.Date.today()}]
        )
        credit.action_post()
        self.assertEqual(self._stock(self.depot_a), 20)
        credit.button_draft()
        self.assertEqual(self._stock(self.depot_a), 15)

    def test_movements_stay_in_their_company(self):
        company_b = self.env["res.company"].create({"name": "Second Hospital"})
        depot = self.env["stock.warehouse"].search([("company_id", "=", company_b.id)], limit=1)
        user_b = new_test_user(
            self.env,
            "user_b",
            groups="bhima_stock.bhima_stock_group_user",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        depot.bhima_manager_ids = user_b
        movement = self._purchase(self.depot_a, "MC-1", 5, 1.0)
        Movement = self.env["bhima.stock.movement"].with_user(user_b)
        self.assertFalse(Movement.search([("id", "=", movement.id)]))
        with self.assertRaises(AccessError):
            movement.with_user(user_b).line_ids.read(["quantity"])
        self.assertFalse(
            self.env["bhima.stock.service"].with_user(user_b).search([("id", "=", self.service.id)])
        )
        # the same article code may exist in each company
        self._create_article("Company A gauze", default_code="GZ-1", company_id=self.company.id)
        self.env["product.template"].with_company(company_b).create(
            {
                "name": "Company B gauze",
                "default_code": "GZ-1",
                "company_id": company_b.id,
                "categ_id": self.group_medicines.id,
                "uom_id": self.unit_tablet.id,
                "bhima_type_id": self.type_article.id,
            }
        )

    def test_strict_permission_leaks_nothing(self):
        self.env.company.bhima_strict_depot_permission = True
        outsider = self.outsider
        lot_b = self._lot("STRICT-B")
        self._move(self.product, 3, self.supplier_location, self.depot_b.lot_stock_id, lot=lot_b)
        self.assertFalse(self.env["stock.lot"].with_user(outsider).search([("id", "=", lot_b.id)]))
        self.assertTrue(self.env["stock.lot"].with_user(self.nurse).search([("id", "=", lot_b.id)]))
        report = (
            self.env["report.stock.quantity"]
            .with_user(outsider)
            .search([("warehouse_id", "=", self.depot_b.id)])
        )
        self.assertFalse(report)
        self.depot_a.bhima_manager_ids |= outsider
        invoice = self._invoice("out_invoice", [self._line(2)], depot=self.depot_b, post=False)
        preview = (
            self.env["bhima.stock.preview"].with_user(outsider).create({"move_id": invoice.id})
        )
        preview._bhima_fill()
        self.assertTrue(preview.has_errors)
        self.assertFalse(preview.line_ids.filtered("lot_id"))
        self.assertIn("may not see the stock of the depot", preview.line_ids[0].note)


@tagged("post_install", "-at_install")
class TestExpirationDays(LedgerCommon):
    """Point 13: a lot is usable through its expiration date in the company's
    time zone, in checks, views and Odoo's own flags."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "America/Lima"  # UTC-5

    def test_a_lot_is_usable_through_its_last_day_west_of_utc(self):
        with freeze_time("2027-03-10 15:00:00"):  # 10:00 in Lima
            entry = self._movement(
                13,
                self.depot_a,
                [
                    {
                        "lot_name": "LIMA-1",
                        "expiration_date": fields.Date.to_date("2027-03-12"),
                        "quantity": 10,
                        "unit_cost": 1.0,
                    }
                ],
            )
            lot = entry.line_ids.lot_id
            self.assertEqual(lot.expiration_date, datetime(2027, 3, 13, 4, 59, 59))
            self.assertEqual(entry.line_ids.expiration_date, fields.Date.to_date("2027-03-12"))
        with freeze_time("2027-03-13 03:00:00"):  # 22:00 on the 12th in Lima
            lot.invalidate_recordset()
            self.assertFalse(lot.product_expiry_alert)
            self.assertFalse(lot._bhima_is_expired())
            self._exit(self.product, 2, lot_id=lot.id)
        with freeze_time("2027-03-13 06:00:00"):  # 01:00 on the 13th in Lima
            lot.invalidate_recordset()
            self.assertTrue(lot.product_expiry_alert)
            self.assertTrue(lot._bhima_is_expired())
            with self.assertRaisesRegex(UserError, "expired on"):
                self._exit(self.product, 2, lot_id=lot.id)

    def test_a_back_dated_entry_judges_expiry_at_its_date(self):
        entry = self._movement(
            13,
            self.depot_a,
            [
                {
                    "lot_name": "OLD-1",
                    "expiration_date": fields.Date.today() - timedelta(days=5),
                    "quantity": 4,
                    "unit_cost": 1.0,
                }
            ],
            date=fields.Datetime.now() - timedelta(days=10),
        )
        self.assertEqual(entry.state, "done")
        with self.assertRaisesRegex(UserError, "cannot enter a depot"):
            self._movement(
                13,
                self.depot_a,
                [
                    {
                        "lot_name": "OLD-2",
                        "expiration_date": fields.Date.today() - timedelta(days=5),
                        "quantity": 4,
                        "unit_cost": 1.0,
                    }
                ],
                date=fields.Datetime.now() - timedelta(days=2),
            )

    def test_a_lot_that_expired_on_the_way_is_written_off(self):
        lot = self._lot("WAY-1", expiration=fields.Datetime.now() + timedelta(days=2))
        self._move(self.product, 5, self.supplier_location, self.depot_a.lot_stock_id, lot=lot)
        transfer = self._movement(
            8, self.depot_a, [{"lot_id": lot.id, "quantity": 5}], dest_depot_id=self.depot_b.id
        )
        with freeze_time(fields.Datetime.now() + timedelta(days=5)):
            loss = self.env["bhima.stock.movement"].browse(transfer.action_close_transfer())
            self.assertEqual(loss.state, "done")
        self.assertEqual(transfer.transfer_state, "lost")
