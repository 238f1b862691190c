from odoo import api, fields, models


class BhimaPosStockEntryLine(models.TransientModel):
    _name = "bhima.pos.stock.entry.line"
    _description = "Stock Point Entry Line"

    wizard_id = fields.Many2one("bhima.pos.stock.entry", required=True, ondelete="cascade")
    product_id = fields.Many2one(
        "product.product",
        string="Article",
        required=True,
        domain="[('is_storable', '=', True)]",
    )
    tracking = fields.Selection(related="product_id.tracking")
    whole_uom_name = fields.Char(string="Unit", compute="_compute_whole_uom_name")
    quantity = fields.Float(
        digits="Product Unit", required=True, default=1.0, help="In whole units."
    )
    unit_price = fields.Float(
        string="Unit Price excl. Tax",
        digits="Product Price",
        compute="_compute_unit_price",
        store=True,
        readonly=False,
        help="Per whole unit, excluding tax.",
    )
    lot_name = fields.Char(
        string="Lot",
        help="For an article followed by lot; a lot named after the point and the day when empty.",
    )
    expiration_date = fields.Date()

    @api.depends("product_id")
    def _compute_whole_uom_name(self):
        for line in self:
            template = line.product_id.product_tmpl_id
            line.whole_uom_name = (template.bhima_whole_uom_id or template.uom_id).name

    @api.depends("product_id")
    def _compute_unit_price(self):
        for line in self:
            parts = line.product_id.bhima_parts_per_unit or 1
            line.unit_price = line.product_id.standard_price * parts

    def _bhima_values(self):
        self.ensure_one()
        return {
            "product_id": self.product_id.id,
            "quantity": self.quantity,
            "unit_price": self.unit_price,
            "lot_name": self.lot_name or False,
            "expiration_date": self.expiration_date or False,
        }
