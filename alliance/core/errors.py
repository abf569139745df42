"""Errors that services raise and the UI and the API both translate for the user."""
from __future__ import annotations

from typing import Any

STALE_MESSAGE = "该记录已被他人修改，请刷新后重试"
INVALID_MESSAGE = "提交的内容有误，请检查标出的字段"


class FieldErrors(Exception):
    """Invalid input, keyed by field name: shown next to the field in forms, 422 in the API."""

    status_code = 422
    code = "invalid"

    def __init__(self, fields: dict[str, list[str] | str], message: str = INVALID_MESSAGE):
        super().__init__(message)
        self.message = message
        self.fields = {k: [v] if isinstance(v, str) else list(v) for k, v in fields.items()}


class DuplicateRecord(FieldErrors):
    """A record that would repeat a unique value (same unit name in one alliance...): 409."""

    status_code = 409
    code = "duplicate"

    def __init__(self, fields: dict[str, list[str] | str], message: str = "与已有记录重复"):
        super().__init__(fields, message)


class StaleRecord(Exception):
    """The client edited an older version than the one stored: 409, nothing changed."""

    status_code = 409
    code = "stale"

    def __init__(self, message: str = STALE_MESSAGE):
        super().__init__(message)
        self.message = message


class RuleViolation(Exception):
    """A request that is well-formed but breaks a business rule (restore onto a taken name...)."""

    status_code = 409
    code = "conflict"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class BadArgument(FieldErrors):
    """A query-string or form value that cannot be what it names (a page number of 20 digits,
    an id beyond any record, a date in year 9999): 400 with the argument named, in the UI and
    the API alike."""

    status_code = 400
    code = "bad_argument"

    def __init__(self, name: str, message: str):
        super().__init__({name: [message]}, f"参数 {name} 有误：{message}")


# Unique indexes and the field a clash on each is reported at (409 with the field named). The
# IntegrityError handler of ``alliance.web.errors`` reads it; an area adds its own indexes with
# ``unique_field(index_name, field, message)`` at import time.
UNIQUE_FIELDS: dict[str, tuple[str, str]] = {}


def unique_field(index_name: str, field: str, message: str) -> None:
    UNIQUE_FIELDS[index_name] = (field, message)


DUPLICATE_MESSAGE = "该值已被另一条记录使用"


def duplicate_from_integrity(exc) -> DuplicateRecord | None:
    """The DuplicateRecord (409 with the field) a unique index's violation stands for, or None
    for another integrity error. Two identical creates at once both pass the service's duplicate
    check; the database's unique index stops the second, and this names its field."""
    orig = getattr(exc, "orig", exc)
    name = getattr(getattr(orig, "diag", None), "constraint_name", None)  # PostgreSQL (psycopg)
    text = str(orig)
    index = _unique_indexes()
    if name is None and "UNIQUE constraint failed:" in text:  # SQLite names the columns
        columns = text.split("UNIQUE constraint failed:", 1)[1].strip().splitlines()[0]
        name = next((n for n, (cols, _) in index.items() if cols == columns), None)
    if name is None or name not in index:
        return None
    field, message = UNIQUE_FIELDS.get(name, (index[name][1], DUPLICATE_MESSAGE))
    return DuplicateRecord({field: [message]})


def _unique_indexes() -> dict[str, tuple[str, str]]:
    """{index name: ("table.col, table.col", last column that is not alliance_id)}."""
    from sqlalchemy import UniqueConstraint

    from alliance.extensions import db

    found: dict[str, tuple[str, str]] = {}
    for table in db.metadata.tables.values():
        uniques: list[Any] = [i for i in table.indexes if i.unique]
        uniques += [c for c in table.constraints if isinstance(c, UniqueConstraint)]
        for item in uniques:
            cols = [c.name for c in item.columns]
            if item.name and cols:
                field = next((c for c in reversed(cols) if c != "alliance_id"), cols[-1])
                found[str(item.name)] = (", ".join(f"{table.name}.{c}" for c in cols), field)
    return found
