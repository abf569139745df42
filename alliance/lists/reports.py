"""Figures and the three-lists workbook (one sheet per list, as offices lay them out)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from alliance.core import charts
from alliance.core.dates import format_date_zh as format_date
from alliance.core.exports import Sheet, download, record_export, xlsx_bytes
from alliance.core.permissions import scoped
from alliance.extensions import db
from alliance.lists.models import PROJECT_STAGES, Need, Project, Resource
from alliance.lists.queries import figures
from alliance.lists.services import local_today


def _d(value) -> str:
    return format_date(value) if value else ""


def three_lists_sheets(user) -> list[Sheet]:
    alliance = user.alliance.name if getattr(user, "alliance", None) else ""
    today = local_today()
    needs = db.session.scalars(scoped(select(Need), Need, user).order_by(Need.id).options(
        selectinload(Need.category), selectinload(Need.unit))).all()
    resources = db.session.scalars(scoped(select(Resource), Resource, user).order_by(Resource.id).options(
        selectinload(Resource.category), selectinload(Resource.unit))).all()
    projects = db.session.scalars(scoped(select(Project), Project, user).order_by(Project.id).options(
        selectinload(Project.category), selectinload(Project.lead_unit),
        selectinload(Project.partners), selectinload(Project.needs))).all()
    stamp = f"导出日期：{format_date(today)}"
    return [
        Sheet("需求清单", ["序号", "需求名称", "类别", "来源", "来源名称", "提交单位", "受益对象",
                       "受益人数", "紧急程度", "期望完成", "网格", "状态"],
              [[i, n.title, n.category.name, n.source_label, n.source_name, n.unit.name if n.unit else "",
                n.beneficiary_group, n.beneficiary_count, n.urgency_label, _d(n.wanted_by), n.grid,
                n.status_label + ("（逾期）" if n.is_overdue(today) else "")]
               for i, n in enumerate(needs, 1)],
              title_lines=[alliance, "需求清单", stamp],
              widths=[6, 30, 12, 8, 18, 24, 16, 8, 8, 14, 12, 12], landscape=True),
        Sheet("资源清单", ["序号", "资源名称", "提供单位", "类型", "类别", "容量", "可提供起",
                       "可提供止", "状态"],
              [[i, r.title, r.unit.name, r.kind_label, r.category.name, r.capacity_text,
                _d(r.available_from), _d(r.available_to), r.status_label]
               for i, r in enumerate(resources, 1)],
              title_lines=[alliance, "资源清单", stamp], widths=[6, 30, 24, 10, 12, 12, 14, 14, 10],
              landscape=True),
        Sheet("项目清单", ["序号", "项目名称", "类别", "牵头单位", "合作单位", "对接需求", "预算（元）",
                       "开始", "结束", "阶段", "服务人数", "成效"],
              [[i, p.title, p.category.name, p.lead_unit.name if p.lead_unit else "",
                "、".join(u.name for u in p.partners), "、".join(n.title for n in p.needs),
                float(p.budget) if p.budget is not None else None, _d(p.starts_on), _d(p.ends_on),
                p.stage_label, p.people_served, p.outcome_summary or p.stop_reason or ""]
               for i, p in enumerate(projects, 1)],
              title_lines=[alliance, "项目清单", stamp],
              widths=[6, 30, 10, 24, 30, 30, 12, 14, 14, 8, 10, 40], landscape=True),
    ]


def three_lists_download(user):
    data = xlsx_bytes(three_lists_sheets(user))
    record_export("Need", None, "三张清单", {"format": "xlsx"})
    db.session.commit()
    return download(data, f"三张清单_{local_today().isoformat()}.xlsx")


def figure_charts(user) -> tuple[dict, list]:
    numbers = figures(user)
    stages = numbers["projects_by_stage"]
    result = [
        charts.bar_chart("各阶段项目数", [PROJECT_STAGES.label(s) for s in PROJECT_STAGES],
                         {"项目数": [stages.get(s, 0) for s in PROJECT_STAGES]}),
    ]
    if numbers["projects_by_category"]:
        result.append(charts.bar_chart("各类别项目数", [n for n, _ in numbers["projects_by_category"]],
                                       {"项目数": [c for _, c in numbers["projects_by_category"]]}))
    top = numbers["contributions"][:15]
    if top:
        result.append(charts.bar_chart("成员单位贡献（前15）", [c["unit_name"] for c in top],
                                       {"提供资源": [c["resources"] for c in top],
                                        "牵头项目": [c["led"] for c in top],
                                        "参与项目": [c["joined"] for c in top]},
                                       horizontal=True, stacked=True, height=520))
    return numbers, result
