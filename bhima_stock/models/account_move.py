from collections import defaultdict

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

# What validating each commercial document does to the stock (seed 004):
# move type -> (direction, flux code). Credit notes only move what their invoice moved.
STOCK_RULES = {
    "out_invoice": ("exit", 9),
    "out_receipt": ("exit", 9),
    "out_refund": ("entry", 4),
    "in_invoice": ("entry", 1),
    "in_receipt": ("entry", 1),
    "in_refund": ("exit", 17),
}


class AccountMove(models.Model):
    """Validating an invoice, a credit note or a supplier invoice moves the
    stock of its stock-managed lines (those not already moved by a delivery or
    a receipt); un-validating it (back to draft, cancel) reverses exactly what
    the validation moved. Each document says in its chatter what moved and why
    not."""

    _inherit = "account.move"

    bhima_depot_id = fields.Many2one(
        "stock.warehouse",
        string="Depot",
        check_company=True,
        help="The depot the stock-managed lines move stock in, unless a line says "
        "otherwise; empty: the user's default depot, else the company's first depot.",
    )
    bhima_movement_ids = fields.One2many(
        "bhima.stock.movement", "account_move_id", string="Stock Movements", readonly=True
    )
    bhima_stock_document_id = fields.Many2one(
        "account.move",
        string="Stock Value of",
        index="btree_not_null",
        readonly=True,
        copy=False,
        help="The commercial document whose stock value this entry keeps equal to the "
        "stock account.",
    )
    bhima_movement_count = fields.Integer(
        compute="_compute_bhima_movement_count", compute_sudo=True
    )

    @api.depends("bhima_movement_ids")
    def _compute_bhima_movement_count(self):
        for move in self:
            move.bhima_movement_count = len(move.bhima_movement_ids)

    # ------------------------------------------------------------------
    # Hooks: validation and un-validation
    # ------------------------------------------------------------------

    def _bhima_moves_stock(self):
        """The documents of ``self`` whose validation moves stock."""
        return self.filtered(
            lambda move: move.move_type in STOCK_RULES and move.company_id.bhima_invoice_moves_stock
        )

    def _post(self, soft=True):
        if not self._bhima_moves_stock():
            return super()._post(soft)
        # all or nothing: a refusal to move the stock leaves the documents in draft
        with self.env.cr.savepoint():
            posted = super()._post(soft)
            posted._bhima_moves_stock()._bhima_move_stock()
        return posted

    def button_draft(self):
        # True rather than Odoo's None, so that XML-RPC clients can call it
        if not self._bhima_holds_stock():
            return super().button_draft() or True
        with self.env.cr.savepoint():
            result = super().button_draft()
            self._bhima_reverse_stock()
        return result or True

    def button_cancel(self):
        if not self._bhima_holds_stock():
            return super().button_cancel() or True
        with self.env.cr.savepoint():
            result = super().button_cancel()
            self._bhima_reverse_stock()
        return result or True

    def _bhima_holds_stock(self):
        """Whether un-validating these documents has something to undo: stock their
        movements moved (to move back what they still hold, and keep the stock
        account equal to the stock's value), or order moves processed at
        validation (sale and purchase glue modules)."""
        return bool(self.invoice_line_ids.bhima_processed_move_ids) or bool(
            self._bhima_document_movements()
        )

    def _bhima_document_movements(self):
        """The validated movements these documents made (not their reversals), as
        superuser: a user who may post a document need not read stock movements."""
        return self.sudo().bhima_movement_ids.filtered(
            lambda m: m.state == "done" and not m.reversal_of_id
        )

    def _bhima_move_stock(self):
        # Whoever may post the document and manages its depots moves their stock, even
        # without the BHIMA stock groups (an accountant): the depot permission is
        # checked for the user, then the movements are written as superuser. The
        # document's own chatter tells what moved: no creation note on each movement.
        Movement = (
            self.env["bhima.stock.movement"]
            .sudo()
            ._bhima_internal()
            .with_context(mail_create_nolog=True, tracking_disable=True)
        )
        for move in self:
            if move._bhima_document_movements()._bhima_holds_stock():
                continue  # already moved (a second validation never moves twice)
            plan = move._bhima_stock_plan(lock=True)
            errors = [error for item in plan for error in item["errors"]]
            if errors:
                raise UserError(
                    self.env._(
                        "%(document)s cannot move the stock:\n%(errors)s",
                        document=move.display_name,
                        errors="\n".join(errors),
                    )
                )
            move._bhima_process_pending(plan)
            move._bhima_set_entry_values(plan)
            movements = Movement.browse()
            direction, code = STOCK_RULES[move.move_type]
            flux = self.env.ref(f"bhima_stock.flux_{code}")
            by_depot = defaultdict(list)
            for item in plan:
                if item["allocations"]:
                    by_depot[item["depot"]].append(item)
            for depot, items in by_depot.items():
                depot.with_env(self.env)._bhima_check_user_can_move()
                movement = Movement.create(
                    {
                        "user_id": self.env.user.id,
                        "flux_id": flux.id,
                        "direction": direction,
                        "depot_id": depot.id,
                        "company_id": move.company_id.id,
                        "partner_id": move.commercial_partner_id.id,
                        "account_move_id": move.id,
                        "description": move.name,
                        "line_ids": [
                            Command.create(move._bhima_movement_line_values(item, allocation))
                            for item in items
                            for allocation in item["allocations"]
                        ],
                    }
                )
                movement._bhima_validate()  # inside the posting's savepoint
                movements |= movement
            move._bhima_true_up_stock_account(plan)
            move._bhima_post_stock_message(plan, movements)

    def _bhima_set_entry_values(self, plan):
        """A supplier invoice's entries come in at the amount it booked for the
        goods in the company's currency, shared among the lots in proportion to
        the quantity (the last one taking what is left)."""
        if self.move_type not in ("in_invoice", "in_receipt"):
            return
        currency = self.company_id.currency_id
        for item in plan:
            allocations = item["allocations"]
            if not allocations or not item["line_quantity"]:
                continue
            direct = sum(a["quantity"] for a in allocations)
            left = currency.round(abs(item["line"].balance) * direct / item["line_quantity"])
            for index, allocation in enumerate(allocations):
                if index == len(allocations) - 1:
                    part = left
                else:
                    part = currency.round(
                        abs(item["line"].balance) * allocation["quantity"] / item["line_quantity"]
                    )
                left -= part
                allocation["fixed_value"] = part

    def _bhima_true_up_stock_account(self, plan=None):
        """Keep the stock account equal to the stock's value. A document books the
        stock account itself (cost of goods sold of an invoice or credit note, the
        goods of a supplier invoice or credit note), with Odoo's rounded costs, and
        drops that booking when it goes back to draft, while its movements keep
        their exact values: per article, post what the document's movements moved
        (reversals included) minus what the document books for them minus what
        was already trued up. ``plan``: the posting's plan (what the document
        moves through bhima_stock, per line)."""
        for move in self:
            company = move.company_id
            movements = move.sudo().bhima_movement_ids.filtered(lambda m: m.state == "done")
            products = (
                movements.line_ids.product_id | move.invoice_line_ids.product_id
            ).with_company(company)
            if not any(product.valuation == "real_time" for product in products):
                continue  # periodic valuation: nothing is booked on a stock account
            moved = defaultdict(float)
            for line in movements.line_ids:
                sign = 1 if line.movement_id.direction == "entry" else -1
                moved[line.product_id] += sign * line.move_id.value
            booked = defaultdict(float)
            if move.state == "posted" and plan:
                for item in plan:
                    line = item["line"]
                    if not line.product_id or not item["line_quantity"]:
                        continue
                    share = item["direct_quantity"] / item["line_quantity"]
                    booked[line.product_id] += line._bhima_stock_booked_balance() * share
            trued = defaultdict(float)
            entries = (
                self.env["account.move"]
                .sudo()
                .search([("bhima_stock_document_id", "=", move.id), ("state", "=", "posted")])
            )
            for aml in entries.line_ids:
                product = aml.product_id.with_company(company)
                if (
                    aml.account_id
                    == product.product_tmpl_id.get_product_accounts()["stock_valuation"]
                ):
                    trued[aml.product_id] += aml.balance
            self._bhima_post_stock_value(
                company,
                {
                    product: moved[product] - booked[product] - trued[product]
                    for product in set(moved) | set(booked) | set(trued)
                },
                fields.Date.context_today(self),
                self.env._("Stock of %(document)s", document=move.name),
                move,
                lambda product, move=move: self.env._(
                    "%(article)s: stock value moved by %(document)s",
                    article=product.name,
                    document=move.name,
                ),
            )

    @api.model
    def _bhima_post_stock_value(self, company, amounts, date, ref, document, label):
        """Post ``{product: value added to its stock}`` (negative: taken out) on
        the stock and expense accounts of the real-time valued products, as one
        entry of the stock journal linked to ``document``; ``label(product)``
        names the lines. Returns the entry (empty when there is nothing to post)."""
        currency = company.currency_id
        vals = []
        for product, amount in amounts.items():
            product = product.with_company(company)
            amount = currency.round(amount)
            if currency.is_zero(amount) or product.valuation != "real_time":
                continue
            accounts = product.product_tmpl_id.get_product_accounts()
            stock, expense = accounts["stock_valuation"], accounts["expense"]
            if not stock or not expense:
                continue
            debit, credit = (stock, expense) if amount > 0 else (expense, stock)
            name = label(product)
            vals += [
                {
                    "account_id": debit.id,
                    "name": name,
                    "debit": abs(amount),
                    "credit": 0.0,
                    "product_id": product.id,
                },
                {
                    "account_id": credit.id,
                    "name": name,
                    "debit": 0.0,
                    "credit": abs(amount),
                    "product_id": product.id,
                },
            ]
        if not vals:
            return self.browse()
        entry = (
            self.env["account.move"]
            .sudo()
            .create(
                {
                    "journal_id": company.account_stock_journal_id.id,
                    "date": date,
                    "ref": ref,
                    "bhima_stock_document_id": document.id,
                    "line_ids": [Command.create(v) for v in vals],
                }
            )
        )
        entry._post()
        return entry

    def _bhima_movement_line_values(self, item, allocation):
        line = item["line"]
        values = {
            "product_id": line.product_id.id,
            "product_uom_id": line.product_id.uom_id.id,
            "quantity": allocation["quantity"],
            "invoice_line_id": line.id,
            "unit_cost": allocation["unit_cost"],
        }
        if allocation.get("fixed_value") is not None:
            values["fixed_value"] = allocation["fixed_value"]
        if allocation.get("lot"):
            values["lot_id"] = allocation["lot"].id
        if allocation.get("origin_line"):
            values["origin_line_id"] = allocation["origin_line"].id
            values["fixed_value"] = allocation["origin_line"]._bhima_share(allocation["quantity"])
        if item.get("lot_name") and not allocation.get("lot"):
            values["lot_name"] = item["lot_name"]
            values["expiration_date"] = item["expiration_date"]
        return values

    def _bhima_process_pending(self, plan):
        """Process the pending order moves of the plan (see the sale and
        purchase glue modules); nothing to do without them."""
        return True

    def _bhima_pending_by_picking(self, plan, picking_code):
        """{picking: [(plan item, move, quantity)]} of the plan's pending moves
        whose picking is of type ``picking_code`` (incoming, outgoing)."""
        result = {}
        for item in plan:
            for move, quantity in item["pending"]:
                if move.picking_code == picking_code:
                    result.setdefault(move.picking_id, []).append((item, move, quantity))
        return result

    def _bhima_reverse_stock(self):
        """Move back what the documents' movements still hold (what credit notes
        already returned stays returned). A credit note un-validated while its
        invoice is not validated any more: the invoice gives back what the credit
        note no longer returns, so that documents not validated hold no stock."""
        for move in self:
            movements = move._bhima_document_movements()
            movements.depot_id.with_env(self.env)._bhima_check_user_can_move()
            reversals = movements._bhima_reverse(
                description=self.env._(
                    "%(document)s back to draft or cancelled", document=move.name
                )
            )
            extra = move._bhima_reverse_pending()
            if reversals or extra:
                move.message_post(
                    body=Markup("<p>%s</p><ul>%s</ul>")
                    % (
                        self.env._(
                            "Un-validation: the stock moved by this document was moved back."
                        ),
                        Markup().join(
                            Markup("<li>%s</li>")
                            % self.env._(
                                "%(reversal)s reverses %(movement)s (%(depot)s)",
                                reversal=reversal.name,
                                movement=reversal.reversal_of_id.name,
                                depot=reversal.depot_id.display_name,
                            )
                            for reversal in reversals
                        )
                        + Markup().join(Markup("<li>%s</li>") % text for text in extra),
                    )
                )
            move._bhima_true_up_stock_account()
            origin = move.reversed_entry_id
            if move.move_type in ("out_refund", "in_refund") and origin.state != "posted":
                origin._bhima_reverse_stock()

    def _bhima_reverse_pending(self):
        """Return exactly the order moves processed at validation (glue modules);
        returns the lines to say in the chatter."""
        texts = []
        lines = self.invoice_line_ids.filtered("bhima_processed_move_ids")
        moves = lines.bhima_processed_move_ids.filtered(lambda m: m.state == "done")
        for picking, picking_moves in moves.grouped("picking_id").items():
            returned = picking._bhima_exact_return({move: move.quantity for move in picking_moves})
            texts.append(
                self.env._(
                    "%(returned)s returns what %(picking)s moved for this document",
                    returned=returned.name,
                    picking=picking.name,
                )
            )
        lines.bhima_processed_move_ids = False
        return texts

    # ------------------------------------------------------------------
    # The plan: what validating the document moves, line by line
    # ------------------------------------------------------------------

    def _bhima_line_depot(self, line):
        return (
            line.bhima_depot_id
            or self.bhima_depot_id
            or line._bhima_order_depot()
            or self.env.user.bhima_default_depot_id.filtered(
                lambda d: d.company_id == self.company_id
            )
            or self.env["stock.warehouse"].search(
                [("company_id", "=", self.company_id.id)], limit=1
            )
        )

    def _bhima_stock_plan(self, lock=False):
        """One item per product line: ``{"line", "line_quantity", "depot",
        "quantity", "allocations": [{"lot", "quantity", "unit_cost",
        "origin_line"}], "notes": [why (not) moved], "warnings", "errors",
        "pending", "lot_name", "expiration_date"}``. Computes only: writes
        nothing. ``lock``: lock the stock it reads (when posting)."""
        self.ensure_one()
        direction, _code = STOCK_RULES[self.move_type]
        items = []
        for line in self.invoice_line_ids.filtered(lambda aml: aml.display_type == "product"):
            item = {
                "line": line,
                "line_quantity": 0.0,
                "depot": self.env["stock.warehouse"],
                "quantity": 0.0,
                "allocations": [],
                "notes": [],
                "warnings": [],
                "errors": [],
                "pending": [],
                "direct_quantity": 0.0,
            }
            items.append(item)
            product = line.product_id
            if not product:
                continue
            if not product.is_storable:
                item["notes"].append(self.env._("not managed in stock"))
                continue
            if line.product_uom_id.compare(line.quantity, 0) <= 0:
                item["notes"].append(self.env._("no quantity to move"))
                continue
            item["line_quantity"] = line.product_uom_id._compute_quantity(
                line.quantity, product.uom_id, rounding_method="HALF-UP"
            )
            if self.move_type in ("out_refund", "in_refund"):
                continue  # credit notes: below, from what the credited document moved
            split = line._bhima_stock_split()
            if split["done"]:
                item["notes"].append(
                    self.env._(
                        "%(quantity)s %(unit)s already moved by %(document)s",
                        quantity=product.uom_id._bhima_format(split["done"]),
                        unit=product.uom_id.name,
                        document=split["done_by"],
                    )
                )
            credited = line._bhima_credited_quantity()
            if product.uom_id.compare(credited, 0) > 0:
                item["notes"].append(
                    self.env._(
                        "%(quantity)s %(unit)s returned by credit notes still validated",
                        quantity=product.uom_id._bhima_format(credited),
                        unit=product.uom_id.name,
                    )
                )
            item["pending"] = split["pending"]
            item["depot"] = self._bhima_line_depot(line)
            item["direct_quantity"] = split["direct"]
            item["quantity"] = max(split["direct"] - credited, 0.0)
            if not item["depot"] and item["quantity"]:
                item["errors"].append(
                    self.env._("- %(article)s: no depot", article=product.display_name)
                )
        if self.move_type in ("out_refund", "in_refund"):
            self._bhima_plan_credit_note(items, lock=lock)
        elif direction == "exit":
            self._bhima_plan_exits(items, lock=lock)
        else:
            self._bhima_plan_entries(items)
        return items

    def _bhima_plan_exits(self, items, lock=False):
        """Exits take the depot's lots first expiry first out; articles without
        lots take their quantity (the movement checks the stock)."""
        by_depot = defaultdict(list)
        for item in items:
            if item["quantity"] > 0 and item["depot"]:
                by_depot[item["depot"]].append(item)
        for depot, depot_items in by_depot.items():
            day = depot.company_id._bhima_date()
            products = self.env["product.product"].concat(
                *(item["line"].product_id for item in depot_items)
            )
            quants = depot._bhima_lock_quants(products) if lock else None
            available = depot._bhima_available_lots(
                products, day, allow_expired=True, quants=quants
            )
            expired = {
                product: [lot for lot, _qty in lots if lot._bhima_is_expired(day)]
                for product, lots in available.items()
            }
            usable = {
                product: [(lot, qty) for lot, qty in lots if lot not in expired[product]]
                for product, lots in available.items()
            }
            tracked = [item for item in depot_items if item["line"].product_id.tracking != "none"]
            allocations, shortages = depot._bhima_fefo_allocation(
                [(item["line"].product_id, item["quantity"]) for item in tracked],
                day,
                available=usable,
            )
            for index, product, lot, quantity in allocations:
                tracked[index]["allocations"].append(
                    {"lot": lot, "quantity": quantity, "unit_cost": product.standard_price}
                )
            for index, product, quantity in shortages:
                tracked[index]["errors"].append(
                    self.env._(
                        "- %(article)s: %(missing)s %(unit)s missing in the depot %(depot)s",
                        article=product.display_name,
                        missing=product.uom_id._bhima_format(quantity),
                        unit=product.uom_id.name,
                        depot=depot.display_name,
                    )
                )
            for item in depot_items:
                product = item["line"].product_id
                if product.tracking == "none":
                    item["allocations"].append(
                        {
                            "lot": False,
                            "quantity": item["quantity"],
                            "unit_cost": product.standard_price,
                        }
                    )
                for lot in expired.get(product, []):
                    item["warnings"].append(
                        self.env._("lot %(lot)s is expired: it is not used", lot=lot.name)
                    )

    def _bhima_plan_entries(self, items):
        """Entries come in under the line's lot (default: the document's number),
        at the amount the document booked in the company's currency."""
        for item in items:
            line = item["line"]
            if (item["quantity"] <= 0 and not item["pending"]) or not item["depot"]:
                continue
            product = line.product_id
            today = item["depot"].company_id._bhima_date()
            quantity = item["quantity"]
            unit_cost = abs(line.balance) / item["line_quantity"] if item["line_quantity"] else 0.0
            item["lot_name"] = (
                line.bhima_lot_name or (self.name if self.name != "/" else self.ref) or False
            )
            item["expiration_date"] = line.bhima_expiration_date
            if product.tracking != "none" and not item["lot_name"]:
                item["errors"].append(
                    self.env._(
                        "- %(article)s: give the lot on the line", article=product.display_name
                    )
                )
            if (
                product.tracking != "none"
                and product.use_expiration_date
                and product.categ_id.track_expiration
            ):
                if not line.bhima_expiration_date:
                    item["errors"].append(
                        self.env._(
                            "- %(article)s: give the lot's expiration date on the line",
                            article=product.display_name,
                        )
                    )
                elif line.bhima_expiration_date < today:
                    item["errors"].append(
                        self.env._(
                            "- %(article)s: the lot %(lot)s is already expired",
                            article=product.display_name,
                            lot=item["lot_name"],
                        )
                    )
            if quantity > 0:
                item["allocations"].append(
                    {"lot": False, "quantity": quantity, "unit_cost": unit_cost}
                )

    def _bhima_plan_credit_note(self, items, lock=False):
        """A credit note moves back, lot by lot and at the original value, what
        its invoice's movements still hold (not reversed, not returned by another
        credit note)."""
        origin = self.reversed_entry_id
        origin_movements = origin._bhima_document_movements()
        if lock:
            origin_movements._bhima_lock_lines()
        outstanding = {
            line: line._bhima_outstanding()
            for line in origin_movements.line_ids.sorted(
                lambda line: (line.movement_id.date, line.movement_id.id, line.id)
            )
        }
        for item in items:
            line = item["line"]
            product = line.product_id
            if not product.is_storable or item["notes"]:
                continue
            if origin_movements:
                # what the credited invoice moved, bhima_stock accounts for: the credit
                # note's cost of goods sold is kept equal to what it returns, even nothing
                item["direct_quantity"] = item["line_quantity"]
            if not origin:
                item["notes"].append(
                    self.env._(
                        "not linked to an invoice: a credit note moves only what its invoice moved"
                    )
                )
                continue
            if origin.state != "posted":
                item["notes"].append(
                    self.env._(
                        "%(origin)s is not validated: it holds no stock to return",
                        origin=origin.display_name,
                    )
                )
                continue
            candidates = [oline for oline in outstanding if oline.product_id == product]
            if not candidates:
                item["notes"].append(
                    self.env._("%(origin)s moved none of it", origin=origin.display_name)
                )
                continue
            need = credited = item["line_quantity"]
            returnable = sum(max(outstanding[oline], 0) for oline in candidates)
            item["quantity"] = need
            item["depot"] = candidates[0].movement_id.depot_id
            for origin_line in candidates:
                free = outstanding[origin_line]
                if product.uom_id.compare(free, 0) <= 0 or product.uom_id.compare(need, 0) <= 0:
                    continue
                part = min(free, need)
                outstanding[origin_line] -= part
                need -= part
                item["allocations"].append(
                    {
                        "lot": origin_line.lot_id,
                        "quantity": part,
                        "unit_cost": origin_line.move_id.value / origin_line._bhima_product_qty()
                        if origin_line._bhima_product_qty()
                        else 0.0,
                        "origin_line": origin_line,
                        "depot": origin_line.movement_id.depot_id,
                    }
                )
            if product.uom_id.compare(need, 0) > 0:
                item["errors"].append(
                    self.env._(
                        "- %(article)s: %(quantity)s %(unit)s credited, but only %(returnable)s moved by "
                        "%(origin)s and not returned yet",
                        article=product.display_name,
                        quantity=product.uom_id._bhima_format(credited),
                        unit=product.uom_id.name,
                        returnable=product.uom_id._bhima_format(returnable),
                        origin=origin.display_name,
                    )
                )
        # a credit note returns into the depots its invoice moved from: one item per depot
        split_items = []
        for item in items:
            depots = {
                allocation["depot"] for allocation in item["allocations"] if allocation.get("depot")
            }
            if len(depots) <= 1:
                split_items.append(item)
                continue
            for depot in depots:
                split_items.append(
                    {
                        **item,
                        "depot": depot,
                        "allocations": [a for a in item["allocations"] if a.get("depot") == depot],
                    }
                )
        items[:] = split_items

    # ------------------------------------------------------------------
    # Chatter, preview, smart button
    # ------------------------------------------------------------------

    def _bhima_post_stock_message(self, plan, movements):
        self.ensure_one()
        lines = []
        moved = {}
        for movement in movements:
            for mline in movement.line_ids:
                moved.setdefault(mline.invoice_line_id, []).append(mline)
        for item in plan:
            line = item["line"]
            if not line.product_id:
                continue
            parts = []
            for mline in moved.get(line, []):
                parts.append(
                    self.env._(
                        "%(quantity)s %(unit)s %(direction)s %(depot)s, lot %(lot)s (%(movement)s)",
                        quantity=mline.product_uom_id._bhima_format(mline.quantity),
                        unit=mline.product_uom_id.name,
                        direction=self.env._("out of")
                        if mline.movement_id.direction == "exit"
                        else self.env._("into"),
                        depot=mline.movement_id.depot_id.display_name,
                        lot=mline.lot_id.name or "-",
                        movement=mline.movement_id.name,
                    )
                )
            parts += item["notes"]
            if not parts:
                parts.append(self.env._("nothing to move"))
            lines.append(
                Markup("<li>%s: %s</li>") % (line.product_id.display_name, "; ".join(parts))
            )
        if lines:
            # a log note: no notification to compute, nobody to notify
            self._message_log(
                body=Markup("<p>%s</p><ul>%s</ul>")
                % (self.env._("Stock moved by this validation:"), Markup().join(lines))
            )

    def action_bhima_stock_preview(self):
        """What validating the document will move: depot, lots (first expiry
        first out), quantities, costs and resulting balances, with warnings."""
        self.ensure_one()
        preview = self.env["bhima.stock.preview"].create({"move_id": self.id})
        preview._bhima_fill()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Stock Preview"),
            "res_model": "bhima.stock.preview",
            "res_id": preview.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_view_bhima_movements(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "bhima_stock.bhima_stock_movement_action_all"
        )
        action["domain"] = [("account_move_id", "=", self.id)]
        action["context"] = {}
        return action
