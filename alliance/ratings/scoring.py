"""The one place a rating's total, veto cap and star level are computed (never typed in).

A rubric ``definition`` (validated by ``services.validate_definition``)::

    {"dimensions": [{"code": "D1", "name": "组织建设", "items": [
         {"code": "D1-1", "title": "班子建设", "max_points": 10, "guidance": "..."}]}],
     "vetoes": [{"code": "V1", "title": "发生违纪违法问题", "cap": 59}],
     "bonuses": [{"code": "B1", "title": "获区级以上表彰", "max_points": 3}],
     "bonus_limit": 5,
     "thresholds": {"3": 70, "4": 80, "5": 90},
     "township_stars": [3, 4], "district_stars": [5]}

Worked example: items 85 points, bonuses 3 + 4 (limit 5) → 90 → five stars; the same with a veto
capping at 59 → 59 → no star.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Result:
    base: int  # points of the scored items
    bonus: int  # bonus points after the limit
    total: int  # base + bonus, capped by the strictest applying veto
    vetoed: bool
    stars: int | None  # None: below every threshold
    nominable: bool  # these stars may be nominated to the district
    by_dimension: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"base": self.base, "bonus": self.bonus, "total": self.total, "vetoed": self.vetoed,
                "stars": self.stars, "nominable": self.nominable, "by_dimension": dict(self.by_dimension)}


def items_of(definition: Mapping) -> dict[str, dict]:
    """Every item of a rubric by code, with its ``kind`` (score, veto or bonus)."""
    items: dict[str, dict] = {}
    for dimension in definition.get("dimensions", ()):
        for item in dimension.get("items", ()):
            items[item["code"]] = {**item, "kind": "score", "dimension": dimension["code"]}
    for item in definition.get("vetoes", ()):
        items[item["code"]] = {**item, "kind": "veto", "max_points": 1}
    for item in definition.get("bonuses", ()):
        items[item["code"]] = {**item, "kind": "bonus"}
    return items


def max_total(definition: Mapping) -> int:
    return sum(item["max_points"] for d in definition.get("dimensions", ()) for item in d["items"])


def compute(definition: Mapping, points: Mapping[str, int | None]) -> Result:
    """The result of ``points`` (item code → points; a veto item applies when its points are 1).

    Points above an item's maximum count as the maximum (services refuse them before), the bonus
    counts up to ``bonus_limit``, any applying veto caps the total at its ``cap``, and the stars
    are the highest whose threshold the total reaches."""
    base = 0
    by_dimension: dict[str, int] = {}
    for dimension in definition.get("dimensions", ()):
        subtotal = 0
        for item in dimension.get("items", ()):
            subtotal += max(0, min(int(points.get(item["code"]) or 0), item["max_points"]))
        by_dimension[dimension["code"]] = subtotal
        base += subtotal
    bonus = sum(max(0, min(int(points.get(b["code"]) or 0), b["max_points"]))
                for b in definition.get("bonuses", ()))
    bonus = min(bonus, int(definition.get("bonus_limit", bonus)))
    total = base + bonus
    caps = [int(v.get("cap", 0)) for v in definition.get("vetoes", ()) if points.get(v["code"])]
    vetoed = bool(caps)
    if vetoed:
        total = min(total, min(caps))
    stars = None
    for star, threshold in sorted(((int(s), int(t)) for s, t in definition["thresholds"].items()),
                                  reverse=True):
        if total >= threshold:
            stars = star
            break
    nominable = stars is not None and stars in set(definition.get("district_stars", ()))
    return Result(base=base, bonus=bonus, total=total, vetoed=vetoed, stars=stars,
                  nominable=nominable, by_dimension=by_dimension)


DEFAULT_DEFINITION = {
    "dimensions": [
        {"code": "D1", "name": "政治建设", "items": [
            {"code": "D1-1", "title": "理论学习", "max_points": 10,
             "guidance": "“三会一课”、主题党日按时开展，学习记录完整"},
            {"code": "D1-2", "title": "意识形态工作", "max_points": 10,
             "guidance": "落实意识形态工作责任制，阵地管理规范"}]},
        {"code": "D2", "name": "组织建设", "items": [
            {"code": "D2-1", "title": "班子建设", "max_points": 10,
             "guidance": "班子配备齐全，按期换届，书记履职到位"},
            {"code": "D2-2", "title": "党员队伍", "max_points": 10,
             "guidance": "发展党员规范，党员教育管理到位，党费按时足额缴纳"},
            {"code": "D2-3", "title": "组织生活", "max_points": 10,
             "guidance": "组织生活会、民主评议党员按要求召开"}]},
        {"code": "D3", "name": "作用发挥", "items": [
            {"code": "D3-1", "title": "服务群众", "max_points": 15,
             "guidance": "党员志愿服务常态化，群众满意度高"},
            {"code": "D3-2", "title": "区域化党建", "max_points": 15,
             "guidance": "参与联盟共建，对接“三张清单”项目"}]},
        {"code": "D4", "name": "制度保障", "items": [
            {"code": "D4-1", "title": "制度落实", "max_points": 10,
             "guidance": "各项制度健全并落实，台账规范"},
            {"code": "D4-2", "title": "阵地建设", "max_points": 10,
             "guidance": "党群服务站点标识规范、开放有序"}]},
    ],
    "vetoes": [
        {"code": "V1", "title": "党组织班子成员发生严重违纪违法问题", "cap": 59},
        {"code": "V2", "title": "发生重大安全责任事故或群体性事件", "cap": 59},
    ],
    "bonuses": [
        {"code": "B1", "title": "获得区级及以上表彰", "max_points": 3},
        {"code": "B2", "title": "工作经验在区级及以上推广", "max_points": 3},
    ],
    "bonus_limit": 5,
    "thresholds": {"3": 70, "4": 80, "5": 90},
    "township_stars": [3, 4],
    "district_stars": [5],
}
