"""The civic figures of a year (queries.figures, issue 11): each event's hours are the sum of its
live service records, an event without any counts with 0 hours, deleted records and events and
other years' events count for nothing, and a liaison's figures hold their unit's events only."""
from __future__ import annotations

from decimal import Decimal

from alliance.audit.context import acting_as
from alliance.civic import queries
from alliance.civic import services as s
from alliance.extensions import db
from tests.civic.conftest import at
from tests.factories import SETUP


def _hours(user, event, volunteer, hours: str):
    return s.record_hours(user, {"event_id": event.id, "volunteer_id": volunteer.id, "hours": Decimal(hours)})


def test_hours_count_live_records_only_and_a_liaison_sees_their_units(world, civic):
    staff = world.staff
    with acting_as(SETUP):
        one, two, three = (s.save_volunteer(staff, {"name": name}) for name in ("甲志愿者", "乙志愿者", "丙志愿者"))
        # event_a (unit A, January, 200 people): 3.0 live hours and a deleted record of 1.5
        _hours(staff, civic.event_a, one, "3")
        gone = _hours(staff, civic.event_a, two, "1.5")
        db.session.flush()
        s.delete_record(staff, gone, version=gone.version)
        # event_b (unit B, January, an hour long, no audience given): 0.5 hours
        _hours(staff, civic.event_b, three, "0.5")
        # a March event at unit A's station run by team A, with no service records at all
        march = s.save_event(staff, {"title": "三月活动", "venue_id": civic.station_a.id, "audience": 50,
                                     "organizer_kind": "team", "organizer_team_id": civic.team_a.id,
                                     "starts_at": at("2021-03-05", "09:00"), "ends_at": at("2021-03-05", "11:00")})
        # a deleted event with hours, and an event of the year before: neither counts
        deleted = s.save_event(staff, {"title": "撤销的活动", "venue_id": civic.station_a.id, "audience": 999,
                                       "starts_at": at("2021-04-01", "09:00"), "ends_at": at("2021-04-01", "11:00")})
        _hours(staff, deleted, one, "2")
        db.session.flush()
        s.delete_event(staff, deleted, version=deleted.version)
        earlier = s.save_event(staff, {"title": "去年的活动", "venue_id": civic.station_a.id, "audience": 7,
                                       "starts_at": at("2020-12-31", "15:00"), "ends_at": at("2020-12-31", "17:00")})
        _hours(staff, earlier, two, "1")
        db.session.commit()
    assert march.id

    every = queries.figures(staff, 2021)
    assert (every.events, every.audience, every.hours) == (3, 250, Decimal("3.5"))
    months = {m: (n, a, h) for m, n, a, h in every.by_month}
    assert months[1] == (2, 200, Decimal("3.5"))
    assert months[3] == (1, 50, Decimal(0))
    assert all(months[m] == (0, 0, Decimal(0)) for m in months if m not in (1, 3))
    assert every.by_venue == [("甲实践站", 2, 250, Decimal("3.0")), ("中环科技园益空间", 1, 0, Decimal("0.5"))]
    assert every.by_team == [("益梅书法沙龙", 1, Decimal(0))]
    assert every.by_festival == [("春节", 1, 200)]
    assert every.stations == [("甲实践站", 2)] and every.idle_stations == []

    unit_a = queries.figures(world.liaison_a, 2021)
    assert (unit_a.events, unit_a.audience, unit_a.hours) == (2, 250, Decimal("3.0"))
    assert unit_a.by_venue == [("甲实践站", 2, 250, Decimal("3.0"))]
    unit_b = queries.figures(world.liaison_b, 2021)
    assert (unit_b.events, unit_b.audience, unit_b.hours) == (1, 0, Decimal("0.5"))
    assert unit_b.by_venue == [("中环科技园益空间", 1, 0, Decimal("0.5"))]
    assert unit_b.stations == [("甲实践站", 0)] and unit_b.idle_stations == ["甲实践站"]

    before = queries.figures(staff, 2020)
    assert (before.events, before.audience, before.hours) == (1, 7, Decimal("1.0"))
