"""Issue 10: importing the article file in update mode (10 depots x 1,000
articles = 10,000 rows, 30 % of them differing from the stock), against Odoo's
own way of importing counted quantities on the same data: the quants exported
with their external ids, re-imported with their "Counted Quantity"
(``stock.quant.load`` in inventory mode), then "Apply" (``action_apply_inventory``).

Ours: the preview (a dry run: every row checked, every difference computed,
nothing written), then the import applied (read again, checked again, one count
document per depot, validated into flux-15 movements). Limits: preview < 10 s,
apply < 60 s, memory < 1 GB, and at most half of Odoo's time.

    python3 bench/bench_count_import.py -d bhima_bench [--valuation real_time]
"""

import argparse
import base64
import resource
import sys
import time
from datetime import timedelta

from common import analyze, odoo_env

DEPOTS = 10
ARTICLES = 1000
DIFFERING = 0.30


def build(env, scale, valuation):
    from odoo import Command, fields

    n_articles = int(ARTICLES * scale)
    category = env["product.category"].create(
        {
            "name": "Bench count group",
            "bhima_code": "BCNT",
            "property_cost_method": "average",
            "property_valuation": valuation,
            "property_stock_valuation_account_id": env.company.account_stock_valuation_id.id,
            "property_account_expense_categ_id": env["account.account"]
            .search([("account_type", "=", "expense")], limit=1)
            .id,
        }
    )
    templates = env["product.template"].create(
        [
            {
                "name": f"Bench count article {i}",
                "default_code": f"BC{i:05d}",
                "categ_id": category.id,
                "uom_id": env.ref("bhima_stock.uom_tablet").id,
                "bhima_type_id": env.ref("bhima_stock.inventory_type_article").id,
            }
            for i in range(n_articles)
        ]
    )
    products = templates.product_variant_id
    depots = env["stock.warehouse"].create(
        [{"name": f"Bench count depot {i}", "code": f"BC{i}"} for i in range(DEPOTS)]
    )
    expiry = fields.Date.today() + timedelta(days=600)
    for depot in depots:
        entry = env["bhima.stock.movement"].create(
            {
                "flux_id": env.ref("bhima_stock.flux_13").id,
                "depot_id": depot.id,
                "line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "lot_name": f"L{i:05d}",
                            "expiration_date": expiry,
                            "quantity": 100,
                            "unit_cost": 2.0,
                        }
                    )
                    for i, product in enumerate(products)
                ],
            }
        )
        entry.action_validate()
    analyze(env)
    return depots, products


def counted_rows(env, depots, products):
    """(depot, product, lot, quant, counted): every (depot, lot), 30 % of them
    differing (half found in excess, half missing)."""
    lots = {
        lot.product_id.id: lot
        for lot in env["stock.lot"].search([("product_id", "in", products.ids)])
    }
    quants = env["stock.quant"].search(
        [("product_id", "in", products.ids), ("location_id", "in", depots.lot_stock_id.ids)]
    )
    by_key = {(q.location_id.id, q.product_id.id): q for q in quants}
    rows = []
    index = 0
    for depot in depots:
        for product in products:
            quant = by_key[(depot.lot_stock_id.id, product.id)]
            counted = quant.quantity
            if index % 10 < DIFFERING * 10:
                counted += 7 if index % 2 else -13
            rows.append((depot, product, lots[product.id], quant, counted))
            index += 1
    return rows


def article_file(rows):
    lines = ["Code;Dépôt;Stock;Lot"]
    for depot, product, lot, _quant, counted in rows:
        lines.append(f"{product.default_code};{depot.code};{counted:g};{lot.name}")
    return ("\r\n".join(lines) + "\r\n").encode("latin-1")


