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
        {
            "name": "Bench medicines",
            "property_valuation": "periodic",
            "property_cost_method": "average",
        }
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
               CASE WHEN e.is_entry THEN 250 + (p.id %% 5) * 20
                    ELSE 40 + ((p.id + e.n + w.id) %% 50) * (1 + (p.id %% 3)) END AS qty,
               CASE WHEN e.day < 400 THEN pl.lot1 ELSE pl.lot2 END AS lot_id,
               1 + (p.id %% 50) AS unit_cost
          FROM unnest(%(products)s::int[]) AS p(id)
          JOIN (SELECT product_id, MIN(id) AS lot1, MAX(id) AS lot2
                  FROM stock_lot WHERE product_id = ANY(%(products)s) GROUP BY product_id) pl
            ON pl.product_id = p.id
          JOIN product_product pp ON pp.id = p.id
          JOIN product_template pt ON pt.id = pp.product_tmpl_id
         CROSS JOIN unnest(%(depots)s::int[]) AS d(id)
          JOIN stock_warehouse w ON w.id = d.id
         CROSS JOIN LATERAL (
                SELECT i AS n, TRUE AS is_entry, day FROM unnest(%(entry_days)s::int[]) WITH ORDINALITY AS x(day, i)
                UNION ALL
                SELECT i, FALSE, 5 + i * 46 + (p.id %% 20) FROM generate_series(1, %(exits)s) AS i
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
                                     picked, bhima_flux_id, create_date, write_date)
        SELECT %(company)s, move_id, product_id, uom_id, lot_id, src, dest, qty, qty, date, 'done',
               TRUE, flux_id, date, date
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
            f"Built {len(templates)} articles x {len(depots)} depots, {n_lines} done move lines "
            f"in {time.perf_counter() - start:.0f} s"
        )
        ok = run(env, templates.product_variant_id, depots, args.repeat)
    raise SystemExit(0 if ok else 1)


