"""Alembic owns the schema: an empty database upgraded to head matches the models exactly,
and every migration can be undone and redone. Runs on the backend chosen with --db.

"Matches" is checked twice. Alembic's autogenerate comparison sees tables, columns, types,
indexes and foreign keys, but not CHECK constraints nor the ``WHERE`` of a partial index. So
the migrated database is also compared, object by object, with a second empty database built
by ``create_all`` from the models: as the database itself reports them (PostgreSQL's
``pg_get_constraintdef``/``pg_indexes``, SQLite's ``sqlite_master`` and table DDL), every
constraint (primary, unique, foreign with its ON DELETE, CHECK with its expression), every
index with its predicate, and every column's type, nullability and server default.
"""
from __future__ import annotations

import re

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from tests.databases import throwaway_postgres


def _empty_database(backend, tmp_path, name):
    if backend == "sqlite":
        return None, f"sqlite:///{tmp_path / (name + '.db')}"
    context = throwaway_postgres(f"alliance_{name}")
    return context, context.__enter__()


@pytest.fixture
def empty_database_url(backend, tmp_path):
    context, url = _empty_database(backend, tmp_path, "migr")
    yield url
    if context is not None:
        context.__exit__(None, None, None)


# SQLite's inspector cannot reflect an expression index (ix_member_units_list_order orders by
# "sort_order IS NULL") and says so; "index DDL" below compares its CREATE INDEX text instead,
# and PostgreSQL's pg_indexes has it in full.
pytestmark = [
    pytest.mark.filterwarnings(
        "ignore:Skipped unsupported reflection of expression-based index:sqlalchemy.exc.SAWarning"),
    pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index"),
]

@pytest.fixture
def models_database_url(backend, tmp_path):
    """A second empty database, for ``create_all``: the schema the models describe."""
    context, url = _empty_database(backend, tmp_path, "models")
    yield url
    if context is not None:
        context.__exit__(None, None, None)


def _schema_diff(db) -> list:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def _tables(db) -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def _norm(sql: str | None) -> str | None:
    """SQL text without layout: lower case, no quotes, single spaces, no spaces by brackets."""
    if sql is None:
        return None
    sql = re.sub(r'["`\[\]]', "", sql.lower())
    sql = re.sub(r"\s+", " ", sql).strip()
    return re.sub(r"\s*([(),])\s*", r"\1", sql)


def _sqlite_table_ddl_checks(conn, table: str) -> set[str]:
    """CHECK clauses as written in the table's DDL (the inspector may lose unnamed ones)."""
    ddl = conn.execute(text("SELECT sql FROM sqlite_master WHERE type='table' AND name=:t"),
                       {"t": table}).scalar_one()
    found = set()
    for match in re.finditer(r"(?:CONSTRAINT\s+(\S+)\s+)?CHECK\s*\(", ddl, flags=re.I):
        depth, start = 1, match.end()
        i = start
        while depth:
            depth += {"(": 1, ")": -1}.get(ddl[i], 0)
            i += 1
        found.add(f"{_norm(match.group(1) or '')}:{_norm(ddl[start:i - 1])}")
    return found


