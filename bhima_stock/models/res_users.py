from odoo import fields, models


class ResUsers(models.Model):
    """Depot permissions seen from the user: same tables as on the depot."""

    _inherit = "res.users"

    bhima_managed_depot_ids = fields.Many2many(
        "stock.warehouse",
        "bhima_depot_manager_rel",
        "user_id",
        "warehouse_id",
        string="Managed Depots",
        help="Depots where this user moves stock.",
    )
    bhima_supervised_depot_ids = fields.Many2many(
        "stock.warehouse",
        "bhima_depot_supervisor_rel",
        "user_id",
        "warehouse_id",
        string="Supervised Depots",
        help="Depots whose stock this user sees without moving it.",
    )
    bhima_default_depot_id = fields.Many2one(
        "stock.warehouse",
        string="Default Depot",
        help="The depot this user's invoices move stock in when neither the line nor "
        "the invoice names one.",
    )

    # Default depot of new documents (issue 9)
    def _bhima_default_depot(self):
        """The user's default depot, else the only depot they manage."""
        self.ensure_one()
        user = self.sudo()
        if (
            user.bhima_default_depot_id
            and user.bhima_default_depot_id.company_id in self.env.companies
        ):
            return user.bhima_default_depot_id
        managed = (
            self.env["stock.warehouse"]
            .sudo()
            .search(
                [
                    ("bhima_manager_all_ids", "in", user.id),
                    ("company_id", "in", self.env.companies.ids),
                ]
            )
        )
        return managed if len(managed) == 1 else self.env["stock.warehouse"]

    def _get_default_warehouse_id(self):
        """Odoo's documents (deliveries, receipts, sales, the forecast report)
        start from the user's default depot."""
        depot = self._bhima_default_depot() if len(self) == 1 else None
        if depot and depot.company_id == self.env.company:
            return depot.with_env(self.env)
        return super()._get_default_warehouse_id()
