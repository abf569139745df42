"""Edit, soft-delete and restore any record with optimistic locking. Services call these."""
from __future__ import annotations

from typing import Any

from alliance.core.errors import RuleViolation, StaleRecord
from alliance.core.types import utcnow
from alliance.extensions import db


def check_version(record, version: int | None, *, required: bool = False) -> None:
    """Refuse an edit made on an older copy than the stored one."""
    if version is None:
        if required:
            from alliance.core.errors import FieldErrors

            raise FieldErrors({"version": ["缺少版本号（version），请先读取记录"]})
        return
    if version != record.version:
        raise StaleRecord()


def apply_changes(record, cleaned: dict[str, Any]) -> bool:
    """Set changed attributes only, so the audit trail lists real changes. Returns True if any."""
    changed = False
    for key, value in cleaned.items():
        if getattr(record, key) != value:
            setattr(record, key, value)
            changed = True
    if changed:
        db.session.flush()
    return changed


def update_each(records, values: dict[str, Any]) -> int:
    """Set ``values`` on each record through the ORM, so each change is versioned and lands in
    the audit trail (a bulk ``update()`` of an audited model is refused). Returns how many changed."""
    changed = 0
    for record in records:
        dirty = False
        for key, value in values.items():
            if getattr(record, key) != value:
                setattr(record, key, value)
                dirty = True
        changed += dirty
    db.session.flush()
    return changed


def soft_delete(record, *, version: int | None = None) -> None:
    check_version(record, version)
    if record.deleted_at is not None:
        raise RuleViolation("该记录已被删除")
    record.deleted_at = utcnow()
    db.session.flush()


def restore(record, *, version: int | None = None) -> None:
    check_version(record, version)
    if record.deleted_at is None:
        raise RuleViolation("该记录未被删除，无需恢复")
    record.deleted_at = None
    db.session.flush()
