"""Fixtures: a fresh app and database per test, on SQLite or PostgreSQL (``--db``).

The schema is built once per run with ``flask db upgrade`` (Alembic), never ``create_all``:
every test therefore also runs on the migrated schema. SQLite tests copy a migrated template
file; PostgreSQL tests share one migrated throwaway database and truncate it after each test.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from flask.globals import _cv_app
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from tests import factories
from tests.databases import throwaway_postgres

pytest_plugins = ["tests.helpers"]


def pytest_addoption(parser):
    parser.addoption("--db", default=os.environ.get("ALLIANCE_TEST_DB", "sqlite"),
                     choices=("sqlite", "postgresql"), help="database backend for the suite")


def pytest_configure(config):
    # Every API response of the suite is serialized by alliance.api.dumping and by marshmallow,
    # and the two must be equal (issue 7).
    from alliance.api import dumping

    dumping.VERIFY = True
    _share_url_builders()


def _share_url_builders() -> None:
    """Werkzeug writes and compiles two Python functions for every URL rule of every app
    (``Rule._compile_builder``): 2 x ~280 rules, ~0.07 s of each test's ``create_app``, the same
    code every time. The suite builds an app per test, so it compiles each distinct builder once:
    the function depends only on what the key holds, and takes the rule as its first argument."""
    from werkzeug.routing.rules import Rule

    compile_builder = Rule._compile_builder
    builders: dict = {}

    def shared(self, append_unknown=True):
        key = (self.rule, tuple(self._trace), repr(sorted((self.defaults or {}).items())), append_unknown)
        if key not in builders:
            builders[key] = compile_builder(self, append_unknown)
        return builders[key]

    Rule._compile_builder = shared


def pytest_report_header(config):
    return f"alliance test database: {config.getoption('--db')}"


@pytest.fixture(scope="session")
def backend(request) -> str:
    return request.config.getoption("--db")


def _upgrade(url: str) -> None:
    from flask_migrate import upgrade

    from alliance import create_app

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        from alliance.extensions import db

        db.engine.dispose()


@pytest.fixture(scope="session")
def database_template(backend, tmp_path_factory):
    """A migrated database: a template file (SQLite) or a throwaway database (PostgreSQL)."""
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("db") / "template.db"
        _upgrade(f"sqlite:///{path}")
        yield path
        return
    with throwaway_postgres("alliance_test") as url:
        _upgrade(url)
        yield url


@pytest.fixture
def database_url(backend, database_template, tmp_path):
    if backend == "sqlite":
        path = tmp_path / "test.db"
        shutil.copyfile(database_template, path)
        yield f"sqlite:///{path}"
        return
    yield database_template
    _truncate_all(database_template)


def _truncate_all(url: str) -> None:
    from alliance.extensions import db

    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


class IsolatedClient(FlaskClient):
    """A test client whose requests run in their own app context, as in production.

    The test itself holds an app context (to use ``db.session``); Flask would reuse it for the
    client's requests, sharing ``g`` (the signed-in user!) and the ORM session between requests.
    Before a request the test's session is committed (its transaction must not hold locks the
    request needs); afterwards everything it loaded is expired, so it reads what the request did.
    """

    def open(self, *args, **kwargs):
        from alliance.extensions import db

        db.session.commit()
        token = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)
            db.session.expire_all()


@pytest.fixture
def app(database_url, tmp_path):
    from alliance import create_app

    app = create_app("testing", {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
    })
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        from alliance.extensions import db

        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    from alliance.extensions import db

    return db


@pytest.fixture
def alliance(app):
    return factories.make_alliance()


@pytest.fixture
def world(app):
    """An alliance with two units, a liaison for each, and one account of every other role,
    plus a second alliance with its own unit and admin (to prove alliances are separate)."""
    return factories.make_world()


@pytest.fixture
def uploads(app) -> Path:
    return Path(app.config["UPLOAD_FOLDER"])
