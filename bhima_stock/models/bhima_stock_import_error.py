from odoo import fields, models


class BhimaStockImportError(models.Model):
    """An error found in an imported file: the row, the column, the value and
    what is wrong. An import with errors applies nothing."""

    _name = "bhima.stock.import.error"
    _description = "BHIMA Stock Import Error"
    _order = "import_id, row, id"

    import_id = fields.Many2one("bhima.stock.import", required=True, index=True, ondelete="cascade")
    row = fields.Integer(help="The row of the file (the header is row 1); 0 for the whole file.")
    column = fields.Char()
    value = fields.Char()
    message = fields.Char(required=True)
