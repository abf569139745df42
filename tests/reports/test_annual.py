"""The annual report (issue 14, item 1): figures computed from the records, scoped, in a bounded
number of queries; zeros for an empty year, 422 for a future year or one before 2000; the page
links each figure to its records; the Word document and the workbook open."""
from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from alliance.audit.context import acting_as
from alliance.extensions import db
from tests.factories import SETUP, make_person, make_unit


def _add(*records):
    with acting_as(SETUP):
        db.session.add_all(records)
        db.session.commit()
    return records[0] if len(records) == 1 else records


def _records(world, year: int = 2021, scale: int = 1):
    """A year of records: units joined, a held meeting with attendance, projects, activities,
    civic events with hours, a drive. ``scale`` multiplies the rows (for the query count)."""
    from alliance.activities.models import Activity
    from alliance.civic.models import CivicEvent, ItemLedger, LedgerEntry, ServiceRecord, Venue, Volunteer
    from alliance.lists.models import ListCategory, Project
    from alliance.lists.services import seed_categories
    from alliance.meetings.models import Attendance, Meeting

    alliance, unit = world.alliance, world.unit_a
    aid = alliance.id
    with acting_as(SETUP):
        seed_categories(aid)
        db.session.commit()
    category = db.session.scalar(db.select(ListCategory).where(
        ListCategory.alliance_id == aid, ListCategory.kind == "project", ListCategory.name == "党建共建"))
    new_units = [make_unit(alliance, joined_on=date(year, 1, 21)) for _ in range(2 * scale)]
    start = datetime(year, 3, 1, 2, tzinfo=UTC)
    meeting = _add(Meeting(alliance_id=aid, kind="joint", title="联席会", starts_at=start,
                           ends_at=start + timedelta(hours=2), status="held", signin_key=f"k{year}{scale}"))
    people = [make_person(alliance, f"参会{n}") for n in range(4 * scale)]
    _add(*[Attendance(alliance_id=aid, meeting_id=meeting.id, person_id=p.id, unit_id=unit.id,
                      status="present" if n % 4 else "absent", reply="coming") for n, p in enumerate(people)])
    _add(*[Project(alliance_id=aid, title=f"项目{n}", category_id=category.id, stage="closed" if n % 2 else "proposed",
                   starts_on=date(year, 5, 1), people_served=10 if n % 2 else None) for n in range(4 * scale)])
    _add(*[Activity(alliance_id=aid, unit_id=(unit if n % 3 else world.unit_b).id, occurred_on=date(year, 6, 1),
                    kind="joint_activity", title=f"活动{n}") for n in range(6 * scale)])
    station, space, idle = _add(Venue(alliance_id=aid, kind="station", name=f"实践站{year}{scale}"),
                                Venue(alliance_id=aid, kind="public_space", name=f"益空间{year}{scale}"),
                                Venue(alliance_id=aid, kind="station", name=f"空闲站{year}{scale}"))
    volunteer = _add(Volunteer(alliance_id=aid, volunteer_no=f"ZY{year}{scale}", name="志愿者甲"))
    events = _add(*[CivicEvent(alliance_id=aid, title=f"活动{n}", venue_id=(station if n % 2 else space).id,
                               starts_at=start + timedelta(days=n), ends_at=start + timedelta(days=n, hours=2),
                               audience=100) for n in range(2 * scale)])
    _add(*[ServiceRecord(alliance_id=aid, event_id=e.id, volunteer_id=volunteer.id, hours=Decimal("2.5"))
           for e in events])
    ledger = _add(ItemLedger(alliance_id=aid, item=f"春联{scale}", in_stock=0))
    _add(LedgerEntry(alliance_id=aid, ledger_id=ledger.id, kind="made", quantity=30 * scale,
                     occurred_on=date(year, 1, 10), volunteer_count=3),
         LedgerEntry(alliance_id=aid, ledger_id=ledger.id, kind="handout", quantity=20 * scale,
                     occurred_on=date(year, 1, 15), volunteer_count=2))
    return new_units, idle


