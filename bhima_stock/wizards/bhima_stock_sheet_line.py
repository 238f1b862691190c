from odoo import fields, models


class BhimaStockSheetLine(models.TransientModel):
    """One movement of a stock sheet (``bhima.stock.sheet``)."""

    _name = "bhima.stock.sheet.line"
    _description = "BHIMA Stock Sheet Line"
    _order = "sequence, id"

    sheet_id = fields.Many2one("bhima.stock.sheet", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer()
    currency_id = fields.Many2one(related="sheet_id.currency_id")
    date = fields.Datetime()
    reference = fields.Char()
    movement_id = fields.Many2one("bhima.stock.movement", string="Movement")
    move_id = fields.Many2one("stock.move", string="Stock Move")
    depot_id = fields.Many2one("stock.warehouse", string="Depot")
    lot_id = fields.Many2one("stock.lot", string="Lot")
    flux_id = fields.Many2one("bhima.stock.flux", string="Flux")
    counterpart = fields.Char()
    quantity_in = fields.Float(string="In", digits="Product Unit")
    quantity_out = fields.Float(string="Out", digits="Product Unit")
    balance = fields.Float(digits="Product Unit")
    unit_cost = fields.Float(digits="Product Price")
    value = fields.Monetary()
    balance_value = fields.Monetary()

    def action_open_document(self):
        """The movement (or the stock move) of this row."""
        self.ensure_one()
        if self.movement_id:
            return self.movement_id._bhima_form_action()
        return {
            "type": "ir.actions.act_window",
            "res_model": "stock.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
            "target": "current",
        }
