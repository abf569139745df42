"""The ratings' reminder rule (registered in ``area.py``): one query, whatever the data."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

from flask import current_app, url_for
from sqlalchemy import select

from alliance.auth.models import User
from alliance.core.areas import Reminder
from alliance.core.dates import format_date_zh
from alliance.extensions import db
from alliance.notifications.rules import liaison_of, local_day
from alliance.ratings.models import PartyOrganization, Rating

DAYS_BEFORE = 7


def self_assessment_due(year: int) -> date:
    """The self-assessment deadline of a rating year: ``RATING_SELF_ASSESSMENT_DUE`` ("MM-DD")
    of that year (the district sets it; it varies)."""
    month, day = (int(p) for p in current_app.config["RATING_SELF_ASSESSMENT_DUE"].split("-"))
    return date(year, month, day)


def self_assessments_not_submitted(now: datetime) -> Iterator[Reminder]:
    """A rating still in self-assessment (or returned) 7 days or less before the deadline →
    the unit's liaison."""
    today = local_day(now)
    # The deadline falls in the rating's year; only this year's (or last December's) can be near.
    years = {y for y in (today.year, today.year - 1)
             if self_assessment_due(y) - timedelta(days=DAYS_BEFORE) <= today <= self_assessment_due(y)}
    if not years:
        return
    rows = db.session.execute(
        select(User.id, Rating.id, Rating.year, PartyOrganization.name)
        .join(PartyOrganization, PartyOrganization.id == Rating.organization_id)
        .join(User, liaison_of(Rating.unit_id))
        .where(Rating.deleted_at.is_(None), Rating.status.in_(("self_assessing", "returned")),
               Rating.year.in_(sorted(years)))
        .order_by(Rating.id, User.id))
    for user_id, rating_id, year, org_name in rows:
        due = self_assessment_due(year)
        yield Reminder(user_id, f"rating:{rating_id}:{due:%Y%m%d}", f"星级评定自评尚未提交：{org_name}",
                       f"{year}年度星级评定自评截止日期为{format_date_zh(due)}，请尽快完成自评并提交。",
                       url_for("ratings.view_rating", rating_id=rating_id))
