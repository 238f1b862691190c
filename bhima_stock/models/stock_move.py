from collections import defaultdict
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class StockMove(models.Model):
    _name = "stock.move"
    _inherit = ["bhima.depot.guard.mixin", "bhima.protected.mixin", "stock.move"]
    _bhima_protected_fields = (
        "bhima_flux_id",
        "bhima_movement_id",
        "bhima_fixed_value",
        "bhima_origin_move_id",
    )

    bhima_flux_id = fields.Many2one(
        "bhima.stock.flux", string="Flux", index="btree_not_null", readonly=True, copy=False
    )
    bhima_movement_id = fields.Many2one(
        "bhima.stock.movement",
        string="BHIMA Movement",
        index="btree_not_null",
        readonly=True,
        copy=False,
    )
    bhima_fixed_value = fields.Float(
        string="Fixed Value",
        readonly=True,
        copy=False,
        help="The value a BHIMA move moves at when its movement fixes it: an entry's cost "
        "times its quantity, or the share of the move it reverses or returns.",
    )
    bhima_origin_move_id = fields.Many2one(
        "stock.move",
        string="Reverses or Returns",
        index="btree_not_null",
        readonly=True,
        copy=False,
        help="The move this one reverses or returns: it moves at that move's value, "
        "and the parts of a move add up to it to the cent.",
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
        if self.env["stock.warehouse"]._bhima_user_moves_by_hand():
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
    # Valuation
    # ------------------------------------------------------------------

    def _set_value(self, correction_quantity=None):
        """BHIMA exits are valued at their movement's date (average cost or FIFO
        of that date); a move whose value its movement fixed (an entry, a
        reversal, a return) moves at that value."""
        bhima_out = self.filtered(
            lambda m: m.bhima_movement_id and m.state != "done" and not m._is_in() and m._is_out()
        )
        if correction_quantity or not bhima_out:
            return super()._set_value(correction_quantity=correction_quantity)
        result = super(StockMove, self - bhima_out)._set_value()
        bhima_out._bhima_set_out_values()
        return result

    def _bhima_set_out_values(self):
        fixed = self.filtered("bhima_origin_move_id")
        for move in fixed:
            move.value = move.bhima_fixed_value
        todo = self - fixed
        later = todo._bhima_products_moved_after()
        for (company, date), moves in todo.grouped(lambda m: (m.company_id, m.date)).items():
            products = moves.product_id.with_company(company)
            average = products.filtered(lambda p: p.cost_method == "average")
            # dated now and not emptying the stock: the product's average cost (exact, not
            # rounded); back-dated, or taking what is left: the replay at that date
            taken = defaultdict(float)
            for move in moves:
                taken[move.product_id] += move._get_valued_qty()
            on_hand = average._bhima_valued_on_hand(company)
            replayed = average.browse(
                product.id
                for product in average
                if product in later
                or product.uom_id.compare(taken[product], on_hand.get(product.id, 0.0)) >= 0
            )
            states = {
                product: (on_hand.get(product.id, 0.0), None, product.standard_price)
                for product in average - replayed
            }
            states.update((replayed - later)._bhima_avco_states(company=company))
            states.update((replayed & later)._bhima_avco_states(date, company=company))
            for product, product_moves in moves.grouped("product_id").items():
                product = product.with_company(company)
                at_date = date if product in later else None
                if product.cost_method == "fifo":
                    processed = 0.0
                    for move in product_moves:
                        quantity = move._get_valued_qty()
                        move.value = product.with_context(
                            fifo_qty_already_processed=processed
                        )._run_fifo(quantity, at_date=at_date)
                        processed += quantity
                elif product.cost_method == "average":
                    product_moves._bhima_set_average_values(product, states[product])
                else:
                    for move in product_moves:
                        move.value = product.standard_price * move._get_valued_qty()

    def _bhima_set_average_values(self, product, state):
        """Average cost: the exact average of the movement's date (value left over
        quantity left, not the cost rounded to the price precision: a tablet of a
        box of 1000 at 4.00 is worth 0.004). An exit that takes everything left
        takes the whole value left, so that no rounding residue stays in a stock
        of zero. ``state``: the product's (quantity, value, average) then."""
        currency = self.company_id.currency_id
        uom = product.uom_id
        on_hand, value_left, average = state
        for move in self:
            quantity = move._get_valued_qty()
            if value_left is None:  # not emptying the stock: at the average cost
                value = average * quantity
            elif uom.compare(on_hand, 0) > 0 and uom.compare(quantity, on_hand) >= 0:
                value = value_left + (quantity - on_hand) * average
            elif uom.compare(on_hand, 0) > 0:
                value = value_left * quantity / on_hand
            else:
                value = average * quantity
            move.value = currency.round(value)
            on_hand -= quantity
            if value_left is not None:
                value_left -= move.value

    def _bhima_products_moved_after(self):
        """The products of ``self`` with valued moves dated after these moves
        (``self`` is then back-dated for them)."""
        if not self:
            return self.env["product.product"]
        self.env["stock.move"].flush_model(["product_id", "company_id", "state", "date"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT product_id, company_id, MAX(date) FROM stock_move
                 WHERE product_id = ANY(%(products)s) AND state = 'done' AND (is_in OR is_out)
              GROUP BY product_id, company_id
                """,
                products=self.product_id.ids,
            )
        )
        last = {(product_id, company_id): date for product_id, company_id, date in rows}
        return self.filtered(
            lambda m: last.get((m.product_id.id, m.company_id.id)) is not None
            and last[(m.product_id.id, m.company_id.id)] > m.date
        ).product_id

    def _get_value_from_quotation(self, quantity, at_date=None):
        if not (self.bhima_movement_id and self._is_in()):
            return super()._get_value_from_quotation(quantity, at_date)
        valued = self._get_valued_qty()
        value = self.bhima_fixed_value
        if valued and self.product_id.uom_id.compare(quantity, valued) < 0:
            value = value * quantity / valued
        return {
            "value": value,
            "quantity": quantity,
            "description": self.env._(
                "%(value)s for %(quantity)s %(unit)s entered by %(movement)s",
                value=self.company_currency_id.format(value),
                quantity=self.product_id.uom_id._bhima_format(quantity),
                unit=self.product_id.uom_id.name,
                movement=self.bhima_movement_id.display_name,
            ),
        }

    def _bhima_backdate(self, date):
        """Date done moves at their movement's date (Odoo dates them now), then
        recompute the costs with the moves in their date order. Under FIFO, the
        exits dated after a back-dated movement may take other units: their values
        are corrected and the difference posted."""
        if not self or not date or fields.Datetime.now() - date < timedelta(minutes=1):
            return
        later = self._bhima_products_moved_after_date(date)
        self.sudo().write({"date": date})
        self.move_line_ids.sudo().write({"date": date})
        if not later:
            return
        later._update_standard_price()
        fifo = later.filtered(lambda p: p.cost_method == "fifo")
        if fifo:
            self._bhima_fifo_revalue(fifo, date)

    def _bhima_products_moved_after_date(self, date):
        """The products of ``self`` with other valued moves dated after ``date``."""
        self.env["stock.move"].flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT product_id FROM stock_move
                 WHERE product_id = ANY(%(products)s) AND company_id = %(company)s
                   AND state = 'done' AND (is_in OR is_out) AND date > %(date)s
                   AND id <> ALL(%(ids)s)
                """,
                products=self.product_id.ids,
                company=self.company_id[:1].id,
                date=date,
                ids=self.ids,
            )
        )
        return self.env["product.product"].browse(row[0] for row in rows)

    def _bhima_fifo_revalue(self, products, date):
        """Replay the FIFO layers of ``products`` and correct the value of the
        exits dated from ``date`` that now take other units; post the
        differences (real-time valuation) on the stock and expense accounts,
        dated at ``date``: one entry for the movements, one per commercial
        document whose movements changed (it is part of what keeps that
        document's stock account right)."""
        company = self.company_id[:1]
        Move = self.env["stock.move"].sudo()
        differences = defaultdict(lambda: defaultdict(float))
        for product in products.with_company(company):
            _layers, out_values = product._bhima_fifo_layers(company=company)
            outs = Move.browse(list(out_values)).filtered(lambda m: m.date >= date)
            for move in outs:
                value = company.currency_id.round(out_values[move.id])
                if company.currency_id.compare_amounts(value, move.value) == 0:
                    continue
                document = move.bhima_movement_id.account_move_id
                differences[document][product] += value - move.value
                move.value = value
        for document, amounts in differences.items():
            self._bhima_post_revaluation(amounts, date, document)

    def _bhima_post_revaluation(self, differences, date, document):
        """Post ``{product: more value taken out of stock}`` on the products'
        stock and expense accounts (real-time valuation only)."""
        company = self.company_id[:1]
        self.env["account.move"]._bhima_post_stock_value(
            company,
            {product: -amount for product, amount in differences.items()},
            company._bhima_date(date),
            self.env._(
                "FIFO revaluation after %(movement)s",
                movement=self.bhima_movement_id[:1].name or "",
            ),
            document,
            lambda product: self.env._(
                "%(article)s: exits revalued after a back-dated movement", article=product.name
            ),
        )

    # ------------------------------------------------------------------
    # Accounting through the inventory group's accounts
    # ------------------------------------------------------------------

    def _create_account_move(self):
        """One journal entry per BHIMA movement (BHIMA posts one voucher per
        document), with one line per account: the articles, lots, quantities
        and values are on the movement's stock moves."""
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
                    key = (vals["account_id"], vals.get("partner_id"))
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
                    total["debit"] += vals["debit"] - vals["credit"]
            lines = []
            for vals in totals.values():
                balance = movement.currency_id.round(vals["debit"])
                if not movement.currency_id.is_zero(balance):
                    lines.append(dict(vals, debit=max(balance, 0.0), credit=max(-balance, 0.0)))
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
        name = f"{self.bhima_movement_id.name or self.reference} - {product.name}"
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
