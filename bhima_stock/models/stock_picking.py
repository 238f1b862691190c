from collections import defaultdict

from odoo import fields, models
from odoo.exceptions import UserError


class StockPicking(models.Model):
    _name = "stock.picking"
    _inherit = ["bhima.depot.guard.mixin", "stock.picking"]

    def action_bhima_unvalidate(self):
        """Un-validate a done delivery or receipt: create and validate its exact
        return (same lots, same quantities, back to where they came from)."""
        self.ensure_one()
        if self.state != "done" or self.picking_type_code not in ("incoming", "outgoing"):
            raise UserError(self.env._("Only a validated delivery or receipt can be un-validated."))
        returned = self._bhima_exact_return()
        self.message_post(
            body=self.env._(
                "Un-validated: %(picking)s moved the stock back.", picking=returned.name
            )
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "stock.picking",
            "res_id": returned.id,
            "view_mode": "form",
            "target": "current",
        }

    def _bhima_exact_return(self, quantities=None):
        """Create and validate the return of this done picking: of every move
        (what is not returned yet), or of ``quantities`` ({stock.move: quantity}),
        lot by lot as they moved. Returns the return picking."""
        self.ensure_one()
        wizard = (
            self.env["stock.return.picking"]
            .with_context(active_id=self.id, active_ids=self.ids, active_model="stock.picking")
            .create({})
        )
        left = {}
        for line in wizard.product_return_moves:
            move = line.move_id
            left[move] = move._bhima_returnable_by_lot()
            total = sum(left[move].values())
            line.quantity = (
                min(quantities.get(move, 0.0), total) if quantities is not None else total
            )
        if not any(wizard.product_return_moves.mapped("quantity")):
            raise UserError(
                self.env._("%(picking)s has nothing left to return.", picking=self.name)
            )
        return_picking = wizard._create_return()
        for return_move in return_picking.move_ids:
            origin = return_move.origin_returned_move_id
            remaining = return_move.product_uom_qty
            lines = []
            for lot, quantity in left.get(origin, {}).items():
                take = min(quantity, remaining)
                if return_move.product_uom.compare(take, 0) <= 0:
                    continue
                lines.append(
                    (
                        0,
                        0,
                        {
                            "product_id": return_move.product_id.id,
                            "product_uom_id": return_move.product_uom.id,
                            "lot_id": lot.id,
                            "quantity": take,
                            "location_id": return_move.location_id.id,
                            "location_dest_id": return_move.location_dest_id.id,
                        },
                    )
                )
                remaining -= take
            return_move.move_line_ids.unlink()
            return_move.write({"move_line_ids": lines, "picked": True})
        return_picking._bhima_check_return_stock()
        return_picking._action_done()
        return return_picking

    def _bhima_check_return_stock(self):
        """A return out of a depot must find its lots there (as any exit)."""
        for depot, moves in self.move_ids.grouped(lambda m: m.location_id.warehouse_id).items():
            if not depot or depot.bhima_allow_negative_stock:
                continue
            lines = moves.move_line_ids
            balances = depot._bhima_lot_balances(
                lines.product_id.ids, lines.lot_id.ids, fields.Datetime.now()
            )
            needed = defaultdict(float)
            for line in lines:
                needed[(line.product_id, line.lot_id)] += line.quantity_product_uom
            short = [
                (product, lot, quantity)
                for (product, lot), quantity in needed.items()
                if product.uom_id.compare(
                    quantity, balances.get((product.id, lot.id or None), (0.0, None))[0]
                )
                > 0
            ]
            if short:
                raise UserError(
                    self.env._(
                        "The depot %(depot)s no longer holds what this return takes back:\n%(lines)s",
                        depot=depot.display_name,
                        lines="\n".join(
                            f"- {product.display_name}, {lot.name or '-'}: {quantity}"
                            for product, lot, quantity in short
                        ),
                    )
                )
