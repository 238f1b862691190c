from contextlib import contextmanager
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import fields

from .common import BhimaMovementCommon

# Every register test runs at this moment (UTC); the company lives in Kinshasa (UTC+1).
NOW = datetime(2026, 6, 30, 12, 0)
TODAY = NOW.date()


class BhimaRegisterCommon(BhimaMovementCommon):
    """Hand-built histories dated relative to a frozen ``NOW``."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "Africa/Kinshasa"
        cls.company.write(
            {
                "bhima_month_average_consumption": 12,
                "bhima_average_consumption_algo": "algo_msh",
                "bhima_min_delay": 1.0,
                "bhima_default_purchase_interval": 0.0,
                "bhima_expiry_alert_days": 90,
            }
        )
        cls.depot_a.bhima_min_months_security_stock = 2.0
        cls.depot_b.bhima_min_months_security_stock = 2.0
        cls.article.write({"bhima_lead_time": 1.0, "bhima_purchase_interval": 3.0})
        cls.window_start = TODAY - relativedelta(months=12)

    def setUp(self):
        super().setUp()
        self.frozen = freeze_time(NOW)
        self.frozen.start()
        self.addCleanup(self.frozen.stop)

    @contextmanager
    def _frozen(self, moment):
        """Run the block at another moment (freezes nest)."""
        freezer = freeze_time(moment)
        freezer.start()
        try:
            yield
        finally:
            freezer.stop()

    def _new_article(self, name, code, **values):
        """An article created before every movement of the tests (its first
        cost record then precedes them)."""
        with self._frozen(NOW - timedelta(days=800)):
            return self._create_article(name, default_code=code, **values).product_variant_id

    @classmethod
    def _at(cls, day_offset, hour=10):
        """A moment ``day_offset`` days after the start of the 12-month window (UTC)."""
        return datetime.combine(cls.window_start, datetime.min.time()) + timedelta(
            days=day_offset, hours=hour
        )

    def _entry(
        self,
        quantity,
        when,
        lot_name=None,
        expiration=None,
        unit_cost=10.0,
        depot=None,
        product=None,
        code=13,
    ):
        """An entry validated at ``when`` (the clock is set to that moment)."""
        values = {"date": when}
        if code == 1:
            values["partner_id"] = self.supplier.id
        with self._frozen(when):
            return self._movement(
                code,
                depot or self.depot_a,
                [
                    {
                        "product_id": (product or self.product).id,
                        "lot_name": lot_name or f"L-{when:%Y%m%d%H}-{quantity}",
                        "expiration_date": expiration or TODAY + timedelta(days=700),
                        "quantity": quantity,
                        "unit_cost": unit_cost,
                    }
                ],
                **values,
            )

    def _exit(self, code, quantity, when, depot=None, product=None, lot=None, **values):
        """An exit validated at ``when``."""
        if code == 9:
            values.setdefault("partner_id", self.patient.id)
        elif code == 10:
            values.setdefault("service_id", self.service.id)
        elif code == 11:
            values.setdefault("loss_reason", "broken")
        line = {"product_id": (product or self.product).id, "quantity": quantity}
        if lot:
            line["lot_id"] = lot.id
        with self._frozen(when):
            return self._movement(code, depot or self.depot_a, [line], date=when, **values)

    def _register(self, depot=None, product=None, day=None, **context):
        """The inventory register row of an article in a depot (or None)."""
        context["bhima_depot_ids"] = (depot or self.depot_a).ids
        if day:
            context["bhima_date"] = fields.Date.to_string(day)
        self.env.invalidate_all()
        rows = (
            self.env["bhima.stock.inventory.register"]
            .with_context(**context)
            .search([("product_id", "=", (product or self.product).id)])
        )
        self.assertLessEqual(len(rows), 1)
        return rows

    def _lots(self, depot=None, product=None, day=None, **context):
        context["bhima_depot_ids"] = (depot or self.depot_a).ids
        if day:
            context["bhima_date"] = fields.Date.to_string(day)
        self.env.invalidate_all()
        return (
            self.env["bhima.stock.lot.register"]
            .with_context(**context)
            .search([("product_id", "=", (product or self.product).id)])
        )
