"""Demo ratings: the 2020 results of the seed (8 district five-star, 36 township four-star,
58 three-star organizations) over the residential branches split in 2020 and the member units'
organizations, and a 2021 cycle in progress. Idempotent: nothing is added once 2020 exists.

Everything goes through the services, so the totals and stars are computed, never written."""
from __future__ import annotations

import random
from datetime import date

from sqlalchemy import select

from alliance.extensions import db
from alliance.members import services as members
from alliance.members.models import MemberUnit, Person, UnitRole
from alliance.ratings import scoring, services
from alliance.ratings.models import PartyOrganization, Rating

DISTRIBUTION_2020 = {5: 8, 4: 36, 3: 58}  # seed: 2020 star ratings of Meilong
RESIDENTIAL_BRANCHES = 95  # seed: residential party branches after the 2020 split
# Residential communities and villages named in the seed articles (居民区 / 村).
COMMUNITIES = ("南方城", "华唐苑", "上海春城", "莲花新苑", "嘉和花苑", "普乐二村", "森安苑",
               "春申景城", "梅陇一村", "梅陇三村", "高兴花园", "罗阳新村", "朝春", "景谷苑",
               "华梅花苑", "陇南")
VILLAGES = ("永联村", "许泾村", "曙建村", "行西村")
ORDINALS = "一二三四五六七八九十"
NOTICE_2020 = date(2020, 12, 14)
CONFIRM_2020 = date(2020, 12, 21)
CASE_TEXT = ("{name}坚持党建引领，围绕“凝聚 责任 共建 共赢”目标，联合区域单位开展志愿服务、"
             "结对共建和为民办实事项目，形成了可复制、可推广的工作经验。")