def test_the_figures_come_from_the_records(world, api_as):
    new_units, idle = _records(world)
    response = api_as(world.staff).get("/api/v1/reports/annual?year=2021")
    assert response.status_code == 200, response.get_json()
    r = response.get_json()
    # world's two units joined 2020-01-01 (factories), two more in 2021
    assert r["units"] == {"total": 4, "joined": 2, "left": 0}
    assert r["meetings"] == {"held": 1, "attendance_rate": 0.75, "invited": 4, "present": 3}
    assert r["projects"]["total"] == 4
    assert r["projects"]["by_stage"]["closed"] == 2 and r["projects"]["by_stage"]["proposed"] == 2
    assert r["projects"]["people_served"] == 20
    assert r["projects"]["by_category"][0]["name"] == "党建共建"
    assert r["civic"]["events"] == 2 and r["civic"]["audience"] == 200
    assert r["civic"]["volunteer_hours"] == 5.0
    assert [v["name"] for v in r["civic"]["venues_without_event"]] == [idle.name]
    assert r["drives"][0] | {"ledger_id": 0} == {"ledger_id": 0, "name": "春联1", "made": 30, "handed_out": 20,
                                                  "volunteers": 3, "handouts": [{"on": "2021-01-15", "quantity": 20}]}
    assert r["activities"]["total"] == 6
    assert [(u["name"], u["count"]) for u in r["activities"]["by_unit"]] == [
        (world.unit_a.name, 4), (world.unit_b.name, 2)]
    # The year before: the units joined in 2020, nothing else.
    r2020 = api_as(world.staff).get("/api/v1/reports/annual?year=2020").get_json()
    assert r2020["units"] == {"total": 2, "joined": 2, "left": 0}
    assert r2020["meetings"]["held"] == 0 and r2020["civic"]["events"] == 0


def test_other_alliances_records_are_not_counted(world, api_as):
    _records(world)
    r = api_as(world.other_admin).get("/api/v1/reports/annual?year=2021").get_json()
    assert r["units"]["total"] == 1  # its own unit
    assert r["meetings"]["held"] == 0 and r["activities"]["total"] == 0
    assert r["projects"]["total"] == 0 and r["civic"]["events"] == 0 and r["drives"] == []


def test_a_year_with_no_data_reports_zeros(world, api_as):
    r = api_as(world.admin).get("/api/v1/reports/annual?year=2005").get_json()
    assert r["year"] == 2005
    assert r["units"] == {"total": 0, "joined": 0, "left": 0}
    assert r["meetings"]["held"] == 0 and r["meetings"]["attendance_rate"] == 0.0
    assert r["projects"]["total"] == 0 and set(r["projects"]["by_stage"].values()) == {0}
    assert r["ratings"]["by_stars"] == {"5": 0, "4": 0, "3": 0}
    assert r["ratings"]["by_level"] == {"district": 0, "township": 0}
    assert {k: r["civic"][k] for k in ("events", "audience", "volunteer_hours")} == {
        "events": 0, "audience": 0, "volunteer_hours": 0.0}
    assert r["drives"] == [] and r["activities"] == {"total": 0, "by_unit": []}


@pytest.mark.parametrize("year", ["1999", "2999", "abc", ""])
def test_a_year_before_2000_or_in_the_future_is_a_422(world, api_as, year):
    from alliance.civic.services import local_today

    api = api_as(world.staff)
    for path in ("/api/v1/reports/annual", "/api/v1/reports/annual.docx", "/api/v1/reports/annual.xlsx"):
        response = api.get(f"{path}?year={year}")
        assert response.status_code == 422, (path, response.data[:200])
        assert "year" in response.get_json()["error"]["fields"]
    next_year = local_today().year + 1
    assert api.get(f"/api/v1/reports/annual?year={next_year}").status_code == 422
    assert api.get(f"/api/v1/reports/annual?year={next_year - 1}").status_code == 200


def test_future_year_message_is_chinese(world, api_as):
    body = api_as(world.staff).get("/api/v1/reports/annual?year=2999").get_json()
    assert "年度应为2000年至" in body["error"]["fields"]["year"][0]


def test_only_readers_of_every_unit_may_see_the_report(world, api_as, sign_in):
    for who, status in (("liaison_a", 403), ("organizer", 200), ("staff", 200), ("admin", 200)):
        assert api_as(world.user(who)).get("/api/v1/reports/annual?year=2021").status_code == status, who
        assert sign_in(world.user(who)).get("/reports/annual?year=2021").status_code == status, who
    assert api_as(None).get("/api/v1/reports/annual?year=2021").status_code == 401


def test_the_report_reads_a_bounded_number_of_queries(world, api_as, count_queries):
    api = api_as(world.staff)
    _records(world, 2021, scale=1)
    api.get("/api/v1/reports/annual?year=2021")  # warm: the statements are built once
    with count_queries() as small:
        assert api.get("/api/v1/reports/annual?year=2021").status_code == 200
    _records(world, 2021, scale=5)
    with count_queries() as large:
        body = api.get("/api/v1/reports/annual?year=2021").get_json()
    assert body["activities"]["total"] == 36
    assert large.count == small.count, (small.count, large.count)
    assert small.count <= 30


