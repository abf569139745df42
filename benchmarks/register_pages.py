#!/usr/bin/env python3
"""Time the register's list pages on a large alliance, and prove their query counts are fixed.

Builds a throwaway database with Alembic, bulk-loads N units and M people (with 书记/联络员 roles
and their audit entries), signs in through the real login form and requests each page
``--repeat`` times through the Flask test client. Prints median and 95th-percentile times and
the SQL statements per request, then does the same on a small data set and compares the counts:
exit status 1 if any page's count changed with the data. See benchmarks/README.md.

    .venv/bin/python benchmarks/register_pages.py [--units 2000] [--people 20000] [--repeat 30]
"""
from __future__ import annotations

import argparse
import logging
import math
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import downgrade, upgrade  # noqa: E402
from sqlalchemy import create_engine, event, insert, inspect, text  # noqa: E402

from alliance import create_app  # noqa: E402
from alliance.activities.models import ACTIVITY_KINDS, Activity, ActivityPhoto  # noqa: E402
from alliance.audit.context import Actor, acting_as  # noqa: E402
from alliance.audit.models import AuditEntry  # noqa: E402
from alliance.auth.services import create_user, issue_token  # noqa: E402
from alliance.core.sorting import person_search_key, pinyin_key, search_key, stroke_key  # noqa: E402
from alliance.core.types import utcnow  # noqa: E402
from alliance.extensions import db  # noqa: E402
from alliance.members.models import UNIT_ROLES, Alliance, MemberUnit, Person, UnitRole  # noqa: E402

PASSWORD = "Meilong#register-2024"
# (label, path, query string); "{unit_id}" is a unit in the middle of the list, with roles.
# Paths under /api/ are requested with the staff account's bearer token instead of the session.
PAGES = (
    ("GET / (staff workbench)", "/", {}),  # issue 13: under 100 ms median on SQLite
    ("GET /units", "/units", {}),
    ("GET /units?sort=name&page=3", "/units", {"sort": "name", "page": "3"}),
    ("GET /units/<id>", "/units/{unit_id}", {}),
    ("GET /people", "/people", {}),
    ("GET /people?sort=pinyin&q=张", "/people", {"sort": "pinyin", "q": "张"}),
    ("GET /activities", "/activities", {}),
    ("GET /api/v1/units", "/api/v1/units", {}),
    ("GET /api/v1/people", "/api/v1/people", {}),
    ("GET /api/v1/activities", "/api/v1/activities", {}),
)

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程"
            "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚")
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官")
GIVEN_CHARS = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文辉"
               "玉兰晓峰海燕春雪梅琳佳俊浩宇欣怡涵思雨博嘉懿诺晨阳天佑瑞雯婷颖慧")
PLACES = ("梅陇", "华漕", "虹桥", "七宝", "莘庄", "颛桥", "吴泾", "马桥", "浦江", "古美", "江川", "新虹",
          "龙柏", "春申", "景谷", "银都", "莲花", "平阳", "罗阳", "航华", "东兰", "田林", "凌云", "长桥")
BRAND_CHARS = "华申通达联信恒泰鑫源宏盛嘉禾汇丰瑞祥东方明光创新天海浦金银龙凤云峰锦程"
TRADES = ("科技", "物流", "建设", "食品", "电子", "医药", "环保", "信息技术", "机械", "置业", "餐饮",
          "文化传媒", "新材料", "汽车零部件", "电气", "生物科技", "印务", "供应链管理")
BANKS = ("中国工商银行", "中国建设银行", "中国农业银行", "中国银行", "交通银行", "上海农商银行", "招商银行")
# category: (weight, name templates)
UNIT_KINDS = {
    "enterprise": (45, ("上海{brand}{trade}有限公司", "上海{brand}{trade}股份有限公司")),
    "residential": (10, ("{place}{brand}居民区",)),
    "school": (8, ("{place}{brand}中学", "{place}{brand}实验小学", "{place}{brand}幼儿园")),
    "bank": (6, ("{bank}{place}{brand}支行",)),
    "government": (6, ("{place}{brand}税务所", "{place}{brand}市场监管所", "{place}{brand}派出所")),
    "institution": (6, ("{place}{brand}文化活动中心", "{place}{brand}社区事务受理中心")),
    "hospital": (5, ("{place}{brand}社区卫生服务中心", "{place}{brand}医院")),
    "social_org": (5, ("{place}{brand}志愿者协会", "{place}{brand}商会")),
    "village": (5, ("{place}{brand}村",)),
    "metro": (2, ("地铁{line}号线{place}{brand}站",)),
    "military": (1, ("{place}{brand}武警中队",)),
    "other": (1, ("{place}{brand}物业服务中心",)),
}
PERSON_TITLES = ("党委书记", "党支部书记", "办公室主任", "党务干事", "总经理", "副校长", "院长", "行长",
                 "居委会主任", "村委会主任", "工会主席", "社工", "志愿者", None, None)
