from odoo import fields, models


class BhimaStockMovementLine(models.Model):
    _inherit = "bhima.stock.movement.line"

    purchase_line_id = fields.Many2one(
        "purchase.order.line", string="Purchase Order Line", index="btree_not_null", copy=False
    )

    def _bhima_move_values(self, source, destination):
        values = super()._bhima_move_values(source, destination)
        if self.purchase_line_id:
            values["purchase_line_id"] = self.purchase_line_id.id
        return values
