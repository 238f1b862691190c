from odoo import fields, models


class BhimaStockMovement(models.Model):
    _inherit = "bhima.stock.movement"

    loss_reason = fields.Selection(
        selection_add=[("corked", "Corked bottle")], ondelete={"corked": "set null"}
    )
