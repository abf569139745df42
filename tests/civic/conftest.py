from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest

from alliance.audit.context import acting_as
from alliance.core.dates import LOCAL_TZ
from alliance.extensions import db
from tests.factories import SETUP


def at(day: str, clock: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=LOCAL_TZ)


@dataclass
class Civic:
    centre: object
    station_a: object
    space_b: object
    team_a: object
    team_b: object
    project: object
    event_a: object
    event_b: object
    volunteer: object
    ledger_a: object


@pytest.fixture
def civic(world):
    from alliance.civic import services as s

    staff = world.staff
    with acting_as(SETUP):
        centre = s.save_venue(staff, {"kind": "sub_centre", "name": "梅陇镇新时代文明实践分中心"})
        station_a = s.save_venue(staff, {"kind": "station", "name": "甲实践站", "parent_id": centre.id,
                                         "unit_id": world.unit_a.id})
        space_b = s.save_venue(staff, {"kind": "public_space", "name": "中环科技园益空间", "parent_id": centre.id,
                                       "unit_id": world.unit_b.id})
        team_a = s.save_team(staff, {"name": "益梅书法沙龙", "unit_id": world.unit_a.id})
        team_b = s.save_team(staff, {"name": "乙服务队", "unit_id": world.unit_b.id})
        project = s.save_project(staff, {"name": "写春联 送祝福", "team_id": team_a.id, "festival": "spring"})
        event_a = s.save_event(staff, {"title": "写春联", "venue_id": station_a.id, "project_id": project.id,
                                       "starts_at": at("2021-01-15", "09:00"), "ends_at": at("2021-01-15", "12:00"),
                                       "audience": 200})
        event_b = s.save_event(staff, {"title": "乙活动", "venue_id": space_b.id,
                                       "starts_at": at("2021-01-15", "10:00"), "ends_at": at("2021-01-15", "11:00")})
        volunteer = s.save_volunteer(staff, {"name": "王书法", "mobile": "13900001111", "team_ids": [team_a.id]})
        ledger_a = s.create_ledger(staff, {"item": "春联和福字", "unit_id": world.unit_a.id, "project_id": project.id})
        db.session.commit()
    return Civic(centre, station_a, space_b, team_a, team_b, project, event_a, event_b, volunteer, ledger_a)
