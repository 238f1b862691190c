from odoo import fields, models


class BhimaStockService(models.Model):
    """A hospital service (ward, laboratory, operating theatre...) that receives
    stock exits (flux 10, "to service")."""

    _name = "bhima.stock.service"
    _description = "BHIMA Service"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char()
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, index=True)
    active = fields.Boolean(default=True)

    _code_uniq = models.Constraint(
        "UNIQUE(code, company_id)", "The code of a service must be unique."
    )