def schema_objects(url: str) -> dict[str, object]:
    """Everything the database says about its schema, as comparable plain values."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            insp = inspect(conn)
            out: dict[str, object] = {}
            for table in sorted(set(insp.get_table_names()) - {"alembic_version"}):
                out[f"{table} columns"] = {
                    c["name"]: (_norm(str(c["type"])), c["nullable"], _norm(c.get("default")))
                    for c in insp.get_columns(table)}
                out[f"{table} primary key"] = insp.get_pk_constraint(table)["constrained_columns"]
                out[f"{table} foreign keys"] = sorted(
                    (fk["name"] or "", tuple(fk["constrained_columns"]), fk["referred_table"],
                     tuple(fk["referred_columns"]), _norm((fk.get("options") or {}).get("ondelete")))
                    for fk in insp.get_foreign_keys(table))
                out[f"{table} unique"] = sorted(
                    (u["name"] or "", tuple(u["column_names"])) for u in insp.get_unique_constraints(table))
                out[f"{table} checks"] = sorted(
                    f"{c['name'] or ''}:{_norm(c['sqltext'])}" for c in insp.get_check_constraints(table))
                out[f"{table} indexes"] = sorted(
                    (i["name"], tuple(i["column_names"]), bool(i["unique"]),
                     _norm(str((i.get("dialect_options") or {}).get(f"{engine.dialect.name}_where"))))
                    for i in insp.get_indexes(table))
                if engine.dialect.name == "sqlite":
                    out[f"{table} checks (DDL)"] = sorted(_sqlite_table_ddl_checks(conn, table))
            if engine.dialect.name == "sqlite":
                # CREATE INDEX as stored, with its WHERE clause.
                out["index DDL"] = dict(conn.execute(text(
                    "SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL")).all())
                out["index DDL"] = {k: _norm(v) for k, v in out["index DDL"].items()}
            else:
                # PostgreSQL's own canonical text for every constraint and index.
                out["constraints"] = sorted(conn.execute(text(
                    "SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid) "
                    "FROM pg_constraint WHERE connamespace = 'public'::regnamespace "
                    "AND conrelid::regclass::text <> 'alembic_version'")).all())
                out["indexes"] = sorted(conn.execute(text(
                    "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
                    "AND tablename <> 'alembic_version'")).all())
            return out
    finally:
        engine.dispose()


def models_schema(url: str) -> dict[str, object]:
    from alliance import create_app
    from alliance.extensions import db

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return schema_objects(url)


def schema_differences(migrated: dict, models: dict) -> list[str]:
    problems = []
    for key in sorted(set(migrated) | set(models)):
        if migrated.get(key) != models.get(key):
            problems.append(f"{key}:\n  migrations: {migrated.get(key)!r}\n  models:     {models.get(key)!r}")
    return problems


def test_upgrade_gives_the_models_schema_and_round_trips(empty_database_url, models_database_url):
    from alliance import create_app
    from alliance.extensions import db

    expected = models_schema(models_database_url)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        assert _tables(db) == set()
        upgrade()
        assert _tables(db) == set(db.metadata.tables)
        assert _schema_diff(db) == []
        db.engine.dispose()
        assert schema_differences(schema_objects(empty_database_url), expected) == []

        downgrade(revision="base")
        assert _tables(db) == set()
        upgrade()
        assert _schema_diff(db) == []
        db.engine.dispose()
        assert schema_differences(schema_objects(empty_database_url), expected) == []


def test_the_comparison_sees_checks_and_index_predicates(models_database_url, backend):
    """The DDL comparison itself bites: a CHECK or an index predicate that differs is found."""
    expected = models_schema(models_database_url)
    engine = create_engine(models_database_url)
    with engine.begin() as conn:
        if backend == "sqlite":  # SQLite cannot drop a CHECK in place: rebuild the table
            ddl = conn.execute(text("SELECT sql FROM sqlite_master WHERE name='unit_roles'")).scalar_one()
            conn.execute(text("PRAGMA foreign_keys=OFF"))
            conn.execute(text(ddl.replace("unit_roles", "unit_roles_new", 1)
                              .replace("ended_on >= started_on", "ended_on > started_on")))
            conn.execute(text("DROP TABLE unit_roles"))
            conn.execute(text("ALTER TABLE unit_roles_new RENAME TO unit_roles"))
        else:
            conn.execute(text("ALTER TABLE unit_roles DROP CONSTRAINT ck_unit_roles_dates"))
            conn.execute(text("ALTER TABLE unit_roles ADD CONSTRAINT ck_unit_roles_dates "
                              "CHECK (ended_on IS NULL OR ended_on > started_on)"))
        conn.execute(text("DROP INDEX uq_people_alliance_mobile"))
        conn.execute(text("CREATE UNIQUE INDEX uq_people_alliance_mobile ON people (alliance_id, mobile)"))
    engine.dispose()
    found = "".join(schema_differences(schema_objects(models_database_url), expected)).replace(" ", "")
    assert "ended_on>started_on" in found
    assert "uq_people_alliance_mobile" in found


def test_the_app_never_creates_tables_itself(empty_database_url):
    from alliance import create_app
    from alliance.extensions import db

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        app.test_client().get("/api/v1/health")
        assert _tables(db) == set()
        db.engine.dispose()
