from odoo import api, fields, models
from odoo.tools import SQL

from .bhima_stock_ledger import LEDGER_DEPENDS, STATUSES


class BhimaStockInventoryRegister(models.Model):
    """BHIMA's inventory register (état des stocks): one row per depot and
    article at the end of a day (``bhima_date`` in the context, default today),
    restricted to the depots of ``bhima_depot_ids`` when given. Computed in SQL
    by ``bhima.stock.ledger._bhima_register_sql``."""

    _name = "bhima.stock.inventory.register"
    _inherit = ["bhima.stock.register.mixin"]
    _description = "BHIMA Inventory Register"
    _auto = False
    _order = "depot_id, product_id"
    _depends = LEDGER_DEPENDS

    default_code = fields.Char(related="product_id.default_code", string="Code")
    date = fields.Date(readonly=True, help="The stock is the stock at the end of this day.")
    quantity = fields.Float(digits="Product Unit", readonly=True, aggregator="sum")
    quantity_expired = fields.Float(
        string="Expired Quantity", digits="Product Unit", readonly=True, aggregator="sum"
    )
    quantity_usable = fields.Float(
        string="Usable Quantity",
        digits="Product Unit",
        readonly=True,
        aggregator="sum",
        help="The quantity the status is computed on: without the expired lots when the "
        "setting 'Expired Stock Counts as Stock-out' is on.",
    )
    cmm = fields.Float(
        string="CMM",
        digits=(16, 2),
        readonly=True,
        aggregator="sum",
        help="Average monthly consumption with the company's algorithm.",
    )
    cmm_def = fields.Float(
        string="CMM (default)",
        digits=(16, 2),
        readonly=True,
        aggregator="sum",
        help="Consumption of the window divided by its days in stock, times 30.5.",
    )
    cmm_msh = fields.Float(
        string="CMM (MSH)",
        digits=(16, 2),
        readonly=True,
        aggregator="sum",
        help="Consumption of the window divided by its months not out of stock.",
    )
    consumed_quantity = fields.Float(
        string="Consumed in the Window", digits="Product Unit", readonly=True, aggregator="sum"
    )
    stock_days = fields.Integer(string="Days in Stock", readonly=True, aggregator="sum")
    stock_out_days = fields.Integer(string="Days out of Stock", readonly=True, aggregator="sum")
    consumption_days = fields.Integer(
        string="Days with Consumption", readonly=True, aggregator="sum"
    )
    head_days = fields.Integer(readonly=True, aggregator=None)
    tail_days = fields.Integer(readonly=True, aggregator=None)
    security_stock = fields.Float(
        digits=(16, 2),
        readonly=True,
        aggregator="sum",
        help="CMM times the lead time (at least the company's minimum lead time).",
    )
    minimum_stock = fields.Float(
        digits=(16, 2),
        readonly=True,
        aggregator="sum",
        help="Security stock times the depot's minimum months of security stock.",
    )
    maximum_stock = fields.Float(
        digits=(16, 2),
        readonly=True,
        aggregator="sum",
        help="CMM times the purchase interval, plus the minimum stock.",
    )
    months_of_stock = fields.Float(
        string="Months of Stock", digits=(16, 0), readonly=True, aggregator=None
    )
    quantity_to_order = fields.Float(
        string="To Order", digits="Product Unit", readonly=True, aggregator="sum"
    )
    status = fields.Selection(STATUSES, readonly=True)
    lots_at_risk = fields.Integer(
        string="Lots at Risk",
        readonly=True,
        aggregator="sum",
        help="Lots that will expire before being used at the CMM, first expiry first out.",
    )
    quantity_at_risk = fields.Float(
        string="Quantity at Risk of Expiry", digits="Product Unit", readonly=True, aggregator="sum"
    )
    quantity_near_expiry = fields.Float(
        string="Quantity of Lots at Risk", digits="Product Unit", readonly=True, aggregator="sum"
    )
    lots_expiring_soon = fields.Integer(readonly=True, aggregator="sum")
    lots_expired = fields.Integer(string="Expired Lots", readonly=True, aggregator="sum")
    last_movement_date = fields.Datetime(string="Last Movement", readonly=True, aggregator="max")

    @property
    def _table_query(self):
        ledger = self.env["bhima.stock.ledger"]
        day = ledger._bhima_report_day()
        depots = ledger._bhima_depots()
        product_ids = self.env.context.get("bhima_product_ids")
        return SQL(
            """
            SELECT %(row_id)s AS id,
                   r.depot_id, r.company_id, r.product_id, r.product_tmpl_id, r.categ_id, r.uom_id,
                   %(day)s::date AS date,
                   r.quantity, r.quantity_expired, r.quantity_usable,
                   r.cmm, r.cmm_def, r.cmm_msh, r.consumed AS consumed_quantity,
                   r.stock_days, r.stock_out_days, r.consumption_days, r.head_days, r.tail_days,
                   ROUND(r.s_sec, 2) AS security_stock, ROUND(r.s_min, 2) AS minimum_stock,
                   ROUND(r.s_max, 2) AS maximum_stock, r.months_of_stock, r.quantity_to_order,
                   r.status, r.lots_at_risk, r.quantity_at_risk, r.quantity_near_expiry,
                   r.lots_expiring_soon, r.lots_expired, r.last_movement_date
              FROM (%(register)s) r
            """,
            day=day,
            row_id=ledger._bhima_row_id_sql(SQL("r.depot_rank"), SQL("r.product_id")),
            register=ledger._bhima_register_sql(depots, day, product_ids=product_ids),
        )

    def _compute_display_name(self):
        for row in self:
            row.display_name = f"{row.depot_id.display_name} - {row.product_id.display_name}"

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _bhima_report_context(self):
        context = {}
        for key in ("bhima_date", "bhima_depot_ids"):
            if self.env.context.get(key):
                context[key] = self.env.context[key]
        return context

    def action_open_stock_sheet(self):
        """The stock sheet of this article in this depot."""
        self.ensure_one()
        return self.env["bhima.stock.sheet"]._bhima_open(
            product=self.product_id, depot=self.depot_id, date_to=self.date
        )

    def action_open_lots(self):
        """The lots of this article in this depot (lot register)."""
        self.ensure_one()
        return self.env["bhima.stock.lot.register"]._bhima_action(
            depots=self.depot_id,
            day=self.date,
            domain=[("product_id", "=", self.product_id.id)],
            name=self.env._("Lots of %(article)s", article=self.product_id.display_name),
        )

    def action_open_schedule(self):
        """BHIMA's lot usage schedule: the lots of this article in this depot,
        used first expiry first out at the CMM."""
        self.ensure_one()
        action = self.action_open_lots()
        action["name"] = self.env._(
            "Lot usage schedule of %(article)s", article=self.product_id.display_name
        )
        action["views"] = [
            (self.env.ref("bhima_stock.bhima_stock_lot_register_view_list_schedule").id, "list"),
            (False, "form"),
        ]
        action.pop("view_id", None)
        return action

    @api.model
    def _bhima_action(self, depots=None, day=None, domain=None, name=None, **context):
        return self.env["bhima.stock.ledger"]._bhima_report_action(
            "bhima_stock.bhima_stock_inventory_register_action",
            depots,
            day,
            domain,
            name,
            **context,
        )
