"""The navigation bar: 首页, then every registered area's entries the user may use.

An entry shows only when its page exists (its endpoint is registered: nothing "即将上线") and
the user's role may open it. A liaison's 成员单位 goes straight to their own unit's page."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, request, url_for
from flask_login import current_user

from alliance.core.areas import NavItem, registry

HOME = NavItem("首页", "web.home", order=0)

# For a liaison, these entries open their own unit: {list endpoint: unit page endpoint}.
LIAISON_OWN_UNIT = {"members.list_units": "members.view_unit"}


@dataclass(frozen=True)
class OwnUnitItem:
    """A NavItem that opens the liaison's unit instead of the list (and is active there)."""

    item: NavItem
    endpoint: str
    unit_id: int

    @property
    def label(self) -> str:
        return self.item.label

    @property
    def url(self) -> str:
        return url_for(self.endpoint, unit_id=self.unit_id)

    @property
    def is_active(self) -> bool:
        return self.item.is_active or (request.endpoint == self.endpoint
                                       and (request.view_args or {}).get("unit_id") == self.unit_id)


def visible_nav_items() -> list[NavItem | OwnUnitItem]:
    if not current_user.is_authenticated:
        return []
    endpoints = current_app.view_functions
    items: list[NavItem | OwnUnitItem] = []
    for item in [HOME, *registry().nav]:
        if item.endpoint not in endpoints or (item.roles is not None and current_user.role not in item.roles):
            continue
        own = LIAISON_OWN_UNIT.get(item.endpoint)
        if own and current_user.is_liaison and current_user.unit_id:
            items.append(OwnUnitItem(item, own, current_user.unit_id))
        else:
            items.append(item)
    return items


def init_app(app: Flask) -> None:
    app.context_processor(lambda: {"nav_items": visible_nav_items})
