"""Writes one audit entry per created, changed, deleted or restored record, inside the same
flush and transaction as the change itself: a rolled-back change leaves no entry."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from alliance.audit.context import Actor, current_actor
from alliance.audit.models import AuditEntry
from alliance.core.types import utcnow
from alliance.core.validators import mask_value
from alliance.extensions import db

# Bookkeeping columns every record has; their changes say nothing to a reader.
_ALWAYS_IGNORED = frozenset({"id", "created_at", "updated_at", "version", "alliance_id"})


def _json_value(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _shown(obj, key: str, value):
    value = _json_value(value)
    return mask_value(value) if key in type(obj).__audit_masked__ else value


def _columns(obj):
    ignored = _ALWAYS_IGNORED | type(obj).__audit_ignored__
    return [a for a in inspect(obj).mapper.column_attrs if a.key not in ignored]


def _created_changes(obj) -> dict:
    return {
        a.key: [None, _shown(obj, a.key, getattr(obj, a.key))]
        for a in _columns(obj)
        if getattr(obj, a.key) is not None and a.key != "deleted_at"
    }


def _updated_changes(obj) -> dict:
    state = inspect(obj)
    changes = {}
    for attr in _columns(obj):
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        before = history.deleted[0] if history.deleted else None
        after = history.added[0] if history.added else None
        if before != after:
            changes[attr.key] = [_shown(obj, attr.key, before), _shown(obj, attr.key, after)]
    return changes


def _entry(obj, action: str, changes: dict | None, actor: Actor, now: datetime) -> dict:
    alliance_id = getattr(obj, "alliance_id", None)
    if alliance_id is None and type(obj).__tablename__ == "alliances":
        alliance_id = obj.id
    return {
        "alliance_id": alliance_id or actor.alliance_id,
        "occurred_at": now,
        "actor_id": actor.user_id,
        "actor_name": actor.name,
        "source": actor.source,
        "action": action,
        "record_type": type(obj).__name__,
        "record_id": obj.id,
        "summary": str(obj)[:200],
        "changes": ({**(changes or {}), "source_file": [None, actor.note]} if actor.note else changes) or None,
        "ip_address": actor.ip_address,
    }


def _is_audited(obj) -> bool:
    return getattr(type(obj), "__audited__", False)


@event.listens_for(Session, "before_flush")
def _refuse_audit_edits(session, _flush_context, _instances):
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEntry):
            raise PermissionError("audit entries cannot be changed or deleted")


class UnauditedBulkChange(PermissionError):
    """A bulk ``UPDATE``/``DELETE`` through the session on an audited table (or the audit trail)."""


# The execution option that lets a bulk change of an audited model through, knowingly: the
# caller then answers for the trail (``record_event``). Never honoured for the audit trail.
BULK_UNAUDITED = "bulk_unaudited"


def _bulk_target(statement):
    """The mapped class a bulk UPDATE/DELETE writes to (None for an unmapped table)."""
    entity = (getattr(statement, "entity_description", None) or {}).get("entity")
    if isinstance(entity, type):
        return entity
    table = getattr(statement, "table", None)
    for mapper in db.Model.registry.mappers:  # type: ignore[attr-defined]  # the declarative registry
        if table is not None and mapper.local_table is not None and mapper.local_table.name == getattr(
                table, "name", None):
            return mapper.class_
    return None


@event.listens_for(Session, "do_orm_execute")
def _refuse_unaudited_bulk_changes(state):
    """``session.execute(update(Unit)...)``, ``delete(...)`` and ``query(...).update()/.delete()``
    skip the flush, so the trail would miss them and the guard above would not see an audit
    entry being changed: refuse them on audited models and on the audit trail. To change many
    audited rows, load them and change each (``core.records.update_each``)."""
    if not (state.is_update or state.is_delete):
        return
    target = _bulk_target(state.statement)
    if target is None:
        return
    verb = "UPDATE" if state.is_update else "DELETE"
    if target is AuditEntry or issubclass(target, AuditEntry):
        raise UnauditedBulkChange(f"audit entries cannot be changed or deleted (bulk {verb})")
    if getattr(target, "__audited__", False) and not state.execution_options.get(BULK_UNAUDITED):
        raise UnauditedBulkChange(
            f"bulk {verb} of audited {target.__name__} would bypass the audit trail; change the "
            f"records one by one (core.records.update_each) or pass execution_options({BULK_UNAUDITED}=True)")


@event.listens_for(Session, "after_flush")
def _write_audit_entries(session, _flush_context):
    """Runs after the INSERT/UPDATEs but before history is reset: ids are known and
    ``attrs[...].history`` still holds the before and after values."""
    rows = []
    actor = None
    now = utcnow()
    for obj in session.new:
        if _is_audited(obj):
            actor = actor or current_actor()
            rows.append(_entry(obj, "create", _created_changes(obj), actor, now))
    for obj in session.dirty:
        if not _is_audited(obj) or not session.is_modified(obj, include_collections=False):
            continue
        changes = _updated_changes(obj)
        if not changes:
            continue
        action = "update"
        if "deleted_at" in changes:
            before, after = changes.pop("deleted_at")
            action = "delete" if after is not None else "restore"
        actor = actor or current_actor()
        rows.append(_entry(obj, action, changes, actor, now))
    for obj in session.deleted:
        if _is_audited(obj):
            actor = actor or current_actor()
            rows.append(_entry(obj, "delete", None, actor, now))
    if rows:
        session.connection().execute(insert(AuditEntry.__table__), rows)


def record_event(action: str, *, summary: str | None = None, record=None,
                 record_type: str | None = None, record_id: int | None = None,
                 changes: dict | None = None, actor: Actor | None = None,
                 alliance_id: int | None = None) -> AuditEntry:
    """Add a security or access event (login, refused access, export...) to the session.

    The caller commits, as with any other change."""
    actor = actor or current_actor()
    entry = AuditEntry(
        alliance_id=alliance_id or getattr(record, "alliance_id", None) or actor.alliance_id,
        occurred_at=utcnow(),
        actor_id=actor.user_id,
        actor_name=actor.name,
        source=actor.source,
        action=action,
        record_type=record_type or (type(record).__name__ if record is not None else None),
        record_id=record_id if record_id is not None else getattr(record, "id", None),
        summary=(summary or (str(record) if record is not None else None) or "")[:200] or None,
        changes=changes,
        ip_address=actor.ip_address,
    )
    db.session.add(entry)
    return entry
