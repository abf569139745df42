"""Where the test PostgreSQL is, and whether it answers."""
from __future__ import annotations

import os

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
