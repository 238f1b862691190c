from odoo import api, fields, models

REPORT_MODELS = {
    "inventory": "bhima.stock.inventory.register",
    "lots": "bhima.stock.lot.register",
    "value": "bhima.stock.value.report",
    "consumption": "bhima.stock.consumption.report",
}


class BhimaStockReportWizard(models.TransientModel):
    """Open a register or report at a past date, for some depots."""

    _name = "bhima.stock.report.wizard"
    _description = "BHIMA Registers at a Date"

    report = fields.Selection(
        [
            ("inventory", "Stock Status"),
            ("lots", "Lot Register"),
            ("value", "Stock Value"),
            ("consumption", "Monthly Consumption"),
        ],
        required=True,
        default="inventory",
    )
    depot_ids = fields.Many2many(
        "stock.warehouse", string="Depots", help="Leave empty for all the depots you may see."
    )
    date = fields.Date(
        string="At the End of",
        required=True,
        default=fields.Date.context_today,
        help="The stock is the stock at the end of this day.",
    )
    date_from = fields.Date(string="From", help="Monthly consumption: the first month.")
    include_empty_lots = fields.Boolean(help="Lot register: also the lots that are empty.")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "depot_ids" in fields_list and not values.get("depot_ids"):
            depot = self.env.user._bhima_default_depot()
            if depot:
                values["depot_ids"] = [(6, 0, depot.ids)]
        return values

    def action_open(self):
        self.ensure_one()
        ledger = self.env["bhima.stock.ledger"]
        date_from, day = ledger._bhima_check_period(
            self.date_from if self.report == "consumption" else None, self.date
        )
        action = self.env[REPORT_MODELS[self.report]]._bhima_action(depots=self.depot_ids, day=day)
        if date_from:
            action["context"]["bhima_date_from"] = fields.Date.to_string(date_from)
        if self.report == "lots" and self.include_empty_lots:
            action["context"]["bhima_lot_scope"] = "all"
        depot_names = ", ".join(self.depot_ids.mapped("display_name")) or self.env._("all depots")
        action["name"] = self.env._(
            "%(report)s at %(date)s (%(depots)s)",
            report=dict(self._fields["report"]._description_selection(self.env))[self.report],
            date=fields.Date.to_string(day),
            depots=depot_names,
        )
        return action
