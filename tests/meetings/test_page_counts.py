"""The meeting page reads its meeting, attendance counts, reply-slip counts and a liaison's own
slip in one statement; each account sees the counts of what it may see."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from alliance.audit.context import acting_as
from alliance.extensions import db
from alliance.meetings import services
from alliance.meetings.models import Attendance, ReplySlip
from alliance.meetings.queries import Counts, SlipCounts, attendance_counts, meeting_page
from alliance.members import services as members
from tests.factories import SETUP, make_person
from tests.meetings import make_setup


def _scenario(world):
    """Unit A: 徐虹 replaced by 李明 (a substitute), A's slip answered. Unit B: 顾非非 present,
    赵六 excused, 钱七 invited then uninvited (deleted). 王五 of no unit: absent, no reply."""
    s = make_setup(world)
    zhao = make_person(world.alliance, "赵六", mobile="13500004444")
    qian = make_person(world.alliance, "钱七", mobile="13400005555")
    with acting_as(SETUP):
        for person in (zhao, qian):
            members.assign_role(world.unit_b, person, {"role": "deputy_secretary", "started_on": date(2020, 1, 1)})
        services.invite_person(s.meeting, zhao.id, "attend")
        services.uninvite(services.invite_person(s.meeting, qian.id, "attend"))
        services.invite_person(s.meeting, s.stranger.id, "observe")
        slip_a = db.session.scalar(select(ReplySlip).where(ReplySlip.unit_id == world.unit_a.id))
        services.answer_reply_slip(slip_a, [{"person_id": s.xu.id, "reply": "replaced", "substitute_id": s.li.id}])
        services.mark_attendance(s.meeting, s.gu.id, "present")
        services.mark_attendance(s.meeting, zhao.id, "excused", reason="外出学习")
        services.mark_attendance(s.meeting, s.stranger.id, "absent")
        db.session.commit()
    return s


def test_each_account_sees_the_counts_of_what_it_may_see(world, sign_in, db):
    s = _scenario(world)
    slip_a, slip_b = (db.session.scalar(select(ReplySlip).where(ReplySlip.unit_id == unit.id))
                      for unit in (world.unit_a, world.unit_b))
    pending = {user: db.session.scalar(select(func.count()).where(
        Attendance.meeting_id == s.meeting.id, Attendance.deleted_at.is_(None), Attendance.reply == "pending",
        *([Attendance.unit_id == user.unit_id] if user.unit_id else [])))
        for user in (world.staff, world.liaison_a, world.liaison_b)}
    assert pending[world.liaison_a] == 0 and pending[world.staff] == pending[world.liaison_b] + 1  # 王五
    expected = {
        world.staff: (Counts(invited=4, present=1, absent=1, excused=1, pending_reply=pending[world.staff],
                             substitutes=1), SlipCounts(total=2, answered=1), None),
        world.organizer: (Counts(invited=4, present=1, absent=1, excused=1, pending_reply=pending[world.staff],
                                 substitutes=1), SlipCounts(total=2, answered=1), None),
        world.liaison_a: (Counts(invited=1, substitutes=1), SlipCounts(total=1, answered=1),
                          (slip_a.id, "answered")),
        world.liaison_b: (Counts(invited=2, present=1, excused=1, pending_reply=pending[world.liaison_b]),
                          SlipCounts(total=1, answered=0), (slip_b.id, "pending")),
    }
    for user, (counts, slips, own) in expected.items():
        found = meeting_page(s.meeting.id, user)
        assert (found.meeting.id, found.meeting.title) == (s.meeting.id, s.meeting.title)
        assert found.counts == counts, user.username
        assert found.slips == slips, user.username
        assert (None if found.own_slip is None else tuple(found.own_slip)) == own, user.username
        # The API and the attendance list count invitees with the same rules.
        assert attendance_counts(s.meeting.id, user) == counts
    page = sign_in(world.liaison_b).get(f"/meetings/{s.meeting.id}").get_data(as_text=True)
    assert 'id="count-invited">2<' in page and 'id="count-present">1<' in page
    assert f"/reply-slips/{slip_b.id}" in page and "填写参会回执" in page
    assert "已回执 <strong>0</strong> / 1 个单位" in page
    page = sign_in(world.liaison_a).get(f"/meetings/{s.meeting.id}").get_data(as_text=True)
    assert "修改回执" in page and f"/reply-slips/{slip_a.id}" in page and "代会 1" in page
    page = sign_in(world.staff).get(f"/meetings/{s.meeting.id}").get_data(as_text=True)
    assert 'id="count-invited">4<' in page and "已回执 <strong>1</strong> / 2 个单位" in page
    assert 'id="reply-slip-link"' not in page and 'id="attendance-rate">25.0%' in page


def test_a_meeting_out_of_reach_is_404_for_the_page(world, sign_in, db):
    s = _scenario(world)
    assert sign_in(world.other_admin).get(f"/meetings/{s.meeting.id}").status_code == 404
    with acting_as(SETUP):
        services.delete_meeting(s.meeting)
        db.session.commit()
    assert sign_in(world.staff).get(f"/meetings/{s.meeting.id}").status_code == 404
