"""年度工作总结 (the annual report) as an area of the app."""
from __future__ import annotations

from flask import Flask

from alliance.core.areas import Area, NavItem
from alliance.reports.queries import READERS


def _init_app(app: Flask) -> None:
    import alliance.reports.views  # noqa: F401 - importing it adds the routes to bp
    from alliance.api import api
    from alliance.reports import api as reports_api
    from alliance.reports import bp

    app.register_blueprint(bp)
    api.register_blueprint(reports_api.blp)


AREA = Area(
    name="reports",
    label="年度工作总结",
    init_app=_init_app,
    nav=(NavItem("年度总结", "reports.annual", roles=READERS, order=90, also_active_on=("reports.",)),),
    record_types={"AnnualReport": "年度工作总结"},
)
