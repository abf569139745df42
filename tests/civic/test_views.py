from __future__ import annotations

import io

from openpyxl import load_workbook

from alliance.audit.context import acting_as
from alliance.civic import services as s
from alliance.extensions import db
from tests.factories import SETUP


def test_handout_on_the_event_page_lowers_the_stock(sign_in, world, civic):
    with acting_as(SETUP):
        s.add_batch(world.staff, civic.ledger_a, {"quantity": 300})
        db.session.commit()
    client = sign_in(world.liaison_a)
    page = client.get(f"/civic/events/{civic.event_a.id}")
    assert "库存 300" in page.get_data(as_text=True)
    response = client.post(f"/civic/ledgers/{civic.ledger_a.id}/handouts", data={
        "event_id": civic.event_a.id, "quantity": 200, "back": f"/civic/events/{civic.event_a.id}"},
        follow_redirects=True)
    assert "库存 100" in response.get_data(as_text=True)


def test_too_many_shows_the_message_at_the_field(sign_in, world, civic):
    client = sign_in(world.staff)
    response = client.post(f"/civic/ledgers/{civic.ledger_a.id}/handouts",
                           data={"event_id": civic.event_a.id, "quantity": 5})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "库存不足：现有0件，不能发放5件" in html and "is-invalid" in html


def test_event_form_says_when_it_ends_before_it_starts(sign_in, world, civic):
    response = sign_in(world.liaison_a).post("/civic/events/new", data={
        "title": "倒序", "venue_id": civic.station_a.id, "starts_at": "2021-02-01T10:00",
        "ends_at": "2021-02-01T09:00", "organizer_kind": "venue"})
    assert "结束时间应晚于开始时间" in response.get_data(as_text=True)


def test_pages_render_and_other_units_events_are_404(sign_in, world, civic):
    client = sign_in(world.liaison_b)
    for url in ("/civic", "/civic/venues", "/civic/menu", "/civic/events", "/civic/volunteers", "/civic/hours",
                "/civic/ledgers", "/"):
        assert client.get(url).status_code == 200, url
    assert client.get(f"/civic/events/{civic.event_a.id}").status_code == 404
    assert client.get(f"/civic/ledgers/{civic.ledger_a.id}").status_code == 404


def test_figures_and_xlsx_export(sign_in, world, civic):
    client = sign_in(world.organizer)
    html = client.get("/civic?year=2021").get_data(as_text=True)
    assert "<svg" in html and "甲实践站" in html
    response = client.get("/civic/export.xlsx?year=2021")
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["活动", "服务时长"]
    values = [c.value for row in book["活动"].iter_rows() for c in row]
    assert "写春联" in values
