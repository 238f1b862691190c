from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
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
        if not self._bhima_active_movements() and not self._bhima_has_pending_to_reverse():
            return super().button_draft() or True
        with self.env.cr.savepoint():
            result = super().button_draft()
            self._bhima_reverse_stock()
        return result or True

    def button_cancel(self):
        if not self._bhima_active_movements() and not self._bhima_has_pending_to_reverse():
            return super().button_cancel() or True
        with self.env.cr.savepoint():
            result = super().button_cancel()
            self._bhima_reverse_stock()
        return result or True

    def _bhima_has_pending_to_reverse(self):
        """Whether un-validating must return order moves processed at validation
        (sale and purchase glue modules)."""
        return bool(self.invoice_line_ids.bhima_processed_move_ids)

    def _bhima_active_movements(self):
        """The validated movements of these documents that still hold: neither
        reversals nor reversed (as superuser: a user who may post the document
        need not read stock movements)."""
        return self.sudo().bhima_movement_ids.filtered(
            lambda m: m.state == "done" and not m.reversal_of_id and not m.is_reversed
        )

    def _bhima_move_stock(self):
        # Whoever may post the document and manages its depots moves their stock, even
        # without the BHIMA stock groups (an accountant): the depot permission is
        # checked for the user, then the movements are written as superuser. The
        # document's own chatter tells what moved: no creation note on each movement.
        Movement = (
            self.env["bhima.stock.movement"]
            .sudo()
            .with_context(mail_create_nolog=True, tracking_disable=True)
        )
        for move in self:
            if move._bhima_active_movements():
                continue  # already moved (a second validation never double-counts)
            plan = move._bhima_stock_plan()
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
                            (0, 0, move._bhima_movement_line_values(item, allocation))
                            for item in items
                            for allocation in item["allocations"]
                        ],
                    }
                )
                movement._bhima_validate()  # inside the posting's savepoint
                movements |= movement
            move._bhima_post_stock_message(plan, movements)

    def _bhima_movement_line_values(self, item, allocation):
        line = item["line"]
        values = {
            "product_id": line.product_id.id,
            "quantity": allocation["quantity"],
            "invoice_line_id": line.id,
            "unit_cost": allocation["unit_cost"],
        }
        if allocation.get("lot"):
            values["lot_id"] = allocation["lot"].id
        if allocation.get("origin_line"):
            values["origin_line_id"] = allocation["origin_line"].id
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
        for move in self:
            movements = move._bhima_active_movements()
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

    def _bhima_stock_plan(self):
        """One item per product line: ``{"line", "depot", "quantity",
        "allocations": [{"lot", "quantity", "unit_cost", "origin_line"}],
        "notes": [why (not) moved], "warnings", "errors", "pending",
        "lot_name", "expiration_date"}``. Computes only: writes nothing."""
        self.ensure_one()
        direction, _code = STOCK_RULES[self.move_type]
        items = []
        for line in self.invoice_line_ids.filtered(lambda aml: aml.display_type == "product"):
            item = {
                "line": line,
                "depot": self.env["stock.warehouse"],
                "quantity": 0.0,
                "allocations": [],
                "notes": [],
                "warnings": [],
                "errors": [],
                "pending": [],
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
            if self.move_type in ("out_refund", "in_refund"):
                continue  # credit notes: below, from what the credited document moved
            split = line._bhima_stock_split()
            if split["done"]:
                item["notes"].append(
                    self.env._(
                        "%(quantity)s %(unit)s already moved by %(document)s",
                        quantity=product.uom_id._bhima_format_quantity(split["done"]),
                        unit=product.uom_id.name,
                        document=split["done_by"],
                    )
                )
            item["pending"] = split["pending"]
            item["depot"] = self._bhima_line_depot(line)
            item["quantity"] = split["direct"]
            if not item["depot"] and split["direct"]:
                item["errors"].append(
                    self.env._("- %(article)s: no depot", article=product.display_name)
                )
        if self.move_type in ("out_refund", "in_refund"):
            self._bhima_plan_credit_note(items)
        elif direction == "exit":
            self._bhima_plan_exits(items)
        else:
            self._bhima_plan_entries(items)
        return items

    def _bhima_plan_exits(self, items):
        """Exits take the depot's lots first expiry first out."""
        day = fields.Date.context_today(self)
        by_depot = defaultdict(list)
        for item in items:
            if item["quantity"] > 0 and item["depot"]:
                by_depot[item["depot"]].append(item)
        for depot, depot_items in by_depot.items():
            products = self.env["product.product"].concat(
                *(item["line"].product_id for item in depot_items)
            )
            available = depot._bhima_available_lots(products, day, allow_expired=True)
            expired = {
                product: [lot for lot, _qty in lots if lot._bhima_is_expired(day)]
                for product, lots in available.items()
            }
            usable = {
                product: [(lot, qty) for lot, qty in lots if lot not in expired[product]]
                for product, lots in available.items()
            }
            allocations, shortages = depot._bhima_fefo_allocation(
                [(item["line"].product_id, item["quantity"]) for item in depot_items],
                day,
                available=usable,
            )
            for index, product, lot, quantity in allocations:
                depot_items[index]["allocations"].append(
                    {"lot": lot, "quantity": quantity, "unit_cost": product.standard_price}
                )
            for index, product, quantity in shortages:
                item = depot_items[index]
                if product.tracking == "none":
                    item["allocations"].append(
                        {"lot": False, "quantity": quantity, "unit_cost": product.standard_price}
                    )
                    continue
                item["errors"].append(
                    self.env._(
                        "- %(article)s: %(missing)s %(unit)s missing in the depot %(depot)s",
                        article=product.display_name,
                        missing=product.uom_id._bhima_format_quantity(quantity),
                        unit=product.uom_id.name,
                        depot=depot.display_name,
                    )
                )
            for item in depot_items:
                for lot in expired.get(item["line"].product_id, []):
                    item["warnings"].append(
                        self.env._("lot %(lot)s is expired: it is not used", lot=lot.name)
                    )

    def _bhima_plan_entries(self, items):
        """Entries come in under the line's lot (default: the document's number),
        at the line's price."""
        today = fields.Date.context_today(self)
        for item in items:
            line = item["line"]
            if (item["quantity"] <= 0 and not item["pending"]) or not item["depot"]:
                continue
            product = line.product_id
            quantity = item["quantity"]
            price = line.currency_id._convert(
                line.price_subtotal,
                self.company_id.currency_id,
                self.company_id,
                self.invoice_date or today,
            )
            full_quantity = line.product_uom_id._compute_quantity(line.quantity, product.uom_id)
            unit_cost = price / full_quantity if full_quantity else 0.0
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

    def _bhima_plan_credit_note(self, items):
        """A credit note moves back, lot by lot and at the original cost, what
        its invoice moved and was not returned yet."""
        origin = self.reversed_entry_id
        origin_lines = origin._bhima_active_movements().line_ids
        returned = defaultdict(float)
        returns = self.env["bhima.stock.movement.line"].search(
            [
                ("origin_line_id", "in", origin_lines.ids),
                ("movement_id.state", "=", "done"),
                ("movement_id.reversal_of_id", "=", False),
                ("movement_id.is_reversed", "=", False),
            ]
        )
        for line in returns:
            returned[line.origin_line_id] += line.quantity
        for item in items:
            line = item["line"]
            product = line.product_id
            if not product.is_storable or item["notes"]:
                continue
            if not origin:
                item["notes"].append(
                    self.env._(
                        "not linked to an invoice: a credit note moves only what its invoice moved"
                    )
                )
                continue
            candidates = origin_lines.filtered(lambda oline, p=product: oline.product_id == p)
            if not candidates:
                item["notes"].append(
                    self.env._("%(origin)s moved none of it", origin=origin.display_name)
                )
                continue
            need = credited = line.product_uom_id._compute_quantity(line.quantity, product.uom_id)
            returnable = sum(
                max(origin_line.quantity - returned[origin_line], 0) for origin_line in candidates
            )
            item["quantity"] = need
            item["depot"] = candidates[:1].movement_id.depot_id
            for origin_line in candidates:
                free = origin_line.quantity - returned[origin_line]
                if product.uom_id.compare(free, 0) <= 0 or product.uom_id.compare(need, 0) <= 0:
                    continue
                part = min(free, need)
                returned[origin_line] += part
                need -= part
                item["allocations"].append(
                    {
                        "lot": origin_line.lot_id,
                        "quantity": part,
                        "unit_cost": origin_line._bhima_unit_cost_done(),
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
                        quantity=product.uom_id._bhima_format_quantity(credited),
                        unit=product.uom_id.name,
                        returnable=product.uom_id._bhima_format_quantity(returnable),
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
                        quantity=mline.product_uom_id._bhima_format_quantity(mline.quantity),
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
            self.message_post(
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
