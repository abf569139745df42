"""Queries of the three lists, shared by pages, the API, figures and exports."""
from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import astuple, dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    Date,
    Row,
    Select,
    String,
    bindparam,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import joinedload, selectinload

from alliance.api.rows import api_page
from alliance.core.permissions import scoped
from alliance.core.search import contains
from alliance.core.statements import reuse, user_key
from alliance.extensions import db
from alliance.lists import matching
from alliance.lists.models import (
    CLAIM_STATUSES,
    NEED_STATUSES,
    OPEN_NEED_STATUSES,
    PROJECT_STAGES,
    RESOURCE_STATUSES,
    TRANSITIONS,
    Claim,
    ListCategory,
    Need,
    Project,
    ProjectTransition,
    Resource,
    project_needs,
    project_partners,
    project_resources,
)
from alliance.members.models import MemberUnit


@dataclass
class ListFilters:
    category_id: int | None = None
    status: str | None = None
    unit_id: int | None = None
    source_kind: str | None = None
    grid: str | None = None
    overdue: bool = False
    q: str | None = None
    stage: str | None = None
    kind: str | None = None
    year: int | None = None  # projects starting in that year (the board; the annual report's links)


def need_list_query(user, filters: ListFilters, *, today: date, plain: bool = False) -> Select:
    """Needs the user may see, newest first; ``plain``: without loader options (to read rows)."""
    stmt = scoped(select(Need), Need, user)
    if filters.category_id:
        stmt = stmt.where(Need.category_id == filters.category_id)
    if filters.status:
        stmt = stmt.where(Need.status == filters.status)
    if filters.unit_id:
        stmt = stmt.where(Need.unit_id == filters.unit_id)
    if filters.source_kind:
        stmt = stmt.where(Need.source_kind == filters.source_kind)
    if filters.grid:
        stmt = stmt.where(contains(Need.grid, filters.grid))
    if filters.overdue:
        stmt = stmt.where(Need.wanted_by < today, Need.status.in_(("draft", *OPEN_NEED_STATUSES)))
    if filters.q:
        stmt = stmt.where(or_(contains(Need.title, filters.q), contains(Need.source_name, filters.q)))
    stmt = stmt.order_by(Need.id.desc())
    if plain:
        return stmt
    # A row shows the category's and the unit's names only: joined into the page's own SELECT,
    # not two more queries of whole rows.
    return stmt.options(joinedload(Need.category).load_only(ListCategory.name),
                                                 joinedload(Need.unit).load_only(MemberUnit.name))


def resource_list_query(user, filters: ListFilters, *, plain: bool = False) -> Select:
    stmt = scoped(select(Resource), Resource, user)
    if filters.category_id:
        stmt = stmt.where(Resource.category_id == filters.category_id)
    if filters.status:
        stmt = stmt.where(Resource.status == filters.status)
    if filters.unit_id:
        stmt = stmt.where(Resource.unit_id == filters.unit_id)
    if filters.kind:
        stmt = stmt.where(Resource.kind == filters.kind)
    if filters.q:
        stmt = stmt.where(contains(Resource.title, filters.q))
    stmt = stmt.order_by(Resource.id.desc())
    if plain:
        return stmt
    return stmt.options(
        joinedload(Resource.category).load_only(ListCategory.name),
        joinedload(Resource.unit).load_only(MemberUnit.name))


def project_list_query(user, filters: ListFilters) -> Select:
    """Projects the user may see, newest first (the API list reads them as rows,
    ``project_api_page``; the home panel and the unit page their title and stage)."""
    stmt = scoped(select(Project), Project, user)
    if filters.category_id:
        stmt = stmt.where(Project.category_id == filters.category_id)
    if filters.stage:
        stmt = stmt.where(Project.stage == filters.stage)
    if filters.unit_id:
        partner = select(project_partners.c.project_id).where(project_partners.c.unit_id == filters.unit_id)
        stmt = stmt.where(or_(Project.lead_unit_id == filters.unit_id, Project.id.in_(partner)))
    if filters.q:
        stmt = stmt.where(contains(Project.title, filters.q))
    return stmt.order_by(Project.id.desc())


class UnitRefRow(NamedTuple):
    """What ``UnitRef`` dumps of a unit (a named tuple: dumped by position, ``api.dumping``)."""

    id: int
    name: str


