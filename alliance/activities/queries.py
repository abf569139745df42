"""Activity queries shared by pages (the unit page too), the API and exports."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, extract, func, or_, select
from sqlalchemy.orm import selectinload

from alliance.activities.models import Activity
from alliance.core.permissions import scoped
from alliance.core.search import contains
from alliance.extensions import db
from alliance.members.models import MemberUnit


def recent_activities(unit_id: int, limit: int = 10) -> Sequence[Activity]:
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


ACTIVITY_SORTS = {
    "recent": "日期（新→旧）",
    "oldest": "日期（旧→新）",
}


@dataclass
class ActivityFilters:
    unit_id: int | None = None
    kind: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: str | None = None
    sort: str = "recent"
    deleted: bool = False  # show the deleted ones instead (staff only)


def activity_list_query(user, filters: ActivityFilters) -> Select:
    """The activities ``user`` may see (a liaison: their unit's only, filtered in SQL), with
    their unit and photos eager-loaded so a page costs the same whatever its length."""
    stmt = scoped(select(Activity), Activity, user, include_deleted=filters.deleted)
    if filters.deleted:
        stmt = stmt.where(Activity.deleted_at.is_not(None))
    if filters.unit_id is not None:
        stmt = stmt.where(Activity.unit_id == filters.unit_id)
    if filters.kind:
        stmt = stmt.where(Activity.kind == filters.kind)
    if filters.date_from:
        stmt = stmt.where(Activity.occurred_on >= filters.date_from)
    if filters.date_to:
        stmt = stmt.where(Activity.occurred_on <= filters.date_to)
    if filters.q and filters.q.strip():
        q = filters.q.strip()[:100]
        unit_ids = select(MemberUnit.id).where(MemberUnit.alliance_id == user.alliance_id,
                                               contains(MemberUnit.name, q))
        stmt = stmt.where(or_(contains(Activity.title, q), contains(Activity.participants, q),
                              contains(Activity.description, q), Activity.unit_id.in_(unit_ids)))
    order: tuple[Any, ...]
    if filters.sort == "oldest":
        order = (Activity.occurred_on, Activity.id)
    else:
        order = (Activity.occurred_on.desc(), Activity.id.desc())
    return stmt.order_by(*order).options(selectinload(Activity.unit),
                                         selectinload(Activity.photos))
