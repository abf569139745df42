"""The navigation bar: the areas that exist, and those to come (shown, not yet clickable)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, request, url_for
from flask_login import current_user

from alliance.auth.roles import ADMIN, MANAGERS


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str | None  # None: an area still to be built
    roles: frozenset[str] | None = None  # None: every signed-in role
    also_active_on: tuple[str, ...] = ()  # endpoints (or "blueprint." prefixes) under this item

    @property
    def url(self) -> str | None:
        return url_for(self.endpoint) if self.endpoint else None

    @property
    def is_active(self) -> bool:
        endpoint = request.endpoint or ""
        return endpoint == self.endpoint or any(endpoint.startswith(p) for p in self.also_active_on)


NAV_ITEMS = (
    NavItem("首页", "web.home"),
    NavItem("成员单位", "members.list_units",
            also_active_on=("members.view_unit", "members.edit_unit", "members.create_unit",
                            "members.assign_role")),
    NavItem("人员", "members.list_people",
            also_active_on=("members.view_person", "members.edit_person", "members.create_person")),
    NavItem("共建活动", "activities.list_activities", also_active_on=("activities.",)),
    NavItem("联席会议", None),
    NavItem("三张清单", None),
    NavItem("星级评定", None),
    NavItem("文明实践", None),
    NavItem("统计报表", None),
    NavItem("操作日志", "audit.list_entries", MANAGERS),
    NavItem("账号管理", "auth.list_accounts", frozenset({ADMIN}),
            also_active_on=("auth.create_account", "auth.edit_account")),
)


def visible_nav_items() -> list[NavItem]:
    if not current_user.is_authenticated:
        return []
    return [item for item in NAV_ITEMS if item.roles is None or current_user.role in item.roles]


def init_app(app: Flask) -> None:
    app.context_processor(lambda: {"nav_items": visible_nav_items})
