"""Activity queries shared by pages (the unit page too), the API and exports."""
from __future__ import annotations

from sqlalchemy import extract, func, select
from sqlalchemy.orm import selectinload

from alliance.activities.models import Activity
from alliance.extensions import db


def recent_activities(unit_id: int, limit: int = 10) -> list[Activity]:
    return db.session.scalars(
        select(Activity).where(Activity.unit_id == unit_id, Activity.deleted_at.is_(None))
        .options(selectinload(Activity.photos))
        .order_by(Activity.occurred_on.desc(), Activity.id.desc()).limit(limit)
    ).all()


def activity_counts_by_year(unit_id: int) -> list[tuple[int, int]]:
    """[(year, number of activities)], newest year first."""
    year = extract("year", Activity.occurred_on)
    rows = db.session.execute(
        select(year.label("year"), func.count(Activity.id))
        .where(Activity.unit_id == unit_id, Activity.deleted_at.is_(None))
        .group_by(year).order_by(year.desc())
    ).all()
    return [(int(y), n) for y, n in rows]
