#!/usr/bin/env python3
"""Time the three lists: suggestions for one need against many resources, the project board
and the need/resource lists on a large alliance; prove their query counts do not grow.

Builds a throwaway SQLite database with Alembic, bulk-loads needs, resources and projects (their
key words segmented once per distinct text, as saving would), signs in through the login form
and requests each page ``--repeat`` times. Prints median and 95th percentile and SQL statements
per request for a large and a small data set; exit status 1 if a count changed with the data or
the suggestions' median is 100 ms or more.

    .venv/bin/python benchmarks/lists.py [--needs 10000] [--projects 2000] [--resources 5000]
"""
from __future__ import annotations

import argparse
import logging
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event, insert, select  # noqa: E402

from alliance import create_app  # noqa: E402
from alliance.audit.context import Actor, acting_as  # noqa: E402
from alliance.auth.services import create_user  # noqa: E402
from alliance.core.types import utcnow  # noqa: E402
from alliance.extensions import db  # noqa: E402
from alliance.lists import matching, services  # noqa: E402
from alliance.lists.models import (  # noqa: E402
    Claim,
    ListCategory,
    Need,
    Project,
    ProjectTransition,
    Resource,
    project_needs,
    project_partners,
    project_resources,
)
from alliance.members.models import Alliance, MemberUnit  # noqa: E402

PASSWORD = "Meilong#lists-2024"
ACTOR = Actor(user_id=None, name="benchmark", source="cli")
NEED_TEXTS = ("老旧小区加装电梯资金", "独居老人助餐补贴", "老年人防范电信诈骗宣讲", "学校周边上下学交通疏导",
              "春节写春联送福字", "儿童健康知识讲座", "失业人员就业岗位", "小区垃圾分类指导",
              "残疾人康复训练", "党支部活动场地", "青少年心理疏导", "困难家庭冬季慰问")
RESOURCE_TEXTS = ("加装电梯技术咨询", "老年助餐补贴资金", "防诈骗金融知识讲座", "护学岗志愿者",
                  "书法志愿者写春联", "儿科医生健康讲座", "招聘会就业岗位", "垃圾分类宣传志愿者",
                  "康复科医生指导", "展示中心展厅", "心理咨询服务", "慰问物资捐赠")
PAGES = (
    ("GET /projects/board", "/projects/board"),
    ("GET /needs", "/needs"),
    ("GET /needs?overdue=1", "/needs?overdue=1"),
    ("GET /resources", "/resources"),
    ("GET /api/v1/needs", "/api/v1/needs"),
    ("GET /api/v1/needs/<id>/suggestions", "/api/v1/needs/{need_id}/suggestions"),
)


SOURCE_NAMES = {"residential": ("普乐二村居民区", "梅陇三村居民区", "华梅花苑居民区", "罗阳七村居民区"),
                "village": ("永联村", "曹中村", "行南村"), "unit": (None,),
                "public": ("群众来信", "12345热线", None)}
CLAIM_TEXTS = ("安排志愿者每周两次上门服务", "提供场地并负责日常管理", "捐赠物资并协助发放",
               "派专业人员开展讲座三场", "承担项目所需资金的一半")


