"""The five reminder rules, each found once per person per occasion (the database says so)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from alliance.audit.context import acting_as
from alliance.core.areas import registry
from alliance.core.dates import LOCAL_TZ
from alliance.extensions import db
from alliance.meetings import services as meetings
from alliance.notifications import services
from alliance.notifications.models import Notification
from tests.factories import SETUP
from tests.lists import make_need, seed
from tests.meetings import make_setup
from tests.ratings.conftest import Ratings


def _notes(kind=None):
    stmt = select(Notification.user_id, Notification.kind, Notification.occasion).order_by(
        Notification.kind, Notification.user_id, Notification.occasion)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    return db.session.execute(stmt).all()


def test_the_five_rules_are_registered(app):
    assert set(registry().reminders) == {"meeting_tomorrow", "action_item_due", "reply_slip_pending",
                                         "need_overdue", "self_assessment_due"}


def test_meeting_tomorrow_reaches_invited_units_liaisons_once(world, db):
    make_setup(world)  # units A and B invited to a meeting on 2021-01-21 14:00 Beijing
    day_before = datetime(2021, 1, 20, 9, 0, tzinfo=LOCAL_TZ)
    assert services.create_reminders(day_before - timedelta(days=1)) == 2  # two days before: the slips
    assert {r.user_id for r in _notes("meeting_tomorrow")} == set()
    assert services.create_reminders(day_before) == 2  # the meeting, tomorrow (slips said already)
    assert {r.user_id for r in _notes("meeting_tomorrow")} == {world.liaison_a.id, world.liaison_b.id}
    db.session.commit()
    # The next hourly run, or the same run again: nothing new.
    assert services.create_reminders(day_before + timedelta(hours=1)) == 0
    assert services.create_reminders(day_before) == 0
    note = db.session.scalar(select(Notification).where(Notification.kind == "meeting_tomorrow",
                                                        Notification.user_id == world.liaison_a.id))
    assert note.title == "明天开会：梅陇镇区域化党建联盟联席会"
    assert "2021年1月21日 14:00" in note.body and "上海力波展示中心" in note.body
    assert note.url.startswith("/meetings/")


def test_meeting_tomorrow_also_reaches_an_invitee_with_an_account_once(world, db):
    """An invited person whose account is linked to them (users.person_id) hears of it too; a
    person not invited does not, and a liaison who is also the invitee hears it once."""
    s = make_setup(world)  # 徐虹 (unit A) and 顾非非 (unit B) invited
    with acting_as(SETUP):
        world.organizer.person_id = s.xu.id  # 徐虹's own account
        world.staff.person_id = s.stranger.id  # not invited
        world.liaison_b.person_id = s.gu.id  # the liaison of unit B is the invitee herself
        db.session.commit()
    services.create_reminders(datetime(2021, 1, 20, 9, 0, tzinfo=LOCAL_TZ))
    assert sorted(r.user_id for r in _notes("meeting_tomorrow")) == sorted(
        [world.liaison_a.id, world.liaison_b.id, world.organizer.id])


def test_reply_slip_pending_two_days_before_only_for_units_that_did_not_answer(world, db):
    s = make_setup(world)
    with acting_as(SETUP):
        slip = next(x for x in meetings._existing_slips(s.meeting).values() if x.unit_id == world.unit_b.id)
        slip.status, slip.answered_at = "answered", datetime.now(LOCAL_TZ)
        db.session.commit()
    assert services.create_reminders(datetime(2021, 1, 18, 9, 0, tzinfo=LOCAL_TZ)) == 0  # 3 days before
    services.create_reminders(datetime(2021, 1, 19, 9, 0, tzinfo=LOCAL_TZ))  # 2 days before
    assert [r.user_id for r in _notes("reply_slip_pending")] == [world.liaison_a.id]
    assert services.create_reminders(datetime(2021, 1, 19, 10, 0, tzinfo=LOCAL_TZ)) == 0


def test_action_item_due_soon_then_overdue_each_said_once(world, db):
    s = make_setup(world)
    with acting_as(SETUP):
        meetings.add_action_item(s.meeting, {"decision": "完成普乐二村加装电梯意见征询",
                                             "owner_unit_id": world.unit_a.id, "due_on": date(2021, 3, 10)})
        db.session.commit()
    services.create_reminders(datetime(2021, 3, 6, 9, tzinfo=LOCAL_TZ))  # 4 days before
    assert _notes("action_item_due") == []
    services.create_reminders(datetime(2021, 3, 7, 9, tzinfo=LOCAL_TZ))  # due in 3 days
    due = _notes("action_item_due")
    # the owner unit's liaison and the staff, not the other unit's liaison, the admin or the organizer
    assert {r.user_id for r in due} == {world.liaison_a.id, world.staff.id}
    assert all(r.occasion.endswith(":due") for r in due)
    services.create_reminders(datetime(2021, 3, 9, 9, tzinfo=LOCAL_TZ))
    assert len(_notes("action_item_due")) == 2
    services.create_reminders(datetime(2021, 3, 11, 9, tzinfo=LOCAL_TZ))  # overdue
    services.create_reminders(datetime(2021, 3, 12, 9, tzinfo=LOCAL_TZ))
    overdue = [r for r in _notes("action_item_due") if r.occasion.endswith(":overdue")]
    assert {r.user_id for r in overdue} == {world.liaison_a.id, world.staff.id}


def test_need_past_wanted_by_goes_to_staff(world, db):
    seed(world.alliance.id)
    make_need(world.liaison_a, world.unit_a, wanted_by=date(2021, 4, 30))
    assert services.create_reminders(datetime(2021, 4, 30, 20, tzinfo=LOCAL_TZ)) == 0
    assert services.create_reminders(datetime(2021, 5, 1, 8, tzinfo=LOCAL_TZ)) == 1
    assert [r.user_id for r in _notes("need_overdue")] == [world.staff.id]
    assert services.create_reminders(datetime(2021, 5, 20, 8, tzinfo=LOCAL_TZ)) == 0


def test_self_assessment_not_submitted_a_week_before_the_deadline(world, db, app):
    app.config["RATING_SELF_ASSESSMENT_DUE"] = "12-20"
    r = Ratings(world)
    r.rating(r.org_a, stage="self_assessing")
    r.rating(r.org_b, stage="submitted")
    assert services.create_reminders(datetime(2021, 12, 12, 9, tzinfo=LOCAL_TZ)) == 0  # 8 days before
    assert services.create_reminders(datetime(2021, 12, 13, 9, tzinfo=LOCAL_TZ)) == 1
    assert [r.user_id for r in _notes("self_assessment_due")] == [world.liaison_a.id]
    assert services.create_reminders(datetime(2021, 12, 19, 9, tzinfo=LOCAL_TZ)) == 0
    assert services.create_reminders(datetime(2021, 12, 21, 9, tzinfo=LOCAL_TZ)) == 0  # past


def test_the_database_refuses_a_second_notification_of_one_occasion(world, db):
    row = {"user_id": world.staff.id, "kind": "need_overdue", "occasion": "need:1:20210430",
           "title": "t", "body": "", "url": ""}
    db.session.add(Notification(**row))
    db.session.commit()
    db.session.add(Notification(**row))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 1


def test_rules_read_with_a_bounded_number_of_queries(world, db, count_queries):
    seed(world.alliance.id)
    for n in range(3):
        make_need(world.liaison_a, world.unit_a, title=f"需求{n}", wanted_by=date(2021, 4, 1))
    with count_queries() as few:
        services.create_reminders(datetime(2021, 5, 1, tzinfo=LOCAL_TZ))
    for n in range(3, 30):
        make_need(world.liaison_a, world.unit_a, title=f"需求{n}", wanted_by=date(2021, 4, 1))
    with count_queries() as many:
        services.create_reminders(datetime(2021, 5, 2, tzinfo=LOCAL_TZ))
    assert many.count == few.count
