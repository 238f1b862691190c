from odoo import api, models


class StockLot(models.Model):
    """A lot is usable through its expiration date in the company's time zone and
    expired from the next day. Its ``expiration_date`` (a datetime for Odoo) is
    stored as the last second of that day in the company's time zone, so that
    Odoo's own flags (``product_expiry_alert``, alert and removal dates) agree."""

    _inherit = "stock.lot"

    @api.model_create_multi
    def create(self, vals_list):
        lots = super().create(vals_list)
        lots._bhima_normalize_expiration()
        return lots

    def write(self, vals):
        result = super().write(vals)
        if vals.get("expiration_date") and not self.env.context.get("bhima_normalizing"):
            self._bhima_normalize_expiration()
        return result

    def _bhima_company(self):
        self.ensure_one()
        return self.company_id or self.env.company

    def _bhima_normalize_expiration(self):
        """Expiration dates become the end of their day in the company's time zone."""
        for lot in self.filtered("expiration_date"):
            company = lot._bhima_company()
            end = company._bhima_end_of_day(company._bhima_date(lot.expiration_date))
            if end != lot.expiration_date:
                lot.with_context(bhima_normalizing=True).write({"expiration_date": end})

    def _bhima_expiration_day(self):
        """The lot's expiration date: its last usable day in the company's time zone."""
        self.ensure_one()
        if not self.expiration_date:
            return False
        return self._bhima_company()._bhima_date(self.expiration_date)

    def _bhima_is_expired(self, day=None):
        """Whether the lot is expired on ``day`` (default today in the company's
        time zone). No lot (an article without lots) never expires."""
        if not self:
            return False
        self.ensure_one()
        last_day = self.product_id.categ_id.track_expiration and self._bhima_expiration_day()
        if not last_day:
            return False
        return last_day < (day or self._bhima_company()._bhima_date())

    # Registers (issue 9)
    def action_bhima_stock_sheet(self):
        """The stock sheet of this lot in all depots."""
        self.ensure_one()
        return self.env["bhima.stock.sheet"]._bhima_open(product=self.product_id, lot=self)

    def action_bhima_lot_register(self):
        """This lot in the lot register (every depot where it was)."""
        self.ensure_one()
        return self.env["bhima.stock.lot.register"]._bhima_action(
            domain=[("lot_id", "=", self.id)],
            name=self.display_name,
            bhima_lot_scope="all",
            search_default_bhima_articles=0,
        )