class NeedRefRow(NamedTuple):
    """What ``NeedRef`` dumps of a need or a resource."""

    id: int
    title: str
    status: str


class TransitionRow(NamedTuple):
    """What ``TransitionSchema`` dumps of a stage change."""

    from_stage: str
    to_stage: str
    label: str
    actor_name: str
    occurred_at: datetime
    note: str | None


def _filters_key(user, filters: ListFilters, *extra) -> tuple:
    return (user_key(user), *astuple(filters), *extra)


# --- the API lists: rows of the columns the schemas dump, as light items -------------------------

_RECORD_COLUMNS = ("id", "version", "created_at", "updated_at", "deleted_at")
_NEED_API_COLUMNS = (*_RECORD_COLUMNS, "title", "description", "category_id", "source_kind",
                     "source_name", "submitter_name", "beneficiary_count", "beneficiary_group",
                     "urgency", "wanted_by", "grid", "unit_id", "status")
_RESOURCE_API_COLUMNS = (*_RECORD_COLUMNS, "title", "description", "kind", "category_id",
                         "capacity_amount", "capacity_unit", "available_from", "available_to",
                         "contact", "unit_id", "status")
_PROJECT_API_COLUMNS = (*_RECORD_COLUMNS, "title", "description", "category_id", "lead_unit_id",
                        "budget", "starts_on", "ends_on", "released", "stage", "outcome_summary",
                        "people_served", "stop_reason")


def _unit_ref(id_field: str, name_field: str):
    def unit(row) -> UnitRefRow | None:
        unit_id = getattr(row, id_field)
        return UnitRefRow(unit_id, getattr(row, name_field)) if unit_id is not None else None
    return unit


@functools.cache
def _need_item() -> Any:
    """A need of the API list: a tuple of what ``NeedSchema`` dumps, in its order (dumped by
    position), from a row of its columns with the category's and the unit's names joined
    (issue 7: ORM needs with their joined categories and units cost most of the page)."""
    from alliance.api.schemas import dump_tuple
    from alliance.lists.schemas import NeedSchema

    base: Any = dump_tuple(NeedSchema)

    class NeedItem(base):
        __slots__ = ()
        wanted_by: date | None
        status: str

        def is_overdue(self, today: date) -> bool:  # NeedSchema's overdue (a Method) is given the tuple
            return (self.wanted_by is not None and self.wanted_by < today
                    and self.status in ("draft", *OPEN_NEED_STATUSES))

    return NeedItem


@functools.cache
def _resource_item() -> Any:
    """A resource of the API list (see ``_need_item``)."""
    from alliance.api.schemas import dump_tuple
    from alliance.lists.schemas import ResourceSchema

    return dump_tuple(ResourceSchema)


@functools.cache
def _project_item() -> Any:
    """A project of the API list: its columns, category and lead unit from the page's row, its
    partners, needs, resources and stage changes (lists, filled from one more query of rows)."""
    from alliance.api.schemas import dump_tuple
    from alliance.lists.schemas import ProjectSchema

    return dump_tuple(ProjectSchema)


_NEED_COMPUTED = {"unit": _unit_ref("unit_id", "unit_name"),
                  "status_label": lambda row: NEED_STATUSES.label(row.status)}
_RESOURCE_COMPUTED = {"unit": lambda row: UnitRefRow(row.unit_id, row.unit_name),
                      "status_label": lambda row: RESOURCE_STATUSES.label(row.status)}
_PROJECT_COMPUTED = {"lead_unit": _unit_ref("lead_unit_id", "lead_unit_name"),
                     "stage_label": lambda row: PROJECT_STAGES.label(row.stage),
                     "partners": lambda row: [], "needs": lambda row: [], "resources": lambda row: [],
                     "transitions": lambda row: []}


def _api_rows(model, names: tuple[str, ...], listed: Select, unit_column, unit_label: str,
              outer: bool) -> tuple[Select, Select]:
    columns = [getattr(model, name) for name in names]
    rows = listed.with_only_columns(*columns, ListCategory.name.label("category_name"),
                                    MemberUnit.name.label(unit_label), maintain_column_froms=True) \
        .join(ListCategory, ListCategory.id == model.category_id) \
        .join(MemberUnit, MemberUnit.id == unit_column, isouter=outer)
    return rows, listed


