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
