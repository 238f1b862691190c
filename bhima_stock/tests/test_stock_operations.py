from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import BhimaMovementCommon


@tagged("post_install", "-at_install")
class TestAggregatedConsumption(BhimaMovementCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.tz = "UTC"
        now = fields.Datetime.now()
        cls.lot = cls._purchase(
            cls.depot_a, "AGC-1", 50, 2.0, date=now - timedelta(days=60)
        ).line_ids.lot_id
        cls.date_from = fields.Date.today() - timedelta(days=40)
        cls.date_to = fields.Date.today() - timedelta(days=11)

    def _consumption(self, lines, **values):
        record = self.env["bhima.stock.aggregated.consumption"].create(
            {
                "depot_id": self.depot_a.id,
                "date_from": self.date_from,
                "date_to": self.date_to,
                **values,
            }
        )
        record.action_load_lots()
        for line in record.line_ids:
            if line.lot_id in lines:
                line.write(lines[line.lot_id])
        return record

    def test_consumed_and_lost_leave_at_bhima_dates(self):
        record = self._consumption(
            {self.lot: {"quantity_consumed": 20, "quantity_lost": 3, "stock_out_days": 2}}
        )
        self.assertEqual(record.line_ids.balance_end, 50)
        record.action_validate()
        self.assertEqual(record.state, "done")
        self.assertEqual(self._stock(self.depot_a, lot=self.lot), 27)
        consumption = record.movement_ids.filtered(lambda m: m.flux_id.code == 16)
        loss = record.movement_ids.filtered(lambda m: m.flux_id.code == 11)
        expected = datetime.combine(self.date_to - timedelta(days=2), time(23, 30))
        self.assertEqual(consumption.date, expected)
        self.assertEqual(loss.date, expected)
        self.assertEqual(consumption.line_ids.quantity, 20)
        self.assertEqual(loss.line_ids.quantity, 3)
        self.assertEqual(loss.loss_reason, "lost")
        # the consumption counts as consumption, with its date in the period
        self.assertEqual(consumption.move_ids.date, expected)

    def test_sub_periods_make_one_document_each(self):
        middle = self.date_from + timedelta(days=14)
        record = self._consumption(
            {
                self.lot: {
                    "quantity_consumed": 12,
                    "quantity_lost": 2,
                    "stock_out_days": 3,
                    "detail_ids": [
                        Command.create(
                            {
                                "date_from": self.date_from,
                                "date_to": middle,
                                "quantity_consumed": 5,
                                "quantity_lost": 2,
                            }
                        ),
                        Command.create(
                            {
                                "date_from": middle + timedelta(days=1),
                                "date_to": self.date_to,
                                "quantity_consumed": 7,
                            }
                        ),
                    ],
                }
            }
        )
        record.action_validate()
        self.assertEqual(len(record.movement_ids), 3)
        first = record.movement_ids.filtered(
            lambda m: m.date == datetime.combine(middle, time(23, 30))
        )
        self.assertEqual(set(first.mapped("flux_id.code")), {16, 11})
        self.assertIn(
            f"[{self.date_from.strftime('%d/%m/%Y')} - {middle.strftime('%d/%m/%Y')}]",
            first[0].description,
        )
        self.assertEqual(self._stock(self.depot_a, lot=self.lot), 36)

    def test_refusals(self):
        # more than the stock at the period end (an entry came afterwards)
        self._purchase(
            self.depot_a, "AGC-1", 30, 2.0, date=fields.Datetime.now() - timedelta(days=5)
        )
        record = self._consumption({self.lot: {"quantity_consumed": 60}})
        with self.assertRaisesRegex(UserError, "exceed the stock at the end of the period"):
            record.action_validate()
        # more than the stock now (exits came afterwards)
        self._movement(
            9, self.depot_a, [{"lot_id": self.lot.id, "quantity": 60}], partner_id=self.patient.id
        )
        record = self._consumption({self.lot: {"quantity_consumed": 30}})
        with self.assertRaisesRegex(UserError, "exceed the stock of the depot now"):
            record.action_validate()
        # a future period
        future = self.env["bhima.stock.aggregated.consumption"].create(
            {
                "depot_id": self.depot_a.id,
                "date_from": fields.Date.today() + timedelta(days=2),
                "date_to": fields.Date.today() + timedelta(days=30),
                "line_ids": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "lot_id": self.lot.id,
                            "quantity_consumed": 1,
                        }
                    )
                ],
            }
        )
        with self.assertRaisesRegex(UserError, "future period"):
            future.action_validate()
        # sub-periods that do not add up
        record = self._consumption(
            {
                self.lot: {
                    "quantity_consumed": 5,
                    "stock_out_days": 1,
                    "detail_ids": [
                        Command.create(
                            {
                                "date_from": self.date_from,
                                "date_to": self.date_to,
                                "quantity_consumed": 4,
                            }
                        )
                    ],
                }
            }
        )
        with self.assertRaisesRegex(UserError, "sub-periods add up to 4"):
            record.action_validate()
        self.assertEqual(self._stock(self.depot_a, lot=self.lot), 20)

    def test_depot_permission(self):
        with self.assertRaises(AccessError):
            self.env["bhima.stock.aggregated.consumption"].with_user(self.nurse).create(
                {"depot_id": self.depot_a.id, "date_from": self.date_from, "date_to": self.date_to}
            )


