from datetime import timedelta

from odoo.tests import tagged

from .common_registers import NOW, TODAY, BhimaRegisterCommon


@tagged("post_install", "-at_install")
class TestLotRegister(BhimaRegisterCommon):
    """The lot register and BHIMA's lot indicators (reference §4.4) as intended:
    lots used first expiry first out at the article's CMM."""

    def setUp(self):
        super().setUp()
        # CMM 30.5 (MSH: 366 consumed over 12 months, never out of stock): one unit a day
        self._entry(1000, self._at(-5), lot_name="LC")
        self._entry(6, self._at(1), lot_name="LX")
        for day in (30, 150, 270):
            self._exit(9, 122, self._at(day))
        today = NOW - timedelta(minutes=30)
        self._exit(11, 640, today)  # what is left, as a loss (not consumption)
        self.lot_a = self._entry(
            100, today, lot_name="LA", expiration=TODAY + timedelta(days=20)
        ).line_ids.lot_id
        self.lot_b = self._entry(
            100, today, lot_name="LB", expiration=TODAY + timedelta(days=400), unit_cost=4.0
        ).line_ids.lot_id

    def test_lots_used_first_expiry_first_out(self):
        lots = self._lots()
        self.assertEqual(lots.lot_id, self.lot_a | self.lot_b, "empty lots are left out by default")
        row_a = lots.filtered(lambda r: r.lot_id == self.lot_a)
        row_b = lots.filtered(lambda r: r.lot_id == self.lot_b)
        self.assertEqual(row_a.cmm, 30.5)
        # lot A: 100 units, 21 days of use left (usable through its expiration date)
        self.assertEqual(row_a.days_before_expiry, 20)
        self.assertTrue(row_a.is_near_expiration)
        self.assertEqual(row_a.lifetime, 21)
        self.assertEqual(row_a.usable_quantity, 21)
        self.assertEqual(row_a.risk_quantity, 79)
        self.assertEqual(row_a.risk_days, 79)
        self.assertEqual(row_a.usage_start_date, TODAY)
        self.assertEqual(row_a.usage_end_date, TODAY + timedelta(days=21))
        self.assertTrue(row_a.is_expiring_soon)
        # lot B starts when lot A is over and is used up long before it expires
        self.assertFalse(row_b.is_near_expiration)
        self.assertEqual(row_b.lifetime, 100)
        self.assertEqual(row_b.usable_quantity, 100)
        self.assertEqual(row_b.risk_quantity, 0)
        self.assertEqual(row_b.usage_start_date, TODAY + timedelta(days=21))
        self.assertEqual(row_b.usage_end_date, TODAY + timedelta(days=121))
        self.assertFalse(row_b.is_expiring_soon)
        self.assertEqual((row_b.unit_cost, row_b.value), (4.0, 400.0))
        # the article's row sums its lots
        article = self._register()
        self.assertEqual(article.quantity, 200)
        self.assertEqual(article.lots_at_risk, 1)
        self.assertEqual(article.quantity_at_risk, 79)
        self.assertEqual(article.quantity_near_expiry, 100)
        self.assertEqual(article.lots_expiring_soon, 1)
        # BHIMA's lot usage schedule of the article in the depot
        action = article.action_open_schedule()
        self.assertEqual(action["res_model"], "bhima.stock.lot.register")
        self.assertEqual(action["domain"], [("product_id", "=", self.product.id)])
        self.assertEqual(action["context"]["bhima_depot_ids"], self.depot_a.ids)

    def test_searchable_flags_and_empty_lots(self):
        Register = self.env["bhima.stock.lot.register"].with_context(
            bhima_depot_ids=self.depot_a.ids
        )
        product = [("product_id", "=", self.product.id)]
        self.assertEqual(
            Register.search(product + [("is_near_expiration", "=", True)]).lot_id, self.lot_a
        )
        self.assertEqual(
            Register.search(product + [("is_near_expiration", "=", False)]).lot_id, self.lot_b
        )
        every = Register.with_context(bhima_lot_scope="all").search(product)
        self.assertEqual(len(every), 4)
        empty = every.filtered(lambda r: r.quantity == 0)
        self.assertEqual(set(empty.lot_id.mapped("name")), {"LC", "LX"})
        self.assertTrue(all(empty.mapped("is_exhausted")))

    def test_expiry_day_boundary(self):
        with self._frozen(NOW + timedelta(days=20)):
            row = self._lots().filtered(lambda r: r.lot_id == self.lot_a)
            self.assertFalse(row.is_expired, "usable through its expiration date")
            self.assertEqual(row.days_before_expiry, 0)
        with self._frozen(NOW + timedelta(days=21)):
            row = self._lots().filtered(lambda r: r.lot_id == self.lot_a)
            self.assertTrue(row.is_expired)
            self.assertFalse(row.is_near_expiration)
            self.assertEqual(row.usable_quantity, 0)
            self.assertEqual(self._register().lots_expired, 1)

    def test_zero_cmm_and_untracked_consumption_mean_no_risk(self):
        product = self._new_article("Test Gauze", "TGZ")
        lot = self._entry(
            50, NOW - timedelta(hours=1), lot_name="GZ", product=product,
            expiration=TODAY + timedelta(days=5),
        ).line_ids.lot_id  # fmt: skip
        row = self._lots(product=product)
        self.assertEqual(row.lot_id, lot)
        self.assertEqual((row.cmm, row.lifetime, row.risk_quantity), (0, 0, 0))
        self.assertEqual(row.usable_quantity, 50)
        self.assertFalse(row.is_near_expiration)
        self.assertTrue(row.is_expiring_soon, "within the 90-day horizon all the same")
        self.assertEqual(self._register(product=product).status, "unused_stock")
        # a group that does not track consumption has no lot at risk
        self.group_medicines.track_consumption = False
        row = self._lots().filtered(lambda r: r.lot_id == self.lot_a)
        self.assertFalse(row.is_near_expiration)
        self.assertEqual(row.risk_quantity, 0)

    def test_past_date(self):
        rows = self._lots(day=TODAY - timedelta(days=10))
        self.assertEqual(set(rows.lot_id.mapped("name")), {"LC", "LX"})
        self.assertEqual(sum(rows.mapped("quantity")), 1006 - 366)