def need_api_page(user, filters: ListFilters, page: int, per_page: int, *, today: date):
    """A page of the API list of needs, counted exactly (``paginate``)."""
    return api_page(("need-api-rows", *_filters_key(user, filters, today if filters.overdue else None)),
                    lambda: _api_rows(Need, _NEED_API_COLUMNS, need_list_query(user, filters, today=today,
                                                                               plain=True),
                                      Need.unit_id, "unit_name", True),
                    page, per_page, _need_item(), _NEED_COMPUTED)


def resource_api_page(user, filters: ListFilters, page: int, per_page: int):
    """A page of the API list of resources, counted exactly."""
    return api_page(("resource-api-rows", *_filters_key(user, filters)),
                    lambda: _api_rows(Resource, _RESOURCE_API_COLUMNS,
                                      resource_list_query(user, filters, plain=True),
                                      Resource.unit_id, "unit_name", False),
                    page, per_page, _resource_item(), _RESOURCE_COMPUTED)


def project_api_page(user, filters: ListFilters, page: int, per_page: int):
    """A page of the API list of projects with their references (``project_references``): three
    statements whatever the page's size. As ORM projects with four reference queries it cost
    ~3x as much (issue 7)."""
    result = api_page(("project-api-rows", *_filters_key(user, filters)),
                      lambda: _api_rows(Project, _PROJECT_API_COLUMNS, project_list_query(user, filters),
                                        Project.lead_unit_id, "lead_unit_name", True),
                      page, per_page, _project_item(), _PROJECT_COMPUTED)
    if result.items:
        by_id = {item.id: item for item in result.items}
        for kind, project_id, ref_id, a, b, c, d, at in db.session.connection().execute(
                reuse("project-api-references", _project_references), {"ids": list(by_id)}):
            item = by_id[project_id]
            if kind == "t":
                item.transitions.append(TransitionRow(a, b, TRANSITIONS.get((a, b), ""), c, at, d))
            elif kind == "p":
                item.partners.append(UnitRefRow(ref_id, a))
            else:
                (item.needs if kind == "n" else item.resources).append(NeedRefRow(ref_id, a, b))
    return result


def _project_references() -> Select:
    """Projects' partners, needs, resources and stage changes, in the relationships' orders, as
    one UNION ALL of (kind, project id, id, four texts, a time)."""
    from alliance.core.types import UTCDateTime

    ids: Any = bindparam("ids", expanding=True)
    # Typed NULLs: PostgreSQL types a UNION's column from its first branches' values.
    text, when = cast(null(), String), cast(null(), UTCDateTime)
    partners = select(literal("p").label("kind"), project_partners.c.project_id.label("project_id"),
                      MemberUnit.id.label("ref_id"), MemberUnit.name.label("a"), text.label("b"),
                      text.label("c"), text.label("d"), when.label("at"), MemberUnit.name.label("sort")) \
        .join(MemberUnit, MemberUnit.id == project_partners.c.unit_id) \
        .where(project_partners.c.project_id.in_(ids))
    parts = [partners]
    for kind, link, model, target in (("n", project_needs, Need, project_needs.c.need_id),
                                      ("r", project_resources, Resource, project_resources.c.resource_id)):
        parts.append(select(literal(kind), link.c.project_id, model.id, model.title, model.status,
                            text, text, when, text)
                     .join(model, model.id == target).where(link.c.project_id.in_(ids)))
    parts.append(select(literal("t"), ProjectTransition.project_id, ProjectTransition.id,
                        ProjectTransition.from_stage, ProjectTransition.to_stage, ProjectTransition.actor_name,
                        ProjectTransition.note, ProjectTransition.occurred_at, text)
                 .where(ProjectTransition.project_id.in_(ids)))
    both = union_all(*parts).subquery()
    return select(both.c.kind, both.c.project_id, both.c.ref_id, both.c.a, both.c.b, both.c.c, both.c.d,
                  both.c.at).order_by(both.c.kind, both.c.sort, both.c.ref_id)


# --- the HTML lists: rows of the columns a page shows ------------------------------------------

