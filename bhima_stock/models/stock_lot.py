from dateutil.relativedelta import relativedelta

from odoo import api, fields, models


class StockLot(models.Model):
    _inherit = "stock.lot"

    def _bhima_is_expired(self, day=None):
        """A lot is usable through its expiration date: it is expired from the day
        after. Lots of groups that do not track expiration never expire."""
        self.ensure_one()
        if not self.expiration_date or not self.product_id.categ_id.track_expiration:
            return False
        day = day or fields.Date.context_today(self)
        return fields.Date.context_today(self, self.expiration_date) < day

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
