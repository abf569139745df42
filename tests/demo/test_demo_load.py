"""``flask demo load``: the Meilong alliance from the seed articles, loaded once, through the
real services, with its accounts printed; a second run changes nothing."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from stdnum.cn import uscc as stdnum_uscc

from alliance.activities.models import ACTIVITY_KINDS, Activity
from alliance.audit.context import acting_as
from alliance.audit.models import AuditEntry
from alliance.auth.models import User
from alliance.core.errors import FieldErrors
from alliance.members.models import Alliance, MemberUnit, Person, UnitRole
from tests import factories
from tests.helpers import login

# The units seeds/000 names (the 2021-01-21 joint meeting), written out here rather than read
# from alliance/demo/data.py so a mistake there cannot hide.
NAMED = {
    "复旦大学附属儿科医院", "上海电气液压气动有限公司", "空军95958部队某营", "建设银行闵行支行",
    "上海地铁维保保障有限公司工务分公司", "上海力波", "伟巴斯车顶供暖系统(上海)有限公司",
    "地铁15号线紫竹高新区站区", "地铁1号线管理部第二党支部",
}
WELCOMED = {"上海力波", "伟巴斯车顶供暖系统(上海)有限公司", "地铁15号线紫竹高新区站区",
            "地铁1号线管理部第二党支部"}
# 镇招商中心 spoke at the forum as one of the alliance's 区域单位 (seeds/000): real, not invented.
REAL = NAMED | {"梅陇镇招商中心"}
SECRETARIES = {
    "复旦大学附属儿科医院": ("徐虹", "党委书记"),
    "空军95958部队某营": ("张轩", "党委书记、指导员"),
    "建设银行闵行支行": ("顾非非", "党委书记、行长"),
    "上海电气液压气动有限公司": ("张弋梅", "党委书记"),
    "上海地铁维保保障有限公司工务分公司": ("张俊", "党委书记"),
}
DEFAULT_PASSWORD = "Meilong-2021"
AUDITED = (Alliance, MemberUnit, Person, UnitRole, Activity, User)


def load(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def meilong(db) -> Alliance:
    return db.session.scalar(select(Alliance).where(Alliance.code == "meilong"))


def live_units(db, alliance) -> list[MemberUnit]:
    return db.session.scalars(select(MemberUnit).where(
        MemberUnit.alliance_id == alliance.id, MemberUnit.deleted_at.is_(None))
        .order_by(MemberUnit.sort_order)).all()


def current_holder(db, unit, role: str) -> UnitRole:
    return db.session.scalars(select(UnitRole).where(
        UnitRole.unit_id == unit.id, UnitRole.role == role, *UnitRole.roles_current_criteria())).one()


def counts(db) -> dict[str, int]:
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (*AUDITED, AuditEntry)}


def test_the_alliance_has_the_39_units_of_the_seed_articles(runner, db):
    load(runner)
    alliance = meilong(db)
    assert alliance.name == "梅陇镇区域化党建联盟"
    units = live_units(db, alliance)
    by_name = {unit.name: unit for unit in units}
    assert len(units) == 39
    assert [unit.sort_order for unit in units] == list(range(1, 40))
    assert set(by_name) >= NAMED
    assert {unit.name for unit in units if not unit.is_sample} == REAL  # everything else invented
    assert {name for name, unit in by_name.items() if unit.joined_on == date(2021, 1, 21)} == WELCOMED
    assert all(date(2018, 1, 1) <= unit.joined_on <= date(2020, 12, 31)
               for unit in units if unit.name not in WELCOMED)
    assert all(by_name[name].tier == "executive" for name in SECRETARIES)
    assert {unit.tier for unit in units} == {"executive", "council", "member"}
    assert {"enterprise", "hospital", "military", "bank", "metro", "school", "government",
            "social_org", "residential", "village"} <= {unit.category for unit in units}
    # No credit code is invented for a real unit; a military unit never has one.
    assert all(by_name[name].uscc is None for name in REAL)
    assert by_name["空军95958部队某营"].category == "military"
    invented_codes = [unit.uscc for unit in units if unit.uscc]
    assert invented_codes and all(stdnum_uscc.is_valid(code) for code in invented_codes)


def test_named_secretaries_hold_their_roles_and_everyone_else_is_sample(runner, db):
    load(runner)
    alliance = meilong(db)
    units = {unit.name: unit for unit in live_units(db, alliance)}
    for unit_name, (person_name, title) in SECRETARIES.items():
        role = current_holder(db, units[unit_name], "secretary")
        assert (role.person.name, role.title) == (person_name, title)
        assert role.person.is_sample is False and role.person.mobile is None
    for unit in units.values():
        liaison = current_holder(db, unit, "liaison")  # every unit has a liaison, all invented
        assert liaison.person.is_sample and liaison.person.mobile.startswith("1380000")
        current_holder(db, unit, "secretary")
    people = db.session.scalars(select(Person).where(Person.alliance_id == alliance.id)).all()
    real_people = {p.name for p in people if not p.is_sample}
    assert real_people == {"徐虹", "张轩", "顾非非", "张弋梅", "张俊", "马健", "陈冬发"}
    assert all(p.mobile is None for p in people if not p.is_sample)
    mobiles = [p.mobile for p in people if p.mobile]
    assert len(mobiles) == len(set(mobiles)) and all(m.startswith("1380000") for m in mobiles)
    # Some history: earlier secretaries (and one liaison) whose terms ended.
    ended = db.session.scalars(select(UnitRole).where(
        UnitRole.alliance_id == alliance.id, UnitRole.ended_on.is_not(None))).all()
    assert len({role.unit_id for role in ended if role.role == "secretary"}) >= 3
    assert all(role.person.is_sample for role in ended)


def test_one_account_per_role_printed_with_a_working_password(runner, db, app):
    output = load(runner)
    alliance = meilong(db)
    users = db.session.scalars(select(User).where(User.alliance_id == alliance.id)).all()
    assert {user.role for user in users} == {"admin", "staff", "organizer", "liaison"}
    liaison = next(user for user in users if user.username == "liaison")
    assert liaison.unit.name == "复旦大学附属儿科医院"
    assert liaison.display_name == current_holder(db, liaison.unit, "liaison").person.name
    assert all(user.unit_id for user in users if user.role == "liaison")
    for user in users:
        assert user.username in output and user.role_label in output
    assert "复旦大学附属儿科医院" in output and DEFAULT_PASSWORD in output
    login(app.test_client(), liaison, DEFAULT_PASSWORD)  # the printed password signs in


def test_demo_password_comes_from_the_config(runner, db, app):
    app.config["DEMO_PASSWORD"] = "Lotus-Road-88"
    output = load(runner)
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    assert admin.check_password("Lotus-Road-88")
    assert "Lotus-Road-88" in output and DEFAULT_PASSWORD not in output


def test_a_weak_demo_password_is_refused_before_anything_is_written(runner, db, app):
    app.config["DEMO_PASSWORD"] = "12345678"
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code != 0 and "DEMO_PASSWORD" in result.output
    assert counts(db) == dict.fromkeys(counts(db), 0)


def test_running_twice_changes_nothing(runner, db):
    load(runner)
    before = counts(db)
    output = load(runner)
    assert counts(db) == before
    assert "演示数据已存在" in output
    assert "liaison" in output and "admin" in output and DEFAULT_PASSWORD in output


def test_edits_and_deletions_are_not_undone_by_a_second_run(runner, db):
    """`make run` loads the demo on every start: what a user changed must stay changed."""
    from alliance.members.services import delete_unit

    load(runner)
    unit = db.session.scalar(select(MemberUnit).where(MemberUnit.name == "许泾村"))
    with acting_as(factories.SETUP):
        delete_unit(unit)
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        admin.set_password("Changed-Password-9")
        db.session.commit()
    output = load(runner)
    assert db.session.scalar(select(func.count()).select_from(MemberUnit).where(
        MemberUnit.deleted_at.is_(None))) == 38
    admin_line = next(line for line in output.splitlines() if line.strip().startswith("admin"))
    assert DEFAULT_PASSWORD not in admin_line and "已修改" in admin_line


def test_an_empty_meilong_alliance_is_filled_and_taken_usernames_left_alone(runner, db):
    alliance = factories.make_alliance()  # meilong, as `flask alliances create` would make it
    other = factories.make_alliance("hongqiao", "虹桥镇区域化党建联盟")
    taken = factories.make_user(other, "admin", "admin")
    output = load(runner)
    assert db.session.scalar(select(func.count()).select_from(Alliance)) == 2
    assert len(live_units(db, alliance)) == 39
    db.session.refresh(taken)
    assert taken.alliance_id == other.id and taken.check_password(factories.PASSWORD)
    assert "admin 已存在" in output
    assert db.session.scalar(select(User).where(User.username == "staff")).alliance_id == alliance.id


def test_a_failure_half_way_leaves_nothing_behind(runner, db, monkeypatch):
    from alliance.members import services

    real_create_unit = services.create_unit
    calls = []

    def failing(data, **kwargs):
        calls.append(data["name"])
        if len(calls) == 20:
            raise FieldErrors({"name": ["模拟的错误"]})
        return real_create_unit(data, **kwargs)

    monkeypatch.setattr(services, "create_unit", failing)
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code != 0 and "模拟的错误" in result.output
    assert counts(db) == dict.fromkeys(counts(db), 0)


def test_a_year_of_activities_for_the_demo_units(runner, db):
    load(runner)
    alliance = meilong(db)
    activities = db.session.scalars(select(Activity).where(Activity.alliance_id == alliance.id)).all()
    assert all(a.is_sample and a.kind in ACTIVITY_KINDS and a.title for a in activities)
    assert all(date(2021, 1, 1) <= a.occurred_on <= date(2021, 12, 31) for a in activities)
    assert {a.occurred_on.month for a in activities} == set(range(1, 13))
    assert set(ACTIVITY_KINDS.codes) - {a.kind for a in activities} <= {"other"}
    units = {unit.id: unit for unit in live_units(db, alliance)}
    per_unit: dict[str, list[Activity]] = {}
    for activity in activities:
        per_unit.setdefault(units[activity.unit_id].name, []).append(activity)
    assert set(per_unit) == {unit.name for unit in units.values()}  # every unit did something
    for name in NAMED:
        assert 2 <= len(per_unit[name]) <= 8, name
        assert all(a.occurred_on >= units[a.unit_id].joined_on for a in per_unit[name])
        assert any(a.occurred_on == date(2021, 1, 21) for a in per_unit[name]), name
    # Straight from seeds/000: the 15 January fair and its 200 couplets.
    fair = next(a for a in activities if a.occurred_on == date(2021, 1, 15))
    assert "写春联" in fair.title and "200副" in fair.description
    assert units[fair.unit_id].name == "中环科技园"


def test_the_same_data_on_every_run(runner, db):
    """random.Random(2021): titles and dates do not change between machines or runs."""
    load(runner)
    rows = db.session.execute(select(MemberUnit.name, Activity.occurred_on, Activity.title,
                                     Activity.participant_count)
                              .join(MemberUnit, MemberUnit.id == Activity.unit_id)
                              .order_by(Activity.id)).all()
    assert len(rows) == 115
    assert rows[0] == ("复旦大学附属儿科医院", date(2021, 1, 21), "出席梅陇镇区域化党建联盟联席会", 2)


@pytest.mark.parametrize("model", AUDITED, ids=lambda m: m.__name__)
def test_every_created_record_has_a_cli_audit_entry(runner, db, model):
    load(runner)
    ids = set(db.session.scalars(select(model.id)))
    audited = set(db.session.scalars(select(AuditEntry.record_id).where(
        AuditEntry.record_type == model.__name__, AuditEntry.action == "create",
        AuditEntry.source == "cli", AuditEntry.actor_name == "demo")))
    assert ids and ids == audited
    assert not db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.source != "cli"))


def test_production_refuses_the_published_default_password(app, runner):
    app.config["IS_PRODUCTION"] = True
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 1 and "DEMO_PASSWORD" in result.output
    app.config["DEMO_PASSWORD"] = "Another-Secret-77"
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
