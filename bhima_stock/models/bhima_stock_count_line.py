from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError


class BhimaStockCountLine(models.Model):
    """One lot (or one article without lots) of a physical count: its
    theoretical quantity at the snapshot, its counted quantity, and after
    validation the stock before and after (the log old -> new)."""

    _name = "bhima.stock.count.line"
    _description = "BHIMA Physical Count Line"
    _inherit = ["bhima.protected.mixin"]
    _order = "count_id, id"
    _check_company_auto = True
    _bhima_protected_fields = (
        "theoretical_qty",
        "first_counted_qty",
        "recount_state",
        "unit_cost",
        "qty_before",
        "qty_after",
        "movement_line_id",
        "source_row",
    )

    count_id = fields.Many2one(
        "bhima.stock.count", string="Count", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="count_id.company_id", store=True, index=True)
    depot_id = fields.Many2one(related="count_id.depot_id", string="Depot")
    state = fields.Selection(related="count_id.state")
    product_id = fields.Many2one(
        "product.product",
        string="Article",
        required=True,
        index=True,
        check_company=True,
        domain="[('is_storable', '=', True)]",
    )
    default_code = fields.Char(related="product_id.default_code", string="Code")
    categ_id = fields.Many2one(related="product_id.categ_id", string="Inventory Group")
    tracking = fields.Selection(related="product_id.tracking")
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    lot_id = fields.Many2one(
        "stock.lot",
        string="Lot",
        index="btree_not_null",
        check_company=True,
        domain="[('product_id', '=', product_id)]",
    )
    lot_name = fields.Char(
        string="New Lot", help="A lot found on the shelf that the application does not know yet."
    )
    expiration_date = fields.Date(
        compute="_compute_expiration_date",
        store=True,
        readonly=False,
        help="The expiration date of a new lot.",
    )
    theoretical_qty = fields.Float(
        string="Theoretical Quantity",
        digits="Product Unit",
        readonly=True,
        help="The stock of the lot in the depot when the count started.",
    )
    counted_qty = fields.Float(string="Counted Quantity", digits="Product Unit")
    is_counted = fields.Boolean(
        string="Counted",
        help="The lot was counted (a counted quantity of zero is a count).",
    )
    difference_qty = fields.Float(
        string="Difference",
        digits="Product Unit",
        compute="_compute_difference_qty",
        store=True,
        help="Counted minus theoretical quantity.",
    )
    recount_state = fields.Selection(
        [("to_recount", "To recount"), ("recounted", "Recounted")],
        string="Recount",
        readonly=True,
        copy=False,
    )
    first_counted_qty = fields.Float(
        string="First Count",
        digits="Product Unit",
        readonly=True,
        help="The quantity counted before the recount.",
    )
    unit_cost = fields.Float(
        digits="Product Price",
        readonly=True,
        help="The cost the difference was valued at: the current cost when validated.",
    )
    currency_id = fields.Many2one(related="count_id.currency_id")
    difference_value = fields.Monetary(
        string="Value of the Difference",
        compute="_compute_difference_value",
        store=True,
    )
    current_qty = fields.Float(
        string="Stock Now",
        digits="Product Unit",
        compute="_compute_current_qty",
        help="The stock of the lot in the depot now.",
    )
    moved_qty = fields.Float(
        string="Moved Since the Start",
        digits="Product Unit",
        compute="_compute_current_qty",
        help="Entries minus exits of the lot in the depot since the count started: "
        "validation keeps them (the difference is applied to the stock of the moment).",
    )
    qty_before = fields.Float(
        string="Stock Before", digits="Product Unit", readonly=True, copy=False
    )
    qty_after = fields.Float(string="Stock After", digits="Product Unit", readonly=True, copy=False)
    movement_line_id = fields.Many2one(
        "bhima.stock.movement.line",
        string="Movement Line",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    note = fields.Char()
    source_row = fields.Integer(
        string="File Row", readonly=True, help="The row of the imported file this line comes from."
    )

    _count_lot_idx = models.Index("(count_id, product_id, lot_id)")

    @api.depends("lot_id")
    def _compute_expiration_date(self):
        for line in self:
            if line.lot_id.expiration_date:
                line.expiration_date = line.lot_id.expiration_date.date()

    @api.depends("counted_qty", "theoretical_qty", "is_counted")
    def _compute_difference_qty(self):
        for line in self:
            line.difference_qty = (
                line.counted_qty - line.theoretical_qty if line.is_counted else 0.0
            )

    @api.depends("difference_qty", "unit_cost", "movement_line_id")
    def _compute_difference_value(self):
        for line in self:
            move = line.movement_line_id.move_id
            if move.state == "done":
                sign = 1 if line.difference_qty > 0 else -1
                line.difference_value = sign * abs(move.value)
            else:
                cost = (
                    line.unit_cost
                    or line.product_id.with_company(
                        line.company_id or self.env.company
                    ).standard_price
                )
                line.difference_value = line.difference_qty * cost

    @api.depends("count_id.date", "theoretical_qty")
    def _compute_current_qty(self):
        by_depot = defaultdict(lambda: self.browse())
        for line in self:
            by_depot[line.count_id.depot_id] |= line
        for depot, lines in by_depot.items():
            balances = (
                self.env["stock.warehouse"]._bhima_current_balances(depot.ids, lines.product_id.ids)
                if depot
                else {}
            )
            for line in lines:
                quantity = balances.get((depot.id, line.product_id.id, line.lot_id.id or None), 0.0)
                line.current_qty = quantity
                line.moved_qty = (
                    quantity - line.theoretical_qty
                    if line.state in ("counting", "recount")
                    else 0.0
                )

    def _bhima_label(self):
        self.ensure_one()
        lot = self.lot_id.name or self.lot_name
        if lot:
            return self.env._(
                "%(article)s, lot %(lot)s", article=self.product_id.display_name, lot=lot
            )
        return self.product_id.display_name

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "counted_qty" in vals and "is_counted" not in vals:
                vals["is_counted"] = True
        lines = super().create(vals_list)
        counts = lines.count_id
        if not self._bhima_is_internal():
            counts._bhima_check_open()
        # lines added while counting: their theoretical quantity is the stock at the snapshot
        late = lines.filtered(
            lambda line: line.count_id.state in ("counting", "recount")
            and not line.theoretical_qty
            and (line.lot_id or line.product_id.tracking == "none")
        )
        for count, count_lines in late.grouped("count_id").items():
            balances = count.depot_id._bhima_balances_at(count.date, count_lines.product_id.ids)
            for line in count_lines:
                quantity = balances.get((line.product_id.id, line.lot_id.id or None), 0.0)
                if quantity:
                    line._bhima_internal().theoretical_qty = quantity
        return lines

    def write(self, vals):
        internal = self._bhima_is_internal()
        if not internal:
            self.count_id._bhima_check_open()
            if {"product_id", "lot_id"} & set(vals) and any(
                line.count_id.state != "draft" for line in self
            ):
                raise UserError(
                    self.env._(
                        "The article and the lot of a started count cannot be changed: "
                        "delete the line and add another."
                    )
                )
            if "counted_qty" in vals and "is_counted" not in vals:
                vals = {**vals, "is_counted": True}
        result = super().write(vals)
        if not internal and "counted_qty" in vals:
            recounted = self.filtered(lambda line: line.recount_state == "to_recount")
            if recounted:
                recounted._bhima_internal().recount_state = "recounted"
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_validated(self):
        if any(line.count_id.state == "done" for line in self):
            raise UserError(self.env._("The lines of a validated count cannot be deleted."))
