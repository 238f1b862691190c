from odoo import api, fields, models
from odoo.exceptions import UserError


class BhimaStockAssignment(models.Model):
    """A lot (or a unique item) of a depot assigned to a person or an entity
    (BHIMA ``stock_assign``). It moves no stock; removing it keeps it in the
    history of the lot."""

    _name = "bhima.stock.assignment"
    _description = "BHIMA Stock Assignment"
    _inherit = ["bhima.protected.mixin", "bhima.depot.guard.mixin", "mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _bhima_location_fields = ()
    _bhima_depot_fields = ("depot_id",)
    _bhima_protected_fields = ("is_active", "removal_date", "removed_by_id", "user_id")

    lot_id = fields.Many2one(
        "stock.lot", string="Lot", required=True, index=True, check_company=True, tracking=True
    )
    product_id = fields.Many2one(
        related="lot_id.product_id", string="Article", store=True, index=True
    )
    depot_id = fields.Many2one(
        "stock.warehouse", string="Depot", required=True, index=True, check_company=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Assigned to",
        required=True,
        index=True,
        tracking=True,
        help="The person or the entity (a service, a company) the lot is assigned to.",
    )
    quantity = fields.Float(digits="Product Unit", required=True, default=1.0)
    description = fields.Text()
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    user_id = fields.Many2one(
        "res.users", string="Assigned by", readonly=True, default=lambda self: self.env.user
    )
    is_active = fields.Boolean(string="Active", default=True, readonly=True, tracking=True)
    removal_date = fields.Datetime(readonly=True, copy=False)
    removed_by_id = fields.Many2one("res.users", string="Removed by", readonly=True, copy=False)
    removal_note = fields.Text(string="Reason of the Removal")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    unit_cost = fields.Monetary(
        compute="_compute_book_value", help="The lot's acquisition cost per unit."
    )
    depreciated_value = fields.Monetary(
        compute="_compute_book_value",
        help="Full years since the acquisition x the group's depreciation rate x the unit cost.",
    )
    book_value = fields.Monetary(
        compute="_compute_book_value",
        help="Unit cost minus the depreciated value (never below zero).",
    )

    _quantity_positive = models.Constraint(
        "CHECK(quantity > 0)", "The assigned quantity must be positive."
    )

    def _compute_display_name(self):
        for assignment in self:
            assignment.display_name = self.env._(
                "%(lot)s to %(partner)s",
                lot=assignment.lot_id.display_name or "",
                partner=assignment.partner_id.display_name or "",
            )

    @api.depends("lot_id", "company_id")
    def _compute_book_value(self):
        for assignment in self:
            values = assignment.lot_id._bhima_asset_values()
            assignment.unit_cost = values["unit_cost"]
            assignment.depreciated_value = values["depreciated_value"]
            assignment.book_value = values["book_value"]

    @api.model_create_multi
    def create(self, vals_list):
        assignments = super().create(vals_list)
        assignments._bhima_check_stock()
        return assignments

    def write(self, vals):
        if not self._bhima_is_internal():
            closed = self.filtered(lambda a: not a.is_active)
            if closed and set(vals) - {"description", "removal_note"}:
                raise UserError(
                    self.env._("A removed assignment is history: it cannot be changed.")
                )
        result = super().write(vals)
        if {"lot_id", "depot_id", "quantity", "is_active"} & set(vals):
            self.filtered("is_active")._bhima_check_stock()
        return result

    def _bhima_check_stock(self):
        """The lot is in the depot, and its active assignments there do not
        exceed its stock."""
        balances = self.env["stock.warehouse"]._bhima_current_balances(
            self.depot_id.ids, self.product_id.ids
        )
        for assignment in self.filtered("is_active"):
            in_stock = balances.get(
                (assignment.depot_id.id, assignment.product_id.id, assignment.lot_id.id), 0.0
            )
            assigned = sum(
                self.search(
                    [
                        ("lot_id", "=", assignment.lot_id.id),
                        ("depot_id", "=", assignment.depot_id.id),
                        ("is_active", "=", True),
                    ]
                ).mapped("quantity")
            )
            if assignment.product_id.uom_id.compare(assigned, in_stock) > 0:
                raise UserError(
                    self.env._(
                        "The depot %(depot)s holds %(stock)s of the lot %(lot)s: %(assigned)s "
                        "cannot be assigned.",
                        depot=assignment.depot_id.display_name,
                        stock=in_stock,
                        lot=assignment.lot_id.display_name,
                        assigned=assigned,
                    )
                )

    def action_remove(self, note=None):
        """End the assignment; it stays in the lot's history."""
        for assignment in self:
            if not assignment.is_active:
                raise UserError(
                    self.env._(
                        "The assignment %(assignment)s is already removed.",
                        assignment=assignment.display_name,
                    )
                )
            assignment.depot_id._bhima_check_user_can_move()
        values = {
            "is_active": False,
            "removal_date": fields.Datetime.now(),
            "removed_by_id": self.env.user.id,
        }
        if note:
            values["removal_note"] = note
        self._bhima_internal().write(values)
        return True

    @api.model
    def get_lot_history(self, lot_id, depot_id=False):
        """Every assignment of a lot (active first, then the history), as dicts."""
        domain = [("lot_id", "=", lot_id)]
        if depot_id:
            domain.append(("depot_id", "=", depot_id))
        return self.search(domain, order="is_active desc, date desc").read(
            [
                "partner_id",
                "depot_id",
                "quantity",
                "description",
                "date",
                "is_active",
                "removal_date",
                "removed_by_id",
                "user_id",
                "book_value",
            ]
        )
