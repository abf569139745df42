#!/usr/bin/env python3
"""Profile pages in-process with pyinstrument on the benchmark's large data set.

Loads the same data as register_pages.py (and the ``--areas`` given, benchmarks/speed_areas)
into a temporary SQLite file (or an empty database given with --database-url), signs in, and
profiles ``--repeat`` requests of each page whose label contains ``--only`` (all by default),
printing pyinstrument's call tree per page.

    .venv/bin/python benchmarks/profile_pages.py --only "/api/v1/units" [--repeat 50]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import register_pages as data  # noqa: E402
import speed_areas  # noqa: E402
from pyinstrument import Profiler  # noqa: E402
from sqlalchemy import text  # noqa: E402

from alliance.extensions import db  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--activities", type=int, default=100000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--only", help="profile only pages whose label contains this text")
    parser.add_argument("--database-url", help="an EMPTY scratch database (default: SQLite file)")
    parser.add_argument("--html", help="also write an HTML report per page into this folder")
    parser.add_argument("--areas", default="none",
                        help="comma-separated areas whose data and pages to add (benchmarks/speed_areas; "
                             "default none, all: every area)")
    args = parser.parse_args(argv)
    names = [a.strip() for a in args.areas.split(",") if a.strip() and a.strip() != "none"]
    areas = speed_areas.modules(None if args.areas == "all" else names)
    with data.migrated_app(args.database_url) as app:
        with app.app_context():
            alliance_id, token = data.create_alliance_and_staff()
            unit_ids = data.load_data(alliance_id, args.units, args.people, args.activities)
            fields = {"unit_id": unit_ids[len(unit_ids) // 2]}
            for area in areas:
                fields |= area.load(alliance_id, unit_ids)
            if db.engine.dialect.name == "postgresql":
                db.session.execute(text("ANALYZE"))
                db.session.commit()
        client = app.test_client()
        client.post("/login", data={"username": "bench", "password": data.PASSWORD})
        for label, path, params in [*data.PAGES, *(page for area in areas for page in area.PAGES)]:
            if args.only and args.only not in label:
                continue
            headers = {"Authorization": f"Bearer {token}"} if path.startswith("/api/") else None
            url = path.format(**fields)
            for _ in range(3):
                client.get(url, query_string=params, headers=headers)
            profiler = Profiler(interval=0.0005)
            start = time.perf_counter()
            with profiler:
                for _ in range(args.repeat):
                    response = client.get(url, query_string=params, headers=headers)
                    assert response.status_code == 200, (label, response.status_code)
            ms = (time.perf_counter() - start) * 1000 / args.repeat
            print(f"\n===== {label}: {ms:.1f} ms a request (profiled)")
            print(profiler.output_text(unicode=True, color=False, show_all=False))
            if args.html:
                Path(args.html).mkdir(parents=True, exist_ok=True)
                name = "".join(c if c.isalnum() else "_" for c in label)
                Path(args.html, f"{name}.html").write_text(profiler.output_html())
    return 0


if __name__ == "__main__":
    sys.exit(main())
