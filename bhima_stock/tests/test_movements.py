import io
import unittest
from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger
from odoo.tools.pdf import PdfFileReader

from .common import BhimaMovementCommon


@tagged("post_install", "-at_install")
class TestFluxes(BhimaMovementCommon):
    def test_bhima_fluxes_are_shipped_with_their_ids(self):
        Flux = self.env["bhima.stock.flux"].with_context(active_test=False)
        fluxes = {flux.code: flux for flux in Flux.search([])}
        self.assertEqual(set(fluxes), set(range(1, 18)))
        self.assertEqual((fluxes[17].direction, fluxes[17].counterpart), ("exit", "supplier"))
        self.assertEqual(fluxes[9].name, "To Patient")
        self.assertEqual(fluxes[9].direction, "exit")
        self.assertEqual(fluxes[13].direction, "entry")
        self.assertEqual(fluxes[15].direction, "both")
        # consumption: patients, services and aggregate always, transfers if the depot is a warehouse
        self.assertEqual({c for c, f in fluxes.items() if f.consumption == "always"}, {9, 10, 16})
        self.assertEqual(fluxes[8].consumption, "if_warehouse")
        self.assertFalse(fluxes[8]._counts_as_consumption(self.depot_a))
        self.depot_a.bhima_is_warehouse = True
        self.assertTrue(fluxes[8]._counts_as_consumption(self.depot_a))
        self.assertFalse(fluxes[11]._counts_as_consumption(self.depot_a))
        self.assertFalse(fluxes[2].posts_accounting or fluxes[8].posts_accounting)


@tagged("post_install", "-at_install")
class TestEntries(BhimaMovementCommon):
    def test_purchase_entry_creates_lots_quants_and_a_reference(self):
        expiry = fields.Date.today() + timedelta(days=200)
        movement = self._movement(
            1,
            self.depot_a,
            [
                {
                    "lot_name": "PA-001",
                    "expiration_date": expiry,
                    "quantity": 100,
                    "unit_cost": 12.5,
                },
                {
                    "lot_name": "PA-002",
                    "expiration_date": expiry + timedelta(days=30),
                    "quantity": 50,
                    "unit_cost": 12.5,
                },
            ],
            partner_id=self.supplier.id,
            description="Order 42",
        )
        self.assertEqual(movement.state, "done")
        self.assertRegex(movement.name, r"^SM\.1\.\d+$")
        lot = movement.line_ids[0].lot_id
        self.assertEqual(lot.name, "PA-001")
        self.assertEqual(lot.expiration_date.date(), expiry)
        self.assertEqual(self._stock(self.depot_a, lot=lot), 100)
        self.assertEqual(self._stock(self.depot_a), 150)
        self.assertEqual(len(movement.move_ids), 2)
        self.assertEqual(set(movement.move_ids.mapped("state")), {"done"})
        self.assertEqual(movement.move_ids.bhima_flux_id, self._flux(1))
        self.assertEqual(movement.move_ids[0].reference, movement.name)
        self.assertEqual(movement.move_ids[0].bhima_comment, "Order 42")
        self.assertAlmostEqual(movement.value_total, 150 * 12.5)
        self.assertAlmostEqual(self.product.standard_price, 12.5)

    def test_existing_lot_is_reused(self):
        first = self._purchase(self.depot_a, "PA-010", 10, 5)
        second = self._purchase(
            self.depot_a, "PA-010", 5, 5, expiration=first.line_ids.lot_id.expiration_date.date()
        )
        self.assertEqual(second.line_ids.lot_id, first.line_ids.lot_id)
        self.assertEqual(self._stock(self.depot_a, lot=first.line_ids.lot_id), 15)
        with self.assertRaisesRegex(UserError, "already exists and expires on"):
            self._purchase(
                self.depot_a, "PA-010", 5, 5, expiration=fields.Date.today() + timedelta(days=3)
            )

    def test_expiration_date_rules(self):
        with self.assertRaisesRegex(UserError, "needs an expiration date"):
            self._movement(
                1,
                self.depot_a,
                [{"lot_name": "NOEXP", "quantity": 1, "unit_cost": 1}],
                partner_id=self.supplier.id,
            )
        yesterday = fields.Date.today() - timedelta(days=1)
        with self.assertRaisesRegex(UserError, "expired on .* cannot enter a depot"):
            self._purchase(self.depot_a, "OLD", 1, 1, expiration=yesterday)
        self.assertFalse(self.env["stock.lot"].search([("name", "in", ("NOEXP", "OLD"))]))
        # a group that does not track expiration takes lots without date
        gauze = self._create_article("Gauze", group=self.group_equipment).product_variant_id
        movement = self._movement(
            13,
            self.depot_a,
            [{"product_id": gauze.id, "lot_name": "SN-1", "quantity": 1, "unit_cost": 3}],
        )
        self.assertFalse(movement.line_ids.lot_id.expiration_date)

    def test_entry_requirements(self):
        with self.assertRaisesRegex(UserError, "needs the supplier"):
            self._movement(1, self.depot_a, [{"lot_name": "X", "quantity": 1, "unit_cost": 1}])
        with self.assertRaisesRegex(UserError, "needs the donor"):
            self._movement(6, self.depot_a, [{"lot_name": "X", "quantity": 1, "unit_cost": 1}])
        with self.assertRaisesRegex(UserError, "Give the lot"):
            self._movement(13, self.depot_a, [{"quantity": 1, "unit_cost": 1}])
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self._movement(13, self.depot_a, [{"lot_name": "X", "quantity": -1, "unit_cost": 1}])

    def test_depot_must_allow_the_entry_type(self):
        self.depot_b.bhima_allow_entry_donation = False
        with self.assertRaisesRegex(
            UserError, "Test Ward does not allow movements of the type Entry from Donation"
        ):
            self._movement(
                6,
                self.depot_b,
                [
                    {
                        "lot_name": "DON-1",
                        "expiration_date": fields.Date.today() + timedelta(days=90),
                        "quantity": 5,
                    }
                ],
                partner_id=self.donor.id,
            )
        self.assertEqual(self._stock(self.depot_b), 0)

    def test_future_date_refused(self):
        with self.assertRaisesRegex(UserError, "future"):
            self._purchase(
                self.depot_a, "FUT", 1, 1, date=fields.Datetime.now() + timedelta(days=2)
            )


