"""Who may see which rows: one declared policy per model.

A model names its policy as ``__visibility__``; :func:`alliance.core.permissions.scoped` (and so
every list, get-or-404, export, search, picker, count and API route that reads through it)
applies it in SQL. A model with ``alliance_id`` and no policy is a bug the suite catches
(``tests/core/test_visibility.py``).

    class Need(AllianceRecord, db.Model):
        __visibility__ = OwnUnitOr("unit_id", lambda m: m.status != "draft")
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, false, or_, true


class Policy:
    """Returns the SQL condition of the rows of ``model`` that ``user`` may see, beyond the
    alliance and soft-delete filters that ``scoped`` always applies."""

    def clause(self, model, user) -> ColumnElement[bool]:  # pragma: no cover - interface
        raise NotImplementedError

    def public_clause(self, model) -> ColumnElement[bool]:
        """The rows every account of the alliance sees by design (none, unless said)."""
        return false()


def _column(model, column: str | Callable[[Any], Any]):
    return column(model) if callable(column) else getattr(model, column)


class Everyone(Policy):
    """Every account of the alliance sees every row (e.g. a published notice)."""

    def clause(self, model, user) -> ColumnElement[bool]:
        return true()

    def public_clause(self, model) -> ColumnElement[bool]:
        return true()


class ReadersOfAll(Policy):
    """Staff, admins and organizers see every row; liaisons none."""

    def clause(self, model, user) -> ColumnElement[bool]:
        return true() if user.reads_all_units else false()


class RolesOnly(Policy):
    """Only accounts of ``roles`` see the rows, all of them (e.g. the audit trail: managers)."""

    def __init__(self, *roles: str):
        self.roles = frozenset(roles)

    def clause(self, model, user) -> ColumnElement[bool]:
        return true() if user.role in self.roles else false()


class OwnUnit(Policy):
    """Readers of all see every row; a liaison the rows whose ``column`` is their unit, or
    (``where``) the rows for which ``where(model, unit_id)`` holds."""

    def __init__(self, column: str | Callable[[Any], Any] = "unit_id", *,
                 where: Callable[[Any, int], ColumnElement[bool]] | None = None):
        self.column = column
        self.where = where

    def clause(self, model, user) -> ColumnElement[bool]:
        if user.reads_all_units:
            return true()
        if not user.unit_id:
            return false()
        return self.unit_clause(model, user.unit_id)

    def unit_clause(self, model, unit_id: int) -> ColumnElement[bool]:
        if self.where is not None:
            return self.where(model, unit_id)
        return _column(model, self.column) == unit_id


class OwnUnitOr(OwnUnit):
    """As :class:`OwnUnit`, plus rows every account sees (``public(model)``, e.g. released)."""

    def __init__(self, column: str | Callable[[Any], Any], public: Callable[[Any], Any]):
        super().__init__(column)
        self.public = public

    def clause(self, model, user) -> ColumnElement[bool]:
        own = super().clause(model, user)
        return or_(own, self.public(model)) if not user.reads_all_units else own

    def public_clause(self, model) -> ColumnElement[bool]:
        return self.public(model)


class Custom(Policy):
    """Anything else: ``function(model, user)`` returns the condition (e.g. invited units)."""

    def __init__(self, function: Callable[[Any, Any], ColumnElement[bool]]):
        self.function = function

    def clause(self, model, user) -> ColumnElement[bool]:
        return self.function(model, user)


def policy_of(model) -> Policy | None:
    return getattr(model, "__visibility__", None)
