"""Rules of meetings: times, invitations, reply slips, attendance, admissions, action items,
phone sign-in, visibility."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from alliance.audit.context import acting_as
from alliance.audit.models import AuditEntry
from alliance.core.errors import DuplicateRecord, FieldErrors, RuleViolation
from alliance.core.permissions import scoped
from alliance.meetings import services
from alliance.meetings.models import Attendance, Meeting, ReplySlip
from alliance.meetings.queries import attendance_counts, unit_attendance_rates
from tests.factories import SETUP, make_unit
from tests.meetings import START, make_setup, meeting_body


def _fields(exc) -> dict:
    return exc.value.fields


def test_end_before_start_is_refused_at_the_field(world, db):
    with pytest.raises(FieldErrors) as exc:
        services.create_meeting(meeting_body(ends_at=START - timedelta(minutes=1)), alliance_id=world.alliance.id)
    assert _fields(exc) == {"ends_at": ["结束时间应晚于开始时间"]}
    assert db.session.scalar(select(Meeting.id)) is None


def test_times_are_stored_utc_and_naive_times_are_beijing(world, db):
    naive = START.replace(tzinfo=None)
    meeting = services.create_meeting(meeting_body(starts_at=naive, ends_at=naive + timedelta(hours=2)),
                                      alliance_id=world.alliance.id)
    db.session.commit()
    db.session.expire_all()
    assert meeting.starts_at.utcoffset() == timedelta(0) and meeting.starts_at.hour == 6


def test_unknown_kind_chair_of_another_alliance(world, db):
    from tests.factories import make_person

    outsider = make_person(world.other_alliance, "外人")
    with pytest.raises(FieldErrors) as exc:
        services.create_meeting(meeting_body(kind="party", chair_id=outsider.id), alliance_id=world.alliance.id)
    assert set(_fields(exc)) == {"kind", "chair_id"}


def test_invite_creates_the_units_reply_slip_and_refuses_duplicates(world, db):
    s = make_setup(world)
    slips = db.session.scalars(select(ReplySlip.unit_id).where(ReplySlip.meeting_id == s.meeting.id)).all()
    assert sorted(slips) == sorted([world.unit_a.id, world.unit_b.id])
    with pytest.raises(DuplicateRecord):
        services.invite_person(s.meeting, s.xu.id)


def test_bulk_invite_of_secretaries_skips_those_already_invited(world, db):
    s = make_setup(world)
    unit_c = make_unit(world.alliance, "上海力波")
    from alliance.members import services as members
    from tests.factories import make_person

    zhang = make_person(world.alliance, "张俊", mobile="13500004444")
    with acting_as(SETUP):
        members.assign_role(unit_c, zhang, {"role": "secretary", "started_on": date(2020, 1, 1)})
        added = services.invite_group(s.meeting, "secretaries")
        db.session.commit()
    assert added == 1
    with pytest.raises(FieldErrors) as exc:
        services.invite_group(s.meeting, "everyone")
    assert "group" in _fields(exc)
    with pytest.raises(FieldErrors) as exc:
        services.invite_group(s.meeting, "units", unit_ids=[])
    assert "unit_ids" in _fields(exc)


def test_attendance_for_someone_not_invited_is_refused(world, db):
    s = make_setup(world)
    with pytest.raises(FieldErrors) as exc:
        services.mark_attendance(s.meeting, s.stranger.id, "present")
    assert _fields(exc) == {"person_id": ["该人员未被邀请参加本次会议，请先邀请"]}


def test_mark_present_with_time_and_counts(world, db):
    s = make_setup(world)
    services.mark_attendance(s.meeting, s.xu.id, "present", signed_in_at=START - timedelta(minutes=10))
    services.mark_attendance(s.meeting, s.gu.id, "excused", reason="出差")
    db.session.commit()
    counts = attendance_counts(s.meeting.id)
    assert (counts.invited, counts.present, counts.excused) == (2, 1, 1)
    with pytest.raises(FieldErrors) as exc:
        services.mark_attendance(s.meeting, s.xu.id, "present", signed_in_at=START - timedelta(hours=3))
    assert "signed_in_at" in _fields(exc)


def test_reply_slip_with_substitute_and_leave(world, db):
    s = make_setup(world)
    slip = db.session.scalar(select(ReplySlip).where(ReplySlip.unit_id == world.unit_a.id))
    services.answer_reply_slip(slip, [{"person_id": s.xu.id, "reply": "replaced", "substitute_id": s.li.id}])
    db.session.commit()
    rows = {a.person_id: a for a in db.session.scalars(select(Attendance).where(
        Attendance.unit_id == world.unit_a.id, Attendance.deleted_at.is_(None)))}
    assert rows[s.xu.id].reply == "replaced"
    assert rows[s.li.id].substitute_for_id == s.xu.id and rows[s.li.id].capacity == "attend"
    assert slip.status == "answered"
    # Answered again as 请假: the substitute goes, the reason is required.
    with pytest.raises(FieldErrors) as exc:
        services.answer_reply_slip(slip, [{"person_id": s.xu.id, "reply": "excused"}])
    assert _fields(exc) == {"answers.0.reason": ["请填写请假事由"]}
    services.answer_reply_slip(slip, [{"person_id": s.xu.id, "reply": "excused", "reason": "外出学习"}])
    db.session.commit()
    live = db.session.scalars(select(Attendance.person_id).where(
        Attendance.unit_id == world.unit_a.id, Attendance.deleted_at.is_(None))).all()
    assert live == [s.xu.id]


def test_reply_slip_naming_a_person_of_another_unit_changes_nothing(world, db):
    s = make_setup(world)
    slip = db.session.scalar(select(ReplySlip).where(ReplySlip.unit_id == world.unit_a.id))
    with pytest.raises(FieldErrors) as exc:
        services.answer_reply_slip(slip, [{"person_id": s.xu.id, "reply": "replaced", "substitute_id": s.gu.id}])
    assert _fields(exc) == {"answers.0.substitute_id": ["代会人员须为本单位的现任人员"]}
    with pytest.raises(FieldErrors) as exc:
        services.answer_reply_slip(slip, [{"person_id": s.gu.id, "reply": "coming"}])
    assert "answers.0.person_id" in _fields(exc)
    db.session.rollback()
    assert db.session.get(ReplySlip, slip.id).status == "pending"


def test_reply_slip_closed_once_held(world, db):
    s = make_setup(world)
    services.update_meeting(s.meeting, {"status": "held"}, version=s.meeting.version)
    slip = db.session.scalar(select(ReplySlip).where(ReplySlip.unit_id == world.unit_a.id))
    with pytest.raises(RuleViolation):
        services.answer_reply_slip(slip, [{"person_id": s.xu.id, "reply": "coming"}])


def test_admission_sets_joined_on_audited_and_refuses_twice(world, db):
    s = make_setup(world)
    with acting_as(SETUP):
        services.admit_unit(s.meeting, world.unit_b.id)
        db.session.commit()
    assert world.unit_b.joined_on == date(2021, 1, 21)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.record_type == "MemberUnit",
                                                         AuditEntry.record_id == world.unit_b.id,
                                                         AuditEntry.action == "update")).all()[-1]
    assert "joined_on" in entry.changes
    with pytest.raises(DuplicateRecord):
        services.admit_unit(s.meeting, world.unit_b.id)


def test_action_item_done_needs_a_note(world, db):
    s = make_setup(world)
    item = services.add_action_item(s.meeting, {"decision": "对接三张清单", "owner_unit_id": world.unit_a.id,
                                                "due_on": date(2021, 3, 31)})
    db.session.commit()
    with pytest.raises(FieldErrors) as exc:
        services.update_action_item(item, {"status": "done"}, version=item.version)
    assert "done_note" in _fields(exc)
    services.update_action_item(item, {"status": "done", "done_note": "已完成对接"}, version=item.version)
    assert item.status == "done" and item.done_on is not None


def test_sign_in_window_suffix_repeats_and_throttle(world, db):
    s = make_setup(world)
    early = START - timedelta(hours=2, minutes=1)
    with pytest.raises(services.SignInRefused, match="签到尚未开始"):
        services.self_sign_in(s.meeting, "徐虹", "8000", ip_address="1.2.3.4", now=early)
    with pytest.raises(services.SignInRefused, match="会议已结束"):
        services.self_sign_in(s.meeting, "徐虹", "8000", ip_address="1.2.3.4", now=START + timedelta(hours=3))
    now = START - timedelta(minutes=30)
    with pytest.raises(services.SignInRefused, match="未找到"):
        services.self_sign_in(s.meeting, "徐虹", "1234", ip_address="1.2.3.4", now=now)
    with pytest.raises(services.SignInRefused, match="未找到"):
        services.self_sign_in(s.meeting, "王五", "3333", ip_address="1.2.3.4", now=now)  # not invited
    result = services.self_sign_in(s.meeting, " 徐虹 ", "8000", ip_address="1.2.3.4", now=now)
    assert result.name == "徐虹"
    with pytest.raises(services.SignInRefused, match="无需重复签到"):
        services.self_sign_in(s.meeting, "徐虹", "8000", ip_address="1.2.3.4", now=now)
    for _ in range(3):
        with pytest.raises(services.SignInRefused):
            services.self_sign_in(s.meeting, "顾非非", "0000", ip_address="1.2.3.4", now=now)
    with pytest.raises(services.SignInRefused) as exc:
        services.self_sign_in(s.meeting, "顾非非", "2222", ip_address="1.2.3.4", now=now)
    assert exc.value.status == 429
    services.self_sign_in(s.meeting, "顾非非", "2222", ip_address="5.6.7.8", now=now)
    assert attendance_counts(s.meeting.id).present == 2


def test_liaison_sees_only_invited_meetings_and_own_units_attendance(world, db):
    s = make_setup(world)
    other = services.create_meeting(meeting_body(title="季度例会"), alliance_id=world.alliance.id)
    services.invite_person(other, s.gu.id)
    db.session.commit()
    visible = db.session.scalars(scoped(select(Meeting.id), Meeting, world.liaison_a)).all()
    assert visible == [s.meeting.id]
    rows = db.session.scalars(scoped(select(Attendance.person_id), Attendance, world.liaison_a)).all()
    assert rows == [s.xu.id]
    assert attendance_counts(s.meeting.id, world.liaison_a).invited == 1


def test_unit_attendance_rate_over_held_meetings(world, db):
    s = make_setup(world)
    services.mark_attendance(s.meeting, s.xu.id, "present")
    services.update_meeting(s.meeting, {"status": "held"}, version=s.meeting.version)
    second = services.create_meeting(meeting_body(title="季度例会", status="planned",
                                                  starts_at=START + timedelta(days=90),
                                                  ends_at=START + timedelta(days=90, hours=2)),
                                     alliance_id=world.alliance.id)
    services.invite_person(second, s.xu.id)
    services.mark_attendance(second, s.xu.id, "absent")
    services.update_meeting(second, {"status": "held"}, version=second.version)
    db.session.commit()
    assert unit_attendance_rates(world.unit_a.id) == [(2021, 1, 2)]
