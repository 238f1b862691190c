"""Issue 9: the registers, the stock sheet and the daily jobs over two years of
history: 5,000 articles x 10 depots, about a million done move lines (built
with SQL inserts, then rolled back), against Odoo's own ``stock.quant`` list on
the same data.

    python3 bench/bench_registers.py -d bhima_bench [--scale 0.1]

Printed: the inventory register of one depot (CMM, statuses) and of all
depots, a two-year stock sheet of one article, a lot register page, the stock
value at a date, the monthly consumption, the depot dashboard, and the daily
jobs (time and peak memory).
"""

import resource
import time
from datetime import timedelta

from common import analyze, odoo_env, parse_args, report, timed

ARTICLES = 5000
DEPOTS = 10
DAYS = 730
# per (depot, article): 5 entries and 15 exits over two years = 20 move lines
ENTRY_DAYS = (0, 146, 292, 438, 584)
EXITS = 15


def build(env, scale):
    """Articles, depots and lots through the ORM; the two years of done moves,
    move lines and the quants they leave through SQL."""
    from odoo import fields

    company = env.company
    category = env["product.category"].create(
        {"name": "Bench medicines", "property_valuation": "periodic", "property_cost_method": "average"}
    )
    unit = env.ref("bhima_stock.uom_tablet")
    article_type = env.ref("bhima_stock.inventory_type_article")
    n_articles = max(int(ARTICLES * scale), 10)
    templates = env["product.template"].create(
        [
            {
                "name": f"Bench article {i:05d}",
                "default_code": f"BA{i:05d}",
                "categ_id": category.id,
                "uom_id": unit.id,
                "bhima_type_id": article_type.id,
                "bhima_lead_time": 1 + i % 3,
                "bhima_purchase_interval": i % 4,
            }
            for i in range(n_articles)
        ]
    )
    depots = env["stock.warehouse"].create(
        [{"name": f"Bench depot {i}", "code": f"BD{i:02d}"} for i in range(DEPOTS)]
    )
    depots[0].bhima_is_warehouse = True
    env.flush_all()
    now = fields.Datetime.now().replace(microsecond=0)
    start = now - timedelta(days=DAYS)
    supplier = env.ref("stock.stock_location_suppliers").id
    patients = env.ref("bhima_stock.stock_location_bhima_patient").id
    services = env.ref("bhima_stock.stock_location_bhima_service").id
    losses = env.ref("bhima_stock.stock_location_bhima_loss").id
    flux = {code: env.ref(f"bhima_stock.flux_{code}").id for code in (1, 9, 10, 11)}
    cr = env.cr
    product_ids = templates.product_variant_id.ids
    # two lots per article: the first expires around now (some already), the second later
    cr.execute(
        """
        INSERT INTO stock_lot (name, product_id, company_id, expiration_date, create_date, write_date)
        SELECT 'BL' || p.id || '-' || n, p.id, %(company)s,
               %(now)s + make_interval(days => CASE WHEN n = 1 THEN (p.id %% 200) - 60 ELSE 300 + p.id %% 400 END),
               %(now)s, %(now)s
          FROM unnest(%(products)s::int[]) AS p(id), generate_series(1, 2) AS n
        """,
        {"company": company.id, "now": now, "products": product_ids},
    )
    # moves: entries on ENTRY_DAYS (lot 1 for the first three, lot 2 after),
    # exits every ~45 days, to patients, services (every 5th) or losses (every 7th)
    cr.execute(
        """
        CREATE TEMP TABLE bench_moves ON COMMIT DROP AS
        SELECT row_number() OVER () AS k, w.id AS depot_id, w.lot_stock_id AS stock_id, p.id AS product_id,
               pt.uom_id AS uom_id, e.n AS n, e.is_entry,
               CASE WHEN e.is_entry THEN %(supplier)s
                    ELSE w.lot_stock_id END AS src,
               CASE WHEN e.is_entry THEN w.lot_stock_id
                    WHEN e.n %% 7 = 0 THEN %(losses)s
                    WHEN e.n %% 5 = 0 THEN %(services)s
                    ELSE %(patients)s END AS dest,
               CASE WHEN e.is_entry THEN %(f1)s WHEN e.n %% 7 = 0 THEN %(f11)s
                    WHEN e.n %% 5 = 0 THEN %(f10)s ELSE %(f9)s END AS flux_id,
               %(start)s + make_interval(days => e.day, secs => (p.id %% 36000)) AS date,
               CASE WHEN e.is_entry THEN 400 + (p.id %% 5) * 20
                    ELSE 20 + ((p.id + e.n + w.id) %% 30) * (1 + (p.id %% 3)) END AS qty,
               (SELECT l.id FROM stock_lot l WHERE l.product_id = p.id
                 ORDER BY l.id OFFSET CASE WHEN e.day < 400 THEN 0 ELSE 1 END LIMIT 1) AS lot_id,
               1 + (p.id %% 50) AS unit_cost
          FROM unnest(%(products)s::int[]) AS p(id)
          JOIN product_product pp ON pp.id = p.id
          JOIN product_template pt ON pt.id = pp.product_tmpl_id
         CROSS JOIN unnest(%(depots)s::int[]) AS d(id)
          JOIN stock_warehouse w ON w.id = d.id
         CROSS JOIN LATERAL (
                SELECT i AS n, TRUE AS is_entry, day FROM unnest(%(entry_days)s::int[]) WITH ORDINALITY AS x(day, i)
                UNION ALL
                SELECT i, FALSE, 10 + i * 47 + (p.id %% 20) FROM generate_series(1, %(exits)s) AS i
         ) e
        """,
        {
            "supplier": supplier,
            "patients": patients,
            "services": services,
            "losses": losses,
            "f1": flux[1],
            "f9": flux[9],
            "f10": flux[10],
            "f11": flux[11],
            "start": start,
            "products": product_ids,
            "depots": depots.ids,
            "entry_days": list(ENTRY_DAYS),
            "exits": EXITS,
        },
    )
    cr.execute(
        """
        ALTER TABLE bench_moves ADD COLUMN move_id int;
        WITH inserted AS (
            INSERT INTO stock_move (company_id, product_id, product_uom, location_id, location_dest_id,
                                    procure_method, product_uom_qty, product_qty, quantity, date, state,
                                    reference, origin, bhima_flux_id, bhima_depot_id, is_in, is_out,
                                    value, price_unit, picked, create_date, write_date, sequence)
            SELECT %(company)s, product_id, uom_id, src, dest, 'make_to_stock', qty, qty, qty, date, 'done',
                   'BENCH/' || k, 'BENCH/' || k, flux_id, depot_id, is_entry, NOT is_entry,
                   qty * unit_cost, unit_cost, TRUE, date, date, k
              FROM bench_moves
            RETURNING id, sequence
        )
        UPDATE bench_moves b SET move_id = i.id FROM inserted i WHERE i.sequence = b.k;
        INSERT INTO stock_move_line (company_id, move_id, product_id, product_uom_id, lot_id, location_id,
                                     location_dest_id, quantity, quantity_product_uom, date, state,
                                     picked, create_date, write_date)
        SELECT %(company)s, move_id, product_id, uom_id, lot_id, src, dest, qty, qty, date, 'done',
               TRUE, date, date
          FROM bench_moves;
        INSERT INTO stock_quant (product_id, location_id, lot_id, company_id, quantity, reserved_quantity,
                                 in_date, create_date, write_date)
        SELECT product_id, stock_id, lot_id, %(company)s,
               SUM(CASE WHEN is_entry THEN qty ELSE -qty END), 0, MIN(date), MIN(date), MIN(date)
          FROM bench_moves GROUP BY product_id, stock_id, lot_id;
        """,
        {"company": company.id},
    )
    cr.execute("SELECT COUNT(*) FROM bench_moves")
    n_lines = cr.fetchone()[0]
    env.invalidate_all()
    analyze(env)
    return templates, depots, n_lines


