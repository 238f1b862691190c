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

    def _bhima_fill(self):
        self.ensure_one()
        document = self.move_id
        plan = document._bhima_stock_plan()
        rows, balance, errors = [], {}, False
        Quant = self.env["stock.quant"]
        depots = self.env["stock.warehouse"].concat(
            *(a.get("depot") or item["depot"] for item in plan for a in item["allocations"])
        )
        visible = self.env["stock.warehouse"].search([("id", "in", depots.ids)])
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
                    domain = [("product_id", "=", product.id), *depot._bhima_quant_domain()]
                    if lot:
                        domain.append(("lot_id", "=", lot.id))
                    balance[key] = (
                        sum(Quant.search(domain).mapped("quantity")) if lot or not entry else 0.0
                    )
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
