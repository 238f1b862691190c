from collections import defaultdict
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class StockMove(models.Model):
    _name = "stock.move"
    _inherit = ["bhima.depot.guard.mixin", "stock.move"]

    bhima_flux_id = fields.Many2one(
        "bhima.stock.flux", string="Flux", index="btree_not_null", readonly=True
    )
    bhima_movement_id = fields.Many2one(
        "bhima.stock.movement",
        string="BHIMA Movement",
        index="btree_not_null",
        readonly=True,
        copy=False,
    )
    bhima_unit_cost = fields.Float(
        string="Entry Unit Cost",
        digits="Product Price",
        readonly=True,
        help="Cost of one unit entered by a BHIMA entry; its value is this cost times the quantity.",
    )
    bhima_forced_cost = fields.Boolean(
        readonly=True,
        help="The move reverses or returns another one: it moves at that move's unit cost.",
    )
    bhima_comment = fields.Text(
        string="Comment",
        related="bhima_movement_id.description",
        help="The comment of the BHIMA movement.",
    )
    bhima_depot_id = fields.Many2one(
        "stock.warehouse",
        string="Depot",
        compute="_compute_bhima_depot_id",
        store=True,
        index="btree_not_null",
        help="The depot whose stock this move changes (the source of an exit, the "
        "destination of an entry).",
    )

    @api.depends("location_id.warehouse_id", "location_dest_id.warehouse_id")
    def _compute_bhima_depot_id(self):
        for move in self:
            move.bhima_depot_id = (
                move.location_id.warehouse_id or move.location_dest_id.warehouse_id
            )

    @api.depends("bhima_movement_id.name")
    def _compute_reference(self):
        result = super()._compute_reference()
        for move in self.filtered("bhima_movement_id"):
            move.reference = move.bhima_movement_id.name
        return result

    # ------------------------------------------------------------------
    # Depot checks
    # ------------------------------------------------------------------

    def _action_done(self, cancel_backorder=False):
        self._bhima_check_depots()
        return super()._action_done(cancel_backorder=cancel_backorder)

    def _skip_push(self):
        """BHIMA movements go exactly where their flux says: no push rule applies."""
        return bool(self.bhima_movement_id) or super()._skip_push()

    def _bhima_check_depots(self):
        """Before stock moves: the depots are open, managed by the user, allow
        the kind of movement, and (strict distribution) may send to each other."""
        moves = self.filtered(lambda m: m.state not in ("done", "cancel"))
        depots = (moves.location_id | moves.location_dest_id).sudo().warehouse_id.with_env(self.env)
        depots._bhima_check_open()
        depots._bhima_check_user_can_move()
        for depot, kind in {pair for move in moves for pair in move._bhima_movement_kinds()}:
            depot._bhima_check_allows(kind)
        for move in moves:
            source = move.location_id.warehouse_id
            destination = move.location_dest_id.warehouse_id
            if source and destination and source != destination:
                source._bhima_check_distribution(destination)

    def _bhima_movement_kinds(self):
        """The (depot, kind) pairs of a move, checked against the entry and exit
        types its depots allow (MOVEMENT_KIND_FIELDS). A BHIMA move takes its kind
        from its flux; a native move from where it goes."""
        self.ensure_one()
        source, destination = self.location_id, self.location_dest_id
        src_depot, dest_depot = source.warehouse_id, destination.warehouse_id
        if self.bhima_movement_id.reversal_of_id:
            return []
        if self.bhima_flux_id:
            kind = self.bhima_flux_id.depot_kind
            depot = src_depot if kind and kind.startswith("exit") else dest_depot
            return [(depot, kind)] if kind and depot else []
        kinds = []
        if src_depot and destination.usage == "customer":
            kinds.append((src_depot, "exit_patient"))
        if source.usage == "supplier" and dest_depot:
            kinds.append((dest_depot, "entry_purchase"))
        if src_depot and (
            destination.usage == "transit" or (dest_depot and dest_depot != src_depot)
        ):
            kinds.append((src_depot, "exit_transfer"))
        if dest_depot and (source.usage == "transit" or (src_depot and src_depot != dest_depot)):
            kinds.append((dest_depot, "entry_transfer"))
        return kinds

    def _should_bypass_reservation(self, forced_location=False):
        """A BHIMA movement creates its moves with their lots and validates them
        at once, in the same transaction: reserving the quants in between (and
        releasing them a moment later) would only cost time."""
        if self.env.context.get("bhima_validating") and self.bhima_movement_id:
            return True
        return super()._should_bypass_reservation(forced_location)

    # ------------------------------------------------------------------
    # Valuation: an entry is valued at its unit cost
    # ------------------------------------------------------------------

    def _set_value(self, correction_quantity=None):
        """A move that reverses or returns another leaves at that move's cost."""
        forced = self.filtered(lambda m: m.bhima_forced_cost and not m._is_in() and m._is_out())
        result = super(StockMove, self - forced)._set_value(correction_quantity=correction_quantity)
        for move in forced:
            move.value = move.bhima_unit_cost * move._get_valued_qty()
        return result

    def _get_value_from_quotation(self, quantity, at_date=None):
        if not (self.bhima_movement_id and self._is_in()):
            return super()._get_value_from_quotation(quantity, at_date)
        value = self.bhima_unit_cost * quantity
        return {
            "value": value,
            "quantity": quantity,
            "description": self.env._(
                "%(value)s for %(quantity)s %(unit)s entered by %(movement)s",
                value=self.company_currency_id.format(value),
                quantity=quantity,
                unit=self.product_id.uom_id.name,
                movement=self.bhima_movement_id.display_name,
            ),
        }

    def _bhima_backdate(self, date):
        """Date done moves at the movement's date (they are done now), then
        recompute the average cost with the moves in their date order. A date
        within the last minute is now."""
        if not self or not date or fields.Datetime.now() - date < timedelta(minutes=1):
            return
        self.write({"date": date})
        self.move_line_ids.write({"date": date})
        self.filtered(lambda m: m.is_in).product_id._update_standard_price()

    # ------------------------------------------------------------------
    # Accounting through the inventory group's accounts
    # ------------------------------------------------------------------

    def _create_account_move(self):
        """One journal entry per BHIMA movement, with one line per account and
        side (BHIMA aggregates its stock vouchers the same way); the products and
        quantities stay on the movement's lines."""
        bhima_moves = self.filtered("bhima_movement_id")
        account_moves = super(StockMove, self - bhima_moves)._create_account_move()
        for movement, moves in bhima_moves.grouped("bhima_movement_id").items():
            totals = {}
            linked = self.browse()
            for move in moves:
                if not move._should_create_account_move():
                    continue
                linked |= move
                for vals in move._get_account_move_line_vals():
                    key = (vals["account_id"], vals.get("partner_id"), bool(vals["debit"]))
                    total = totals.setdefault(
                        key,
                        {
                            "account_id": vals["account_id"],
                            "partner_id": vals.get("partner_id"),
                            "name": movement.name,
                            "debit": 0.0,
                            "credit": 0.0,
                        },
                    )
                    total["debit"] += vals["debit"]
                    total["credit"] += vals["credit"]
            lines = [
                vals
                for vals in totals.values()
                if not movement.currency_id.is_zero(vals["debit"] - vals["credit"])
            ]
            if not lines:
                continue
            account_move = (
                self.env["account.move"]
                .sudo()
                .create(
                    {
                        "journal_id": movement.company_id.account_stock_journal_id.id,
                        "date": self.env.context.get("force_period_date")
                        or fields.Date.context_today(self),
                        "ref": movement.name,
                        "line_ids": [Command.create(vals) for vals in lines],
                    }
                )
            )
            linked.account_move_id = account_move
            account_move._post()
            account_moves |= account_move
        return account_moves

    def _should_create_account_move(self):
        if not self.bhima_flux_id:
            return super()._should_create_account_move()
        return (
            not self.bhima_movement_id.account_move_id
            and self.bhima_flux_id.posts_accounting
            and self.product_id.is_storable
            and self.is_valued
            and self.product_id.valuation == "real_time"
        )

    def _get_account_move_line_vals(self):
        """A BHIMA exit debits the group's expense account and credits its stock
        account; an entry debits stock and credits expense, or the supplier's
        payable account for a purchase when the company uses supplier credit."""
        if not self.bhima_flux_id:
            return super()._get_account_move_line_vals()
        product = self.product_id.with_company(self.company_id)
        accounts = product.product_tmpl_id.get_product_accounts()
        stock, expense = accounts["stock_valuation"], accounts["expense"]
        if not stock or not expense:
            raise UserError(
                self.env._(
                    "The inventory group %(group)s of %(article)s needs its stock and expense "
                    "accounts to post this movement.",
                    group=product.categ_id.display_name,
                    article=product.display_name,
                )
            )
        value = self._get_aml_value()
        name = f"{self.reference} - {product.name}"
        if self.is_out:
            debit, credit = expense, stock
        else:
            debit, credit = stock, expense
            if (
                self.bhima_flux_id.counterpart == "supplier"
                and self.company_id.bhima_supplier_credit
            ):
                partner = self.partner_id.commercial_partner_id.with_company(self.company_id)
                if not partner:
                    raise UserError(
                        self.env._("A purchase entry with supplier credit needs its supplier.")
                    )
                credit = partner.property_account_payable_id
        partner_id = self.partner_id.commercial_partner_id.id
        return [
            {
                "account_id": credit.id,
                "name": name,
                "debit": 0,
                "credit": value,
                "product_id": product.id,
                "partner_id": partner_id,
            },
            {
                "account_id": debit.id,
                "name": name,
                "debit": value,
                "credit": 0,
                "product_id": product.id,
                "partner_id": partner_id,
            },
        ]

    def _bhima_returnable_by_lot(self):
        """{lot: quantity} this done move moved and no done return took back yet."""
        self.ensure_one()
        left = defaultdict(float)
        for line in self.move_line_ids:
            left[line.lot_id] += line.quantity
        for returned in self.returned_move_ids.filtered(lambda m: m.state == "done"):
            for line in returned.move_line_ids:
                left[line.lot_id] -= line.quantity
        return {lot: quantity for lot, quantity in left.items() if quantity > 0}

    def _bhima_keep_quantity(self, quantity):
        """Keep ``quantity`` (in the move's unit) on this reserved move, first
        expiry first out, and never on an expired lot."""
        self.ensure_one()
        day = fields.Date.context_today(self)
        remaining = quantity
        lines = self.move_line_ids.sorted(
            lambda line: (
                not line.lot_id.expiration_date,
                line.lot_id.expiration_date or 0,
                line.lot_id.name or "",
            )
        )
        for line in lines:
            if (
                line.lot_id
                and line.lot_id._bhima_is_expired(day)
                or self.product_uom.compare(remaining, 0) <= 0
            ):
                line.unlink()
            elif self.product_uom.compare(line.quantity, remaining) > 0:
                line.quantity = remaining
                remaining = 0.0
            else:
                remaining -= line.quantity

    # ------------------------------------------------------------------
    # Movement register (issue 9): signed quantities, reversals
    # ------------------------------------------------------------------

    bhima_quantity_in = fields.Float(
        string="In",
        digits="Product Unit",
        compute="_compute_bhima_register",
        help="What entered the depot, in the article's unit.",
    )
    bhima_quantity_out = fields.Float(
        string="Out",
        digits="Product Unit",
        compute="_compute_bhima_register",
        help="What left the depot, in the article's unit.",
    )
    bhima_is_reversal = fields.Boolean(
        string="Is a Reversal",
        compute="_compute_bhima_register",
        help="The move reverses a BHIMA movement or returns an Odoo transfer.",
    )
    bhima_reversal_of_id = fields.Many2one(
        related="bhima_movement_id.reversal_of_id", string="Reverses"
    )

    @api.depends(
        "state", "quantity", "product_uom", "location_id", "location_dest_id", "bhima_depot_id"
    )
    def _compute_bhima_register(self):
        for move in self:
            quantity = 0.0
            if move.state == "done" and move.product_id:
                quantity = move.product_uom._compute_quantity(
                    move.quantity, move.product_id.uom_id, round=False
                )
            depot = move.bhima_depot_id
            enters = move.location_dest_id.warehouse_id == depot and (
                move.location_id.warehouse_id != depot or move.location_id.usage != "internal"
            )
            leaves = move.location_id.warehouse_id == depot and (
                move.location_dest_id.warehouse_id != depot
                or move.location_dest_id.usage != "internal"
            )
            move.bhima_quantity_in = quantity if depot and enters and not leaves else 0.0
            move.bhima_quantity_out = quantity if depot and leaves and not enters else 0.0
            move.bhima_is_reversal = bool(
                move.bhima_movement_id.reversal_of_id or move.origin_returned_move_id
            )
