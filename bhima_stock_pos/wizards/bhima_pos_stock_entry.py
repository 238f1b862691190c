from odoo import api, fields, models

from ..models.stock_warehouse import ENTRY_KINDS


class BhimaPosStockEntry(models.TransientModel):
    """A manual entry into a stock point (seed 003): "initial stock" the first
    time, then "delivery" from a supplier, with articles, unit prices excluding
    tax and quantities in whole units. Validated as a BHIMA movement (flux 13 or
    1) by ``stock.warehouse.bhima_pos_entry``."""

    _name = "bhima.pos.stock.entry"
    _description = "Stock Point Entry"

    depot_id = fields.Many2one(
        "stock.warehouse",
        string="Stock Point",
        required=True,
        domain="[('bhima_pos_stock_point', '=', True)]",
    )
    kind = fields.Selection(
        ENTRY_KINDS,
        string="Entry",
        required=True,
        compute="_compute_kind",
        store=True,
        readonly=False,
        precompute=True,
        help="Initial stock when the stock of the point is entered for the first time, "
        "then delivery for each replenishment.",
    )
    partner_id = fields.Many2one("res.partner", string="Supplier", help="Required for a delivery.")
    comment = fields.Text()
    line_ids = fields.One2many("bhima.pos.stock.entry.line", "wizard_id", string="Lines")

    @api.depends("depot_id")
    def _compute_kind(self):
        for wizard in self:
            followed = wizard.depot_id and (
                self.env["bhima.pos.stock.line"]
                .sudo()
                .with_context(active_test=False)
                .search_count([("depot_id", "=", wizard.depot_id.id)], limit=1)
            )
            wizard.kind = "delivery" if followed else "initial"

    def action_confirm(self):
        self.ensure_one()
        result = self.depot_id.bhima_pos_entry(
            self.kind,
            [line._bhima_values() for line in self.line_ids],
            partner_id=self.partner_id.id,
            description=self.comment,
        )
        return self.env["bhima.stock.movement"].browse(result["id"])._bhima_form_action()