def peak_memory_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    args = parse_args(__doc__)
    with odoo_env(args.database) as env:
        start = time.perf_counter()
        templates, depots, n_lines = build(env, args.scale)
        print(
            f"Built {len(templates)} articles x {len(depots)} depots, {n_lines} move lines "
            f"in {time.perf_counter() - start:.0f} s"
        )
        run(env, templates, depots, args.repeat)


def run(env, templates, depots, repeat):
    quant_domain = [("location_id.usage", "=", "internal")]
    Quant = env["stock.quant"]
    quant_fields = ["product_id", "lot_id", "location_id", "quantity", "reserved_quantity"]

    def quant_list(domain, limit=80):
        Quant.search_count(domain)
        Quant.search_read(domain, quant_fields, limit=limit)

    depot = depots[1]
    one_depot_quants = quant_domain + [("location_id", "child_of", depot.lot_stock_id.id)]
    native_one = timed(env, lambda: quant_list(one_depot_quants, limit=None), repeat)
    native_page = timed(env, lambda: quant_list(quant_domain), repeat)
    Register = env["bhima.stock.inventory.register"]
    register_fields = [
        "depot_id", "product_id", "quantity", "quantity_usable", "cmm", "cmm_def", "cmm_msh",
        "security_stock", "minimum_stock", "maximum_stock", "months_of_stock",
        "quantity_to_order", "status", "lots_at_risk", "last_movement_date",
    ]  # fmt: skip

    def register(depot_ids):
        rows = Register.with_context(bhima_depot_ids=depot_ids).search_read([], register_fields)
        assert rows

    ok = True
    ours = timed(env, lambda: register(depot.ids), repeat)
    print(f"  inventory register of one depot: {ours:.2f} s (limit 2 s)")
    ok &= report(
        f"Inventory register of one depot ({len(templates)} articles, CMM and statuses)",
        ours, native_one, 20, "bhima.stock.inventory.register, one depot",
        "stock.quant list of the depot (all rows)",
    )  # fmt: skip
    ok &= ours < 2
    ours_all = timed(env, lambda: register(depots.ids), max(repeat // 2, 1))
    print(f"  inventory register of all depots: {ours_all:.2f} s (limit 10 s)")
    ok &= ours_all < 10
    return ok


if __name__ == "__main__":
    main()
