"""Filtering the audit trail, for the page and the API."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, select

from alliance.audit.models import AuditEntry
from alliance.core.dates import LOCAL_TZ


@dataclass
class AuditFilters:
    action: str | None = None
    record_type: str | None = None
    record_id: int | None = None
    actor: str | None = None
    source: str | None = None
    date_from: date | None = None
    date_to: date | None = None


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ)


def audit_query(alliance_id: int, filters: AuditFilters) -> Select:
    """Entries of one alliance, newest first. Dates are Beijing days."""
    stmt = select(AuditEntry).where(AuditEntry.alliance_id == alliance_id)
    if filters.action:
        stmt = stmt.where(AuditEntry.action == filters.action)
    if filters.record_type:
        stmt = stmt.where(AuditEntry.record_type == filters.record_type)
    if filters.record_id is not None:
        stmt = stmt.where(AuditEntry.record_id == filters.record_id)
    if filters.actor:
        stmt = stmt.where(AuditEntry.actor_name == filters.actor.strip().lower())
    if filters.source:
        stmt = stmt.where(AuditEntry.source == filters.source)
    if filters.date_from:
        stmt = stmt.where(AuditEntry.occurred_at >= _local_midnight(filters.date_from))
    if filters.date_to:
        stmt = stmt.where(AuditEntry.occurred_at < _local_midnight(filters.date_to + timedelta(days=1)))
    return stmt.order_by(AuditEntry.occurred_at.desc(), AuditEntry.id.desc())

