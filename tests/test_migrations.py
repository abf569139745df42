"""Alembic owns the schema: an empty database upgraded to head matches the models exactly,
and every migration can be undone and redone. Runs on the backend chosen with --db."""
from __future__ import annotations


import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from tests.databases import throwaway_postgres


@pytest.fixture
def empty_database_url(backend, tmp_path):
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    with throwaway_postgres("alliance_migr") as url:
        yield url


def _schema_diff(db) -> list:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def _tables(db) -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_gives_the_models_schema_and_round_trips(empty_database_url):
    from alliance import create_app
    from alliance.extensions import db

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        assert _tables(db) == set()
        upgrade()
        assert _tables(db) == set(db.metadata.tables)
        assert _schema_diff(db) == []

        downgrade(revision="base")
        assert _tables(db) == set()
        upgrade()
        assert _schema_diff(db) == []
        db.engine.dispose()


def test_the_app_never_creates_tables_itself(empty_database_url):
    from alliance import create_app
    from alliance.extensions import db

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        app.test_client().get("/api/v1/health")
        assert _tables(db) == set()
        db.engine.dispose()