def load_lists(alliance_id: int, unit_ids: list[int], *, needs: int, projects: int, resources: int,
               claims: int | None = None, seed: int = 7) -> dict:
    """Bulk-load the three lists into the alliance over ``unit_ids``: the standard categories,
    ``needs`` needs, ``resources`` resources and ``projects`` projects (two partner units each,
    most linked to a need or two and some to a resource, a project's stage changes recorded as
    the services would), and ``claims`` claims (default: one for every fourth need, a tenth of
    them on released projects), with the columns the services fill (key words segmented once per
    distinct text, as saving would). Does not commit. Returns ``{"need_id": an open need}``."""
    rng = random.Random(seed)
    with acting_as(ACTOR):
        services.seed_categories(alliance_id)
    now = utcnow()
    stamp = {"alliance_id": alliance_id, "version": 1, "created_at": now, "updated_at": now}
    in_alliance = (ListCategory.alliance_id == alliance_id, ListCategory.deleted_at.is_(None))
    need_cats = db.session.scalars(select(ListCategory.id).where(ListCategory.kind == "need", *in_alliance)).all()
    project_cats = db.session.scalars(select(ListCategory.id).where(ListCategory.kind == "project",
                                                                   *in_alliance)).all()
    need_terms = {t: " ".join(matching.terms_of(t)) for t in NEED_TEXTS}
    resource_terms = {t: " ".join(matching.terms_of(t)) for t in RESOURCE_TEXTS}
    today = date.today()
    need_rows = []
    for i in range(needs):
        text = rng.choice(NEED_TEXTS)
        need_rows.append({**stamp, "title": f"{text}{i}", "category_id": rng.choice(need_cats),
                          "source_kind": rng.choice(("residential", "village", "unit", "public")),
                          "unit_id": rng.choice(unit_ids), "urgency": "normal",
                          "status": rng.choice(("open", "open", "claimed", "met", "draft")),
                          "wanted_by": today + timedelta(days=rng.randint(-200, 200)),
                          "match_terms": need_terms[text], "is_sample": False,
                          "beneficiary_count": rng.randint(5, 500), "grid": f"第{rng.randint(1, 12)}网格"})
    extra = random.Random(seed + 1)  # the columns added later: the first stream stays as it was
    for row in need_rows:
        row["source_name"] = extra.choice(SOURCE_NAMES[row["source_kind"]])
        row["description"] = f"{row['title']}：{extra.choice(NEED_TEXTS)}，请有条件的成员单位认领。"
    need_ids = db.session.scalars(insert(Need).returning(Need.id, sort_by_parameter_order=True),
                                  need_rows).all()
    resource_ids = db.session.scalars(insert(Resource).returning(Resource.id, sort_by_parameter_order=True), [
        {**stamp, "title": f"{(text := rng.choice(RESOURCE_TEXTS))}{i}", "unit_id": rng.choice(unit_ids),
         "kind": "service", "category_id": rng.choice(need_cats), "status": "offered",
         "capacity_amount": rng.randint(10, 500), "capacity_unit": "人次",
         "available_from": today - timedelta(days=30), "available_to": today + timedelta(days=300),
         "match_terms": resource_terms[text], "is_sample": False} for i in range(resources)]).all()
    stages = ("proposed", "claimed", "in_progress", "review", "closed", "stopped")
    project_rows = [
        {**stamp, "title": f"共建项目{i}", "category_id": rng.choice(project_cats),
         "lead_unit_id": rng.choice(unit_ids), "stage": rng.choice(stages), "released": rng.random() < 0.3,
         "people_served": rng.randint(10, 300), "is_sample": False} for i in range(projects)]
    project_ids = db.session.scalars(insert(Project).returning(Project.id, sort_by_parameter_order=True),
                                     project_rows).all()
    db.session.execute(insert(project_partners), [
        {"project_id": p, "unit_id": u} for p in project_ids for u in rng.sample(unit_ids, 2)])
    if project_ids and need_ids:
        db.session.execute(insert(project_needs), [
            {"project_id": p, "need_id": n} for p in project_ids
            for n in extra.sample(need_ids, extra.choice((0, 1, 1, 2)))])
    if project_ids and resource_ids:
        db.session.execute(insert(project_resources), [
            {"project_id": p, "resource_id": extra.choice(resource_ids)} for p in project_ids
            if extra.random() < 0.4])
    order = list(stages[:4]) + ["closed"]
    steps = []
    for project_id, row in zip(project_ids, project_rows, strict=True):
        path = order[:order.index(row["stage"]) + 1] if row["stage"] != "stopped" else ["proposed", "stopped"]
        steps += [{"project_id": project_id, "from_stage": a, "to_stage": b, "actor_name": "党群办",
                   "occurred_at": now, "created_at": now, "updated_at": now, "version": 1}
                  for a, b in zip(path, path[1:], strict=False)]
    if steps:
        db.session.execute(insert(ProjectTransition), steps)
    claims = needs // 4 if claims is None else claims
    released = [p for p, row in zip(project_ids, project_rows, strict=True) if row["released"]]
    claim_rows = []
    for i in range(claims):
        on_project = released and i % 10 == 9
        claim_rows.append({**stamp, "unit_id": extra.choice(unit_ids),
                           "need_id": None if on_project else extra.choice(need_ids),
                           "project_id": extra.choice(released) if on_project else None,
                           "commitment": extra.choice(CLAIM_TEXTS),
                           "status": extra.choice(("pending", "pending", "accepted", "declined", "withdrawn"))})
    if claim_rows:
        db.session.execute(insert(Claim), claim_rows)
    open_need = db.session.scalar(select(Need.id).where(Need.alliance_id == alliance_id, Need.status == "open")
                                  .order_by(Need.id))
    return {"need_id": open_need or need_ids[0]}


