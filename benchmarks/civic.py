#!/usr/bin/env python3
"""Time the civic figures page with 100,000 service records and the certificate PDF, and prove
their query counts do not grow with the data.

Builds a throwaway database with Alembic, bulk-loads the sub-centre, 71 stations and 6 spaces,
teams, volunteers, a year of events and N service records (default 100,000), signs in through
the real login form and requests each page ``--repeat`` times through the Flask test client.
Prints median and 95th-percentile times and SQL statements per request, then does the same on a
small data set and compares: exit status 1 if any page's statement count changed with the data.

    .venv/bin/python benchmarks/civic.py [--records 100000] [--repeat 20] [--database-url URL]
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from register_pages import PASSWORD, bulk_insert, create_alliance_and_staff, measure, migrated_app, pad  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402

from alliance.civic.models import (  # noqa: E402
    CivicEvent,
    CivicEventPhoto,
    ItemLedger,
    LedgerEntry,
    ServiceProject,
    ServiceRecord,
    Venue,
    Volunteer,
    VolunteerTeam,
    team_members,
)
from alliance.core.dates import LOCAL_TZ  # noqa: E402
from alliance.core.types import utcnow  # noqa: E402
from alliance.extensions import db  # noqa: E402

YEAR = 2021
PAGES = (
    ("GET /civic?year=2021 (figures)", "/civic", {"year": str(YEAR)}),
    ("GET /api/v1/volunteers/<id>/certificate.pdf", "/api/v1/volunteers/{volunteer_id}/certificate.pdf", {}),
    ("GET /civic/volunteers/<id>/certificate.pdf", "/civic/volunteers/{volunteer_id}/certificate.pdf", {}),
)


def load_civic(alliance_id: int, records: int, rng: random.Random, *, unit_ids: list[int] | None = None,
               photo_every: int = 0, ledgers: int = 0) -> dict:
    """Bulk-load the sub-centre, 71 stations and 6 spaces, 40 teams, 20 projects,
    ``records // 20`` volunteers (one team each), ``records // 50`` events over ``YEAR`` and
    ``records`` verified service records. With ``unit_ids`` every other station and team is
    hosted by a member unit (events there carry its ``unit_id``); ``photo_every`` gives every
    n-th event two photos; ``ledgers`` adds item ledgers with batches and hand-outs. Does not
    commit. Returns the ids: ``volunteer_id`` (one with verified hours), ``venue_id``,
    ``event_id``."""
    now = utcnow()
    stamp = {"alliance_id": alliance_id, "created_at": now, "updated_at": now, "version": 1, "deleted_at": None}
    hosts = list(unit_ids or [])

    def host(n: int) -> int | None:
        return hosts[(n * 7) % len(hosts)] if hosts and n % 2 == 0 else None

    centre = bulk_insert(Venue, [{**stamp, "kind": "sub_centre", "name": "基准分中心", "parent_id": None,
                                  "address": None, "unit_id": None, "host_name": None, "is_sample": True}])[0]
    venue_rows = [{**stamp, "kind": kind, "name": f"{label}{n:02d}", "parent_id": centre,
                   "address": f"基准路{n}号" if hosts else None, "unit_id": None,
                   "host_name": None, "is_sample": True}
                  for kind, label, count in (("station", "基准实践站", 71), ("public_space", "基准益空间", 6))
                  for n in range(1, count + 1)]
    for n, row in enumerate(venue_rows):
        row["unit_id"] = host(n) if row["kind"] == "station" else None
        if row["unit_id"] is None and hosts and row["kind"] == "station":
            row["host_name"] = f"基准社区{n}"
    venues = bulk_insert(Venue, venue_rows)
    venue_unit = {v: row["unit_id"] for v, row in zip(venues, venue_rows, strict=True)}
    team_units = [host(n + 1) for n in range(40)]
    teams = bulk_insert(VolunteerTeam, [{**stamp, "name": f"基准服务队{n}", "unit_id": team_units[n],
                                         "description": None, "is_sample": True} for n in range(40)])
    projects = bulk_insert(ServiceProject, [{**stamp, "name": f"基准项目{n}", "team_id": teams[n % 40],
                                             "festival": ("spring", "laba", "mid_autumn", None)[n % 4],
                                             "description": None, "is_sample": True} for n in range(20)])
    volunteer_count = max(50, records // 20)
    volunteers = bulk_insert(Volunteer, [{**stamp, "volunteer_no": f"ZY{n:06d}", "name": f"志愿者{n}",
                                          "mobile": None, "person_id": None, "skills": None, "is_sample": True}
                                         for n in range(volunteer_count)])
    db.session.execute(insert(team_members), [{"team_id": teams[n % 40], "volunteer_id": v}
                                              for n, v in enumerate(volunteers)])
    event_count = max(20, records // 50)
    start = datetime(YEAR, 1, 1, 9, tzinfo=LOCAL_TZ)
    events = bulk_insert(CivicEvent, [{
        **stamp, "title": f"基准活动{n}", "project_id": projects[n % 20], "venue_id": venues[n % 70],
        "starts_at": start + timedelta(hours=n * 4), "ends_at": start + timedelta(hours=n * 4 + 3),
        "organizer_kind": "team", "organizer_unit_id": None, "organizer_team_id": teams[n % 40],
        "unit_id": venue_unit[venues[n % 70]], "description": None, "audience": rng.randint(50, 800),
        "is_sample": True} for n in range(event_count)])
    if photo_every:
        db.session.execute(insert(CivicEventPhoto), [
            {**stamp, "event_id": event, "stored_name": f"bench-{event}-{k}.jpg",
             "original_name": f"活动照片{k}.jpg", "content_type": "image/jpeg", "size_bytes": 120_000,
             "width": 1600, "height": 1200, "position": k}
            for n, event in enumerate(events) if n % photo_every == 0 for k in range(2)])
    rows = []
    for n in range(records):
        event = events[n % event_count]
        volunteer = volunteers[(n // event_count * 7 + n) % volunteer_count]
        rows.append({**stamp, "event_id": event, "volunteer_id": volunteer,
                     "unit_id": venue_unit[venues[(n % event_count) % 70]],
                     "hours": Decimal("2.0"), "role": None, "status": "verified", "verified_by": "基准",
                     "verified_at": now})
    for chunk in range(0, len(rows), 10_000):
        db.session.execute(insert(ServiceRecord), rows[chunk:chunk + 10_000])
    for n in range(ledgers):
        ledger = bulk_insert(ItemLedger, [{**stamp, "item": f"基准物品{n}", "project_id": projects[n % 20],
                                          "unit_id": None, "in_stock": 3 * 200 - 6 * 50, "note": None,
                                          "is_sample": True}])[0]
        made = [{**stamp, "ledger_id": ledger, "kind": "made", "quantity": 200, "occurred_on": date(YEAR, 1, 5 + k),
                 "event_id": None, "made_by": "基准服务队", "volunteer_count": 10} for k in range(3)]
        handouts = [{**stamp, "ledger_id": ledger, "kind": "handout", "quantity": 50,
                     "occurred_on": date(YEAR, 1, 10 + k), "event_id": events[(n * 13 + k * 5) % event_count],
                     "made_by": None, "volunteer_count": 4} for k in range(6)]
        db.session.execute(insert(LedgerEntry), made + handouts)
    return {"volunteer_id": volunteers[0], "venue_id": venues[0], "event_id": events[-1]}


def load(alliance_id: int, records: int, rng: random.Random) -> int:
    """The figures benchmark's data (committed); returns the id of a volunteer with verified
    hours (the certificate's)."""
    ids = load_civic(alliance_id, records, rng)
    db.session.commit()
    return ids["volunteer_id"]


def run(args, records: int) -> dict:
    rng = random.Random(11)
    with migrated_app(args.database_url) as app:
        began = time.perf_counter()
        with app.app_context():
            alliance_id, _token = create_alliance_and_staff()
            volunteer_id = load(alliance_id, records, rng)
            if db.engine.dialect.name == "postgresql":
                db.session.execute(text("ANALYZE"))
                db.session.commit()
            engine = db.engine
        print(f"  loaded {records} service records in {time.perf_counter() - began:.1f} s", flush=True)
        client = app.test_client()
        if client.post("/login", data={"username": "bench", "password": PASSWORD}).status_code != 302:
            raise RuntimeError("login failed")
        return {label: measure(client, engine, path.format(volunteer_id=volunteer_id), params,
                               args.warmup, args.repeat) for label, path, params in PAGES}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    results = {}
    for size in (args.records, args.small):
        print(f"civic: {size} service records", flush=True)
        results[size] = run(args, size)
        for label, m in results[size].items():
            print(f"    {pad(label, 48)} median {m.median_ms:7.1f} ms   p95 {m.p95_ms:7.1f} ms   "
                  f"{m.queries} queries", flush=True)
    grew = [label for label in results[args.records]
            if results[args.records][label].queries != results[args.small][label].queries]
    if grew:
        print("query counts changed with the data: " + ", ".join(grew))
        return 1
    print("query counts are the same at both sizes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
