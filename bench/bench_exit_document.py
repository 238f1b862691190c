"""Issue 4: validating a BHIMA exit document of 200 lines (flux 9, to a patient)
against validating a native Odoo delivery of the same 200 lines, on the same
articles, lots and depot, in one run.

    python3 bench/bench_exit_document.py -d bhima_bench
"""

from datetime import timedelta

from common import analyze, odoo_env, parse_args, report

LINES = 200
VALUATION = "real_time"


def build(env, scale):
    from odoo import fields

    n_lines = int(LINES * scale)
    category = env["product.category"].create(
        {
            "name": "Bench medicines",
            "property_cost_method": "average",
            "property_valuation": VALUATION,
            "property_stock_valuation_account_id": env.company.account_stock_valuation_id.id,
            "property_account_expense_categ_id": env["account.account"]
            .search([("account_type", "=", "expense")], limit=1)
            .id,
        }
    )
    templates = env["product.template"].create(
        [
            {
                "name": f"Bench medicine {i}",
                "categ_id": category.id,
                "uom_id": env.ref("bhima_stock.uom_tablet").id,
                "bhima_type_id": env.ref("bhima_stock.inventory_type_article").id,
            }
            for i in range(n_lines)
        ]
    )
    products = templates.product_variant_id
    depot = env["stock.warehouse"].create({"name": "Bench pharmacy", "code": "BPH"})
    expiry = fields.Date.today() + timedelta(days=700)
    entry = env["bhima.stock.movement"].create(
        {
            "flux_id": env.ref("bhima_stock.flux_13").id,
            "depot_id": depot.id,
            "line_ids": [
                (
                    0,
                    0,
                    {
                        "product_id": p.id,
                        "lot_name": f"BEX{i}",
                        "expiration_date": expiry,
                        "quantity": 1000,
                        "unit_cost": 2.0,
                    },
                )
                for i, p in enumerate(products)
            ],
        }
    )
    entry.action_validate()
    patient = env["res.partner"].create({"name": "Bench patient"})
    analyze(env)
    return depot, products, patient, entry.line_ids.mapped("lot_id")


def ready_delivery(env, depot, products, partner):
    """A native delivery of one unit of each product, confirmed, reserved and
    picked: what remains is to validate it."""
    customers = env.ref("stock.stock_location_customers")
    picking = env["stock.picking"].create(
        {
            "picking_type_id": depot.out_type_id.id,
            "location_id": depot.lot_stock_id.id,
            "location_dest_id": customers.id,
            "partner_id": partner.id,
            "move_ids": [
                (
                    0,
                    0,
                    {
                        "product_id": product.id,
                        "product_uom_qty": 1,
                        "product_uom": product.uom_id.id,
                        "location_id": depot.lot_stock_id.id,
                        "location_dest_id": customers.id,
                    },
                )
                for product in products
            ],
        }
    )
    picking.action_confirm()
    picking.action_assign()
    picking.move_ids.picked = True
    return picking


def main():
    import time

    args = parse_args(__doc__)
    with odoo_env(args.database) as env:
        depot, products, patient, lots = build(env, args.scale)
        native_times, ours_times = [], []
        for _ in range(args.repeat):
            # native: a delivery confirmed, reserved (FEFO) and picked; time the validation
            picking = ready_delivery(env, depot, products, patient)
            env.flush_all()
            env.invalidate_all()
            start = time.perf_counter()
            result = picking.button_validate()
            env.flush_all()
            native_times.append(time.perf_counter() - start)
            assert result is True and picking.state == "done", result
            # ours: the same 200 lines in a BHIMA exit to a patient; time the validation
            movement = env["bhima.stock.movement"].create(
                {
                    "flux_id": env.ref("bhima_stock.flux_9").id,
                    "depot_id": depot.id,
                    "partner_id": patient.id,
                    "line_ids": [
                        (0, 0, {"product_id": p.id, "lot_id": lot.id, "quantity": 1})
                        for p, lot in zip(products, lots, strict=True)
                    ],
                }
            )
            env.flush_all()
            env.invalidate_all()
            start = time.perf_counter()
            movement.action_validate()
            env.flush_all()
            ours_times.append(time.perf_counter() - start)
            assert movement.state == "done"
        native = sorted(native_times)[len(native_times) // 2]
        ours = sorted(ours_times)[len(ours_times) // 2]
        ok = report(
            f"Validate an exit of {len(products)} lines (real-time valuation, average cost)",
            ours,
            native,
            1.3,
            "BHIMA exit document (checks, moves, valuation, entry)",
            "native delivery, picking.button_validate()",
        )
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
