from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

LOSS_REASONS = [
    ("expired", "Expired"),
    ("broken", "Broken"),
    ("defective", "Defective"),
    ("lost", "Lost"),
    ("other", "Other"),
]


class BhimaStockMovement(models.Model):
    """One BHIMA stock operation (an entry, an exit, a transfer, an adjustment):
    a header and its lines. Validating it creates one real ``stock.move`` per
    line, so that quants, valuation, accounting and reports come from Odoo."""

    _name = "bhima.stock.movement"
    _description = "BHIMA Stock Movement"
    _inherit = ["bhima.depot.guard.mixin", "mail.thread"]
    _order = "date desc, id desc"
    _bhima_location_fields = ()
    _bhima_depot_fields = ("depot_id",)
    _check_company_auto = True

    name = fields.Char(string="Reference", default="/", readonly=True, copy=False, index=True)
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Done"), ("cancel", "Cancelled")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    flux_id = fields.Many2one(
        "bhima.stock.flux", string="Flux", required=True, index=True, tracking=True
    )
    flux_code = fields.Integer(related="flux_id.code")
    direction = fields.Selection(
        [("entry", "Entry"), ("exit", "Exit")],
        compute="_compute_direction",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
    )
    counterpart = fields.Selection(related="flux_id.counterpart", string="Counterpart Role")
    date = fields.Datetime(required=True, default=fields.Datetime.now, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    depot_id = fields.Many2one(
        "stock.warehouse",
        string="Depot",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
        default=lambda self: self.env.user._bhima_default_depot(),  # issue 9
        help="The depot the stock leaves (exits) or enters (entries).",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Counterpart",
        index="btree_not_null",
        help="The supplier, the donor or the patient.",
    )
    service_id = fields.Many2one("bhima.stock.service", string="Service", check_company=True)
    dest_depot_id = fields.Many2one(
        "stock.warehouse",
        string="Destination Depot",
        check_company=True,
        help="For an exit to another depot: the depot that will receive the stock.",
    )
    transfer_origin_id = fields.Many2one(
        "bhima.stock.movement",
        string="Transfer",
        index="btree_not_null",
        copy=False,
        domain="[('flux_code', '=', 8), ('state', '=', 'done'), ('dest_depot_id', '=', depot_id)]",
        help="For an entry from another depot: the exit this entry receives.",
    )
    reception_ids = fields.One2many(
        "bhima.stock.movement", "transfer_origin_id", string="Receptions"
    )
    transfer_state = fields.Selection(
        [
            ("in_transit", "In transit"),
            ("partial", "Partially received"),
            ("received", "Received"),
            ("lost", "Closed with losses"),
        ],
        compute="_compute_transfer_state",
        store=True,
    )
    from_transit = fields.Boolean(
        readonly=True,
        copy=False,
        help="The stock leaves the transit location: what a closed transfer lost on the way.",
    )
    loss_reason = fields.Selection(LOSS_REASONS, tracking=True)
    description = fields.Text(string="Comment")
    invoice_id = fields.Many2one(
        "account.move",
        string="Patient Invoice",
        index="btree_not_null",
        copy=False,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted')]",
        help="For an exit to a patient: the invoice whose consumable articles leave the depot.",
    )
    user_id = fields.Many2one("res.users", string="Responsible", default=lambda self: self.env.user)
    account_move_id = fields.Many2one(
        "account.move",
        string="Commercial Document",
        index="btree_not_null",
        readonly=True,
        copy=False,
        help="The invoice, credit note or bill whose validation created this movement: "
        "it carries the accounting, so this movement posts none.",
    )
    reversal_of_id = fields.Many2one(
        "bhima.stock.movement",
        string="Reverses",
        index="btree_not_null",
        readonly=True,
        copy=False,
        help="The movement this one reverses exactly (same depot, lots, quantities and costs).",
    )
    reversal_ids = fields.One2many(
        "bhima.stock.movement", "reversal_of_id", string="Reversals", readonly=True
    )
    is_reversed = fields.Boolean(
        compute="_compute_is_reversed",
        store=True,
        help="A validated reversal cancels this movement's effect on the stock.",
    )
    line_ids = fields.One2many(
        "bhima.stock.movement.line", "movement_id", string="Lines", copy=True
    )
    move_ids = fields.One2many(
        "stock.move", "bhima_movement_id", string="Stock Moves", readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    value_total = fields.Monetary(string="Value", compute="_compute_value_total")

    @api.depends("flux_id")
    def _compute_direction(self):
        for movement in self:
            if movement.flux_id.direction in ("entry", "exit"):
                movement.direction = movement.flux_id.direction
            elif not movement.direction:
                movement.direction = "entry"

    @api.depends("reversal_ids.state")
    def _compute_is_reversed(self):
        for movement in self:
            movement.is_reversed = any(
                reversal.state == "done" for reversal in movement.reversal_ids
            )

    @api.depends("move_ids.value", "move_ids.state")
    def _compute_value_total(self):
        for movement in self:
            movement.value_total = sum(
                movement.move_ids.filtered(lambda m: m.state == "done").mapped("value")
            )

    @api.depends(
        "state",
        "flux_id",
        "reception_ids.state",
        "line_ids.quantity",
        "reception_ids.line_ids.quantity",
    )
    def _compute_transfer_state(self):
        for movement in self:
            if movement.flux_id.code != 8 or movement.state != "done":
                movement.transfer_state = False
                continue
            sent = sum(movement.line_ids.mapped("quantity"))
            left = sum(movement._bhima_transfer_remaining().values())
            if left > 0:
                movement.transfer_state = "in_transit" if left >= sent else "partial"
            elif movement.reception_ids.filtered(lambda r: r.state == "done" and r.from_transit):
                movement.transfer_state = "lost"
            else:
                movement.transfer_state = "received"

    # ------------------------------------------------------------------
    # Onchanges and helpers for the form
    # ------------------------------------------------------------------

    @api.onchange("transfer_origin_id")
    def _onchange_transfer_origin_id(self):
        if self.transfer_origin_id:
            self.depot_id = self.transfer_origin_id.dest_depot_id
            self.line_ids = [(5, 0, 0)] + [
                (0, 0, values) for values in self.transfer_origin_id._bhima_reception_line_values()
            ]

    def action_propose_lots(self):
        """Propose the lots of the exit lines, first expiry first out."""
        for movement in self:
            movement._bhima_check_draft()
            movement._bhima_assign_lots(raise_if_short=False)
        return True

    def action_load_invoice_lines(self):
        """Fill an exit to a patient with the consumable, stock-managed articles of
        the patient's invoice, and propose their lots."""
        for movement in self:
            movement._bhima_check_draft()
            if not movement.invoice_id:
                raise UserError(self.env._("Choose the patient's invoice first."))
            movement.partner_id = movement.invoice_id.partner_id
            invoice = movement.invoice_id
            moved = defaultdict(float)  # what the invoice's own validation already took out
            for line in invoice._bhima_active_movements().line_ids:
                moved[line.product_id] += (
                    line.quantity if line.direction == "exit" else -line.quantity
                )
            values = []
            for line in invoice.invoice_line_ids:
                product = line.product_id
                if not (product.is_storable and product.bhima_consumable):
                    continue
                quantity = line.product_uom_id._compute_quantity(line.quantity, product.uom_id)
                taken = min(moved[product], quantity)
                moved[product] -= taken
                if product.uom_id.compare(quantity - taken, 0) > 0:
                    values.append({"product_id": product.id, "quantity": quantity - taken})
            if not values:
                raise UserError(
                    self.env._(
                        "The invoice %(invoice)s has no consumable article left to take out of stock.",
                        invoice=invoice.display_name,
                    )
                )
            movement.line_ids = [(5, 0, 0)] + [(0, 0, v) for v in values]
            movement._bhima_assign_lots(raise_if_short=False)
        return True

    # ------------------------------------------------------------------
    # Validation
    # ------------------------------------------------------------------

    def action_validate(self):
        """Validate the movements: one stock move per line, valued and posted by
        Odoo. Either everything is done or nothing is written."""
        for movement in self:
            with self.env.cr.savepoint():
                movement._bhima_validate()
        return True

    def _bhima_validate(self):
        self.ensure_one()
        self._bhima_check_draft()
        self._bhima_check_header()
        if not self.line_ids:
            raise UserError(
                self.env._("The movement %(movement)s has no line.", movement=self.display_name)
            )
        for line in self.line_ids:
            if line.product_uom_id.compare(line.quantity, 0) <= 0:
                raise UserError(
                    self.env._(
                        "The quantity of %(article)s must be positive.",
                        article=line.product_id.display_name,
                    )
                )
            if not line.product_id.is_storable:
                raise UserError(
                    self.env._(
                        "The article %(article)s is not managed in stock: remove it from the movement.",
                        article=line.product_id.display_name,
                    )
                )
        if self.direction == "exit" and not self.from_transit:
            self._bhima_assign_lots(raise_if_short=True)
            self._bhima_check_exit_lots()
        else:
            self._bhima_prepare_entry_lots()
            if self.flux_id.code == 2:
                self._bhima_check_reception()
        if self.name == "/":
            sequence = self.env["ir.sequence"].sudo().next_by_code("bhima.stock.movement")
            self.name = f"SM.{self.flux_id.code}.{sequence}"
        Move = self.env["stock.move"].with_context(bhima_validating=True)
        source, destination = self._bhima_locations()
        moves = Move.create(
            [line._bhima_move_values(source, destination) for line in self.line_ids]
        )
        self.line_ids._bhima_link_moves(moves)
        moves.with_context(
            force_period_date=fields.Date.context_today(self, self.date)
        )._action_done()
        moves._bhima_backdate(self.date)
        self.state = "done"

    def _bhima_locations(self):
        """(source, destination) of the movement's stock moves: the depot's stock
        location (or the transit location) and the flux's counterpart."""
        self.ensure_one()
        stock = self.depot_id.lot_stock_id
        if self.from_transit:
            stock = self.company_id.sudo().internal_transit_location_id
        counterpart = self.flux_id._counterpart_location(self.company_id)
        return (stock, counterpart) if self.direction == "exit" else (counterpart, stock)

    def _bhima_check_draft(self):
        if self.state != "draft":
            raise UserError(
                self.env._(
                    "The movement %(movement)s is already validated or cancelled.",
                    movement=self.display_name,
                )
            )

    def _bhima_check_header(self):
        """The depot may host this movement; the flux has what it needs."""
        depot, flux = self.depot_id, self.flux_id
        depot._bhima_check_open()
        depot._bhima_check_user_can_move()
        if flux.depot_kind and not self.reversal_of_id:
            depot._bhima_check_allows(flux.depot_kind)
        if self.date > fields.Datetime.now():
            raise UserError(self.env._("A stock movement cannot be dated in the future."))
        missing = None
        if self.reversal_of_id:
            pass
        elif flux.counterpart in ("supplier", "donation", "patient") and not self.partner_id:
            missing = {
                "supplier": self.env._("the supplier"),
                "donation": self.env._("the donor"),
                "patient": self.env._("the patient"),
            }[flux.counterpart]
        elif flux.counterpart == "service" and not self.service_id:
            missing = self.env._("the service")
        elif flux.code == 8 and not self.dest_depot_id:
            missing = self.env._("the destination depot")
        elif flux.code == 2 and not self.transfer_origin_id:
            missing = self.env._("the transfer it receives")
        elif flux.counterpart == "loss" and not self.loss_reason:
            missing = self.env._("the reason of the loss")
        if missing:
            raise UserError(
                self.env._(
                    "A movement %(flux)s needs %(missing)s.",
                    flux=flux.display_name,
                    missing=missing,
                )
            )
        if flux.code == 8:
            if self.dest_depot_id == depot:
                raise UserError(self.env._("A depot cannot transfer stock to itself."))
            self.dest_depot_id._bhima_check_open()
            self.dest_depot_id._bhima_check_allows("entry_transfer")
            depot._bhima_check_distribution(self.dest_depot_id)

    # ---------------------------------------------------------- exits

    def _bhima_assign_lots(self, raise_if_short):
        """Split the exit lines without lot over the depot's lots, earliest
        expiration first (then lot name). Expired lots only leave as a loss."""
        self.ensure_one()
        todo = self.line_ids.filtered(
            lambda line: not line.lot_id and line.product_id.tracking != "none"
        )
        if not todo:
            return
        taken = defaultdict(float)
        for line in self.line_ids - todo:
            taken[(line.product_id, line.lot_id)] += line.quantity
        allocations, short = self.depot_id._bhima_fefo_allocation(
            [(line.product_id, line.quantity) for line in todo],
            fields.Date.context_today(self, self.date),
            allow_expired=self.flux_id.counterpart == "loss",
            taken=taken,
        )
        if short and raise_if_short:
            raise UserError(self.depot_id._bhima_shortage_message(short))
        new_lines = []
        for index, line in enumerate(todo):
            extra = line._bhima_split_values()
            new_lines += [
                {"product_id": product.id, "lot_id": lot.id, "quantity": quantity, **extra}
                for i, product, lot, quantity in allocations
                if i == index
            ]
            new_lines += [
                {"product_id": product.id, "quantity": quantity, **extra}
                for i, product, quantity in short
                if i == index
            ]
        todo.unlink()
        self.line_ids = [(0, 0, values) for values in new_lines]

    def _bhima_check_exit_lots(self):
        """Expired lots leave only as a loss; no lot goes below zero at the
        movement's date or later, unless the depot allows negative stock."""
        day = fields.Date.context_today(self, self.date)
        if self.flux_id.counterpart != "loss":
            expired = self.line_ids.filtered(
                lambda line: not line.origin_line_id and line.lot_id._bhima_is_expired(day)
            )
            for line in expired:
                raise UserError(
                    self.env._(
                        "The lot %(lot)s of %(article)s expired on %(date)s: expired lots can only "
                        "leave the depot as a loss.",
                        lot=line.lot_id.name,
                        article=line.product_id.display_name,
                        date=format_date(self.env, line.lot_id.expiration_date),
                    )
                )
        if self.depot_id.bhima_allow_negative_stock:
            return
        requested = defaultdict(float)
        for line in self.line_ids:
            requested[(line.product_id.id, line.lot_id.id or None)] += (
                line.product_uom_id._compute_quantity(line.quantity, line.product_id.uom_id)
            )
        balances = self.depot_id._bhima_lot_balances(
            self.line_ids.product_id.ids, self.line_ids.lot_id.ids, self.date
        )
        short = []
        for (product_id, lot_id), quantity in requested.items():
            at_date, lowest_after = balances.get((product_id, lot_id), (0.0, None))
            available = at_date if lowest_after is None else min(at_date, lowest_after)
            product = self.env["product.product"].browse(product_id)
            if product.uom_id.compare(quantity, available) > 0:
                short.append((product, self.env["stock.lot"].browse(lot_id), quantity, available))
        if short:
            raise UserError(
                self.env._(
                    "This exit would make the stock negative in the depot %(depot)s on %(date)s:\n%(lines)s",
                    depot=self.depot_id.display_name,
                    date=format_date(self.env, self.date),
                    lines="\n".join(
                        self.env._(
                            "- %(article)s, lot %(lot)s: %(requested)s requested, %(available)s available",
                            article=product.display_name,
                            lot=lot.name or "-",
                            requested=product.uom_id._bhima_format_quantity(quantity),
                            available=product.uom_id._bhima_format_quantity(max(available, 0)),
                        )
                        for product, lot, quantity, available in short
                    ),
                )
            )

    # -------------------------------------------------------- entries

    def _bhima_prepare_entry_lots(self):
        """Entry lines name a lot: reuse the article's lot of that name or create
        it with its expiration date, required (and not past) when the group
        tracks expiration."""
        today = fields.Date.context_today(self)
        Lot = self.env["stock.lot"]
        for line in self.line_ids:
            product = line.product_id
            tracks_expiry = product.categ_id.track_expiration and product.use_expiration_date
            if product.tracking == "none" or (line.origin_line_id and line.lot_id):
                continue
            if not line.lot_id and not line.lot_name:
                raise UserError(
                    self.env._("Give the lot of %(article)s.", article=product.display_name)
                )
            lot = line.lot_id or Lot.search(
                [
                    ("product_id", "=", product.id),
                    ("name", "=", line.lot_name),
                    ("company_id", "in", [self.company_id.id, False]),
                ],
                limit=1,
            )
            expiration = line.expiration_date or (
                lot.expiration_date and lot.expiration_date.date()
            )
            if tracks_expiry and self.flux_id.code != 2:
                if not expiration:
                    raise UserError(
                        self.env._(
                            "The lot %(lot)s of %(article)s needs an expiration date.",
                            lot=line.lot_name or lot.name,
                            article=product.display_name,
                        )
                    )
                if expiration < today:
                    raise UserError(
                        self.env._(
                            "The lot %(lot)s of %(article)s expired on %(date)s: it cannot enter a depot.",
                            lot=line.lot_name or lot.name,
                            article=product.display_name,
                            date=format_date(self.env, expiration),
                        )
                    )
                if (
                    lot
                    and line.expiration_date
                    and lot.expiration_date
                    and lot.expiration_date.date() != line.expiration_date
                ):
                    raise UserError(
                        self.env._(
                            "The lot %(lot)s of %(article)s already exists and expires on %(date)s.",
                            lot=lot.name,
                            article=product.display_name,
                            date=format_date(self.env, lot.expiration_date),
                        )
                    )
            if not lot:
                values = {
                    "name": line.lot_name,
                    "product_id": product.id,
                    "company_id": self.company_id.id,
                }
                if tracks_expiry:
                    values["expiration_date"] = fields.Datetime.to_datetime(expiration)
                lot = Lot.sudo().create(values)
            line.lot_id = lot

    def _bhima_check_reception(self):
        """A reception takes at most what its transfer sent and did not yet
        receive, lot by lot."""
        remaining = self.transfer_origin_id._bhima_transfer_remaining(exclude=self)
        received = defaultdict(float)
        for line in self.line_ids:
            received[(line.product_id, line.lot_id)] += line.quantity
        for (product, lot), quantity in received.items():
            if product.uom_id.compare(quantity, remaining.get((product, lot), 0.0)) > 0:
                raise UserError(
                    self.env._(
                        "The transfer %(transfer)s did not send %(quantity)s %(article)s of lot %(lot)s "
                        "still to receive (%(remaining)s left).",
                        transfer=self.transfer_origin_id.display_name,
                        quantity=product.uom_id._bhima_format_quantity(quantity),
                        article=product.display_name,
                        lot=lot.name or "-",
                        remaining=product.uom_id._bhima_format_quantity(
                            remaining.get((product, lot), 0.0)
                        ),
                    )
                )

    # ------------------------------------------------------ transfers

    def _bhima_transfer_remaining(self, exclude=None):
        """{(product, lot): quantity sent by this transfer and not yet received
        (nor written off as lost in transit)}."""
        self.ensure_one()
        remaining = defaultdict(float)
        for line in self.line_ids:
            remaining[(line.product_id, line.lot_id)] += line.quantity
        for reception in self.reception_ids.filtered(lambda r: r.state == "done") - (
            exclude or self.browse()
        ):
            for line in reception.line_ids:
                remaining[(line.product_id, line.lot_id)] -= line.quantity
        return remaining

    def _bhima_reception_line_values(self):
        return [
            {"product_id": product.id, "lot_id": lot.id, "quantity": quantity}
            for (product, lot), quantity in self._bhima_transfer_remaining().items()
            if quantity > 0
        ]

    def action_receive(self, quantities=None):
        """Receive this transfer in its destination depot: create and validate
        the entry (flux 2). ``quantities``: optional ``{lot_id: quantity}`` to
        receive less than what was sent. Returns the reception's id."""
        self.ensure_one()
        if self.flux_id.code != 8 or self.state != "done":
            raise UserError(self.env._("Only a validated exit to another depot can be received."))
        lines = self._bhima_reception_line_values()
        if quantities:
            quantities = {int(lot_id): qty for lot_id, qty in quantities.items()}
            lines = [dict(line, quantity=quantities.get(line["lot_id"], 0)) for line in lines]
            lines = [line for line in lines if line["quantity"]]
        reception = self.create(
            {
                "flux_id": self.env.ref("bhima_stock.flux_2").id,
                "depot_id": self.dest_depot_id.id,
                "transfer_origin_id": self.id,
                "company_id": self.company_id.id,
                "line_ids": [(0, 0, line) for line in lines],
            }
        )
        reception.action_validate()
        return reception.id

    def action_close_transfer(self):
        """Close a transfer that will not be received in full: what is still in
        transit leaves as a loss (flux 11, reason "lost"), valued and posted like
        any loss of the sending depot. Returns the loss movement's id."""
        self.ensure_one()
        if self.flux_id.code != 8 or self.state != "done":
            raise UserError(self.env._("Only a validated exit to another depot can be closed."))
        lines = self._bhima_reception_line_values()
        if not lines:
            raise UserError(
                self.env._(
                    "The transfer %(transfer)s has nothing left in transit.", transfer=self.name
                )
            )
        loss = self.create(
            {
                "flux_id": self.env.ref("bhima_stock.flux_11").id,
                "depot_id": self.depot_id.id,
                "company_id": self.company_id.id,
                "transfer_origin_id": self.id,
                "from_transit": True,
                "loss_reason": "lost",
                "description": self.env._("Lost in transit: %(transfer)s", transfer=self.name),
                "line_ids": [(0, 0, line) for line in lines],
            }
        )
        loss.action_validate()
        return loss.id

    # ------------------------------------------------------------------
    # For RPC clients
    # ------------------------------------------------------------------

    @api.model
    def create_and_validate(self, values):
        """Create a movement from ``values`` (the fields of the model, with
        ``line_ids`` as a list of line dicts or commands) and validate it.
        Returns ``{"id", "name", "move_ids", "value"}``. Raises on any error;
        nothing is written then."""
        values = dict(values)
        if values.get("line_ids") and isinstance(values["line_ids"][0], dict):
            values["line_ids"] = [(0, 0, line) for line in values["line_ids"]]
        with self.env.cr.savepoint():
            movement = self.create(values)
            movement.action_validate()
        return {
            "id": movement.id,
            "name": movement.name,
            "move_ids": movement.move_ids.ids,
            "value": movement.value_total,
        }

    def _bhima_reverse(self, description=None):
        """Reverse validated movements exactly: the same flux in the other
        direction, same depot, lots, quantities and unit costs, linked to the
        originals. Returns the reversals (validated)."""
        reversals = self.browse()
        for movement in self:
            if movement.state != "done" or movement.is_reversed or movement.reversal_of_id:
                continue
            reversal = self.create(
                {
                    "flux_id": movement.flux_id.id,
                    "direction": "entry" if movement.direction == "exit" else "exit",
                    "depot_id": movement.depot_id.id,
                    "company_id": movement.company_id.id,
                    "partner_id": movement.partner_id.id,
                    "service_id": movement.service_id.id,
                    "dest_depot_id": movement.dest_depot_id.id,
                    "loss_reason": movement.loss_reason,
                    "account_move_id": movement.account_move_id.id,
                    "reversal_of_id": movement.id,
                    "user_id": self.env.user.id,
                    "description": description
                    or self.env._("Reversal of %(movement)s", movement=movement.name),
                    "line_ids": [
                        (0, 0, line._bhima_reversal_values()) for line in movement.line_ids
                    ],
                }
            )
            reversal.action_validate()
            reversals |= reversal
        return reversals

    def action_cancel(self):
        for movement in self:
            movement._bhima_check_draft()
        self.state = "cancel"
        return True

    @api.ondelete(at_uninstall=False)
    def _unlink_except_done(self):
        if any(movement.state == "done" for movement in self):
            raise UserError(self.env._("A validated stock movement cannot be deleted."))

    def _compute_display_name(self):
        for movement in self:
            movement.display_name = (
                movement.name
                if movement.name != "/"
                else self.env._("Draft %(flux)s", flux=movement.flux_id.name or "")
            )

    def _bhima_form_action(self):
        """The window action opening this movement's form."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "bhima.stock.movement",
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_print_voucher(self):
        return self.env.ref("bhima_stock.action_report_bhima_stock_movement").report_action(self)

    @api.model
    def _bhima_demo_stock(self):
        """Demo data (data/bhima_stock_demo.xml): a few months of a small
        hospital's stock, made through real movements."""
        ref = self.env.ref
        now = fields.Datetime.now()
        today = fields.Date.today()
        pharmacy = ref("bhima_stock.warehouse_central_pharmacy_demo")
        ward = ref("bhima_stock.warehouse_ward_depot_demo")
        Partner = self.env["res.partner"]
        supplier = Partner.create({"name": "CAMEBU (central purchasing)", "supplier_rank": 1})
        donor = Partner.create({"name": "Health NGO (donor)"})
        patient = Partner.create({"name": "Patient Demo Mbala"})
        services = self.env["bhima.stock.service"].create(
            [{"name": "Maternity", "code": "MAT"}, {"name": "Operating theatre", "code": "OT"}]
        )
        medicines = {
            xmlid: ref(f"bhima_stock.{xmlid}").product_variant_id
            for xmlid in (
                "product_paracetamol_demo",
                "product_amoxicillin_demo",
                "product_quinine_demo",
                "product_ceftriaxone_demo",
                "product_ors_demo",
                "product_ringer_demo",
                "product_ibuprofen_syrup_demo",
                "product_tetracycline_demo",
                "product_metronidazole_demo",
                "product_gloves_demo",
                "product_syringe_demo",
            )
        }
        costs = [12, 35, 280, 750, 90, 900, 500, 180, 10, 60, 30]
        opening = [
            {
                "product_id": product.id,
                "lot_name": f"OP-{index:02d}",
                "expiration_date": today + timedelta(days=120 + 60 * index),
                "quantity": 400,
                "unit_cost": costs[index],
            }
            for index, product in enumerate(medicines.values())
        ]
        self.create_and_validate(
            {
                "flux_id": ref("bhima_stock.flux_13").id,
                "depot_id": pharmacy.id,
                "date": now - timedelta(days=90),
                "description": "Opening stock",
                "line_ids": opening,
            }
        )
        self.create_and_validate(
            {
                "flux_id": ref("bhima_stock.flux_1").id,
                "depot_id": pharmacy.id,
                "partner_id": supplier.id,
                "date": now - timedelta(days=45),
                "description": "Quarterly order",
                "line_ids": [
                    {
                        "product_id": medicines["product_paracetamol_demo"].id,
                        "lot_name": "PA-2611",
                        "expiration_date": today + timedelta(days=700),
                        "quantity": 1000,
                        "unit_cost": 14,
                    },
                    {
                        "product_id": medicines["product_amoxicillin_demo"].id,
                        "lot_name": "AM-2611",
                        "expiration_date": today + timedelta(days=500),
                        "quantity": 500,
                        "unit_cost": 32,
                    },
                ],
            }
        )
        self.create_and_validate(
            {
                "flux_id": ref("bhima_stock.flux_6").id,
                "depot_id": pharmacy.id,
                "partner_id": donor.id,
                "date": now - timedelta(days=30),
                "line_ids": [
                    {
                        "product_id": medicines["product_ors_demo"].id,
                        "lot_name": "DON-ORS-1",
                        "expiration_date": today + timedelta(days=365),
                        "quantity": 300,
                        "unit_cost": 0,
                    }
                ],
            }
        )
        transfer = self.create_and_validate(
            {
                "flux_id": ref("bhima_stock.flux_8").id,
                "depot_id": pharmacy.id,
                "dest_depot_id": ward.id,
                "date": now - timedelta(days=14),
                "line_ids": [
                    {"product_id": medicines[xmlid].id, "quantity": quantity}
                    for xmlid, quantity in (
                        ("product_paracetamol_demo", 200),
                        ("product_amoxicillin_demo", 100),
                        ("product_ringer_demo", 40),
                        ("product_gloves_demo", 100),
                    )
                ],
            }
        )
        self.browse(transfer["id"]).action_receive()
        exits = [
            # flux, depot, days ago, header values, [(article, quantity)]
            (
                9,
                ward,
                0,
                {"partner_id": patient.id},
                [("product_paracetamol_demo", 18), ("product_amoxicillin_demo", 21)],
            ),
            (
                10,
                pharmacy,
                7,
                {"service_id": services[0].id},
                [("product_ringer_demo", 24), ("product_gloves_demo", 50)],
            ),
            (
                11,
                pharmacy,
                0,
                {"loss_reason": "broken", "description": "Bottles broken during unpacking"},
                [("product_ibuprofen_syrup_demo", 3)],
            ),
        ]
        for code, depot, days, values, lines in exits:
            self.create_and_validate(
                {
                    "flux_id": ref(f"bhima_stock.flux_{code}").id,
                    "depot_id": depot.id,
                    "date": now - timedelta(days=days) if days else fields.Datetime.now(),
                    **values,
                    "line_ids": [
                        {"product_id": medicines[xmlid].id, "quantity": qty} for xmlid, qty in lines
                    ],
                }
            )
