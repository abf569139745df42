"""/api/v1/meetings: scope, errors, attendance, reply slips, exports, calendar, people picker."""
from __future__ import annotations

import csv
import io

from sqlalchemy import select

from alliance.audit.models import AuditEntry
from alliance.meetings.models import Attendance, ReplySlip
from tests.meetings import make_setup

URL = "/api/v1/meetings"


def _fields(response) -> dict:
    return response.get_json()["error"]["fields"]


def test_staff_create_meeting_end_before_start_is_422(world, api_as):
    api = api_as(world.staff)
    body = {"kind": "joint", "title": "联席会", "starts_at": "2021-01-21T14:00:00+08:00",
            "ends_at": "2021-01-21T13:00:00+08:00"}
    response = api.post(URL, json=body)
    assert response.status_code == 422
    assert _fields(response) == {"ends_at": ["结束时间应晚于开始时间"]}
    response = api.post(URL, json={**body, "ends_at": "2021-01-21T16:00:00+08:00"})
    assert response.status_code == 201
    assert response.get_json()["starts_at"].startswith("2021-01-21T06:00")


def test_liaison_of_uninvited_unit_gets_404_and_list_is_filtered(world, api_as, db):
    s = make_setup(world)
    outsider = api_as(world.liaison_b)
    # unit B is invited too (顾非非): uninvite to prove the 404
    slip = db.session.scalar(select(ReplySlip).where(ReplySlip.unit_id == world.unit_b.id))
    slip.deleted_at = slip.created_at
    db.session.commit()
    assert outsider.get(f"{URL}/{s.meeting.id}").status_code == 404
    assert outsider.get(URL).get_json()["total"] == 0
    own = api_as(world.liaison_a)
    assert own.get(URL).get_json()["total"] == 1
    names = [a["person_name"] for a in own.get(f"{URL}/{s.meeting.id}/attendance").get_json()["items"]]
    assert names == ["徐虹"]  # only their own unit's attendance details
    detail = own.get(f"{URL}/{s.meeting.id}").get_json()
    assert detail["attendance"]["invited"] == 1


def test_invite_mark_and_stale_version(world, api_as, db):
    s = make_setup(world)
    api = api_as(world.staff)
    response = api.post(f"{URL}/{s.meeting.id}/attendance", json={"person_id": s.stranger.id, "capacity": "observe"})
    assert response.status_code == 201 and response.get_json()["capacity_label"] == "列席"
    assert api.post(f"{URL}/{s.meeting.id}/attendance", json={"person_id": s.stranger.id}).status_code == 409
    response = api.patch(f"{URL}/{s.meeting.id}/attendance", json={"person_id": s.li.id, "status": "present"})
    assert response.status_code == 422 and "person_id" in _fields(response)
    response = api.patch(f"{URL}/{s.meeting.id}/attendance", json={
        "person_id": s.xu.id, "status": "present", "signed_in_at": "2021-01-21T13:50:00+08:00"})
    assert response.status_code == 200 and response.get_json()["status"] == "present"
    response = api.patch(f"{URL}/{s.meeting.id}/attendance",
                         json={"person_id": s.xu.id, "status": "absent", "version": 1})
    assert response.status_code == 409
    assert db.session.scalar(select(Attendance.status).where(Attendance.person_id == s.xu.id)) == "present"


def test_liaison_answers_own_reply_slip_not_anothers(world, api_as, db):
    s = make_setup(world)
    own_slip = db.session.scalar(select(ReplySlip).where(ReplySlip.unit_id == world.unit_a.id))
    other_slip = db.session.scalar(select(ReplySlip).where(ReplySlip.unit_id == world.unit_b.id))
    api = api_as(world.liaison_a)
    body = {"answers": [{"person_id": s.gu.id, "reply": "coming"}]}
    assert api.put(f"{URL}/{s.meeting.id}/reply-slips/{other_slip.id}", json=body).status_code == 404
    bad = {"answers": [{"person_id": s.xu.id, "reply": "replaced", "substitute_id": s.gu.id}]}
    response = api.put(f"{URL}/{s.meeting.id}/reply-slips/{own_slip.id}", json=bad)
    assert response.status_code == 422
    assert _fields(response) == {"answers.0.substitute_id": ["代会人员须为本单位的现任人员"]}
    good = {"answers": [{"person_id": s.xu.id, "reply": "replaced", "substitute_id": s.li.id}]}
    response = api.put(f"{URL}/{s.meeting.id}/reply-slips/{own_slip.id}", json=good)
    assert response.status_code == 200 and response.get_json()["status"] == "answered"


