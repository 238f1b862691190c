import base64

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..tools.bhima_import_plans import CountFilePlanner
from ..tools.bhima_spreadsheet import read_table
from .bhima_stock_import import DEFAULT_MAX_ROWS
from .product_product import BhimaDeferredPrices

COUNT_STATES = [
    ("draft", "Draft"),
    ("counting", "Counting"),
    ("recount", "Recount"),
    ("done", "Validated"),
    ("cancel", "Cancelled"),
]


class BhimaStockCount(models.Model):
    """A physical count (inventaire) of a depot: all its lots or a selection.

    Starting the count takes the theoretical quantity of every lot (the
    snapshot). Counted quantities are entered, scanned or imported; lines with a
    difference can be sent to a recount. Validation applies, per lot, the
    difference between the counted and the theoretical quantity to the stock of
    the moment: movements made in the depot while counting are kept. It creates
    the flux-15 movements (an exit for the lots counted below, an entry for the
    lots counted above), valued at the current cost, and logs the stock before
    and after on each line."""

    _name = "bhima.stock.count"
    _description = "BHIMA Physical Count"
    _inherit = ["bhima.protected.mixin", "bhima.depot.guard.mixin", "mail.thread"]
    _order = "id desc"
    _check_company_auto = True
    _bhima_location_fields = ()
    _bhima_depot_fields = ("depot_id",)
    _bhima_protected_fields = (
        "name",
        "state",
        "date",
        "date_done",
        "movement_ids",
        "import_id",
        "origin",
    )

    name = fields.Char(string="Reference", default="/", readonly=True, copy=False, index=True)
    state = fields.Selection(
        COUNT_STATES, default="draft", required=True, readonly=True, copy=False, tracking=True
    )
    depot_id = fields.Many2one(
        "stock.warehouse",
        string="Depot",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
        default=lambda self: self.env.user.bhima_managed_depot_ids[:1],
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    date = fields.Datetime(
        string="Snapshot Date",
        readonly=True,
        copy=False,
        help="When the count started: the theoretical quantities are the stock at this moment.",
    )
    date_done = fields.Datetime(string="Validation Date", readonly=True, copy=False)
    user_id = fields.Many2one(
        "res.users", string="Responsible", default=lambda self: self.env.user, tracking=True
    )
    description = fields.Text(string="Comment")
    scope = fields.Selection(
        [("all", "All lots of the depot"), ("selection", "A selection")],
        required=True,
        default="all",
    )
    category_ids = fields.Many2many(
        "product.category",
        "bhima_stock_count_category_rel",
        "count_id",
        "category_id",
        string="Inventory Groups",
    )
    product_ids = fields.Many2many(
        "product.product",
        "bhima_stock_count_product_rel",
        "count_id",
        "product_id",
        string="Articles",
        domain="[('is_storable', '=', True)]",
    )
    lot_ids = fields.Many2many(
        "stock.lot", "bhima_stock_count_lot_rel", "count_id", "lot_id", string="Lots"
    )
    full_count = fields.Boolean(
        help="Lots of the count left uncounted are brought to zero at validation. "
        "Without it (partial count) they are left untouched.",
    )
    blind = fields.Boolean(
        string="Blind Count",
        help="The count sheet does not print the theoretical quantities.",
    )
    origin = fields.Selection(
        [("manual", "Count"), ("import", "Article file import")],
        default="manual",
        required=True,
        readonly=True,
    )
    import_id = fields.Many2one(
        "bhima.stock.import", string="Import", readonly=True, index="btree_not_null", copy=False
    )
    line_ids = fields.One2many("bhima.stock.count.line", "count_id", string="Lines", copy=False)
    movement_ids = fields.Many2many(
        "bhima.stock.movement",
        "bhima_stock_count_movement_rel",
        "count_id",
        "movement_id",
        string="Movements",
        readonly=True,
        copy=False,
        help="The flux-15 movements created by the validation: an exit and an entry.",
    )
    line_count = fields.Integer(string="Lines to Count", compute="_compute_counters")
    counted_count = fields.Integer(string="Counted", compute="_compute_counters")
    difference_count = fields.Integer(string="Differences", compute="_compute_counters")
    recount_count = fields.Integer(string="To Recount", compute="_compute_counters")
    currency_id = fields.Many2one(related="company_id.currency_id")
    value_gain = fields.Monetary(string="Value Found", compute="_compute_values")
    value_loss = fields.Monetary(string="Value Missing", compute="_compute_values")
    value_difference = fields.Monetary(string="Value of the Differences", compute="_compute_values")
    scan = fields.Char(
        compute="_compute_scan",
        readonly=False,
        help="Scan or type a lot number, an article barcode or code: its counted "
        "quantity goes up by one.",
    )

    @api.depends("line_ids.is_counted", "line_ids.difference_qty", "line_ids.recount_state")
    def _compute_counters(self):
        for count in self:
            lines = count.line_ids
            count.line_count = len(lines)
            count.counted_count = len(lines.filtered("is_counted"))
            count.difference_count = len(lines.filtered(lambda line: line.difference_qty))
            count.recount_count = len(
                lines.filtered(lambda line: line.recount_state == "to_recount")
            )

    @api.depends("line_ids.difference_value")
    def _compute_values(self):
        for count in self:
            values = count.line_ids.mapped("difference_value")
            count.value_gain = sum(v for v in values if v > 0)
            count.value_loss = -sum(v for v in values if v < 0)
            count.value_difference = sum(values)

    def _compute_scan(self):
        self.scan = False

    def _compute_display_name(self):
        for count in self:
            count.display_name = count.name if count.name != "/" else self.env._("Draft count")

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        counts = super().create(vals_list)
        counts._bhima_set_number("INV", "bhima.stock.count")
        return counts

    def write(self, vals):
        if not self._bhima_is_internal() and set(vals) - {"description", "scan"}:
            self._bhima_check_open()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_validated(self):
        if any(count.state == "done" for count in self):
            raise UserError(self.env._("A validated count cannot be deleted."))

    def _bhima_check_open(self):
        closed = self.filtered(lambda count: count.state in ("done", "cancel"))
        if closed:
            raise UserError(
                self.env._(
                    "The count %(count)s is validated or cancelled: it cannot be changed.",
                    count=closed[0].display_name,
                )
            )

    # ------------------------------------------------------------------
    # Scanning
    # ------------------------------------------------------------------

    @api.onchange("scan")
    def _onchange_scan(self):
        code = (self.scan or "").strip()
        if not code:
            return None
        self.scan = False
        lines = self.line_ids
        line = lines.filtered(lambda ln: code in (ln.lot_id.name, ln.lot_name))[:1]
        new_values = None
        if not line:
            product = self.env["product.product"].search(
                ["|", ("barcode", "=", code), ("default_code", "=", code)], limit=1
            )
            if product:
                candidates = lines.filtered(lambda ln: ln.product_id == product)
                if len(candidates) > 1:
                    return {
                        "warning": {
                            "title": self.env._("Scan the lot"),
                            "message": self.env._(
                                "%(article)s has several lots in this count: scan or type "
                                "the lot number.",
                                article=product.display_name,
                            ),
                        }
                    }
                line = candidates
                if not line and product.tracking == "none":
                    new_values = {"product_id": product.id}
            else:
                lot = self.env["stock.lot"].search(
                    [("name", "=", code), ("company_id", "in", [self.company_id.id, False])],
                    limit=1,
                )
                if lot:
                    new_values = {"product_id": lot.product_id.id, "lot_id": lot.id}
        if line:
            line.counted_qty = (line.counted_qty if line.is_counted else 0.0) + 1
            line.is_counted = True
            return None
        if new_values:
            self.line_ids = [Command.create({**new_values, "counted_qty": 1, "is_counted": True})]
            return None
        return {
            "warning": {
                "title": self.env._("Unknown code"),
                "message": self.env._(
                    "No lot, article barcode or article code %(code)s.", code=code
                ),
            }
        }

    # ------------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------------

    def _bhima_scope_keys(self, balances):
        """The (product id, lot id) of ``balances`` that fall in the count's scope."""
        self.ensure_one()
        keys = [(product, lot) for (_depot, product, lot) in balances]
        products = self.env["product.product"].browse({product for product, _lot in keys})
        storable = set(products.filtered("is_storable").ids)
        keys = [key for key in keys if key[0] in storable]
        if self.scope == "selection":
            if self.category_ids:
                categories = set(
                    self.env["product.category"]
                    .search([("id", "child_of", self.category_ids.ids)])
                    .ids
                )
                in_groups = set(products.filtered(lambda p: p.categ_id.id in categories).ids)
                keys = [key for key in keys if key[0] in in_groups]
            if self.product_ids:
                keys = [key for key in keys if key[0] in set(self.product_ids.ids)]
            if self.lot_ids:
                keys = [key for key in keys if key[1] in set(self.lot_ids.ids)]
        return keys

    def action_start(self):
        """Take the snapshot: one line per lot in stock in the scope, with its
        theoretical quantity now."""
        for count in self:
            if count.state != "draft":
                raise UserError(
                    self.env._("The count %(count)s is already started.", count=count.name)
                )
            count.depot_id._bhima_check_open()
            count.depot_id._bhima_check_user_can_move()
            if count.scope == "selection" and not (
                count.category_ids or count.product_ids or count.lot_ids
            ):
                raise UserError(
                    self.env._(
                        "Choose the inventory groups, articles or lots to count, or count "
                        "all the lots of the depot."
                    )
                )
            product_ids = None
            if count.scope == "selection" and (count.product_ids or count.lot_ids):
                product_ids = (count.product_ids | count.lot_ids.product_id).ids
            balances = self.env["stock.warehouse"]._bhima_current_balances(
                [count.depot_id.id], product_ids
            )
            keys = count._bhima_scope_keys(balances)
            existing = {
                (line.product_id.id, line.lot_id.id or None): line for line in count.line_ids
            }
            Line = self.env["bhima.stock.count.line"]._bhima_internal()
            new_lines = []
            for product, lot in keys:
                quantity = balances[(count.depot_id.id, product, lot)]
                if (product, lot) in existing:
                    existing.pop((product, lot))._bhima_internal().theoretical_qty = quantity
                else:
                    new_lines.append(
                        {
                            "count_id": count.id,
                            "product_id": product,
                            "lot_id": lot,
                            "theoretical_qty": quantity,
                        }
                    )
            for line in existing.values():  # lines added before the start, not in stock
                line._bhima_internal().theoretical_qty = 0.0
            Line.create(count._bhima_sorted_line_values(new_lines))
            count._bhima_internal().write({"state": "counting", "date": fields.Datetime.now()})
        return True

    def _bhima_sorted_line_values(self, values):
        """Count sheet order: group, article code, article name, expiration, lot."""
        products = self.env["product.product"].browse({v["product_id"] for v in values})
        lots = self.env["stock.lot"].browse({v["lot_id"] for v in values if v.get("lot_id")})
        products.fetch(["default_code", "name", "categ_id"])
        lots.fetch(["name", "expiration_date"])

        def key(value):
            product = products.browse(value["product_id"])
            lot = lots.browse(value.get("lot_id") or [])
            return (
                product.categ_id.complete_name or "",
                product.default_code or "",
                product.name or "",
                not lot.expiration_date,
                lot.expiration_date or fields.Datetime.now(),
                lot.name or "",
            )

        return sorted(values, key=key)

    def action_request_recount(self):
        """Send the counted lines with a difference to a recount: their first
        count is kept, their counted quantity is cleared."""
        for count in self:
            if count.state not in ("counting", "recount"):
                raise UserError(self.env._("Only a count in progress can be recounted."))
            lines = count.line_ids.filtered(lambda line: line.is_counted and line.difference_qty)
            if not lines:
                raise UserError(
                    self.env._(
                        "The count %(count)s has no counted line with a difference.",
                        count=count.name,
                    )
                )
            for line in lines:
                line._bhima_internal().write(
                    {
                        "first_counted_qty": line.counted_qty,
                        "counted_qty": 0.0,
                        "is_counted": False,
                        "recount_state": "to_recount",
                    }
                )
            count._bhima_internal().state = "recount"
            count.message_post(
                body=self.env._("%(lines)s lines sent to a recount.", lines=len(lines))
            )
        return True

    def action_validate(self):
        for count in self:
            count._bhima_apply()
        return True

    def action_cancel(self):
        for count in self:
            count._bhima_check_open()
        self._bhima_internal().state = "cancel"
        return True

    def _bhima_apply(self):
        """Validate the count: all or nothing (see the class docstring)."""
        self.ensure_one()
        if self.state not in ("counting", "recount"):
            raise UserError(
                self.env._("Start the count %(count)s before validating it.", count=self.name)
            )
        self.depot_id._bhima_check_user_can_move()
        pending = self.line_ids.filtered(lambda line: line.recount_state == "to_recount")
        if pending:
            raise UserError(
                self.env._(
                    "These lines wait for their recount:\n%(lines)s",
                    lines="\n".join(f"- {line._bhima_label()}" for line in pending),
                )
            )
        deferred = self.env.context.get("bhima_deferred_prices")
        with self.env.cr.savepoint():
            if isinstance(deferred, BhimaDeferredPrices):
                self._bhima_apply_lines()
            else:
                deferred = BhimaDeferredPrices()
                self.with_context(bhima_deferred_prices=deferred)._bhima_apply_lines()
                deferred.flush(self.env)

    def _bhima_apply_lines(self):
        if self.full_count:
            uncounted = self.line_ids.filtered(
                lambda line: not line.is_counted and line.theoretical_qty
            )
            uncounted._bhima_internal().write(
                {
                    "counted_qty": 0.0,
                    "is_counted": True,
                    "note": self.env._("Not counted: brought to zero (full count)."),
                }
            )
        lines = self.line_ids.filtered("is_counted")
        self._bhima_check_duplicates(lines)
        todo = self._bhima_differences(lines)
        log_values = {
            line.id: {"qty_before": before, "qty_after": before + difference}
            for line, before, difference in todo
        }
        exits = [(line, -difference) for line, _b, difference in todo if difference < 0]
        entries = [(line, difference) for line, _b, difference in todo if difference > 0]
        movements = self.env["bhima.stock.movement"]
        for direction, items in (("exit", exits), ("entry", entries)):
            if items:
                movements |= self._bhima_create_movement(direction, items, log_values)
        for line in lines:
            line._bhima_internal().write(log_values[line.id])
        self._bhima_internal().write(
            {
                "state": "done",
                "date_done": fields.Datetime.now(),
                "movement_ids": [Command.set(movements.ids)],
            }
        )
        if self.origin == "import":
            return  # the import's own message says it, for every depot at once
        self.message_post(
            body=self.env._(
                "Count validated: %(entries)s lots found in excess, %(exits)s lots missing, "
                "difference %(value)s. Movements: %(movements)s.",
                entries=len(entries),
                exits=len(exits),
                value=self.currency_id.format(self.value_difference),
                movements=", ".join(movements.mapped("name")) or "-",
            )
        )

    def _bhima_differences(self, lines):
        """[(line, stock now, difference)] of the counted lines; refuses a count
        that would take more than the depot holds now, or an excess without lot."""
        current = self.env["stock.warehouse"]._bhima_current_balances(
            [self.depot_id.id], lines.product_id.ids
        )
        depot = self.depot_id.id
        short, missing_lot, todo = [], [], []
        for line in lines:
            uom = line.product_id.uom_id
            difference = uom.round(line.counted_qty - line.theoretical_qty)
            before = current.get((depot, line.product_id.id, line.lot_id.id or None), 0.0)
            if uom.compare(before + difference, 0) < 0:
                short.append((line, before))
            if (
                uom.compare(difference, 0) > 0
                and line.tracking != "none"
                and not (line.lot_id or line.lot_name)
            ):
                missing_lot.append(line)
            todo.append((line, before, difference))
        if short:
            raise UserError(
                self.env._(
                    "This count would take more than the depot %(depot)s holds now:\n%(lines)s",
                    depot=self.depot_id.display_name,
                    lines="\n".join(
                        self.env._(
                            "- %(line)s: counted %(counted)s for %(theoretical)s at the "
                            "start, %(left)s in stock now",
                            line=line._bhima_label(),
                            counted=line.counted_qty,
                            theoretical=line.theoretical_qty,
                            left=before,
                        )
                        for line, before in short
                    ),
                )
            )
        if missing_lot:
            raise UserError(
                self.env._(
                    "Give the lot number (and its expiration date) of what was found in excess:\n"
                    "%(lines)s",
                    lines="\n".join(f"- {line._bhima_label()}" for line in missing_lot),
                )
            )
        return todo

    def _bhima_create_movement(self, direction, items, log_values):
        """The validated flux-15 movement of the lines ``items`` ([(line,
        quantity)]) in ``direction``; the lines' log gets its links and costs."""
        description = self.env._("Physical count %(count)s", count=self.name)
        if self.description:
            description = f"{description}: {self.description}"
        line_values = []
        for line, quantity in items:
            values = {"product_id": line.product_id.id, "quantity": quantity}
            if line.lot_id:
                values["lot_id"] = line.lot_id.id
            if direction == "entry":
                product = line.product_id.with_company(self.company_id)
                values["unit_cost"] = line.unit_cost or product.standard_price
                if not line.lot_id and line.lot_name:
                    values["lot_name"] = line.lot_name
                    values["expiration_date"] = line.expiration_date
            line_values.append(Command.create(values))
        movement = self.env["bhima.stock.movement"].create(
            {
                "flux_id": self.env.ref("bhima_stock.flux_15").id,
                "direction": direction,
                "depot_id": self.depot_id.id,
                "company_id": self.company_id.id,
                "description": description,
                "line_ids": line_values,
            }
        )
        movement.action_validate()
        for (line, _quantity), movement_line in zip(items, movement.line_ids, strict=True):
            values = log_values[line.id]
            values["movement_line_id"] = movement_line.id
            if movement_line.lot_id and not line.lot_id:
                values["lot_id"] = movement_line.lot_id.id
            if movement_line.quantity:
                values["unit_cost"] = movement_line.move_id.value / movement_line.quantity
        return movement

    def _bhima_check_duplicates(self, lines):
        seen = {}
        duplicates = []
        for line in lines:
            key = (line.product_id.id, line.lot_id.id or line.lot_name or None)
            if key in seen:
                duplicates.append(line)
            seen[key] = line
        if duplicates:
            raise UserError(
                self.env._(
                    "These lots are counted on several lines: merge them.\n%(lines)s",
                    lines="\n".join(f"- {line._bhima_label()}" for line in duplicates),
                )
            )

    # ------------------------------------------------------------------
    # Screens and reports
    # ------------------------------------------------------------------

    def action_open_lines(self):
        """The count lines in an editable list: type the counted quantities one
        after the other with the keyboard (Enter goes to the next line)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "bhima_stock.bhima_stock_count_line_action"
        )
        action["domain"] = [("count_id", "=", self.id)]
        action["context"] = {"default_count_id": self.id, "search_default_to_count": 1}
        action["display_name"] = self.env._("Count %(count)s", count=self.name)
        return action

    def action_open_movements(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Movements"),
            "res_model": "bhima.stock.movement",
            "view_mode": "list,form",
            "domain": [("id", "in", self.movement_ids.ids)],
        }

    def action_print_sheet(self):
        return self.env.ref("bhima_stock.action_report_bhima_stock_count_sheet").report_action(self)

    def action_print_result(self):
        return self.env.ref("bhima_stock.action_report_bhima_stock_count_result").report_action(
            self
        )

    def _bhima_sheet_lines(self):
        """The lines printed on the count sheet: all, or those to recount."""
        self.ensure_one()
        if self.state == "recount":
            return self.line_ids.filtered(lambda line: line.recount_state == "to_recount")
        return self.line_ids

    # ------------------------------------------------------------------
    # For RPC clients
    # ------------------------------------------------------------------

    def set_counted_quantities(self, quantities):
        """Record counted quantities in one call. ``quantities``: a list of
        ``{"line_id": id}`` or ``{"lot_id": id}`` or ``{"product_id": id}`` (an
        article without lots), with ``"quantity"``; lots not in the count are
        added (``lot_name`` and ``expiration_date`` for a new lot). Returns the
        number of lines counted."""
        self.ensure_one()
        self._bhima_check_open()
        if self.state == "draft":
            raise UserError(self.env._("Start the count before entering quantities."))
        by_lot = {line.lot_id.id: line for line in self.line_ids if line.lot_id}
        by_product = {
            line.product_id.id: line
            for line in self.line_ids
            if not line.lot_id and not line.lot_name
        }
        by_id = {line.id: line for line in self.line_ids}
        new_lines = []
        for item in quantities:
            quantity = item.get("quantity")
            if not isinstance(quantity, (int, float)) or isinstance(quantity, bool) or quantity < 0:
                raise UserError(
                    self.env._(
                        "The counted quantity must be a number, zero or more: %(item)s",
                        item=item,
                    )
                )
            line = (
                by_id.get(item.get("line_id"))
                or by_lot.get(item.get("lot_id"))
                or (
                    not item.get("lot_id")
                    and not item.get("lot_name")
                    and by_product.get(item.get("product_id"))
                )
            )
            if item.get("line_id") and not line:
                raise UserError(
                    self.env._("The line %(line)s is not in this count.", line=item["line_id"])
                )
            if line:
                line.write({"counted_qty": quantity})
                continue
            values = {"count_id": self.id, "counted_qty": quantity}
            if item.get("lot_id"):
                lot = self.env["stock.lot"].browse(item["lot_id"]).exists()
                if not lot:
                    raise UserError(self.env._("Unknown lot %(lot)s.", lot=item["lot_id"]))
                values.update(product_id=lot.product_id.id, lot_id=lot.id)
            elif item.get("product_id"):
                values.update(
                    product_id=item["product_id"],
                    lot_name=item.get("lot_name"),
                    expiration_date=item.get("expiration_date"),
                )
            else:
                raise UserError(
                    self.env._(
                        "Each quantity needs a line, a lot or an article: %(item)s", item=item
                    )
                )
            new_lines.append(values)
        if new_lines:
            self.env["bhima.stock.count.line"].create(new_lines)
        return len(quantities)

    def import_counted_quantities(self, file, filename="counts.csv"):
        """Record the counted quantities of a spreadsheet (base64 CSV or XLSX):
        columns article code, lot (optional), counted quantity (Stock), and the
        expiration date of a lot found that the application does not know.
        Every error is reported at once, with its row and column; nothing is
        recorded while one remains. Returns ``{"rows", "counted"}``."""
        self.ensure_one()
        self._bhima_check_open()
        if self.state == "draft":
            raise UserError(self.env._("Start the count before entering quantities."))
        try:
            data = base64.b64decode(file or b"", validate=True)
        except (ValueError, TypeError) as error:
            raise UserError(self.env._("The file is not valid base64 content.")) from error
        header, rows = read_table(self.env, data, filename, DEFAULT_MAX_ROWS)
        items, errors = CountFilePlanner(self, header, rows).plan()
        if errors:
            raise UserError(self.env["bhima.stock.import"]._bhima_errors_message(errors))
        self.set_counted_quantities(items)
        return {"rows": len(rows), "counted": len(items)}

    def get_result(self):
        """The count's result for RPC clients: per line the theoretical, counted
        and difference quantities, the stock before and after validation, the
        unit cost and the value of the difference."""
        self.ensure_one()
        return {
            "id": self.id,
            "name": self.name,
            "state": self.state,
            "depot": self.depot_id.code,
            "value_gain": self.value_gain,
            "value_loss": self.value_loss,
            "value_difference": self.value_difference,
            "movements": self.movement_ids.mapped("name"),
            "lines": [
                {
                    "id": line.id,
                    "article": line.product_id.default_code or line.product_id.display_name,
                    "lot": line.lot_id.name or line.lot_name or False,
                    "theoretical": line.theoretical_qty,
                    "counted": line.counted_qty if line.is_counted else False,
                    "difference": line.difference_qty,
                    "before": line.qty_before,
                    "after": line.qty_after,
                    "unit_cost": line.unit_cost,
                    "value": line.difference_value,
                }
                for line in self.line_ids
            ],
        }