@tagged("post_install", "-at_install")
class TestValuation(BhimaMovementCommon):
    def _exit_to_patient(self, depot, quantity, product=None, **values):
        return self._movement(
            9,
            depot,
            [{"product_id": (product or self.product).id, "quantity": quantity}],
            partner_id=self.patient.id,
            **values,
        )

    def test_weighted_average_cost(self):
        self._purchase(self.depot_a, "AV-1", 10, 100)
        self._purchase(self.depot_a, "AV-2", 30, 200)
        self.assertAlmostEqual(self.product.standard_price, 175.0)
        exit_1 = self._exit_to_patient(self.depot_a, 20)
        self.assertAlmostEqual(exit_1.value_total, 3500.0)
        self._purchase(self.depot_b, "AV-3", 10, 50)  # WAC is enterprise-wide, like BHIMA's
        self.assertAlmostEqual(self.product.standard_price, (20 * 175 + 500) / 30, places=2)
        exit_2 = self._exit_to_patient(self.depot_b, 10)
        self.assertAlmostEqual(exit_2.value_total, 10 * (20 * 175 + 500) / 30, places=2)
        self.assertAlmostEqual(self.product.total_value, 20 * (20 * 175 + 500) / 30, places=2)

    def test_fifo_cost(self):
        syringe = self._create_article("Syringe 5 ml", group=self.group_fifo).product_variant_id
        now = fields.Datetime.now()
        for name, cost, days in (("FI-1", 100, 3), ("FI-2", 200, 2)):
            self._movement(
                13,
                self.depot_a,
                [
                    {
                        "product_id": syringe.id,
                        "lot_name": name,
                        "expiration_date": fields.Date.today() + timedelta(days=300),
                        "quantity": 10,
                        "unit_cost": cost,
                    }
                ],
                date=now - timedelta(days=days),
            )
        exit_1 = self._exit_to_patient(self.depot_a, 15, product=syringe)
        self.assertAlmostEqual(exit_1.value_total, 10 * 100 + 5 * 200)
        self.assertAlmostEqual(syringe.total_value, 5 * 200)
        exit_2 = self._exit_to_patient(self.depot_a, 5, product=syringe)
        self.assertAlmostEqual(exit_2.value_total, 5 * 200)
        self.assertAlmostEqual(syringe.total_value, 0)

    def test_transfers_do_not_change_cost(self):
        self._purchase(self.depot_a, "TR-1", 10, 100)
        self._purchase(self.depot_a, "TR-2", 10, 300)
        transfer = self._movement(
            8, self.depot_a, [{"quantity": 15}], dest_depot_id=self.depot_b.id
        )
        transfer.action_receive()
        self.assertAlmostEqual(self.product.standard_price, 200.0)
        self.assertAlmostEqual(self.product.total_value, 4000.0)
        self.assertFalse(transfer.move_ids.account_move_id)
        self.assertAlmostEqual(sum(transfer.move_ids.mapped("value")), 0.0)
        exit_b = self._exit_to_patient(self.depot_b, 5)
        self.assertAlmostEqual(exit_b.value_total, 1000.0)


