from odoo import fields, models
from odoo.tools import SQL

HISTORY_KINDS = [
    ("sale", "Sale"),
    ("refund", "Refund"),
    ("initial", "Initial Stock"),
    ("delivery", "Delivery"),
    ("loss", "Exit (loss)"),
    ("adjustment", "Count / Adjustment"),
    ("transfer", "Transfer"),
    ("other_entry", "Other Entry"),
    ("other_exit", "Other Exit"),
]


class BhimaPosStockHistory(models.Model):
    """Every entry and exit of the stock points, sales included: one row per
    done stock move line that brings stock into a point or takes it out. A SQL
    view over Odoo's move lines (nothing is stored twice)."""

    _name = "bhima.pos.stock.history"
    _description = "Stock Point History"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "reference"
    _depends = {
        "stock.warehouse": ["bhima_pos_stock_point", "lot_stock_id", "company_id"],
        "stock.location": ["parent_path", "usage"],
        "stock.move.line": [
            "state",
            "date",
            "product_id",
            "lot_id",
            "quantity_product_uom",
            "location_id",
            "location_dest_id",
            "move_id",
            "create_uid",
        ],
        "stock.move": [
            "bhima_flux_id",
            "bhima_movement_id",
            "is_inventory",
            "picking_id",
            "partner_id",
            "reference",
            "origin",
            "bhima_pos_untracked",
        ],
        "stock.picking": ["pos_order_id", "pos_session_id", "partner_id", "name"],
        "bhima.stock.movement": ["loss_reason", "partner_id", "user_id", "description"],
        "product.product": ["product_tmpl_id"],
    }

    depot_id = fields.Many2one("stock.warehouse", string="Stock Point", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date = fields.Datetime(readonly=True)
    product_id = fields.Many2one("product.product", string="Article", readonly=True)
    product_tmpl_id = fields.Many2one("product.template", readonly=True)
    lot_id = fields.Many2one("stock.lot", string="Lot", readonly=True)
    kind = fields.Selection(HISTORY_KINDS, readonly=True)
    flux_id = fields.Many2one("bhima.stock.flux", string="Flux", readonly=True)
    loss_reason = fields.Selection(
        selection=lambda self: self.env["bhima.stock.movement"]
        ._fields["loss_reason"]
        ._description_selection(self.env),
        readonly=True,
    )
    quantity = fields.Float(
        digits="Product Unit",
        readonly=True,
        help="In the article's unit: positive for an entry, negative for an exit.",
    )
    quantity_display = fields.Char(string="Movement", compute="_compute_quantity_display")
    move_id = fields.Many2one("stock.move", string="Stock Move", readonly=True)
    movement_id = fields.Many2one("bhima.stock.movement", string="BHIMA Movement", readonly=True)
    pos_order_id = fields.Many2one("pos.order", string="PoS Order", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Partner", readonly=True)
    user_id = fields.Many2one("res.users", string="User", readonly=True)
    reference = fields.Char(readonly=True)
    comment = fields.Text(readonly=True)
    untracked = fields.Boolean(
        string="Stock Not Managed",
        readonly=True,
        help="The article's stock management was off: its quantities did not change.",
    )

    @property
    def _table_query(self):
        # Two branches (into a point, out of a point), each driven by the move
        # lines' indexed locations so that a filter on the point stays cheap; an
        # id per (move line, direction) keeps the rows unique when a move line
        # goes from one stock point to another.
        return SQL(
            """
            WITH point_location AS NOT MATERIALIZED (
                SELECT w.id AS depot_id, w.company_id, stock.parent_path, l.id AS location_id
                  FROM stock_warehouse w
                  JOIN stock_location stock ON stock.id = w.lot_stock_id
                  JOIN stock_location l ON l.parent_path LIKE stock.parent_path || '%%'
                                       AND l.usage = 'internal'
                 WHERE w.bhima_pos_stock_point
            ), moved AS NOT MATERIALIZED (
                SELECT sml.id * 2 + 1 AS id, pl.depot_id, pl.company_id, sml.id AS line_id,
                       TRUE AS incoming, other.usage AS other_usage
                  FROM point_location pl
                  JOIN stock_move_line sml ON sml.location_dest_id = pl.location_id
                  JOIN stock_location other ON other.id = sml.location_id
                 WHERE sml.state = 'done'
                   AND NOT (other.usage = 'internal' AND other.parent_path LIKE pl.parent_path || '%%')
             UNION ALL
                SELECT sml.id * 2 AS id, pl.depot_id, pl.company_id, sml.id AS line_id,
                       FALSE AS incoming, other.usage AS other_usage
                  FROM point_location pl
                  JOIN stock_move_line sml ON sml.location_id = pl.location_id
                  JOIN stock_location other ON other.id = sml.location_dest_id
                 WHERE sml.state = 'done'
                   AND NOT (other.usage = 'internal' AND other.parent_path LIKE pl.parent_path || '%%')
            )
            SELECT moved.id, moved.depot_id, moved.company_id, sml.date, sml.product_id,
                   pp.product_tmpl_id, sml.lot_id, m.bhima_flux_id AS flux_id,
                   movement.loss_reason,
                   CASE WHEN moved.incoming THEN 1 ELSE -1 END * sml.quantity_product_uom AS quantity,
                   CASE
                       WHEN picking.pos_order_id IS NOT NULL OR picking.pos_session_id IS NOT NULL
                           THEN CASE WHEN moved.incoming THEN 'refund' ELSE 'sale' END
                       WHEN flux.code = 13 AND moved.incoming THEN 'initial'
                       WHEN flux.code = 1 THEN 'delivery'
                       WHEN flux.code = 11 THEN 'loss'
                       WHEN flux.code = 15 OR m.is_inventory THEN 'adjustment'
                       WHEN flux.code IN (2, 8) OR moved.other_usage IN ('transit', 'internal')
                           THEN 'transfer'
                       WHEN moved.other_usage = 'supplier' AND flux.id IS NULL THEN 'delivery'
                       WHEN moved.incoming THEN 'other_entry'
                       ELSE 'other_exit'
                   END AS kind,
                   sml.move_id, m.bhima_movement_id AS movement_id, picking.pos_order_id,
                   COALESCE(movement.partner_id, picking.partner_id, m.partner_id) AS partner_id,
                   COALESCE(movement.user_id, sml.create_uid) AS user_id,
                   COALESCE(m.reference, picking.name, m.origin) AS reference,
                   movement.description AS comment,
                   COALESCE(m.bhima_pos_untracked, FALSE) AS untracked
              FROM moved
              JOIN stock_move_line sml ON sml.id = moved.line_id
              JOIN stock_move m ON m.id = sml.move_id
              JOIN product_product pp ON pp.id = sml.product_id
         LEFT JOIN stock_picking picking ON picking.id = m.picking_id
         LEFT JOIN bhima_stock_movement movement ON movement.id = m.bhima_movement_id
         LEFT JOIN bhima_stock_flux flux ON flux.id = m.bhima_flux_id
            """
        )

    def _compute_quantity_display(self):
        for row in self:
            row.quantity_display = row.product_tmpl_id._bhima_pos_format(row.quantity)

    def _bhima_values(self):
        self.ensure_one()
        return {
            "date": fields.Datetime.to_string(self.date),
            "product_id": self.product_id.id,
            "name": self.product_id.display_name,
            "lot": self.lot_id.name or False,
            "kind": self.kind,
            "loss_reason": self.loss_reason or False,
            "quantity": self.quantity,
            "display": self.quantity_display,
            "reference": self.reference or False,
            "partner": self.partner_id.display_name or False,
            "comment": self.comment or False,
            "pos_order": self.pos_order_id.name or False,
            "tracked": not self.untracked,
        }
