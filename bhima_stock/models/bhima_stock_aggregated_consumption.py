from collections import defaultdict
from datetime import datetime, time

import pytz

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from .bhima_stock_movement import LOSS_REASONS


class BhimaStockAggregatedConsumption(models.Model):
    """Aggregated consumption (BHIMA §6.4), for depots that do not record each
    exit: for a period, per lot, what was consumed and lost, and the days of
    stock-out per article. Validation creates the flux-16 (consumption) and
    flux-11 (loss) exits, dated as BHIMA does: at the period end minus the
    stock-out days, 23:30, or at the end of each sub-period."""

    _name = "bhima.stock.aggregated.consumption"
    _description = "BHIMA Aggregated Consumption"
    _inherit = ["bhima.protected.mixin", "bhima.depot.guard.mixin", "mail.thread"]
    _order = "date_to desc, id desc"
    _check_company_auto = True
    _bhima_location_fields = ()
    _bhima_depot_fields = ("depot_id",)
    _bhima_protected_fields = ("name", "state", "movement_ids")

    name = fields.Char(string="Reference", default="/", readonly=True, copy=False, index=True)
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Validated"), ("cancel", "Cancelled")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    depot_id = fields.Many2one(
        "stock.warehouse",
        string="Depot",
        required=True,
        index=True,
        check_company=True,
        default=lambda self: self.env.user.bhima_managed_depot_ids[:1],
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    date_from = fields.Date(string="Period Start", required=True)
    date_to = fields.Date(string="Period End", required=True)
    description = fields.Text(string="Comment")
    loss_reason = fields.Selection(LOSS_REASONS, required=True, default="lost")
    user_id = fields.Many2one("res.users", string="Responsible", default=lambda self: self.env.user)
    line_ids = fields.One2many(
        "bhima.stock.aggregated.consumption.line", "consumption_id", string="Lots"
    )
    movement_ids = fields.Many2many(
        "bhima.stock.movement",
        "bhima_stock_aggregated_consumption_movement_rel",
        "consumption_id",
        "movement_id",
        string="Movements",
        readonly=True,
        copy=False,
    )

    _period_check = models.Constraint(
        "CHECK(date_from <= date_to)", "The period must end after it starts."
    )

    def _compute_display_name(self):
        for record in self:
            record.display_name = (
                record.name if record.name != "/" else self.env._("Draft aggregated consumption")
            )

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._bhima_set_number("AGC", "bhima.stock.aggregated.consumption")
        return records

    def write(self, vals):
        if (
            not self._bhima_is_internal()
            and any(r.state != "draft" for r in self)
            and set(vals) - {"description"}
        ):
            raise UserError(
                self.env._("A validated or cancelled aggregated consumption cannot be changed.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_done(self):
        if any(record.state == "done" for record in self):
            raise UserError(self.env._("A validated aggregated consumption cannot be deleted."))

    # ------------------------------------------------------------------

    def _bhima_datetime(self, day, hour=time(23, 30)):
        """``day`` at ``hour`` in the user's time zone, as a UTC datetime, never
        after now."""
        zone = pytz.timezone(self.env.user.tz or self.env.context.get("tz") or "UTC")
        moment = zone.localize(datetime.combine(day, hour)).astimezone(pytz.UTC)
        return min(moment.replace(tzinfo=None), fields.Datetime.now())

    def _bhima_period_end(self):
        return self._bhima_datetime(self.date_to, time(23, 59, 59))

    def action_load_lots(self):
        """One line per lot in stock in the depot at the period end (lines
        already filled in are kept)."""
        for record in self:
            record._bhima_check_draft()
            balances = record.depot_id._bhima_balances_at(record._bhima_period_end())
            products = self.env["product.product"].browse({p for p, _l in balances})
            storable = set(products.filtered("is_storable").ids)
            existing = {(line.product_id.id, line.lot_id.id or None) for line in record.line_ids}
            values = [
                {
                    "consumption_id": record.id,
                    "product_id": product,
                    "lot_id": lot,
                }
                for (product, lot), quantity in sorted(balances.items(), key=lambda i: i[0])
                if quantity > 0 and product in storable and (product, lot) not in existing
            ]
            self.env["bhima.stock.aggregated.consumption.line"].create(values)
        return True

    def _bhima_check_draft(self):
        if self.state != "draft":
            raise UserError(
                self.env._(
                    "%(record)s is already validated or cancelled.", record=self.display_name
                )
            )

    def action_cancel(self):
        for record in self:
            record._bhima_check_draft()
        self._bhima_internal().state = "cancel"
        return True

    def action_validate(self):
        for record in self:
            with self.env.cr.savepoint():
                record._bhima_validate()
        return True

    def _bhima_validate(self):
        self.ensure_one()
        self._bhima_check_draft()
        self.depot_id._bhima_check_open()
        self.depot_id._bhima_check_user_can_move()
        if self.date_from > fields.Date.context_today(self):
            raise UserError(
                self.env._(
                    "The period starts on %(date)s: a future period cannot be entered.",
                    date=format_date(self.env, self.date_from),
                )
            )
        lines = self.line_ids.filtered(lambda line: line.quantity_consumed or line.quantity_lost)
        if not lines:
            raise UserError(self.env._("Nothing was consumed or lost: fill in the lots."))
        self._bhima_check_lines(lines)
        movements = self.env["bhima.stock.movement"]
        documents = self._bhima_documents(lines)
        for (code, moment, label), items in sorted(documents.items(), key=lambda i: i[0][1]):
            values = {
                "flux_id": self.env.ref(f"bhima_stock.flux_{code}").id,
                "depot_id": self.depot_id.id,
                "company_id": self.company_id.id,
                "date": moment,
                "description": label,
                "line_ids": [
                    Command.create(
                        {
                            "product_id": line.product_id.id,
                            "lot_id": line.lot_id.id,
                            "quantity": quantity,
                        }
                    )
                    for line, quantity in items
                ],
            }
            if code == 11:
                values["loss_reason"] = self.loss_reason
            movement = movements.create(values)
            movement.action_validate()
            movements |= movement
        self._bhima_internal().write(
            {"state": "done", "movement_ids": [Command.set(movements.ids)]}
        )

    def _bhima_check_lines(self, lines):
        """Quantities, stock-out days and sub-periods make sense; consumed and
        lost stay within the stock at the period's end and now."""
        period_days = (self.date_to - self.date_from).days + 1
        at_end = self.depot_id._bhima_balances_at(self._bhima_period_end(), lines.product_id.ids)
        now = self.env["stock.warehouse"]._bhima_current_balances(
            self.depot_id.ids, lines.product_id.ids
        )
        over_end, over_now, problems = [], [], []
        for line in lines:
            problems += line._bhima_problems(period_days)
            key = (line.product_id.id, line.lot_id.id or None)
            used = line.quantity_consumed + line.quantity_lost
            uom = line.product_id.uom_id
            if uom.compare(used, at_end.get(key, 0.0)) > 0:
                over_end.append((line, used, at_end.get(key, 0.0)))
            current = now.get((self.depot_id.id, *key), 0.0)
            if uom.compare(used, current) > 0:
                over_now.append((line, used, current))
        if problems:
            raise UserError("\n".join(problems))

        def listing(over):
            return "\n".join(
                self.env._(
                    "- %(lot)s: %(used)s consumed and lost, %(stock)s in stock",
                    lot=line._bhima_label(),
                    used=used,
                    stock=stock,
                )
                for line, used, stock in over
            )

        if over_end:
            raise UserError(
                self.env._(
                    "Consumed and lost exceed the stock at the end of the period (%(date)s):\n"
                    "%(lines)s",
                    date=format_date(self.env, self.date_to),
                    lines=listing(over_end),
                )
            )
        if over_now:
            raise UserError(
                self.env._(
                    "Consumed and lost exceed the stock of the depot now:\n%(lines)s",
                    lines=listing(over_now),
                )
            )

    def _bhima_documents(self, lines):
        """{(flux code, date, description): [(line, quantity)]}: the exit
        documents, dated as BHIMA does."""
        documents = defaultdict(list)
        base = self.description or self.env._("Aggregated consumption %(name)s", name=self.name)
        for line in lines:
            if line.stock_out_days and line.detail_ids:
                for detail in line.detail_ids:
                    moment = self._bhima_datetime(detail.date_to)
                    start = detail.date_from.strftime("%d/%m/%Y")
                    end = detail.date_to.strftime("%d/%m/%Y")
                    label = f"{base} [{start} - {end}]"
                    if detail.quantity_consumed:
                        documents[(16, moment, label)].append((line, detail.quantity_consumed))
                    if detail.quantity_lost:
                        documents[(11, moment, label)].append((line, detail.quantity_lost))
                continue
            day = fields.Date.subtract(self.date_to, days=line.stock_out_days)
            moment = self._bhima_datetime(day)
            if line.quantity_consumed:
                documents[(16, moment, base)].append((line, line.quantity_consumed))
            if line.quantity_lost:
                documents[(11, moment, base)].append((line, line.quantity_lost))
        return documents

    @api.model
    def create_and_validate(self, values):
        """Create an aggregated consumption from ``values`` (``line_ids`` as a
        list of dicts, each with optional ``detail_ids`` dicts) and validate it.
        Returns ``{"id", "name", "movements"}``."""
        values = dict(values)
        lines = []
        for line in values.get("line_ids") or []:
            if isinstance(line, dict):
                line = dict(line)
                if line.get("detail_ids") and isinstance(line["detail_ids"][0], dict):
                    line["detail_ids"] = [Command.create(d) for d in line["detail_ids"]]
                lines.append(Command.create(line))
            else:
                lines.append(line)
        values["line_ids"] = lines
        with self.env.cr.savepoint():
            record = self.create(values)
            record.action_validate()
        return {
            "id": record.id,
            "name": record.name,
            "movements": record.movement_ids.mapped("name"),
        }
