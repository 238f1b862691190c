from odoo import fields, models
from odoo.exceptions import UserError


class BhimaStockMovement(models.Model):
    _inherit = "bhima.stock.movement"

    purchase_id = fields.Many2one(
        "purchase.order",
        string="Purchase Order",
        index="btree_not_null",
        copy=False,
        domain="[('state', '=', 'purchase'), ('partner_id', '=?', partner_id)]",
        help="An entry from purchase may receive a purchase order: its moves count as received.",
    )

    def action_load_purchase_lines(self):
        """Fill an entry from purchase with what the order still has to receive,
        at the order's price."""
        for movement in self:
            movement._bhima_check_draft()
            order = movement.purchase_id
            if not order:
                raise UserError(self.env._("Choose the purchase order first."))
            movement.partner_id = order.partner_id
            values = []
            for line in order.order_line.filtered(lambda pol: pol.product_id.is_storable):
                product = line.product_id
                todo = line.product_uom_id._compute_quantity(
                    line.product_qty - line.qty_received, product.uom_id
                )
                if product.uom_id.compare(todo, 0) <= 0:
                    continue
                price = line.currency_id._convert(
                    line.price_subtotal / line.product_qty if line.product_qty else 0.0,
                    movement.company_id.currency_id,
                    movement.company_id,
                    fields.Date.context_today(self),
                )
                values.append(
                    {
                        "product_id": product.id,
                        "quantity": todo,
                        "unit_cost": line.product_uom_id._compute_price(price, product.uom_id),
                        "purchase_line_id": line.id,
                    }
                )
            if not values:
                raise UserError(
                    self.env._(
                        "The order %(order)s has nothing left to receive.", order=order.display_name
                    )
                )
            movement.line_ids = [(5, 0, 0)] + [(0, 0, v) for v in values]
        return True

    def _bhima_validate(self):
        result = super()._bhima_validate()
        self._bhima_shrink_pending_receipts()
        return result

    def _bhima_shrink_pending_receipts(self):
        """What this entry received for an order no longer waits in the order's
        pending receipt."""
        for line in self.line_ids.filtered("purchase_line_id"):
            remaining = line.quantity
            pending = line.purchase_line_id.move_ids.filtered(
                lambda m: m.state not in ("done", "cancel") and m.location_id.usage == "supplier"
            )
            for move in pending.sorted("id"):
                if move.product_uom.compare(remaining, 0) <= 0:
                    break
                take = min(move.product_qty, remaining)
                remaining -= take
                if move.product_uom.compare(move.product_qty, take) <= 0:
                    move._action_cancel()
                else:
                    move.product_uom_qty = move.product_id.uom_id._compute_quantity(
                        move.product_qty - take, move.product_uom
                    )
