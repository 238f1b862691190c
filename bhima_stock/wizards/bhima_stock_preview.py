from odoo import fields, models


class BhimaStockPreview(models.TransientModel):
    """Before posting a commercial document: the stock movements its
    validation will create, with lots (first expiry first out), costs,
    resulting balances and warnings."""

    _name = "bhima.stock.preview"
    _description = "Stock Preview of a Commercial Document"

    move_id = fields.Many2one("account.move", string="Document", required=True, ondelete="cascade")
    line_ids = fields.One2many("bhima.stock.preview.line", "preview_id", string="Movements")
    has_errors = fields.Boolean(readonly=True)

    def _bhima_on_hand(self, depots, products):
        """``{(depot, product, lot): quantity}`` of the quants the user may read
        in ``depots``, one query per depot; the key with an empty lot holds the
        article's total in the depot."""
        on_hand = {}
        Lot = self.env["stock.lot"]
        for depot in depots:
            groups = self.env["stock.quant"]._read_group(
                [("product_id", "in", products.ids), *depot._bhima_quant_domain()],
                ["product_id", "lot_id"],
                ["quantity:sum"],
            )
            for product, lot, quantity in groups:
                on_hand[(depot, product, Lot)] = on_hand.get((depot, product, Lot), 0.0) + quantity
                if lot:
                    on_hand[(depot, product, lot)] = quantity
        return on_hand

    def _bhima_fill(self):
        self.ensure_one()
        document = self.move_id
        plan = document._bhima_stock_plan()
        rows, balance, errors = [], {}, False
        depots = self.env["stock.warehouse"].concat(
            *(a.get("depot") or item["depot"] for item in plan for a in item["allocations"])
        )
        visible = self.env["stock.warehouse"].search([("id", "in", depots.ids)])
        on_hand = self._bhima_on_hand(
            visible, self.env["product.product"].concat(*(item["line"].product_id for item in plan))
        )
        for item in plan:
            line = item["line"]
            if not line.product_id:
                continue
            product = line.product_id
            hidden = {a.get("depot") or item["depot"] for a in item["allocations"]} - set(visible)
            if hidden:
                errors = True
                rows.append(
                    {
                        "invoice_line_id": line.id,
                        "product_id": product.id,
                        "note": self.env._(
                            "You may not see the stock of the depot %(depot)s.",
                            depot=", ".join(d.sudo().display_name for d in hidden),
                        ),
                        "is_error": True,
                    }
                )
                continue
            entry = document.move_type in ("out_refund", "in_invoice", "in_receipt")
            for allocation in item["allocations"]:
                depot = allocation.get("depot") or item["depot"]
                lot = allocation.get("lot") or self.env["stock.lot"]
                key = (depot, product, lot)
                if key not in balance:
                    balance[key] = on_hand.get(key, 0.0) if lot or not entry else 0.0
                balance[key] += allocation["quantity"] if entry else -allocation["quantity"]
                rows.append(
                    {
                        "invoice_line_id": line.id,
                        "product_id": product.id,
                        "depot_id": depot.id,
                        "lot_id": lot.id,
                        "lot_name": item.get("lot_name") if not lot else False,
                        "direction": "entry" if entry else "exit",
                        "quantity": allocation["quantity"],
                        "unit_cost": allocation["unit_cost"],
                        "balance_after": balance[key] if lot or not entry else False,
                        "note": "; ".join(item["warnings"]),
                    }
                )
            if not item["allocations"] or item["notes"]:
                rows.append(
                    {
                        "invoice_line_id": line.id,
                        "product_id": product.id,
                        "depot_id": item["depot"].id,
                        "note": "; ".join(item["notes"] + item["warnings"])
                        or self.env._("nothing to move"),
                    }
                )
            for error in item["errors"]:
                errors = True
                rows.append(
                    {
                        "invoice_line_id": line.id,
                        "product_id": product.id,
                        "depot_id": item["depot"].id,
                        "note": error.lstrip("- "),
                        "is_error": True,
                    }
                )
        self.write({"line_ids": [(5, 0, 0)] + [(0, 0, row) for row in rows], "has_errors": errors})
