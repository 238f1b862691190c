from odoo import fields, models


class BhimaStockPreviewLine(models.TransientModel):
    _name = "bhima.stock.preview.line"
    _description = "Stock Preview Line"

    preview_id = fields.Many2one("bhima.stock.preview", required=True, ondelete="cascade")
    invoice_line_id = fields.Many2one("account.move.line", string="Invoice Line")
    product_id = fields.Many2one("product.product", string="Article")
    depot_id = fields.Many2one("stock.warehouse", string="Depot")
    direction = fields.Selection([("entry", "Entry"), ("exit", "Exit")])
    lot_id = fields.Many2one("stock.lot", string="Lot")
    lot_name = fields.Char(string="New Lot")
    quantity = fields.Float(digits="Product Unit")
    unit_cost = fields.Float(digits="Product Price")
    balance_after = fields.Float(digits="Product Unit")
    note = fields.Char()
    is_error = fields.Boolean()
