"""The API list of invitees, read as rows, dumps what ``AttendanceSchema`` dumps of ORM invitees."""
from __future__ import annotations

from sqlalchemy import select

from alliance.audit.context import acting_as
from alliance.extensions import db
from alliance.meetings import services
from alliance.meetings.models import ReplySlip
from alliance.meetings.queries import attendance_query
from alliance.meetings.schemas import AttendanceSchema
from tests.factories import SETUP
from tests.meetings import make_setup

URL = "/api/v1/meetings"


def test_the_api_attendance_rows_dump_as_orm_invitees_did(world, api_as):
    """A substitute, an invitee of no unit, a leave reason, a sign-in: every sort, filter and
    page gives the JSON the ORM invitees gave; a liaison sees only their unit's."""
    s = make_setup(world)
    with acting_as(SETUP):
        slip = db.session.scalar(select(ReplySlip).where(ReplySlip.unit_id == world.unit_a.id))
        services.answer_reply_slip(slip, [{"person_id": s.xu.id, "reply": "replaced", "substitute_id": s.li.id}])
        services.invite_person(s.meeting, s.stranger.id, "observe")  # no unit: no unit_name key
        services.mark_attendance(s.meeting, s.gu.id, "present")
        db.session.commit()
    for user in (world.staff, world.liaison_a):
        api = api_as(user)
        for sort in ("strokes", "pinyin", "unit"):
            for query in ({}, {"status": "present"}, {"unit_id": world.unit_a.id}, {"per_page": 2, "page": 2}):
                body = api.get(f"{URL}/{s.meeting.id}/attendance", query_string={"sort": sort, **query}).get_json()
                orm = db.session.scalars(attendance_query(
                    s.meeting, user, sort=sort, status=query.get("status"), unit_id=query.get("unit_id"))).all()
                start = (query.get("page", 1) - 1) * query.get("per_page", 50)
                expected = AttendanceSchema(many=True).dump(orm[start:start + query.get("per_page", 50)])
                assert body["items"] == expected, (user.username, sort, query)
                assert body["total"] == len(orm)
    staff = api_as(world.staff).get(f"{URL}/{s.meeting.id}/attendance").get_json()["items"]
    by_name = {item["person_name"]: item for item in staff}
    assert by_name["李明"]["substitute_for_name"] == "徐虹" and "unit_name" not in by_name["王五"]
    assert by_name["王五"]["unit_id"] is None and "substitute_for_name" not in by_name["徐虹"]
    own = api_as(world.liaison_a).get(f"{URL}/{s.meeting.id}/attendance").get_json()["items"]
    assert {item["person_name"] for item in own} == {"徐虹", "李明"}
