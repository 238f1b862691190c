from datetime import date, datetime, time, timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

# What the registers read, flushed before each of their queries.
LEDGER_DEPENDS = {
    "stock.move.line": [
        "state",
        "date",
        "product_id",
        "lot_id",
        "location_id",
        "location_dest_id",
        "quantity_product_uom",
        "move_id",
        "bhima_flux_id",
    ],
    "stock.move": ["state", "date", "value", "is_in", "is_out", "bhima_flux_id"],
    "stock.quant": ["quantity", "location_id", "lot_id", "product_id"],
    "stock.lot": ["expiration_date", "name", "product_id"],
    "stock.location": ["parent_path", "usage"],
    "stock.warehouse": [
        "lot_stock_id",
        "company_id",
        "bhima_is_warehouse",
        "bhima_min_months_security_stock",
        "bhima_default_purchase_interval",
    ],
    "product.template": [
        "categ_id",
        "bhima_lead_time",
        "bhima_purchase_interval",
        "bhima_type_id",
        "is_storable",
    ],
    "product.category": ["track_expiration", "track_consumption"],
    "res.company": [
        "bhima_month_average_consumption",
        "bhima_average_consumption_algo",
        "bhima_min_delay",
        "bhima_default_purchase_interval",
        "bhima_expired_stock_out",
        "bhima_expiry_alert_days",
    ],
}

STATUSES = [
    ("stock_out", "Stock Out"),
    ("security_reached", "Security Stock Reached"),
    ("minimum_reached", "Minimum Stock Reached"),
    ("in_stock", "In Stock"),
    ("over_maximum", "Over Maximum"),
    ("unused_stock", "Unused Stock"),
]


