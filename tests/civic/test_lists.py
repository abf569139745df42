"""The events and hours lists read rows (issue 7): the same items, labels and scope as the
records' own pages."""
from __future__ import annotations

import pytest

from alliance.audit.context import acting_as
from alliance.civic import services as s
from alliance.civic.models import CivicEventPhoto
from alliance.core.types import utcnow
from alliance.extensions import db
from tests.civic.conftest import at
from tests.factories import SETUP


def _photo(event, position: int, name: str, deleted: bool = False) -> CivicEventPhoto:
    photo = CivicEventPhoto(alliance_id=event.alliance_id, event_id=event.id, position=position,
                            stored_name=f"{name}-{event.id}.jpg", original_name=f"{name}.jpg",
                            content_type="image/jpeg", size_bytes=1000 + position, width=10, height=10,
                            deleted_at=utcnow() if deleted else None)
    db.session.add(photo)
    return photo


@pytest.fixture
def events(world, civic):
    with acting_as(SETUP):
        by_team = s.save_event(world.staff, {
            "title": "队办", "venue_id": civic.station_a.id, "organizer_kind": "team",
            "organizer_team_id": civic.team_a.id, "starts_at": at("2021-03-01", "09:00"),
            "ends_at": at("2021-03-01", "10:00"), "audience": 12})
        by_unit = s.save_event(world.staff, {
            "title": "单位办", "venue_id": civic.space_b.id, "organizer_kind": "unit",
            "organizer_unit_id": world.unit_b.id, "starts_at": at("2021-03-02", "09:00"),
            "ends_at": at("2021-03-02", "10:00")})
        _photo(by_team, 2, "二")
        _photo(by_team, 1, "一")
        _photo(by_team, 3, "删", deleted=True)
        db.session.commit()
    return by_team, by_unit


def test_api_event_list_items_are_the_events_own_bodies(api_as, world, civic, events):
    api = api_as(world.staff)
    body = api.get("/api/v1/civic-events?per_page=2").json
    assert body["total"] == 4 and [item["title"] for item in body["items"]] == ["单位办", "队办"]
    for page in (1, 2):
        for item in api.get(f"/api/v1/civic-events?page={page}&per_page=2").json["items"]:
            assert item == api.get(f"/api/v1/civic-events/{item['id']}").json
    by_team = api.get(f"/api/v1/civic-events/{events[0].id}").json
    assert by_team["organizer_label"] == "益梅书法沙龙" and by_team["venue_name"] == "甲实践站"
    assert [p["original_name"] for p in by_team["photos"]] == ["一.jpg", "二.jpg"]
    assert api.get(f"/api/v1/civic-events/{events[1].id}").json["organizer_label"] == world.unit_b.name
    filtered = api.get(f"/api/v1/civic-events?venue_id={civic.space_b.id}").json
    assert sorted(item["title"] for item in filtered["items"]) == ["乙活动", "单位办"]
    # a liaison lists their unit's events only
    mine = api_as(world.liaison_a).get("/api/v1/civic-events").json
    assert sorted(item["title"] for item in mine["items"]) == ["写春联", "队办"] and mine["total"] == 2


def test_events_page_shows_venue_organizer_and_live_photos(sign_in, world, civic, events):
    page = sign_in(world.staff).get("/civic/events").get_data(as_text=True)
    row = page.split(f'id="event-row-{events[0].id}"')[1].split("</tr>")[0]
    assert "甲实践站" in row and "益梅书法沙龙" in row and "2张" in row and "12" in row
    assert f'href="/civic/events/{events[0].id}"' in row
    row = page.split(f'id="event-row-{events[1].id}"')[1].split("</tr>")[0]
    assert world.unit_b.name in row and "0张" in row and "—" in row
    row = page.split(f'id="event-row-{civic.event_b.id}"')[1].split("</tr>")[0]
    assert row.count("中环科技园益空间") == 2  # organized by its venue
    liaison = sign_in(world.liaison_a).get("/civic/events").get_data(as_text=True)
    assert f'id="event-row-{events[0].id}"' in liaison and f'id="event-row-{events[1].id}"' not in liaison


