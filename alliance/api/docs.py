"""/api/docs: Swagger UI served from the installed flask-swagger-ui package (no CDN), started
by a script file rather than flask-smorest's inline script, so the page obeys our CSP."""
from __future__ import annotations

from pathlib import Path

import flask_swagger_ui
from flask import Blueprint, Flask, render_template

SWAGGER_DIST = Path(flask_swagger_ui.__file__).parent / "dist"

dist = Blueprint("swagger_dist", __name__, static_folder=str(SWAGGER_DIST),
                 static_url_path="/swagger-ui-dist")
bp = Blueprint("api_docs", __name__)


@bp.route("/api/docs")
def api_docs():
    """The API's documentation page; the document itself is public, the calls are not."""
    return render_template("api/docs.html")


def init_app(app: Flask) -> None:
    app.register_blueprint(dist)
    app.register_blueprint(bp)
