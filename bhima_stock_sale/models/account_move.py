from odoo import models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

    def _bhima_process_pending(self, plan):
        """Process the pending deliveries of the invoiced sales order lines for
        the invoiced quantity, first expiry first out; the rest of each delivery
        goes to a backorder. One movement per unit: the delivery's."""
        result = super()._bhima_process_pending(plan)
        for picking, todo in self._bhima_pending_by_picking(plan, "outgoing").items():
            moves = self.env["stock.move"].concat(*(move for _item, move, _qty in todo))
            moves._action_assign()
            short = []
            for item, move, quantity in todo:
                move._bhima_keep_quantity(quantity)
                if move.product_uom.compare(move.quantity, quantity) < 0:
                    short.append((move.product_id, quantity - move.quantity))
                item["notes"].append(
                    self.env._(
                        "%(quantity)s %(unit)s delivered by %(picking)s",
                        quantity=move.product_uom._bhima_format(quantity),
                        unit=move.product_uom.name,
                        picking=picking.name,
                    )
                )
            if short:
                depot = picking.picking_type_id.warehouse_id
                raise UserError(
                    depot._bhima_shortage_message([(0, product, qty) for product, qty in short])
                )
            (picking.move_ids - moves).picked = False
            moves.picked = True
            picking._action_done()
            for item, move, _quantity in todo:
                item["line"].bhima_processed_move_ids |= move
        return result