def need_rows(user, filters: ListFilters, *, today: date) -> tuple[Select, Select]:
    """The needs page's rows (id, title, status, wanted_by, source_kind, source_name, grid,
    category_name, unit_name) and the same needs without the joins, to count them; built once per
    account and filters (``core.statements``)."""
    def build():
        listed = need_list_query(user, filters, today=today, plain=True)
        rows = listed.with_only_columns(
            Need.id, Need.title, Need.status, Need.wanted_by, Need.source_kind, Need.source_name, Need.grid,
            ListCategory.name.label("category_name"), MemberUnit.name.label("unit_name"),
            maintain_column_froms=True) \
            .join(ListCategory, ListCategory.id == Need.category_id) \
            .outerjoin(MemberUnit, MemberUnit.id == Need.unit_id)
        return rows, listed
    return reuse(("need-rows", *_filters_key(user, filters, today if filters.overdue else None)), build)


def resource_rows(user, filters: ListFilters) -> tuple[Select, Select]:
    """The resources page's rows and the same resources without the joins (see ``need_rows``)."""
    def build():
        listed = resource_list_query(user, filters, plain=True)
        rows = listed.with_only_columns(
            Resource.id, Resource.title, Resource.status, Resource.kind, Resource.capacity_amount,
            Resource.capacity_unit, Resource.available_to, ListCategory.name.label("category_name"),
            MemberUnit.name.label("unit_name"), maintain_column_froms=True) \
            .join(ListCategory, ListCategory.id == Resource.category_id) \
            .join(MemberUnit, MemberUnit.id == Resource.unit_id)
        return rows, listed
    return reuse(("resource-rows", *_filters_key(user, filters)), build)


def claim_rows(user, *, status: str | None = None, unit_id: int | None = None) -> tuple[Select, Select]:
    """The claims page's rows (the claim's columns it shows, the unit's name, the need's or the
    project's title) and the same claims without the joins: one statement instead of the claims
    and three selectin loads of their units, needs and projects."""
    def build():
        listed = _claims(user, status, unit_id)
        rows = listed.with_only_columns(
            Claim.id, Claim.unit_id, Claim.status, Claim.need_id, Claim.project_id, Claim.commitment,
            Claim.version, MemberUnit.name.label("unit_name"), Need.title.label("need_title"),
            Project.title.label("project_title"), maintain_column_froms=True) \
            .join(MemberUnit, MemberUnit.id == Claim.unit_id) \
            .outerjoin(Need, Need.id == Claim.need_id).outerjoin(Project, Project.id == Claim.project_id)
        return rows, listed
    return reuse(("claim-rows", user_key(user), status, unit_id), build)


def category_rows(alliance_id: int, kind: str) -> list:
    """(id, name) of the live categories of ``kind``, in order: the lists' filter."""
    from alliance.core.pagination import plain_rows

    return plain_rows(db.session.connection().execute(
        reuse("list-category-rows", _category_rows), {"alliance_id": alliance_id, "kind": kind}).all())


def _category_rows() -> Select:
    return select(ListCategory.id, ListCategory.name).where(
        ListCategory.alliance_id == bindparam("alliance_id"), ListCategory.kind == bindparam("kind"),
        ListCategory.deleted_at.is_(None)).order_by(ListCategory.position, ListCategory.id)


BOARD_LIMIT = 50  # cards per column; the column header gives the full count


def project_board(user, filters: ListFilters) -> tuple[dict[str, list[Row]], dict[str, int]]:
    """Projects by stage: the newest BOARD_LIMIT of each stage and each stage's count, in two
    queries whatever the data size. A card is a plain row of what it shows (id, title, stage,
    released, category_name, lead_unit_name): ~300 ORM projects with their categories and units
    cost more than the rest of the page."""
    base = scoped(select(Project), Project, user)
    if filters.category_id:
        base = base.where(Project.category_id == filters.category_id)
    if filters.year:
        base = base.where(Project.starts_on.between(date(filters.year, 1, 1), date(filters.year, 12, 31)))
    counts = dict(db.session.execute(
        base.with_only_columns(Project.stage, func.count(Project.id)).group_by(Project.stage)).tuples().all())
    ranked = base.with_only_columns(
        Project.id, func.row_number().over(partition_by=Project.stage,
                                           order_by=Project.id.desc()).label("n")).subquery()
    ids = select(ranked.c.id).where(ranked.c.n <= BOARD_LIMIT)
    cards = db.session.execute(
        select(Project.id, Project.title, Project.stage, Project.released,
               ListCategory.name.label("category_name"), MemberUnit.name.label("lead_unit_name"))
        .join(ListCategory, ListCategory.id == Project.category_id)
        .outerjoin(MemberUnit, MemberUnit.id == Project.lead_unit_id)
        .where(Project.id.in_(ids)).order_by(Project.id.desc())).all()
    columns: dict[str, list[Row]] = {}
    for card in cards:
        columns.setdefault(card.stage, []).append(card)
    return columns, counts


