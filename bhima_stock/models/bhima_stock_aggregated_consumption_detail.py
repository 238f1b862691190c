from odoo import fields, models


class BhimaStockAggregatedConsumptionDetail(models.Model):
    """A sub-period of an aggregated consumption line: its exits are dated at
    the end of the sub-period (used when the article had stock-out days)."""

    _name = "bhima.stock.aggregated.consumption.detail"
    _description = "BHIMA Aggregated Consumption Sub-period"
    _order = "line_id, date_from, id"

    line_id = fields.Many2one(
        "bhima.stock.aggregated.consumption.line", required=True, index=True, ondelete="cascade"
    )
    date_from = fields.Date(string="Start", required=True)
    date_to = fields.Date(string="End", required=True)
    quantity_consumed = fields.Float(string="Consumed", digits="Product Unit")
    quantity_lost = fields.Float(string="Lost", digits="Product Unit")