def _roster(api, meeting_id, kind, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return api.get(f"{URL}/{meeting_id}/roster.{kind}?{query}")


def test_roster_exports_order_mask_bom_and_audit(world, api_as, db):
    import openpyxl
    from pypdf import PdfReader

    s = make_setup(world)
    api_as(world.staff).post(f"{URL}/{s.meeting.id}/attendance", json={"person_id": s.stranger.id})
    api = api_as(world.organizer)
    assert _roster(api, s.meeting.id, "xlsx", sort="age").status_code == 422
    response = _roster(api, s.meeting.id, "xlsx", sort="strokes")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    names = [row[2] for row in sheet.iter_rows(min_row=6, values_only=True) if row[2]]
    assert names == ["王五", "顾非非", "徐虹"]  # 王 4 strokes; 顾 and 徐 10, 顾 starts with 横
    response = _roster(api, s.meeting.id, "xlsx", sort="pinyin")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    assert sheet.freeze_panes == "A6" and sheet.print_title_rows == "$5:$5"
    assert [row[2] for row in sheet.iter_rows(min_row=6, values_only=True) if row[2]] == ["顾非非", "王五", "徐虹"]
    response = _roster(api, s.meeting.id, "csv", full_mobiles="true")
    assert response.data.startswith(b"\xef\xbb\xbf")
    text = response.data.decode("utf-8-sig")
    assert "138****8000" in text and "13800138000" not in text  # organizers never see full numbers
    staff = api_as(world.staff)
    text = _roster(staff, s.meeting.id, "csv", full_mobiles="true").data.decode("utf-8-sig")
    assert "13800138000" in text
    rows = list(csv.reader(io.StringIO(text)))
    assert any("徐虹" in r for r in rows)
    pdf = _roster(api, s.meeting.id, "pdf", sheet="signin")
    extracted = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "徐虹" in extracted and "顾非非" in extracted and "签到表" in extracted
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).all()
    assert len(entries) == 5  # the refused one (422) is not an export
    assert entries[-1].changes["options"][1] == {"format": "pdf", "sort": "strokes", "sheet": "signin",
                                                 "full_mobiles": False}


def test_military_unit_mobiles_are_always_masked(world, api_as, db):
    s = make_setup(world)
    world.unit_a.category = "military"
    db.session.commit()
    text = _roster(api_as(world.staff), s.meeting.id, "csv", full_mobiles="true").data.decode("utf-8-sig")
    assert "138****8000" in text and "13800138000" not in text
    assert "13700002222" in text  # unit B is a bank


def test_ics_feeds_parse(world, api_as, app):
    from icalendar import Calendar

    s = make_setup(world)
    api = api_as(world.liaison_a)
    feed = Calendar.from_ical(api.get(f"{URL}.ics").data)
    events = list(feed.walk("VEVENT"))
    assert [str(e["summary"]) for e in events] == [s.meeting.title]
    assert str(feed["x-wr-calname"]).endswith("会议")
    one = Calendar.from_ical(api.get(f"{URL}/{s.meeting.id}.ics").data)
    start = one.walk("VEVENT")[0].decoded("dtstart")
    assert start.hour == 14 and str(start.tzinfo) == "Asia/Shanghai"


def test_calendar_feed_secret_can_be_revoked(world, app, db):
    from alliance.meetings import services

    make_setup(world)
    secret = services.issue_calendar_feed(world.liaison_a)
    db.session.commit()
    client = app.test_client()
    assert client.get(f"/calendar/{secret}.ics").status_code == 200
    services.revoke_calendar_feed(world.liaison_a)
    db.session.commit()
    assert client.get(f"/calendar/{secret}.ics").status_code == 404


def test_people_picker_by_name_initials_and_unit(world, api_as):
    s = make_setup(world)
    api = api_as(world.staff)

    def names(q, **extra):
        query = "&".join([f"q={q}", *(f"{k}={v}" for k, v in extra.items())])
        return [i["name"] for i in api.get(f"/api/v1/people-picker?{query}").get_json()["items"]]

    assert names("徐") == ["徐虹"]
    assert names("xh")[0] == "徐虹"
    assert set(names("儿科")) == {"徐虹", "李明"}
    assert names("", unit_id=world.unit_b.id) == ["顾非非"]
    liaison = api_as(world.liaison_a)
    items = liaison.get("/api/v1/people-picker?q=gff").get_json()["items"]
    assert items == []  # another unit's person is not theirs to see
    assert s
