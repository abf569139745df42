"""What every page shares: layout helpers, navigation, error pages, security headers, home."""
from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("web", __name__)


def init_app(app: Flask) -> None:
    from alliance.web import errors, filters, headers, navigation, views  # noqa: F401

    filters.init_app(app)
    navigation.init_app(app)
    headers.init_app(app)
    errors.init_app(app)
    app.register_blueprint(bp)
