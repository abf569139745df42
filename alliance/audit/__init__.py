"""The audit trail: who changed what, when, from where. Written by a session hook
(``recorder``), read by staff and admins; nobody can edit it."""
from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("audit", __name__)


def init_app(app: Flask) -> None:
    from alliance.api import api
    from alliance.audit import api as audit_api, views  # noqa: F401
    from alliance.audit.labels import describe_changes

    app.add_template_filter(describe_changes, "describe_changes")
    app.register_blueprint(bp)
    api.register_blueprint(audit_api.blp)
