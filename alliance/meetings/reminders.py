"""The meetings' reminder rules (registered in ``area.py``): one query each, whatever the data."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from flask import url_for
from sqlalchemy import and_, or_, select, union

from alliance.auth.models import User
from alliance.core.areas import Reminder
from alliance.core.dates import format_date_zh, format_datetime_zh
from alliance.extensions import db
from alliance.meetings.models import ActionItem, Attendance, Meeting, ReplySlip
from alliance.notifications.rules import day_window, liaison_of, live_account, local_day, staff_of

ACTION_DUE_DAYS = 3  # an open action item is due "soon" this many days ahead
SLIP_DAYS_BEFORE = 2  # a pending reply slip is chased this many days before the meeting


def meetings_tomorrow(now: datetime) -> Iterator[Reminder]:
    """明天召开的会议 → its invitees who have an account (``users.person_id``), and the liaison
    accounts of every unit invited (reply slip or attendance), who pass it on to the rest."""
    start, end = day_window(local_day(now) + timedelta(days=1))
    invited_units = union(
        select(ReplySlip.meeting_id, ReplySlip.unit_id).where(ReplySlip.deleted_at.is_(None)),
        select(Attendance.meeting_id, Attendance.unit_id).where(
            Attendance.deleted_at.is_(None), Attendance.unit_id.is_not(None)),
    ).subquery()
    columns = (User.id.label("user_id"), Meeting.id.label("meeting_id"), Meeting.title, Meeting.starts_at,
               Meeting.venue)
    tomorrow = (Meeting.deleted_at.is_(None), Meeting.status == "planned",
                Meeting.starts_at >= start, Meeting.starts_at < end)
    liaisons = (select(*columns).join(invited_units, invited_units.c.meeting_id == Meeting.id)
                .join(User, liaison_of(invited_units.c.unit_id)).where(*tomorrow))
    invitees = (select(*columns).join(Attendance, Attendance.meeting_id == Meeting.id)
                .join(User, and_(User.person_id == Attendance.person_id, live_account()))
                .where(*tomorrow, Attendance.deleted_at.is_(None)))
    found = union(liaisons, invitees).subquery()
    rows = db.session.execute(select(found).order_by(found.c.meeting_id, found.c.user_id))
    for user_id, meeting_id, title, starts_at, venue in rows:
        where = f"，地点：{venue}" if venue else ""
        yield Reminder(user_id, f"meeting:{meeting_id}:{starts_at:%Y%m%d}", f"明天开会：{title}",
                       f"会议定于{format_datetime_zh(starts_at)}召开{where}。",
                       url_for("meetings.view_meeting", meeting_id=meeting_id))


def action_items_due(now: datetime) -> Iterator[Reminder]:
    """会议决定事项 due within 3 days or overdue → the owner unit's liaison and the staff.
    Due soon and overdue are two occasions: each is said once."""
    today = local_day(now)
    rows = db.session.execute(
        select(User.id, ActionItem.id, ActionItem.decision, ActionItem.due_on, ActionItem.meeting_id)
        .join(User, or_(liaison_of(ActionItem.owner_unit_id), staff_of(ActionItem.alliance_id)))
        .where(ActionItem.deleted_at.is_(None), ActionItem.status == "open",
               ActionItem.due_on.is_not(None),
               ActionItem.due_on <= today + timedelta(days=ACTION_DUE_DAYS))
        .order_by(ActionItem.id, User.id))
    for user_id, item_id, decision, due_on, meeting_id in rows:
        overdue = due_on < today
        what = "已逾期" if overdue else "即将到期"
        yield Reminder(user_id, f"action:{item_id}:{due_on:%Y%m%d}:{'overdue' if overdue else 'due'}",
                       f"决定事项{what}：{decision[:60]}",
                       f"完成期限{format_date_zh(due_on)}，{what}，请及时办理并填写办结情况。",
                       url_for("meetings.view_meeting", meeting_id=meeting_id))


def reply_slips_pending(now: datetime) -> Iterator[Reminder]:
    """参会回执 still pending 2 days (or less) before the meeting → the unit's liaison."""
    today = local_day(now)
    _, end = day_window(today, SLIP_DAYS_BEFORE + 1)
    rows = db.session.execute(
        select(User.id, ReplySlip.id, Meeting.id, Meeting.title, Meeting.starts_at)
        .join(Meeting, Meeting.id == ReplySlip.meeting_id)
        .join(User, liaison_of(ReplySlip.unit_id))
        .where(ReplySlip.deleted_at.is_(None), ReplySlip.status == "pending",
               Meeting.deleted_at.is_(None), Meeting.status == "planned",
               Meeting.starts_at >= now, Meeting.starts_at < end)
        .order_by(ReplySlip.id, User.id))
    for user_id, slip_id, meeting_id, title, starts_at in rows:
        yield Reminder(user_id, f"slip:{slip_id}", f"请填写参会回执：{title}",
                       f"会议定于{format_datetime_zh(starts_at)}召开，贵单位尚未回执。",
                       url_for("meetings.reply_slip", meeting_id=meeting_id, slip_id=slip_id))
