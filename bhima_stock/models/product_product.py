from odoo import models


class BhimaDeferredPrices:
    """The products whose average cost a batch of movements changed. A count
    or an import validates several movements (one exit and one entry per
    depot): recomputing the average cost of every article after each movement
    would replay each article's history once per movement. Like Odoo's own
    batches (exits are valued before the entries of the batch change the
    cost), the recomputation is done once, at the end of the batch."""

    def __init__(self):
        self.product_ids = set()

    def flush(self, env):
        products = env["product.product"].browse(sorted(self.product_ids))
        self.product_ids = set()
        products._update_standard_price()


class ProductProduct(models.Model):
    _inherit = "product.product"

    def _update_standard_price(self, extra_value=None, extra_quantity=None):
        deferred = self.env.context.get("bhima_deferred_prices")
        if isinstance(deferred, BhimaDeferredPrices):
            deferred.product_ids.update(self.ids)
            return None
        return super()._update_standard_price(
            extra_value=extra_value, extra_quantity=extra_quantity
        )
