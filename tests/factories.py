"""Factories that build real records through the real services (and so the audit trail)."""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

from alliance.audit.context import Actor, acting_as
from alliance.auth.models import User
from alliance.auth.services import create_user
from alliance.extensions import db
from alliance.members import services as members
from alliance.members.models import Alliance, MemberUnit, Person

PASSWORD = "Meilong#2021-test"
SETUP = Actor(user_id=None, name="test-setup", source="system")
_counter = itertools.count(1)

# USCCs with a correct check character (generated with stdnum's calc_check_digit).
VALID_USCC = ["91310112MA1GBUG23E", "91310000132149237G", "123100004250061179"]


def _commit(make):
    with acting_as(SETUP):
        record = make()
        db.session.commit()
    return record


def make_alliance(code: str = "meilong", name: str = "梅陇镇区域化党建联盟") -> Alliance:
    return _commit(lambda: _add(Alliance(code=code, name=name)))


def _add(record):
    db.session.add(record)
    db.session.flush()
    return record


def make_unit(alliance: Alliance, name: str | None = None, **fields) -> MemberUnit:
    data = {"name": name or f"测试单位{next(_counter)}", "category": "enterprise",
            "joined_on": date(2020, 1, 1), **fields}
    return _commit(lambda: members.create_unit(data, alliance_id=alliance.id))


def make_person(alliance: Alliance, name: str = "张三", **fields) -> Person:
    return _commit(lambda: members.create_person({"name": name, **fields}, alliance_id=alliance.id))


def make_user(alliance: Alliance, role: str, username: str | None = None,
              unit: MemberUnit | None = None, password: str = PASSWORD) -> User:
    username = username or f"{role}{next(_counter)}"
    data = {"username": username, "display_name": username, "role": role,
            "unit_id": unit.id if unit else None, "password": password}
    return _commit(lambda: create_user(data, alliance_id=alliance.id))


@dataclass
class World:
    alliance: Alliance
    unit_a: MemberUnit
    unit_b: MemberUnit
    admin: User
    staff: User
    organizer: User
    liaison_a: User
    liaison_b: User
    other_alliance: Alliance
    other_unit: MemberUnit
    other_admin: User

    def user(self, who: str) -> User:
        return getattr(self, who)


def make_world() -> World:
    alliance = make_alliance()
    unit_a = make_unit(alliance, "复旦大学附属儿科医院", category="hospital", uscc=VALID_USCC[0])
    unit_b = make_unit(alliance, "建设银行闵行支行", category="bank")
    other = make_alliance("hongqiao", "虹桥镇区域化党建联盟")
    other_unit = make_unit(other, "虹桥某单位")
    return World(
        alliance=alliance, unit_a=unit_a, unit_b=unit_b,
        admin=make_user(alliance, "admin", "admin"),
        staff=make_user(alliance, "staff", "staff"),
        organizer=make_user(alliance, "organizer", "organizer"),
        liaison_a=make_user(alliance, "liaison", "liaison_a", unit=unit_a),
        liaison_b=make_user(alliance, "liaison", "liaison_b", unit=unit_b),
        other_alliance=other, other_unit=other_unit,
        other_admin=make_user(other, "admin", "other_admin"),
    )