@tagged("post_install", "-at_install")
class TestAssignments(BhimaMovementCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.group_equipment.depreciation_rate = 20
        cls.asset = cls._create_article(
            "Test ultrasound scanner", group=cls.group_equipment, default_code="TUSS"
        ).product_variant_id
        cls._movement(
            13,
            cls.depot_a,
            [
                {
                    "product_id": cls.asset.id,
                    "lot_name": "US-001",
                    "quantity": 1,
                    "unit_cost": 1000.0,
                }
            ],
        )
        cls.asset_lot = cls.env["stock.lot"].search([("name", "=", "US-001")])
        cls.doctor = cls.env["res.partner"].create({"name": "Dr. Test Kabila"})

    def test_assign_and_remove_without_moving_stock(self):
        moves = self.env["stock.move"].search_count([])
        assignment = (
            self.env["bhima.stock.assignment"]
            .with_user(self.pharmacist)
            .create(
                {
                    "lot_id": self.asset_lot.id,
                    "depot_id": self.depot_a.id,
                    "partner_id": self.doctor.id,
                    "description": "Maternity ward",
                }
            )
        )
        self.assertTrue(self.asset_lot.bhima_is_assigned)
        self.assertEqual(self.asset_lot.bhima_assignment_id, assignment)
        self.assertEqual(self.asset_lot.bhima_assigned_partner_id, self.doctor)
        self.assertEqual(assignment.user_id, self.pharmacist)
        # the lot register shows who holds the lot
        row = (
            self.env["bhima.stock.lot.register"]
            .with_context(bhima_depot_ids=self.depot_a.ids)
            .search([("lot_id", "=", self.asset_lot.id), ("is_assigned", "=", True)])
        )
        self.assertEqual(row.assigned_partner_id, self.doctor)
        assignment.with_user(self.pharmacist).action_remove(note="Back to the depot")
        self.assertFalse(assignment.is_active)
        self.assertFalse(self.asset_lot.bhima_is_assigned)
        self.assertEqual(assignment.removed_by_id, self.pharmacist)
        history = self.env["bhima.stock.assignment"].get_lot_history(self.asset_lot.id)
        self.assertEqual([h["is_active"] for h in history], [False])
        self.assertEqual(self.env["stock.move"].search_count([]), moves)
        self.assertEqual(self._stock(self.depot_a, product=self.asset, lot=self.asset_lot), 1)
        with self.assertRaisesRegex(UserError, "history"):
            assignment.partner_id = self.patient
        active = self.env["bhima.stock.assignment"].create(
            {
                "lot_id": self.asset_lot.id,
                "depot_id": self.depot_a.id,
                "partner_id": self.patient.id,
            }
        )
        with self.assertRaisesRegex(UserError, "is set by the application"):
            active.is_active = False

    def test_refusals(self):
        Assignment = self.env["bhima.stock.assignment"]
        with self.assertRaisesRegex(UserError, "holds 0.0 of the lot"):
            Assignment.create(
                {
                    "lot_id": self.asset_lot.id,
                    "depot_id": self.depot_b.id,
                    "partner_id": self.doctor.id,
                }
            )
        Assignment.create(
            {"lot_id": self.asset_lot.id, "depot_id": self.depot_a.id, "partner_id": self.doctor.id}
        )
        with self.assertRaisesRegex(UserError, "2.0 cannot be assigned"):
            Assignment.create(
                {
                    "lot_id": self.asset_lot.id,
                    "depot_id": self.depot_a.id,
                    "partner_id": self.patient.id,
                }
            )
        with self.assertRaises(AccessError):
            Assignment.with_user(self.nurse).create(
                {
                    "lot_id": self.asset_lot.id,
                    "depot_id": self.depot_a.id,
                    "partner_id": self.doctor.id,
                }
            )

    def test_lot_form_for_stock_users_of_other_apps(self):
        """A stock user without the BHIMA groups opens an assigned lot."""
        self.env["bhima.stock.assignment"].create(
            {"lot_id": self.asset_lot.id, "depot_id": self.depot_a.id, "partner_id": self.doctor.id}
        )
        storekeeper = new_test_user(self.env, "storekeeper", groups="stock.group_stock_user")
        form = Form(self.asset_lot.with_user(storekeeper))
        self.assertEqual(form.name, "US-001")
        values = self.asset_lot.with_user(storekeeper).read(
            ["bhima_is_assigned", "bhima_assigned_partner_id"]
        )[0]
        self.assertTrue(values["bhima_is_assigned"])
        self.assertEqual(values["bhima_assigned_partner_id"][0], self.doctor.id)

    def test_book_value_from_the_group_depreciation_rate(self):
        self.asset_lot.bhima_acquisition_date = fields.Date.today() - relativedelta(years=2, days=3)
        assignment = self.env["bhima.stock.assignment"].create(
            {"lot_id": self.asset_lot.id, "depot_id": self.depot_a.id, "partner_id": self.doctor.id}
        )
        self.assertAlmostEqual(assignment.unit_cost, 1000.0)
        self.assertAlmostEqual(assignment.depreciated_value, 400.0)
        self.assertAlmostEqual(assignment.book_value, 600.0)
        self.asset_lot.bhima_acquisition_date = fields.Date.today() - relativedelta(years=7)
        assignment.invalidate_recordset()
        self.assertAlmostEqual(assignment.book_value, 0.0)


@tagged("post_install", "-at_install")
class TestRequisitions(BhimaMovementCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lot = cls._purchase(cls.depot_a, "REQ-1", 100, 3.0).line_ids.lot_id
        cls.article_2 = cls._create_article("Test ORS sachet", default_code="TORS")
        cls.product_2 = cls.article_2.product_variant_id
        cls._purchase(cls.depot_a, "REQ-ORS", 50, 1.0, product=cls.product_2)

    def _requisition(self, lines, env=None, **values):
        env = env or self.env(user=self.pharmacist)
        return env["bhima.stock.requisition"].create(
            {
                "depot_id": self.depot_a.id,
                "requester_type": "service",
                "service_id": self.service.id,
                "line_ids": [Command.create({"product_id": p.id, "quantity": q}) for p, q in lines],
                **values,
            }
        )

    def _deliver(self, requisition, quantities=None):
        action = requisition.with_user(self.pharmacist).action_create_delivery()
        movement = self.env["bhima.stock.movement"].browse(action["res_id"])
        for line in movement.line_ids:
            if quantities and line.product_id in quantities:
                line.quantity = quantities[line.product_id]
        movement.with_user(self.pharmacist).action_validate()
        return movement

    def test_statuses_follow_the_deliveries(self):
        requisition = self._requisition([(self.product, 10), (self.product_2, 4)])
        self.assertRegex(requisition.name, r"^SREQ\.\d+$")
        self.assertEqual(requisition.status, "in_progress")
        requisition.line_ids[0].quantity_validated = 8
        requisition.with_user(self.pharmacist).action_validate()
        self.assertEqual(requisition.status, "validated")
        self.assertEqual(requisition.validator_id, self.pharmacist)
        first = self._deliver(requisition, {self.product: 5, self.product_2: 4})
        self.assertEqual(first.flux_id.code, 10)
        self.assertEqual(first.service_id, self.service)
        self.assertEqual(first.requisition_id, requisition)
        self.assertEqual(requisition.status, "partially")
        self.assertAlmostEqual(requisition.satisfaction_rate, 100 * 9 / 12)
        second = self._deliver(requisition)
        self.assertEqual(second.line_ids.quantity, 3)  # what was left
        self.assertEqual(requisition.status, "completed")
        self.assertEqual(requisition.line_ids.mapped("quantity_delivered"), [8, 4])
        with self.assertRaisesRegex(UserError, "nothing is left to deliver"):
            requisition.action_create_delivery()
        self.assertEqual(self._stock(self.depot_a, lot=self.lot), 92)

    def test_excessive_and_partial_surpluses(self):
        requisition = self._requisition([(self.product, 5), (self.product_2, 5)])
        requisition.action_validate()
        movement = self.env["bhima.stock.movement"].create(requisition._bhima_movement_values())
        movement.line_ids.filtered(lambda ln: ln.product_id == self.product).quantity = 7
        movement.line_ids.filtered(lambda ln: ln.product_id == self.product_2).quantity = 2
        movement.action_validate()
        self.assertEqual(requisition.status, "partial_surpluses")
        other = self._requisition([(self.product, 2)])
        other.action_validate()
        delivery = self.env["bhima.stock.movement"].create(other._bhima_movement_values())
        delivery.line_ids.quantity = 3
        delivery.action_validate()
        self.assertEqual(other.status, "excessive")
        rates = self.env["bhima.stock.requisition"].get_satisfaction_rates(
            [("requisition_id", "in", (requisition | other).ids)], "product_id"
        )
        by_product = {rate["product_id"]: rate["satisfaction_rate"] for rate in rates}
        self.assertAlmostEqual(by_product[self.product.id], 100 * 10 / 7)
        self.assertAlmostEqual(by_product[self.product_2.id], 40.0)

    def test_depot_requests_a_transfer(self):
        self._purchase(self.depot_b, "REQ-W", 4, 3.0)
        requisition = self._requisition(
            [(self.product, 6)],
            env=self.env(user=self.nurse),
            requester_type="depot",
            requester_depot_id=self.depot_b.id,
            service_id=False,
        )
        self.assertEqual(requisition.line_ids.requester_stock, 4)
        self.assertEqual(requisition.line_ids.depot_stock, 100)
        with self.assertRaises(AccessError):
            requisition.with_user(self.nurse).action_validate()
        requisition.with_user(self.pharmacist).action_validate()
        transfer = self._deliver(requisition)
        self.assertEqual(transfer.flux_id.code, 8)
        self.assertEqual(transfer.dest_depot_id, self.depot_b)
        self.assertEqual(requisition.status, "completed")
        # a depot user cannot request for a depot they do not manage
        with self.assertRaises(AccessError):
            self._requisition(
                [(self.product, 1)],
                env=self.env(user=self.outsider),
                requester_type="depot",
                requester_depot_id=self.depot_b.id,
                service_id=False,
            )

    def test_cancel_and_lock(self):
        requisition = self._requisition([(self.product, 5)])
        requisition.action_validate()
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            requisition.write({"depot_id": self.depot_b.id})
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            requisition.line_ids.quantity_validated = 50
        self._deliver(requisition, {self.product: 1})
        with self.assertRaisesRegex(UserError, "already has deliveries"):
            requisition.action_cancel()
        other = self._requisition([(self.product, 5)])
        other.action_cancel()
        self.assertEqual(other.status, "cancelled")
