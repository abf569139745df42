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
import random
import sys
import time
from datetime import timedelta
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from register_pages import (  # noqa: E402
    PASSWORD,
    bulk_insert,
    create_alliance_and_staff,
    load_data,
    measure,
    migrated_app,
    only_the_count_spared,
    pad,
)
from sqlalchemy import select, text  # noqa: E402

from alliance.audit.context import Actor, acting_as  # noqa: E402
from alliance.core.records import update_each  # noqa: E402
from alliance.core.types import utcnow  # noqa: E402
from alliance.extensions import db  # noqa: E402
from alliance.meetings import services  # noqa: E402
from alliance.meetings.models import MEETING_KINDS, AgendaItem, Attendance, Meeting, ReplySlip  # noqa: E402
from alliance.members.models import MemberUnit, UnitRole  # noqa: E402

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
    parser.add_argument("--history", type=int, default=0, help="past meetings to load as well")
    parser.add_argument("--database-url", default=None, help="an empty scratch database (default: SQLite)")
    args = parser.parse_args(argv)
    args.analyze = False
    return args


HISTORY_KINDS = ("joint", "joint", "quarterly", "quarterly", "forum", "special")
HISTORY_VENUES = ("党群服务中心", "上海力波展示中心", "镇政府会议室", "社区文化活动中心", "园区会议中心")
AGENDA = ("通报联盟年度工作情况", "审议新成员单位加入事项", "部署下阶段共建项目", "交流共建经验",
          "讨论议事规则修订")


def _roles(alliance_id: int) -> list[tuple[int, int, str]]:
    """(unit_id, person_id, role) of every current 书记 and 联络员 of the alliance's units."""
    return [tuple(r) for r in db.session.execute(
        select(UnitRole.unit_id, UnitRole.person_id, UnitRole.role)
        .join(MemberUnit, MemberUnit.id == UnitRole.unit_id)
        .where(MemberUnit.alliance_id == alliance_id, UnitRole.ended_on.is_(None),
               UnitRole.role.in_(("secretary", "liaison")))
        .order_by(UnitRole.unit_id, UnitRole.id))]


def load_history(alliance_id: int, meetings: int, rng: random.Random) -> list[int]:
    """Bulk-load ``meetings`` past meetings over the last years (about two a week, newest a
    month ago): host unit, chair and recorder, three agenda items, and 20 to 60 invitees each
    (current 书记 and 联络员 of the units) with their reply slips, most of them present.
    Returns the meeting ids. Does not commit."""
    if not meetings:
        return []
    roles = _roles(alliance_id)
    people = [p for _, p, _ in roles]
    now = utcnow()
    stamp = {"alliance_id": alliance_id, "version": 1, "created_at": now, "updated_at": now}
    rows = []
    for n in range(meetings):
        starts = (now - timedelta(days=30 + 3.5 * n)).replace(hour=6, minute=0, second=0, microsecond=0)
        kind = HISTORY_KINDS[n % len(HISTORY_KINDS)]
        host = rng.choice(roles)[0]
        rows.append({**stamp, "kind": kind, "title": f"第{meetings - n}次联盟{MEETING_KINDS.label(kind)}",
                     "theme": rng.choice(("精准助力区域发展", "共建共治共享", "党建引领基层治理", None)),
                     "starts_at": starts, "ends_at": starts + timedelta(hours=2),
                     "venue": rng.choice(HISTORY_VENUES), "host_unit_id": host,
                     "chair_id": rng.choice(people), "recorder_id": rng.choice(people),
                     "status": "cancelled" if rng.random() < 0.05 else "held",
                     "minutes": "会议听取了各成员单位的工作汇报，" * rng.randint(1, 8),
                     "signin_key": f"bench-history-{n}", "is_sample": False, "deleted_at": None})
    ids = bulk_insert(Meeting, rows)
    agenda, slips, attendances = [], [], []
    for meeting_id, row in zip(ids, rows, strict=True):
        for position, title in enumerate(rng.sample(AGENDA, 3)):
            agenda.append({**stamp, "meeting_id": meeting_id, "position": position, "title": title,
                           "presenter_id": rng.choice(people), "presenter_note": None})
        invited = rng.sample(roles, min(len(roles), rng.randint(20, 60)))
        for unit_id in sorted({u for u, _, _ in invited}):
            slips.append({**stamp, "meeting_id": meeting_id, "unit_id": unit_id, "status": "answered",
                          "note": None, "answered_at": row["starts_at"] - timedelta(days=2)})
        seen = set()
        for unit_id, person_id, _ in invited:
            if person_id in seen:
                continue
            seen.add(person_id)
            status = rng.choice(("present", "present", "present", "present", "excused", "absent"))
            attendances.append({
                **stamp, "meeting_id": meeting_id, "person_id": person_id, "unit_id": unit_id,
                "capacity": "attend", "status": status,
                "reply": "excused" if status == "excused" else "coming",
                "leave_reason": "工作冲突" if status == "excused" else None, "substitute_for_id": None,
                "signed_in_at": row["starts_at"] if status == "present" else None, "self_signed": False})
    bulk_insert(AgendaItem, agenda)
    bulk_insert(ReplySlip, slips)
    bulk_insert(Attendance, attendances)
    return ids


