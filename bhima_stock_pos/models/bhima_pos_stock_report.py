from odoo import api, fields, models
from odoo.tools import SQL


class BhimaPosStockReport(models.Model):
    """The current stock of the stock points: one row per followed article
    (``bhima.pos.stock.line``), with the quantity in stock now (the quants of
    the point), the last purchase price and the alert. A SQL view."""

    _name = "bhima.pos.stock.report"
    _description = "Stock Point Current Stock"
    _auto = False
    _order = "depot_id, product_id"
    _rec_name = "product_id"
    _depends = {
        "bhima.pos.stock.line": [
            "depot_id",
            "product_id",
            "active",
            "own_threshold",
            "own_alert_threshold",
        ],
        "stock.warehouse": ["bhima_pos_stock_point", "lot_stock_id", "company_id"],
        "stock.location": ["parent_path", "usage"],
        "stock.quant": ["quantity", "location_id", "product_id"],
        "stock.move": [
            "value",
            "product_qty",
            "state",
            "date",
            "location_id",
            "location_dest_id",
            "bhima_flux_id",
            "company_id",
            "product_id",
        ],
        "product.product": ["product_tmpl_id", "standard_price"],
        "product.template": [
            "categ_id",
            "uom_id",
            "bhima_whole_uom_id",
            "bhima_parts_per_unit",
            "bhima_pos_alert_threshold",
            "is_storable",
        ],
    }

    line_id = fields.Many2one("bhima.pos.stock.line", string="Line", readonly=True)
    depot_id = fields.Many2one("stock.warehouse", string="Stock Point", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    product_id = fields.Many2one("product.product", string="Article", readonly=True)
    product_tmpl_id = fields.Many2one("product.template", readonly=True)
    categ_id = fields.Many2one("product.category", string="Category", readonly=True)
    uom_id = fields.Many2one("uom.uom", string="Unit", readonly=True)
    whole_uom_id = fields.Many2one("uom.uom", string="Whole Unit", readonly=True)
    parts_per_unit = fields.Integer(readonly=True, aggregator=None)
    quantity = fields.Float(digits="Product Unit", readonly=True, help="In the article's unit.")
    units = fields.Float(
        string="Remaining (whole units)",
        digits="Product Unit",
        readonly=True,
        aggregator=None,
        help="The remaining quantity in whole units (bottles, blisters).",
    )
    quantity_display = fields.Char(
        string="Remaining", compute="_compute_quantity_display", help="Whole units and parts."
    )
    alert_threshold = fields.Float(digits="Product Unit", readonly=True, aggregator=None)
    is_alert = fields.Boolean(string="Alert", readonly=True)
    is_tracked = fields.Boolean(string="Stock Managed", readonly=True)
    last_price = fields.Float(
        string="Last Purchase Price",
        digits="Product Price",
        readonly=True,
        aggregator=None,
        help="The unit cost (per whole unit) of the last purchase or initial stock of the "
        "article, else its cost.",
    )
    total_value = fields.Monetary(string="Total at Last Price", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)

    @property
    def _table_query(self):
        return SQL(
            """
            WITH point AS (
                SELECT w.id AS depot_id, w.company_id, loc.parent_path
                  FROM stock_warehouse w
                  JOIN stock_location loc ON loc.id = w.lot_stock_id
                 WHERE w.bhima_pos_stock_point
            ), stock AS (
                SELECT point.depot_id, q.product_id, SUM(q.quantity) AS quantity
                  FROM point
                  JOIN stock_location l ON l.parent_path LIKE point.parent_path || '%%'
                                       AND l.usage = 'internal'
                  JOIN stock_quant q ON q.location_id = l.id
              GROUP BY point.depot_id, q.product_id
            )
            SELECT line.id, line.id AS line_id, line.depot_id, point.company_id,
                   line.product_id, pt.id AS product_tmpl_id, pt.categ_id, pt.uom_id,
                   pt.bhima_whole_uom_id AS whole_uom_id, parts.value AS parts_per_unit,
                   COALESCE(stock.quantity, 0) AS quantity,
                   COALESCE(stock.quantity, 0) / parts.value AS units,
                   threshold.value AS alert_threshold,
                   COALESCE(pt.is_storable, FALSE)
                       AND COALESCE(stock.quantity, 0) <= threshold.value * parts.value AS is_alert,
                   COALESCE(pt.is_storable, FALSE) AS is_tracked,
                   price.value * parts.value AS last_price,
                   COALESCE(stock.quantity, 0) * price.value AS total_value,
                   company.currency_id
              FROM bhima_pos_stock_line line
              JOIN point ON point.depot_id = line.depot_id
              JOIN res_company company ON company.id = point.company_id
              JOIN product_product pp ON pp.id = line.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
         LEFT JOIN stock ON stock.depot_id = line.depot_id AND stock.product_id = line.product_id
        CROSS JOIN LATERAL (
                SELECT GREATEST(COALESCE(pt.bhima_parts_per_unit, 1), 1) AS value
            ) parts
        CROSS JOIN LATERAL (
                SELECT CASE WHEN line.own_threshold THEN line.own_alert_threshold
                            ELSE COALESCE(pt.bhima_pos_alert_threshold, 0) END AS value
            ) threshold
        CROSS JOIN LATERAL (
                SELECT COALESCE(
                    (SELECT m.value / NULLIF(m.product_qty, 0)
                       FROM stock_move m
                       JOIN stock_location src ON src.id = m.location_id
                       JOIN stock_location dest ON dest.id = m.location_dest_id
                  LEFT JOIN bhima_stock_flux flux ON flux.id = m.bhima_flux_id
                      WHERE m.product_id = line.product_id
                        AND m.state = 'done'
                        AND m.company_id = point.company_id
                        AND dest.usage = 'internal'
                        AND ((src.usage = 'supplier' AND COALESCE(flux.code, 1) <> 6)
                             OR flux.code = 13)
                   ORDER BY m.date DESC, m.id DESC
                      LIMIT 1),
                    (pp.standard_price ->> point.company_id::text)::numeric,
                    0) AS value
            ) price
             WHERE line.active
            """
        )

    @api.depends("quantity", "product_tmpl_id")
    def _compute_quantity_display(self):
        for row in self:
            row.quantity_display = row.product_tmpl_id._bhima_pos_format(row.quantity)

    def _bhima_values(self):
        """The row as a dict, for the till and RPC clients."""
        self.ensure_one()
        template = self.product_tmpl_id
        units, parts = template._bhima_pos_split(self.quantity)
        return {
            "product_id": self.product_id.id,
            "product_tmpl_id": template.id,
            "name": self.product_id.display_name,
            "quantity": self.quantity,
            "units": units,
            "parts": parts,
            "parts_per_unit": self.parts_per_unit,
            "uom": self.uom_id.name,
            "whole_uom": self.whole_uom_id.name or self.uom_id.name,
            "display": self.quantity_display,
            "alert_threshold": self.alert_threshold,
            "alert": self.is_alert,
            "tracked": self.is_tracked,
            "last_purchase_price": self.last_price,
            "total_value": self.total_value,
        }

    # ------------------------------------------------------------------
    # Actions of the current stock list
    # ------------------------------------------------------------------

    @api.model
    def _bhima_context_point(self):
        depot_id = self.env.context.get("bhima_pos_depot_id")
        return self.env["stock.warehouse"].browse(depot_id) if depot_id else None

    @api.model
    def action_new_entry(self):
        """A new entry into the stock point of the list."""
        point = self._bhima_context_point()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Stock Entry"),
            "res_model": "bhima.pos.stock.entry",
            "view_mode": "form",
            "target": "new",
            "context": {"default_depot_id": point.id} if point else {},
        }

    @api.model
    def action_open_history(self):
        point = self._bhima_context_point()
        if point:
            return point.action_bhima_pos_history()
        return self.env["ir.actions.act_window"]._for_xml_id(
            "bhima_stock_pos.bhima_pos_stock_history_action"
        )

    def action_exit(self):
        """Open the exit form for this article (quantities, reason, comment)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Stock Exit"),
            "res_model": "bhima.pos.stock.exit",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_depot_id": self.depot_id.id,
                "default_product_id": self.product_id.id,
            },
        }

    def action_remove(self):
        """Delete this line: the stock goes to zero through a traced loss."""
        for row in self:
            row.depot_id.bhima_pos_remove_line(row.product_id.id)
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    def action_toggle_tracking(self):
        """Switch the article's stock management off, or on again."""
        for row in self:
            row.depot_id.bhima_pos_set_tracking(row.product_id.id, not row.is_tracked)
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    def action_edit_line(self):
        """The point's own alert threshold for this article."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Alert Threshold"),
            "res_model": "bhima.pos.stock.line",
            "res_id": self.line_id.id,
            "view_mode": "form",
            "target": "new",
        }