def run(env, products, depots, repeat):
    """Time the registers against Odoo's own quant list; returns whether every
    limit holds."""
    from odoo import fields
    from odoo.tests import new_test_user

    ok = True
    Quant = env["stock.quant"]
    quant_fields = ["product_id", "lot_id", "location_id", "quantity", "reserved_quantity"]
    internal = [("location_id.usage", "=", "internal")]
    depot = depots[1]
    one_depot = internal + [("location_id", "child_of", depot.lot_stock_id.id)]

    def quants(domain, limit=None):
        Quant.search_count(domain)
        Quant.search_read(domain, quant_fields, limit=limit)

    native_one = timed(env, lambda: quants(one_depot), repeat)
    native_all = timed(env, lambda: quants(internal), repeat)
    native_page = timed(env, lambda: quants(internal, 80), repeat)

    Register = env["bhima.stock.inventory.register"]
    register_fields = [
        "depot_id", "product_id", "quantity", "quantity_usable", "cmm", "cmm_def", "cmm_msh",
        "security_stock", "minimum_stock", "maximum_stock", "months_of_stock",
        "quantity_to_order", "status", "lots_at_risk", "last_movement_date",
    ]  # fmt: skip

    def register(depot_ids):
        Register.with_context(bhima_depot_ids=depot_ids).search_read([], register_fields)

    rows = Register.with_context(bhima_depot_ids=depot.ids).search_read([], ["status"])
    statuses = {}
    for row in rows:
        statuses[row["status"]] = statuses.get(row["status"], 0) + 1
    print(f"  statuses in {depot.name}: {statuses}")
    ours = timed(env, lambda: register(depot.ids), repeat)
    ok &= report(
        f"Stock status of one depot ({len(rows)} articles, CMM, levels, statuses): {ours:.2f} s, "
        "limit 2 s",
        ours, native_one, 10, "bhima.stock.inventory.register, one depot (all rows)",
        "stock.quant list of the depot (all rows)",
    ) and ours < 2  # fmt: skip
    ours = timed(env, lambda: register(depots.ids), max(repeat // 2, 1))
    ok &= report(
        f"Stock status of all {len(depots)} depots: {ours:.2f} s, limit 10 s",
        ours, native_all, 10, "bhima.stock.inventory.register, all depots (all rows)",
        "stock.quant list of all depots (all rows)",
    ) and ours < 10  # fmt: skip

    Lots = env["bhima.stock.lot.register"]
    lot_fields = [
        "depot_id", "product_id", "lot_id", "expiration_date", "days_before_expiry", "quantity",
        "unit_cost", "value", "cmm", "lifetime", "usable_quantity", "risk_quantity",
        "is_expired", "is_near_expiration", "is_at_risk_stock_out",
    ]  # fmt: skip

    def lot_page():
        Lots.search_count([])
        Lots.search_read([], lot_fields, limit=80)

    ours = timed(env, lot_page, repeat)
    report(
        f"Lot register page (80 rows of every depot, with CMM and risks): {ours:.2f} s, limit 1 s",
        ours, native_page, 30, "bhima.stock.lot.register: count + first page",
        "stock.quant: count + first page (no aggregation)",
    )  # fmt: skip
    ok &= ours < 1

    product = products[7]
    Sheet = env["bhima.stock.sheet"]
    ours = timed(env, lambda: Sheet._bhima_open(product=product, depot=depot), repeat)
    native = timed(
        env,
        lambda: Quant.search_read([("product_id", "=", product.id)] + one_depot, quant_fields),
        repeat,
    )
    lines = Sheet.get_stock_sheet(product.id, depot_id=depot.id)["rows"]
    ok &= report(
        f"Two-year stock sheet of one article in one depot ({len(lines)} movements, screen): "
        f"{ours:.3f} s, limit 0.3 s",
        ours, native, 30, "bhima.stock.sheet (computed and shown)",
        "stock.quant list of the article in the depot",
    ) and ours < 0.3  # fmt: skip

    Value = env["bhima.stock.value.report"]
    ours = timed(
        env,
        lambda: Value.with_context(
            bhima_date=fields.Date.to_string(fields.Date.today() - timedelta(days=180))
        )._read_group([], ["depot_id", "categ_id"], ["value:sum"]),
        max(repeat // 2, 1),
    )
    report(
        "Stock value of every depot and group six months ago (historic costs)",
        ours, native_all, 10, "bhima.stock.value.report grouped", "stock.quant list (all rows)",
    )  # fmt: skip
    Consumption = env["bhima.stock.consumption.report"]
    ours = timed(
        env,
        lambda: Consumption.with_context(bhima_depot_ids=depot.ids)._read_group(
            [], ["product_id", "month:month"], ["quantity_consumed:sum"]
        ),
        max(repeat // 2, 1),
    )
    report(
        "Monthly consumption of one depot (article x month, 12 months)",
        ours, native_one, 10, "bhima.stock.consumption.report grouped", "stock.quant list of the depot",
    )  # fmt: skip
    ours = timed(
        env,
        lambda: [(d.bhima_count_stock_out, d.bhima_count_expiring) for d in depots],
        max(repeat // 2, 1),
    )
    report(
        "Depot dashboard (every depot's counts)",
        ours, native_all, 10, "stock.warehouse dashboard counts", "stock.quant list (all rows)",
    )  # fmt: skip

    # the daily jobs: alerts of every depot (one activity per alert and manager), digest
    managers = [
        new_test_user(env, f"bench_manager_{i}", groups="bhima_stock.bhima_stock_group_user",
                      email=f"bench{i}@example.com")
        for i in range(2)
    ]  # fmt: skip
    for user in managers:
        depots.bhima_manager_ids = [(4, user.id)]
    env.flush_all()
    today = env["bhima.stock.ledger"]._bhima_today()
    Alert = env["bhima.stock.alert"]
    template = env.ref("bhima_stock.mail_template_bhima_weekly_digest")
    start = time.perf_counter()
    rss_before = peak_memory_mb()
    for each in depots:
        Alert._bhima_check_depot(each, today)
        env.flush_all()
        env.invalidate_all()  # as the scheduled action does after each depot's commit
    alerts_time = time.perf_counter() - start
    n_alerts = Alert.search_count([("state", "=", "open")])
    n_activities = env["mail.activity"].search_count([("res_model", "=", "bhima.stock.alert")])
    start = time.perf_counter()
    for each in depots:
        Alert._bhima_check_depot(each, today)
    env.flush_all()
    again = time.perf_counter() - start
    start = time.perf_counter()
    for each in depots:
        each._bhima_send_digest(template)
        env.flush_all()
        env.invalidate_all()
    digest_time = time.perf_counter() - start
    rss = peak_memory_mb()
    print("Daily jobs over all depots")
    print(f"  stock alerts: {alerts_time:.1f} s ({n_alerts} alerts, {n_activities} activities)")
    print(f"  second run the same day: {again:.1f} s, nothing new: "
          f"{Alert.search_count([('state', '=', 'open')]) == n_alerts}")  # fmt: skip
    print(f"  weekly digest: {digest_time:.1f} s")
    print(f"  peak memory of the process: {rss:.0f} MB (before the jobs: {rss_before:.0f} MB)")
    print(
        f"  limit 300 s and 500 MB: {'OK' if alerts_time + digest_time < 300 and rss < 500 else 'OVER LIMIT'}"
    )
    ok &= alerts_time + digest_time < 300 and rss < 500
    return ok


if __name__ == "__main__":
    main()
