"""共建活动记录: each member unit's log of what it did with the alliance."""
from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("activities", __name__)


def init_app(app: Flask) -> None:
    from alliance.activities import api as activities_api, views  # noqa: F401
    from alliance.api import api

    app.register_blueprint(bp)
    api.register_blueprint(activities_api.blp)
