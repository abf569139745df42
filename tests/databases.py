"""Where the test PostgreSQL is, and whether it answers."""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_admin_url(database: str | None = None) -> str:
    url = make_url(os.environ.get("TEST_POSTGRES_URL", DEFAULT_URL))
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    if database:
        url = url.set(database=database)
    return url.render_as_string(hide_password=False)


def postgres_available() -> bool:
    engine = create_engine(postgres_admin_url(), connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
    finally:
        engine.dispose()


@contextmanager
def throwaway_postgres(prefix: str):
    """A new, empty PostgreSQL database for the block; dropped afterwards (even if in use)."""
    import pytest

    if not postgres_available():
        pytest.exit("PostgreSQL 不可用：127.0.0.1:5432 没有响应（--db=postgresql）", returncode=3)
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(postgres_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield postgres_admin_url(database=name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
