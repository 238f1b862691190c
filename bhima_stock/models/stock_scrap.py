from odoo import models


class StockScrap(models.Model):
    _name = "stock.scrap"
    _inherit = ["stock.scrap", "bhima.depot.guard.mixin"]
    _bhima_location_fields = ("location_id",)