@tagged("post_install", "-at_install")
class TestAccounting(BhimaMovementCommon):
    def test_entry_debits_stock_and_credits_expense(self):
        movement = self._purchase(self.depot_a, "AC-1", 10, 25)
        self.assertEqual(
            self._account_lines(movement), {self.account_stock: 250.0, self.account_expense: -250.0}
        )
        self.assertEqual(movement.move_ids.account_move_id.state, "posted")
        self.assertEqual(
            movement.move_ids.account_move_id.journal_id, self.company.account_stock_journal_id
        )

    def test_purchase_with_supplier_credit_credits_the_supplier(self):
        self.company.bhima_supplier_credit = True
        movement = self._purchase(self.depot_a, "AC-2", 4, 25)
        payable = self.supplier.property_account_payable_id
        self.assertEqual(
            self._account_lines(movement), {self.account_stock: 100.0, payable: -100.0}
        )
        donation = self._movement(
            6,
            self.depot_a,
            [
                {
                    "lot_name": "AC-3",
                    "expiration_date": fields.Date.today() + timedelta(days=40),
                    "quantity": 2,
                    "unit_cost": 25,
                }
            ],
            partner_id=self.donor.id,
        )
        self.assertEqual(
            self._account_lines(donation), {self.account_stock: 50.0, self.account_expense: -50.0}
        )

    def test_exits_debit_expense_and_credit_stock(self):
        self._purchase(self.depot_a, "AC-4", 10, 30)
        for code, values in (
            (9, {"partner_id": self.patient.id}),
            (10, {"service_id": self.service.id}),
            (11, {"loss_reason": "broken"}),
        ):
            with self.subTest(flux=code):
                movement = self._movement(code, self.depot_a, [{"quantity": 2}], **values)
                self.assertEqual(
                    self._account_lines(movement),
                    {self.account_expense: 60.0, self.account_stock: -60.0},
                )

    def test_transfers_and_periodic_groups_post_nothing(self):
        self._purchase(self.depot_a, "AC-5", 10, 30)
        transfer = self._movement(8, self.depot_a, [{"quantity": 4}], dest_depot_id=self.depot_b.id)
        reception = self.env["bhima.stock.movement"].browse(transfer.action_receive())
        self.assertFalse((transfer | reception).move_ids.account_move_id)
        periodic = self._create_article(
            "Thermometer", group=self.group_equipment
        ).product_variant_id
        entry = self._movement(
            13,
            self.depot_a,
            [{"product_id": periodic.id, "lot_name": "TH-1", "quantity": 1, "unit_cost": 10}],
        )
        self.assertFalse(entry.move_ids.account_move_id)

    def test_back_dated_movement_posts_at_its_date(self):
        date = fields.Datetime.now() - timedelta(days=10)
        movement = self._purchase(self.depot_a, "AC-6", 1, 10, date=date)
        self.assertEqual(movement.move_ids.date, date.replace(microsecond=0))
        self.assertEqual(movement.move_ids.account_move_id.date, date.date())


