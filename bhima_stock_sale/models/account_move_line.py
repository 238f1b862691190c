from odoo import models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def _bhima_stock_split(self):
        """A line of a sales order: what its done deliveries cover (beyond what
        other invoices already took) moves nothing; the rest comes first from the
        order's pending deliveries, then from a direct exit."""
        split = super()._bhima_stock_split()
        sale_lines = self.sale_line_ids
        if not sale_lines or self.move_id.move_type not in ("out_invoice", "out_receipt"):
            return split
        outgoing, incoming = sale_lines._get_outgoing_incoming_moves()
        done = outgoing.filtered(lambda m: m.state == "done")
        return self._bhima_split_by_order(
            split,
            done_in=sum(done.mapped("product_qty")),
            done_out=sum(incoming.filtered(lambda m: m.state == "done").mapped("product_qty")),
            other_lines=sale_lines.invoice_lines.filtered(
                lambda line: line.move_id != self.move_id and line.move_id.state == "posted"
            ),
            pending_moves=outgoing.filtered(lambda m: m.state not in ("done", "cancel")),
            done_by=", ".join(done.picking_id.mapped("name")) or sale_lines.order_id.name,
        )

    def _bhima_order_depot(self):
        return self.sale_line_ids.order_id.warehouse_id[:1] or super()._bhima_order_depot()
