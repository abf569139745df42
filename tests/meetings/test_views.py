"""Pages of meetings: Chinese messages at the field, the reply slip, sign-in page, unit page."""
from __future__ import annotations

from datetime import timedelta
from unittest import mock

from sqlalchemy import select

from alliance.meetings.models import Attendance, Meeting, ReplySlip
from tests.meetings import START, make_setup


def _form(**overrides):
    data = {"kind": "joint", "title": "联席会", "starts_at": "2021-01-21T14:00",
            "ends_at": "2021-01-21T13:00", "status": "planned"}
    data.update(overrides)
    return data


def test_end_before_start_shows_message_at_the_field(world, sign_in, db):
    client = sign_in(world.staff)
    response = client.post("/meetings/new", data=_form())
    assert response.status_code == 200
    assert "结束时间应晚于开始时间" in response.get_data(as_text=True)
    assert db.session.scalar(select(Meeting.id)) is None
    response = client.post("/meetings/new", data=_form(ends_at="2021-01-21T16:00"))
    assert response.status_code == 302


def test_meeting_page_shows_counts_and_liaison_link(world, sign_in, db):
    s = make_setup(world)
    page = sign_in(world.liaison_a).get(f"/meetings/{s.meeting.id}").get_data(as_text=True)
    assert "填写参会回执" in page and 'id="count-invited">1<' in page
    page = sign_in(world.organizer).get(f"/meetings/{s.meeting.id}").get_data(as_text=True)
    assert 'id="count-invited">2<' in page and "签到二维码" in page


def test_reply_slip_form_errors_at_field_and_success(world, sign_in, db):
    s = make_setup(world)
    slip = db.session.scalar(select(ReplySlip).where(ReplySlip.unit_id == world.unit_a.id))
    client = sign_in(world.liaison_a)
    url = f"/meetings/{s.meeting.id}/reply-slips/{slip.id}"
    assert "徐虹" in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"version": slip.version, f"reply-{s.xu.id}": "excused"})
    assert response.status_code == 200 and "请填写请假事由" in response.get_data(as_text=True)
    # The shared error summary at the top names the invitee's field and links to it.
    page = response.get_data(as_text=True)
    summary = page[page.index('id="form-error-summary"'):page.index('id="reply-slip-form"')]
    assert f'href="#reason-{s.xu.id}">徐虹 请假事由</a>：请填写请假事由' in summary
    response = client.post(url, data={"version": slip.version, f"reply-{s.xu.id}": "excused",
                                      f"reason-{s.xu.id}": "外出学习"})
    assert response.status_code == 302
    assert db.session.scalar(select(Attendance.reply).where(Attendance.person_id == s.xu.id)) == "excused"


def test_sign_in_page_needs_no_account(world, app, db):
    s = make_setup(world)
    client = app.test_client()
    url = f"/s/{s.meeting.signin_key}"
    with mock.patch("alliance.meetings.views.utcnow", return_value=START - timedelta(hours=3)):
        assert "签到尚未开始" in client.get(url).get_data(as_text=True)
    with mock.patch("alliance.meetings.views.utcnow", return_value=START), \
            mock.patch("alliance.meetings.services.utcnow", return_value=START):
        response = client.post(url, data={"name": "徐虹", "last4": "1234"})
        assert response.status_code == 422 and "未找到您的参会邀请" in response.get_data(as_text=True)
        response = client.post(url, data={"name": "徐虹", "last4": "8000"})
        assert "签到成功" in response.get_data(as_text=True)
    assert db.session.scalar(select(Attendance.status).where(Attendance.person_id == s.xu.id)) == "present"
    assert client.get("/s/not-a-key").status_code == 404


def test_qr_code_is_inline_svg(world, sign_in):
    s = make_setup(world)
    page = sign_in(world.organizer).get(f"/meetings/{s.meeting.id}/qr").get_data(as_text=True)
    assert "<svg" in page and f"/s/{s.meeting.signin_key}" in page


def test_unit_page_shows_attendance_rate(world, sign_in, db):
    from alliance.meetings import services

    s = make_setup(world)
    services.mark_attendance(s.meeting, s.xu.id, "present")
    services.update_meeting(s.meeting, {"status": "held"}, version=s.meeting.version)
    db.session.commit()
    page = sign_in(world.liaison_a).get(f"/units/{world.unit_a.id}").get_data(as_text=True)
    assert "2021年 出席 1/1 人次（100%）" in page


def test_notice_and_minutes_open_in_word(world, sign_in, db):
    import io

    from docx import Document

    from alliance.meetings import services

    s = make_setup(world)
    services.add_agenda_item(s.meeting, {"title": "镇长讲话"})
    services.add_action_item(s.meeting, {"decision": "对接三张清单", "owner_unit_id": world.unit_a.id})
    db.session.commit()
    client = sign_in(world.organizer)
    for path in ("notice.docx", "minutes.docx"):
        response = client.get(f"/meetings/{s.meeting.id}/{path}")
        assert response.status_code == 200
        document = Document(io.BytesIO(response.data))
        text = "\n".join(p.text for p in document.paragraphs)
        text += "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
        assert "镇长讲话" in text
        if path == "minutes.docx":
            assert "对接三张清单" in text and world.unit_a.name in text


def test_role_form_uses_the_people_picker_and_refuses_anothers_person(world, sign_in, db):
    s = make_setup(world)
    client = sign_in(world.liaison_a)
    page = client.get(f"/units/{world.unit_a.id}/roles/new").get_data(as_text=True)
    assert "people-picker" in page and f'<option value="{s.gu.id}"' not in page
    response = client.post(f"/units/{world.unit_a.id}/roles/new", data={
        "role": "liaison", "person_id": str(s.gu.id), "started_on": "2021-02-01"})
    assert response.status_code == 200 and "请选择本单位可选的人员" in response.get_data(as_text=True)
    response = client.post(f"/units/{world.unit_a.id}/roles/new", data={
        "role": "liaison", "person_id": str(s.li.id), "started_on": "2021-02-01"})
    assert response.status_code == 302


def test_attendance_list_pages_and_liaison_sees_own_unit_only(world, sign_in, db):
    s = make_setup(world)
    page = sign_in(world.organizer).get(f"/meetings/{s.meeting.id}/attendance?per_page=1&page=2")
    assert page.status_code == 200 and "第 2 / 2 页" in page.get_data(as_text=True)
    text = sign_in(world.liaison_a).get(f"/meetings/{s.meeting.id}/attendance").get_data(as_text=True)
    assert "徐虹" in text and "顾非非" not in text
