from odoo import api, fields, models
from odoo.exceptions import UserError


class BhimaStockMovementLine(models.Model):
    _name = "bhima.stock.movement.line"
    _inherit = ["bhima.protected.mixin"]
    _description = "BHIMA Stock Movement Line"
    _order = "movement_id, id"
    _check_company_auto = True
    _bhima_protected_fields = (
        "move_id",
        "invoice_line_id",
        "origin_line_id",
        "fixed_value",
    )
    _bhima_frozen_states = ("done", "cancel")

    movement_id = fields.Many2one(
        "bhima.stock.movement", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="movement_id.company_id", store=True, index=True)
    state = fields.Selection(related="movement_id.state")
    direction = fields.Selection(related="movement_id.direction")
    product_id = fields.Many2one(
        "product.product",
        string="Article",
        required=True,
        index=True,
        check_company=True,
        domain="[('is_storable', '=', True)]",
    )
    tracking = fields.Selection(related="product_id.tracking")
    product_uom_id = fields.Many2one(
        "uom.uom",
        string="Unit",
        compute="_compute_product_uom_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('id', 'in', allowed_uom_ids)]",
        help="The unit the quantity and the unit cost are given in: the article's unit "
        "or a unit related to it (a box of 10).",
    )
    allowed_uom_ids = fields.Many2many(
        "uom.uom", string="Allowed Units", compute="_compute_allowed_uom_ids"
    )
    lot_id = fields.Many2one(
        "stock.lot",
        string="Lot",
        index="btree_not_null",
        check_company=True,
        domain="[('product_id', '=', product_id)]",
    )
    lot_name = fields.Char(string="New Lot", help="Entries: the number of a lot to create.")
    expiration_date = fields.Date(
        compute="_compute_expiration_date",
        store=True,
        readonly=False,
        help="Entries: the expiration date of the new lot (its last usable day).",
    )
    quantity = fields.Float(digits="Product Unit", required=True, default=1.0)
    unit_cost = fields.Float(
        compute="_compute_unit_cost",
        store=True,
        readonly=False,
        help="Entries: the cost of one unit (of the line's unit). Exits are valued by "
        "the costing method (average cost or FIFO) when validated.",
    )
    fixed_value = fields.Float(
        readonly=True,
        copy=False,
        help="The value the line moves at, fixed at validation: an entry's cost times its "
        "quantity, or its share of the line it reverses or returns.",
    )
    move_id = fields.Many2one(
        "stock.move", string="Stock Move", readonly=True, copy=False, index="btree_not_null"
    )
    invoice_line_id = fields.Many2one(
        "account.move.line",
        string="Invoice Line",
        index="btree_not_null",
        readonly=True,
        copy=False,
        help="The commercial document line this movement line moves stock for.",
    )
    origin_line_id = fields.Many2one(
        "bhima.stock.movement.line",
        string="Origin Line",
        index="btree_not_null",
        readonly=True,
        copy=False,
        help="The line this one reverses or returns: same depot, lot and value.",
    )
    currency_id = fields.Many2one(related="movement_id.currency_id")
    value = fields.Monetary(compute="_compute_value")

    _quantity_positive = models.Constraint(
        "CHECK(quantity > 0)", "The quantity of a line must be positive."
    )
    _unit_cost_positive = models.Constraint(
        "CHECK(unit_cost >= 0)", "A unit cost cannot be negative."
    )

    @api.depends("product_id")
    def _compute_product_uom_id(self):
        for line in self:
            if not line.product_uom_id or not line.product_uom_id._has_common_reference(
                line.product_id.uom_id or line.product_uom_id
            ):
                line.product_uom_id = line.product_id.uom_id

    @api.depends("product_id")
    def _compute_allowed_uom_ids(self):
        """The units that share the article's unit reference (tablet, box of 10...)."""
        Uom = self.env["uom.uom"]
        by_root = {}
        for line in self:
            reference = line.product_id.uom_id
            root = reference.parent_path.split("/")[0] if reference.parent_path else None
            if root and root not in by_root:
                by_root[root] = Uom.search([("parent_path", "=like", f"{root}/%")])
            line.allowed_uom_ids = by_root[root] if root else reference

    @api.depends("lot_id")
    def _compute_expiration_date(self):
        for line in self:
            if line.lot_id.expiration_date:
                line.expiration_date = line.lot_id._bhima_expiration_day()

    @api.depends("product_id", "product_uom_id")
    def _compute_unit_cost(self):
        for line in self:
            if line.product_id and line.product_uom_id:
                line.unit_cost = line.product_id.uom_id._compute_price(
                    line.product_id.standard_price, line.product_uom_id
                )

    @api.depends(
        "move_id.value", "move_id.state", "quantity", "unit_cost", "fixed_value", "direction"
    )
    def _compute_value(self):
        estimated = self.browse()
        for line in self:
            if line.move_id.state == "done":
                line.value = line.move_id.value
            elif line.fixed_value or line.origin_line_id:
                line.value = line.fixed_value
            elif line.direction == "exit" and line.product_id.cost_method == "average":
                estimated |= line
            else:
                line.value = line.quantity * line.unit_cost
        estimated._bhima_estimate_exit_values()

    def _bhima_estimate_exit_values(self):
        """What draft exits dated now will be valued at (average cost): their
        share of the value left, all of it if they take everything left."""
        for company, lines in self.grouped(
            lambda line: line.movement_id.company_id or self.env.company
        ).items():
            products = lines.product_id.with_company(company).sudo()
            states = products._bhima_avco_states(company=company)
            currency = company.currency_id
            for line in lines:
                on_hand, value_left, average = states[line.product_id]
                quantity = line._bhima_product_qty()
                if line.product_id.uom_id.compare(on_hand, 0) <= 0:
                    value = average * quantity
                elif line.product_id.uom_id.compare(quantity, on_hand) >= 0:
                    value = value_left + (quantity - on_hand) * average
                else:
                    value = value_left * quantity / on_hand
                line.value = currency.round(value)

    # ------------------------------------------------------------------
    # Quantities in the article's unit
    # ------------------------------------------------------------------

    def _bhima_product_qty(self):
        """The line's quantity in the article's unit."""
        self.ensure_one()
        return self.product_uom_id._compute_quantity(
            self.quantity, self.product_id.uom_id, rounding_method="HALF-UP"
        )

    def _bhima_check_unit(self):
        for line in self:
            if not line.product_uom_id._has_common_reference(line.product_id.uom_id):
                raise UserError(
                    self.env._(
                        "The unit %(unit)s cannot measure %(article)s (its unit is %(reference)s).",
                        unit=line.product_uom_id.name,
                        article=line.product_id.display_name,
                        reference=line.product_id.uom_id.name,
                    )
                )

    # ------------------------------------------------------------------
    # Reversals and returns: what a validated line still holds
    # ------------------------------------------------------------------

    def _bhima_children(self):
        """The validated lines that reverse or return this one."""
        self.ensure_one()
        return (
            self.sudo()
            .search([("origin_line_id", "=", self.id), ("movement_id.state", "=", "done")])
            .with_env(self.env)
        )

    def _bhima_given_back(self):
        """(quantity in the article's unit, value) this validated line gave back:
        what its reversals and returns took, net of their own reversals."""
        self.ensure_one()
        quantity = value = 0.0
        for child in self._bhima_children():
            grandchildren = child._bhima_children()
            quantity += child._bhima_product_qty() - sum(
                g._bhima_product_qty() for g in grandchildren
            )
            value += child.move_id.value - sum(grandchildren.move_id.mapped("value"))
        return quantity, value

    def _bhima_outstanding(self):
        """The quantity (article's unit) of this validated line that no reversal
        or return has given back yet."""
        self.ensure_one()
        return self._bhima_product_qty() - self._bhima_given_back()[0]

    def _bhima_share(self, quantity):
        """The value of ``quantity`` (article's unit) of this validated line, for a
        reversal or a return: in proportion, the last part taking exactly what is
        left, so that the parts add up to the line to the cent."""
        self.ensure_one()
        currency = self.movement_id.currency_id
        total = self._bhima_product_qty()
        given_qty, given_value = self._bhima_given_back()
        if self.product_id.uom_id.compare(given_qty + quantity, total) >= 0:
            return currency.round(self.move_id.value - given_value)
        return currency.round(self.move_id.value * quantity / total if total else 0.0)

    # ------------------------------------------------------------------
    # Stock moves
    # ------------------------------------------------------------------

    def _bhima_move_values(self, source, destination):
        """Values of the stock move that carries this line, from ``source`` to
        ``destination`` (``bhima.stock.movement._bhima_locations``). Its move
        lines are set by the movement (they say from which sub-location)."""
        self.ensure_one()
        movement = self.movement_id
        product = self.product_id
        return {
            "product_id": product.id,
            "product_uom": self.product_uom_id.id,
            "product_uom_qty": self.quantity,
            "location_id": source.id,
            "location_dest_id": destination.id,
            "company_id": movement.company_id.id,
            "date": movement.date,
            "state": "confirmed",
            "picked": True,
            "origin": movement.name,
            "partner_id": movement.partner_id.id,
            "bhima_flux_id": movement.flux_id.id,
            "bhima_depot_id": movement.depot_id.id,
            "bhima_movement_id": movement.id,
            "bhima_fixed_value": self.fixed_value,
            "bhima_origin_move_id": self.origin_line_id.move_id.id,
        }

    def _bhima_split_values(self):
        """Values a line keeps when it is split over several lots."""
        self.ensure_one()
        values = {"product_uom_id": self.product_id.uom_id.id}
        if self.invoice_line_id:
            values["invoice_line_id"] = self.invoice_line_id.id
        return values

    def _bhima_reversal_values(self, quantity=None):
        """Values of the line reversing ``quantity`` (article's unit; default what
        the line still holds) of this validated line."""
        self.ensure_one()
        quantity = self._bhima_outstanding() if quantity is None else quantity
        return {
            "product_id": self.product_id.id,
            "product_uom_id": self.product_id.uom_id.id,
            "lot_id": self.lot_id.id,
            "quantity": quantity,
            "fixed_value": self._bhima_share(quantity),
            "origin_line_id": self.id,
            "invoice_line_id": self.invoice_line_id.id,
        }

    def _bhima_link_moves(self, moves):
        for line, move in zip(self, moves, strict=True):
            line.move_id = move
