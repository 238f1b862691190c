from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from .bhima_stock_ledger import LEDGER_DEPENDS


class BhimaStockValueReport(models.Model):
    """The stock value of each depot at the end of a day (``bhima_date`` in the
    context, default today), per article: the quantity in the depot at that day
    times the company's unit cost at that day (the value of its valued stock
    divided by its quantity, from ``stock.move.value``): historic values, not
    today's cost times past quantities. Group it by depot and inventory group in
    the pivot view."""

    _name = "bhima.stock.value.report"
    _inherit = ["bhima.stock.register.mixin"]
    _description = "BHIMA Stock Value at a Date"
    _auto = False
    _order = "depot_id, product_id"
    _depends = LEDGER_DEPENDS

    currency_id = fields.Many2one("res.currency", readonly=True)
    date = fields.Date(readonly=True)
    quantity = fields.Float(digits="Product Unit", readonly=True, aggregator="sum")
    unit_cost = fields.Float(digits="Product Price", readonly=True, aggregator="avg")
    value = fields.Monetary(readonly=True, aggregator="sum")
    sale_value = fields.Monetary(
        readonly=True, aggregator="sum", help="The quantity at the article's current sale price."
    )

    @property
    def _table_query(self):
        ledger = self.env["bhima.stock.ledger"]
        day = ledger._bhima_report_day()
        depots = ledger._bhima_depots()
        rows = ledger._bhima_lot_rows_sql(depots, day)
        end = ledger._bhima_day_start(day + timedelta(days=1))
        return SQL(
            """
            WITH stock AS (
                SELECT r.depot_id, r.depot_rank, r.company_id, r.product_id, r.product_tmpl_id,
                       r.categ_id, r.uom_id, SUM(r.quantity) AS quantity
                  FROM (%(rows)s) r
              GROUP BY r.depot_id, r.depot_rank, r.company_id, r.product_id, r.product_tmpl_id,
                       r.categ_id, r.uom_id
            ),
            costs AS (%(costs)s)
            SELECT %(row_id)s AS id,
                   s.depot_id, s.company_id, company.currency_id, s.product_id, s.product_tmpl_id,
                   s.categ_id, s.uom_id, %(day)s::date AS date, s.quantity,
                   COALESCE(c.unit_cost, 0) AS unit_cost,
                   s.quantity * COALESCE(c.unit_cost, 0) AS value,
                   s.quantity * COALESCE(pt.list_price, 0) AS sale_value
              FROM stock s
              JOIN res_company company ON company.id = s.company_id
              JOIN product_template pt ON pt.id = s.product_tmpl_id
         LEFT JOIN costs c ON c.product_id = s.product_id
            """,
            rows=rows,
            costs=ledger._bhima_unit_costs_sql(
                depots.company_id or self.env.company, end, SQL("SELECT product_id FROM stock")
            ),
            day=day,
            row_id=ledger._bhima_row_id_sql(SQL("s.depot_rank"), SQL("s.product_id")),
        )

    @api.model
    def _bhima_action(self, depots=None, day=None, domain=None, name=None, **context):
        return self.env["bhima.stock.ledger"]._bhima_report_action(
            "bhima_stock.bhima_stock_value_report_action", depots, day, domain, name, **context
        )
