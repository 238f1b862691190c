"""Issue 11: syncing a 20-line point of sale order to a stock point (real-time
decrement, lots first expiry first out, the point's lines followed) against
syncing the same order in Odoo's point of sale without a stock point (its own
real-time picking), on the same articles and stock, in one run.

Two cases: plain storable products (no lots), and BHIMA articles followed by
lot (three lots each; the native till sends the lot the cashier chose, the stock
point chooses first expiry first out).

    python3 bench/bench_pos_sync.py -d bhima_bench
"""

import time
from datetime import timedelta
from uuid import uuid4

from common import analyze, odoo_env, parse_args, report

LINES = 20
HISTORY_ORDERS = 50


def build(env, scale, lots):
    from odoo import fields

    n_lines = int(LINES * scale)
    if lots:
        category = env["product.category"].create(
            {"name": "Bench POS medicines", "property_valuation": "periodic"}
        )
        templates = env["product.template"].create(
            [
                {
                    "name": f"Bench POS medicine {i}",
                    "categ_id": category.id,
                    "uom_id": env.ref("bhima_stock.uom_tablet").id,
                    "bhima_type_id": env.ref("bhima_stock.inventory_type_article").id,
                    "available_in_pos": True,
                    "list_price": 2.0,
                    "taxes_id": [(5, 0, 0)],
                }
                for i in range(n_lines)
            ]
        )
        templates.write({"tracking": "lot", "use_expiration_date": True})
    else:
        templates = env["product.template"].create(
            [
                {
                    "name": f"Bench POS drink {i}",
                    "is_storable": True,
                    "available_in_pos": True,
                    "list_price": 2.0,
                    "taxes_id": [(5, 0, 0)],
                }
                for i in range(n_lines)
            ]
        )
    products = templates.product_variant_id
    suffix = "L" if lots else "P"
    tills = {}
    for kind, is_point in (("ours", True), ("native", False)):
        depot = env["stock.warehouse"].create(
            {
                "name": f"Bench {kind} {suffix}",
                "code": f"B{kind[0].upper()}{suffix}",
                "bhima_pos_stock_point": is_point,
            }
        )
        journal = env["account.journal"].create(
            {"name": f"Bench cash {kind} {suffix}", "type": "cash", "code": f"C{kind[0]}{suffix}"}
        )
        cash = env["pos.payment.method"].create({"name": "Cash", "journal_id": journal.id})
        config = env["pos.config"].create(
            {
                "name": f"Bench till {kind} {suffix}",
                "payment_method_ids": [(6, 0, cash.ids)],
                "picking_type_id": depot.pos_type_id.id,
                "warehouse_id": depot.id,
            }
        )
        if is_point:
            depot.bhima_pos_config_ids = config
        # the stock: three lots per article (or one quantity), entered by BHIMA
        today = fields.Date.today()
        env["bhima.stock.movement"].create_and_validate(
            {
                "flux_id": env.ref("bhima_stock.flux_13").id,
                "depot_id": depot.id,
                "line_ids": [
                    {
                        "product_id": product.id,
                        "quantity": 5000,
                        "unit_cost": 1.0,
                        **(
                            {
                                "lot_name": f"{kind}-{suffix}{i}-{n}",
                                "expiration_date": today + timedelta(days=100 * (n + 1)),
                            }
                            if lots
                            else {}
                        ),
                    }
                    for i, product in enumerate(products)
                    for n in range(3 if lots else 1)
                ],
            }
        )
        session = env["pos.session"].create({"config_id": config.id})
        session.set_opening_control(0, None)
        tills[kind] = (config, session, cash, depot)
    # a history of sales at both tills
    for kind in ("ours", "native"):
        for _ in range(int(HISTORY_ORDERS * scale)):
            sync(env, tills[kind], products, lots)
    analyze(env)
    return products, tills


def order_data(env, till, products, lots):
    config, session, cash, depot = till
    lines, total = [], 0.0
    for i, product in enumerate(products):
        quantity = 1 + i % 3
        pack_lots = []
        if lots and not depot.bhima_pos_stock_point:
            # the native till sends the lot the cashier scanned: the first lot
            lot = env["stock.lot"].search(
                [("product_id", "=", product.id), ("name", "=like", "native-%")],
                limit=1,
                order="expiration_date",
            )
            pack_lots = [(0, 0, {"lot_name": lot.name})]
        lines.append(
            (
                0,
                0,
                {
                    "product_id": product.id,
                    "qty": quantity,
                    "price_unit": 2.0,
                    "price_subtotal": 2.0 * quantity,
                    "price_subtotal_incl": 2.0 * quantity,
                    "tax_ids": [(6, 0, [])],
                    "pack_lot_ids": pack_lots,
                },
            )
        )
        total += 2.0 * quantity
    uuid = str(uuid4())
    return {
        "uuid": uuid,
        "name": f"Order {uuid}",
        "session_id": session.id,
        "state": "paid",
        "amount_paid": total,
        "amount_total": total,
        "amount_tax": 0,
        "amount_return": 0,
        "date_order": "2026-01-01 10:00:00",
        "pricelist_id": config.pricelist_id.id,
        "fiscal_position_id": False,
        "partner_id": False,
        "to_invoice": False,
        "user_id": env.uid,
        "last_order_preparation_change": "{}",
        "lines": lines,
        "payment_ids": [
            (0, 0, {"amount": total, "name": "2026-01-01 10:00:00", "payment_method_id": cash.id})
        ],
    }


def sync(env, till, products, lots):
    data = order_data(env, till, products, lots)
    env["pos.order"].sync_from_ui([data])
    return data["uuid"]


def measure(env, tills, products, lots, repeat):
    times = {"ours": [], "native": []}
    for _ in range(repeat):
        for kind in ("native", "ours"):
            data = order_data(env, tills[kind], products, lots)
            env.flush_all()
            env.invalidate_all()
            start = time.perf_counter()
            env["pos.order"].sync_from_ui([data])
            env.flush_all()
            times[kind].append(time.perf_counter() - start)
            order = env["pos.order"].search([("uuid", "=", data["uuid"])])
            assert order.picking_ids.state == "done", (kind, order.picking_ids.state)
    return {kind: sorted(values)[len(values) // 2] for kind, values in times.items()}


def main():
    args = parse_args(__doc__)
    ok = True
    with odoo_env(args.database) as env:
        for lots in (False, True):
            products, tills = build(env, args.scale, lots)
            point = tills["ours"][3]
            before = point._bhima_pos_quant_totals(products)
            medians = measure(env, tills, products, lots, args.repeat)
            after = point._bhima_pos_quant_totals(products)
            taken = sum(before.values()) - sum(after.values())
            assert taken == args.repeat * sum(1 + i % 3 for i in range(len(products))), taken
            ok &= report(
                f"Sync a {len(products)}-line order, "
                + ("articles followed by lot" if lots else "plain products")
                + f" ({int(HISTORY_ORDERS * args.scale)} earlier orders per till)",
                medians["ours"],
                medians["native"],
                1.3,
                "stock point: real-time decrement, lots FEFO",
                "Odoo's point of sale, real-time picking, no stock point",
            )
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
