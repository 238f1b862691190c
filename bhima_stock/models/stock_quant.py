from odoo import models


class StockQuant(models.Model):
    _name = "stock.quant"
    _inherit = ["bhima.depot.guard.mixin", "stock.quant"]
    _bhima_location_fields = ("location_id",)
