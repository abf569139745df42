#!/usr/bin/env python3
"""Time the annual report (issue 14) for a year with 100,000 activities, 10,000 needs, 5,000
ratings and 100,000 service records, and prove its statement count does not grow with the data.

Builds a throwaway SQLite database with Alembic and bulk-loads the year with the other
benchmarks' builders (register_pages: units and people; civic: venues, events, service records,
ledgers; lists: needs, resources, projects; ratings: organizations and confirmed ratings), signs
in through the login form and requests the report in-process ``--repeat`` times. Prints the
median and p95 time, the statements per request and a few of the figures, for the full and a
1/50 data set; exits 1 if a statement count changed with the data.

    .venv/bin/python benchmarks/annual.py [--scale 1.0] [--repeat 20] [--database-url URL]
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from civic import load_civic  # noqa: E402
from lists import load_lists  # noqa: E402
from ratings import LAST_YEAR, load_ratings  # noqa: E402
from register_pages import (  # noqa: E402
    PASSWORD,
    activity_rows,
    bulk_insert,
    create_alliance_and_staff,
    load_data,
    measure,
    migrated_app,
    pad,
)
from sqlalchemy import text  # noqa: E402

from alliance.activities.models import Activity  # noqa: E402
from alliance.core.types import utcnow  # noqa: E402
from alliance.extensions import db  # noqa: E402

YEAR = LAST_YEAR  # the ratings builder's year; the civic builder's events fall in it too
FULL = {"activities": 100_000, "needs": 10_000, "ratings": 5_000, "records": 100_000}
PAGES = (
    ("GET /api/v1/reports/annual", "/api/v1/reports/annual", {"year": str(YEAR)}),
    ("GET /reports/annual (page, with the year before)", "/reports/annual", {"year": str(YEAR)}),
)


def load(alliance_id: int, sizes: dict[str, int]) -> None:
    """The year's records, bulk-loaded (committed)."""
    rng = random.Random(14)
    unit_ids = load_data(alliance_id, 400, 800)
    now = utcnow()
    stamp = {"alliance_id": alliance_id, "version": 1, "created_at": now, "updated_at": now}
    rows = activity_rows(rng, unit_ids, sizes["activities"], stamp)
    for row in rows:  # all in the report's year
        row["occurred_on"] = date(YEAR, 1, 1) + timedelta(days=rng.randrange(365))
    for chunk in range(0, len(rows), 10_000):
        bulk_insert(Activity, rows[chunk:chunk + 10_000])
    load_civic(alliance_id, sizes["records"], rng, unit_ids=unit_ids, ledgers=5)
    load_lists(alliance_id, unit_ids, needs=sizes["needs"], projects=max(20, sizes["needs"] // 5),
               resources=max(20, sizes["needs"] // 10))
    load_ratings(alliance_id, unit_ids, sizes["ratings"], 1)
    # The builders date needs by the load and leave projects without a start: put them in the year.
    db.session.execute(text("UPDATE needs SET created_at = :at WHERE alliance_id = :a"),
                       {"at": f"{YEAR}-06-01 02:00:00.000000" if db.engine.dialect.name == "sqlite"
                        else f"{YEAR}-06-01 02:00:00+00", "a": alliance_id})
    db.session.execute(text("UPDATE projects SET starts_on = :on WHERE alliance_id = :a"),
                       {"on": date(YEAR, 3, 1), "a": alliance_id})
    db.session.commit()


def run(args, sizes: dict[str, int]) -> tuple[dict, dict]:
    with migrated_app(args.database_url) as app:
        began = time.perf_counter()
        with app.app_context():
            alliance_id, _token = create_alliance_and_staff()
            load(alliance_id, sizes)
            if db.engine.dialect.name == "postgresql":
                db.session.execute(text("ANALYZE"))
                db.session.commit()
            engine = db.engine
        print(f"  loaded in {time.perf_counter() - began:.1f} s", flush=True)
        client = app.test_client()
        if client.post("/login", data={"username": "bench", "password": PASSWORD}).status_code != 302:
            raise RuntimeError("login failed")
        report = client.get("/api/v1/reports/annual", query_string={"year": str(YEAR)}).get_json()
        return {label: measure(client, engine, path, params, args.warmup, args.repeat)
                for label, path, params in PAGES}, report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies the full data set")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    results = {}
    for name, factor in (("full", args.scale), ("small", args.scale / 50)):
        sizes = {k: max(20, int(v * factor)) for k, v in FULL.items()}
        print(f"annual report {YEAR}, {name}: " + ", ".join(f"{v} {k}" for k, v in sizes.items()), flush=True)
        results[name], report = run(args, sizes)
        for label, m in results[name].items():
            print(f"    {pad(label, 52)} median {m.median_ms:7.1f} ms   p95 {m.p95_ms:7.1f} ms   "
                  f"{m.queries} queries", flush=True)
        print(f"    figures: activities {report['activities']['total']}, needs {report['needs']['received']}, "
              f"ratings {report['ratings']['total']}, events {report['civic']['events']}, "
              f"hours {report['civic']['volunteer_hours']}, projects {report['projects']['total']}", flush=True)
    grew = [label for label in results["full"] if results["full"][label].queries != results["small"][label].queries]
    if grew:
        print("query counts changed with the data: " + ", ".join(grew))
        return 1
    print("query counts are the same at both sizes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
