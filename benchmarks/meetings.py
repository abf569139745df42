#!/usr/bin/env python3
"""Time a meeting with 2,000 invitees: its page, its attendance list, and the roster exports
(xlsx, PDF, CSV); prove the query counts do not grow with the invitees.

Builds a throwaway database with Alembic (benchmarks/register_pages.py's loader: units with a
书记 and a 联络员 each), creates a meeting through the services, invites every current 书记
(``invite_group``), marks every third present, then requests each page ``--repeat`` times as
a staff account. Same again with a small meeting; exit status 1 if any query count changed.

    .venv/bin/python benchmarks/meetings.py [--invitees 2000] [--small 50] [--repeat 15]
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from datetime import timedelta
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from register_pages import PASSWORD, create_alliance_and_staff, load_data, measure, migrated_app, pad  # noqa: E402
from sqlalchemy import select, text  # noqa: E402

from alliance.audit.context import Actor, acting_as  # noqa: E402
from alliance.core.records import update_each  # noqa: E402
from alliance.core.types import utcnow  # noqa: E402
from alliance.extensions import db  # noqa: E402
from alliance.meetings import services  # noqa: E402
from alliance.meetings.models import Attendance  # noqa: E402

PAGES = (
    ("GET /meetings/<id>", "/meetings/{meeting_id}", {}, 50),
    ("GET /meetings/<id>/attendance", "/meetings/{meeting_id}/attendance", {}, 50),
    ("GET roster.xlsx", "/api/v1/meetings/{meeting_id}/roster.xlsx", {"sort": "strokes"}, 300),
    ("GET roster.csv", "/api/v1/meetings/{meeting_id}/roster.csv", {"sort": "unit"}, 150),
    ("GET roster.pdf (签到表)", "/api/v1/meetings/{meeting_id}/roster.pdf", {"sheet": "signin"}, 1000),
)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invitees", type=int, default=2000)
    parser.add_argument("--small", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--database-url", default=None, help="an empty scratch database (default: SQLite)")
    args = parser.parse_args(argv)
    args.analyze = False
    return args


def run(args, invitees: int) -> dict:
    with migrated_app(args.database_url) as app:
        start = time.perf_counter()
        with app.app_context():
            alliance_id, _token = create_alliance_and_staff()
            load_data(alliance_id, invitees, invitees * 2)
            with acting_as(Actor(user_id=None, name="benchmark", source="system")):
                begins = utcnow() + timedelta(days=7)
                meeting = services.create_meeting({
                    "kind": "joint", "title": "基准测试联席会", "starts_at": begins,
                    "ends_at": begins + timedelta(hours=2), "venue": "党群服务中心"}, alliance_id=alliance_id)
                added = services.invite_group(meeting, "secretaries")
                rows = db.session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id)
                                          .order_by(Attendance.id)).all()
                update_each(rows[::3], {"status": "present", "signed_in_at": begins})
                db.session.commit()
            meeting_id, engine = meeting.id, db.engine
            if engine.dialect.name == "postgresql":
                db.session.execute(text("ANALYZE"))
                db.session.commit()
        print(f"  {added} invitees loaded in {time.perf_counter() - start:.1f} s", flush=True)
        client = app.test_client()
        if client.post("/login", data={"username": "bench", "password": PASSWORD}).status_code != 302:
            raise RuntimeError("login failed")
        return {label: measure(client, engine, path.format(meeting_id=meeting_id), params,
                               args.warmup, args.repeat) for label, path, params, _ in PAGES}


def main(argv=None) -> int:
    args = parse_args(argv)
    print(f"python {platform.python_version()}, Flask {version('flask')}; {platform.machine()}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    big, small = run(args, args.invitees), run(args, args.small)
    print(f"\n{pad('page', 30)}{'median ms':>10}{'p95 ms':>9}{'target':>8}{'queries':>9}{'small q':>9}")
    changed = []
    for label, _, _, target in PAGES:
        b, s = big[label], small[label]
        print(f"{pad(label, 30)}{b.median_ms:>10.1f}{b.p95_ms:>9.1f}{target:>8}{b.queries:>9}{s.queries:>9}")
        if b.queries != s.queries:
            changed.append(label)
    print(f"\nquery counts constant: {'no: ' + ', '.join(changed) if changed else 'yes'}")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
