"""Accounts, roles, sign-in, sessions and API tokens."""
from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("auth", __name__)


def init_app(app: Flask) -> None:
    from alliance.auth import cli, loaders, views  # noqa: F401

    loaders.init_app(app)
    app.register_blueprint(bp)
    app.cli.add_command(cli.users)
