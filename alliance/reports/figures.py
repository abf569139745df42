"""The report's figures as lines (section, label, value, last year's value, link to the records
behind it), shared by the page, the Word document and the workbook."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from flask import url_for

from alliance.lists.models import PROJECT_STAGES


@dataclass(frozen=True)
class Line:
    section: str
    label: str
    value: float | int
    previous: float | int | None
    url: str
    unit: str = ""  # 家, 次, 个, %…

    @property
    def change(self) -> float | int | None:
        if self.previous is None:
            return None
        return round(self.value - self.previous, 1) if isinstance(self.value, float) else self.value - self.previous

    def shown(self, value=None) -> str:
        value = self.value if value is None else value
        if self.unit == "%":
            return f"{value:.1f}%"
        text = f"{value:,.1f}" if isinstance(value, float) and value != int(value) else f"{int(value):,}"
        return f"{text}{self.unit}"


def _get(report: dict | None, *path):
    value = report
    for key in path:
        if value is None:
            return None
        value = value.get(key) if isinstance(value, dict) else None
    return value


def lines(report: dict, previous: dict | None = None) -> list[Line]:
    """Every headline figure of ``report`` with the year before (``previous``) beside it."""
    year = report["year"]
    first, last = date(year, 1, 1).isoformat(), date(year, 12, 31).isoformat()

    def line(section, label, path, url, unit=""):
        value = _get(report, *path) or 0
        before = _get(previous, *path) if previous is not None else None
        return Line(section, label, value, before if previous is None or before is not None else 0, url, unit)

    def percent(section, label, path, url):
        value = round((_get(report, *path) or 0) * 100, 1)
        before = round((_get(previous, *path) or 0) * 100, 1) if previous is not None else None
        return Line(section, label, value, before, url, "%")

    out = [
        line("成员单位", "年末成员单位", ("units", "total"), url_for("members.list_units", member_year=year), "家"),
        line("成员单位", "当年新加入", ("units", "joined"), url_for("members.list_units", joined_year=year), "家"),
        line("联席会议", "召开会议", ("meetings", "held"),
             url_for("meetings.list_meetings", year=year, status="held"), "次"),
        percent("联席会议", "平均出席率", ("meetings", "attendance_rate"),
                url_for("meetings.list_meetings", year=year, status="held")),
        line("三张清单", "登记需求", ("needs", "received"), url_for("lists.list_needs"), "条"),
        line("三张清单", "已满足需求", ("needs", "met"), url_for("lists.list_needs", status="met"), "条"),
        line("三张清单", "当年项目", ("projects", "total"), url_for("lists.board", year=year), "个"),
        line("三张清单", "服务人数（已结项）", ("projects", "people_served"),
             url_for("lists.board", year=year), "人次"),
    ]
    out += [line("项目阶段", PROJECT_STAGES.label(code), ("projects", "by_stage", code),
                 url_for("lists.board", year=year), "个") for code in PROJECT_STAGES.codes]
    out += [replace(line("项目类别", c["name"], (), url_for("lists.board", year=year, category_id=c["category_id"]),
                         "个"), value=c["count"], previous=_category(previous, c["category_id"]))
            for c in report["projects"]["by_category"]]
    out += [
        *(line("星级党组织", f"{label}党组织", ("ratings", "by_stars", str(stars)),
               url_for("ratings.overview", year=year, stars=stars), "个")
          for stars, label in ((5, "五星"), (4, "四星"), (3, "三星"))),
        line("星级党组织", "区级", ("ratings", "by_level", "district"), url_for("ratings.overview", year=year), "个"),
        line("星级党组织", "镇级", ("ratings", "by_level", "township"), url_for("ratings.overview", year=year), "个"),
        line("党组织", "年末党组织", ("organizations", "total"), url_for("ratings.list_organizations"), "个"),
        line("党组织", "居民区党支部", ("organizations", "residential_branches"),
             url_for("ratings.list_organizations"), "个"),
        line("新时代文明实践", "实践站", ("civic", "stations"), url_for("civic.venues"), "个"),
        line("新时代文明实践", "益空间", ("civic", "spaces"), url_for("civic.venues"), "个"),
        line("新时代文明实践", "文明实践活动", ("civic", "events"), url_for("civic.overview", year=year), "场"),
        line("新时代文明实践", "受众", ("civic", "audience"), url_for("civic.overview", year=year), "人次"),
        line("新时代文明实践", "志愿服务时长", ("civic", "volunteer_hours"), url_for("civic.hours"), "小时"),
        line("新时代文明实践", "志愿者", ("civic", "volunteers"), url_for("civic.volunteers"), "名"),
        replace(line("新时代文明实践", "没有活动的阵地", (), url_for("civic.venues"), "个"),
                value=len(report["civic"]["venues_without_event"]),
                previous=len(previous["civic"]["venues_without_event"]) if previous else None),
        line("共建活动", "共建活动", ("activities", "total"),
             url_for("activities.list_activities", date_from=first, date_to=last), "次"),
    ]
    return out


def _category(previous: dict | None, category_id: int) -> int | None:
    if previous is None:
        return None
    return next((c["count"] for c in previous["projects"]["by_category"] if c["category_id"] == category_id), 0)


def activity_url(year: int, unit_id: int) -> str:
    return url_for("activities.list_activities", unit_id=unit_id, date_from=date(year, 1, 1).isoformat(),
                   date_to=date(year, 12, 31).isoformat())


def venue_url(venue_id: int) -> str:
    return url_for("civic.events", venue_id=venue_id)


def ledger_url(ledger_id: int) -> str:
    return url_for("civic.view_ledger", ledger_id=ledger_id)
