"""Read side of ratings: lists and figures, each one query (plus a count) whatever the data."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Integer, Select, bindparam, case, func, select
from sqlalchemy.orm import contains_eager, joinedload, load_only

from alliance.core.permissions import scoped
from alliance.core.search import contains
from alliance.core.statements import reuse, user_key
from alliance.extensions import db
from alliance.members.models import MemberUnit
from alliance.ratings.models import PartyOrganization, Rating, Rubric

STATUS_ORDER = ("self_assessing", "returned", "submitted", "reviewed", "in_notice", "confirmed")


@dataclass
class RatingFilters:
    year: int | None = None
    status: str | None = None
    stars: int | None = None
    organization_id: int | None = None
    order: str = "official"  # official: stars desc then 姓氏笔画 of the name


def organization_list_query(user, *, q: str | None = None, unit_id: int | None = None,
                            kind: str | None = None) -> Select:
    stmt = scoped(select(PartyOrganization), PartyOrganization, user).options(
        joinedload(PartyOrganization.unit).load_only(MemberUnit.id, MemberUnit.name, MemberUnit.category))
    if q:
        stmt = stmt.where(contains(PartyOrganization.name, q))
    if unit_id:
        stmt = stmt.where(PartyOrganization.unit_id == unit_id)
    if kind:
        stmt = stmt.where(PartyOrganization.kind == kind)
    return stmt.order_by(PartyOrganization.sort_order.is_(None), PartyOrganization.sort_order,
                         PartyOrganization.name_stroke_key, PartyOrganization.id)


# What a list shows of a rating: not the case text, the frozen result or the answers, which only
# its own page reads (a list that touches one of them raises instead of loading it row by row).
LIST_COLUMNS = (Rating.id, Rating.alliance_id, Rating.organization_id, Rating.unit_id,
                Rating.rubric_id, Rating.year, Rating.status, Rating.self_total, Rating.total,
                Rating.stars, Rating.vetoed, Rating.nomination, Rating.district_note,
                Rating.return_reason, Rating.notice_starts_on, Rating.notice_ends_on,
                Rating.confirmed_on, Rating.is_sample, Rating.created_at, Rating.updated_at,
                Rating.version, Rating.deleted_at)


def list_options(*, unit: bool = False) -> tuple:
    """Loader options of a page of ``rating_list_query``: the list's columns and the
    organization from the query's own join (a second JOIN would double the sorted rows)."""
    organization = contains_eager(Rating.organization)
    if unit:
        organization = organization.joinedload(PartyOrganization.unit).load_only(
            MemberUnit.id, MemberUnit.name)
    else:
        organization = organization.load_only(
            PartyOrganization.id, PartyOrganization.name, PartyOrganization.kind,
            PartyOrganization.unit_id, PartyOrganization.sort_order)
    return (load_only(*LIST_COLUMNS, raiseload=True), organization)


def _filtered(stmt: Select, filters: RatingFilters) -> Select:
    if filters.year:
        stmt = stmt.where(Rating.year == filters.year)
    if filters.status:
        stmt = stmt.where(Rating.status == filters.status)
    if filters.stars:
        stmt = stmt.where(Rating.stars == filters.stars)
    if filters.organization_id:
        stmt = stmt.where(Rating.organization_id == filters.organization_id)
    return stmt


def rating_list_query(user, filters: RatingFilters) -> Select:
    """Visible ratings joined to their organization (for the official order); add
    ``list_options()`` to load a page of them."""
    stmt = _filtered(scoped(select(Rating), Rating, user).join(Rating.organization), filters)
    if filters.order == "official":
        return stmt.order_by(Rating.year.desc(), Rating.stars.desc().nulls_last(),
                             PartyOrganization.sort_order.is_(None),
                             PartyOrganization.sort_order, PartyOrganization.name_stroke_key,
                             Rating.id)
    return stmt.order_by(Rating.updated_at.desc(), Rating.id.desc())


def rating_count_query(user, filters: RatingFilters) -> Select:
    """The same rows as ``rating_list_query`` without its join, for counting them: every
    rating has its organization (a NOT NULL foreign key) and the filters are the rating's own."""
    return _filtered(scoped(select(Rating.id), Rating, user), filters)


