"""The register of member units, people and who holds which role at a unit."""
from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("members", __name__)


def init_app(app: Flask) -> None:
    from alliance.api import api
    from alliance.members import api as members_api, cli, views  # noqa: F401

    app.register_blueprint(bp)
    api.register_blueprint(members_api.blp)
    app.cli.add_command(cli.alliances)
