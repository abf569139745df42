"""Alembic owns the schema: an empty database upgraded to head matches the models exactly,
and every migration can be undone and redone. Runs on the backend chosen with --db."""
from __future__ import annotations

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from tests.databases import postgres_admin_url


@pytest.fixture
def empty_database_url(backend, tmp_path):
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    name = f"alliance_migr_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield postgres_admin_url(database=name)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


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