def build_big_meeting(alliance_id: int) -> tuple[int, int]:
    """A joint meeting in a week's time made through the services: five agenda items, four
    speeches, three decisions, every current 书记 invited (``invite_group``) and every third of
    them marked present. Returns (meeting id, invitees). Commits."""
    with acting_as(Actor(user_id=None, name="benchmark", source="system")):
        begins = utcnow() + timedelta(days=7)
        roles = _roles(alliance_id)
        meeting = services.create_meeting({
            "kind": "joint", "title": "基准测试联席会", "theme": "精准助力区域发展",
            "starts_at": begins, "ends_at": begins + timedelta(hours=2), "venue": "党群服务中心",
            "host_unit_id": roles[0][0] if roles else None,
            "chair_id": roles[0][1] if roles else None,
            "recorder_id": roles[-1][1] if roles else None}, alliance_id=alliance_id)
        for n, title in enumerate(AGENDA):
            services.add_agenda_item(meeting, {"title": title, "presenter_id": roles[n % len(roles)][1]
                                               if roles else None, "presenter_note": "成员单位书记"})
        for unit_id, person_id, _ in roles[:8:2]:
            services.add_speech(meeting, {"unit_id": unit_id, "speaker_id": person_id,
                                          "topic": "党建引领，共建共享"})
        for unit_id, _, _ in roles[:6:2]:
            services.add_action_item(meeting, {"decision": "推进共建项目落地", "owner_unit_id": unit_id,
                                               "due_on": None})
        added = services.invite_group(meeting, "secretaries")
        rows = db.session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id)
                                  .order_by(Attendance.id)).all()
        update_each(rows[::3], {"status": "present", "signed_in_at": begins})
        db.session.commit()
        return meeting.id, added


def load_meetings(alliance_id: int, history: int = 0, rng: random.Random | None = None) -> tuple[int, int]:
    """``history`` past meetings (``load_history``) and the big one (``build_big_meeting``):
    returns (the big meeting's id, its invitees). Commits."""
    load_history(alliance_id, history, rng or random.Random(history))
    db.session.commit()
    return build_big_meeting(alliance_id)


def run(args, invitees: int) -> dict:
    with migrated_app(args.database_url) as app:
        start = time.perf_counter()
        with app.app_context():
            alliance_id, _token = create_alliance_and_staff()
            load_data(alliance_id, invitees, invitees * 2)
            meeting_id, added = load_meetings(alliance_id, args.history)
            engine = db.engine
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
        # A small page that is not full knows its total: it may spare the COUNT, nothing else.
        if b.queries != s.queries and not only_the_count_spared(b, s):
            changed.append(label)
    print(f"\nquery counts constant: {'no: ' + ', '.join(changed) if changed else 'yes'}")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
