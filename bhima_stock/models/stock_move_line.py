from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column


class StockMoveLine(models.Model):
    _name = "stock.move.line"
    _inherit = ["bhima.depot.guard.mixin", "stock.move.line"]

    # Registers and reports (bhima.stock.ledger) read the done lines by date,
    # article and lot, and need the flux of their move without joining it.
    bhima_flux_id = fields.Many2one(
        related="move_id.bhima_flux_id", store=True, string="Flux", index="btree_not_null"
    )

    _bhima_done_date_idx = models.Index("(date) WHERE state = 'done'")
    _bhima_product_date_idx = models.Index("(product_id, date) WHERE state = 'done'")
    _bhima_lot_date_idx = models.Index("(lot_id, date) WHERE state = 'done' AND lot_id IS NOT NULL")

    def write(self, vals):
        if "bhima_flux_id" in vals and not self.env.su:
            raise UserError(self.env._("The flux of a stock move line is the flux of its move."))
        return super().write(vals)

    def _auto_init(self):
        """On an upgrade, fill the flux of existing lines in one query rather than
        through the ORM (a database may hold millions of lines)."""
        cr = self.env.cr
        if not column_exists(cr, "stock_move_line", "bhima_flux_id") and column_exists(
            cr, "stock_move", "bhima_flux_id"
        ):
            create_column(cr, "stock_move_line", "bhima_flux_id", "int4")
            cr.execute(
                SQL(
                    """
                    UPDATE stock_move_line line SET bhima_flux_id = move.bhima_flux_id
                      FROM stock_move move
                     WHERE move.id = line.move_id AND move.bhima_flux_id IS NOT NULL
                    """
                )
            )
        return super()._auto_init()