def _ordinal(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十."""
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else ORDINALS[tens - 1]) + "十" if tens else "") + (ORDINALS[ones - 1] if ones else "")


def _unit(alliance, name: str, category: str) -> MemberUnit:
    unit = db.session.scalar(select(MemberUnit).where(
        MemberUnit.alliance_id == alliance.id, MemberUnit.name == name, MemberUnit.deleted_at.is_(None)))
    if unit is None:
        unit = members.create_unit({"name": name, "category": category, "status": "active"},
                                   alliance_id=alliance.id, is_sample=True)
    return unit


def _org(alliance, name, kind, unit, parent=None, members_count=None, founded=None, profile=None):
    return services.create_organization({
        "name": name, "kind": kind, "unit_id": unit.id, "parent_id": parent.id if parent else None,
        "member_count": members_count, "founded_on": founded, "profile": profile,
    }, alliance_id=alliance.id, is_sample=True)


def _points_for(definition: dict, total: int, rng: random.Random) -> dict[str, int]:
    """Item points whose computed total is ``total`` (some of it as bonus for the best)."""
    items = [i for d in definition["dimensions"] for i in d["items"]]
    points = {i["code"]: i["max_points"] for i in items}
    bonus = min(total - 90, definition["bonus_limit"]) if total > 95 else 0
    deficit = scoring.max_total(definition) - (total - bonus)
    while deficit > 0:
        item = rng.choice(items)
        if points[item["code"]] > item["max_points"] // 2:
            points[item["code"]] -= 1
            deficit -= 1
    if bonus and definition["bonuses"]:
        first = definition["bonuses"][0]
        points[first["code"]] = min(bonus, first["max_points"])
        rest = bonus - points[first["code"]]
        if rest and len(definition["bonuses"]) > 1:
            points[definition["bonuses"][1]["code"]] = rest
    return points


def _answers(points: dict[str, int], note: bool) -> list[dict]:
    key = "note" if note else "comment"
    return [{"item_code": code, "points": p, key: "台账齐全" if note else "属实"} for code, p in points.items()]


def _run_to(rating: Rating, points: dict, stage: str, *, notice_on: date, confirm_on: date,
            case_text: str | None = None, objection: bool = False) -> None:
    services.save_self_assessment(rating, _answers(points, True), version=rating.version,
                                  case_text=case_text)
    if stage == "self_assessing":
        return
    services.submit(rating, version=rating.version)
    if stage == "submitted":
        return
    services.save_review(rating, _answers(points, False), version=rating.version, finish=True)
    if stage == "reviewed":
        return
    services.publish_notice(rating, version=rating.version, starts_on=notice_on)
    if stage == "in_notice":
        if objection:  # 公示期内群众提出意见，待答复
            services.add_objection(rating, {"raised_by": "党员群众（示例）",
                                            "content": "建议补充党员志愿服务的佐证材料。"})
        return
    services.confirm(rating, version=rating.version, today=confirm_on)


def load_demo_ratings(alliance) -> list[str]:
    if services.rubric_for_year(alliance.id, 2020) is not None:
        return ["星级评定：演示数据已存在"]
    rng = random.Random(2020)
    # --- organizations: residential branches (split in 2020), villages, member units ---
    residential: list[PartyOrganization] = []
    general: list[PartyOrganization] = []
    def live(category):
        return list(db.session.scalars(select(MemberUnit).where(
            MemberUnit.alliance_id == alliance.id, MemberUnit.deleted_at.is_(None),
            MemberUnit.category == category).order_by(MemberUnit.id)))

    communities = live("residential") or [_unit(alliance, f"{c}居民区", "residential") for c in COMMUNITIES]
    villages = live("village") or [_unit(alliance, v, "village") for v in VILLAGES]
    per_community = [RESIDENTIAL_BRANCHES // len(communities)] * len(communities)
    for i in range(RESIDENTIAL_BRANCHES - sum(per_community)):
        per_community[i] += 1
    for unit, count in zip(communities, per_community, strict=False):
        parent = _org(alliance, f"{unit.name}党总支", "general_branch", unit,
                      members_count=rng.randint(120, 320), founded=date(rng.randint(1995, 2012), 7, 1),
                      profile=f"{unit.name}党总支2020年完成支部拆分，下设{count}个党支部。")
        general.append(parent)
        for n in range(count):
            residential.append(_org(alliance, f"{unit.name}第{_ordinal(n + 1)}党支部", "branch", unit,
                                    parent=parent, members_count=rng.randint(18, 60),
                                    founded=date(2020, rng.randint(3, 6), 1)))
    for unit in villages:
        parent = _org(alliance, f"{unit.name}党总支", "general_branch", unit,
                      members_count=rng.randint(80, 200), founded=date(1985, 7, 1))
        general.append(parent)
        for n in range(2):
            residential.append(_org(alliance, f"{unit.name}第{_ordinal(n + 1)}党支部", "branch", unit,
                                    parent=parent, members_count=rng.randint(20, 50)))
    unit_orgs = []
    for unit in db.session.scalars(select(MemberUnit).where(
            MemberUnit.alliance_id == alliance.id, MemberUnit.deleted_at.is_(None),
            MemberUnit.category.notin_(("residential", "village"))).order_by(MemberUnit.sort_order, MemberUnit.id)):
        kind = "committee" if unit.category in ("hospital", "bank", "military", "enterprise", "metro") else "branch"
        unit_orgs.append(_org(alliance, f"{unit.name}{'党委' if kind == 'committee' else '党支部'}",
                              kind, unit, members_count=rng.randint(15, 400),
                              profile=f"{unit.name}的基层党组织，区域化党建联盟成员。"))
    # The member units' organizations are led by the units' own party secretaries (书记).
    secretaries = db.session.execute(select(UnitRole.unit_id, UnitRole.person_id, UnitRole.started_on).where(
        UnitRole.alliance_id == alliance.id, UnitRole.role == "secretary", UnitRole.ended_on.is_(None),
        UnitRole.deleted_at.is_(None)).order_by(UnitRole.id)).all()
    by_unit = {unit_id: (person_id, started_on) for unit_id, person_id, started_on in reversed(secretaries)}
    for org in unit_orgs:
        if org.unit_id in by_unit:
            person_id, started_on = by_unit[org.unit_id]
            services.set_secretary(org, db.session.get(Person, person_id), started_on)
    # --- 2020: 102 confirmed ratings reproducing the seed's distribution ---
    rubric_2020 = services.create_rubric({"year": 2020, "name": "星级党组织评定细则", "notice_days": 5},
                                         alliance_id=alliance.id)
    pool = general[:6] + unit_orgs[:10] + residential  # the strongest candidates first
    targets = [5] * DISTRIBUTION_2020[5] + [4] * DISTRIBUTION_2020[4] + [3] * DISTRIBUTION_2020[3]
    ranges = {5: (90, 99), 4: (80, 89), 3: (70, 79)}
    rows = []
    for org, stars in zip(pool, targets, strict=False):
        rows.append({"organization": org, "year": 2020,
                     "points": _points_for(rubric_2020.definition, rng.randint(*ranges[stars]), rng),
                     "notice_starts_on": NOTICE_2020, "confirmed_on": CONFIRM_2020,
                     "district_approved": True if stars == 5 else None,
                     "case_text": CASE_TEXT.format(name=org.name) if stars == 5 else None})
    imported = services.import_results(rows, alliance_id=alliance.id, is_sample=True)
    if [r.stars for r in imported] != targets:  # the demo's figures are the 2020 article's
        raise RuntimeError("演示星级与目标分布不符")
    rated_2020 = [row["organization"] for row in rows]
    # --- 2021: the cycle in progress ---
    services.create_rubric({"year": 2021, "name": "星级党组织评定细则", "notice_days": 5},
                           alliance_id=alliance.id)
    rubric_2021 = services.rubric_for_year(alliance.id, 2021)
    stages = (["confirmed"] * 3 + ["in_notice"] * 4 + ["reviewed"] * 3 + ["submitted"] * 6
              + ["self_assessing"] * 8)
    today = services.local_today()
    in_2021 = unit_orgs + rated_2020[:len(stages)]
    seen: set[int] = set()
    count_2021 = 0
    objected = False
    distinct = [o for o in in_2021 if o.id not in seen and not seen.add(o.id)]  # type: ignore[func-returns-value]
    for org, stage in zip(distinct, stages, strict=False):
        rating = services.start_rating(org, 2021, is_sample=True)
        points = _points_for(rubric_2021.definition, rng.randint(68, 97), rng)
        notice_on = date(2021, 12, 1) if stage == "confirmed" else min(today, date(2021, 12, 20))
        _run_to(rating, points, stage, notice_on=notice_on, confirm_on=date(2021, 12, 10),
                objection=stage == "in_notice" and not objected)
        objected = objected or stage == "in_notice"
        count_2021 += 1
    db.session.flush()
    organizations = len(general) + len(residential) + len(unit_orgs)
    return [f"星级评定：{organizations}个党组织；2020年已确认102个（区级五星8、镇级四星36、三星58）；"
            f"2021年评定进行中{count_2021}个"]
