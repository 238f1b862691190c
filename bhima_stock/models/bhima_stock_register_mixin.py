from odoo import fields, models


class BhimaStockRegisterMixin(models.AbstractModel):
    """The depot and article columns shared by the registers and reports read in
    SQL from the stock ledger (stock status, lot register, stock value, monthly
    consumption): their queries select these columns."""

    _name = "bhima.stock.register.mixin"
    _description = "BHIMA Register Columns"

    depot_id = fields.Many2one("stock.warehouse", string="Depot", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    product_id = fields.Many2one("product.product", string="Article", readonly=True)
    product_tmpl_id = fields.Many2one("product.template", string="Article Template", readonly=True)
    categ_id = fields.Many2one("product.category", string="Group", readonly=True)
    bhima_type_id = fields.Many2one(
        related="product_tmpl_id.bhima_type_id", string="Inventory Type"
    )
    uom_id = fields.Many2one("uom.uom", string="Unit", readonly=True)
