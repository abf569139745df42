"""The JSON API under /api/v1 (flask-smorest): shared Api object, schemas, health, docs.

Each area registers its own smorest blueprint (``alliance/<area>/api.py``) on ``api``.
"""
from __future__ import annotations

from flask import Flask, request
from flask_login import current_user
from flask_smorest import Api

from alliance.api.schemas import ErrorSchema


class AllianceApi(Api):
    """flask-smorest with this product's error shape, produced by ``alliance.web.errors`` for
    the whole app (so 404s of unknown API paths get the same shape)."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        pass  # alliance.web.errors handles every HTTPException, API or not


api = AllianceApi()


def init_app(app: Flask) -> None:
    from alliance.api import docs, health
    from alliance.extensions import csrf

    api.init_app(app)
    api.register_blueprint(health.blp)
    docs.init_app(app)

    @app.before_request
    def protect_session_writes():
        """Bearer-token calls carry no ambient credential and skip CSRF; calls that ride on the
        browser session must send the CSRF token (X-CSRFToken), like any form."""
        if (request.path.startswith("/api/") and request.method not in ("GET", "HEAD", "OPTIONS")
                and not request.headers.get("Authorization")
                and current_user.is_authenticated):
            csrf.protect()


def exempt_from_form_csrf(blp) -> None:
    """API blueprints are checked by ``protect_session_writes`` instead of CSRFProtect."""
    from alliance.extensions import csrf

    csrf.exempt(blp)
