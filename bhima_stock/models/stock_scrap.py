from odoo import models


class StockScrap(models.Model):
    _name = "stock.scrap"
    _inherit = ["bhima.depot.guard.mixin", "stock.scrap"]
    _bhima_location_fields = ("location_id",)
