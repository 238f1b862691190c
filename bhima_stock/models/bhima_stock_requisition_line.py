from collections import defaultdict

from odoo import api, fields, models


class BhimaStockRequisitionLine(models.Model):
    _name = "bhima.stock.requisition.line"
    _description = "BHIMA Stock Requisition Line"
    _order = "requisition_id, id"
    _check_company_auto = True

    requisition_id = fields.Many2one(
        "bhima.stock.requisition", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="requisition_id.company_id", store=True)
    product_id = fields.Many2one(
        "product.product",
        string="Article",
        required=True,
        index=True,
        check_company=True,
        domain="[('is_storable', '=', True)]",
    )
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    quantity = fields.Float(string="Requested", digits="Product Unit", required=True, default=1.0)
    quantity_validated = fields.Float(
        string="Validated",
        digits="Product Unit",
        compute="_compute_quantity_validated",
        store=True,
        readonly=False,
        precompute=True,
        help="The quantity the depot agreed to deliver (the requested one unless changed "
        "before the validation).",
    )
    quantity_delivered = fields.Float(
        string="Delivered", digits="Product Unit", compute="_compute_quantity_delivered", store=True
    )
    requester_stock = fields.Float(
        string="Requester's Stock",
        digits="Product Unit",
        compute="_compute_stocks",
        help="The stock of the article in the requesting depot now.",
    )
    depot_stock = fields.Float(
        string="Depot's Stock",
        digits="Product Unit",
        compute="_compute_stocks",
        help="The stock of the article in the depot asked, now.",
    )

    _quantity_positive = models.Constraint(
        "CHECK(quantity > 0 AND quantity_validated >= 0)",
        "Requested quantities must be positive.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.requisition_id._bhima_check_lines_open()
        return lines

    def write(self, vals):
        self.requisition_id._bhima_check_lines_open()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_validated(self):
        self.requisition_id._bhima_check_lines_open()

    @api.depends("quantity")
    def _compute_quantity_validated(self):
        for line in self:
            if not line.requisition_id.is_validated:
                line.quantity_validated = line.quantity

    @api.depends(
        "requisition_id.movement_ids.state", "requisition_id.movement_ids.line_ids.quantity"
    )
    def _compute_quantity_delivered(self):
        for requisition, lines in self.grouped("requisition_id").items():
            delivered = requisition._bhima_delivered() if requisition else defaultdict(float)
            for line in lines:
                taken = min(delivered[line.product_id], line.quantity_validated)
                delivered[line.product_id] -= taken
                line.quantity_delivered = taken
            # what is delivered beyond the validated quantities goes to the last line
            for line in reversed(lines):
                extra = delivered.get(line.product_id, 0.0)
                if extra > 0:
                    line.quantity_delivered += extra
                    delivered[line.product_id] = 0.0

    def _compute_stocks(self):
        Warehouse = self.env["stock.warehouse"]
        for requisition, lines in self.grouped("requisition_id").items():
            depots = (requisition.depot_id | requisition.requester_depot_id).ids
            balances = Warehouse._bhima_current_balances(depots, lines.product_id.ids)
            totals = defaultdict(float)
            for (depot, product, _lot), quantity in balances.items():
                totals[(depot, product)] += quantity
            for line in lines:
                line.depot_stock = totals[(requisition.depot_id.id, line.product_id.id)]
                line.requester_stock = totals[
                    (requisition.requester_depot_id.id, line.product_id.id)
                ]
