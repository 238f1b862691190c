from odoo import fields, models


class BhimaStockReceiveLine(models.TransientModel):
    _name = "bhima.stock.receive.line"
    _description = "Receive a Transfer: Lot"

    wizard_id = fields.Many2one("bhima.stock.receive", required=True, ondelete="cascade")
    product_id = fields.Many2one("product.product", string="Article", readonly=True)
    lot_id = fields.Many2one("stock.lot", string="Lot", readonly=True)
    expiration_date = fields.Datetime(related="lot_id.expiration_date")
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    quantity_sent = fields.Float(string="Sent", digits="Product Unit", readonly=True)
    quantity_remaining = fields.Float(string="In Transit", digits="Product Unit", readonly=True)
    quantity = fields.Float(string="Received", digits="Product Unit")
