#!/usr/bin/env python3
"""Register import and search at office scale (issue 12).

1. Preview and commit of a workbook of 2,000 units, then one of 20,000 people with roles, on a
   throwaway SQLite database built by Alembic (targets: preview < 5 s, commit < 15 s).
2. ``GET /api/v1/people?q=`` over 200,000 people on PostgreSQL with the trigram indexes
   (target: median < 30 ms), with EXPLAIN showing the index is used. Skipped, with a message,
   when PostgreSQL is unreachable (``BENCH_POSTGRES_URL``, default the local ``test`` server's
   ``alliance_bench`` database, created if missing).

    .venv/bin/python benchmarks/imports.py [--units 2000] [--people 20000] [--search-people 200000]
"""
from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from sqlalchemy import create_engine, event, insert, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from alliance import create_app  # noqa: E402
from alliance.audit.context import Actor, acting_as  # noqa: E402
from alliance.core.import_runner import run_import  # noqa: E402
from alliance.core.sorting import person_search_key, pinyin_key, stroke_key  # noqa: E402
from alliance.core.types import utcnow  # noqa: E402
from alliance.extensions import db  # noqa: E402
from alliance.members.imports import PEOPLE, UNITS  # noqa: E402
from alliance.members.models import Alliance, Person  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文辉玉兰晓峰海燕春雪梅琳佳俊浩宇欣怡涵"
ACTOR = Actor(user_id=None, name="bench", source="cli")


def _name(i: int) -> str:
    return SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 7) % len(GIVEN)] + GIVEN[(i // 13) % len(GIVEN)]


def _workbook(headers, rows) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _app(url: str):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": {}})
    with app.app_context():
        upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    return app


def _timed(function):
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def bench_import(units: int, people: int) -> bool:
    with tempfile.TemporaryDirectory() as folder:
        app = _app(f"sqlite:///{folder}/bench.db")
        with app.app_context(), acting_as(ACTOR):
            alliance = Alliance(code="bench", name="基准联盟")
            db.session.add(alliance)
            db.session.commit()
            unit_file = _workbook(["单位名称", "类别", "加入日期", "排序号"],
                                  [[f"基准成员单位{i:05d}", "企业", "2021-01-21", i] for i in range(units)])
            people_file = _workbook(
                ["姓名", "手机", "所在单位", "职务类别", "职务"],
                [[_name(i), f"139{i:08d}", f"基准成员单位{i % units:05d}",
                  "书记" if i < units else "联络员" if i < 2 * units else "", "党支部书记" if i < units else ""]
                 for i in range(people)])
            ok = True
            for label, kind, data in (("units", UNITS, unit_file), ("people", PEOPLE, people_file)):
                (plan, _), preview = _timed(lambda kind=kind, data=data, label=label: run_import(
                    kind, data, f"{label}.xlsx", alliance_id=alliance.id, dry_run=True))
                db.session.rollback()
                (plan, counts), commit = _timed(lambda kind=kind, data=data, label=label: run_import(
                    kind, data, f"{label}.xlsx", alliance_id=alliance.id, dry_run=False))
                _, save = _timed(db.session.commit)
                rows = len(plan.rows)
                print(f"import {label:6} {rows:6} rows: preview {preview:6.2f} s, commit {commit + save:6.2f} s"
                      f"  ({counts})")
                ok &= not plan.errors and preview < 5 and commit + save < 15
        return ok


def _postgres_url() -> str | None:
    url = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/alliance_bench")
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT",
                          connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as conn:
            exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database})
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
            conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}_search"'))
            conn.execute(text(f'CREATE DATABASE "{parsed.database}_search"'))
    except Exception as exc:  # noqa: BLE001 - any failure means: no PostgreSQL here
        print(f"POSTGRESQL NOT REACHABLE ({exc.__class__.__name__}): search benchmark skipped")
        return None
    finally:
        admin.dispose()
    return parsed.set(database=f"{parsed.database}_search").render_as_string(hide_password=False)


def bench_search(count: int, repeat: int = 30) -> bool:
    url = _postgres_url()
    if url is None:
        return True
    from alliance.auth.services import create_user

    app = _app(url)
    with app.app_context(), acting_as(ACTOR):
        alliance = Alliance(code="bench", name="基准联盟")
        db.session.add(alliance)
        db.session.flush()
        user = create_user({"username": "benchstaff", "display_name": "基准", "role": "staff",
                            "password": "Meilong#bench-2026"}, alliance_id=alliance.id)
        batch, now = [], utcnow()
        for i in range(count):
            name = _name(i) + GIVEN[(i // 101) % len(GIVEN)]
            batch.append({"alliance_id": alliance.id, "name": name, "mobile": f"138{i:08d}",
                          "name_stroke_key": stroke_key(name), "name_pinyin_key": pinyin_key(name),
                          "search_key": person_search_key(name), "is_party_member": False, "is_sample": True,
                          "version": 1, "created_at": now, "updated_at": now})
            if len(batch) == 5000:
                db.session.execute(insert(Person), batch)
                batch = []
        if batch:
            db.session.execute(insert(Person), batch)
        db.session.commit()
        db.session.execute(text("ANALYZE people"))
        from alliance.auth.services import issue_token

        token = issue_token(user, "bench")
        db.session.commit()
        plan = db.session.execute(text(
            "EXPLAIN SELECT id FROM people WHERE name LIKE '%' || :q || '%'"), {"q": "张伟芳"}).scalars().all()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    ok = True
    print(f"search over {count} people on PostgreSQL; plan: {plan[0].strip()} … "
          f"{'trigram index used' if any('trgm' in line for line in plan) else 'NO INDEX'}")
    for q in ("张伟芳", "zwf", "13800012345"):
        times, statements = [], []
        for _ in range(repeat):
            counter = []
            with app.app_context():
                listener = lambda *a, counter=counter, **k: counter.append(1)  # noqa: E731
                event.listen(db.engine, "before_cursor_execute", listener)
                start = time.perf_counter()
                response = client.get(f"/api/v1/people?q={q}", headers=headers)
                times.append((time.perf_counter() - start) * 1000)
                event.remove(db.engine, "before_cursor_execute", listener)
            statements.append(len(counter))
            assert response.status_code == 200, response.get_data(as_text=True)
        median = statistics.median(times)
        p95 = sorted(times)[int(len(times) * 0.95) - 1]
        print(f"GET /api/v1/people?q={q:12} median {median:6.1f} ms  p95 {p95:6.1f} ms  "
              f"{statistics.median(statements):.0f} queries  total {response.get_json()['total']}")
        ok &= median < 30
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--search-people", type=int, default=200000)
    args = parser.parse_args()
    ok = bench_import(args.units, args.people)
    ok = bench_search(args.search_people) and ok
    print("imports benchmark:", "targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
