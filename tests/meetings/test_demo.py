"""The demo step: the 2021-01-21 joint meeting as the seed tells it, plus quarterly meetings."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from alliance.core.dates import LOCAL_TZ
from alliance.meetings.demo import JOINT_TITLE
from alliance.meetings.models import ActionItem, Attendance, Meeting
from alliance.meetings.queries import attendance_counts, unit_attendance_rates
from alliance.members.models import MemberUnit
from tests.demo.test_demo_load import load


def test_joint_meeting_of_the_seed_and_mixed_quarterly_attendance(runner, db):
    load(runner)
    joint = db.session.scalar(select(Meeting).where(Meeting.title == JOINT_TITLE))
    assert joint.venue == "上海力波展示中心" and joint.chair.name == "马健" and joint.status == "held"
    assert joint.starts_at.astimezone(LOCAL_TZ).date() == date(2021, 1, 21)
    assert sorted(a.unit.name for a in joint.admissions) == sorted([
        "上海力波", "伟巴斯车顶供暖系统(上海)有限公司", "地铁15号线紫竹高新区站区", "地铁1号线管理部第二党支部"])
    assert all(a.unit.joined_on == date(2021, 1, 21) for a in joint.admissions)
    assert [s.unit.short_name for s in joint.speeches] == ["镇招商中心", "伟巴斯", "上海力波", "儿科医院"]
    counts = attendance_counts(joint.id)
    assert counts.invited >= 39 and counts.present == counts.invited
    quarterly = db.session.scalars(select(Meeting).where(Meeting.kind == "quarterly",
                                                         Meeting.status == "held")).all()
    assert len(quarterly) == 3
    for meeting in quarterly:
        c = attendance_counts(meeting.id)
        assert 0 < c.present < c.invited and c.excused > 0 and c.absent > 0
    statuses = set(db.session.scalars(select(ActionItem.status)))
    assert statuses == {"open", "done"}
    hospital = db.session.scalar(select(MemberUnit).where(MemberUnit.name == "复旦大学附属儿科医院"))
    assert unit_attendance_rates(hospital.id)[0][0] == 2021


def test_demo_meetings_are_loaded_once(runner, db):
    load(runner)
    before = (db.session.scalar(select(func.count(Meeting.id))), db.session.scalar(select(func.count(Attendance.id))))
    load(runner)
    assert (db.session.scalar(select(func.count(Meeting.id))),
            db.session.scalar(select(func.count(Attendance.id)))) == before
