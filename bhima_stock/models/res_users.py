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