def load(app, needs: int, projects: int, resources: int, seed: int = 7) -> dict:
    with app.app_context(), acting_as(ACTOR):
        alliance = Alliance(code="bench", name="基准联盟")
        db.session.add(alliance)
        db.session.flush()
        stamp = {"alliance_id": alliance.id, "version": 1, "created_at": utcnow(), "updated_at": utcnow()}
        unit_ids = db.session.scalars(insert(MemberUnit).returning(MemberUnit.id), [
            {**stamp, "name": f"基准单位{i}", "category": "enterprise", "status": "active",
             "joined_on": date(2020, 1, 1), "is_sample": False} for i in range(200)]).all()
        ids = load_lists(alliance.id, unit_ids, needs=needs, projects=projects, resources=resources, seed=seed)
        create_user({"username": "bench", "display_name": "基准", "role": "staff", "password": PASSWORD},
                    alliance_id=alliance.id)
        create_user({"username": "bench_liaison", "display_name": "基准联络员", "role": "liaison",
                     "unit_id": unit_ids[0], "password": PASSWORD}, alliance_id=alliance.id)
        db.session.commit()
        return ids


def run(needs: int, projects: int, resources: int, repeat: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="alliance-bench-lists-") as tmp:
        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db",
                                     "UPLOAD_FOLDER": f"{tmp}/uploads"})
        logging.disable(logging.INFO)
        with app.app_context():
            upgrade()
        matching.segmenter()  # loaded at app start in production, never in a request
        ids = load(app, needs, projects, resources)
        results = {}
        for username in ("bench", "bench_liaison"):
            client = app.test_client()
            if client.post("/login", data={"username": username, "password": PASSWORD}).status_code != 302:
                raise RuntimeError("login failed")
            with app.app_context():
                counter = {"n": 0}

                def count(*_args, counter=counter, **_kw):
                    counter["n"] += 1

                event.listen(db.engine, "before_cursor_execute", count)
                for label, path in PAGES:
                    url = path.format(**ids)
                    for _ in range(2):
                        client.get(url)
                    times, cpu, counts = [], [], []
                    for _ in range(repeat):
                        counter["n"] = 0
                        start, start_cpu = time.perf_counter(), time.process_time()
                        response = client.get(url)
                        times.append((time.perf_counter() - start) * 1000)
                        cpu.append((time.process_time() - start_cpu) * 1000)
                        counts.append(counter["n"])
                        if response.status_code != 200:
                            raise RuntimeError(f"{url}: {response.status_code}")
                    times.sort()
                    results[(username, label)] = (statistics.median(times),
                                                  times[min(len(times) - 1, int(len(times) * 0.95))],
                                                  max(counts), statistics.median(cpu))
                event.remove(db.engine, "before_cursor_execute", count)
        with app.app_context():
            db.engine.dispose()
        logging.disable(logging.NOTSET)
        return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--needs", type=int, default=10000)
    parser.add_argument("--projects", type=int, default=2000)
    parser.add_argument("--resources", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    big = run(args.needs, args.projects, args.resources, args.repeat)
    small = run(max(100, args.needs // 10), max(60, args.projects // 10), max(100, args.resources // 10),
                max(5, args.repeat // 2))
    print(f"three lists: {args.needs} needs, {args.projects} projects, {args.resources} resources "
          f"(small run: a tenth); SQLite; times in ms")
    print("median and p95 are wall-clock; cpu is the median CPU time of this process per request "
          "(what a busy shared machine does not inflate)")
    print(f"{'account':<14}{'page':<40}{'median':>8}{'p95':>8}{'cpu':>8}{'queries':>9}{'small':>7}")
    failed = False
    for (user, label), (median, p95, queries, cpu) in big.items():
        small_queries = small[(user, label)][2]
        flag = "" if small_queries == queries else "  <-- grew with the data"
        if "suggestions" in label and min(median, cpu) >= 100:
            flag += "  <-- median not under 100 ms"
        failed |= bool(flag)
        print(f"{user:<14}{label:<40}{median:8.1f}{p95:8.1f}{cpu:8.1f}{queries:9d}{small_queries:7d}{flag}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
