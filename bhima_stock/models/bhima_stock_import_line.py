from odoo import fields, models


class BhimaStockImportLine(models.Model):
    """A line of an import's preview: a stock difference (current, file,
    movement) or an article update, with the row of the file."""

    _name = "bhima.stock.import.line"
    _description = "BHIMA Stock Import Preview Line"
    _order = "import_id, row, id"

    import_id = fields.Many2one("bhima.stock.import", required=True, index=True, ondelete="cascade")
    row = fields.Integer(help="The row of the file (the header is row 1).")
    depot_id = fields.Many2one("stock.warehouse", string="Depot")
    product_id = fields.Many2one("product.product", string="Article")
    article_code = fields.Char(string="Code")
    article_name = fields.Char(string="Designation")
    lot_name = fields.Char(string="Lot")
    expiration_date = fields.Date()
    current_qty = fields.Float(string="Current Stock", digits="Product Unit")
    file_qty = fields.Float(string="File", digits="Product Unit")
    difference_qty = fields.Float(string="Movement Quantity", digits="Product Unit")
    movement = fields.Selection(
        [("entry", "Entry"), ("exit", "Exit"), ("none", "No movement")], default="none"
    )
    note = fields.Char()
