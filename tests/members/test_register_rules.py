"""Rules of the register, called as plain functions."""
from __future__ import annotations

from datetime import date

import pytest

from alliance.core.errors import DuplicateRecord, FieldErrors, RuleViolation, StaleRecord
from alliance.extensions import db
from alliance.members import services
from alliance.members.models import UnitRole
from tests.factories import VALID_USCC, make_person, make_unit


def test_a_new_secretary_ends_the_old_ones_term(alliance):
    unit = make_unit(alliance, "上海电气液压气动有限公司")
    old = make_person(alliance, "张俊")
    new = make_person(alliance, "张弋梅")
    first = services.assign_role(unit, old, {"role": "secretary", "started_on": date(2018, 3, 1)})
    second = services.assign_role(unit, new, {"role": "secretary", "started_on": date(2021, 1, 1),
                                              "title": "党委书记"})
    db.session.commit()
    assert first.ended_on == date(2021, 1, 1)
    assert second.ended_on is None
    roles = db.session.scalars(db.select(UnitRole).where(UnitRole.unit_id == unit.id)).all()
    assert len(roles) == 2  # history kept, not overwritten


def test_a_secretary_cannot_start_before_the_current_one(alliance):
    unit = make_unit(alliance)
    services.assign_role(unit, make_person(alliance, "甲"), {"role": "secretary", "started_on": date(2020, 5, 1)})
    with pytest.raises(FieldErrors) as error:
        services.assign_role(unit, make_person(alliance, "乙"), {"role": "secretary", "started_on": date(2020, 1, 1)})
    assert "started_on" in error.value.fields


def test_deputy_secretaries_can_be_several(alliance):
    unit = make_unit(alliance)
    for name in ("甲", "乙"):
        services.assign_role(unit, make_person(alliance, name), {"role": "deputy_secretary",
                                                                 "started_on": date(2020, 1, 1)})
    current = db.session.scalars(db.select(UnitRole).where(UnitRole.ended_on.is_(None))).all()
    assert len(current) == 2


def test_same_person_same_role_twice_is_a_duplicate(alliance):
    unit = make_unit(alliance)
    person = make_person(alliance, "甲")
    services.assign_role(unit, person, {"role": "liaison", "started_on": date(2020, 1, 1)})
    with pytest.raises(DuplicateRecord):
        services.assign_role(unit, person, {"role": "liaison", "started_on": date(2021, 1, 1)})


@pytest.mark.parametrize("data, field", [
    ({"name": "", "category": "bank"}, "name"),
    ({"name": "甲" * 101, "category": "bank"}, "name"),
    ({"name": "甲", "category": "spaceship"}, "category"),
    ({"name": "甲", "category": "bank", "tier": "king"}, "tier"),
    ({"name": "甲", "category": "bank", "uscc": "91310112MA1GBUG23X"}, "uscc"),
    ({"name": "甲", "category": "bank", "uscc": "123"}, "uscc"),
    ({"name": "甲", "category": "bank", "uscc": 12345}, "uscc"),
    ({"name": "甲", "category": "bank", "joined_on": "2021-01-01"}, "joined_on"),
    ({"name": "甲", "category": "bank", "joined_on": date(2021, 1, 2), "left_on": date(2021, 1, 1),
      "status": "left"}, "left_on"),
    ({"name": "甲", "category": "bank", "status": "left"}, "left_on"),
    ({"name": "甲", "category": "bank", "left_on": date(2021, 1, 1)}, "status"),
    ({"name": "甲", "category": "bank", "sort_order": -1}, "sort_order"),
    ({"name": "甲", "category": "bank", "sort_order": True}, "sort_order"),
    ({"name": "甲", "category": "bank", "sort_order": "3"}, "sort_order"),
    ({"name": "甲\x00", "category": "bank"}, "name"),
])
def test_bad_unit_input_names_the_field(alliance, data, field):
    with pytest.raises(FieldErrors) as error:
        services.create_unit(data, alliance_id=alliance.id)
    assert field in error.value.fields
    message = " ".join(error.value.fields[field])
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message  # a Chinese message


