"""The navigation bar: 首页, then every registered area's entries the user may use."""
from __future__ import annotations

from flask import Flask
from flask_login import current_user

from alliance.core.areas import NavItem, registry

HOME = NavItem("首页", "web.home", order=0)


def visible_nav_items() -> list[NavItem]:
    if not current_user.is_authenticated:
        return []
    items = [HOME, *registry().nav]
    return [item for item in items if item.roles is None or current_user.role in item.roles]


def init_app(app: Flask) -> None:
    app.context_processor(lambda: {"nav_items": visible_nav_items})
