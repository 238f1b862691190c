from odoo import fields, models
from odoo.tools import SQL


class BhimaStockTransitReport(models.Model):
    """Stock sent between depots, per transfer and lot: sent, received and the
    difference, which is in transit until received and lost in transit once
    the transfer is closed (BHIMA's lost-stock report)."""

    _name = "bhima.stock.transit.report"
    _description = "BHIMA Stock in Transit"
    _auto = False
    _order = "date desc, transfer_id desc"

    transfer_id = fields.Many2one("bhima.stock.movement", string="Transfer", readonly=True)
    date = fields.Datetime(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    from_depot_id = fields.Many2one("stock.warehouse", string="From Depot", readonly=True)
    to_depot_id = fields.Many2one("stock.warehouse", string="To Depot", readonly=True)
    product_id = fields.Many2one("product.product", string="Article", readonly=True)
    lot_id = fields.Many2one("stock.lot", string="Lot", readonly=True)
    quantity_sent = fields.Float(
        string="Sent", digits="Product Unit", readonly=True, aggregator="sum"
    )
    quantity_received = fields.Float(
        string="Received", digits="Product Unit", readonly=True, aggregator="sum"
    )
    quantity_lost = fields.Float(
        string="Lost", digits="Product Unit", readonly=True, aggregator="sum"
    )
    quantity_difference = fields.Float(
        string="Sent - Received", digits="Product Unit", readonly=True, aggregator="sum"
    )
    quantity_in_transit = fields.Float(
        string="In Transit", digits="Product Unit", readonly=True, aggregator="sum"
    )
    transfer_state = fields.Selection(
        [
            ("in_transit", "In transit"),
            ("partial", "Partially received"),
            ("received", "Received"),
            ("lost", "Closed with losses"),
        ],
        readonly=True,
    )

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT MIN(line.id) AS id,
                   transfer.id AS transfer_id,
                   transfer.date AS date,
                   transfer.company_id AS company_id,
                   transfer.depot_id AS from_depot_id,
                   transfer.dest_depot_id AS to_depot_id,
                   transfer.transfer_state AS transfer_state,
                   line.product_id AS product_id,
                   line.lot_id AS lot_id,
                   SUM(line.quantity) AS quantity_sent,
                   COALESCE(received.quantity, 0) AS quantity_received,
                   COALESCE(received.lost, 0) AS quantity_lost,
                   SUM(line.quantity) - COALESCE(received.quantity, 0) AS quantity_difference,
                   SUM(line.quantity) - COALESCE(received.quantity, 0) - COALESCE(received.lost, 0)
                       AS quantity_in_transit
              FROM bhima_stock_movement transfer
              JOIN bhima_stock_flux flux ON flux.id = transfer.flux_id AND flux.code = 8
              JOIN bhima_stock_movement_line line ON line.movement_id = transfer.id
         LEFT JOIN (
                    SELECT reception.transfer_origin_id, rline.product_id, rline.lot_id,
                           SUM(rline.quantity) FILTER (WHERE reception.from_transit IS NOT TRUE) AS quantity,
                           SUM(rline.quantity) FILTER (WHERE reception.from_transit IS TRUE) AS lost
                      FROM bhima_stock_movement reception
                      JOIN bhima_stock_movement_line rline ON rline.movement_id = reception.id
                     WHERE reception.state = 'done' AND reception.transfer_origin_id IS NOT NULL
                  GROUP BY reception.transfer_origin_id, rline.product_id, rline.lot_id
                   ) received
                ON received.transfer_origin_id = transfer.id
               AND received.product_id = line.product_id
               AND received.lot_id IS NOT DISTINCT FROM line.lot_id
             WHERE transfer.state = 'done'
          GROUP BY transfer.id, line.product_id, line.lot_id, received.quantity, received.lost
            """
        )

    def action_open_transfer(self):
        """A row of the register opens its transfer."""
        self.ensure_one()
        return self.transfer_id._bhima_form_action()
