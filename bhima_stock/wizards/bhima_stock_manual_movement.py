from odoo import api, fields, models


class BhimaStockManualMovement(models.TransientModel):
    """A manual movement from the article card (seed 004): an entry or an exit,
    a depot, a lot, a quantity, a unit price for entries (exits are priced by
    the costing method) and a comment shown in the movement register. It is a
    BHIMA movement of flux 15 (inventory adjustment)."""

    _name = "bhima.stock.manual.movement"
    _description = "Manual Stock Movement"

    product_id = fields.Many2one(
        "product.product", string="Article", required=True, domain="[('is_storable', '=', True)]"
    )
    tracking = fields.Selection(related="product_id.tracking")
    direction = fields.Selection(
        [("entry", "Entry"), ("exit", "Exit")], required=True, default="entry"
    )
    depot_id = fields.Many2one(
        "stock.warehouse",
        string="Depot",
        required=True,
        default=lambda self: self.env.user._bhima_default_depot()
        or self.env.user.bhima_managed_depot_ids[:1],
    )
    lot_id = fields.Many2one("stock.lot", string="Lot", domain="[('product_id', '=', product_id)]")
    lot_name = fields.Char(string="New Lot")
    expiration_date = fields.Date()
    quantity = fields.Float(digits="Product Unit", required=True, default=1.0)
    unit_cost = fields.Float(
        digits="Product Price",
        compute="_compute_unit_cost",
        store=True,
        readonly=False,
        help="Entries only: exits are valued by the costing method.",
    )
    comment = fields.Text(help="Why this movement: it appears in the movement register.")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if "product_id" in fields_list and not values.get("product_id"):
            if context.get("active_model") == "product.template" and context.get("active_id"):
                template = self.env["product.template"].browse(context["active_id"])
                values["product_id"] = template.product_variant_id.id
            elif context.get("active_model") == "product.product" and context.get("active_id"):
                values["product_id"] = context["active_id"]
        return values

    @api.depends("product_id")
    def _compute_unit_cost(self):
        for wizard in self:
            wizard.unit_cost = wizard.product_id.standard_price

    def action_confirm(self):
        self.ensure_one()
        line = {
            "product_id": self.product_id.id,
            "quantity": self.quantity,
            "lot_id": self.lot_id.id,
        }
        if self.direction == "entry":
            line.update(
                {
                    "lot_name": self.lot_name,
                    "expiration_date": self.expiration_date,
                    "unit_cost": self.unit_cost,
                }
            )
        result = self.env["bhima.stock.movement"].create_and_validate(
            {
                "flux_id": self.env.ref("bhima_stock.flux_15").id,
                "direction": self.direction,
                "depot_id": self.depot_id.id,
                "company_id": self.depot_id.company_id.id,
                "description": self.comment,
                "line_ids": [line],
            }
        )
        return self.env["bhima.stock.movement"].browse(result["id"])._bhima_form_action()