def claim_list_query(user, *, status: str | None = None, unit_id: int | None = None) -> Select:
    return _claims(user, status, unit_id).options(selectinload(Claim.unit), selectinload(Claim.need),
                                                  selectinload(Claim.project))


def _claims(user, status: str | None, unit_id: int | None) -> Select:
    stmt = scoped(select(Claim), Claim, user)
    if status:
        stmt = stmt.where(Claim.status == status)
    if unit_id:
        stmt = stmt.where(Claim.unit_id == unit_id)
    return stmt.order_by(Claim.id.desc())


def categories_of(alliance_id: int, kind: str) -> Sequence[ListCategory]:
    return db.session.scalars(select(ListCategory).where(
        ListCategory.alliance_id == alliance_id, ListCategory.kind == kind,
        ListCategory.deleted_at.is_(None)).order_by(ListCategory.position, ListCategory.id)).all()


# --- matching ------------------------------------------------------------------------------

def delivered_by_unit(alliance_id: int) -> dict[int, int]:
    """Closed projects each unit led or joined: its record of delivering."""
    closed = select(Project.id).where(Project.alliance_id == alliance_id, Project.stage == "closed",
                                      Project.deleted_at.is_(None))
    led = select(Project.lead_unit_id.label("unit_id")).where(Project.id.in_(closed),
                                                              Project.lead_unit_id.is_not(None))
    joined = select(project_partners.c.unit_id.label("unit_id")).where(
        project_partners.c.project_id.in_(closed))
    both = union_all(led, joined).subquery()
    return dict(db.session.execute(select(both.c.unit_id, func.count()).group_by(both.c.unit_id)).tuples().all())


def _category_names(alliance_id: int) -> dict[int, str]:
    return dict(db.session.execute(select(ListCategory.id, ListCategory.name).where(
        ListCategory.alliance_id == alliance_id)).tuples().all())


def need_candidate(need: Need, names: dict[int, str] | None = None) -> matching.Candidate:
    names = names or {need.category_id: need.category.name}
    return matching.Candidate(
        id=need.id, title=need.title, category_id=need.category_id,
        category_name=names.get(need.category_id, ""),
        terms=matching.stored_terms(need.match_terms), unit_id=need.unit_id,
        wanted_by=need.wanted_by, beneficiaries=need.beneficiary_count,
        chars=matching.bigrams(need.title))


def resource_candidate(resource: Resource, names: dict[int, str] | None = None) -> matching.Candidate:
    names = names or {resource.category_id: resource.category.name}
    return matching.Candidate(
        id=resource.id, title=resource.title, category_id=resource.category_id,
        category_name=names.get(resource.category_id, ""),
        terms=matching.stored_terms(resource.match_terms), unit_id=resource.unit_id,
        available_from=resource.available_from, available_to=resource.available_to,
        capacity_amount=resource.capacity_amount, capacity_unit=resource.capacity_unit,
        chars=matching.bigrams(resource.title))


PREFILTER_TERMS = 16


def _prefilter(model, category_id: int, terms: set[str]):
    """In SQL, what ``matching.worth_scoring`` keeps: the same category or a shared key word
    (terms are stored space-separated, so a word is matched with its spaces)."""
    words = sorted(terms, key=lambda w: (-len(w), w))[:PREFILTER_TERMS]
    padded = " " + model.match_terms + " "
    return or_(model.category_id == category_id,
               *(contains(padded, f" {w} ") for w in words))


