"""共建活动记录 as an area of the app."""
from __future__ import annotations

from flask import Flask

from alliance.activities.models import ACTIVITY_KINDS
from alliance.core.areas import Area, HomePanel, NavItem


def _init_app(app: Flask) -> None:
    import alliance.activities.views  # noqa: F401 - importing it adds the routes to bp
    from alliance.activities import api as activities_api  # noqa: F401
    from alliance.activities import bp
    from alliance.api import api

    app.register_blueprint(bp)
    api.register_blueprint(activities_api.blp)


def _home_panel(user) -> dict | None:
    """A liaison's latest activities and the big button; others see the chart panel instead
    (a count of every activity ever was a slow figure nobody acts on)."""
    from alliance.activities.workbench import recent_activities
    from alliance.core.permissions import can_edit_unit_records

    if not user.is_liaison:
        return None
    return {"recent": recent_activities(user), "can_log": can_edit_unit_records(user.unit_id, user)}


def _chart_panel(user) -> dict:
    from alliance.activities.workbench import monthly_charts
    from alliance.members.workbench import local_today

    chart, narrow = monthly_charts(user, local_today())
    return {"chart": chart, "narrow": narrow,
            "total": int(sum(sum(values) for values in chart.series.values())), "can_log": user.is_manager}


AREA = Area(
    name="activities",
    label="共建活动",
    init_app=_init_app,
    models=("alliance.activities.models",),
    nav=(NavItem("共建活动", "activities.list_activities", order=20, also_active_on=("activities.",)),),
    home_panels=(HomePanel("activities.overview", "activities/_home_panel.html", _home_panel, order=12),
                 HomePanel("activities.chart", "activities/_home_panel_chart.html", _chart_panel, order=50)),
    record_types={"Activity": "共建活动", "ActivityPhoto": "活动照片"},
    field_labels={
        "Activity": {"unit_id": "单位", "title": "标题", "occurred_on": "活动日期", "kind": "活动类型",
                     "participant_count": "参与人数", "participants": "参与人员",
                     "description": "内容", "is_sample": "示例数据"},
        "ActivityPhoto": {"activity_id": "活动", "stored_name": "文件", "original_name": "原文件名",
                          "content_type": "文件类型", "size_bytes": "大小", "width": "宽",
                          "height": "高", "position": "顺序"},
    },
    code_labels={("Activity", "kind"): ACTIVITY_KINDS},
)
