"""Queries of the three lists, shared by pages, the API, figures and exports."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Date, Row, Select, cast, func, literal, null, or_, select, union_all
from sqlalchemy.orm import joinedload, selectinload

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


def need_list_query(user, filters: ListFilters, *, today: date) -> Select:
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
    # A row shows (and the API dumps) the category's and the unit's names only: joined into the
    # page's own SELECT, not two more queries of whole rows.
    return stmt.order_by(Need.id.desc()).options(joinedload(Need.category).load_only(ListCategory.name),
                                                 joinedload(Need.unit).load_only(MemberUnit.name))


def resource_list_query(user, filters: ListFilters) -> Select:
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
    return stmt.order_by(Resource.id.desc()).options(
        joinedload(Resource.category).load_only(ListCategory.name),
        joinedload(Resource.unit).load_only(MemberUnit.name))


def project_list_query(user, filters: ListFilters, *, detail: bool = False) -> Select:
    """Projects the user may see, newest first. ``detail`` (the API list, with
    ``project_list_items``) joins each project's category name and lead unit into the page's
    SELECT; without it (the home panel, the unit page: title and stage) nothing more."""
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
    stmt = stmt.order_by(Project.id.desc())
    if not detail:
        return stmt
    return stmt.options(joinedload(Project.category).load_only(ListCategory.name),
                        joinedload(Project.lead_unit).load_only(MemberUnit.name))


class ProjectListItem(dict):
    """A project of a list with its partners, needs, resources and stage changes as plain
    dicts of what ``ProjectSchema`` shows of them (``UnitRef``, ``NeedRef``,
    ``TransitionSchema``); any other key (``item["title"]``, as a schema reads it) is the
    project's own attribute. A mapping, so that dumping reads each value with one lookup."""

    __slots__ = ("project",)

    def __init__(self, project: Project):
        super().__init__(partners=[], needs=[], resources=[], transitions=[])
        self.project = project

    def __missing__(self, key: str):
        return getattr(self.project, key)


def project_list_items(projects: Sequence[Project]) -> list[ProjectListItem]:
    """``projects`` with their references, in four column queries whatever their number, in the
    relationships' orders. Loading them as related ORM objects (four ``selectinload``) cost
    ~15 ms of a 50-project API page; these read ~200 rows as tuples."""
    items = [ProjectListItem(p) for p in projects]
    if not items:
        return items
    by_id = {item.project.id: item for item in items}
    ids = list(by_id)
    for project_id, unit_id, name in db.session.execute(
            select(project_partners.c.project_id, MemberUnit.id, MemberUnit.name)
            .join(MemberUnit, MemberUnit.id == project_partners.c.unit_id)
            .where(project_partners.c.project_id.in_(ids)).order_by(MemberUnit.name, MemberUnit.id)):
        by_id[project_id]["partners"].append({"id": unit_id, "name": name})
    for link, model, key in ((project_needs, Need, "needs"), (project_resources, Resource, "resources")):
        target = link.c.need_id if model is Need else link.c.resource_id
        for project_id, record_id, title, status in db.session.execute(
                select(link.c.project_id, model.id, model.title, model.status)
                .join(model, model.id == target)
                .where(link.c.project_id.in_(ids)).order_by(model.id)):
            by_id[project_id][key].append({"id": record_id, "title": title, "status": status})
    for step in db.session.execute(
            select(ProjectTransition.project_id, ProjectTransition.from_stage, ProjectTransition.to_stage,
                   ProjectTransition.actor_name, ProjectTransition.occurred_at, ProjectTransition.note)
            .where(ProjectTransition.project_id.in_(ids)).order_by(ProjectTransition.id)):
        by_id[step.project_id]["transitions"].append({
            "from_stage": step.from_stage, "to_stage": step.to_stage,
            "label": TRANSITIONS.get((step.from_stage, step.to_stage), ""), "actor_name": step.actor_name,
            "occurred_at": step.occurred_at, "note": step.note})
    return items


BOARD_LIMIT = 50  # cards per column; the column header gives the full count


def project_board(user, filters: ListFilters) -> tuple[dict[str, list[Row]], dict[str, int]]:
    """Projects by stage: the newest BOARD_LIMIT of each stage and each stage's count, in two
    queries whatever the data size. A card is a plain row of what it shows (id, title, stage,
    released, category_name, lead_unit_name): ~300 ORM projects with their categories and units
    cost more than the rest of the page."""
    base = scoped(select(Project), Project, user)
    if filters.category_id:
        base = base.where(Project.category_id == filters.category_id)
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
    stmt = scoped(select(Claim), Claim, user)
    if status:
        stmt = stmt.where(Claim.status == status)
    if unit_id:
        stmt = stmt.where(Claim.unit_id == unit_id)
    return stmt.order_by(Claim.id.desc()).options(selectinload(Claim.unit), selectinload(Claim.need),
                                                  selectinload(Claim.project))


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
    units = dict(db.session.execute(select(MemberUnit.id, MemberUnit.name).where(
        MemberUnit.id.in_(unit_ids))).tuples().all()) if unit_ids else {}
    contributions = sorted(
        ({"unit_id": u, "unit_name": units.get(u, ""), "resources": offered.get(u, 0),
          "led": led.get(u, 0), "joined": joined.get(u, 0)} for u in unit_ids),
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
