"""新时代文明实践 as an area of the app."""
from __future__ import annotations

from flask import Flask

from alliance.civic.models import (
    FESTIVALS,
    LEDGER_ENTRY_KINDS,
    ORDER_STATUSES,
    ORGANIZER_KINDS,
    RECORD_STATUSES,
    VENUE_KINDS,
)
from alliance.core.areas import Area, HomePanel, NavItem


def _init_app(app: Flask) -> None:
    import alliance.civic.views  # noqa: F401 - importing it adds the routes to bp
    from alliance.api import api
    from alliance.civic import api as civic_api  # noqa: F401
    from alliance.civic import bp

    app.register_blueprint(bp)
    api.register_blueprint(civic_api.blp)


def _home_panel(user) -> dict | None:
    from alliance.civic.queries import home_figures

    return home_figures(user)


def _demo(alliance):
    from alliance.civic.demo import load_demo

    return load_demo(alliance)


AREA = Area(
    name="civic",
    label="文明实践",
    init_app=_init_app,
    models=("alliance.civic.models",),
    nav=(NavItem("文明实践", "civic.overview", order=40, also_active_on=("civic.",)),),
    home_panels=(HomePanel("civic.overview", "civic/_home_panel.html", _home_panel, order=40),),
    demo=_demo,
    record_types={"Venue": "文明实践阵地", "VolunteerTeam": "志愿服务队", "Volunteer": "志愿者",
                  "ServiceProject": "服务项目", "ServiceOrder": "点单", "CivicEvent": "文明实践活动",
                  "CivicEventPhoto": "活动照片", "ServiceRecord": "志愿服务记录",
                  "ItemLedger": "物品台账", "LedgerEntry": "台账记录", "Certificate": "服务时长证明"},
    field_labels={
        "Venue": {"name": "名称", "kind": "类型", "parent_id": "上级阵地", "address": "地址",
                  "unit_id": "承办单位", "host_name": "承办社区", "is_sample": "示例数据"},
        "VolunteerTeam": {"name": "名称", "unit_id": "所属单位", "description": "简介", "is_sample": "示例数据"},
        "Volunteer": {"volunteer_no": "志愿者编号", "name": "姓名", "mobile": "手机", "skills": "特长",
                      "person_id": "人员", "is_sample": "示例数据"},
        "ServiceProject": {"name": "名称", "team_id": "服务队", "festival": "节日", "description": "内容",
                           "is_sample": "示例数据"},
        "ServiceOrder": {"project_id": "服务项目", "venue_id": "阵地", "unit_id": "单位", "team_id": "服务队",
                         "status": "状态", "wanted_on": "希望日期", "note": "需求说明", "rating": "评分",
                         "comment": "评价"},
        "CivicEvent": {"title": "名称", "project_id": "服务项目", "venue_id": "阵地", "starts_at": "开始",
                       "ends_at": "结束", "organizer_kind": "组织方类型", "organizer_unit_id": "组织单位",
                       "organizer_team_id": "组织服务队", "unit_id": "单位", "description": "内容",
                       "audience": "服务人数", "is_sample": "示例数据"},
        "ServiceRecord": {"event_id": "活动", "volunteer_id": "志愿者", "unit_id": "单位", "hours": "时长",
                          "role": "服务内容", "status": "状态", "verified_by": "核实人", "verified_at": "核实时间"},
        "ItemLedger": {"item": "物品", "project_id": "服务项目", "unit_id": "单位", "in_stock": "库存",
                       "note": "备注", "is_sample": "示例数据"},
        "LedgerEntry": {"ledger_id": "台账", "kind": "类型", "quantity": "数量", "occurred_on": "日期",
                        "event_id": "活动", "made_by": "制作人", "volunteer_count": "志愿者人数"},
        "Certificate": {"number": "编号", "volunteer_id": "志愿者", "hours": "时长", "issued_on": "出具日期",
                        "issuer": "出具单位"},
    },
    code_labels={
        ("Venue", "kind"): VENUE_KINDS, ("ServiceProject", "festival"): FESTIVALS,
        ("ServiceOrder", "status"): ORDER_STATUSES, ("CivicEvent", "organizer_kind"): ORGANIZER_KINDS,
        ("ServiceRecord", "status"): RECORD_STATUSES, ("LedgerEntry", "kind"): LEDGER_ENTRY_KINDS,
    },
)
