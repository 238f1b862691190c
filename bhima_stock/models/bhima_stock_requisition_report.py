from odoo import fields, models
from odoo.tools import SQL


class BhimaStockRequisitionReport(models.Model):
    """Satisfaction of the validated requisitions, per line: requested,
    validated and delivered quantities (the rate of a group is the sum
    delivered over the sum validated: ``get_satisfaction_rates``)."""

    _name = "bhima.stock.requisition.report"
    _description = "BHIMA Requisition Satisfaction Report"
    _auto = False
    _order = "date desc, requisition_id desc"

    requisition_id = fields.Many2one("bhima.stock.requisition", string="Requisition", readonly=True)
    date = fields.Datetime(readonly=True)
    depot_id = fields.Many2one("stock.warehouse", string="Depot", readonly=True)
    requester_type = fields.Selection(
        [("service", "Service"), ("depot", "Depot")], string="Requested by", readonly=True
    )
    service_id = fields.Many2one("bhima.stock.service", string="Service", readonly=True)
    requester_depot_id = fields.Many2one(
        "stock.warehouse", string="Requesting Depot", readonly=True
    )
    status = fields.Selection(
        selection=lambda self: self.env["bhima.stock.requisition"]._fields["status"].selection,
        readonly=True,
    )
    company_id = fields.Many2one("res.company", readonly=True)
    product_id = fields.Many2one("product.product", string="Article", readonly=True)
    quantity_requested = fields.Float(string="Requested", readonly=True)
    quantity_validated = fields.Float(string="Validated", readonly=True)
    quantity_delivered = fields.Float(string="Delivered", readonly=True)
    satisfaction_rate = fields.Float(
        string="Satisfaction Rate (%)", readonly=True, aggregator="avg"
    )

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT l.id, r.id AS requisition_id, r.date, r.depot_id, r.requester_type,
                   r.service_id, r.requester_depot_id, r.status, r.company_id, l.product_id,
                   l.quantity AS quantity_requested, l.quantity_validated, l.quantity_delivered,
                   CASE WHEN l.quantity_validated > 0
                        THEN 100.0 * l.quantity_delivered / l.quantity_validated
                        ELSE 0 END AS satisfaction_rate
              FROM bhima_stock_requisition_line l
              JOIN bhima_stock_requisition r ON r.id = l.requisition_id
             WHERE r.is_validated AND NOT COALESCE(r.is_cancelled, FALSE)
            """
        )
