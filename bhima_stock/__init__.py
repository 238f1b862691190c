from . import models
from . import wizards


def post_init_hook(env):
    """What existed before bhima_stock: a product's creation cost is its initial
    cost, dated before any movement (see product.product); a lot's expiration date
    is the end of its day in the company's time zone (see stock.lot)."""
    env["product.product"]._bhima_date_initial_costs()
    env["stock.lot"].search([("expiration_date", "!=", False)])._bhima_normalize_expiration()
