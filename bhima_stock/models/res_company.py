from datetime import datetime, time

import pytz

from odoo import api, fields, models


class ResCompany(models.Model):
    """BHIMA stock settings, one set per company (BHIMA's ``stock_setting``)."""

    _inherit = "res.company"

    bhima_month_average_consumption = fields.Integer(
        string="Months of Average Consumption",
        default=6,
        help="Number of months the average monthly consumption is computed on.",
    )
    bhima_average_consumption_algo = fields.Selection(
        [
            ("algo_def", "Default: consumption over days in stock"),
            ("algo_msh", "MSH: consumption over months not out of stock"),
        ],
        string="Average Consumption Algorithm",
        default="algo_msh",
        required=True,
    )
    bhima_min_delay = fields.Float(
        string="Minimum Lead Time (months)",
        default=1.0,
        help="Lower bound of an article's lead time in the security stock.",
    )
    bhima_default_purchase_interval = fields.Float(
        string="Default Purchase Interval (months)",
        default=0.0,
        help="Purchase interval used when the article and the depot have a smaller one.",
    )
    bhima_default_min_months_security_stock = fields.Float(
        string="Default Minimum Months of Security Stock",
        default=2.0,
        help="Proposed on new depots: the minimum stock is this many times the security stock.",
    )
    bhima_strict_depot_permission = fields.Boolean(
        string="Strict Depot Permission",
        help="Registers, reports and lists only show the depots a user manages or supervises.",
    )
    bhima_strict_depot_distribution = fields.Boolean(
        string="Strict Depot Distribution",
        help="A depot may only send stock to the depots listed on it.",
    )
    bhima_supplier_credit = fields.Boolean(
        string="Supplier Credit",
        help="Entries from purchase credit the supplier's payable account instead "
        "of the group's expense account.",
    )
    bhima_invoice_moves_stock = fields.Boolean(
        string="Commercial Documents Move Stock",
        default=True,
        help="Validating invoices, credit notes and supplier invoices moves the stock of "
        "their stock-managed lines (not already moved by a delivery or a receipt); "
        "un-validating them moves it back. Off: only stock documents move stock.",
    )
    bhima_expired_stock_out = fields.Boolean(
        string="Expired Stock Counts as Stock-out",
        help="Expired quantities are left out when computing the stock status.",
    )
    # Registers and alerts (issue 9)
    bhima_expiry_alert_days = fields.Integer(
        string="Expiry Alert Horizon (days)",
        default=90,
        help="Lots expiring within this many days are flagged in the registers and "
        "alerted to the depot's managers.",
    )

    _bhima_settings_positive = models.Constraint(
        "CHECK(bhima_month_average_consumption > 0"
        " AND bhima_min_delay >= 0"
        " AND bhima_default_purchase_interval >= 0"
        " AND bhima_default_min_months_security_stock > 0)",
        "The months of average consumption and of security stock must be positive; "
        "the lead time and purchase interval cannot be negative.",
    )
    _bhima_expiry_alert_days_positive = models.Constraint(
        "CHECK(bhima_expiry_alert_days >= 0)",
        "The expiry alert horizon cannot be negative.",
    )

    # ------------------------------------------------------------------
    # Days in the company's time zone: expiration dates and movement dates
    # ------------------------------------------------------------------

    def _bhima_tz(self):
        """The company's time zone (its partner's), else the user's, else UTC."""
        tz_name = (self[:1].sudo().partner_id.tz if self else False) or self.env.user.tz or "UTC"
        return pytz.timezone(tz_name)

    def _bhima_date(self, moment=None):
        """The day of ``moment`` (a UTC datetime, default now) in the company's time zone."""
        moment = fields.Datetime.to_datetime(moment) or fields.Datetime.now()
        return pytz.utc.localize(moment).astimezone(self._bhima_tz()).date()

    def _bhima_end_of_day(self, day):
        """The last second of ``day`` in the company's time zone, as a UTC datetime:
        what a lot's expiration date is stored as (usable through that day)."""
        local = self._bhima_tz().localize(
            datetime.combine(fields.Date.to_date(day), time(23, 59, 59))
        )
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    @api.model
    def _bhima_activate_transit_locations(self):
        """Transfers between depots go through each company's transit location,
        which Odoo creates archived: activate it so stock in transit shows."""
        companies = self.sudo().search([("internal_transit_location_id", "!=", False)])
        transits = companies.internal_transit_location_id.with_context(active_test=False)
        transits.filtered(lambda location: not location.active).active = True

    def _create_transit_location(self):
        result = super()._create_transit_location()
        self._bhima_activate_transit_locations()
        return result