class BhimaStockLedger(models.AbstractModel):
    """The stock of the depots read from Odoo's own ledger, in SQL: what the
    registers, the stock sheet, the reports and the alerts are built on.

    - A depot's stock is what lies in the internal locations under its stock
      location (``warehouse.lot_stock_id``). A done move line that enters such a
      location from outside the depot is an entry of the depot, one that leaves it
      an exit; moves inside a depot change nothing.
    - The stock at the end of a day D is the current stock (``stock.quant``) minus
      the done move lines dated after D: only the lines after the earliest date a
      report needs are read.
    - Days are the company's days (time zone of the company, else of the user).
    - Consumption (BHIMA's ``out_quantity_consumption``): see
      ``_bhima_consumption_sql``."""

    _name = "bhima.stock.ledger"
    _description = "BHIMA Stock Ledger"

    # ------------------------------------------------------------------
    # Parameters: time zone, day, depots
    # ------------------------------------------------------------------

    @api.model
    def _bhima_tz(self):
        """The name of the company's time zone (``res.company._bhima_tz``)."""
        return self.env.company._bhima_tz().zone

    @api.model
    def _bhima_today(self):
        return datetime.now(pytz.timezone(self._bhima_tz())).date()

    @api.model
    def _bhima_day_start(self, day):
        """The UTC (naive) datetime at which the company's ``day`` starts."""
        tz = pytz.timezone(self._bhima_tz())
        local = tz.localize(datetime.combine(day, time.min))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    @api.model
    def _bhima_parse_day(self, value):
        """A date from a client (date, datetime or ISO string); a clear error
        for anything else or for a day in the future."""
        if not value:
            return self._bhima_today()
        try:
            if isinstance(value, datetime):
                day = value.date()
            elif isinstance(value, date):
                day = value
            else:
                day = fields.Date.to_date(str(value)[:10])
        except ValueError:
            raise UserError(
                self.env._("%(value)s is not a date (expected YYYY-MM-DD).", value=value)
            ) from None
        if day > self._bhima_today():
            raise UserError(
                self.env._(
                    "The date %(day)s is in the future: stock can only be reported up to today.",
                    day=fields.Date.to_string(day),
                )
            )
        return day

    @api.model
    def _bhima_report_day(self):
        """The day a register is computed at: ``bhima_date`` in the context, else today."""
        return self._bhima_parse_day(self.env.context.get("bhima_date"))

    @api.model
    def _bhima_check_period(self, date_from, date_to):
        date_to = self._bhima_parse_day(date_to)
        if date_from:
            date_from = self._bhima_parse_day(date_from)
            if date_from > date_to:
                raise UserError(
                    self.env._(
                        "The period ends (%(end)s) before it starts (%(start)s).",
                        end=fields.Date.to_string(date_to),
                        start=fields.Date.to_string(date_from),
                    )
                )
        return date_from, date_to

    @api.model
    def _bhima_depots(self, depot_ids=None):
        """The depots a report covers: ``depot_ids`` (or ``bhima_depot_ids`` in the
        context), else every depot the user may see. Unknown ids and depots the
        user may not see are refused with a clear error."""
        if depot_ids is None:
            depot_ids = self.env.context.get("bhima_depot_ids")
        Warehouse = self.env["stock.warehouse"]
        if not depot_ids:
            return Warehouse.search([("company_id", "in", self.env.companies.ids)])
        if isinstance(depot_ids, int):
            depot_ids = [depot_ids]
        try:
            depot_ids = [int(depot_id) for depot_id in depot_ids]
        except (TypeError, ValueError):
            raise UserError(self.env._("Unknown depot: %(depots)s.", depots=depot_ids)) from None
        depots = Warehouse.with_context(active_test=False).search([("id", "in", depot_ids)])
        unknown = set(depot_ids) - set(depots.ids)
        if unknown:
            raise UserError(
                self.env._(
                    "Unknown depot: %(depots)s (or a depot you are not allowed to see).",
                    depots=", ".join(str(depot_id) for depot_id in sorted(unknown)),
                )
            )
        return depots

    @api.model
    def _bhima_report_action(self, xmlid, depots=None, day=None, domain=None, name=None, **context):
        """The window action ``xmlid`` of a register or report, at ``day`` for
        ``depots``; ``context`` adds keys (``search_default_...``)."""
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action_context = safe_eval(action.get("context") or "{}", {"uid": self.env.uid})
        action_context["bhima_date"] = fields.Date.to_string(day) if day else False
        if depots:
            action_context["bhima_depot_ids"] = depots.ids
        action_context.update(context)
        action["context"] = action_context
        action["domain"] = domain or []
        if name:
            action["name"] = name
        return action

    @api.model
    def _bhima_flush(self):
        for model_name, field_names in LEDGER_DEPENDS.items():
            self.env[model_name].flush_model(field_names)

    # ------------------------------------------------------------------
    # SQL building blocks
    # ------------------------------------------------------------------

    @api.model
    def _bhima_depot_locations_sql(self, depots):
        """(location_id, depot_id, is_warehouse): the internal locations of each depot."""
        return SQL(
            """
            SELECT loc.id AS location_id, wh.id AS depot_id,
                   COALESCE(wh.bhima_is_warehouse, FALSE) AS is_warehouse
              FROM stock_warehouse wh
              JOIN stock_location root ON root.id = wh.lot_stock_id
              JOIN stock_location loc ON loc.parent_path LIKE root.parent_path || '%%'
                                     AND loc.usage = 'internal'
             WHERE wh.id = ANY(%(depots)s)
            """,
            depots=depots.ids or [0],
        )

    @api.model
    def _bhima_depot_ranks_sql(self):
        """(depot_id, depot_rank): the rank of each warehouse by id, for row ids."""
        return SQL(
            "SELECT id AS depot_id, ROW_NUMBER() OVER (ORDER BY id) AS depot_rank FROM stock_warehouse"
        )

    @api.model
    def _bhima_row_id_sql(self, depot_rank, key):
        """A stable 32-bit id for a register row (XML-RPC carries 32-bit
        integers): ``key`` (an article or lot id, below 2,147,483) times 1000
        plus the depot's rank among all the warehouses (below 1000)."""
        return SQL("((%s)::int * 1000 + (%s)::int)", key, depot_rank)

    @api.model
    def _bhima_consumption_sql(self, sign, is_warehouse, other_usage):
        """Factor (1, -1 or 0) of a move line's quantity in the consumption of a
        depot (BHIMA's ``ComputeStockStatusForStagedInventory``); ``sign`` is -1
        for an exit of the depot, 1 for an entry. Expects ``sml`` and ``flux``.

        - BHIMA movements: exits whose flux counts as consumption (to patient,
          to service, aggregated consumption; to another depot from a depot that
          is a warehouse) count; their exact reversals (an entry of the same flux)
          count negatively, and so do returns from patients and services (fluxes
          4 and 5), whose own reversals count again. Losses, adjustments, returns
          to suppliers never count.
        - Odoo's own moves: a delivery to a customer is an exit to a patient and a
          consumption to production an exit to a service (their returns count
          negatively); a move to another depot or to transit is a transfer,
          counted when the depot is a warehouse; scraps, inventory adjustments and
          returns to vendors never count."""
        return SQL(
            """
            CASE WHEN sml.bhima_flux_id IS NOT NULL THEN
                      CASE WHEN flux.consumption = 'always'
                                OR (flux.consumption = 'if_warehouse' AND %(is_warehouse)s)
                                OR (flux.direction = 'entry' AND flux.counterpart IN ('patient', 'service'))
                           THEN -(%(sign)s)
                           ELSE 0 END
                 WHEN %(other_usage)s IN ('customer', 'production') THEN -(%(sign)s)
                 WHEN (%(sign)s) = -1 AND %(other_usage)s IN ('internal', 'transit') AND %(is_warehouse)s
                 THEN 1
                 ELSE 0 END
            """,
            sign=sign,
            is_warehouse=is_warehouse,
            other_usage=other_usage,
        )

    @api.model
    def _bhima_lines_sql(self, depots, since, until=None, product_ids=None, lot_ids=None):
        """The done move lines of the depots dated from ``since`` (UTC, included)
        to ``until`` (excluded), one row per line and depot it enters or leaves:
        depot_id, line_id, move_id, product_id, lot_id, date, quantity (signed,
        in the product's unit), consumed (signed), other_location_id."""
        tz = self._bhima_tz()
        conditions = [SQL("sml.state = 'done'"), SQL("sml.date >= %s", since)]
        if until:
            conditions.append(SQL("sml.date < %s", until))
        if product_ids is not None:
            conditions.append(SQL("sml.product_id = ANY(%s)", list(product_ids) or [0]))
        if lot_ids is not None:
            conditions.append(SQL("sml.lot_id = ANY(%s)", list(lot_ids) or [0]))
        where = SQL(" AND ").join(conditions)
        side = []
        for sign, this, other, other_location in (
            (-1, "src", "dest", "location_dest_id"),
            (1, "dest", "src", "location_id"),
        ):
            side.append(
                SQL(
                    """
                    SELECT %(this)s.depot_id, sml.id AS line_id, sml.move_id, sml.product_id,
                           sml.lot_id, sml.date,
                           (sml.date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date AS day,
                           %(sign)s * sml.quantity_product_uom AS quantity,
                           (%(consumption)s) * sml.quantity_product_uom AS consumed,
                           sml.%(other_location)s AS other_location_id,
                           sml.bhima_flux_id AS flux_id
                      FROM stock_move_line sml
                      JOIN bhima_depot_loc %(this)s ON %(this)s.location_id = sml.%(this_location)s
                      JOIN stock_location other ON other.id = sml.%(other_location)s
                 LEFT JOIN bhima_depot_loc %(other)s ON %(other)s.location_id = sml.%(other_location)s
                                                    AND %(other)s.depot_id = %(this)s.depot_id
                 LEFT JOIN bhima_stock_flux flux ON flux.id = sml.bhima_flux_id
                     WHERE %(where)s AND %(other)s.location_id IS NULL
                    """,
                    this=SQL.identifier(this),
                    other=SQL.identifier(other),
                    this_location=SQL.identifier(
                        "location_id" if this == "src" else "location_dest_id"
                    ),
                    other_location=SQL.identifier(other_location),
                    tz=tz,
                    sign=sign,
                    consumption=self._bhima_consumption_sql(
                        sign, SQL("%s.is_warehouse", SQL.identifier(this)), SQL("other.usage")
                    ),
                    where=where,
                )
            )
        return SQL(" UNION ALL ").join(side)

    @api.model
    def _bhima_valued_moves_sql(self, companies, until, product_ids=None, product_sql=None):
        """The company-wide valuation ledger (Odoo 19 values on ``stock.move``):
        one row per done valued move (``is_in`` or ``is_out``) dated before
        ``until``: move_id, product_id, date, value and quantity (in the product's
        unit), signed (+ in, - out)."""
        conditions = [
            SQL("m.state = 'done'"),
            SQL("(m.is_in OR m.is_out)"),
            SQL("m.date < %s", until),
            SQL("m.company_id = ANY(%s)", companies.ids or [0]),
        ]
        if product_ids is not None:
            conditions.append(SQL("m.product_id = ANY(%s)", list(product_ids) or [0]))
        if product_sql is not None:
            conditions.append(SQL("m.product_id IN (%s)", product_sql))
        return SQL(
            """
            SELECT m.id AS move_id, m.product_id, m.date,
                   CASE WHEN m.is_in THEN 1 ELSE -1 END * COALESCE(m.value, 0) AS value,
                   CASE WHEN m.is_in THEN 1 ELSE -1 END
                       * m.quantity * move_uom.factor / NULLIF(product_uom.factor, 0) AS quantity
              FROM stock_move m
              JOIN uom_uom move_uom ON move_uom.id = m.product_uom
              JOIN product_product pp ON pp.id = m.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              JOIN uom_uom product_uom ON product_uom.id = pt.uom_id
             WHERE %s
            """,
            SQL(" AND ").join(conditions),
        )

    @api.model
    def _bhima_unit_costs_sql(self, companies, until, product_ids):
        """(product_id, unit_cost): the company's historic unit cost of each
        article of ``product_ids`` (an SQL subquery) before ``until``: the value of
        its valued stock divided by its quantity (the average cost of that moment
        under average costing, the average of the remaining layers under FIFO);
        an article with no stock then takes the cost of its last valued entry."""
        return SQL(
            """
            WITH totals AS (
                SELECT v.product_id, SUM(v.value) AS value, SUM(v.quantity) AS quantity
                  FROM (%(valued)s) v
              GROUP BY v.product_id
            )
            SELECT t.product_id,
                   CASE WHEN t.quantity > 0 THEN t.value / t.quantity
                        ELSE COALESCE(last_entry.cost, 0) END AS unit_cost
              FROM totals t
         LEFT JOIN LATERAL (
                    SELECT m.value / NULLIF(m.quantity, 0) AS cost
                      FROM stock_move m
                     WHERE t.quantity <= 0 AND m.product_id = t.product_id AND m.state = 'done'
                       AND m.is_in AND m.date < %(until)s AND m.company_id = ANY(%(companies)s)
                  ORDER BY m.date DESC, m.id DESC
                     LIMIT 1
                   ) last_entry ON TRUE
            """,
            valued=self._bhima_valued_moves_sql(
                companies, until, product_ids=None, product_sql=product_ids
            ),
            until=until,
            companies=companies.ids or [0],
        )

    # ------------------------------------------------------------------
    # The register query: stock, CMM, indicators and lot flags
    # ------------------------------------------------------------------

    @api.model
    def _bhima_register_sql(self, depots, day, product_ids=None, level="article"):
        """The state of the depots' stock at the end of ``day``.

        ``level='article'``: one row per (depot, article) with its quantities, both
        CMM (BHIMA's GetAMC) and their details, S_SEC/S_MIN/S_MAX, months of
        stock, quantity to order, status, lots at risk, last movement.
        ``level='lot'``: one row per (depot, article, lot) with the lot's balance
        and flags (expiry, usage first expiry first out, risk quantities) and its
        article's indicators.

        See README "Registers and reports" for the formulas."""
        if day > self._bhima_today():
            raise UserError(self.env._("Stock can only be reported up to today."))
        end = self._bhima_day_start(day + timedelta(days=1))
        company = self.env.company
        months = company.bhima_month_average_consumption or 6
        window_start = day - relativedelta(months=months)
        start = self._bhima_day_start(window_start)
        tz = self._bhima_tz()
        product_filter = SQL("TRUE")
        if product_ids is not None:
            product_filter = SQL("q.product_id = ANY(%s)", list(product_ids) or [0])
        lines = self._bhima_lines_sql(depots, since=start, product_ids=product_ids)
        query = SQL(
            """
            WITH RECURSIVE bhima_depot_loc AS MATERIALIZED (%(depot_loc)s),
            lines AS MATERIALIZED (%(lines)s),
            lot_now AS (
                SELECT dl.depot_id, q.product_id, q.lot_id, q.quantity
                  FROM stock_quant q
                  JOIN bhima_depot_loc dl ON dl.location_id = q.location_id
                 WHERE %(product_filter)s
                UNION ALL
                SELECT depot_id, product_id, lot_id,
                       CASE WHEN date >= %(end)s THEN -quantity ELSE 0 END
                  FROM lines
            ),
            lot_sum AS (
                SELECT depot_id, product_id, lot_id, SUM(quantity) AS quantity
                  FROM lot_now
              GROUP BY depot_id, product_id, lot_id
            ),
            product_info AS MATERIALIZED (
                SELECT pp.id AS product_id, pp.product_tmpl_id, pt.categ_id, pt.uom_id,
                       COALESCE(pt.bhima_lead_time, 0)::numeric AS lead_time,
                       COALESCE(pt.bhima_purchase_interval, 0)::numeric AS purchase_interval,
                       COALESCE(categ.track_expiration, TRUE) AS track_expiration,
                       COALESCE(categ.track_consumption, TRUE) AS track_consumption
                  FROM product_product pp
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
             LEFT JOIN product_category categ ON categ.id = pt.categ_id
                 WHERE pt.is_storable AND pp.id IN (SELECT product_id FROM lot_sum)
            ),
            depot_info AS MATERIALIZED (
                SELECT wh.id AS depot_id, wh.company_id,
                       COALESCE(wh.bhima_min_months_security_stock, 0)::numeric AS min_months,
                       GREATEST(COALESCE(company.bhima_default_purchase_interval, 0)::numeric,
                                COALESCE(wh.bhima_default_purchase_interval, 0)::numeric)
                           AS purchase_interval,
                       COALESCE(company.bhima_min_delay, 0)::numeric AS min_delay,
                       COALESCE(company.bhima_expired_stock_out, FALSE) AS expired_stock_out,
                       company.bhima_average_consumption_algo AS algo,
                       COALESCE(company.bhima_expiry_alert_days, 0) AS horizon, ranks.depot_rank
                  FROM stock_warehouse wh
                  JOIN res_company company ON company.id = wh.company_id
                  JOIN (%(ranks)s) ranks ON ranks.depot_id = wh.id
                 WHERE wh.id = ANY(%(depots)s)
            ),
            lot_state AS MATERIALIZED (
                SELECT b.depot_id, b.product_id, b.lot_id, b.quantity, lot.name AS lot_name,
                       (lot.expiration_date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date AS expiration,
                       p.track_expiration AND lot.expiration_date IS NOT NULL AS tracks_expiry,
                       p.track_consumption AS tracks_consumption,
                       p.track_expiration AND lot.expiration_date IS NOT NULL
                           AND (lot.expiration_date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date < %(day)s
                           AS is_expired
                  FROM lot_sum b
                  JOIN product_info p ON p.product_id = b.product_id
             LEFT JOIN stock_lot lot ON lot.id = b.lot_id
            ),
            stock AS (
                SELECT depot_id, product_id, SUM(quantity) AS quantity,
                       COALESCE(SUM(quantity) FILTER (WHERE is_expired AND quantity > 0), 0)
                           AS quantity_expired
                  FROM lot_state
              GROUP BY depot_id, product_id
            ),
            daily AS (
                SELECT depot_id, product_id, day, SUM(quantity) AS delta, SUM(consumed) AS consumed,
                       MAX(date) AS last_date
                  FROM lines
                 WHERE date < %(end)s
              GROUP BY depot_id, product_id, day
            ),
            totals AS (
                SELECT d.depot_id, d.product_id, s.quantity - SUM(d.delta) AS init_q
                  FROM daily d
                  JOIN stock s ON s.depot_id = d.depot_id AND s.product_id = d.product_id
              GROUP BY d.depot_id, d.product_id, s.quantity
            ),
            running AS (
                SELECT d.depot_id, d.product_id, d.day, d.consumed, d.last_date, t.init_q,
                       t.init_q + SUM(d.delta) OVER upto AS sum_q,
                       COALESCE(LEAD(d.day) OVER upto - d.day, 0) AS duration,
                       LAG(d.day) OVER upto IS NULL AS is_first
                  FROM daily d
                  JOIN totals t ON t.depot_id = d.depot_id AND t.product_id = d.product_id
                WINDOW upto AS (PARTITION BY d.depot_id, d.product_id ORDER BY d.day)
            ),
            amc AS (
                SELECT depot_id, product_id,
                       MIN(day) AS min_date, MAX(day) AS max_date,
                       COALESCE(SUM(duration) FILTER (WHERE sum_q <= 0), 0) AS out_days,
                       COALESCE(SUM(duration) FILTER (WHERE sum_q > 0), 0) AS stock_days,
                       COUNT(*) FILTER (WHERE consumed <> 0) AS consumption_days,
                       SUM(consumed) FILTER (WHERE NOT is_first) AS consumed,
                       SUM(sum_q) FILTER (WHERE duration = 0) AS last_q,
                       MIN(init_q) AS init_q,
                       MAX(last_date) AS last_date
                  FROM running
              GROUP BY depot_id, product_id
            ),
            cmm_days AS (
                SELECT a.depot_id, a.product_id, a.min_date, a.max_date, a.consumed,
                       a.consumption_days, a.last_date, a.init_q,
                       a.min_date - %(window_start)s AS head_days,
                       %(day)s - a.max_date AS tail_days,
                       a.out_days
                         + CASE WHEN a.last_q = 0 THEN %(day)s - a.max_date ELSE 0 END
                         + CASE WHEN COALESCE(a.init_q, 0) = 0 THEN a.min_date - %(window_start)s ELSE 0 END
                           AS stock_out_days,
                       a.stock_days
                         + CASE WHEN a.last_q <> 0 THEN %(day)s - a.max_date ELSE 0 END
                         + CASE WHEN COALESCE(a.init_q, 0) <> 0 THEN a.min_date - %(window_start)s ELSE 0 END
                           AS stock_days
                  FROM amc a
            ),
            cmm AS (
                SELECT a.*,
                       ROUND(COALESCE(a.consumed, 0)
                             / (CASE WHEN a.stock_days = 0 THEN 1 ELSE a.stock_days END) * 30.5, 2)
                           AS cmm_def,
                       ROUND(COALESCE(a.consumed, 0)
                             / (CASE WHEN %(months)s - a.stock_out_days / 30.5 = 0 THEN 1
                                     ELSE %(months)s - a.stock_out_days / 30.5 END), 2)
                           AS cmm_msh
                  FROM cmm_days a
            ),
            article AS (
                SELECT s.depot_id, di.depot_rank, s.product_id, p.product_tmpl_id, p.categ_id,
                       p.uom_id, di.company_id, s.quantity, s.quantity_expired,
                       CASE WHEN di.expired_stock_out THEN s.quantity - s.quantity_expired
                            ELSE s.quantity END AS quantity_usable,
                       COALESCE(c.cmm_def, 0) AS cmm_def, COALESCE(c.cmm_msh, 0) AS cmm_msh,
                       COALESCE(CASE WHEN di.algo = 'algo_def' THEN c.cmm_def ELSE c.cmm_msh END, 0)
                           AS cmm,
                       COALESCE(c.consumed, 0) AS consumed,
                       COALESCE(c.stock_days, 0) AS stock_days,
                       COALESCE(c.stock_out_days, 0) AS stock_out_days,
                       COALESCE(c.consumption_days, 0) AS consumption_days,
                       c.head_days, c.tail_days, c.min_date, c.max_date,
                       c.last_date AS last_movement_date,
                       GREATEST(di.min_delay, p.lead_time) AS delay,
                       di.min_months,
                       GREATEST(di.purchase_interval, p.purchase_interval) AS purchase_interval,
                       di.horizon
                  FROM stock s
                  JOIN depot_info di ON di.depot_id = s.depot_id
                  JOIN product_info p ON p.product_id = s.product_id
             LEFT JOIN cmm c ON c.depot_id = s.depot_id AND c.product_id = s.product_id
            ),
            indicators AS (
                SELECT a.*,
                       a.cmm * a.delay AS s_sec,
                       a.cmm * a.delay * a.min_months AS s_min,
                       a.cmm * a.purchase_interval + a.cmm * a.delay * a.min_months AS s_max
                  FROM article a
            ),
            article_state AS MATERIALIZED (
                SELECT i.*,
                       CASE WHEN i.cmm > 0 THEN FLOOR(i.quantity_usable / i.cmm) END AS months_of_stock,
                       GREATEST(TRUNC(i.s_max - i.quantity_usable), 0) AS quantity_to_order,
                       CASE WHEN i.quantity_usable <= 0 THEN 'stock_out'
                            WHEN i.cmm = 0 THEN 'unused_stock'
                            WHEN i.quantity_usable <= i.s_sec THEN 'security_reached'
                            WHEN i.quantity_usable <= i.s_min THEN 'minimum_reached'
                            WHEN i.quantity_usable <= i.s_max THEN 'in_stock'
                            ELSE 'over_maximum' END AS status
                  FROM indicators i
            ),
            lot_rank AS (
                SELECT l.depot_id, l.product_id, l.lot_id, l.quantity, a.cmm,
                       CEIL(l.quantity / (a.cmm / 30.5)) AS need_days,
                       CASE WHEN l.tracks_expiry THEN l.expiration - %(day)s + 1 END AS left_days,
                       ROW_NUMBER() OVER (PARTITION BY l.depot_id, l.product_id
                                          ORDER BY l.tracks_expiry DESC, l.expiration, l.lot_name, l.lot_id)
                           AS rank
                  FROM lot_state l
                  JOIN article_state a ON a.depot_id = l.depot_id AND a.product_id = l.product_id
                 WHERE l.quantity > 0 AND NOT l.is_expired AND l.tracks_consumption AND a.cmm > 0
            ),
            lot_usage (depot_id, product_id, rank, lot_id, start_day, lifetime, near) AS (
                SELECT r.depot_id, r.product_id, r.rank, r.lot_id, 0::numeric,
                       GREATEST(LEAST(COALESCE(r.left_days, r.need_days), r.need_days), 0)::numeric,
                       COALESCE(r.need_days > r.left_days, FALSE)
                  FROM lot_rank r WHERE r.rank = 1
                UNION ALL
                SELECT r.depot_id, r.product_id, r.rank, r.lot_id, u.start_day + u.lifetime,
                       GREATEST(LEAST(COALESCE(r.left_days, u.start_day + u.lifetime + r.need_days),
                                      u.start_day + u.lifetime + r.need_days)
                                - (u.start_day + u.lifetime), 0),
                       COALESCE(u.start_day + u.lifetime + r.need_days > r.left_days, FALSE)
                  FROM lot_usage u
                  JOIN lot_rank r ON r.depot_id = u.depot_id AND r.product_id = u.product_id
                                 AND r.rank = u.rank + 1
            ),
            lot_flags AS (
                SELECT l.depot_id, l.product_id, l.lot_id, l.quantity, l.expiration, l.is_expired,
                       l.tracks_expiry,
                       a.cmm, a.status,
                       u.rank, u.start_day, u.lifetime,
                       COALESCE(u.near, FALSE) AS is_near_expiration,
                       CASE WHEN u.rank IS NOT NULL
                            THEN LEAST(u.lifetime * a.cmm / 30.5, l.quantity)
                            WHEN l.is_expired OR l.quantity <= 0 THEN 0
                            ELSE l.quantity END AS usable_quantity,
                       CASE WHEN l.tracks_expiry THEN l.expiration - %(day)s END AS days_before_expiry,
                       l.tracks_expiry AND NOT l.is_expired AND l.quantity > 0
                           AND l.expiration <= %(day)s + a.horizon::int AS is_expiring_soon
                  FROM lot_state l
                  JOIN article_state a ON a.depot_id = l.depot_id AND a.product_id = l.product_id
             LEFT JOIN lot_usage u ON u.depot_id = l.depot_id AND u.product_id = l.product_id
                                  AND COALESCE(u.lot_id, 0) = COALESCE(l.lot_id, 0)
            ),
            lot_risk AS (
                SELECT f.*,
                       CASE WHEN f.cmm > 0 AND ROUND(f.quantity - f.usable_quantity) >= f.cmm / 30.5
                                 AND NOT f.is_expired AND f.quantity > 0
                            THEN ROUND(f.quantity - f.usable_quantity) ELSE 0 END AS risk_quantity
                  FROM lot_flags f
            )
            %(select)s
            """,
            depot_loc=self._bhima_depot_locations_sql(depots),
            lines=lines,
            product_filter=product_filter,
            end=end,
            depots=depots.ids or [0],
            ranks=self._bhima_depot_ranks_sql(),
            tz=tz,
            day=day,
            window_start=window_start,
            months=months,
            select=self._bhima_register_select(level),
        )
        return query

    @api.model
    def _bhima_lot_rows_sql(self, depots, day, scope="stock"):
        """One row per (depot, article, lot) at the end of ``day``, without the
        consumption: the cheap columns of the lot register. ``scope``: 'stock'
        (lots with a balance), 'all' (also lots that were in the depot and are
        empty; reads the whole history)."""
        end = self._bhima_day_start(day + timedelta(days=1))
        since = end if scope == "stock" else datetime(1970, 1, 1)
        history = SQL("")
        if scope != "stock":
            history = SQL(
                """
                UNION ALL
                SELECT depot_id, product_id, lot_id, 0, CASE WHEN quantity > 0 THEN date END
                  FROM lines WHERE date < %s
                """,
                end,
            )
        return SQL(
            """
            WITH bhima_depot_loc AS MATERIALIZED (%(depot_loc)s),
            lines AS MATERIALIZED (%(lines)s),
            lot_now AS (
                SELECT dl.depot_id, q.product_id, q.lot_id, q.quantity, q.in_date AS entry_date
                  FROM stock_quant q
                  JOIN bhima_depot_loc dl ON dl.location_id = q.location_id
                UNION ALL
                SELECT depot_id, product_id, lot_id, -quantity, NULL
                  FROM lines WHERE date >= %(end)s
                %(history)s
            ),
            lot_balance AS (
                SELECT b.depot_id, b.product_id, b.lot_id, SUM(b.quantity) AS quantity,
                       MIN(b.entry_date) AS entry_date
                  FROM lot_now b
              GROUP BY b.depot_id, b.product_id, b.lot_id
            ),
            product_info AS MATERIALIZED (
                SELECT pp.id AS product_id, pp.product_tmpl_id, pt.categ_id, pt.uom_id,
                       COALESCE(categ.track_expiration, TRUE) AS track_expiration
                  FROM product_product pp
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
             LEFT JOIN product_category categ ON categ.id = pt.categ_id
                 WHERE pt.is_storable
            ),
            depot_info AS MATERIALIZED (
                SELECT wh.id AS depot_id, wh.company_id,
                       COALESCE(company.bhima_expiry_alert_days, 0) AS horizon, ranks.depot_rank
                  FROM stock_warehouse wh
                  JOIN res_company company ON company.id = wh.company_id
                  JOIN (%(ranks)s) ranks ON ranks.depot_id = wh.id
                 WHERE wh.id = ANY(%(depots)s)
            ),
            lot_expiry AS MATERIALIZED (
                SELECT lot.id AS lot_id,
                       (lot.expiration_date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date AS expiration
                  FROM stock_lot lot
                 WHERE lot.expiration_date IS NOT NULL
                   AND lot.id IN (SELECT lot_id FROM lot_balance)
            ),
            lot_info AS (
                SELECT b.*, d.company_id, d.horizon, d.depot_rank, p.product_tmpl_id, p.categ_id,
                       p.uom_id,
                       CASE WHEN p.track_expiration THEN lot.expiration END AS expiration_date
                  FROM lot_balance b
                  JOIN depot_info d ON d.depot_id = b.depot_id
                  JOIN product_info p ON p.product_id = b.product_id
             LEFT JOIN lot_expiry lot ON lot.lot_id = b.lot_id
                 WHERE %(all)s OR b.quantity <> 0
            )
            SELECT l.depot_id, l.company_id, l.depot_rank, l.product_id, l.product_tmpl_id,
                   l.categ_id, l.uom_id, l.lot_id, l.quantity, l.entry_date, l.expiration_date,
                   l.expiration_date - %(day)s AS days_before_expiry,
                   l.quantity <= 0 AS is_exhausted,
                   COALESCE(l.quantity > 0 AND l.expiration_date < %(day)s, FALSE) AS is_expired,
                   COALESCE(l.quantity > 0 AND l.expiration_date >= %(day)s
                            AND l.expiration_date <= %(day)s + l.horizon, FALSE) AS is_expiring_soon
              FROM lot_info l
            """,
            depot_loc=self._bhima_depot_locations_sql(depots),
            lines=self._bhima_lines_sql(depots, since=since),
            end=end,
            history=history,
            ranks=self._bhima_depot_ranks_sql(),
            depots=depots.ids or [0],
            tz=self._bhima_tz(),
            day=day,
            all=scope != "stock",
        )

    @api.model
    def _bhima_register_select(self, level):
        if level == "lot":
            return SQL(
                """
                SELECT r.depot_id, r.product_id, r.lot_id, r.quantity, r.expiration,
                       r.days_before_expiry, r.is_expired, r.is_expiring_soon,
                       r.quantity <= 0 AS is_exhausted, r.cmm, r.status,
                       r.lifetime, r.start_day, r.usable_quantity, r.risk_quantity,
                       CASE WHEN r.cmm > 0 THEN ROUND(r.risk_quantity / (r.cmm / 30.5)) ELSE 0 END
                           AS risk_days,
                       r.is_near_expiration AND r.tracks_expiry AS is_near_expiration,
                       NOT r.is_expired AND r.quantity > 0
                           AND r.status IN ('minimum_reached', 'security_reached') AS is_at_risk_stock_out
                  FROM lot_risk r
                """
            )
        return SQL(
            """
            SELECT a.*,
                   COALESCE(r.lots_at_risk, 0) AS lots_at_risk,
                   COALESCE(r.quantity_at_risk, 0) AS quantity_at_risk,
                   COALESCE(r.quantity_near_expiry, 0) AS quantity_near_expiry,
                   COALESCE(r.lots_expiring_soon, 0) AS lots_expiring_soon,
                   COALESCE(r.lots_expired, 0) AS lots_expired
              FROM article_state a
         LEFT JOIN (
                SELECT depot_id, product_id,
                       COUNT(*) FILTER (WHERE (is_near_expiration AND tracks_expiry) OR risk_quantity > 0)
                           AS lots_at_risk,
                       SUM(risk_quantity) AS quantity_at_risk,
                       SUM(quantity) FILTER (WHERE is_near_expiration AND tracks_expiry)
                           AS quantity_near_expiry,
                       COUNT(*) FILTER (WHERE is_expiring_soon) AS lots_expiring_soon,
                       COUNT(*) FILTER (WHERE is_expired AND quantity > 0) AS lots_expired
                  FROM lot_risk
              GROUP BY depot_id, product_id
              ) r ON r.depot_id = a.depot_id AND r.product_id = a.product_id
            """
        )
