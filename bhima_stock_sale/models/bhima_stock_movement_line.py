from odoo import models


class BhimaStockMovementLine(models.Model):
    _inherit = "bhima.stock.movement.line"

    def _bhima_move_values(self, source, destination):
        """A movement for a sales order's invoice line counts as delivered (or
        returned) on the order."""
        values = super()._bhima_move_values(source, destination)
        sale_line = self.invoice_line_id.sale_line_ids[:1]
        if sale_line and self.movement_id.flux_id.code == 9:
            values["sale_line_id"] = sale_line.id
        return values
