"""Text search, said once: every list's ``q=`` matches a substring, with ``%`` and ``_`` in the
user's words taken literally (LIKE with an escape character), on SQLite and PostgreSQL alike
(the trigram indexes of migration search_2 serve it there)."""
from __future__ import annotations

from sqlalchemy import ColumnElement, or_


def contains(column, text: str) -> ColumnElement[bool]:
    """``column`` contains ``text`` literally."""
    return column.contains(text, autoescape=True)


def any_contains(text: str, *columns) -> ColumnElement[bool]:
    """One of ``columns`` contains ``text`` literally."""
    return or_(*(contains(column, text) for column in columns))
