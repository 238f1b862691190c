from odoo import fields, models


class BhimaStockCountImport(models.TransientModel):
    """Import the counted quantities of a started count from a spreadsheet
    (a scanner's export, a sheet typed in a spreadsheet)."""

    _name = "bhima.stock.count.import"
    _description = "Import Counted Quantities"

    count_id = fields.Many2one("bhima.stock.count", string="Count", required=True)
    file = fields.Binary(required=True)
    filename = fields.Char(string="File Name")

    def action_import(self):
        self.ensure_one()
        content = self.file.decode() if isinstance(self.file, bytes) else self.file
        self.count_id.import_counted_quantities(content, self.filename or "counts.csv")
        return {"type": "ir.actions.act_window_close"}
