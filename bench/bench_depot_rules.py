"""Issue 3: listing and counting 10,000 quants over 20 depots as a restricted
user (strict depot permission, record rules) against a BHIMA stock manager
(no depot rule), on the same data, in one run.

    python3 bench/bench_depot_rules.py -d bhima_bench
"""

from datetime import timedelta

from common import analyze, odoo_env, parse_args, report, timed

DEPOTS = 20
PRODUCTS = 500  # x 20 depots = 10,000 quants


def build(env, scale):
    from odoo import fields
    from odoo.tests import new_test_user

    company = env.company
    company.bhima_strict_depot_permission = True
    category = env["product.category"].create(
        {"name": "Bench group", "property_valuation": "periodic"}
    )
    unit = env.ref("bhima_stock.uom_tablet")
    article_type = env.ref("bhima_stock.inventory_type_article")
    n_products = int(PRODUCTS * scale)
    templates = env["product.template"].create(
        [
            {
                "name": f"Bench article {i}",
                "categ_id": category.id,
                "uom_id": unit.id,
                "bhima_type_id": article_type.id,
            }
            for i in range(n_products)
        ]
    )
    products = templates.product_variant_id
    depots = env["stock.warehouse"].create(
        [{"name": f"Bench depot {i}", "code": f"BD{i:02d}"} for i in range(DEPOTS)]
    )
    expiry = fields.Datetime.now() + timedelta(days=400)
    lots = env["stock.lot"].create(
        [
            {"name": f"BL{i}", "product_id": p.id, "expiration_date": expiry}
            for i, p in enumerate(products)
        ]
    )
    Quant = env["stock.quant"].sudo()
    for depot in depots:
        for product, lot in zip(products, lots, strict=True):
            Quant._update_available_quantity(product, depot.lot_stock_id, 100, lot_id=lot)
    restricted = new_test_user(env, "bench_restricted", groups="bhima_stock.bhima_stock_group_user")
    manager = new_test_user(env, "bench_manager", groups="bhima_stock.bhima_stock_group_manager")
    depots[:5].bhima_manager_ids = restricted
    depots[5:10].bhima_supervisor_ids = restricted
    analyze(env)
    return restricted, manager, len(products) * DEPOTS


def main():
    args = parse_args(__doc__)
    with odoo_env(args.database) as env:
        restricted, manager, n_quants = build(env, args.scale)
        domain = [("location_id.usage", "=", "internal")]
        fields_list = ["product_id", "lot_id", "location_id", "quantity", "reserved_quantity"]

        def list_and_count(user):
            Quant = env["stock.quant"].with_user(user)
            Quant.search_count(domain)
            Quant.search_read(domain, fields_list, limit=80, order="location_id, product_id")

        seen_restricted = env["stock.quant"].with_user(restricted).search_count(domain)
        seen_manager = env["stock.quant"].with_user(manager).search_count(domain)
        ours = timed(env, lambda: list_and_count(restricted), args.repeat)
        native = timed(env, lambda: list_and_count(manager), args.repeat)
        ok = report(
            f"List (80 rows) and count {n_quants} quants over {DEPOTS} depots",
            ours,
            native,
            1.5,
            f"restricted user, record rules ({seen_restricted} visible)",
            f"stock manager, no depot rule ({seen_manager} visible)",
        )
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
