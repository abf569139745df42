"""Bulk ``UPDATE``/``DELETE`` through the session skip the flush, hence the audit trail and the
audit trail's own edit guard: they are refused on audited models and on the audit trail."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select, update

from alliance.audit.models import AuditEntry
from alliance.audit.recorder import BULK_UNAUDITED, UnauditedBulkChange
from alliance.auth.models import LoginAttempt
from alliance.core.records import update_each
from alliance.members.models import MemberUnit
from tests import factories


def _entries(db) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


@pytest.mark.parametrize("statement", [
    lambda: update(MemberUnit).values(name="批量改名"),
    lambda: update(MemberUnit).where(MemberUnit.id > 0).values(status="left"),
    lambda: delete(MemberUnit),
    lambda: update(MemberUnit.__table__).values(name="批量改名"),  # the Core table, too
    lambda: delete(MemberUnit.__table__),
], ids=["update", "update-where", "delete", "core-update", "core-delete"])
def test_bulk_changes_of_audited_models_are_refused(alliance, db, statement):
    unit = factories.make_unit(alliance, "某单位")
    before = _entries(db)
    with pytest.raises(UnauditedBulkChange, match="audit trail"):
        db.session.execute(statement())
    db.session.rollback()
    assert db.session.get(MemberUnit, unit.id).name == "某单位"
    assert _entries(db) == before


def test_legacy_query_update_and_delete_are_refused(alliance, db):
    factories.make_unit(alliance, "某单位")
    with pytest.raises(UnauditedBulkChange):
        db.session.query(MemberUnit).update({"name": "批量改名"})
    db.session.rollback()
    with pytest.raises(UnauditedBulkChange):
        db.session.query(MemberUnit).filter(MemberUnit.name == "某单位").delete()
    db.session.rollback()


@pytest.mark.parametrize("statement", [
    lambda: update(AuditEntry).values(summary="篡改"),
    lambda: delete(AuditEntry),
    lambda: update(AuditEntry).values(summary="篡改").execution_options(**{BULK_UNAUDITED: True}),
], ids=["update", "delete", "update-with-opt-out"])
def test_the_audit_trail_cannot_be_changed_in_bulk(alliance, db, statement):
    factories.make_unit(alliance, "某单位")
    entry = db.session.scalars(select(AuditEntry)).first()
    with pytest.raises(UnauditedBulkChange, match="audit entries"):
        db.session.execute(statement())
    db.session.rollback()
    assert db.session.get(AuditEntry, entry.id).summary != "篡改"


def test_unaudited_tables_and_a_declared_opt_out_still_work(alliance, db):
    unit = factories.make_unit(alliance, "某单位")
    db.session.execute(delete(LoginAttempt))  # bookkeeping, not audited
    db.session.execute(update(MemberUnit).values(short_name="某").execution_options(**{BULK_UNAUDITED: True}))
    db.session.commit()
    assert db.session.get(MemberUnit, unit.id).short_name == "某"


def test_update_each_changes_records_one_by_one_with_the_trail(alliance, db):
    units = [factories.make_unit(alliance, name) for name in ("甲单位", "乙单位", "丙单位")]
    units[2].status = "left"
    db.session.commit()
    before = _entries(db)
    assert update_each(units, {"status": "left"}) == 2
    db.session.commit()
    assert {u.status for u in units} == {"left"} and {u.version for u in units[:2]} == {2}
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.id > 0).order_by(AuditEntry.id.desc())
                                 .limit(2)).all()
    assert _entries(db) == before + 2
    assert {e.record_id for e in entries} == {units[0].id, units[1].id}
    assert all(e.action == "update" and e.changes["status"] == ["active", "left"] for e in entries)
