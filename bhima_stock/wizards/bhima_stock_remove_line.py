from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.bhima_stock_movement import LOSS_REASONS


class BhimaStockRemoveLine(models.TransientModel):
    """ "Remove this stock line" (seed 003): bring a lot, or every lot of an
    article, to zero in a depot through a traced exit to loss with a reason."""

    _name = "bhima.stock.remove.line"
    _description = "Remove a Stock Line"

    depot_id = fields.Many2one("stock.warehouse", string="Depot", required=True)
    product_id = fields.Many2one("product.product", string="Article", required=True)
    lot_id = fields.Many2one(
        "stock.lot",
        string="Lot",
        domain="[('product_id', '=', product_id)]",
        help="Leave empty to remove every lot of the article in the depot.",
    )
    reason = fields.Selection(LOSS_REASONS, required=True, default="other")
    comment = fields.Text()
    quantity = fields.Float(
        string="Quantity Removed", digits="Product Unit", compute="_compute_quantity"
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if context.get("active_model") == "stock.quant" and context.get("active_id"):
            quant = self.env["stock.quant"].browse(context["active_id"])
            values.setdefault("depot_id", quant.location_id.warehouse_id.id)
            values.setdefault("product_id", quant.product_id.id)
            values.setdefault("lot_id", quant.lot_id.id)
        return values

    def _stock_lines(self):
        """[(lot, quantity)] in stock in the depot now."""
        self.ensure_one()
        domain = [("product_id", "=", self.product_id.id), *self.depot_id._bhima_quant_domain()]
        if self.lot_id:
            domain.append(("lot_id", "=", self.lot_id.id))
        groups = self.env["stock.quant"]._read_group(domain, ["lot_id"], ["quantity:sum"])
        return [(lot, quantity) for lot, quantity in groups if quantity > 0]

    @api.depends("depot_id", "product_id", "lot_id")
    def _compute_quantity(self):
        for wizard in self:
            wizard.quantity = (
                sum(q for _lot, q in wizard._stock_lines())
                if wizard.depot_id and wizard.product_id
                else 0
            )

    def action_confirm(self):
        self.ensure_one()
        lines = self._stock_lines()
        if not lines:
            raise UserError(
                self.env._(
                    "There is no stock of %(article)s to remove in the depot %(depot)s.",
                    article=self.product_id.display_name,
                    depot=self.depot_id.display_name,
                )
            )
        result = self.env["bhima.stock.movement"].create_and_validate(
            {
                "flux_id": self.env.ref("bhima_stock.flux_11").id,
                "depot_id": self.depot_id.id,
                "company_id": self.depot_id.company_id.id,
                "loss_reason": self.reason,
                "description": self.comment
                or self.env._(
                    "Stock line removed: %(article)s", article=self.product_id.display_name
                ),
                "line_ids": [
                    {"product_id": self.product_id.id, "lot_id": lot.id, "quantity": quantity}
                    for lot, quantity in lines
                ],
            }
        )
        return self.env["bhima.stock.movement"].browse(result["id"])._bhima_form_action()
