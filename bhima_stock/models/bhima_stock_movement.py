from collections import defaultdict
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date

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
    _inherit = ["bhima.depot.guard.mixin", "bhima.protected.mixin", "mail.thread"]
    _order = "date desc, id desc"
    _bhima_location_fields = ()
    _bhima_depot_fields = ("depot_id",)
    _check_company_auto = True
    _bhima_protected_fields = (
        "name",
        "state",
        "from_transit",
        "account_move_id",
        "reversal_of_id",
    )
    _bhima_frozen_states = ("done", "cancel")
    _bhima_mutable_fields = ("description",)

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
    # issue 10: a delivery of a requisition (exit to a service, transfer to a depot)
    requisition_id = fields.Many2one(
        "bhima.stock.requisition",
        string="Requisition",
        index="btree_not_null",
        copy=False,
        domain="[('depot_id', '=', depot_id), "
        "('status', 'in', ('validated', 'partially', 'partial_surpluses'))]",
        help="The requisition this exit delivers: its status follows the deliveries.",
    )

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

    def _bhima_holds_stock(self):
        """Whether some line of these validated movements still holds stock (not
        given back by a reversal or a return)."""
        return any(
            line.product_id.uom_id.compare(line._bhima_outstanding(), 0) > 0
            for line in self.filtered(lambda m: m.state == "done").line_ids
        )

    @api.depends("line_ids.value")
    def _compute_value_total(self):
        """Validated: the value Odoo gave the moves; draft: what validating it now
        will give them."""
        for movement in self:
            movement.value_total = sum(movement.line_ids.mapped("value"))

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
            sent = sum(line._bhima_product_qty() for line in movement.line_ids)
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

    @api.onchange("requisition_id")
    def _onchange_requisition_id(self):
        """Load what is left to deliver of the requisition (issue 10)."""
        if self.requisition_id and self.state == "draft":
            values = self.requisition_id._bhima_movement_values()
            self.update({**values, "line_ids": [(5, 0, 0), *values["line_ids"]]})

    def action_propose_lots(self):
        """Propose the lots of the exit lines, first expiry first out."""
        for movement in self:
            movement._bhima_check_draft()
            movement._bhima_assign_lots(raise_if_short=False)
        return True

    def action_load_invoice_lines(self):
        """Fill an exit to a patient with the consumable, stock-managed articles of
        the patient's invoice that no exit took out yet (neither the invoice's own
        validation nor an earlier exit for it), and propose their lots."""
        for movement in self:
            movement._bhima_check_draft()
            if not movement.invoice_id:
                raise UserError(self.env._("Choose the patient's invoice first."))
            invoice = movement.invoice_id
            movement.partner_id = invoice.partner_id
            moved = defaultdict(float)
            earlier = self.sudo().search(
                [
                    ("invoice_id", "=", invoice.id),
                    ("state", "=", "done"),
                    ("direction", "=", "exit"),
                    ("reversal_of_id", "=", False),
                    ("id", "!=", movement.id),
                ]
            )
            for line in (invoice._bhima_document_movements() | earlier).line_ids:
                moved[line.product_id] += line._bhima_outstanding()
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
            movement.line_ids = [Command.clear()] + [Command.create(v) for v in values]
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
                movement._bhima_internal()._bhima_validate()
        return True

    def _bhima_validate(self):
        """Validate one movement (call it through ``action_validate``, or
        ``_bhima_internal()`` inside a savepoint the caller holds)."""
        self.ensure_one()
        self.sudo().depot_id.with_env(self.env)._bhima_check_user_can_move()
        self._bhima_lock_draft()
        self._bhima_check_header()
        self._bhima_check_lines()
        quants = []
        if self.direction == "exit" and not self.from_transit:
            quants = self.depot_id._bhima_lock_quants(self.line_ids.product_id)
            self._bhima_assign_lots(raise_if_short=True, quants=quants)
            self._bhima_check_exit_lots(quants)
        elif self.direction == "exit":
            self._bhima_check_transit_loss()
        else:
            self._bhima_prepare_entry_lots()
            if self.flux_id.code == 2:
                self._bhima_check_reception()
        if self.name == "/":
            sequence = self.env["ir.sequence"].sudo().next_by_code("bhima.stock.movement")
            self.name = f"SM.{self.flux_id.code}.{sequence}"
        for line in self.line_ids:
            if self.direction == "entry" and not line.origin_line_id and not self.account_move_id:
                line.fixed_value = line.unit_cost * line.quantity
        source, destination = self._bhima_locations()
        moves = (
            self.env["stock.move"]
            .with_context(bhima_validating=True)
            .create(
                [
                    dict(
                        line._bhima_move_values(source, destination),
                        move_line_ids=self._bhima_move_line_commands(
                            line, source, destination, quants
                        ),
                    )
                    for line in self.line_ids
                ]
            )
        )
        self.line_ids._bhima_link_moves(moves)
        moves.with_context(
            bhima_validating=True, force_period_date=self.company_id._bhima_date(self.date)
        )._action_done()
        moves._bhima_backdate(self.date)
        self.state = "done"

    def _bhima_lock_draft(self):
        """Lock the movement's row: two validations of the same movement at once
        wait for each other, and the second finds it validated."""
        self.flush_recordset()
        self.env.execute_query(
            SQL("SELECT id FROM bhima_stock_movement WHERE id = %s FOR NO KEY UPDATE", self.id)
        )
        self.invalidate_recordset(["state"])
        self._bhima_check_draft()

    def _bhima_check_lines(self):
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
        self.line_ids._bhima_check_unit()

    def _bhima_move_line_commands(self, line, source, destination, quants):
        """The move lines of a line's stock move: an exit takes its lot from the
        sub-locations of the depot's stock location that hold it."""
        product = line.product_id
        quantity = line._bhima_product_qty()
        base = {
            "product_id": product.id,
            "product_uom_id": product.uom_id.id,
            "lot_id": line.lot_id.id,
            "location_dest_id": destination.id,
            "company_id": self.company_id.id,
        }
        parts = []
        if self.direction == "exit" and not self.from_transit:
            for product_id, lot_id, location_id, on_hand in quants:
                if product_id != product.id or (lot_id or False) != line.lot_id.id:
                    continue
                part = min(on_hand, quantity)
                if product.uom_id.compare(part, 0) <= 0:
                    continue
                parts.append((location_id, part))
                quantity -= part
                if product.uom_id.compare(quantity, 0) <= 0:
                    break
            parts.sort(key=lambda part: part[0] != source.id)
        if product.uom_id.compare(quantity, 0) > 0:
            parts.append((source.id, quantity))  # entries, or an exit the depot allows below zero
        return [Command.create(dict(base, location_id=loc, quantity=qty)) for loc, qty in parts]

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
        if (
            flux.direction in ("entry", "exit")
            and self.direction != flux.direction
            and not self.reversal_of_id
        ):
            raise UserError(
                self.env._(
                    "A movement %(flux)s cannot have the direction %(direction)s.",
                    flux=flux.display_name,
                    direction=dict(self._fields["direction"]._description_selection(self.env))[
                        self.direction
                    ],
                )
            )
        if flux.depot_kind and not self.reversal_of_id:
            depot._bhima_check_allows(flux.depot_kind)
        if self.date > fields.Datetime.now():
            raise UserError(self.env._("A stock movement cannot be dated in the future."))
        if self.transfer_origin_id and flux.code != 2 and not self.from_transit:
            raise UserError(self.env._("Only an entry from another depot receives a transfer."))
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

    def _bhima_day(self):
        """The movement's day in the company's time zone."""
        return self.company_id._bhima_date(self.date)

    # ---------------------------------------------------------- exits

    def _bhima_assign_lots(self, raise_if_short, quants=None):
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
            taken[(line.product_id, line.lot_id)] += line._bhima_product_qty()
        allow_expired = self.flux_id.counterpart == "loss"
        day = self._bhima_day()
        allocations, short = self.depot_id._bhima_fefo_allocation(
            [(line.product_id, line._bhima_product_qty()) for line in todo],
            day,
            allow_expired=allow_expired,
            taken=taken,
            available=self.depot_id._bhima_available_lots(
                todo.product_id,
                day,
                allow_expired,
                quants=quants or None,
                at_date=self.date if self._bhima_is_backdated() else None,
            ),
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
        self.line_ids = [Command.create(values) for values in new_lines]

    def _bhima_check_exit_lots(self, quants):
        """Expired lots leave only as a loss; no lot goes below zero at the
        movement's date or later, unless the depot allows negative stock. A
        movement dated now is checked against the quants it locked; a back-dated
        one against the depot's history."""
        day = self._bhima_day()
        # a count (adjustment) may find less of an expired lot than there is
        if self.flux_id.counterpart not in ("loss", "adjustment"):
            for line in self.line_ids:
                if not line.origin_line_id and line.lot_id._bhima_is_expired(day):
                    raise UserError(
                        self.env._(
                            "The lot %(lot)s of %(article)s expired on %(date)s: expired lots can only "
                            "leave the depot as a loss.",
                            lot=line.lot_id.name,
                            article=line.product_id.display_name,
                            date=format_date(self.env, line.lot_id._bhima_expiration_day()),
                        )
                    )
        if self.depot_id.bhima_allow_negative_stock:
            return
        requested = defaultdict(float)
        for line in self.line_ids:
            requested[(line.product_id.id, line.lot_id.id or None)] += line._bhima_product_qty()
        if self._bhima_is_backdated():
            balances = self.depot_id._bhima_lot_balances(
                self.line_ids.product_id.ids, self.line_ids.lot_id.ids, self.date
            )
        else:
            on_hand = defaultdict(float)
            for product_id, lot_id, _location_id, quantity in quants:
                on_hand[(product_id, lot_id)] += quantity
            balances = {key: (quantity, None) for key, quantity in on_hand.items()}
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
                    date=format_date(self.env, self._bhima_day()),
                    lines="\n".join(
                        self.env._(
                            "- %(article)s, lot %(lot)s: %(requested)s requested, %(available)s available",
                            article=product.display_name,
                            lot=lot.name or "-",
                            requested=product.uom_id._bhima_format(quantity),
                            available=product.uom_id._bhima_format(max(available, 0)),
                        )
                        for product, lot, quantity, available in short
                    ),
                )
            )

    def _bhima_is_backdated(self):
        """Whether the depot has stock moved after the movement's date (then the
        stock must be checked at that date and at every later one)."""
        self.ensure_one()
        depot = self.depot_id
        self.env["stock.move.line"].flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT 1 FROM stock_move_line sml
                  JOIN stock_location src ON src.id = sml.location_id
                  JOIN stock_location dest ON dest.id = sml.location_dest_id
                 WHERE sml.state = 'done' AND sml.product_id = ANY(%(products)s)
                   AND sml.date > %(date)s AND (%(src_in)s OR %(dest_in)s)
                 LIMIT 1
                """,
                products=self.line_ids.product_id.ids,
                date=self.date,
                src_in=depot._bhima_stock_location_sql("src"),
                dest_in=depot._bhima_stock_location_sql("dest"),
            )
        )
        return bool(rows)

    def _bhima_check_transit_loss(self):
        """What a closed transfer writes off must still be in transit (an expired
        lot included: it expired on the way)."""
        remaining = self.transfer_origin_id._bhima_transfer_remaining()
        for line in self.line_ids:
            left = remaining.get((line.product_id, line.lot_id), 0.0)
            if line.product_id.uom_id.compare(line._bhima_product_qty(), left) > 0:
                raise UserError(
                    self.env._(
                        "The transfer %(transfer)s has only %(quantity)s of %(article)s (lot %(lot)s) in transit.",
                        transfer=self.transfer_origin_id.display_name,
                        quantity=line.product_id.uom_id._bhima_format(left),
                        article=line.product_id.display_name,
                        lot=line.lot_id.name or "-",
                    )
                )

    # -------------------------------------------------------- entries

    def _bhima_prepare_entry_lots(self):
        """Entry lines name a lot: reuse the article's lot of that name (in the
        company) or create it with its expiration date, required (and not past at
        the movement's date) when the group tracks expiration. The lots are looked
        up in one query and the new ones created in one batch."""
        day = self._bhima_day()
        Lot = self.env["stock.lot"].sudo()
        todo = self.line_ids.filtered(
            lambda line: line.product_id.tracking != "none"
            and not (line.origin_line_id and line.lot_id)
        )
        for line in todo.filtered(lambda line: not line.lot_id and not line.lot_name):
            raise UserError(
                self.env._("Give the lot of %(article)s.", article=line.product_id.display_name)
            )
        named = todo.filtered(lambda line: not line.lot_id)
        existing = (
            {
                (lot.product_id.id, lot.name): lot
                for lot in Lot.search(
                    [
                        ("product_id", "in", named.product_id.ids),
                        ("name", "in", list(set(named.mapped("lot_name")))),
                        ("company_id", "in", [self.company_id.id, False]),
                    ],
                    order="company_id, id",
                )[::-1]
            }
            if named
            else {}
        )
        to_create = {}
        for line in todo:
            product = line.product_id
            tracks_expiry = product.categ_id.track_expiration and product.use_expiration_date
            lot = line.lot_id or existing.get((product.id, line.lot_name), Lot.browse())
            expiration = line.expiration_date or (lot and lot._bhima_expiration_day())
            if tracks_expiry and self.flux_id.code != 2:
                self._bhima_check_entry_expiration(line, lot, expiration, day)
            if not lot:
                values = {
                    "name": line.lot_name,
                    "product_id": product.id,
                    "company_id": self.company_id.id,
                }
                if tracks_expiry:
                    values["expiration_date"] = self.company_id._bhima_end_of_day(expiration)
                to_create.setdefault((product.id, line.lot_name), values)
        if to_create:
            created = Lot.create(list(to_create.values()))
            existing.update(zip(to_create, created, strict=True))
        for line in todo.filtered(lambda line: not line.lot_id):
            line.lot_id = existing[(line.product_id.id, line.lot_name)]

    def _bhima_check_entry_expiration(self, line, lot, expiration, day):
        """An entry of an article whose group tracks expiration names the lot's
        expiration date, not past at the movement's date, and the same as the
        existing lot's."""
        product = line.product_id
        if not expiration:
            raise UserError(
                self.env._(
                    "The lot %(lot)s of %(article)s needs an expiration date.",
                    lot=line.lot_name or lot.name,
                    article=product.display_name,
                )
            )
        if expiration < day:
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
            and lot._bhima_expiration_day() != line.expiration_date
        ):
            raise UserError(
                self.env._(
                    "The lot %(lot)s of %(article)s already exists and expires on %(date)s.",
                    lot=lot.name,
                    article=product.display_name,
                    date=format_date(self.env, lot._bhima_expiration_day()),
                )
            )

    def _bhima_check_reception(self):
        """A reception takes at most what its transfer sent and did not yet
        receive, lot by lot."""
        transfer = self.transfer_origin_id
        if (
            transfer.flux_id.code != 8
            or transfer.state != "done"
            or transfer.dest_depot_id != self.depot_id
        ):
            raise UserError(
                self.env._(
                    "%(transfer)s is not a validated transfer to the depot %(depot)s.",
                    transfer=transfer.display_name,
                    depot=self.depot_id.display_name,
                )
            )
        transfer._bhima_lock_lines()
        remaining = transfer._bhima_transfer_remaining(exclude=self)
        received = defaultdict(float)
        for line in self.line_ids:
            received[(line.product_id, line.lot_id)] += line._bhima_product_qty()
        for (product, lot), quantity in received.items():
            if product.uom_id.compare(quantity, remaining.get((product, lot), 0.0)) > 0:
                raise UserError(
                    self.env._(
                        "The transfer %(transfer)s did not send %(quantity)s %(article)s of lot %(lot)s "
                        "still to receive (%(remaining)s left).",
                        transfer=transfer.display_name,
                        quantity=product.uom_id._bhima_format(quantity),
                        article=product.display_name,
                        lot=lot.name or "-",
                        remaining=product.uom_id._bhima_format(remaining.get((product, lot), 0.0)),
                    )
                )

    # ------------------------------------------------------ transfers

    def _bhima_transfer_remaining(self, exclude=None):
        """{(product, lot): quantity sent by this transfer and not yet received
        (nor written off as lost in transit)}."""
        self.ensure_one()
        remaining = defaultdict(float)
        for line in self.line_ids:
            remaining[(line.product_id, line.lot_id)] += line._bhima_product_qty()
        for reception in self.sudo().reception_ids.filtered(lambda r: r.state == "done") - (
            exclude or self.browse()
        ):
            for line in reception.line_ids:
                remaining[(line.product_id, line.lot_id)] -= line._bhima_product_qty()
        return remaining

    def _bhima_lock_lines(self):
        """Lock the movement's lines for the rest of the transaction, marking them
        as read under lock: two receptions, credit notes or reversals that check
        what these lines still hold never both pass (the second is retried by Odoo
        and sees the first)."""
        lines = self.sudo().line_ids
        if lines:
            lines.flush_recordset()
            self.env.execute_query(
                SQL(
                    "UPDATE bhima_stock_movement_line SET write_date = write_date WHERE id = ANY(%s)",
                    lines.ids,
                )
            )

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
        if not lines:
            raise UserError(
                self.env._(
                    "Give a quantity to receive for at least one lot of %(transfer)s.",
                    transfer=self.display_name,
                )
            )
        with self.env.cr.savepoint():
            reception = self.create(
                {
                    "flux_id": self.env.ref("bhima_stock.flux_2").id,
                    "depot_id": self.dest_depot_id.id,
                    "transfer_origin_id": self.id,
                    "company_id": self.company_id.id,
                    "line_ids": [Command.create(line) for line in lines],
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
        with self.env.cr.savepoint():
            self._bhima_lock_lines()
            loss = self._bhima_internal().create(
                {
                    "flux_id": self.env.ref("bhima_stock.flux_11").id,
                    "depot_id": self.depot_id.id,
                    "company_id": self.company_id.id,
                    "transfer_origin_id": self.id,
                    "from_transit": True,
                    "loss_reason": "lost",
                    "description": self.env._("Lost in transit: %(transfer)s", transfer=self.name),
                    "line_ids": [Command.create(line) for line in lines],
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

    def _bhima_reverse(self, description=None, lines=None):
        """Reverse what validated movements still hold (not already given back by
        a reversal or a return): the same flux in the other direction, same depot,
        lots, quantities, and values to the cent, linked to the originals.
        ``lines``: only these lines of the movements. Returns the reversals
        (validated)."""
        reversals = self.browse()
        for movement in self:
            if movement.state != "done" or movement.reversal_of_id:
                continue
            movement._bhima_lock_lines()
            todo = [
                line._bhima_reversal_values()
                for line in movement.line_ids
                if (lines is None or line in lines)
                and line.product_id.uom_id.compare(line._bhima_outstanding(), 0) > 0
            ]
            if not todo:
                continue
            reversal = self._bhima_internal().create(
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
                    "line_ids": [Command.create(values) for values in todo],
                }
            )
            reversal._bhima_validate()  # inside the caller's savepoint
            reversals |= reversal
        return reversals

    def action_cancel(self):
        for movement in self:
            movement._bhima_check_draft()
        self._bhima_internal().state = "cancel"
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
