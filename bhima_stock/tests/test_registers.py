from datetime import timedelta

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_registers import NOW, TODAY, BhimaRegisterCommon


@tagged("post_install", "-at_install")
class TestAverageMonthlyConsumption(BhimaRegisterCommon):
    """BHIMA's GetAMC (reference §5.3) on hand-built histories."""

    def _formula_history(self):
        """270 consumed over the 12-month window, out of stock for 92 days:
        day -10 +100 (before the window), day 5 +100, day 40 -70 (patient),
        day 100 -130 (service, stock out), day 192 +200, day 250 -70 (patient)."""
        self._entry(100, self._at(-10))
        self._entry(100, self._at(5), code=1)
        self._exit(9, 70, self._at(40))
        self._exit(10, 130, self._at(100))
        self._entry(200, self._at(192), code=1)
        self._exit(9, 70, self._at(250))

    def test_formula_check_both_algorithms(self):
        self._formula_history()
        row = self._register()
        self.assertEqual(row.consumed_quantity, 270)
        self.assertEqual(row.stock_out_days, 92)
        self.assertEqual(row.stock_days, 273)
        self.assertEqual(row.head_days, 5)
        self.assertEqual(row.tail_days, 115)
        self.assertAlmostEqual(row.cmm_msh, 30.05, places=2)
        self.assertAlmostEqual(row.cmm_def, 30.16, places=2)
        self.assertAlmostEqual(row.cmm, 30.05, places=2, msg="the company's algorithm is MSH")
        self.company.bhima_average_consumption_algo = "algo_def"
        self.assertAlmostEqual(self._register().cmm, 30.16, places=2)
        self.assertEqual(row.quantity, 130)

    def test_losses_adjustments_and_transfers_are_not_consumption(self):
        self._formula_history()
        self._exit(11, 5, self._at(260))  # loss
        self._movement(
            15, self.depot_a, [{"product_id": self.product.id, "quantity": 5}],
            date=self._at(270), direction="exit",
        )  # fmt: skip
        self._exit(
            8, 10, self._at(280), dest_depot_id=self.depot_b.id
        )  # depot A is not a warehouse
        row = self._register()
        self.assertEqual(row.consumed_quantity, 270)
        self.assertEqual(row.quantity, 110)

    def test_transfer_out_of_a_warehouse_is_consumption(self):
        self.depot_a.bhima_is_warehouse = True
        self._formula_history()
        self._exit(8, 10, self._at(280), dest_depot_id=self.depot_b.id)
        self.assertEqual(self._register().consumed_quantity, 280)

    def test_consumption_recorded_on_the_first_day_of_the_window_is_left_out(self):
        """BHIMA's MAX - MIN of the running consumption drops the first row's."""
        self._entry(500, self._at(-30))
        self._exit(9, 40, self._at(0))
        self._exit(9, 60, self._at(100))
        row = self._register()
        self.assertEqual(row.consumed_quantity, 60)
        self.assertAlmostEqual(row.cmm_msh, 5.0, places=2)

    def test_no_movement_in_the_window_gives_zero(self):
        self._entry(50, self._at(-100))
        self._exit(9, 10, self._at(-50))
        row = self._register()
        self.assertEqual(row.quantity, 40)
        self.assertEqual((row.cmm, row.cmm_def, row.cmm_msh), (0, 0, 0))
        self.assertEqual(row.status, "unused_stock")
        self.assertFalse(row.months_of_stock)

    def test_native_delivery_is_consumption_and_its_return_gives_it_back(self):
        self._entry(100, self._at(-10))
        lot = self.env["stock.lot"].search([("product_id", "=", self.product.id)], limit=1)
        self._move(self.product, 30, self.depot_a.lot_stock_id, self.customer_location, lot)
        self._move(self.product, 10, self.customer_location, self.depot_a.lot_stock_id, lot)
        consumption = (
            self.env["bhima.stock.consumption.report"]
            .with_context(bhima_depot_ids=self.depot_a.ids)
            .search([("product_id", "=", self.product.id)])
        )
        self.assertEqual(sum(consumption.mapped("quantity_consumed")), 20)
        self.assertEqual(self._register().quantity, 80)

    def test_reversal_of_an_exit_gives_the_consumption_back(self):
        self._entry(100, self._at(-10))
        exit_ = self._exit(9, 30, self._at(300))
        exit_._bhima_reverse()
        consumption = (
            self.env["bhima.stock.consumption.report"]
            .with_context(bhima_depot_ids=self.depot_a.ids)
            .search([("product_id", "=", self.product.id)])
        )
        self.assertEqual(sum(consumption.mapped("quantity_consumed")), 0)
        self.assertEqual(sum(consumption.mapped("quantity_out")), 30)
        self.assertEqual(self._register().quantity, 100)


