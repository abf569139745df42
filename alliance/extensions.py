"""Extensions, created unbound and bound to the app in ``create_app``."""
from __future__ import annotations

import sqlite3

from flask_bootstrap import Bootstrap5
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(compare_type=True, render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()
bootstrap = Bootstrap5()


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record):
    """WAL lets readers and one writer work at once across gunicorn workers; SQLite leaves
    foreign keys off unless asked."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # SQLite plans without statistics until ANALYZE has run; this (as SQLite's docs advise
        # for new connections) gathers them when they are missing or stale, cheaply.
        cursor.execute("PRAGMA optimize=0x10002")
        if sqlite3.sqlite_version_info < (3, 46) and _is_file_database(cursor):
            # Before 3.46, optimize skips tables this connection has not queried yet, so a new
            # connection plans blind: it takes the ``deleted_at`` index (NULL on nearly every
            # row) for "deleted_at IS NULL", and each page's eager loads then scan whole
            # tables. ANALYZE with a row limit samples each index: ~15 ms, once per pooled
            # connection, whatever the data size. Not less: a sample of 400 rows makes a column
            # with one value per alliance (``alliance_id``) look as selective as 401 rows, and the
            # planner then read all 6,000 roles of the alliance rather than the roles of the 50
            # people of a page by ``person_id`` (issue 7).
            cursor.execute("PRAGMA analysis_limit=2000")
            cursor.execute("ANALYZE")
        cursor.close()


def _is_file_database(cursor) -> bool:
    """An in-memory database (the tests') has no file name and nothing worth analysing."""
    return any(row[2] for row in cursor.execute("PRAGMA database_list") if row[1] == "main")
