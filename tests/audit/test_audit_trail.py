"""Every change writes one audit entry in the same transaction; nobody can edit the trail."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from alliance.audit.context import Actor, acting_as
from alliance.audit.models import AuditEntry
from alliance.members import services
from alliance.members.models import MemberUnit
from tests.helpers import unit_form_data


def _entries(db, record_type, record_id):
    return db.session.scalars(select(AuditEntry).where(
        AuditEntry.record_type == record_type, AuditEntry.record_id == record_id)
        .order_by(AuditEntry.id)).all()


def test_create_update_delete_restore_from_the_ui(world, sign_in, db):
    client = sign_in(world.staff)
    unit = world.unit_b
    response = client.post(f"/units/{unit.id}/edit", data=unit_form_data(unit, short_name="建行闵行"))
    assert response.status_code == 302
    client.post(f"/units/{unit.id}/delete", data={"version": str(unit.version)})
    client.post(f"/units/{unit.id}/restore", data={"version": str(unit.version)})

    entries = _entries(db, "MemberUnit", unit.id)
    assert [e.action for e in entries] == ["create", "update", "delete", "restore"]
    create, update, delete, restore = entries
    assert create.source == "system" and create.changes["name"] == [None, "建设银行闵行支行"]
    assert update.changes == {"short_name": [None, "建行闵行"]}
    assert update.actor_id == world.staff.id and update.actor_name == "staff"
    assert update.source == "ui" and update.ip_address == "127.0.0.1"
    assert update.alliance_id == world.alliance.id
    assert update.occurred_at.tzinfo is not None
    assert delete.actor_id == restore.actor_id == world.staff.id


def test_personal_data_is_masked(alliance, db):
    with acting_as(Actor(None, "tester", "cli")):
        person = services.create_person({"name": "顾非非", "mobile": "13800138000",
                                         "email": "gu@example.com"}, alliance_id=alliance.id)
        db.session.commit()
        services.update_person(person, {"mobile": "13912345678"}, version=person.version)
        db.session.commit()
    create, update = _entries(db, "Person", person.id)
    assert create.changes["mobile"] == [None, "138****8000"]
    assert create.changes["email"] == [None, "g***@example.com"]
    assert update.changes == {"mobile": ["138****8000", "139****5678"]}
    assert "13800138000" not in str(create.changes) + str(update.changes)


def test_a_rolled_back_change_leaves_no_entry(alliance, db):
    before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    services.create_unit({"name": "回滚单位", "category": "other"}, alliance_id=alliance.id)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before
    assert db.session.scalar(select(MemberUnit).where(MemberUnit.name == "回滚单位")) is None


def test_entries_cannot_be_edited_or_deleted(alliance, db):
    services.create_unit({"name": "某单位", "category": "other"}, alliance_id=alliance.id)
    db.session.commit()
    entry = db.session.scalars(select(AuditEntry)).first()
    entry.summary = "篡改"
    with pytest.raises(PermissionError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(entry)
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()


def test_cli_changes_are_attributed_to_the_cli(runner, db, alliance):
    result = runner.invoke(args=["users", "create", "wang", "--role", "staff", "--password-stdin"],
                           input="Correct-Horse-42\n")
    assert result.exit_code == 0, result.output
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.record_type == "User")).one()
    assert entry.source == "cli" and entry.actor_name == "cli" and entry.action == "create"
    assert "password_hash" not in entry.changes


def test_refused_access_is_recorded(world, sign_in, db):
    client = sign_in(world.liaison_a)
    assert client.get(f"/units/{world.unit_b.id}").status_code == 404
    assert client.get("/audit").status_code == 403
    refusals = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "access_denied")
                                  .order_by(AuditEntry.id)).all()
    assert len(refusals) == 2
    assert all(r.actor_id == world.liaison_a.id for r in refusals)
    assert f"/units/{world.unit_b.id}" in refusals[0].summary and "/audit" in refusals[1].summary


def test_staff_browse_and_filter_the_trail(world, sign_in, api_as):
    client = sign_in(world.staff)
    page = client.get("/audit?action=login").get_data(as_text=True)
    assert "登录成功" in page and "staff" in page
    page = client.get("/audit?record_type=MemberUnit").get_data(as_text=True)
    assert world.unit_a.name in page
    assert world.other_unit.name not in page  # another alliance's trail stays there
    body = api_as(world.staff).get("/api/v1/audit?record_type=MemberUnit&action=create").get_json()
    assert body["total"] == 2 and {i["summary"] for i in body["items"]} == {world.unit_a.name, world.unit_b.name}
    assert api_as(world.organizer).get("/api/v1/audit").status_code == 403
    assert sign_in(world.organizer).get("/audit").status_code == 403


def test_history_reads_in_chinese(world, sign_in):
    client = sign_in(world.staff)
    unit = world.unit_b
    client.post(f"/units/{unit.id}/edit", data=unit_form_data(unit, tier="executive", short_name="建行"))
    page = client.get(f"/units/{unit.id}").get_data(as_text=True)
    assert "层级：空 → 常务理事单位" in page and "简称：空 → 建行" in page
