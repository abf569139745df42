from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from alliance.audit.context import acting_as
from alliance.civic import services as s
from alliance.extensions import db
from tests.factories import SETUP


@pytest.fixture
def stocked(world, civic):
    with acting_as(SETUP):
        s.add_batch(world.staff, civic.ledger_a, {"quantity": 300})
        db.session.commit()
    return civic


def test_ledger_reads_made_handed_out_in_stock(api_as, world, stocked):
    api = api_as(world.liaison_a)
    response = api.post(f"/api/v1/item-ledgers/{stocked.ledger_a.id}/handouts",
                        json={"quantity": 200, "event_id": stocked.event_a.id, "volunteer_count": 2})
    assert response.status_code == 201, response.json
    body = api.get(f"/api/v1/item-ledgers/{stocked.ledger_a.id}").json
    assert {k: body[k] for k in ("made", "handed_out", "in_stock")} == {"made": 300, "handed_out": 200, "in_stock": 100}


def test_handout_beyond_stock_is_422_with_a_chinese_message(api_as, world, stocked):
    response = api_as(world.staff).post(f"/api/v1/item-ledgers/{stocked.ledger_a.id}/handouts",
                                        json={"quantity": 301, "event_id": stocked.event_a.id})
    assert response.status_code == 422
    assert response.json["error"]["fields"]["quantity"] == ["库存不足：现有300件，不能发放301件"]


def test_another_units_liaison_gets_404(api_as, world, stocked):
    api = api_as(world.liaison_b)
    assert api.get(f"/api/v1/item-ledgers/{stocked.ledger_a.id}").status_code == 404
    assert api.get(f"/api/v1/civic-events/{stocked.event_a.id}").status_code == 404
    assert api.post(f"/api/v1/item-ledgers/{stocked.ledger_a.id}/handouts",
                    json={"quantity": 1, "event_id": stocked.event_a.id}).status_code == 404
    # naming unit A's venue in a new event is 404 too
    response = api.post("/api/v1/civic-events", json={
        "title": "越界", "venue_id": stocked.station_a.id,
        "starts_at": "2021-02-01T09:00:00", "ends_at": "2021-02-01T10:00:00"})
    assert response.status_code == 404
    assert api.get("/api/v1/item-ledgers").json["total"] == 0


def test_event_ending_before_start_is_422(api_as, world, civic):
    response = api_as(world.liaison_a).post("/api/v1/civic-events", json={
        "title": "倒序", "venue_id": civic.station_a.id,
        "starts_at": "2021-02-01T10:00:00+08:00", "ends_at": "2021-02-01T09:00:00+08:00"})
    assert response.status_code == 422
    assert response.json["error"]["fields"]["ends_at"] == ["结束时间应晚于开始时间"]


def test_hours_and_certificate_pdf(api_as, world, civic):
    api = api_as(world.liaison_a)
    response = api.post("/api/v1/service-records", json={"event_id": civic.event_a.id,
                                                          "volunteer_id": civic.volunteer.id, "hours": 4})
    assert response.status_code == 422
    assert response.json["error"]["fields"]["hours"] == ["服务时长不能超过活动时长（3.0小时）"]
    record = api.post("/api/v1/service-records", json={"event_id": civic.event_a.id,
                                                        "volunteer_id": civic.volunteer.id, "hours": 2.5}).json
    url = f"/api/v1/volunteers/{civic.volunteer.id}/certificate.pdf"
    assert api.get(url).status_code == 409  # not verified yet
    assert api.post(f"/api/v1/service-records/{record['id']}/verify?version={record['version']}").status_code == 200
    response = api.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "王书法" in text and "2.5" in text and "WMSJ" in text and civic.volunteer.volunteer_no in text
    assert api.get(f"/api/v1/volunteers/{civic.volunteer.id}").json["verified_hours"] == 2.5
    assert api_as(world.liaison_b).get(url).status_code == 404


def test_order_flow_over_the_api(api_as, world, civic):
    liaison = api_as(world.liaison_b)
    order = liaison.post("/api/v1/service-orders",
                         json={"project_id": civic.project.id, "venue_id": civic.space_b.id}).json
    bad = liaison.post(f"/api/v1/service-orders/{order['id']}/actions", json={"action": "rate", "rating": 5,
                                                                              "version": order["version"]})
    assert bad.status_code == 409 and "不能改为" in bad.json["error"]["message"]
    done = api_as(world.staff).post(f"/api/v1/service-orders/{order['id']}/actions",
                                    json={"action": "assign", "team_id": civic.team_a.id, "version": order["version"]})
    assert done.status_code == 200 and done.json["status"] == "assigned"


def test_duplicate_volunteer_is_409(api_as, world, civic):
    response = api_as(world.staff).post("/api/v1/volunteers", json={"name": "王书法", "mobile": "13900001111"})
    assert response.status_code == 409
    assert "mobile" in response.json["error"]["fields"]


def test_festivals_of_a_year(api_as, world):
    body = api_as(world.organizer).get("/api/v1/service-festivals?year=2022").json
    assert [d["date"] for d in body if d["code"] == "laba"] == ["2022-01-10", "2022-12-30"]
