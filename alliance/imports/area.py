"""Imports as an area: the pages and API for every kind an area registers (``Area.import_kinds``)."""
from __future__ import annotations

from flask import Flask

from alliance.auth.roles import MANAGERS
from alliance.core.areas import Area, NavItem


def _init_app(app: Flask) -> None:
    import alliance.imports.views  # noqa: F401 - importing it adds the routes to bp
    from alliance.api import api
    from alliance.imports import api as imports_api  # noqa: F401
    from alliance.imports import bp

    app.register_blueprint(bp)
    api.register_blueprint(imports_api.blp)


AREA = Area(
    name="imports",
    label="批量导入",
    init_app=_init_app,
    nav=(NavItem("批量导入", "imports.index", MANAGERS, order=85, also_active_on=("imports.",)),),
)
