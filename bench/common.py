"""Shared helpers for the benchmarks: an Odoo environment on the bench database,
and timing that reports medians. Every benchmark builds its data inside one
transaction, measures, and rolls back: the database is left as it was."""

import argparse
import contextlib
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def parse_args(description):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("-d", "--database", default="bhima_bench")
    parser.add_argument("--repeat", type=int, default=7, help="timed repetitions (median kept)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the data volume")
    return parser.parse_args()


@contextlib.contextmanager
def odoo_env(database):
    """An environment as superuser on ``database``; everything is rolled back."""
    from odoo import api
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(
        [
            "--addons-path",
            str(REPO),
            "-d",
            database,
            "--log-level",
            "warn",
            "--http-interface",
            "127.0.0.1",
        ],
        setup_logging=True,
    )
    registry = Registry(database)
    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {"tracking_disable": True})
        try:
            yield env
        finally:
            cr.rollback()


def timed(env, function, repeat):
    """Median wall time of ``function()`` in seconds; the record cache is
    cleared before each run so that every run reads the database."""
    times = []
    for _ in range(repeat):
        env.flush_all()
        env.invalidate_all()
        start = time.perf_counter()
        function()
        env.flush_all()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def analyze(env):
    """Flush and refresh the planner statistics after building data, as
    autovacuum would on a live database."""
    env.flush_all()
    env.cr.execute("ANALYZE")


def report(title, ours, native, limit, label_ours, label_native):
    ratio = ours / native if native else float("inf")
    verdict = "OK" if ratio <= limit else "OVER LIMIT"
    print(f"{title}")
    print(f"  {label_native:<55} {native * 1000:10.1f} ms")
    print(f"  {label_ours:<55} {ours * 1000:10.1f} ms")
    print(f"  ratio {ratio:.2f} (limit {limit}) {verdict}")
    sys.stdout.flush()
    return ratio <= limit
