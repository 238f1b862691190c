from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from .bhima_stock_ledger import LEDGER_DEPENDS


class BhimaStockConsumptionReport(models.Model):
    """Monthly consumption (BHIMA's monthly consumption report): per depot,
    article and month, the quantity consumed (exits counted as consumption, see
    ``bhima.stock.ledger._bhima_consumption_sql``), the entries and the exits.
    Covers ``bhima_date_from`` to ``bhima_date`` in the context (default: the
    twelve months up to today); pivot and graph views."""

    _name = "bhima.stock.consumption.report"
    _inherit = ["bhima.stock.register.mixin"]
    _description = "BHIMA Monthly Consumption"
    _auto = False
    _order = "month desc, depot_id, product_id"
    _depends = LEDGER_DEPENDS

    month = fields.Date(readonly=True, help="First day of the month.")
    quantity_consumed = fields.Float(
        string="Consumed", digits="Product Unit", readonly=True, aggregator="sum"
    )
    quantity_in = fields.Float(
        string="Entries", digits="Product Unit", readonly=True, aggregator="sum"
    )
    quantity_out = fields.Float(
        string="Exits", digits="Product Unit", readonly=True, aggregator="sum"
    )
    consumption_days = fields.Integer(
        string="Days with Consumption", readonly=True, aggregator="sum"
    )

    @property
    def _table_query(self):
        ledger = self.env["bhima.stock.ledger"]
        date_to = ledger._bhima_report_day()
        date_from = self.env.context.get("bhima_date_from")
        if date_from:
            date_from, date_to = ledger._bhima_check_period(date_from, date_to)
        else:
            date_from = date_to.replace(day=1) - relativedelta(months=11)
        depots = ledger._bhima_depots()
        lines = ledger._bhima_lines_sql(
            depots,
            since=ledger._bhima_day_start(date_from),
            until=ledger._bhima_day_start(date_to + timedelta(days=1)),
        )
        return SQL(
            """
            WITH bhima_depot_loc AS MATERIALIZED (%(depot_loc)s),
            lines AS (%(lines)s),
            monthly AS (
                SELECT depot_id, product_id, date_trunc('month', day)::date AS month,
                       SUM(consumed) AS quantity_consumed,
                       SUM(quantity) FILTER (WHERE quantity > 0) AS quantity_in,
                       -SUM(quantity) FILTER (WHERE quantity < 0) AS quantity_out,
                       COUNT(DISTINCT day) FILTER (WHERE consumed <> 0) AS consumption_days
                  FROM lines
              GROUP BY depot_id, product_id, date_trunc('month', day)
            )
            SELECT ROW_NUMBER() OVER (ORDER BY m.month, m.depot_id, m.product_id) AS id,
                   m.depot_id, wh.company_id, m.product_id, pp.product_tmpl_id, pt.categ_id, pt.uom_id,
                   m.month, COALESCE(m.quantity_consumed, 0) AS quantity_consumed,
                   COALESCE(m.quantity_in, 0) AS quantity_in, COALESCE(m.quantity_out, 0) AS quantity_out,
                   m.consumption_days
              FROM monthly m
              JOIN stock_warehouse wh ON wh.id = m.depot_id
              JOIN product_product pp ON pp.id = m.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE pt.is_storable
            """,
            depot_loc=ledger._bhima_depot_locations_sql(depots),
            lines=lines,
        )

    @api.model
    def _bhima_action(self, depots=None, day=None, domain=None, name=None, **context):
        return self.env["bhima.stock.ledger"]._bhima_report_action(
            "bhima_stock.bhima_stock_consumption_report_action",
            depots,
            day,
            domain,
            name,
            **context,
        )