def suggest_resources(user, need: Need, *, today: date, limit: int = 10):
    """[(Resource, score, reasons)] for a need: offered resources the user may see."""
    names = _category_names(need.alliance_id)
    rows = db.session.execute(scoped(select(
        Resource.id, Resource.title, Resource.category_id, Resource.match_terms, Resource.unit_id,
        Resource.available_from, Resource.available_to, Resource.capacity_amount,
        Resource.capacity_unit), Resource, user).where(
            Resource.status == "offered",
            _prefilter(Resource, need.category_id, matching.stored_terms(need.match_terms)))).all()
    target = need_candidate(need, names)
    candidates = [matching.Candidate(
        id=r.id, title=r.title, category_id=r.category_id, category_name=names.get(r.category_id, ""),
        terms=terms, unit_id=r.unit_id, available_from=r.available_from,
        available_to=r.available_to, capacity_amount=r.capacity_amount, capacity_unit=r.capacity_unit)
        for r in rows if (terms := matching.stored_terms(r.match_terms)) is not None
        and matching.worth_scoring(target, r.category_id, terms)]
    ranked = matching.rank_resources(target, candidates, today=today,
                                     delivered=delivered_by_unit(need.alliance_id), limit=limit)
    loaded = {r.id: r for r in db.session.scalars(select(Resource).where(
        Resource.id.in_([s.other_id for s in ranked])).options(
        selectinload(Resource.unit), selectinload(Resource.category)))}
    return [(loaded[s.other_id], s.score, s.reasons) for s in ranked]


def suggest_needs(user, resource: Resource, *, today: date, limit: int = 10):
    """[(Need, score, reasons)] for a resource: open needs the user may see."""
    names = _category_names(resource.alliance_id)
    rows = db.session.execute(scoped(select(
        Need.id, Need.title, Need.category_id, Need.match_terms, Need.unit_id, Need.wanted_by,
        Need.beneficiary_count), Need, user).where(
            Need.status.in_(OPEN_NEED_STATUSES),
            _prefilter(Need, resource.category_id, matching.stored_terms(resource.match_terms)))).all()
    target = resource_candidate(resource, names)
    candidates = [matching.Candidate(
        id=r.id, title=r.title, category_id=r.category_id, category_name=names.get(r.category_id, ""),
        terms=terms, unit_id=r.unit_id, wanted_by=r.wanted_by,
        beneficiaries=r.beneficiary_count)
        for r in rows if (terms := matching.stored_terms(r.match_terms)) is not None
        and matching.worth_scoring(target, r.category_id, terms)]
    ranked = matching.rank_needs(target, candidates, today=today,
                                 delivered=delivered_by_unit(resource.alliance_id), limit=limit)
    loaded = {n.id: n for n in db.session.scalars(select(Need).where(
        Need.id.in_([s.other_id for s in ranked])).options(
        selectinload(Need.unit), selectinload(Need.category)))}
    return [(loaded[s.other_id], s.score, s.reasons) for s in ranked]


# --- figures -------------------------------------------------------------------------------

