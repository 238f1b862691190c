from odoo import fields, models


class StockLot(models.Model):
    _inherit = "stock.lot"

    def _bhima_is_expired(self, day=None):
        """A lot is usable through its expiration date: it is expired from the day
        after. Lots of groups that do not track expiration never expire."""
        self.ensure_one()
        if not self.expiration_date or not self.product_id.categ_id.track_expiration:
            return False
        day = day or fields.Date.context_today(self)
        return fields.Date.context_today(self, self.expiration_date) < day
