from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _bhima_process_pending(self, plan):
        """Receive the pending receipts of the billed purchase order lines for
        the billed quantity, under the lot given on the bill line; the rest of
        each receipt goes to a backorder. One movement per unit: the receipt's."""
        result = super()._bhima_process_pending(plan)
        Lot = self.env["stock.lot"].sudo()
        for picking, items in self._bhima_pending_by_picking(plan, "incoming").items():
            moves = self.env["stock.move"]
            for item, move, quantity in items:
                line = item["line"]
                lot = self.env["stock.lot"]
                if move.product_id.tracking != "none":
                    lot = Lot.search(
                        [
                            ("product_id", "=", move.product_id.id),
                            ("name", "=", item["lot_name"]),
                            ("company_id", "in", [move.company_id.id, False]),
                        ],
                        limit=1,
                    ) or Lot.create(
                        {
                            "name": item["lot_name"],
                            "product_id": move.product_id.id,
                            "company_id": move.company_id.id,
                            "expiration_date": move.company_id._bhima_end_of_day(
                                item["expiration_date"]
                            )
                            if item.get("expiration_date")
                            else False,
                        }
                    )
                move.move_line_ids.unlink()
                move.write(
                    {
                        "move_line_ids": [
                            (
                                0,
                                0,
                                {
                                    "product_id": move.product_id.id,
                                    "product_uom_id": move.product_id.uom_id.id,
                                    "lot_id": lot.id,
                                    "quantity": quantity,
                                    "location_id": move.location_id.id,
                                    "location_dest_id": move.location_dest_id.id,
                                },
                            )
                        ],
                        "picked": True,
                    }
                )
                moves |= move
                line.bhima_processed_move_ids |= move
                item["notes"].append(
                    self.env._(
                        "%(quantity)s %(unit)s received by %(picking)s",
                        quantity=move.product_id.uom_id._bhima_format(quantity),
                        unit=move.product_id.uom_id.name,
                        picking=picking.name,
                    )
                )
            (picking.move_ids - moves).picked = False
            picking._action_done()
        return result
