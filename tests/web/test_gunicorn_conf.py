"""gunicorn.conf.py: the worker hides its start-up objects from the garbage collector (issue 7)."""
from __future__ import annotations

import gc
import runpy
from pathlib import Path

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def test_a_ready_worker_freezes_what_it_loaded(app):
    from alliance.api import api

    settings = runpy.run_path(str(CONF))
    assert api._pending_docs, "create_app documents no blueprint: the OpenAPI document is written on first use"
    assert settings["limit_request_line"] == 0
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        settings["post_worker_init"](None)
        # The app and everything imported so far (this test session's modules) are frozen:
        # a full collection no longer walks them.
        assert gc.get_freeze_count() > 10_000
        # ... and the OpenAPI document was written before that, so it is frozen too.
        assert not api._pending_docs and "/api/v1/units" in api.spec.to_dict()["paths"]
    finally:
        gc.unfreeze()


def test_a_worker_compiles_its_templates_and_opens_its_connection_before_serving(app):
    from types import SimpleNamespace

    from sqlalchemy import event

    from alliance.extensions import db

    settings = runpy.run_path(str(CONF))
    app.jinja_env.cache.clear()
    checkouts = []
    with app.app_context():
        engine = db.engine
    def count(*args):
        checkouts.append(args)

    event.listen(engine, "checkout", count)
    try:
        settings["post_worker_init"](SimpleNamespace(wsgi=app))
    finally:
        event.remove(engine, "checkout", count)
        gc.unfreeze()
    compiled = {name for _loader, name in app.jinja_env.cache}
    pages = set(app.jinja_env.list_templates(extensions=("html",)))
    assert {"base.html", "members/units.html"} <= compiled
    assert compiled == pages  # every page's template, compiled before the first request
    assert len(checkouts) == 1  # the pooled connection, opened (and set up) before the first request
