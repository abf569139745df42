"""The audit trail's page and API as an area of the app (it imports no other area)."""
from __future__ import annotations

from flask import Flask

from alliance.core.areas import Area, NavItem
from alliance.core.roles import MANAGERS


def _init_app(app: Flask) -> None:
    import alliance.audit.views  # noqa: F401 - importing it adds the routes to bp
    from alliance.api import api
    from alliance.audit import api as audit_api  # noqa: F401
    from alliance.audit import bp
    from alliance.audit.display import describe_changes, rows

    app.add_template_filter(describe_changes, "describe_changes")
    app.add_template_filter(rows, "audit_rows")  # templates/audit/_history.html
    app.register_blueprint(bp)
    api.register_blueprint(audit_api.blp)


AREA = Area(
    name="audit",
    label="操作日志",
    init_app=_init_app,
    models=("alliance.audit.models",),
    nav=(NavItem("操作日志", "audit.list_entries", MANAGERS, order=90),),
)