def rating_rows_query(user, filters: RatingFilters, columns: tuple[str, ...]) -> tuple[Select, Select]:
    """A list page's rows: the rating's id and ``columns`` (the rating's, and
    ``organization_name``) in ``rating_list_query``'s order, and the statement that counts them
    (``rating_count_query``); built once per account, filters and columns (issue 7). ORM ratings
    of 22 columns with their organizations were most of a list page's time."""
    def build() -> tuple[Select, Select]:
        selected = [PartyOrganization.name.label(name) if name == "organization_name"
                    else getattr(Rating, name) for name in columns]
        rows = rating_list_query(user, filters).with_only_columns(
            Rating.id, *selected, maintain_column_froms=True)
        return rows, rating_count_query(user, filters)
    key = ("rating-rows", user_key(user), filters.year, filters.status, filters.stars,
           filters.organization_id, filters.order, columns)
    return reuse(key, build)


_YEAR = bindparam("year", type_=Integer)


def distribution(user, year: int) -> dict:
    """Confirmed ratings of ``year``: count by stars and by level, one grouped query (its
    statement built once per account)."""
    def build() -> Select:
        level = case((Rating.nomination == "approved", "district"), else_="township")
        return scoped(select(Rating.stars, level, func.count()), Rating, user).where(
            Rating.year == _YEAR, Rating.status == "confirmed", Rating.stars.isnot(None)
        ).group_by(Rating.stars, level)
    stmt = reuse(("rating-distribution", user_key(user)), build)
    by_stars = {"5": 0, "4": 0, "3": 0}
    by_level = {"district": 0, "township": 0}
    for stars, lvl, count in db.session.connection().execute(stmt, {"year": year}):
        by_stars[str(stars)] = by_stars.get(str(stars), 0) + count
        by_level[lvl] += count
    return {"year": year, "by_stars": by_stars, "by_level": by_level}


def progress(user, year: int) -> dict[str, int]:
    """How many ratings of ``year`` are in each workflow status."""
    stmt = reuse(("rating-progress", user_key(user)), lambda: scoped(
        select(Rating.status, func.count()), Rating, user).where(Rating.year == _YEAR).group_by(Rating.status))
    counts = dict.fromkeys(STATUS_ORDER, 0)
    counts.update(dict(db.session.connection().execute(stmt, {"year": year}).tuples().all()))
    return counts


def years(user) -> list[int]:
    """The years that have a rating cycle (a rubric), newest first. Every rating belongs to its
    year's rubric, so these are the years that can have ratings; reading the few rubrics, not a
    DISTINCT over every rating of every year."""
    stmt = reuse(("rating-years", user_key(user)), lambda: scoped(
        select(Rubric.year), Rubric, user).order_by(Rubric.year.desc()))
    return list(db.session.connection().execute(stmt).scalars())


def history(organization_id: int, user) -> list[Rating]:
    """An organization's ratings across years, oldest first (for rise/fall)."""
    stmt = scoped(select(Rating), Rating, user).where(
        Rating.organization_id == organization_id).order_by(Rating.year)
    return list(db.session.scalars(stmt))


def with_trend(ratings: list[Rating]) -> list[tuple[Rating, int | None]]:
    """Each rating with its change in stars against the year before (None if not comparable)."""
    out: list[tuple[Rating, int | None]] = []
    previous = None
    for rating in ratings:
        trend = None
        if previous is not None and previous.status == "confirmed" and rating.stars is not None:
            trend = (rating.stars or 0) - (previous.stars or 0)
        out.append((rating, trend))
        previous = rating
    return out


def organization_tree(user) -> list[tuple[PartyOrganization, int]]:
    """Visible organizations depth-first with their depth (one query)."""
    stmt = organization_list_query(user)
    organizations = list(db.session.scalars(stmt).unique())
    children: dict[int | None, list[PartyOrganization]] = {}
    ids = {o.id for o in organizations}
    for org in organizations:
        children.setdefault(org.parent_id if org.parent_id in ids else None, []).append(org)
    out: list[tuple[PartyOrganization, int]] = []

    def walk(parent, depth):
        for org in children.get(parent, []):
            out.append((org, depth))
            walk(org.id, depth + 1)

    walk(None, 0)
    return out
