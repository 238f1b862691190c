from odoo import models


class StockQuant(models.Model):
    _name = "stock.quant"
    _inherit = ["stock.quant", "bhima.depot.guard.mixin"]
    _bhima_location_fields = ("location_id",)
