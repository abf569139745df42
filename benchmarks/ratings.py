#!/usr/bin/env python3
"""Time the ratings' distribution report and rating lists on a large alliance (5,000 party
organizations rated over five years), and prove their query counts do not grow with the data.

Builds a throwaway SQLite database with Alembic, bulk-loads organizations, five yearly rubrics and
one confirmed rating per organization and year (totals from ``scoring.compute``, as the services
do), signs in through the real login form and requests each page ``--repeat`` times. Prints median
and p95 times and SQL statements per request for a small and the large data set; exits 1 if a
count changed with the data.

    .venv/bin/python benchmarks/ratings.py [--organizations 5000] [--years 5] [--repeat 20]
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event, insert  # noqa: E402

from alliance import create_app  # noqa: E402
from alliance.audit.context import Actor, acting_as  # noqa: E402
from alliance.auth.services import create_user  # noqa: E402
from alliance.core.sorting import stroke_key  # noqa: E402
from alliance.core.types import utcnow  # noqa: E402
from alliance.extensions import db  # noqa: E402
from alliance.members.models import Alliance, MemberUnit  # noqa: E402
from alliance.ratings import scoring  # noqa: E402
from alliance.ratings.models import PartyOrganization, Rating, RatingEntry, Rubric  # noqa: E402

PASSWORD = "Meilong#ratings-2024"
LAST_YEAR = 2021
PAGES = (
    ("GET /api/v1/reports/ratings?year=2021", "/api/v1/reports/ratings", {"year": "2021"}),
    ("GET /api/v1/ratings?year=2021", "/api/v1/ratings", {"year": "2021"}),
    ("GET /api/v1/ratings?year=2021&page=3", "/api/v1/ratings", {"year": "2021", "page": "3"}),
    ("GET /ratings?year=2021 (distribution page)", "/ratings", {"year": "2021"}),
    ("GET /ratings/cycle?year=2021", "/ratings/cycle", {"year": "2021"}),
)


def build(app, organizations: int, years: int) -> None:
    now = utcnow()
    common = {"created_at": now, "updated_at": now, "version": 1}
    with app.app_context():
        upgrade()
        alliance = Alliance(code="meilong", name="梅陇镇区域化党建联盟")
        db.session.add(alliance)
        db.session.flush()
        with acting_as(Actor(user_id=None, name="bench", source="cli")):
            create_user({"username": "staff", "display_name": "工作人员", "role": "staff",
                         "password": PASSWORD}, alliance_id=alliance.id)
        units = max(10, organizations // 10)
        db.session.execute(insert(MemberUnit), [
            {**common, "alliance_id": alliance.id, "name": f"单位{i:05d}", "category": "residential",
             "status": "active", "name_sort_key": f"danwei{i:05d}", "is_sample": True} for i in range(units)])
        unit_ids = [u.id for u in db.session.query(MemberUnit.id)]
        load_ratings(alliance.id, unit_ids, organizations, years)
        db.session.commit()


def load_ratings(alliance_id: int, unit_ids: list[int], organizations: int, years: int) -> None:
    """Bulk-load ``organizations`` branches spread over ``unit_ids``, a rubric for each of the
    ``years`` up to LAST_YEAR and one confirmed rating per organization and year (totals from
    ``scoring.compute``, as the services do); the last year's ratings also hold their answers
    per item (self-assessed and reviewed points, a note), as a real cycle's do. Does not commit."""
    rng = random.Random(organizations)
    now = utcnow()
    common = {"created_at": now, "updated_at": now, "version": 1}
    db.session.execute(insert(PartyOrganization), [
        {**common, "alliance_id": alliance_id, "name": f"第{i:05d}党支部", "kind": "branch",
         "unit_id": unit_ids[i % len(unit_ids)], "member_count": rng.randint(10, 80),
         "name_stroke_key": stroke_key(f"第{i:05d}党支部"), "is_sample": True}
        for i in range(organizations)])
    org_rows = [(o.id, o.unit_id) for o in db.session.query(PartyOrganization.id, PartyOrganization.unit_id)]
    definition = scoring.DEFAULT_DEFINITION
    items = [i for d in definition["dimensions"] for i in d["items"]]
    for year in range(LAST_YEAR - years + 1, LAST_YEAR + 1):
        rubric = Rubric(alliance_id=alliance_id, year=year, name="细则", status="in_use",
                        notice_days=5, definition=definition)
        db.session.add(rubric)
        db.session.flush()
        rows, answers = [], []
        for org_id, unit_id in org_rows:
            points = {i["code"]: rng.randint(i["max_points"] // 2, i["max_points"]) for i in items}
            result = scoring.compute(definition, points)
            answers.append(points)
            rows.append({**common, "alliance_id": alliance_id, "organization_id": org_id,
                         "unit_id": unit_id, "rubric_id": rubric.id, "year": year,
                         "status": "confirmed", "total": result.total, "self_total": result.total,
                         "stars": result.stars, "vetoed": False, "nomination": "none",
                         "result": result.as_dict(), "is_sample": True})
        if year < LAST_YEAR:
            db.session.execute(insert(Rating), rows)
            continue
        ids = db.session.scalars(insert(Rating).returning(Rating.id, sort_by_parameter_order=True),
                                 rows).all()
        db.session.execute(insert(RatingEntry), [
            {**common, "alliance_id": alliance_id, "rating_id": rating_id, "item_code": code,
             "self_points": value, "self_note": "台账齐全，见附件", "review_points": value,
             "review_comment": "属实"}
            for rating_id, points in zip(ids, answers, strict=True) for code, value in points.items()])


def measure(organizations: int, years: int, repeat: int) -> dict[str, tuple[float, float, int]]:
    path = Path(tempfile.mkdtemp()) / "bench.db"
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    build(app, organizations, years)
    client = app.test_client()
    response = client.post("/login", data={"username": "staff", "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    out = {}
    with app.app_context():
        engine = db.engine
    counter = {"n": 0}

    def count(*_args, **_kwargs):
        counter["n"] += 1

    event.listen(engine, "before_cursor_execute", count)
    for label, path_, query in PAGES:
        for _ in range(2):
            client.get(path_, query_string=query)
        times, counts = [], []
        for _ in range(repeat):
            counter["n"] = 0
            start = time.perf_counter()
            response = client.get(path_, query_string=query)
            times.append((time.perf_counter() - start) * 1000)
            counts.append(counter["n"])
            assert response.status_code == 200, (label, response.status_code)
        times.sort()
        out[label] = (statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], max(counts))
    event.remove(engine, "before_cursor_execute", count)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organizations", type=int, default=5000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--small", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    results = {}
    for size in (args.small, args.organizations):
        results[size] = measure(size, args.years, args.repeat)
        print(f"\n{size} organizations × {args.years} years ({size * args.years} ratings)")
        print(f"{'page':48} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
        for label, (median, p95, queries) in results[size].items():
            print(f"{label:48} {median:10.1f} {p95:8.1f} {queries:8d}")
    grew = [label for label in results[args.small]
            if results[args.small][label][2] != results[args.organizations][label][2]]
    if grew:
        print("\nQuery counts changed with the data size: " + ", ".join(grew))
        return 1
    print("\nQuery counts are the same at both sizes.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
