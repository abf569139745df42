"""Filtering the audit trail, for the page and the API."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, false, or_, select

from alliance.audit.models import KIND_ACTIONS, AuditEntry
from alliance.core.dates import LOCAL_TZ


@dataclass
class AuditFilters:
    kind: str | None = None  # one of AUDIT_KINDS: a group of actions
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
    if filters.kind in KIND_ACTIONS:
        stmt = stmt.where(AuditEntry.action.in_(KIND_ACTIONS[filters.kind]))
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



def history_query(records: Mapping[str, Iterable[int]]) -> Select:
    """The change log of some records, newest first: ``{"Person": [7], "UnitRole": [3, 4]}``.

    For a record's page (a unit with its roles, a person with theirs); render the entries with
    ``templates/audit/_history.html``, which looks their names up in one statement."""
    conditions = [(AuditEntry.record_type == record_type) & AuditEntry.record_id.in_(sorted(set(ids)))
                  for record_type, ids in records.items() if ids]
    return (select(AuditEntry).where(or_(*conditions) if conditions else false())
            .order_by(AuditEntry.occurred_at.desc(), AuditEntry.id.desc()))
