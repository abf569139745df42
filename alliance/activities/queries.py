"""Activity queries shared by pages (the unit page too), the API and exports."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, bindparam, extract, func, or_, select
from sqlalchemy.orm import selectinload

from alliance.activities.models import ACTIVITY_KINDS, Activity, ActivityPhoto
from alliance.core.permissions import scoped
from alliance.core.search import contains
from alliance.core.statements import reuse, user_key
from alliance.extensions import db
from alliance.members.models import MemberUnit


def recent_activity_rows(unit_id: int, limit: int = 10) -> Sequence[Any]:
    """The unit page's latest activities as rows: what it shows and the number of photos, in
    one statement (the photos themselves were a second query of ORM objects)."""
    stmt = reuse(("recent-activity-rows", limit), lambda: (
        select(Activity.id, Activity.title, Activity.occurred_on, Activity.kind,
               _photo_count().label("photo_count"))
        .where(Activity.unit_id == bindparam("unit_id"), Activity.deleted_at.is_(None))
        .order_by(Activity.occurred_on.desc(), Activity.id.desc()).limit(limit)))
    return db.session.execute(stmt, {"unit_id": unit_id}).all()


def _photo_count():
    """An activity's live photos, counted in its own row (a correlated subquery)."""
    return (select(func.count(ActivityPhoto.id))
            .where(ActivityPhoto.activity_id == Activity.id, ActivityPhoto.deleted_at.is_(None))
            .correlate(Activity).scalar_subquery())


def activity_counts_by_year(unit_id: int) -> list[tuple[int, int]]:
    """[(year, number of activities)], newest year first."""
    year = extract("year", Activity.occurred_on)
    rows = db.session.execute(reuse("activity-counts-by-year", lambda: (
        select(year.label("year"), func.count(Activity.id))
        .where(Activity.unit_id == bindparam("unit_id"), Activity.deleted_at.is_(None))
        .group_by(year).order_by(year.desc()))), {"unit_id": unit_id}).all()
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


def _filters_key(user, filters: ActivityFilters) -> tuple:
    return (user_key(user), filters.unit_id, filters.kind, filters.date_from, filters.date_to,
            filters.q, filters.sort, filters.deleted)


def activity_list_query(user, filters: ActivityFilters) -> Select:
    """The activities ``user`` may see (a liaison: their unit's only, filtered in SQL), with
    their unit and photos eager-loaded so a page costs the same whatever its length. Built
    once per account and filters (``core.statements``)."""
    return reuse(("activities", *_filters_key(user, filters)),
                 lambda: _activities(user, filters).options(selectinload(Activity.unit),
                                                            selectinload(Activity.photos)))


def activity_rows_query(user, filters: ActivityFilters) -> tuple[Select, Select]:
    """The list page's rows and what counts them: the columns it shows, the unit's name joined
    and the photos counted in the same statement, instead of 20 activities, their units and
    their photos as ORM objects in three queries (~4 of a 6 ms page; issue 7). The second
    statement has the same rows without the join, for the COUNT."""
    return reuse(("activity-rows", *_filters_key(user, filters)), lambda: _activity_rows(user, filters))


# --- the API list ---------------------------------------------------------------------------

_API_COLUMNS = ("id", "version", "created_at", "updated_at", "deleted_at", "occurred_on", "kind",
                "title", "participant_count", "participants", "description", "unit_id", "is_sample")
_PHOTO_COLUMNS = ("id", "activity_id", "original_name", "content_type", "size_bytes", "width",
                  "height", "position", "created_at")


class _UnitName:
    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name


class ActivityItem:
    """An activity of the API list: what ``ActivitySchema`` reads of it, by attribute (its
    columns, ``unit.name``, ``kind_label``, ``photos``), from rows instead of ORM objects."""

    __slots__ = (*_API_COLUMNS, "unit", "photos")
    kind: str

    def __init__(self, row: Any, unit_name: str | None, photos: list):
        for name in _API_COLUMNS:
            setattr(self, name, getattr(row, name))
        self.unit = _UnitName(unit_name) if unit_name is not None else None
        self.photos = photos

    @property
    def kind_label(self) -> str:
        return ACTIVITY_KINDS.label(self.kind)


def activity_api_page(user, filters: ActivityFilters, page: int, per_page: int):
    """A page of the API list, counted exactly: the activities' columns with their unit's name
    joined, and the page's photos in one more query. As ORM objects (the activities, their
    units and photos selectin-loaded) it cost ~4 ms of a 6 ms page (issue 7)."""
    from alliance.core.pagination import paginate, plain_rows

    rows, counted = reuse(("activity-api-rows", *_filters_key(user, filters)),
                          lambda: _activity_api_rows(user, filters))
    result = paginate(rows, page, per_page, scalars=False, count=counted)
    photos: dict[int, list] = {}
    if result.items:
        for photo in plain_rows(db.session.execute(
                reuse("activity-api-photos", _activity_api_photos),
                {"ids": [row.id for row in result.items]}).all()):
            photos.setdefault(photo.activity_id, []).append(photo)
    result.items = [ActivityItem(row, row.unit_name, photos.get(row.id, [])) for row in result.items]
    return result


def _activity_api_rows(user, filters: ActivityFilters) -> tuple[Select, Select]:
    listed = _activities(user, filters)
    columns = [getattr(Activity, name) for name in _API_COLUMNS]
    rows = (listed.with_only_columns(*columns, MemberUnit.name.label("unit_name"), maintain_column_froms=True)
            .outerjoin(MemberUnit, MemberUnit.id == Activity.unit_id))
    return rows, listed


def _activity_api_photos() -> Select:
    # What Activity.photos loads (its primaryjoin and order), as rows.
    return (select(*[getattr(ActivityPhoto, name) for name in _PHOTO_COLUMNS])
            .where(ActivityPhoto.activity_id.in_(bindparam("ids", expanding=True)),
                   ActivityPhoto.deleted_at.is_(None))
            .order_by(ActivityPhoto.activity_id, ActivityPhoto.position))


def _activity_rows(user, filters: ActivityFilters) -> tuple[Select, Select]:
    listed = _activities(user, filters)
    photos = _photo_count()
    rows = (listed.with_only_columns(
        Activity.id, Activity.unit_id, Activity.occurred_on, Activity.kind, Activity.title,
        Activity.participant_count, Activity.is_sample, Activity.version,
        MemberUnit.name.label("unit_name"), photos.label("photo_count"), maintain_column_froms=True)
        .outerjoin(MemberUnit, MemberUnit.id == Activity.unit_id))
    return rows, listed


def _activities(user, filters: ActivityFilters) -> Select:
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
    return stmt.order_by(*order)