ACTIVITY_TITLES = ("主题党日：{place}党建联盟共学", "{place}社区志愿服务", "走访{place}结对单位",
                   "党课：{place}红色足迹",
                   "{place}联建共建签约", "{place}垃圾分类宣传", "{place}敬老助老志愿活动", "{place}党员先锋岗交流")
SECRETARY_TITLES = ("党委书记", "党支部书记", "党总支书记")
LIAISON_TITLES = ("党务干事", "办公室主任", "组织委员")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=2000, help="units to load (default 2000)")
    parser.add_argument("--people", type=int, default=20000, help="people to load (default 20000)")
    parser.add_argument("--activities", type=int,
                        help="activities to load (default 50 per unit: 100000)")
    parser.add_argument("--small-activities", type=int,
                        help="activities of the comparison run (default 10 per unit: 1500)")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page (default 30)")
    parser.add_argument("--warmup", type=int, default=3,
                        help="untimed requests per page first (default 3)")
    parser.add_argument("--small-units", type=int, default=150,
                        help="units of the comparison run (default 150)")
    parser.add_argument("--small-people", type=int, default=1500,
                        help="people of the comparison run (default 1500)")
    parser.add_argument("--analyze", action="store_true", help="run ANALYZE after loading on "
                        "SQLite too (PostgreSQL always gets it, as autovacuum would do)")
    parser.add_argument("--database-url", help="an EMPTY scratch database (default: a temporary "
                        "SQLite file); the schema is removed again at the end")
    args = parser.parse_args(argv)
    # An empty page skips its eager loads, so both runs must fill page 3 of the unit list (50 a
    # page) or the counts would differ for a harmless reason.
    if min(args.units, args.small_units) <= 100 or min(args.people, args.small_people) < 1:
        parser.error("both runs need more than 100 units and at least one person")
    if args.activities is None:
        args.activities = 50 * args.units
    if args.small_activities is None:
        args.small_activities = 10 * args.small_units
    if args.repeat < 1 or args.warmup < 0:
        parser.error("--repeat must be at least 1 and --warmup at least 0")
    return args


@contextmanager
def migrated_app(url: str | None):
    """An app whose database was just built with ``flask db upgrade`` (Alembic, not create_all).

    No app context is left pushed: a request made inside one would share its ``g`` and its
    SQLAlchemy session with every other request (the signed-in user cached, rows already in the
    identity map), which is not how a served request runs."""
    with tempfile.TemporaryDirectory(prefix="alliance-bench-") as tmp:
        if url:
            refuse_non_empty(url)
        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{tmp}/bench.db",
                                     "UPLOAD_FOLDER": f"{tmp}/uploads"})
        logging.disable(logging.INFO)  # Alembic's "Running upgrade" lines
        try:
            with app.app_context():
                upgrade()
            yield app
        finally:
            with app.app_context():
                if url:
                    downgrade(revision="base")  # leave the scratch database empty, as we found it
                db.engine.dispose()
            logging.disable(logging.NOTSET)


def refuse_non_empty(url: str) -> None:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()
    if tables:
        sys.exit(f"{engine.url.render_as_string()} is not empty ({len(tables)} tables): "
                 "give the URL of an empty scratch database")


def person_name(rng: random.Random) -> str:
    surname = rng.choice(COMPOUND_SURNAMES) if rng.random() < 0.01 else rng.choice(SURNAMES)
    return surname + "".join(rng.choices(GIVEN_CHARS, k=rng.choice((1, 2, 2, 2))))


