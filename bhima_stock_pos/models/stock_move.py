from collections import defaultdict

from odoo import fields, models

from odoo.addons.bhima_stock.models.stock_move import StockMove as BhimaStockMove


class StockMove(models.Model):
    _inherit = "stock.move"
    # only the code marks a move as done without stock management (bhima.protected.mixin)
    _bhima_protected_fields = (*BhimaStockMove._bhima_protected_fields, "bhima_pos_untracked")

    bhima_pos_untracked = fields.Boolean(
        string="Stock Not Managed",
        readonly=True,
        copy=False,
        help="Done while the article's stock management was off: it did not change the "
        "quantities of the stock point.",
    )

    def _bhima_pos_points(self):
        """The stock points whose stock this move changes (0, 1 or 2)."""
        self.ensure_one()
        points = self.env["stock.warehouse"]
        for location in (self.location_id, self.location_dest_id):
            depot = location.sudo().warehouse_id
            if depot.bhima_pos_stock_point and depot._bhima_pos_holds(location.sudo()):
                points |= depot
        if len(points) == 1 and points._bhima_pos_holds(
            self.location_id.sudo()
        ) == points._bhima_pos_holds(self.location_dest_id.sudo()):
            return points.browse()  # a move inside the point
        return points

    def _action_done(self, cancel_backorder=False):
        at_points = self.filtered(
            lambda m: m.state not in ("done", "cancel") and m._bhima_pos_points()
        )
        untracked = at_points.filtered(lambda m: not m.product_id.is_storable)
        if untracked:
            untracked._bhima_internal().bhima_pos_untracked = True
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        done = moves & at_points
        if done:
            self.env["bhima.pos.stock.line"]._bhima_ensure(
                {
                    (point.id, move.product_id.id)
                    for move in done.filtered(lambda m: m.state == "done")
                    for point in move._bhima_pos_points()
                }
            )
        return moves

    # ------------------------------------------------------------------
    # Lots of the sales of a stock point: first expiry first out
    # ------------------------------------------------------------------

    def _add_mls_related_to_order(self, related_order_lines, are_qties_done=True):
        """At a stock point, a lot-tracked article sold without a lot given by the
        cashier leaves by its lots first expiry first out (never an expired
        lot); a refund puts back the lots its order took."""
        if not are_qties_done:
            return super()._add_mls_related_to_order(related_order_lines, are_qties_done)
        given = {
            line.product_id.id
            for line in related_order_lines
            if line.pack_lot_ids.filtered("lot_name")
        }
        fefo = self.filtered(
            lambda m: m.product_id.tracking != "none"
            and m.product_id.id not in given
            and m._bhima_pos_points()
        )
        result = super(StockMove, self - fefo)._add_mls_related_to_order(
            related_order_lines, are_qties_done
        )
        if fefo:
            fefo._bhima_pos_assign_lots(related_order_lines)
        return result

    def _bhima_pos_assign_lots(self, order_lines):
        self.move_line_ids.unlink()
        values = []
        day = fields.Date.context_today(self)
        outgoing = self.filtered(lambda m: m.location_id.usage == "internal")
        for point, moves in outgoing.grouped(lambda m: m._bhima_pos_points()[:1]).items():
            allocations, shortages = point._bhima_fefo_allocation(
                [(move.product_id, move.product_qty) for move in moves], day
            )
            for index, _product, lot, quantity in allocations:
                values.append({**moves[index]._prepare_move_line_vals(quantity), "lot_id": lot.id})
            for index, _product, quantity in shortages:
                values.append(moves[index]._prepare_move_line_vals(quantity))
        for move in self - outgoing:
            lines = order_lines.filtered(lambda line, m=move: line.product_id == m.product_id)
            remaining = move.product_qty
            for lot, quantity in move._bhima_pos_refundable_lots(lines):
                part = min(quantity, remaining)
                values.append({**move._prepare_move_line_vals(part), "lot_id": lot.id})
                remaining -= part
                if move.product_id.uom_id.compare(remaining, 0) <= 0:
                    break
            if move.product_id.uom_id.compare(remaining, 0) > 0:
                values.append(move._prepare_move_line_vals(remaining))
        self.env["stock.move.line"].create(values)

    def _bhima_pos_refundable_lots(self, refund_lines):
        """[(lot, quantity)] the refunded orders took of this move's article and
        no other refund put back yet, the last lots taken first."""
        self.ensure_one()
        product = self.product_id
        origin_lines = refund_lines.refunded_orderline_id
        if not origin_lines:
            return []
        taken = defaultdict(float)
        for line in origin_lines.order_id.picking_ids.move_line_ids:
            if line.product_id == product and line.state == "done" and line.lot_id:
                if line.location_id.usage == "internal":
                    taken[line.lot_id] += line.quantity_product_uom
                else:
                    taken[line.lot_id] -= line.quantity_product_uom
        other_refunds = (
            self.env["pos.order.line"]
            .search(
                [
                    ("refunded_orderline_id", "in", origin_lines.ids),
                    ("order_id", "not in", refund_lines.order_id.ids),
                ]
            )
            .order_id
        )
        for line in other_refunds.picking_ids.move_line_ids:
            if line.product_id == product and line.state == "done" and line.lot_id:
                taken[line.lot_id] -= line.quantity_product_uom
        lots = [(lot, quantity) for lot, quantity in taken.items() if quantity > 0]
        return list(reversed(lots))