def test_military_units_need_no_credit_code_and_codes_are_compacted(alliance):
    unit = services.create_unit({"name": "空军95958部队某营", "category": "military"}, alliance_id=alliance.id)
    assert unit.uscc is None
    unit = services.create_unit({"name": "甲", "category": "bank", "uscc": " 9131 0112-ma1gbug23e "},
                                alliance_id=alliance.id)
    assert unit.uscc == VALID_USCC[0]


def test_duplicates_within_an_alliance_only(world):
    with pytest.raises(DuplicateRecord) as error:
        services.create_unit({"name": world.unit_a.name, "category": "bank"}, alliance_id=world.alliance.id)
    assert "name" in error.value.fields
    with pytest.raises(DuplicateRecord) as error:
        services.create_unit({"name": "新单位", "category": "bank", "uscc": VALID_USCC[0]},
                             alliance_id=world.alliance.id)
    assert "uscc" in error.value.fields
    # The same name in another alliance is fine.
    services.create_unit({"name": world.unit_a.name, "category": "hospital"}, alliance_id=world.other_alliance.id)


def test_deleted_name_can_be_reused_but_then_not_restored(world):
    unit = world.unit_b
    services.delete_unit(unit)
    db.session.commit()
    services.create_unit({"name": unit.name, "category": "bank"}, alliance_id=world.alliance.id)
    db.session.commit()
    with pytest.raises(DuplicateRecord):
        services.restore_unit(unit)


def test_stale_version_changes_nothing(world):
    unit = world.unit_a
    old_version = unit.version
    services.update_unit(unit, {"short_name": "儿科医院"}, version=old_version)
    db.session.commit()
    with pytest.raises(StaleRecord):
        services.update_unit(unit, {"short_name": "别的"}, version=old_version)
    db.session.rollback()
    db.session.refresh(unit)
    assert unit.short_name == "儿科医院" and unit.version == old_version + 1


def test_concurrent_writer_is_caught_by_the_version_column(world, app):
    """Two sessions read version N; the second write finds the row changed under it."""
    from sqlalchemy.orm import Session
    from sqlalchemy.orm.exc import StaleDataError

    unit_id = world.unit_a.id
    with Session(db.engine) as first, Session(db.engine) as second:
        a = first.get(type(world.unit_a), unit_id)
        b = second.get(type(world.unit_a), unit_id)
        a.short_name = "甲"
        first.commit()
        b.short_name = "乙"
        with pytest.raises(StaleDataError):
            second.commit()


def test_liaison_fields_are_limited(world):
    unit = world.unit_a
    services.update_unit(unit, {"tier": "executive", "phone": "021-64000000", "name": "改名"},
                         version=unit.version, allowed_fields=services.LIAISON_UNIT_FIELDS)
    assert unit.phone == "021-64000000" and unit.tier is None and unit.name == "复旦大学附属儿科医院"


def test_people_validation_and_duplicate_mobile(alliance):
    with pytest.raises(FieldErrors) as error:
        services.create_person({"name": "甲", "mobile": "12345678901", "email": "not-an-email"},
                               alliance_id=alliance.id)
    assert set(error.value.fields) == {"mobile", "email"}
    services.create_person({"name": "甲", "mobile": "138-0013-8000"}, alliance_id=alliance.id)
    with pytest.raises(DuplicateRecord):
        services.create_person({"name": "乙", "mobile": "13800138000"}, alliance_id=alliance.id)


def test_a_person_with_a_current_role_cannot_be_deleted(alliance):
    unit = make_unit(alliance)
    person = make_person(alliance, "甲")
    services.assign_role(unit, person, {"role": "head", "started_on": date(2020, 1, 1)})
    with pytest.raises(RuleViolation):
        services.delete_person(person)