@tagged("post_install", "-at_install")
class TestExits(BhimaMovementCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.today()
        cls.lots = {}
        for name, days in (("FE-A", 30), ("FE-B", 10), ("FE-C", 60)):
            movement = cls._purchase(
                cls.depot_a, name, 5, 10, expiration=today + timedelta(days=days)
            )
            cls.lots[name] = movement.line_ids.lot_id
        # an expired lot, entered while still valid
        movement = cls._purchase(cls.depot_a, "FE-X", 5, 10, expiration=today + timedelta(days=5))
        cls.lots["FE-X"] = lot_x = movement.line_ids.lot_id
        lot_x.expiration_date = fields.Datetime.now() - timedelta(days=1)

    def test_lots_are_proposed_first_expiry_first_out(self):
        movement = self._movement(
            9, self.depot_a, [{"quantity": 8}], partner_id=self.patient.id, validate=False
        )
        movement.action_propose_lots()
        self.assertEqual(
            [(line.lot_id.name, line.quantity) for line in movement.line_ids],
            [("FE-B", 5), ("FE-A", 3)],
        )
        movement.action_validate()
        self.assertEqual(self._stock(self.depot_a, lot=self.lots["FE-B"]), 0)
        self.assertEqual(self._stock(self.depot_a, lot=self.lots["FE-A"]), 2)
        self.assertEqual(
            self._stock(self.depot_a, lot=self.lots["FE-X"]), 5, "the expired lot is never proposed"
        )

    def test_a_lot_is_usable_through_its_expiration_date(self):
        self.lots["FE-B"].expiration_date = fields.Datetime.now()
        movement = self._movement(9, self.depot_a, [{"quantity": 2}], partner_id=self.patient.id)
        self.assertEqual(movement.line_ids.lot_id, self.lots["FE-B"])

    def test_expired_lots_leave_only_as_a_loss(self):
        with self.assertRaisesRegex(
            UserError, "FE-X .* expired on .* only leave the depot as a loss"
        ):
            self._movement(
                9,
                self.depot_a,
                [{"lot": self.lots["FE-X"], "quantity": 1}],
                partner_id=self.patient.id,
            )
        loss = self._movement(
            11, self.depot_a, [{"lot": self.lots["FE-X"], "quantity": 5}], loss_reason="expired"
        )
        self.assertEqual(loss.state, "done")
        self.assertEqual(self._stock(self.depot_a, lot=self.lots["FE-X"]), 0)

    def test_not_enough_stock_lists_the_lines(self):
        moves_before = self.env["stock.move"].search_count([])
        with self.assertRaisesRegex(
            UserError,
            r"Not enough usable stock in the depot Test Central Pharmacy:\n- .*Amoxicillin.*: 6",
        ):
            self._movement(9, self.depot_a, [{"quantity": 21}], partner_id=self.patient.id)
        with self.assertRaisesRegex(
            UserError, r"negative in the depot .*\n- .*lot FE-A: 7.00 requested, 5.00 available"
        ):
            self._movement(
                10,
                self.depot_a,
                [{"lot": self.lots["FE-A"], "quantity": 7}],
                service_id=self.service.id,
            )
        self.assertEqual(
            self.env["stock.move"].search_count([]), moves_before, "nothing was written"
        )
        self.depot_a.bhima_allow_negative_stock = True
        self._movement(
            10,
            self.depot_a,
            [{"lot": self.lots["FE-A"], "quantity": 7}],
            service_id=self.service.id,
        )
        self.assertEqual(self._stock(self.depot_a, lot=self.lots["FE-A"]), -2)

    def test_negative_stock_is_checked_at_the_movement_date(self):
        lot = self._purchase(self.depot_b, "BD-1", 10, 10).line_ids.lot_id  # entered now
        yesterday = fields.Datetime.now() - timedelta(days=1)
        with self.assertRaisesRegex(UserError, "negative in the depot Test Ward"):
            self._movement(
                9,
                self.depot_b,
                [{"lot": lot, "quantity": 1}],
                partner_id=self.patient.id,
                date=yesterday,
            )
        # an exit now takes 8; a back-dated exit of 5 would leave -3 after today's exit
        old = self._purchase(
            self.depot_b, "BD-2", 10, 10, date=fields.Datetime.now() - timedelta(days=3)
        )
        old_lot = old.line_ids.lot_id
        self._movement(
            9, self.depot_b, [{"lot": old_lot, "quantity": 8}], partner_id=self.patient.id
        )
        with self.assertRaisesRegex(UserError, r"lot BD-2: 5.00 requested, 2.00 available"):
            self._movement(
                9,
                self.depot_b,
                [{"lot": old_lot, "quantity": 5}],
                partner_id=self.patient.id,
                date=yesterday,
            )
        done = self._movement(
            9,
            self.depot_b,
            [{"lot": old_lot, "quantity": 2}],
            partner_id=self.patient.id,
            date=yesterday,
        )
        self.assertEqual(done.move_ids.date, yesterday.replace(microsecond=0))
        self.assertEqual(self._stock(self.depot_b, lot=old_lot), 0)

    def test_exit_requirements(self):
        with self.assertRaisesRegex(UserError, "needs the service"):
            self._movement(10, self.depot_a, [{"quantity": 1}])
        with self.assertRaisesRegex(UserError, "needs the reason of the loss"):
            self._movement(11, self.depot_a, [{"quantity": 1}])
        self.depot_a.bhima_allow_exit_service = False
        with self.assertRaisesRegex(
            UserError, "does not allow movements of the type Exit to Service"
        ):
            self._movement(10, self.depot_a, [{"quantity": 1}], service_id=self.service.id)

    def test_exit_to_patient_from_the_invoice(self):
        # BHIMA's way: the invoice does not move stock, the pharmacist's exit does
        self.company.bhima_invoice_moves_stock = False
        consultation = self._create_article(
            "Consultation", inventory_type=self.type_service
        ).product_variant_id
        self.article.bhima_consumable = True
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.patient.id,
                "invoice_line_ids": [
                    (0, 0, {"product_id": self.product.id, "quantity": 7, "price_unit": 5}),
                    (0, 0, {"product_id": consultation.id, "quantity": 1, "price_unit": 20}),
                ],
            }
        )
        invoice.action_post()
        movement = self.env["bhima.stock.movement"].create(
            {"flux_id": self._flux(9).id, "depot_id": self.depot_a.id, "invoice_id": invoice.id}
        )
        movement.action_load_invoice_lines()
        self.assertEqual(movement.partner_id, self.patient)
        self.assertEqual(
            [(line.product_id, line.lot_id.name, line.quantity) for line in movement.line_ids],
            [(self.product, "FE-B", 5), (self.product, "FE-A", 2)],
        )
        movement.action_validate()
        self.assertEqual(movement.state, "done")
        self.assertFalse(invoice.bhima_movement_ids)

    def test_exit_from_an_invoice_that_already_moved_its_stock(self):
        self.article.bhima_consumable = True
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.patient.id,
                "bhima_depot_id": self.depot_a.id,
                "invoice_line_ids": [
                    (0, 0, {"product_id": self.product.id, "quantity": 4, "price_unit": 5})
                ],
            }
        )
        invoice.action_post()
        self.assertEqual(self._stock(self.depot_a, lot=self.lots["FE-B"]), 1)
        movement = self.env["bhima.stock.movement"].create(
            {"flux_id": self._flux(9).id, "depot_id": self.depot_a.id, "invoice_id": invoice.id}
        )
        with self.assertRaisesRegex(UserError, "no consumable article left to take out of stock"):
            movement.action_load_invoice_lines()

    def test_voucher(self):
        movement = self._movement(9, self.depot_a, [{"quantity": 3}], partner_id=self.patient.id)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("bhima_stock.report_bhima_stock_movement", movement.ids)[0]
            .decode()
        )
        self.assertIn("Exit Voucher", html)
        self.assertIn(movement.name, html)
        self.assertIn("FE-B", html)
        self.assertIn("Test Patient", html)

    def test_several_vouchers_print_as_one_pdf(self):
        """Printing several vouchers from the list gives one PDF with a page per
        voucher, also with Debian's wkhtmltopdf (built without Odoo's patched Qt,
        which Odoo refuses for several records at once)."""
        movements = self._movement(
            9, self.depot_a, [{"quantity": 1}], partner_id=self.patient.id
        ) | self._movement(9, self.depot_a, [{"quantity": 2}], partner_id=self.patient.id)
        # wkhtmltopdf would fetch the styles from this test server, whose database
        # is held by the test's transaction: no styles, the text is the same
        self.env["ir.config_parameter"].sudo().set_param("report.url", "http://127.0.0.1:9")
        with mute_logger("odoo.addons.base.models.ir_actions_report"):
            try:
                pdf, kind = (
                    self.env["ir.actions.report"]
                    .with_context(force_report_rendering=True)
                    ._render_qweb_pdf(
                        "bhima_stock.action_report_bhima_stock_movement", movements.ids
                    )
                )
            except unittest.SkipTest as refusal:  # Odoo's refusal, in tests
                self.fail(str(refusal))
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        reader = PdfFileReader(io.BytesIO(pdf))
        self.assertEqual(reader.getNumPages(), 2)
        texts = [reader.getPage(page).extractText() for page in range(2)]
        for movement, text in zip(movements, texts, strict=True):
            self.assertIn(movement.name, text)


