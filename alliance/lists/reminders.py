"""The three lists' reminder rule (registered in ``area.py``): one query, whatever the data."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from flask import url_for
from sqlalchemy import select

from alliance.auth.models import User
from alliance.core.areas import Reminder
from alliance.core.dates import format_date_zh
from alliance.extensions import db
from alliance.lists.models import OPEN_NEED_STATUSES, Need
from alliance.notifications.rules import local_day, staff_of


def needs_past_wanted_by(now: datetime) -> Iterator[Reminder]:
    """A need still open (or draft) past its wanted-by date → the township staff."""
    today = local_day(now)
    rows = db.session.execute(
        select(User.id, Need.id, Need.title, Need.wanted_by)
        .join(User, staff_of(Need.alliance_id))
        .where(Need.deleted_at.is_(None), Need.status.in_(("draft", *OPEN_NEED_STATUSES)),
               Need.wanted_by < today)
        .order_by(Need.id, User.id))
    for user_id, need_id, title, wanted_by in rows:
        yield Reminder(user_id, f"need:{need_id}:{wanted_by:%Y%m%d}", f"需求已过期望日期：{title}",
                       f"期望完成日期为{format_date_zh(wanted_by)}，需求仍未满足。",
                       url_for("lists.view_need", need_id=need_id))
