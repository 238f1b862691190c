from odoo import api, models


class PosSession(models.Model):
    _inherit = "pos.session"

    @api.model_create_multi
    def create(self, vals_list):
        """The sessions of a point of sale linked to a stock point take the stock
        at each order, whatever the company's setting."""
        sessions = super().create(vals_list)
        real_time = sessions.sudo().filtered(
            lambda s: s.config_id.bhima_stock_point_id and s.update_stock_at_closing
        )
        if real_time:
            real_time.update_stock_at_closing = False
        return sessions