@pytest.fixture
def records(world, civic, events):
    from decimal import Decimal
    with acting_as(SETUP):
        other = s.save_volunteer(world.staff, {"name": "李志愿", "mobile": "13900002222"})
        made = [s.record_hours(world.staff, {"event_id": event.id, "volunteer_id": volunteer.id,
                                             "hours": Decimal("1.0"), "role": "讲解"})
                for event, volunteer in ((civic.event_a, civic.volunteer), (civic.event_b, other),
                                         (events[0], civic.volunteer), (events[1], other))]
        s.verify_record(world.staff, made[0], version=made[0].version, verifier="工作人员")
        made[3].deleted_at = utcnow()
        db.session.commit()
    return made


def test_api_record_list_items_are_the_records_own_bodies_and_counted_exactly(api_as, world, civic, records):
    api = api_as(world.staff)
    listed = []
    for page in (1, 2, 3, 4):
        body = api.get(f"/api/v1/service-records?page={page}&per_page=1").json
        assert body["total"] == 3, page  # a full page counts; the deleted record is not one
        listed += body["items"]
    assert [item["id"] for item in listed] == [records[2].id, records[1].id, records[0].id]
    for item in listed:
        assert item == api.get(f"/api/v1/service-records/{item['id']}").json
    assert api.get("/api/v1/service-records?per_page=2&page=2").json["total"] == 3  # not full: the last
    verified = api.get("/api/v1/service-records?status=verified&per_page=1").json
    assert verified["total"] == 1 and verified["items"][0]["id"] == records[0].id
    by_event = api.get(f"/api/v1/service-records?event_id={civic.event_b.id}").json
    assert [item["id"] for item in by_event["items"]] == [records[1].id]
    mine = api_as(world.liaison_a).get("/api/v1/service-records?per_page=1").json
    assert mine["total"] == 2 and mine["items"][0]["id"] == records[2].id


def test_hours_page_shows_volunteer_event_and_status(sign_in, world, civic, events, records):
    page = sign_in(world.staff).get("/civic/hours").get_data(as_text=True)
    table = page.split('id="hours-table"')[1]
    assert table.count("<tr>") == 4  # the head and three live records
    assert f'href="/civic/events/{events[0].id}">队办</a>' in table and "李志愿" in table
    assert "已核实" in table and table.count("待核实") == 2 and "2021年3月1日" in table
    entered = sign_in(world.staff).get("/civic/hours?status=entered").get_data(as_text=True)
    assert entered.split('id="hours-table"')[1].count("<tr>") == 3


def test_venues_page_shows_the_tree_with_kinds_and_hosts(sign_in, world, civic):
    with acting_as(SETUP):
        hosted = s.save_venue(world.staff, {"kind": "neighbourhood", "name": "丙邻里中心", "parent_id": civic.centre.id,
                                            "host_name": "丙社区", "address": "丙路1号"})
        db.session.commit()
    page = sign_in(world.liaison_b).get("/civic/venues").get_data(as_text=True)
    tree = page.split('id="venue-tree"')[1].split("</ul>")[0]
    assert tree.index(f'id="venue-{civic.centre.id}"') < tree.index(f'id="venue-{civic.space_b.id}"') \
        < tree.index(f'id="venue-{civic.station_a.id}"') < tree.index(f'id="venue-{hosted.id}"')
    item = tree.split(f'id="venue-{civic.station_a.id}"')[1].split("</li>")[0]
    assert "实践站" in item and f"承办：{world.unit_a.name}" in item and f"?venue_id={civic.station_a.id}" in item
    item = tree.split(f'id="venue-{hosted.id}"')[1].split("</li>")[0]
    assert "丙路1号 · 承办：丙社区" in item and f'style="padding-left: 2.0rem" id="venue-{hosted.id}"' in tree
    item = tree.split(f'id="venue-{civic.centre.id}"')[1].split("</li>")[0]
    assert "承办" not in item and f'style="padding-left: 0.75rem" id="venue-{civic.centre.id}"' in tree