@tagged("post_install", "-at_install")
class TestTransfers(BhimaMovementCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lot = cls._purchase(cls.depot_a, "TF-1", 10, 20).line_ids.lot_id

    def _transit(self):
        transit = self.company.internal_transit_location_id
        quants = self.env["stock.quant"].search(
            [("location_id", "=", transit.id), ("lot_id", "=", self.lot.id)]
        )
        return sum(quants.mapped("quantity"))

    def _report(self, transfer):
        return self.env["bhima.stock.transit.report"].search([("transfer_id", "=", transfer.id)])

    def test_two_step_transfer_with_stock_in_transit(self):
        transfer = self._movement(
            8, self.depot_a, [{"lot": self.lot, "quantity": 6}], dest_depot_id=self.depot_b.id
        )
        self.assertRegex(transfer.name, r"^SM\.8\.")
        self.assertEqual(transfer.transfer_state, "in_transit")
        self.assertEqual(self._stock(self.depot_a), 4)
        self.assertEqual(self._stock(self.depot_b), 0)
        self.assertEqual(self._transit(), 6)
        report = self._report(transfer)
        self.assertEqual(
            (report.quantity_sent, report.quantity_received, report.quantity_in_transit), (6, 0, 6)
        )
        reception = self.env["bhima.stock.movement"].browse(
            transfer.action_receive({self.lot.id: 4})
        )
        self.assertEqual(reception.flux_id.code, 2)
        self.assertEqual(reception.depot_id, self.depot_b)
        self.assertEqual(transfer.transfer_state, "partial")
        self.assertEqual(self._stock(self.depot_b), 4)
        self.assertEqual(self._transit(), 2)
        with self.assertRaisesRegex(
            UserError, r"did not send 3.00 .* still to receive \(2.00 left\)"
        ):
            transfer.action_receive({self.lot.id: 3})
        transfer.action_receive()
        self.assertEqual(transfer.transfer_state, "received")
        self.assertEqual(self._transit(), 0)
        report = self._report(transfer)
        self.assertEqual((report.quantity_received, report.quantity_difference), (6, 0))

    def test_lost_in_transit(self):
        transfer = self._movement(
            8, self.depot_a, [{"lot": self.lot, "quantity": 10}], dest_depot_id=self.depot_b.id
        )
        transfer.action_receive({self.lot.id: 7})
        loss = self.env["bhima.stock.movement"].browse(transfer.action_close_transfer())
        self.assertEqual((loss.flux_id.code, loss.loss_reason), (11, "lost"))
        self.assertEqual(transfer.transfer_state, "lost")
        self.assertEqual(self._transit(), 0)
        report = self._report(transfer)
        self.assertEqual(
            (
                report.quantity_sent,
                report.quantity_received,
                report.quantity_lost,
                report.quantity_difference,
            ),
            (10, 7, 3, 3),
        )
        self.assertEqual(
            self._account_lines(loss), {self.account_expense: 60.0, self.account_stock: -60.0}
        )

    def test_transfer_rules(self):
        with self.assertRaisesRegex(UserError, "needs the destination depot"):
            self._movement(8, self.depot_a, [{"quantity": 1}])
        with self.assertRaisesRegex(UserError, "cannot transfer stock to itself"):
            self._movement(8, self.depot_a, [{"quantity": 1}], dest_depot_id=self.depot_a.id)
        self.depot_b.bhima_allow_entry_transfer = False
        with self.assertRaisesRegex(
            UserError, "Test Ward does not allow .* Entry from Another Depot"
        ):
            self._movement(8, self.depot_a, [{"quantity": 1}], dest_depot_id=self.depot_b.id)
        self.depot_b.bhima_allow_entry_transfer = True
        self.company.bhima_strict_depot_distribution = True
        with self.assertRaisesRegex(UserError, "may not send stock to the depot Test Ward"):
            self._movement(8, self.depot_a, [{"quantity": 1}], dest_depot_id=self.depot_b.id)
        self.depot_a.bhima_distribution_depot_ids = self.depot_b
        self._movement(8, self.depot_a, [{"quantity": 1}], dest_depot_id=self.depot_b.id)

    def test_each_side_is_moved_by_its_managers(self):
        transfer = self._movement(
            8,
            self.depot_a,
            [{"lot": self.lot, "quantity": 2}],
            dest_depot_id=self.depot_b.id,
            env=self.env(user=self.pharmacist),
        )
        with self.assertRaisesRegex(AccessError, "Test Ward"):
            transfer.with_user(self.pharmacist).action_receive()
        transfer.with_user(self.nurse).action_receive()
        self.assertEqual(self._stock(self.depot_b), 2)


@tagged("post_install", "-at_install")
class TestMovementPermissions(BhimaMovementCommon):
    def test_documents_follow_the_depot_permissions(self):
        self._purchase(self.depot_a, "PM-1", 10, 20)
        with self.assertRaisesRegex(
            AccessError, "not allowed to move stock in the depot Test Ward"
        ):
            self._movement(
                13,
                self.depot_b,
                [
                    {
                        "lot_name": "PM-2",
                        "expiration_date": fields.Date.today() + timedelta(days=40),
                        "quantity": 1,
                    }
                ],
                env=self.env(user=self.pharmacist),
            )
        own = self._movement(
            9,
            self.depot_a,
            [{"quantity": 1}],
            partner_id=self.patient.id,
            env=self.env(user=self.pharmacist),
        )
        self.company.bhima_strict_depot_permission = True
        Movement = self.env["bhima.stock.movement"]
        self.assertFalse(Movement.with_user(self.nurse).search([("id", "=", own.id)]))
        self.assertTrue(Movement.with_user(self.pharmacist).search([("id", "=", own.id)]))
        with self.assertRaises(AccessError):
            own.with_user(self.nurse).write({"description": "changed"})
        draft = self._movement(
            9, self.depot_a, [{"quantity": 1}], partner_id=self.patient.id, validate=False
        )
        with self.assertRaisesRegex(AccessError, "Test Central Pharmacy"):
            draft.with_user(self.outsider).action_validate()
        self.assertEqual(draft.state, "draft")