def unit_names(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """``count`` distinct (name, category) pairs shaped like real member units."""
    kinds = list(UNIT_KINDS)
    weights = [UNIT_KINDS[k][0] for k in kinds]
    seen: set[str] = set()
    result = []
    while len(result) < count:
        category = rng.choices(kinds, weights)[0]
        name = rng.choice(UNIT_KINDS[category][1]).format(
            brand="".join(rng.sample(BRAND_CHARS, 2)), trade=rng.choice(TRADES),
            place=rng.choice(PLACES), bank=rng.choice(BANKS), line=rng.randint(1, 18))
        if name not in seen:
            seen.add(name)
            result.append((name, category))
    return result


def bulk_insert(model, rows: list[dict]) -> list[int]:
    """ORM bulk INSERT of ``rows``; returns the new ids in row order. ``render_nulls`` sends None
    as NULL rather than leaving the column out, so all rows share one batched statement."""
    stmt = insert(model).returning(model.id, sort_by_parameter_order=True)
    return db.session.scalars(stmt.execution_options(render_nulls=True), rows).all()


def unit_rows(rng: random.Random, count: int, stamp: dict) -> list[dict]:
    rows = []
    for i, (name, category) in enumerate(unit_names(rng, count)):
        joined = date(2012, 1, 1) + timedelta(days=rng.randrange(4500))
        left = rng.random() < 0.05
        rows.append({
            **stamp, "name": name, "category": category, "name_sort_key": pinyin_key(name),
            "search_key": search_key(name),
            "tier": rng.choice(("executive", "council", "council", "member", "member", None)),
            "status": "left" if left else "active", "joined_on": joined,
            "left_on": joined + timedelta(days=rng.randrange(1, 900)) if left else None,
            "sort_order": i + 1 if rng.random() < 0.3 else None, "is_sample": False,
            "address": f"{rng.choice(PLACES)}路{rng.randint(1, 2000)}号",
            "phone": f"021-6{rng.randrange(10**7):07d}", "grid": f"第{rng.randint(1, 12)}网格"})
    return rows


def person_rows(rng: random.Random, count: int, stamp: dict) -> list[dict]:
    rows = []
    for i in range(count):
        name = person_name(rng)
        rows.append({**stamp, "name": name, "name_stroke_key": stroke_key(name),
                     "search_key": person_search_key(name),
                     "name_pinyin_key": pinyin_key(name), "title": rng.choice(PERSON_TITLES),
                     "mobile": f"13{i:09d}" if rng.random() < 0.9 else None,
                     "is_party_member": rng.random() < 0.7, "is_sample": False})
    return rows


def role_rows(rng: random.Random, unit_ids: list[int], person_ids: list[int],
              stamp: dict) -> list[dict]:
    """Per unit a past 书记, the current 书记 (whose start ended the last term) and a 联络员,
    each a different person (the same one only when there are fewer than 3 people per unit)."""
    holders = rng.sample(person_ids, len(person_ids))
    rows = []
    for n, unit_id in enumerate(unit_ids):
        elected = date(2019, 1, 1) + timedelta(days=rng.randrange(2000))
        for k, (role, started, ended, titles) in enumerate((
                ("secretary", elected - timedelta(days=1800), elected, SECRETARY_TITLES),
                ("secretary", elected, None, SECRETARY_TITLES),
                ("liaison", elected + timedelta(days=rng.randrange(200)), None, LIAISON_TITLES))):
            rows.append({**stamp, "unit_id": unit_id, "role": role, "title": rng.choice(titles),
                         "person_id": holders[(3 * n + k) % len(holders)],
                         "started_on": started, "ended_on": ended})
    return rows


def activity_rows(rng: random.Random, unit_ids: list[int], count: int, stamp: dict) -> list[dict]:
    """``count`` activities over the last ten years, spread over the units (a few busy ones)."""
    kinds, today = list(ACTIVITY_KINDS.codes), date.today()
    busy = unit_ids[: max(1, len(unit_ids) // 20)]
    rows = []
    for _ in range(count):
        place = rng.choice(PLACES)
        rows.append({
            **stamp, "unit_id": rng.choice(busy) if rng.random() < 0.3 else rng.choice(unit_ids),
            "occurred_on": today - timedelta(days=rng.randrange(3650)), "kind": rng.choice(kinds),
            "title": rng.choice(ACTIVITY_TITLES).format(place=place),
            "participant_count": rng.randint(3, 80) if rng.random() < 0.8 else None,
            "participants": "、".join(person_name(rng) for _ in range(rng.randint(0, 5))) or None,
            "description": f"{place}党建联盟成员单位共同参与，" * rng.randint(1, 6),
            "is_sample": False})
    return rows


def photo_rows(rng: random.Random, activity_ids: list[int], stamp: dict) -> list[dict]:
    """One activity in ten has one to three photos (rows only: the lists show counts, not files)."""
    rows = []
    for activity_id in activity_ids[::10]:
        for position in range(rng.randint(1, 3)):
            rows.append({**stamp, "activity_id": activity_id, "position": position,
                         "stored_name": f"bench-{activity_id}-{position}.jpg",
                         "original_name": f"活动照片{position + 1}.jpg", "content_type": "image/jpeg",
                         "size_bytes": rng.randint(200_000, 4_000_000), "width": 1920, "height": 1080})
    return rows


def load_data(alliance_id: int, unit_count: int, person_count: int,
              activity_count: int = 0) -> list[int]:
    """Bulk-load units, people, roles and activities (with photos) with the columns the services
    fill, and one "create" audit entry each (what the services would have written). Returns the
    unit ids."""
    rng, now = random.Random(2024), utcnow()
    stamp = {"alliance_id": alliance_id, "version": 1, "created_at": now, "updated_at": now}
    units, people = unit_rows(rng, unit_count, stamp), person_rows(rng, person_count, stamp)
    unit_ids, person_ids = bulk_insert(MemberUnit, units), bulk_insert(Person, people)
    roles = role_rows(rng, unit_ids, person_ids, stamp)
    role_ids = bulk_insert(UnitRole, roles)
    names = {("MemberUnit", i): row["name"] for i, row in zip(unit_ids, units, strict=False)}
    names |= {("Person", i): row["name"] for i, row in zip(person_ids, people, strict=False)}
    names |= {("UnitRole", i): " ".join((names["MemberUnit", row["unit_id"]],
                                         UNIT_ROLES.label(row["role"]),
                                         names["Person", row["person_id"]]))
              for i, row in zip(role_ids, roles, strict=False)}
    if activity_count:
        activities = activity_rows(rng, unit_ids, activity_count, stamp)
        activity_ids = bulk_insert(Activity, activities)
        bulk_insert(ActivityPhoto, photo_rows(rng, activity_ids, stamp))
        names |= {("Activity", i): row["title"] for i, row in zip(activity_ids, activities, strict=False)}
    entry = {"alliance_id": alliance_id, "occurred_at": now, "actor_name": "benchmark",
             "source": "system", "action": "create"}
    db.session.execute(insert(AuditEntry).execution_options(render_nulls=True), [
        {**entry, "record_type": kind, "record_id": record_id, "summary": summary[:200]}
        for (kind, record_id), summary in names.items()])
    db.session.commit()
    return unit_ids


def create_alliance_and_staff() -> tuple[int, str]:
    """The alliance and a staff account with an API token, made through the ORM and the real
    account services. Returns the alliance id and the token."""
    with acting_as(Actor(user_id=None, name="benchmark", source="system")):
        alliance = Alliance(code="bench", name="基准测试区域化党建联盟")
        db.session.add(alliance)
        db.session.flush()
        user = create_user({"username": "bench", "display_name": "基准测试", "role": "staff",
                            "password": PASSWORD}, alliance_id=alliance.id)
        db.session.flush()
        token = issue_token(user, "benchmark")
        db.session.commit()
        return alliance.id, token


@dataclass
class Measurement:
    median_ms: float
    p95_ms: float
    queries: int  # the usual count; a session touch (once a minute) may add one
    statements: list[str]


def measure(client, engine, path: str, params: dict, warmup: int, repeat: int,
            headers: dict | None = None) -> Measurement:
    """Request ``path`` warmup + repeat times; time and count the statements of the last ones."""
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    times, counts = [], []
    try:
        for i in range(warmup + repeat):
            statements.clear()
            start = time.perf_counter()
            response = client.get(path, query_string=params, headers=headers)
            elapsed = time.perf_counter() - start
            if response.status_code != 200:
                raise RuntimeError(f"GET {path} {params} answered {response.status_code}")
            if i >= warmup:
                times.append(elapsed * 1000)
                counts.append(len(statements))
    finally:
        event.remove(engine, "before_cursor_execute", record)
    times.sort()
    return Measurement(statistics.median(times), times[math.ceil(0.95 * len(times)) - 1],
                       Counter(counts).most_common(1)[0][0], list(statements))


def run(args: argparse.Namespace, units: int, people: int,
        activities: int | None = None) -> tuple[dict[str, Measurement], str]:
    """Load one data set and measure every page; returns the measurements and a description
    of the database. ``activities`` defaults to the large or the small run's count."""
    if activities is None:
        activities = args.activities if units == args.units else args.small_activities
    with migrated_app(args.database_url) as app:
        start = time.perf_counter()
        with app.app_context():
            alliance_id, token = create_alliance_and_staff()
            unit_ids = load_data(alliance_id, units, people, activities)
            engine, dialect = db.engine, db.engine.dialect
            # In production autovacuum analyzes a PostgreSQL table soon after a bulk change;
            # nothing does that for SQLite, whose planner then works without statistics.
            analyzed = args.analyze or dialect.name == "postgresql"
            if analyzed:
                db.session.execute(text("ANALYZE"))
                db.session.commit()
        print(f"  loaded {units} units, {people} people, {activities} activities in "
              f"{time.perf_counter() - start:.1f} s", flush=True)
        client = app.test_client()
        login = client.post("/login", data={"username": "bench", "password": PASSWORD})
        if login.status_code != 302:
            raise RuntimeError(f"login failed: {login.status_code}")
        unit_id = unit_ids[len(unit_ids) // 2]
        bearer = {"Authorization": f"Bearer {token}"}
        results = {label: measure(client, engine, path.format(unit_id=unit_id), params,
                                  args.warmup, args.repeat,
                                  bearer if path.startswith("/api/") else None)
                   for label, path, params in PAGES}
        server = ".".join(map(str, dialect.server_version_info or ()))
        return results, (f"{dialect.name} {server} ({dialect.driver}), planner statistics: "
                         f"{'ANALYZE after loading' if analyzed else 'none'}")


def _is_count(statement: str) -> bool:
    return statement.lstrip().upper().startswith("SELECT COUNT(*)")


def only_the_count_spared(large: Measurement, small: Measurement) -> bool:
    """The small run sent the large run's statements but its COUNT: a page that is not full
    knows its total (``core.pagination.paginate``), a search with few hits on the small data."""
    return (small.queries == large.queries - 1
            and sum(map(_is_count, large.statements)) == sum(map(_is_count, small.statements)) + 1)


def pad(text: str, width: int) -> str:
    """Left-align ``text`` in ``width`` terminal columns (a Chinese character takes two)."""
    wide = sum(unicodedata.east_asian_width(c) in "WF" for c in text)
    return text + " " * max(0, width - len(text) - wide)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print(f"python {platform.python_version()}, Flask {version('flask')}, "
          f"SQLAlchemy {version('sqlalchemy')}; {platform.machine()}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"large run: {args.units} units, {args.people} people, {3 * args.units} unit roles, "
          f"{args.activities} activities; small run: {args.small_units} units, "
          f"{args.small_people} people, {args.small_activities} activities; "
          f"{args.repeat} timed requests per page after {args.warmup} warm-up", flush=True)
    big, database = run(args, args.units, args.people)
    small, _ = run(args, args.small_units, args.small_people)
    print(f"database: {database}")
    print(f"\n{pad('page', 32)}{'median ms':>10}{'p95 ms':>9}{'queries':>9}"
          f"{'small median':>14}{'small queries':>15}")
    changed = []
    for label, _, _ in PAGES:
        b, s = big[label], small[label]
        print(f"{pad(label, 32)}{b.median_ms:>10.1f}{b.p95_ms:>9.1f}{b.queries:>9}"
              f"{s.median_ms:>14.1f}{s.queries:>15}")
        if b.queries != s.queries and not only_the_count_spared(b, s):
            changed.append(label)
    print(f"\nquery counts constant: {'no' if changed else 'yes'}")
    for label in changed:
        print(f"\n{label}: statements of the last request on the large data set")
        for statement, n in Counter(big[label].statements).most_common():
            print(f"  {n} x {' '.join(statement.split())[:150]}")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
