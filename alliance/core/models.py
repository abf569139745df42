"""Mixins every record of the product uses: timestamps, optimistic version, soft delete, alliance.

A record class lists them explicitly, e.g. ``class Need(AllianceRecord, db.Model)``.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from alliance.core.types import UTCDateTime, utcnow


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class VersionMixin:
    """``version`` starts at 1 and SQLAlchemy bumps it on every UPDATE, adding
    ``WHERE version = <read>``: a concurrent writer's change raises StaleDataError instead of
    being overwritten."""

    version: Mapped[int] = mapped_column()

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]  # set on the model


class SoftDeleteMixin:
    """Deleting sets ``deleted_at``; lists leave such rows out and ``restore`` clears it."""

    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class Record(TimestampMixin, VersionMixin, SoftDeleteMixin):
    """A user-editable record. ``__audit_masked__`` names personal fields masked in the audit
    trail; ``__audit_ignored__`` fields that are not worth recording."""

    __audited__ = True
    __audit_masked__: frozenset[str] = frozenset()
    __audit_ignored__: frozenset[str] = frozenset()


class AllianceRecord(Record):
    """A record that belongs to one alliance: every query of it is filtered by alliance."""

    @declared_attr
    def alliance_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("alliances.id"), index=True)
