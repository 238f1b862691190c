from odoo import api, fields, models


class BhimaStockMovementLine(models.Model):
    _name = "bhima.stock.movement.line"
    _description = "BHIMA Stock Movement Line"
    _order = "movement_id, id"
    _check_company_auto = True

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
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
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
        help="Entries: the expiration date of the new lot.",
    )
    quantity = fields.Float(digits="Product Unit", required=True, default=1.0)
    unit_cost = fields.Float(
        digits="Product Price",
        compute="_compute_unit_cost",
        store=True,
        readonly=False,
        help="Entries: the cost of one unit. Exits are valued by the costing method "
        "(average cost or FIFO) when validated.",
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
        help="The line this one reverses or returns: same depot, lot and unit cost.",
    )
    currency_id = fields.Many2one(related="movement_id.currency_id")
    value = fields.Monetary(compute="_compute_value")

    _quantity_positive = models.Constraint(
        "CHECK(quantity > 0)", "The quantity of a line must be positive."
    )
    _unit_cost_positive = models.Constraint(
        "CHECK(unit_cost >= 0)", "A unit cost cannot be negative."
    )

    @api.depends("lot_id")
    def _compute_expiration_date(self):
        for line in self:
            if line.lot_id.expiration_date:
                line.expiration_date = line.lot_id.expiration_date.date()

    @api.depends("product_id")
    def _compute_unit_cost(self):
        for line in self:
            if not line.unit_cost:
                line.unit_cost = line.product_id.standard_price

    @api.depends("move_id.value", "move_id.state", "quantity", "unit_cost")
    def _compute_value(self):
        for line in self:
            if line.move_id.state == "done":
                line.value = line.move_id.value
            else:
                line.value = line.quantity * line.unit_cost

    def _bhima_move_values(self, source, destination):
        """Values of the stock move that carries this line, from ``source`` to
        ``destination`` (``bhima.stock.movement._bhima_locations``)."""
        self.ensure_one()
        movement = self.movement_id
        product = self.product_id
        return {
            "product_id": product.id,
            "product_uom": product.uom_id.id,
            "product_uom_qty": self.quantity,
            "location_id": source.id,
            "location_dest_id": destination.id,
            "company_id": movement.company_id.id,
            "state": "confirmed",
            "picked": True,
            "origin": movement.name,
            "partner_id": movement.partner_id.id,
            "bhima_flux_id": movement.flux_id.id,
            "bhima_depot_id": movement.depot_id.id,
            "bhima_movement_id": movement.id,
            "bhima_unit_cost": self.unit_cost
            if movement.direction == "entry" or self.origin_line_id
            else 0.0,
            "bhima_forced_cost": bool(self.origin_line_id),
            "move_line_ids": [
                (
                    0,
                    0,
                    {
                        "product_id": product.id,
                        "product_uom_id": product.uom_id.id,
                        "quantity": self.quantity,
                        "location_id": source.id,
                        "location_dest_id": destination.id,
                        "lot_id": self.lot_id.id,
                        "company_id": movement.company_id.id,
                    },
                )
            ],
        }

    def _bhima_split_values(self):
        """Values a line keeps when it is split over several lots."""
        self.ensure_one()
        return {"invoice_line_id": self.invoice_line_id.id} if self.invoice_line_id else {}

    def _bhima_unit_cost_done(self):
        """The unit cost a validated line moved at."""
        self.ensure_one()
        return (
            self.move_id.value / self.quantity if self.move_id and self.quantity else self.unit_cost
        )

    def _bhima_reversal_values(self):
        self.ensure_one()
        return {
            "product_id": self.product_id.id,
            "lot_id": self.lot_id.id,
            "quantity": self.quantity,
            "unit_cost": self._bhima_unit_cost_done(),
            "origin_line_id": self.id,
            "invoice_line_id": self.invoice_line_id.id,
        }

    def _bhima_link_moves(self, moves):
        for line, move in zip(self, moves, strict=True):
            line.move_id = move