def figures(user) -> dict:
    """Needs met rate, projects by stage and category, people served, units' contributions."""
    aid = user.alliance_id
    needs = scoped(select(Need.status, func.count(Need.id)), Need, user).group_by(Need.status)
    by_status = dict(db.session.execute(needs).tuples().all())
    counted = sum(n for s, n in by_status.items() if s not in ("draft", "cancelled"))
    met = by_status.get("met", 0)
    stages = dict(db.session.execute(scoped(select(Project.stage, func.count(Project.id)), Project, user)
                                     .group_by(Project.stage)).tuples().all())
    by_category = db.session.execute(
        scoped(select(ListCategory.name, func.count(Project.id)), Project, user)
        .join(ListCategory, ListCategory.id == Project.category_id)
        .group_by(ListCategory.name, ListCategory.position).order_by(ListCategory.position)).all()
    served = db.session.scalar(scoped(select(func.coalesce(func.sum(Project.people_served), 0)),
                                      Project, user).where(Project.stage == "closed")) or 0
    offered = dict(db.session.execute(
        select(Resource.unit_id, func.count(Resource.id)).where(
            Resource.alliance_id == aid, Resource.deleted_at.is_(None), Resource.status == "offered")
        .group_by(Resource.unit_id)).tuples().all())
    led = dict(db.session.execute(select(Project.lead_unit_id, func.count(Project.id)).where(
        Project.alliance_id == aid, Project.deleted_at.is_(None), Project.lead_unit_id.is_not(None))
        .group_by(Project.lead_unit_id)).tuples().all())
    joined = dict(db.session.execute(select(project_partners.c.unit_id, func.count()).join(
        Project, Project.id == project_partners.c.project_id).where(
        Project.alliance_id == aid, Project.deleted_at.is_(None)).group_by(project_partners.c.unit_id)).tuples().all())
    unit_ids = set(offered) | set(led) | set(joined)
    # Only the units the user may see are named (a liaison: their own; issue 14's demo projects
    # led by many units showed the others' names on this page).
    units = dict(db.session.execute(scoped(select(MemberUnit.id, MemberUnit.name), MemberUnit, user).where(
        MemberUnit.id.in_(unit_ids))).tuples().all()) if unit_ids else {}
    contributions = sorted(
        ({"unit_id": u, "unit_name": units[u], "resources": offered.get(u, 0),
          "led": led.get(u, 0), "joined": joined.get(u, 0)} for u in unit_ids if u in units),
        key=lambda c: (-(c["resources"] + c["led"] + c["joined"]), c["unit_name"]))
    return {"needs_by_status": by_status, "needs_counted": counted, "needs_met": met,
            "met_rate": round(met / counted, 3) if counted else 0.0,
            "projects_by_stage": stages, "projects_by_category": [tuple(r) for r in by_category],
            "people_served": int(served), "contributions": contributions}


# --- the unit page's panel -----------------------------------------------------------------

@dataclass(frozen=True)
class UnitListItem:
    """One line of the unit page's three-lists panel."""

    id: int
    title: str
    status_label: str
    overdue: bool = False


def unit_lists(user, unit_id: int, today: date, limit: int = 10) -> dict[str, list[UnitListItem]]:
    """The unit's newest needs, resources, claims and projects the user may see, ``limit`` of
    each, as one UNION ALL of the few columns the panel shows (four queries of ORM objects, and
    three more for the claims' units, needs and projects, were ~30% of the unit page; issue 7)."""
    found: dict[str, list[UnitListItem]] = {"needs": [], "resources": [], "claims": [], "projects": []}
    statuses = {"needs": NEED_STATUSES, "resources": RESOURCE_STATUSES, "claims": CLAIM_STATUSES,
                "projects": PROJECT_STAGES}
    stmt = reuse(("unit-lists", user_key(user), unit_id, limit), lambda: _unit_lists(user, unit_id, limit))
    for kind, item_id, title, status, wanted_by in sorted(db.session.execute(stmt).all(),
                                                          key=lambda row: -row[1]):
        overdue = (kind == "needs" and wanted_by is not None and wanted_by < today
                   and status in ("draft", *OPEN_NEED_STATUSES))
        found[kind].append(UnitListItem(item_id, title or "", statuses[kind].label(status), overdue))
    return found


def _unit_lists(user, unit_id: int, limit: int):
    no_date = cast(null(), Date)

    def part(kind: str, stmt: Select) -> Select:
        sub = stmt.limit(limit).subquery()
        return select(literal(kind).label("kind"), *sub.c)

    needs = scoped(select(Need.id, Need.title, Need.status, Need.wanted_by), Need, user) \
        .where(Need.unit_id == unit_id).order_by(Need.id.desc())
    resources = scoped(select(Resource.id, Resource.title, Resource.status, no_date), Resource, user) \
        .where(Resource.unit_id == unit_id).order_by(Resource.id.desc())
    claims = scoped(select(Claim.id, func.coalesce(Need.title, Project.title), Claim.status, no_date),
                    Claim, user) \
        .outerjoin(Need, Need.id == Claim.need_id).outerjoin(Project, Project.id == Claim.project_id) \
        .where(Claim.unit_id == unit_id).order_by(Claim.id.desc())
    projects = project_list_query(user, ListFilters(unit_id=unit_id)).with_only_columns(
        Project.id, Project.title, Project.stage, no_date)
    return union_all(part("needs", needs), part("resources", resources), part("claims", claims),
                     part("projects", projects))
