"""The meetings' main pages read the same SQL statements for one row as for several."""
from __future__ import annotations

from datetime import timedelta

from alliance.audit.context import acting_as
from alliance.extensions import db
from alliance.meetings import services
from tests.factories import SETUP, make_person
from tests.meetings import START, make_setup, meeting_body

URL = "/api/v1/meetings"


def _more_meetings(world, s, n: int = 4) -> None:
    """``n`` more meetings, each with its own chair, recorder and host unit."""
    with acting_as(SETUP):
        for i in range(n):
            chair = make_person(world.alliance, f"主持{i}")
            recorder = make_person(world.alliance, f"记录{i}")
            starts = START + timedelta(days=i + 1)
            services.create_meeting(meeting_body(
                title=f"第{i}次联席会", starts_at=starts, ends_at=starts + timedelta(hours=2),
                chair_id=chair.id, recorder_id=recorder.id,
                host_unit_id=(world.unit_a if i % 2 else world.unit_b).id), alliance_id=world.alliance.id)
        db.session.commit()


def test_the_api_meeting_list_reads_the_same_statements_for_one_row_or_many(world, api_as, count_queries):
    """Host unit, chair and recorder come with the page, not one query per meeting."""
    s = make_setup(world, chair_id=None)
    with acting_as(SETUP):
        services.update_meeting(s.meeting, {"chair_id": s.xu.id, "recorder_id": s.gu.id,
                                            "host_unit_id": world.unit_a.id}, version=s.meeting.version)
        db.session.commit()
    api = api_as(world.staff)
    api.get(URL)
    with count_queries() as one:
        assert api.get(URL).get_json()["total"] == 1
    _more_meetings(world, s)
    with count_queries() as many:
        body = api.get(URL).get_json()
    assert body["total"] == 5 and many.count == one.count, many.statements
    last = body["items"][-1]
    assert (last["chair_name"], last["recorder_name"], last["host_unit_name"]) == \
        ("徐虹", "顾非非", world.unit_a.name)
    assert body["items"][0]["chair_name"] == "主持3" and body["items"][0]["recorder_name"] == "记录3"


def test_the_meeting_list_page_reads_the_same_statements_for_one_row_or_many(world, sign_in, count_queries):
    s = make_setup(world)
    client = sign_in(world.staff)
    client.get("/meetings")
    with count_queries() as one:
        assert client.get("/meetings").status_code == 200
    _more_meetings(world, s)
    with count_queries() as many:
        page = client.get("/meetings").get_data(as_text=True)
    assert many.count == one.count, many.statements
    assert "第3次联席会" in page and s.meeting.title in page


def test_the_meeting_page_reads_the_same_statements_for_one_item_or_many(world, sign_in, count_queries):
    """Agenda, speeches, new members and decisions: one statement whatever their number."""
    s = make_setup(world)
    with acting_as(SETUP):
        services.add_agenda_item(s.meeting, {"title": "通报工作", "presenter_id": None})
        db.session.commit()
    client = sign_in(world.staff)
    url = f"/meetings/{s.meeting.id}"
    client.get(url)
    with count_queries() as one:
        assert client.get(url).status_code == 200
    with acting_as(SETUP):
        for n in range(3):
            services.add_agenda_item(s.meeting, {"title": f"议程{n}", "presenter_id": s.xu.id,
                                                 "presenter_note": "党委书记"})
            services.add_speech(s.meeting, {"unit_id": world.unit_a.id, "speaker_id": s.xu.id,
                                            "topic": f"发言{n}"})
            services.add_action_item(s.meeting, {"decision": f"决定{n}", "owner_unit_id": world.unit_b.id})
        services.admit_unit(s.meeting, world.unit_b.id)
        db.session.commit()
    with count_queries() as many:
        page = client.get(url).get_data(as_text=True)
    assert many.count == one.count, many.statements
    assert page.index("通报工作") < page.index("议程0") < page.index("议程2")
    assert "议程1（徐虹，党委书记）" in page and f"{world.unit_a.name} 徐虹：发言2" in page
    assert page.count(f"· {world.unit_b.name}") == 3 and "决定2" in page and page.count("办结</button>") == 3


def test_the_attendance_lists_read_the_same_statements_for_one_invitee_or_many(world, sign_in, api_as,
                                                                               count_queries):
    """Person, unit and substitute names come with the page; each row's form posts to its own
    attendance."""
    s = make_setup(world)
    client, api = sign_in(world.staff), api_as(world.staff)
    page, url = f"/meetings/{s.meeting.id}/attendance", f"{URL}/{s.meeting.id}/attendance"
    with acting_as(SETUP):  # one of the two invitees present: the list of the present has one row
        services.mark_attendance(s.meeting, s.xu.id, "present")
        db.session.commit()
    client.get(page + "?status=present")
    api.get(url + "?status=present")
    with count_queries() as one_page:
        assert client.get(page + "?status=present").get_data(as_text=True).count("<tr><td>") == 1
    with count_queries() as one_api:
        assert api.get(url + "?status=present").get_json()["total"] == 1
    with acting_as(SETUP):
        services.mark_attendance(s.meeting, s.gu.id, "present")
        for n in range(3):
            person = make_person(world.alliance, f"来宾{n}")
            services.invite_person(s.meeting, person.id, "observe")
            services.mark_attendance(s.meeting, person.id, "present")
        db.session.commit()
    with count_queries() as many_page:
        html = client.get(page + "?status=present").get_data(as_text=True)
    with count_queries() as many_api:
        body = api.get(url + "?status=present").get_json()
    assert many_page.count == one_page.count, many_page.statements
    assert many_api.count == one_api.count, many_api.statements
    assert body["total"] == 5 and {i["person_name"] for i in body["items"]} >= {"徐虹", "顾非非", "来宾2"}
    assert html.count("<tr><td>") == 5 and "来宾1" in html
    for item in body["items"]:
        assert f'action="/meetings/{s.meeting.id}/attendance/{item["id"]}/mark"' in html
