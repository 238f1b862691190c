from odoo import models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def _bhima_stock_split(self):
        """A line of a purchase order: what its done receipts cover (beyond what
        other bills already took) moves nothing; the rest comes first from the
        order's pending receipts, then from a direct entry."""
        split = super()._bhima_stock_split()
        order_line = self.purchase_line_id
        if not order_line or self.move_id.move_type not in ("in_invoice", "in_receipt"):
            return split
        moves = order_line._get_po_line_moves().filtered(lambda m: m.state != "cancel")
        incoming = moves.filtered(lambda m: not m._is_purchase_return())
        done = incoming.filtered(lambda m: m.state == "done")
        return self._bhima_split_by_order(
            split,
            done_in=sum(done.mapped("product_qty")),
            done_out=sum(
                (moves - incoming).filtered(lambda m: m.state == "done").mapped("product_qty")
            ),
            other_lines=order_line.invoice_lines.filtered(
                lambda line: line.move_id != self.move_id and line.move_id.state == "posted"
            ),
            pending_moves=incoming.filtered(lambda m: m.state not in ("done", "cancel")),
            done_by=", ".join(done.picking_id.mapped("name")) or order_line.order_id.name,
        )

    def _bhima_order_depot(self):
        return (
            self.purchase_line_id.order_id.picking_type_id.warehouse_id
            or super()._bhima_order_depot()
        )
