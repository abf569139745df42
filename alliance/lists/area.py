"""三张清单 as an area of the app."""
from __future__ import annotations

from flask import Flask

from alliance.auth.roles import LIAISON, MANAGERS
from alliance.core.areas import Area, HomePanel, NavItem, ReminderRule
from alliance.lists.models import (
    CATEGORY_KINDS,
    CLAIM_STATUSES,
    NEED_STATUSES,
    PROJECT_STAGES,
    RESOURCE_KINDS,
    RESOURCE_STATUSES,
    SOURCE_KINDS,
    URGENCIES,
)
from alliance.lists.reminders import needs_past_wanted_by


def _init_app(app: Flask) -> None:
    from alliance.api import api
    from alliance.lists import api as lists_api  # noqa: F401
    from alliance.lists import bp, views

    app.register_blueprint(bp)
    api.register_blueprint(lists_api.blp)
    app.add_template_global(views.unit_section, "lists_unit_section")
    if not app.testing:
        # Load the segmenter's dictionary at start, never on a user's request.
        from alliance.lists.matching import segmenter

        segmenter()


def _liaison_panel(user):
    from alliance.lists.views import liaison_panel

    return liaison_panel(user)


def _staff_panel(user):
    from alliance.lists.views import staff_panel

    return staff_panel(user)


def _demo(alliance):
    from alliance.lists.demo import load_demo

    return load_demo(alliance)


AREA = Area(
    name="lists",
    label="三张清单",
    init_app=_init_app,
    models=("alliance.lists.models",),
    nav=(NavItem("三张清单", "lists.board", order=40, also_active_on=("lists.",)),),
    home_panels=(
        HomePanel("lists.liaison", "lists/_home_liaison.html", _liaison_panel,
                  roles=frozenset({LIAISON}), order=30),
        HomePanel("lists.staff", "lists/_home_staff.html", _staff_panel, roles=MANAGERS, order=30),
    ),
    record_types={"Need": "需求", "Resource": "资源", "Project": "项目", "Claim": "认领",
                  "ProjectTransition": "项目阶段变更", "ListCategory": "清单类别"},
    field_labels={
        "Need": {"title": "需求标题", "description": "需求描述", "category_id": "类别",
                 "source_kind": "来源", "source_name": "来源名称", "unit_id": "提交单位",
                 "submitter_name": "提交人", "beneficiary_count": "受益人数",
                 "beneficiary_group": "受益群体", "urgency": "紧急程度", "wanted_by": "期望完成日期",
                 "grid": "网格", "status": "状态", "is_sample": "示例数据"},
        "Resource": {"title": "资源名称", "description": "资源描述", "unit_id": "提供单位",
                     "kind": "资源类型", "category_id": "类别", "capacity_amount": "容量",
                     "capacity_unit": "容量单位", "available_from": "可提供开始",
                     "available_to": "可提供结束", "contact": "联系方式", "status": "状态",
                     "is_sample": "示例数据"},
        "Project": {"title": "项目名称", "description": "项目内容", "category_id": "类别",
                    "lead_unit_id": "牵头单位", "budget": "预算", "starts_on": "开始日期",
                    "ends_on": "结束日期", "stage": "阶段", "released": "发布认领",
                    "outcome_summary": "成效总结", "people_served": "服务人数",
                    "stop_reason": "终止原因", "is_sample": "示例数据"},
        "Claim": {"unit_id": "认领单位", "need_id": "需求", "project_id": "项目",
                  "commitment": "认领承诺", "status": "状态", "decided_by": "确认人",
                  "decided_at": "确认时间", "decision_note": "确认说明"},
        "ProjectTransition": {"project_id": "项目", "from_stage": "原阶段", "to_stage": "新阶段",
                              "actor_id": "操作人", "actor_name": "操作人", "occurred_at": "时间",
                              "note": "说明"},
        "ListCategory": {"kind": "种类", "name": "名称", "position": "顺序"},
    },
    code_labels={
        ("Need", "source_kind"): SOURCE_KINDS, ("Need", "urgency"): URGENCIES,
        ("Need", "status"): NEED_STATUSES, ("Resource", "kind"): RESOURCE_KINDS,
        ("Resource", "status"): RESOURCE_STATUSES, ("Project", "stage"): PROJECT_STAGES,
        ("Claim", "status"): CLAIM_STATUSES, ("ProjectTransition", "from_stage"): PROJECT_STAGES,
        ("ProjectTransition", "to_stage"): PROJECT_STAGES, ("ListCategory", "kind"): CATEGORY_KINDS,
    },
    demo=_demo,
    reminders=(ReminderRule("need_overdue", "需求逾期提醒", needs_past_wanted_by),),
)