def max_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-d", "--database", default="bhima_bench")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the articles")
    parser.add_argument("--valuation", choices=("periodic", "real_time"), default="periodic")
    args = parser.parse_args()
    valuation = args.valuation
    with odoo_env(args.database) as env:
        started = time.perf_counter()
        depots, products = build(env, args.scale, valuation)
        rows = counted_rows(env, depots, products)
        data = base64.b64encode(article_file(rows)).decode()
        differing = sum(1 for _d, _p, _l, quant, counted in rows if counted != quant.quantity)
        print(
            f"Built {len(rows)} rows ({differing} differing, {valuation} valuation) "
            f"in {time.perf_counter() - started:.0f} s"
        )
        # native data: the quants' external ids, as Odoo's export gives them
        quants = env["stock.quant"].concat(*(quant for _d, _p, _l, quant, _c in rows))
        exported = quants._export_rows([["id"]])
        native_rows = [
            [xmlid[0], f"{counted:g}"]
            for xmlid, (_d, _p, _l, _q, counted) in zip(exported, rows, strict=True)
        ]
        env.flush_all()
        Import = env["bhima.stock.import"]

        env.cr.execute("SAVEPOINT bench_count")
        env.invalidate_all()
        start = time.perf_counter()
        preview = Import.import_file(data, "inventaire.csv", dry_run=True)
        env.flush_all()
        preview_time = time.perf_counter() - start
        assert not preview["errors"], preview["errors"][:5]
        assert preview["entries"] + preview["exits"] == differing, preview["entries"]
        env.invalidate_all()
        start = time.perf_counter()
        result = Import.import_file(data, "inventaire.csv", dry_run=False)
        env.flush_all()
        apply_time = time.perf_counter() - start
        assert len(result["counts"]) == len(depots), result
        moved = env["stock.move"].search_count(
            [("bhima_movement_id.name", "in", result["movements"])]
        )
        assert moved == differing, moved
        # re-importing the same file moves nothing
        again = Import.import_file(data, "inventaire.csv", dry_run=True)
        assert again["entries"] + again["exits"] == 0, again
        ours_rss = max_rss_mb()
        env.cr.execute("ROLLBACK TO SAVEPOINT bench_count")
        env.invalidate_all()

        start = time.perf_counter()
        loaded = (
            env["stock.quant"]
            .with_context(inventory_mode=True)
            .load(["id", "inventory_quantity"], native_rows)
        )
        env.flush_all()
        load_time = time.perf_counter() - start
        assert not [m for m in loaded["messages"] if m["type"] == "error"], loaded["messages"][:3]
        env.invalidate_all()
        start = time.perf_counter()
        to_apply = env["stock.quant"].search([("inventory_quantity_set", "=", True)])
        to_apply.action_apply_inventory()
        env.flush_all()
        native_apply_time = time.perf_counter() - start
        native_rss = max_rss_mb()

        ours = preview_time + apply_time
        native = load_time + native_apply_time
        ratio = ours / native
        ok = preview_time < 10 and apply_time < 60 and ours_rss < 1024 and ratio <= 0.5
        print(f"Count {len(rows)} rows of the article file (10 depots), {valuation} valuation")
        print(f"  {'native: stock.quant load (inventory mode)':<55} {load_time * 1000:10.1f} ms")
        print(f"  {'native: action_apply_inventory':<55} {native_apply_time * 1000:10.1f} ms")
        print(f"  {'native total':<55} {native * 1000:10.1f} ms")
        print(f"  {'ours: preview (dry run, limit 10 s)':<55} {preview_time * 1000:10.1f} ms")
        print(
            f"  {'ours: apply (checks + counts + movements, limit 60 s)':<55} "
            f"{apply_time * 1000:10.1f} ms"
        )
        print(f"  {'ours total':<55} {ours * 1000:10.1f} ms")
        print(
            f"  peak memory of the process: {ours_rss:.0f} MB after ours (limit 1024), "
            f"{native_rss:.0f} MB after native"
        )
        print(f"  ratio {ratio:.2f} (goal 0.5) {'OK' if ok else 'OVER LIMIT'}")
        sys.stdout.flush()
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
