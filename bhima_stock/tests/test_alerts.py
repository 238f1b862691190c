from datetime import timedelta

from odoo.tests import new_test_user, tagged

from .common_registers import NOW, TODAY, BhimaRegisterCommon


@tagged("post_install", "-at_install")
class TestAlertsAndDashboard(BhimaRegisterCommon):
    """The depot dashboard, the daily stock alerts (activities for the depot's
    managers, one per lot or article, not repeated, closed when resolved) and
    the weekly digest, each scheduled action run as the scheduler runs it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pharmacist.email = "pharmacist@example.com"
        cls.deputy = new_test_user(
            cls.env, "deputy", groups="bhima_stock.bhima_stock_group_user", name="Deputy",
            email="deputy@example.com",
        )  # fmt: skip
        cls.depot_a.bhima_manager_ids |= cls.deputy
        cls.cron_alerts = cls.env.ref("bhima_stock.ir_cron_bhima_stock_alerts")
        cls.cron_digest = cls.env.ref("bhima_stock.ir_cron_bhima_weekly_digest")

    def setUp(self):
        super().setUp()
        # CMM 10: security stock 10, minimum 20, maximum 50; 45 in stock, 20 of them
        # in a lot expiring in 30 days
        self._entry(500, self._at(-5), lot_name="AL-OLD")
        self._entry(10, self._at(1), lot_name="AL-NEW")
        for day in (30, 150, 270):
            self._exit(9, 40, self._at(day))
        self._exit(11, 365, NOW - timedelta(hours=2))
        self.lot_short = self._entry(
            20, NOW - timedelta(hours=1), lot_name="AL-SHORT", expiration=TODAY + timedelta(days=30)
        ).line_ids.lot_id

    def _run(self, cron):
        """Run the scheduled action as the scheduler does, in the test's transaction."""
        self.env.flush_all()
        with self.enter_registry_test_mode():
            cron.method_direct_trigger()
        self.env.invalidate_all()

    def _alerts(self, **domain):
        return self.env["bhima.stock.alert"].search(
            [("depot_id", "=", self.depot_a.id)] + [(k, "=", v) for k, v in domain.items()]
        )

    def test_dashboard_counts_open_the_registers(self):
        self.assertEqual(self._register().quantity, 45)
        self.assertEqual(self.depot_a.bhima_count_expiring, 1)
        self.assertEqual(self.depot_a.bhima_count_stock_out, 0)
        action = self.depot_a.with_context(bhima_open="expiring_soon").action_bhima_dashboard_open()
        self.assertEqual(action["res_model"], "bhima.stock.lot.register")
        self.assertEqual(action["context"]["bhima_depot_ids"], self.depot_a.ids)
        self.assertEqual(action["context"]["search_default_expiring_soon"], 1)
        rows = (
            self.env["bhima.stock.lot.register"]
            .with_context(**action["context"])
            .search([("is_expiring_soon", "=", True)])
        )
        self.assertEqual(rows.lot_id, self.lot_short)
        self._exit(11, 45, NOW - timedelta(minutes=10))
        self.env.invalidate_all()
        self.assertEqual(self.depot_a.bhima_count_stock_out, 1)
        action = self.depot_a.with_context(bhima_open="stock_out").action_bhima_dashboard_open()
        self.assertEqual(action["context"]["search_default_out_of_stock"], 1)

    def test_daily_alerts_are_raised_once_and_resolved(self):
        self._run(self.cron_alerts)
        expiring = self._alerts(kind="expiring", state="open")
        self.assertEqual(expiring.lot_id, self.lot_short)
        self.assertEqual(
            set(expiring.activity_ids.user_id.ids), {self.pharmacist.id, self.deputy.id}
        )
        self.assertIn("AL-SHORT", expiring.activity_ids[0].summary)
        self.assertFalse(self._alerts(kind="stock_out"))
        # the same day, or the next day: nothing new
        self._run(self.cron_alerts)
        with self._frozen(NOW + timedelta(days=1)):
            self._run(self.cron_alerts)
        self.assertEqual(self._alerts(kind="expiring"), expiring)
        self.assertEqual(len(expiring.activity_ids), 2)
        # the stock runs out: the article's alert opens, the lot's is resolved
        with self._frozen(NOW + timedelta(days=2)):
            self._exit(11, 45, NOW + timedelta(days=2))
            self._run(self.cron_alerts)
        self.assertEqual(expiring.state, "resolved")
        self.assertFalse(expiring.activity_ids, "its activities are done")
        stock_out = self._alerts(kind="stock_out", state="open")
        self.assertEqual(stock_out.product_id, self.product)
        self.assertEqual(len(stock_out.activity_ids), 2)
        self.assertIn("out of stock", stock_out.activity_ids[0].summary)
        self.assertTrue(
            self.env["mail.activity"]
            .with_user(self.pharmacist)
            .search([("res_model", "=", "bhima.stock.alert"), ("res_id", "=", stock_out.id)]),
            "the manager sees their activity",
        )

    def test_security_stock_alert(self):
        old_lot = self.env["stock.lot"].search([("name", "=", "AL-OLD")])
        self._exit(11, 25, NOW - timedelta(minutes=20), lot=old_lot)
        self._exit(11, 10, NOW - timedelta(minutes=19), lot=self.lot_short)
        self.assertEqual(self._register().status, "security_reached")
        self._run(self.cron_alerts)
        security = self._alerts(kind="security", state="open")
        self.assertEqual(security.product_id, self.product)
        self.assertEqual(security.quantity, 10)
        self.assertIn("10.00 left", security.activity_ids[0].summary)

    def test_expired_lot_alert(self):
        with self._frozen(NOW + timedelta(days=31)):
            self._run(self.cron_alerts)
        expired = self._alerts(kind="expired", state="open")
        self.assertEqual(expired.lot_id, self.lot_short)
        self.assertEqual(expired.quantity, 20)
        self.assertFalse(self._alerts(kind="expiring", state="open"))

    def test_interrupted_run_resumes_without_doing_twice(self):
        depots = self.env["stock.warehouse"].search([])
        self.depot_b.bhima_alerts_checked_on = TODAY  # as if the run stopped after it
        self._run(self.cron_alerts)
        self.assertEqual(set(depots.mapped("bhima_alerts_checked_on")), {TODAY})
        self.assertTrue(self._alerts(kind="expiring"))

    def test_weekly_digest_in_each_managers_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["bhima_stock"], ["fr_FR"], overwrite=True)
        self.deputy.lang = "fr_FR"
        Mail = self.env["mail.mail"]
        before = Mail.search([])
        self._run(self.cron_digest)
        mails = Mail.search([]) - before
        depot_a_mails = mails.filtered(lambda mail: mail.res_id == self.depot_a.id)
        by_partner = {mail.recipient_ids: mail for mail in depot_a_mails}
        self.assertEqual(
            set(by_partner),
            {self.pharmacist.partner_id, self.deputy.partner_id},
            "one mail to each manager of depot A",
        )
        english = by_partner[self.pharmacist.partner_id]
        french = by_partner[self.deputy.partner_id]
        self.assertIn("Stock of Test Central Pharmacy", english.subject)
        self.assertIn("1 lots expiring soon", english.subject)
        self.assertIn("/odoo/bhima-dashboard", english.body_html)
        self.assertIn("Stock de Test Central Pharmacy", french.subject)
        self.assertIn("Ouvrir le tableau de bord", french.body_html)
        # a second run the same week sends nothing
        self._run(self.cron_digest)
        self.assertEqual(Mail.search([]) - before, mails)
