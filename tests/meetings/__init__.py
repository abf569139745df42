"""Helpers of the meetings tests: a meeting with invitees at units A and B."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from alliance.audit.context import acting_as
from alliance.core.dates import LOCAL_TZ
from alliance.extensions import db
from alliance.meetings import services
from alliance.members import services as members
from tests.factories import SETUP, make_person

START = datetime(2021, 1, 21, 14, 0, tzinfo=LOCAL_TZ)


@dataclass
class Setup:
    meeting: object
    xu: object      # secretary of unit A (invited)
    li: object      # liaison of unit A, not invited (a substitute)
    gu: object      # secretary of unit B (invited)
    stranger: object  # a person of no unit


def meeting_body(**overrides) -> dict:
    body = {"kind": "joint", "title": "梅陇镇区域化党建联盟联席会", "theme": "精准助力梅陇发展",
            "starts_at": START, "ends_at": START + timedelta(hours=2), "venue": "上海力波展示中心"}
    body.update(overrides)
    return body


def make_setup(world, **overrides) -> Setup:
    xu = make_person(world.alliance, "徐虹", mobile="13800138000")
    li = make_person(world.alliance, "李明", mobile="13900001111")
    gu = make_person(world.alliance, "顾非非", mobile="13700002222")
    stranger = make_person(world.alliance, "王五", mobile="13600003333")
    with acting_as(SETUP):
        members.assign_role(world.unit_a, xu, {"role": "secretary", "started_on": date(2020, 1, 1),
                                               "title": "党委书记"})
        members.assign_role(world.unit_a, li, {"role": "deputy_secretary", "started_on": date(2020, 1, 1)})
        members.assign_role(world.unit_b, gu, {"role": "secretary", "started_on": date(2020, 1, 1)})
        meeting = services.create_meeting(meeting_body(**overrides), alliance_id=world.alliance.id)
        services.invite_person(meeting, xu.id, "attend")
        services.invite_person(meeting, gu.id, "speak")
        db.session.commit()
    return Setup(meeting, xu, li, gu, stranger)
