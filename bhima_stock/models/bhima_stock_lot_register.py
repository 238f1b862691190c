from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

from .bhima_stock_ledger import LEDGER_DEPENDS, STATUSES

LOT_SCOPES = ("stock", "all")


class BhimaStockLotRegister(models.Model):
    """BHIMA's lot register (registre des lots): one row per depot and lot at the
    end of a day (``bhima_date`` in the context, default today), restricted to
    ``bhima_depot_ids`` when given. Lots with a balance by default; with
    ``bhima_lot_scope='all'`` in the context, also the lots that were in the
    depot and are empty.

    The balances, expiry and entry dates are SQL columns (a page reads only the
    current quants, minus the lines after the day). The indicators that depend on
    the article's consumption (CMM, lifetime, usable quantity, risk of expiry and
    of stock-out, unit cost, value) are computed for the rows read, in one query
    (``bhima.stock.ledger._bhima_register_sql`` at the lot level); the flags
    "near expiration" and "at risk of stock-out" are searchable."""

    _name = "bhima.stock.lot.register"
    _inherit = ["bhima.stock.register.mixin"]
    _description = "BHIMA Lot Register"
    _auto = False
    _order = "depot_id, product_id, expiration_date, lot_id"
    _depends = LEDGER_DEPENDS

    default_code = fields.Char(related="product_id.default_code", string="Code")
    lot_id = fields.Many2one("stock.lot", string="Lot", readonly=True)
    date = fields.Date(readonly=True, help="The stock is the stock at the end of this day.")
    entry_date = fields.Datetime(readonly=True, help="When the lot first entered the depot.")
    expiration_date = fields.Date(readonly=True)
    days_before_expiry = fields.Integer(string="Days before Expiry", readonly=True, aggregator=None)
    quantity = fields.Float(digits="Product Unit", readonly=True, aggregator="sum")
    is_expired = fields.Boolean(
        string="Expired",
        readonly=True,
        help="The lot is usable through its expiration date, expired from the next day.",
    )
    is_expiring_soon = fields.Boolean(
        string="Expiring Soon",
        readonly=True,
        help="The lot expires within the company's expiry alert horizon.",
    )
    is_exhausted = fields.Boolean(string="Exhausted", readonly=True)

    # computed for the rows read
    cmm = fields.Float(string="CMM", digits=(16, 2), compute="_compute_indicators")
    status = fields.Selection(
        STATUSES,
        string="Article Status",
        compute="_compute_indicators",
        help="The status of the article in the depot.",
    )
    lifetime = fields.Integer(
        string="Lifetime (days)",
        compute="_compute_indicators",
        help="Days of use of this lot at the CMM, lots being used first expiry first out.",
    )
    usage_start_date = fields.Date(
        string="Used From", compute="_compute_indicators", help="When this lot starts being used."
    )
    usage_end_date = fields.Date(
        string="Used Until",
        compute="_compute_indicators",
        help="When this lot is used up, or expires if that comes first.",
    )
    usable_quantity = fields.Float(
        string="Usable before Expiry", digits="Product Unit", compute="_compute_indicators"
    )
    risk_quantity = fields.Float(
        string="Quantity at Risk", digits="Product Unit", compute="_compute_indicators"
    )
    risk_days = fields.Integer(string="Days at Risk", compute="_compute_indicators")
    is_near_expiration = fields.Boolean(
        string="At Risk of Expiry",
        compute="_compute_indicators",
        search="_search_is_near_expiration",
        help="The lot will expire before it is used up at the CMM.",
    )
    is_at_risk_stock_out = fields.Boolean(
        string="At Risk of Stock-out",
        compute="_compute_indicators",
        search="_search_is_at_risk_stock_out",
        help="The article has reached its security or minimum stock in the depot.",
    )
    unit_cost = fields.Float(
        digits="Product Price",
        compute="_compute_indicators",
        help="The cost of the lot's first entry.",
    )
    value = fields.Float(digits="Account", compute="_compute_indicators")
    is_assigned = fields.Boolean(
        related="lot_id.bhima_is_assigned",
        string="Assigned",
        help="The lot is assigned to a person or an entity (Operations > Assignments).",
    )
    assigned_partner_id = fields.Many2one(
        related="lot_id.bhima_assigned_partner_id", string="Assigned to"
    )

    @property
    def _table_query(self):
        ledger = self.env["bhima.stock.ledger"]
        day = ledger._bhima_report_day()
        depots = ledger._bhima_depots()
        scope = self.env.context.get("bhima_lot_scope")
        scope = scope if scope in LOT_SCOPES else "stock"
        return SQL(
            """
            SELECT CASE WHEN r.lot_id IS NOT NULL THEN %(lot_row_id)s ELSE -%(product_row_id)s END AS id,
                   r.*, %(day)s::date AS date
              FROM (%(rows)s) r
            """,
            day=day,
            lot_row_id=ledger._bhima_row_id_sql(SQL("r.depot_rank"), SQL("r.lot_id")),
            product_row_id=ledger._bhima_row_id_sql(SQL("r.depot_rank"), SQL("r.product_id")),
            rows=ledger._bhima_lot_rows_sql(depots, day, scope),
        )

    def _compute_display_name(self):
        for row in self:
            row.display_name = (
                f"{row.depot_id.display_name} - {row.lot_id.name or row.product_id.display_name}"
            )

    # ------------------------------------------------------------------
    # Indicators of the rows read
    # ------------------------------------------------------------------

    def _bhima_lot_indicators(self, depots, products, day):
        """{(depot id, product id, lot id or None): row} at the lot level."""
        ledger = self.env["bhima.stock.ledger"]
        ledger._bhima_flush()
        rows = self.env.execute_query_dict(
            ledger._bhima_register_sql(depots, day, product_ids=products.ids, level="lot")
        )
        return {(row["depot_id"], row["product_id"], row["lot_id"]): row for row in rows}

    def _bhima_lot_unit_costs(self, lots):
        """{lot id: unit cost of the lot's first valued entry}."""
        if not lots:
            return {}
        rows = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT ON (sml.lot_id) sml.lot_id, m.value / NULLIF(mq.quantity, 0)
                  FROM stock_move_line sml
                  JOIN stock_move m ON m.id = sml.move_id
                  JOIN LATERAL (
                        SELECT SUM(l.quantity_product_uom) AS quantity
                          FROM stock_move_line l WHERE l.move_id = m.id
                       ) mq ON TRUE
                 WHERE sml.lot_id = ANY(%(lots)s) AND sml.state = 'done' AND m.is_in
              ORDER BY sml.lot_id, sml.date, sml.id
                """,
                lots=lots.ids,
            )
        )
        return dict(rows)

    def _compute_indicators(self):
        if not self:
            return
        # every row of a search shares the context's day (reading the ``date``
        # column would run the view once more)
        day = self.env["bhima.stock.ledger"]._bhima_report_day()
        indicators = self._bhima_lot_indicators(self.depot_id, self.product_id, day)
        costs = self._bhima_lot_unit_costs(self.lot_id)
        for row in self:
            data = indicators.get((row.depot_id.id, row.product_id.id, row.lot_id.id or None)) or {}
            start = data.get("start_day")
            lifetime = data.get("lifetime")
            row.cmm = data.get("cmm") or 0.0
            row.status = data.get("status") or False
            row.lifetime = int(lifetime) if lifetime is not None else 0
            row.usage_start_date = day + timedelta(days=int(start)) if start is not None else False
            row.usage_end_date = (
                day + timedelta(days=int(start + lifetime)) if start is not None else False
            )
            row.usable_quantity = data.get("usable_quantity") or 0.0
            row.risk_quantity = data.get("risk_quantity") or 0.0
            row.risk_days = int(data.get("risk_days") or 0)
            row.is_near_expiration = bool(data.get("is_near_expiration"))
            row.is_at_risk_stock_out = bool(data.get("is_at_risk_stock_out"))
            row.unit_cost = costs.get(row.lot_id.id) or row.product_id.standard_price
            row.value = row.unit_cost * row.quantity

    def _bhima_search_flag(self, flag, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        wanted = value if operator == "=" else not value
        ledger = self.env["bhima.stock.ledger"]
        ledger._bhima_flush()
        day = ledger._bhima_report_day()
        depots = ledger._bhima_depots()
        rows = self.env.execute_query(
            SQL(
                "SELECT r.depot_id, r.product_id, r.lot_id FROM (%s) r WHERE r.%s",
                ledger._bhima_register_sql(depots, day, level="lot"),
                SQL.identifier(flag),
            )
        )
        by_depot = defaultdict(lambda: ([], []))
        for depot_id, product_id, lot_id in rows:
            if lot_id:
                by_depot[depot_id][0].append(lot_id)
            else:
                by_depot[depot_id][1].append(product_id)
        domain = Domain.OR(
            Domain("depot_id", "=", depot_id)
            & (
                Domain("lot_id", "in", lot_ids)
                | (Domain("lot_id", "=", False) & Domain("product_id", "in", product_ids))
            )
            for depot_id, (lot_ids, product_ids) in by_depot.items()
        )
        return domain if wanted else ~domain

    def _search_is_near_expiration(self, operator, value):
        return self._bhima_search_flag("is_near_expiration", operator, value)

    def _search_is_at_risk_stock_out(self, operator, value):
        return self._bhima_search_flag("is_at_risk_stock_out", operator, value)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_open_stock_sheet(self):
        """The stock sheet of this lot in this depot."""
        self.ensure_one()
        return self.env["bhima.stock.sheet"]._bhima_open(
            product=self.product_id, depot=self.depot_id, lot=self.lot_id, date_to=self.date
        )

    def action_open_movements(self):
        """The done stock moves of this lot in this depot (movement register)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "bhima_stock.stock_move_action_bhima_register"
        )
        domain = [("state", "=", "done"), ("product_id", "=", self.product_id.id)]
        if self.lot_id:
            domain.append(("move_line_ids.lot_id", "=", self.lot_id.id))
        domain += [
            "|",
            ("location_id", "child_of", self.depot_id.lot_stock_id.id),
            ("location_dest_id", "child_of", self.depot_id.lot_stock_id.id),
        ]
        action["domain"] = domain
        action["name"] = self.env._(
            "Movements of %(lot)s in %(depot)s",
            lot=self.lot_id.name or self.product_id.display_name,
            depot=self.depot_id.display_name,
        )
        return action

    @api.model
    def _bhima_action(self, depots=None, day=None, domain=None, name=None, **context):
        return self.env["bhima.stock.ledger"]._bhima_report_action(
            "bhima_stock.bhima_stock_lot_register_action", depots, day, domain, name, **context
        )
