from odoo import models


class StockMoveLine(models.Model):
    _name = "stock.move.line"
    _inherit = ["bhima.depot.guard.mixin", "stock.move.line"]
