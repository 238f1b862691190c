from dateutil.relativedelta import relativedelta

from odoo import api, fields, models


class StockLot(models.Model):
    """A lot is usable through its expiration date in the company's time zone and
    expired from the next day. Its ``expiration_date`` (a datetime for Odoo) is
    stored as the last second of that day in the company's time zone, so that
    Odoo's own flags (``product_expiry_alert``, alert and removal dates) agree."""

    _inherit = "stock.lot"

    @api.model_create_multi
    def create(self, vals_list):
        lots = super().create(vals_list)
        lots._bhima_normalize_expiration()
        return lots

    def write(self, vals):
        result = super().write(vals)
        if vals.get("expiration_date") and not self.env.context.get("bhima_normalizing"):
            self._bhima_normalize_expiration()
        return result

    def _bhima_company(self):
        self.ensure_one()
        return self.company_id or self.env.company

    def _bhima_normalize_expiration(self):
        """Expiration dates become the end of their day in the company's time zone."""
        for lot in self.filtered("expiration_date"):
            company = lot._bhima_company()
            end = company._bhima_end_of_day(company._bhima_date(lot.expiration_date))
            if end != lot.expiration_date:
                lot.with_context(bhima_normalizing=True).write({"expiration_date": end})

    def _bhima_expiration_day(self):
        """The lot's expiration date: its last usable day in the company's time zone."""
        self.ensure_one()
        if not self.expiration_date:
            return False
        return self._bhima_company()._bhima_date(self.expiration_date)

    def _bhima_is_expired(self, day=None):
        """Whether the lot is expired on ``day`` (default today in the company's
        time zone). No lot (an article without lots) never expires."""
        if not self:
            return False
        self.ensure_one()
        last_day = self.product_id.categ_id.track_expiration and self._bhima_expiration_day()
        if not last_day:
            return False
        return last_day < (day or self._bhima_company()._bhima_date())

    # ------------------------------------------------------------------
    # Assignments (issue 10): a lot assigned to a person or an entity
    # ------------------------------------------------------------------

    bhima_acquisition_date = fields.Date(
        string="Acquisition Date",
        help="When the asset was acquired; its depreciation runs from this date "
        "(the date of its first entry when empty).",
    )
    bhima_assignment_ids = fields.One2many("bhima.stock.assignment", "lot_id", string="Assignments")
    bhima_is_assigned = fields.Boolean(
        string="Assigned",
        compute="_compute_bhima_assignment",
        store=True,
        index=True,
        help="The lot has an active assignment to a person or an entity.",
    )
    bhima_assignment_id = fields.Many2one(
        "bhima.stock.assignment",
        string="Current Assignment",
        compute="_compute_bhima_assignment",
        store=True,
        index="btree_not_null",
    )
    bhima_assigned_partner_id = fields.Many2one(
        related="bhima_assignment_id.partner_id", string="Assigned to"
    )

    @api.depends("bhima_assignment_ids.is_active", "bhima_assignment_ids.date")
    def _compute_bhima_assignment(self):
        for lot in self:
            active = lot.bhima_assignment_ids.filtered("is_active").sorted(
                lambda a: (a.date, a.id), reverse=True
            )
            lot.bhima_is_assigned = bool(active)
            lot.bhima_assignment_id = active[:1]

    def _bhima_first_entry(self):
        """The first done move that brought this lot into a depot, or an empty
        recordset."""
        self.ensure_one()
        line = (
            self.env["stock.move.line"]
            .sudo()
            .search(
                [
                    ("lot_id", "=", self.id),
                    ("state", "=", "done"),
                    ("location_dest_id.usage", "=", "internal"),
                    ("location_id.usage", "!=", "internal"),
                ],
                order="date, id",
                limit=1,
            )
        )
        return line.move_id

    def _bhima_asset_values(self, day=None):
        """BHIMA's asset depreciation: ``{"unit_cost", "depreciated_value",
        "book_value", "years"}``; years are full years since the acquisition."""
        if not self:
            return {"unit_cost": 0.0, "depreciated_value": 0.0, "book_value": 0.0, "years": 0}
        self.ensure_one()
        day = day or fields.Date.context_today(self)
        move = self._bhima_first_entry()
        if move and move.quantity:
            unit_cost = move.value / move.quantity
        else:
            unit_cost = self.product_id.standard_price
        acquisition = self.bhima_acquisition_date or (
            fields.Date.context_today(self, move.date) if move else self.create_date.date()
        )
        years = max(relativedelta(day, acquisition).years, 0)
        rate = self.product_id.categ_id.depreciation_rate
        depreciated = years * rate / 100 * unit_cost
        return {
            "unit_cost": unit_cost,
            "depreciated_value": depreciated,
            "book_value": max(unit_cost - depreciated, 0.0),
            "years": years,
        }

    # ------------------------------------------------------------------
    # Registers (issue 9)
    def action_bhima_stock_sheet(self):
        """The stock sheet of this lot in all depots."""
        self.ensure_one()
        return self.env["bhima.stock.sheet"]._bhima_open(product=self.product_id, lot=self)

    def action_bhima_lot_register(self):
        """This lot in the lot register (every depot where it was)."""
        self.ensure_one()
        return self.env["bhima.stock.lot.register"]._bhima_action(
            domain=[("lot_id", "=", self.id)],
            name=self.display_name,
            bhima_lot_scope="all",
            search_default_bhima_articles=0,
        )
