from odoo import models


class PosOrder(models.Model):
    _inherit = "pos.order"

    def _should_create_picking_real_time(self):
        return (
            bool(self.config_id.bhima_stock_point_id) or super()._should_create_picking_real_time()
        )

    def _create_order_picking(self):
        """At a stock point, the sale takes the point's stock at once. Selling at
        a point of sale linked to the stock point is the permission to take its
        stock: the cashier needs no depot permission (the user stays the
        cashier)."""
        if self.config_id.sudo().bhima_stock_point_id:
            return super(PosOrder, self.sudo())._create_order_picking()
        return super()._create_order_picking()