def test_the_page_links_every_figure_and_compares_with_the_year_before(world, sign_in):
    _records(world)
    client = sign_in(world.staff)
    response = client.get("/reports/annual?year=2021")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'href="/units?member_year=2021"' in html
    assert 'href="/units?joined_year=2021"' in html
    assert 'href="/meetings?year=2021&amp;status=held"' in html
    assert 'href="/projects/board?year=2021"' in html
    assert 'href="/ratings?year=2021&amp;stars=5"' in html
    assert "2020年" in html  # the comparison column
    assert "<svg" in html and "cdn" not in html.lower()
    # Each figure is a link: its number is inside an <a>.
    assert '>2家</a>' in html
    # The link targets list what the figure counts.
    units_page = client.get("/units?joined_year=2021").get_data(as_text=True)
    assert world.unit_a.name not in units_page
    assert client.get("/units?member_year=2020").get_data(as_text=True).count(world.unit_a.name) >= 1
    assert client.get("/projects/board?year=2021").status_code == 200


def test_the_page_refuses_a_bad_year_in_chinese(world, sign_in):
    client = sign_in(world.staff)
    for year in ("2999", "1999", "abc"):
        response = client.get(f"/reports/annual?year={year}")
        assert response.status_code == 422
        assert "年度应为2000年至" in response.get_data(as_text=True)
    assert client.get("/reports/annual").status_code == 200  # no year: this year


def test_the_word_document_holds_the_figures_and_a_chart(world, api_as):
    from docx import Document

    _records(world)
    response = api_as(world.staff).get("/api/v1/reports/annual.docx?year=2021")
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    document = Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "2021年度工作总结（数据）" in text
    assert "年末成员单位4家（当年新加入2家）" in text
    cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
    assert {"年末成员单位", "4家", "当年新加入", "2家", "75.0%", "春联1"} <= cells
    assert len(document.inline_shapes) >= 1
    image = document.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    assert document.part.related_parts[image].content_type == "image/png"


def test_the_workbook_holds_the_tables(world, api_as, db):
    from openpyxl import load_workbook

    from alliance.audit.models import AuditEntry

    _records(world)
    response = api_as(world.staff).get("/api/v1/reports/annual.xlsx?year=2021")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames[:3] == ["2021年主要指标", "项目类别", "物品台账"]
    rows = [tuple(c.value for c in row) for row in book["2021年主要指标"].iter_rows()]
    assert any(r[1] == "年末成员单位" and r[2] == 4 and r[3] == 2 for r in rows), rows[:5]
    ledger = [tuple(c.value for c in row) for row in book["物品台账"].iter_rows()]
    assert any(r[0] == "春联1" and r[1] == 30 and r[2] == 20 for r in ledger), ledger
    exports = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "export")).all()
    assert any("2021年度工作总结数据表" in (e.summary or "") for e in exports)


def test_the_openapi_document_describes_the_report(client):
    spec = client.get("/api/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/reports/annual"]["get"]
    schema = spec["components"]["schemas"]["AnnualReport"]
    assert {"year", "units", "meetings", "projects", "ratings", "civic", "drives"} <= set(schema["properties"])
    assert "422" in operation["responses"]
    assert "/api/v1/reports/annual.docx" in spec["paths"] and "/api/v1/reports/annual.xlsx" in spec["paths"]


def test_deleted_records_are_not_counted(world, api_as):
    from alliance.activities.models import Activity
    from alliance.civic.models import ServiceRecord
    from alliance.core.types import utcnow

    _records(world)
    api = api_as(world.staff)
    before = api.get("/api/v1/reports/annual?year=2021").get_json()
    with acting_as(SETUP):
        activity = db.session.scalar(db.select(Activity).where(Activity.unit_id == world.unit_b.id).limit(1))
        activity.deleted_at = utcnow()
        record = db.session.scalar(db.select(ServiceRecord).limit(1))
        record.deleted_at = utcnow()
        db.session.commit()
    after = api.get("/api/v1/reports/annual?year=2021").get_json()
    assert after["activities"]["total"] == before["activities"]["total"] - 1
    assert {u["name"]: u["count"] for u in after["activities"]["by_unit"]}[world.unit_b.name] == 1
    assert after["civic"]["volunteer_hours"] == before["civic"]["volunteer_hours"] - 2.5
