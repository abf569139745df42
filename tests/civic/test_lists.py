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
