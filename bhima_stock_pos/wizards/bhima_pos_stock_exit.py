from odoo import api, fields, models

from ..models.stock_warehouse import EXIT_REASONS


class BhimaPosStockExit(models.TransientModel):
    """A manual exit from the current stock of a stock point (seed 003): the
    quantity, a reason (breakage, expired, corked bottle, loss, defective,
    other) and a comment. Validated as a BHIMA exit to loss (flux 11) by
    ``stock.warehouse.bhima_pos_exit``."""

    _name = "bhima.pos.stock.exit"
    _description = "Stock Point Exit"

    depot_id = fields.Many2one(
        "stock.warehouse",
        string="Stock Point",
        required=True,
        domain="[('bhima_pos_stock_point', '=', True)]",
    )
    product_id = fields.Many2one("product.product", string="Article", required=True)
    parts_per_unit = fields.Integer(related="product_id.bhima_parts_per_unit")
    whole_uom_name = fields.Char(string="Whole Unit", compute="_compute_names")
    uom_name = fields.Char(string="Part", compute="_compute_names")
    available = fields.Char(string="In Stock", compute="_compute_available")
    quantity = fields.Float(
        digits="Product Unit", default=1.0, help="In whole units (bottles, blisters...)."
    )
    parts = fields.Float(
        digits="Product Unit",
        help="Portions of an opened unit, for an article sold in portions.",
    )
    reason = fields.Selection(EXIT_REASONS, required=True, default="breakage")
    comment = fields.Text(help="Required when the reason is 'other'.")

    @api.depends("product_id")
    def _compute_names(self):
        for wizard in self:
            template = wizard.product_id.product_tmpl_id
            wizard.whole_uom_name = (template.bhima_whole_uom_id or template.uom_id).name
            wizard.uom_name = template.uom_id.name

    @api.depends("depot_id", "product_id")
    def _compute_available(self):
        for wizard in self:
            if not (wizard.depot_id and wizard.product_id):
                wizard.available = False
                continue
            quantity = wizard.depot_id._bhima_pos_quant_totals(wizard.product_id).get(
                (wizard.depot_id.id, wizard.product_id.id), 0.0
            )
            wizard.available = wizard.product_id.product_tmpl_id._bhima_pos_format(quantity)

    def action_confirm(self):
        self.ensure_one()
        result = self.depot_id.bhima_pos_exit(
            self.reason,
            [{"product_id": self.product_id.id, "quantity": self.quantity, "parts": self.parts}],
            comment=self.comment,
        )
        return self.env["bhima.stock.movement"].browse(result["id"])._bhima_form_action()
