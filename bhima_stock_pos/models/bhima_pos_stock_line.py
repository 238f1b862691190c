from odoo import api, fields, models


class BhimaPosStockLine(models.Model):
    """An article followed at a stock point: a line of its current stock, with
    the point's own alert threshold. Created by the first movement of the
    article at the point; "delete" brings the stock to zero and archives the
    line (it leaves the current stock); a later movement brings it back."""

    _name = "bhima.pos.stock.line"
    _description = "Stock Point Line"
    _order = "depot_id, product_id"
    _rec_name = "product_id"
    _check_company_auto = True

    depot_id = fields.Many2one(
        "stock.warehouse",
        string="Stock Point",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        domain="[('bhima_pos_stock_point', '=', True)]",
    )
    company_id = fields.Many2one(related="depot_id.company_id", store=True, index=True)
    product_id = fields.Many2one(
        "product.product", string="Article", required=True, index=True, ondelete="cascade"
    )
    product_tmpl_id = fields.Many2one(related="product_id.product_tmpl_id")
    active = fields.Boolean(default=True)
    own_threshold = fields.Boolean(
        string="Own Alert Threshold",
        help="Use the threshold below at this stock point instead of the article's.",
    )
    own_alert_threshold = fields.Float(
        string="Alert Threshold at this Point", digits="Product Unit", help="In whole units."
    )
    alert_threshold = fields.Float(
        digits="Product Unit",
        compute="_compute_alert_threshold",
        help="In whole units: the point's own threshold, else the article's.",
    )

    _depot_product_uniq = models.Constraint(
        "UNIQUE(depot_id, product_id)", "An article has one line per stock point."
    )
    _threshold_positive = models.Constraint(
        "CHECK(own_alert_threshold >= 0)", "An alert threshold cannot be negative."
    )

    @api.depends("own_threshold", "own_alert_threshold", "product_id.bhima_pos_alert_threshold")
    def _compute_alert_threshold(self):
        for line in self:
            line.alert_threshold = (
                line.own_alert_threshold
                if line.own_threshold
                else line.product_id.bhima_pos_alert_threshold
            )

    @api.model
    def _bhima_ensure(self, pairs, reactivate=True):
        """Lines for ``pairs`` ({(depot id, product id)}), created when missing and
        (``reactivate``) unarchived; returns them. Two queries at most."""
        if not pairs:
            return self.browse()
        Line = self.sudo().with_context(active_test=False)
        depot_ids = {depot for depot, _product in pairs}
        product_ids = {product for _depot, product in pairs}
        existing = Line.search(
            [("depot_id", "in", list(depot_ids)), ("product_id", "in", list(product_ids))]
        )
        found = {(line.depot_id.id, line.product_id.id): line for line in existing}
        lines = Line.browse([found[pair].id for pair in pairs if pair in found])
        if reactivate:
            lines.filtered(lambda line: not line.active).active = True
        missing = [pair for pair in pairs if pair not in found]
        if missing:
            lines |= Line.create(
                [{"depot_id": depot, "product_id": product} for depot, product in missing]
            )
        return lines.with_env(self.env)