@tagged("post_install", "-at_install")
class TestStockStatus(BhimaRegisterCommon):
    """Security, minimum and maximum stock and the status at every threshold
    (reference §4.3): CMM 10 (MSH: 120 consumed over 12 months, never out of
    stock), lead time 1, 2 months of security, purchase interval 3:
    S_SEC 10, S_MIN 20, S_MAX 50."""

    def setUp(self):
        super().setUp()
        self._entry(500, self._at(-5))
        self._entry(10, self._at(1))  # the first day of the window consumes nothing
        for day in (30, 150, 270):
            self._exit(9, 40, self._at(day))

    def _set_quantity(self, target):
        current = self._register().quantity
        if current > target:
            self._exit(11, current - target, NOW - timedelta(minutes=5))
        elif current < target:
            self._entry(target - current, NOW - timedelta(minutes=5))

    def test_levels(self):
        row = self._register()
        self.assertEqual(row.cmm, 10)
        self.assertEqual((row.security_stock, row.minimum_stock, row.maximum_stock), (10, 20, 50))
        self.assertEqual(row.quantity, 390)
        self.assertEqual(row.months_of_stock, 39)
        self.assertEqual(row.quantity_to_order, 0)
        self.assertEqual(row.status, "over_maximum")

    def test_status_at_every_threshold(self):
        for quantity, status, to_order in (
            (51, "over_maximum", 0),
            (50, "in_stock", 0),
            (21, "in_stock", 29),
            (20, "minimum_reached", 30),
            (11, "minimum_reached", 39),
            (10, "security_reached", 40),
            (1, "security_reached", 49),
            (0, "stock_out", 50),
        ):
            with self.subTest(quantity=quantity):
                self._set_quantity(quantity)
                row = self._register()
                self.assertEqual(row.quantity, quantity)
                self.assertEqual(row.cmm, 10, "adjustments and losses are not consumption")
                self.assertEqual(row.status, status)
                self.assertEqual(row.quantity_to_order, to_order)

    def test_lead_time_min_delay_and_purchase_intervals(self):
        self.article.bhima_lead_time = 0.5  # below the company's minimum lead time (1)
        self.assertEqual(self._register().security_stock, 10)
        self.article.bhima_lead_time = 1.5
        row = self._register()
        self.assertEqual((row.security_stock, row.minimum_stock), (15, 30))
        self.assertEqual(row.maximum_stock, 60, "10 x 3 + 30")
        self.depot_a.bhima_default_purchase_interval = 4
        self.assertEqual(self._register().maximum_stock, 70, "the largest interval wins")
        self.company.bhima_default_purchase_interval = 5
        self.assertEqual(self._register().maximum_stock, 80)

    def test_expired_stock_counts_as_stock_out_when_the_setting_says_so(self):
        self._set_quantity(0)
        self._entry(
            30, NOW - timedelta(minutes=2), lot_name="SHORT", expiration=TODAY + timedelta(days=3)
        )
        with self._frozen(NOW + timedelta(days=5)):
            row = self._register()
            self.assertEqual((row.quantity, row.quantity_expired), (30, 30))
            self.assertEqual(row.quantity_usable, 30)
            self.assertNotEqual(row.status, "stock_out")
            self.company.bhima_expired_stock_out = True
            row = self._register()
            self.assertEqual(row.quantity_usable, 0)
            self.assertEqual(row.status, "stock_out")
            self.assertEqual(row.lots_expired, 1)

    def test_past_date_and_bad_dates(self):
        row = self._register(day=TODAY - timedelta(days=200))
        self.assertEqual(
            row.quantity, 430, "day 165 of the window: 510 - 40 (day 30) - 40 (day 150)"
        )
        with self.assertRaisesRegex(UserError, "in the future"):
            self._register(day=TODAY + timedelta(days=1))
        Ledger = self.env["bhima.stock.ledger"]
        with self.assertRaisesRegex(UserError, "ends .* before it starts"):
            Ledger._bhima_check_period(TODAY, TODAY - timedelta(days=1))
        with self.assertRaisesRegex(UserError, "Unknown depot"):
            self.env["bhima.stock.inventory.register"].with_context(
                bhima_depot_ids=[999999]
            ).search([])
