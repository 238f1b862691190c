from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """The creation cost of existing products becomes their initial cost, dated
    before any movement; expiration dates become the end of their day in the
    company's time zone."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["product.product"]._bhima_date_initial_costs()
    env["stock.lot"].search([("expiration_date", "!=", False)])._bhima_normalize_expiration()
