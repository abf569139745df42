"""The register (成员单位, 人员, 单位职务) as an area of the app."""
from __future__ import annotations

from flask import Flask

from alliance.core.areas import Area, HomePanel, NavItem
from alliance.core.roles import MANAGERS, ORGANIZER
from alliance.members.models import UNIT_CATEGORIES, UNIT_ROLES, UNIT_STATUSES, UNIT_TIERS


def _init_app(app: Flask) -> None:
    import alliance.members.views  # noqa: F401 - importing it adds the routes to bp
    from alliance.api import api
    from alliance.members import api as members_api  # noqa: F401
    from alliance.members import bp, cli, export_api, services

    app.register_blueprint(bp)
    api.register_blueprint(members_api.blp)
    api.register_blueprint(export_api.blp)
    app.cli.add_command(cli.alliances)
    # Which buttons a page shows, by the services' own rules (issue 13: no button one may not use).
    app.add_template_global(services.may_change_role, "may_change_role")
    app.add_template_global(services.may_edit_person, "may_edit_person")


def _home_panel(user) -> dict | None:
    from alliance.members.models import MemberUnit, Person
    from alliance.members.queries import count_visible
    from alliance.members.workbench import liaison_panel

    if user.is_liaison:
        return liaison_panel(user)
    return {"unit": None, "units": count_visible(MemberUnit, user), "people": count_visible(Person, user)}


def _waiting_panel(user) -> dict:
    from alliance.members.workbench import staff_panel

    return staff_panel(user)


# Other areas' exports an organizer may take, shown when the area is installed (by endpoint,
# so the register imports no area).
_OTHER_EXPORTS = (("三张清单汇总（Excel）", "lists.export_three_lists"),
                  ("文明实践活动（Excel）", "civic.export_xlsx"),
                  ("联席会议日历（.ics）", "meetings_api.calendar_feed"))


def _exports_panel(user) -> dict:
    from flask import current_app

    return {"others": [(label, endpoint) for label, endpoint in _OTHER_EXPORTS
                       if endpoint in current_app.view_functions]}


def _import_kinds() -> tuple:
    from alliance.members.imports import PEOPLE, UNITS

    return (UNITS, PEOPLE)


_UNIT = {
    "name": "名称", "short_name": "简称", "category": "类别", "uscc": "统一社会信用代码",
    "tier": "层级", "status": "状态", "joined_on": "加入日期", "left_on": "退出日期",
    "sort_order": "排序号", "address": "地址", "phone": "联系电话", "grid": "网格",
    "description": "简介", "is_sample": "示例数据",
}
_PERSON = {
    "name": "姓名", "mobile": "手机", "email": "电子邮箱", "title": "职务", "notes": "备注",
    "is_party_member": "党员", "is_sample": "示例数据",
}
_ROLE = {
    "unit_id": "单位", "person_id": "人员", "role": "职务", "title": "职务名称",
    "started_on": "开始日期", "ended_on": "结束日期", "note": "备注",
}

AREA = Area(
    name="members",
    label="成员单位",
    init_app=_init_app,
    models=("alliance.members.models",),
    nav=(
        NavItem("成员单位", "members.list_units", order=10,
                also_active_on=("members.view_unit", "members.edit_unit", "members.create_unit",
                                "members.assign_role")),
        NavItem("人员", "members.list_people", order=11,
                also_active_on=("members.view_person", "members.edit_person", "members.create_person")),
    ),
    home_panels=(
        HomePanel("members.overview", "members/_home_panel.html", _home_panel, order=10),
        HomePanel("members.waiting", "members/_home_panel_waiting.html", _waiting_panel,
                  roles=MANAGERS, order=15),
        HomePanel("members.exports", "members/_home_panel_exports.html", _exports_panel,
                  roles=frozenset({ORGANIZER}), order=15),
    ),
    import_kinds=_import_kinds(),
    record_types={"Alliance": "联盟", "MemberUnit": "成员单位", "Person": "人员", "UnitRole": "单位职务"},
    field_labels={"Alliance": {"name": "名称", "code": "代码"}, "MemberUnit": _UNIT,
                  "Person": _PERSON, "UnitRole": _ROLE},
    code_labels={
        ("MemberUnit", "category"): UNIT_CATEGORIES,
        ("MemberUnit", "tier"): UNIT_TIERS,
        ("MemberUnit", "status"): UNIT_STATUSES,
        ("UnitRole", "role"): UNIT_ROLES,
    },
)
