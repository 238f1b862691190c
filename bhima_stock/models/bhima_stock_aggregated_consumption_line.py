from odoo import api, fields, models


class BhimaStockAggregatedConsumptionLine(models.Model):
    _name = "bhima.stock.aggregated.consumption.line"
    _description = "BHIMA Aggregated Consumption Line"
    _order = "consumption_id, id"
    _check_company_auto = True

    consumption_id = fields.Many2one(
        "bhima.stock.aggregated.consumption", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="consumption_id.company_id", store=True)
    product_id = fields.Many2one(
        "product.product", string="Article", required=True, check_company=True
    )
    lot_id = fields.Many2one(
        "stock.lot", string="Lot", check_company=True, domain="[('product_id', '=', product_id)]"
    )
    expiration_date = fields.Datetime(related="lot_id.expiration_date")
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    balance_end = fields.Float(
        string="Stock at the Period End",
        digits="Product Unit",
        compute="_compute_balances",
        help="The stock of the lot in the depot at the end of the period.",
    )
    current_qty = fields.Float(
        string="Stock Now", digits="Product Unit", compute="_compute_balances"
    )
    quantity_consumed = fields.Float(string="Consumed", digits="Product Unit")
    quantity_lost = fields.Float(string="Lost", digits="Product Unit")
    stock_out_days = fields.Integer(
        string="Stock-out Days",
        help="Days without stock of the article in the period: the exits are dated this "
        "many days before the period end.",
    )
    detail_ids = fields.One2many(
        "bhima.stock.aggregated.consumption.detail", "line_id", string="Sub-periods"
    )

    @api.depends("consumption_id.date_to", "consumption_id.depot_id", "product_id", "lot_id")
    def _compute_balances(self):
        for record, lines in self.grouped("consumption_id").items():
            if not record.depot_id or not record.date_to:
                lines.balance_end = lines.current_qty = 0.0
                continue
            products = lines.product_id.ids
            at_end = record.depot_id._bhima_balances_at(record._bhima_period_end(), products)
            now = self.env["stock.warehouse"]._bhima_current_balances(record.depot_id.ids, products)
            for line in lines:
                key = (line.product_id.id, line.lot_id.id or None)
                line.balance_end = at_end.get(key, 0.0)
                line.current_qty = now.get((record.depot_id.id, *key), 0.0)

    def _bhima_label(self):
        self.ensure_one()
        if self.lot_id:
            return self.env._(
                "%(article)s, lot %(lot)s",
                article=self.product_id.display_name,
                lot=self.lot_id.name,
            )
        return self.product_id.display_name

    def _bhima_problems(self, period_days):
        """What is wrong with the line, as lines of an error message."""
        self.ensure_one()
        problems = []
        if self.quantity_consumed < 0 or self.quantity_lost < 0:
            problems.append(
                self.env._("- %(lot)s: quantities cannot be negative", lot=self._bhima_label())
            )
        if not 0 <= self.stock_out_days <= period_days:
            problems.append(
                self.env._(
                    "- %(lot)s: %(days)s days of stock-out in a period of %(period)s days",
                    lot=self._bhima_label(),
                    days=self.stock_out_days,
                    period=period_days,
                )
            )
        if self.stock_out_days and self.detail_ids:
            problems += self._bhima_detail_problems()
        return problems

    def _bhima_detail_problems(self):
        """The sub-periods lie in the period and add up to the line."""
        self.ensure_one()
        record = self.consumption_id
        problems = []
        for detail in self.detail_ids:
            if not (record.date_from <= detail.date_from <= detail.date_to <= record.date_to):
                problems.append(
                    self.env._(
                        "- %(lot)s: the sub-period %(start)s - %(end)s is not inside the period",
                        lot=self._bhima_label(),
                        start=detail.date_from,
                        end=detail.date_to,
                    )
                )
        uom = self.product_id.uom_id
        consumed = sum(self.detail_ids.mapped("quantity_consumed"))
        lost = sum(self.detail_ids.mapped("quantity_lost"))
        if uom.compare(consumed, self.quantity_consumed) or uom.compare(lost, self.quantity_lost):
            problems.append(
                self.env._(
                    "- %(lot)s: the sub-periods add up to %(consumed)s consumed and %(lost)s "
                    "lost, the line says %(line_consumed)s and %(line_lost)s",
                    lot=self._bhima_label(),
                    consumed=consumed,
                    lost=lost,
                    line_consumed=self.quantity_consumed,
                    line_lost=self.quantity_lost,
                )
            )
        return problems

    def action_open_details(self):
        """The line's sub-periods, in a dialog."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Sub-periods of %(lot)s", lot=self._bhima_label()),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [
                (
                    self.env.ref(
                        "bhima_stock.bhima_stock_aggregated_consumption_line_view_form"
                    ).id,
                    "form",
                )
            ],
            "target": "new",
        }
