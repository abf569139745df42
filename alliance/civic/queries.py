"""Civic practice queries: lists (one page query + one count), ledger totals, figures."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import Integer, Select, String, and_, bindparam, case, func, literal, select, union_all
from sqlalchemy.orm import joinedload, load_only, selectinload, with_expression

from alliance.civic.models import (
    FESTIVALS,
    CivicEvent,
    CivicEventPhoto,
    ItemLedger,
    LedgerEntry,
    ServiceOrder,
    ServiceProject,
    ServiceRecord,
    Venue,
    Volunteer,
    VolunteerTeam,
)
from alliance.core.dates import LOCAL_TZ
from alliance.core.permissions import scoped
from alliance.core.search import contains
from alliance.core.statements import derived, reuse, user_key
from alliance.core.types import UTCDateTime
from alliance.extensions import db
from alliance.members.models import MemberUnit


def local_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ)


def venue_list_query(user, kind: str | None = None, parent_id: int | None = None) -> Select:
    # The host unit's name (host_label) joined into the page's SELECT; no list shows the parent.
    stmt = scoped(select(Venue), Venue, user).options(joinedload(Venue.unit).load_only(MemberUnit.name))
    if kind:
        stmt = stmt.where(Venue.kind == kind)
    if parent_id is not None:
        stmt = stmt.where(Venue.parent_id == parent_id)
    order = case({"sub_centre": 0, "public_space": 1, "station": 2, "neighbourhood": 3, "party_station": 4},
                 value=Venue.kind, else_=9)
    return stmt.order_by(order, Venue.name, Venue.id)


def venue_tree(user) -> list[tuple[int, Any]]:
    """[(depth, venue row)] in tree order, for the venues page (one query): rows of the columns
    it shows, the host's label (``Venue.host_label``) joined in, built once per account."""
    from alliance.core.pagination import plain_rows

    def build() -> Select:
        return (venue_list_query(user).with_only_columns(
            Venue.id, Venue.kind, Venue.name, Venue.address, Venue.parent_id, Venue.is_sample,
            func.coalesce(MemberUnit.name, Venue.host_name, "").label("host_label"), maintain_column_froms=True)
            .outerjoin(MemberUnit, MemberUnit.id == Venue.unit_id))
    venues = plain_rows(db.session.connection().execute(reuse(("civic-venue-tree", user_key(user)), build)).all())
    children = defaultdict(list)
    ids = {v.id for v in venues}
    for venue in venues:
        children[venue.parent_id if venue.parent_id in ids else None].append(venue)
    out: list[tuple[int, Venue]] = []

    def walk(parent_id, depth):
        for venue in children.get(parent_id, []):
            out.append((depth, venue))
            walk(venue.id, depth + 1)

    walk(None, 0)
    return out


def editable_venues(user) -> Sequence[Venue]:
    """The venues this user may record at: all for staff, their unit's for a liaison."""
    stmt = venue_list_query(user)
    if user.role not in ("admin", "staff"):
        stmt = stmt.where(Venue.unit_id == user.unit_id)
    return db.session.scalars(stmt).all()


def team_list_query(user) -> Select:
    return scoped(select(VolunteerTeam), VolunteerTeam, user).options(
        selectinload(VolunteerTeam.unit)).order_by(VolunteerTeam.name, VolunteerTeam.id)


def volunteer_list_query(user, q: str | None = None, team_id: int | None = None) -> Select:
    stmt = scoped(select(Volunteer), Volunteer, user).options(selectinload(Volunteer.teams))
    if q and q.strip():
        stmt = stmt.where(contains(Volunteer.name, q.strip()[:50])
                          | contains(Volunteer.volunteer_no, q.strip()[:30]))
    if team_id:
        from alliance.civic.models import team_members
        members = select(team_members.c.volunteer_id).where(team_members.c.team_id == team_id)
        stmt = stmt.where(Volunteer.id.in_(members))
    return stmt.order_by(Volunteer.volunteer_no, Volunteer.id)


def hours_by_volunteer(volunteer_ids) -> dict[int, tuple[Decimal, Decimal]]:
    """{volunteer_id: (verified hours, all hours)} in one query."""
    if not volunteer_ids:
        return {}
    verified = func.sum(case((ServiceRecord.status == "verified", ServiceRecord.hours), else_=0))
    rows = db.session.execute(select(ServiceRecord.volunteer_id, verified, func.sum(ServiceRecord.hours))
                              .join(CivicEvent, CivicEvent.id == ServiceRecord.event_id)
                              .where(ServiceRecord.volunteer_id.in_(list(volunteer_ids)),
                                     ServiceRecord.deleted_at.is_(None), CivicEvent.deleted_at.is_(None))
                              .group_by(ServiceRecord.volunteer_id)).all()
    return {vid: (Decimal(str(v or 0)), Decimal(str(a or 0))) for vid, v, a in rows}


def project_list_query(user) -> Select:
    return scoped(select(ServiceProject), ServiceProject, user).options(
        selectinload(ServiceProject.team)).order_by(ServiceProject.name, ServiceProject.id)


def order_list_query(user, status: str | None = None) -> Select:
    stmt = scoped(select(ServiceOrder), ServiceOrder, user).options(
        selectinload(ServiceOrder.project), selectinload(ServiceOrder.venue), selectinload(ServiceOrder.team))
    if status:
        stmt = stmt.where(ServiceOrder.status == status)
    return stmt.order_by(ServiceOrder.id.desc())


# What a list of events loads (``event_list_query(shown=...)``): "page" the columns the events
# page shows with each event's number of photos; "api" every column with the photos; "export"
# every column with the project. Venue, organizing team and unit (their names) are joined in.
EVENT_PAGE_COLUMNS = (CivicEvent.id, CivicEvent.title, CivicEvent.starts_at, CivicEvent.venue_id,
                      CivicEvent.organizer_kind, CivicEvent.organizer_team_id, CivicEvent.organizer_unit_id,
                      CivicEvent.audience, CivicEvent.is_sample, CivicEvent.version)


def photo_count():
    """Each event's live photos, counted in its own row (for ``with_expression``)."""
    return (select(func.count(CivicEventPhoto.id))
            .where(CivicEventPhoto.event_id == CivicEvent.id, CivicEventPhoto.deleted_at.is_(None))
            .correlate(CivicEvent).scalar_subquery())


def event_list_query(user, *, venue_id=None, project_id=None, date_from=None, date_to=None,
                     shown: str = "api") -> Select:
    options: list[Any] = [joinedload(CivicEvent.venue).load_only(Venue.name),
                          joinedload(CivicEvent.organizer_team).load_only(VolunteerTeam.name),
                          joinedload(CivicEvent.organizer_unit).load_only(MemberUnit.name)]
    if shown == "page":
        options += [load_only(*EVENT_PAGE_COLUMNS), with_expression(CivicEvent.photo_count, photo_count())]
    elif shown == "api":
        options.append(selectinload(CivicEvent.photos).load_only(
            CivicEventPhoto.original_name, CivicEventPhoto.content_type, CivicEventPhoto.size_bytes))
    else:
        options.append(selectinload(CivicEvent.project).load_only(ServiceProject.name))
    return _events(user, venue_id, project_id, date_from, date_to).options(*options)


# --- the events lists as rows (issue 7) ---------------------------------------------------------

def _event_filters_key(user, venue_id, project_id, date_from, date_to) -> tuple:
    return (user_key(user), venue_id, project_id, date_from, date_to)


def _events(user, venue_id=None, project_id=None, date_from=None, date_to=None) -> Select:
    """The events ``user`` may see with the filters, newest first, of CivicEvent alone (what
    counts a page of them)."""
    stmt = scoped(select(CivicEvent), CivicEvent, user)
    if venue_id:
        stmt = stmt.where(CivicEvent.venue_id == venue_id)
    if project_id:
        stmt = stmt.where(CivicEvent.project_id == project_id)
    if date_from:
        stmt = stmt.where(CivicEvent.starts_at >= local_start(date_from))
    if date_to:
        stmt = stmt.where(CivicEvent.starts_at < local_start(date_to) + _one_day())
    return stmt.order_by(CivicEvent.starts_at.desc(), CivicEvent.id.desc())


def _organizer_label():
    """``CivicEvent.organizer_label`` in SQL, over the joins of ``_event_rows``."""
    return case((and_(CivicEvent.organizer_kind == "team", VolunteerTeam.id.is_not(None)), VolunteerTeam.name),
                (and_(CivicEvent.organizer_kind == "unit", MemberUnit.id.is_not(None)), MemberUnit.name),
                else_=func.coalesce(Venue.name, ""))


def _event_rows(listed: Select, *columns) -> Select:
    """``listed``'s events as rows of ``columns`` with the venue's name and the organizer's label
    joined in (the venue, organizing team and unit read by id, as their relationships do)."""
    return (listed.with_only_columns(*columns, Venue.name.label("venue_name"),
                                     _organizer_label().label("organizer_label"), maintain_column_froms=True)
            .outerjoin(Venue, Venue.id == CivicEvent.venue_id)
            .outerjoin(VolunteerTeam, VolunteerTeam.id == CivicEvent.organizer_team_id)
            .outerjoin(MemberUnit, MemberUnit.id == CivicEvent.organizer_unit_id))


def event_rows_query(user, *, venue_id=None) -> tuple[Select, Select]:
    """The events page's rows and what counts them: the columns it shows, the venue's name, the
    organizer's label and the number of live photos in one statement, built once per account
    and filters (``core.statements``). As ORM events with three joined relationships and a
    query expression a page cost ~2x its floor."""
    def build() -> tuple[Select, Select]:
        listed = _events(user, venue_id)
        rows = _event_rows(listed, CivicEvent.id, CivicEvent.title, CivicEvent.starts_at, CivicEvent.audience,
                           CivicEvent.is_sample, photo_count().label("photo_count"))
        return rows, listed
    return reuse(("civic-event-rows", *_event_filters_key(user, venue_id, None, None, None)), build)


_EVENT_API_COLUMNS = ("id", "version", "created_at", "updated_at", "deleted_at", "title", "project_id",
                      "venue_id", "starts_at", "ends_at", "organizer_kind", "organizer_unit_id",
                      "organizer_team_id", "description", "audience", "unit_id", "is_sample")


class _VenueName:
    __slots__ = ("name",)

    def __init__(self, name: str | None):
        self.name = name


class EventItem:
    """An event of the API list: what ``EventSchema`` reads of it by attribute (its columns,
    ``venue.name``, ``organizer_label``, ``photos``), from rows instead of ORM objects."""

    __slots__ = (*_EVENT_API_COLUMNS, "venue", "organizer_label", "photos")

    def __init__(self, row: Any, photos: list):
        for name in _EVENT_API_COLUMNS:
            setattr(self, name, getattr(row, name))
        self.venue = _VenueName(row.venue_name) if row.venue_name is not None else None
        self.organizer_label = row.organizer_label
        self.photos = photos


def event_api_page(user, page: int, per_page: int, *, venue_id=None, project_id=None, date_from=None,
                   date_to=None):
    """A page of the API list, counted exactly: the events' columns with the venue's name and
    the organizer's label joined, and the page's live photos in one more query of rows. As ORM
    events with three joined relationships and selectin-loaded photos it cost ~4x its floor."""
    from alliance.core.pagination import paginate, plain_rows

    def build() -> tuple[Select, Select]:
        listed = _events(user, venue_id, project_id, date_from, date_to)
        return _event_rows(listed, *[getattr(CivicEvent, name) for name in _EVENT_API_COLUMNS]), listed
    rows, counted = reuse(("civic-event-api-rows",
                           *_event_filters_key(user, venue_id, project_id, date_from, date_to)), build)
    result = paginate(rows, page, per_page, scalars=False, count=counted)
    photos: dict[int, list] = {}
    if result.items:
        for photo in plain_rows(db.session.connection().execute(
                reuse("civic-event-api-photos", _event_api_photos), {"ids": [row.id for row in result.items]}).all()):
            photos.setdefault(photo.event_id, []).append(photo)
    result.items = [EventItem(row, photos.get(row.id, [])) for row in result.items]
    return result


def _event_api_photos() -> Select:
    # What CivicEvent.photos loads (its primaryjoin and order), as rows of the schema's columns.
    return (select(CivicEventPhoto.id, CivicEventPhoto.event_id, CivicEventPhoto.original_name,
                   CivicEventPhoto.content_type, CivicEventPhoto.size_bytes)
            .where(CivicEventPhoto.event_id.in_(bindparam("ids", expanding=True)),
                   CivicEventPhoto.deleted_at.is_(None))
            .order_by(CivicEventPhoto.event_id, CivicEventPhoto.position, CivicEventPhoto.id))


def _one_day():
    from datetime import timedelta
    return timedelta(days=1)


def record_list_query(user, *, event_id=None, volunteer_id=None, status=None, shown: str = "page") -> Select:
    """Service records, newest first. ``shown`` "page": the volunteer's name and number and the
    event's title and start joined in (the hours page, the event page, the export); "api": the
    records' own columns only (what the API lists)."""
    stmt = scoped(select(ServiceRecord), ServiceRecord, user)
    if shown == "page":
        stmt = stmt.options(
            joinedload(ServiceRecord.event).load_only(CivicEvent.title, CivicEvent.starts_at),
            joinedload(ServiceRecord.volunteer).load_only(Volunteer.name, Volunteer.volunteer_no))
    if event_id:
        stmt = stmt.where(ServiceRecord.event_id == event_id)
    if volunteer_id:
        stmt = stmt.where(ServiceRecord.volunteer_id == volunteer_id)
    if status:
        stmt = stmt.where(ServiceRecord.status == status)
    return stmt.order_by(ServiceRecord.id.desc())


def _record_filters(stmt: Select, event_id=None, volunteer_id=None, status=None) -> Select:
    if event_id:
        stmt = stmt.where(ServiceRecord.event_id == event_id)
    if volunteer_id:
        stmt = stmt.where(ServiceRecord.volunteer_id == volunteer_id)
    if status:
        stmt = stmt.where(ServiceRecord.status == status)
    return stmt


def record_rows_query(user, *, status=None) -> tuple[Select, Select]:
    """The hours page's rows and what counts them: the columns it shows with the volunteer's
    name and the event's title and start joined in (read by id, as the relationships do), built
    once per account and filter (``core.statements``)."""
    def build() -> tuple[Select, Select]:
        listed = _record_filters(scoped(select(ServiceRecord), ServiceRecord, user), status=status)
        listed = listed.order_by(ServiceRecord.id.desc())
        rows = (listed.with_only_columns(
            ServiceRecord.id, ServiceRecord.event_id, ServiceRecord.hours, ServiceRecord.status,
            Volunteer.name.label("volunteer_name"), CivicEvent.title.label("event_title"),
            CivicEvent.starts_at.label("event_starts_at"), maintain_column_froms=True)
            .outerjoin(Volunteer, Volunteer.id == ServiceRecord.volunteer_id)
            .outerjoin(CivicEvent, CivicEvent.id == ServiceRecord.event_id))
        return rows, listed
    return reuse(("civic-record-rows", user_key(user), status), build)


# ServiceRecordSchema's fields, every one a column of the record.
_RECORD_API_COLUMNS = ("id", "version", "created_at", "updated_at", "deleted_at", "event_id", "volunteer_id",
                       "hours", "role", "unit_id", "status", "verified_by", "verified_at")


def record_api_page(user, page: int, per_page: int, *, event_id=None, volunteer_id=None, status=None):
    """A page of the API list as rows of the schema's columns, counted exactly in one statement
    of two counts: the records in scope whether deleted or not, less the deleted ones among
    them. ``count(*) WHERE alliance_id = ? AND deleted_at IS NULL`` read every row of the
    alliance (~14 ms of a 20 ms page at 100,000 records on SQLite, the tail of the list); the
    first count is answered by the alliance index alone, the second reads only the deleted
    rows (their ids from the ``deleted_at`` index)."""
    from alliance.core.pagination import Page, plain_rows

    def build() -> tuple[Select, Select]:
        every = _record_filters(scoped(select(ServiceRecord.id), ServiceRecord, user, include_deleted=True),
                                event_id, volunteer_id, status)
        deleted = select(ServiceRecord.id).where(ServiceRecord.deleted_at.is_not(None))
        total = select(select(func.count()).select_from(every.subquery()).scalar_subquery()
                       - select(func.count()).select_from(every.where(ServiceRecord.id.in_(deleted),
                                                                      ServiceRecord.deleted_at.is_not(None))
                                                          .subquery()).scalar_subquery())
        listed = _record_filters(scoped(select(ServiceRecord), ServiceRecord, user), event_id, volunteer_id, status)
        rows = listed.with_only_columns(*[getattr(ServiceRecord, name) for name in _RECORD_API_COLUMNS])
        return rows.order_by(ServiceRecord.id.desc()), total
    rows, total = reuse(("civic-record-api-rows", user_key(user), event_id, volunteer_id, status), build)
    paged = derived(rows, ("page", page, per_page), lambda: rows.limit(per_page).offset((page - 1) * per_page))
    connection = db.session.connection()
    items = plain_rows(connection.execute(paged).all())
    if items and len(items) < per_page or not items and page == 1:
        # A page that is not full is the last one (core.pagination.paginate).
        return Page(items=items, total=(page - 1) * per_page + len(items), page=page, per_page=per_page)
    return Page(items=items, total=connection.scalar(total) or 0, page=page, per_page=per_page)


def ledger_list_query(user) -> Select:
    return scoped(select(ItemLedger), ItemLedger, user).options(
        selectinload(ItemLedger.entries).selectinload(LedgerEntry.event).selectinload(CivicEvent.venue),
        selectinload(ItemLedger.project)).order_by(ItemLedger.id)


def with_totals(ledgers):
    """Set ``made``, ``handed_out`` (from the entries) and ``in_stock`` on each ledger, in one
    query for them all."""
    ids = [ledger.id for ledger in ledgers]
    totals: dict[int, dict[str, int]] = defaultdict(dict)
    if ids:
        for ledger_id, kind, quantity in db.session.execute(
                select(LedgerEntry.ledger_id, LedgerEntry.kind, func.sum(LedgerEntry.quantity))
                .where(LedgerEntry.ledger_id.in_(ids), LedgerEntry.deleted_at.is_(None))
                .group_by(LedgerEntry.ledger_id, LedgerEntry.kind)):
            totals[ledger_id][kind] = int(quantity or 0)
    for ledger in ledgers:
        made, out = totals[ledger.id].get("made", 0), totals[ledger.id].get("handout", 0)
        ledger.made, ledger.handed_out = made, out
        ledger.in_stock_computed = made - out
    return ledgers


# --- figures -------------------------------------------------------------------------------

@dataclass
class Figures:
    year: int
    events: int
    audience: int
    hours: Decimal
    by_month: list[tuple[int, int, int, Decimal]]  # month, events, audience, hours
    by_venue: list[tuple[str, int, int, Decimal]]
    by_team: list[tuple[str, int, Decimal]]  # team, events, hours
    by_festival: list[tuple[str, int, int]]  # festival label, events, audience
    stations: list[tuple[str, int]]  # every station with its number of events
    idle_stations: list[str]


def _year_bounds(year: int):
    return local_start(date(year, 1, 1)), local_start(date(year + 1, 1, 1))


def _utc_offset_hours(start: datetime, end: datetime) -> int:
    """LOCAL_TZ's offset from UTC over [start, end), in whole hours. Asia/Shanghai has kept
    UTC+8 all year since 1991; should the offset differ across the year, say so rather than
    guess."""
    offset = start.utcoffset()
    if offset != end.utcoffset() or offset is None:
        raise ValueError(f"{LOCAL_TZ} changes its UTC offset between {start} and {end}")
    return int(offset.total_seconds() // 3600)


def _local_month(column, dialect: str, offset_hours: int):
    """The month, in LOCAL_TZ (``offset_hours`` from UTC), of the UTC timestamps ``column``,
    computed by the database."""
    if dialect == "sqlite":
        # UTCDateTime keeps naive UTC text on SQLite ("2021-01-01 01:00:00.000000").
        return func.cast(func.strftime("%m", column, f"{offset_hours:+d} hours"), Integer)
    return func.cast(func.extract("month", func.timezone(str(LOCAL_TZ), column)), Integer)


def _figures_statements(user, dialect: str, offset_hours: int) -> tuple[Any, Select]:
    """The figures' two statements for an account, the year's bounds left as parameters
    (``start``, ``end``): built once per account and kept (issue 7), since building them and
    their cache keys cost a tenth of the page."""
    start, end = bindparam("start", type_=UTCDateTime()), bindparam("end", type_=UTCDateTime())
    # The live service records' hours summed by event once, in one GROUP BY (over the covering
    # index on event_id, deleted_at, hours on SQLite; a hash aggregate on PostgreSQL), outer-joined
    # to the events: an event without live records has 0 hours. A correlated subquery per event
    # (issue 7) cost 2,000 index probes and, on PostgreSQL, a plan expensive enough to be JIT
    # compiled on every request (issue 11: 25% of the floor, p99 291 ms).
    hours = (select(ServiceRecord.event_id, func.sum(ServiceRecord.hours).label("hours"))
             .where(ServiceRecord.deleted_at.is_(None)).group_by(ServiceRecord.event_id).subquery("hours"))
    # Each visible event of the year once, with its hours, then grouped four ways in one
    # statement of a few dozen rows. Grouped by all four keys at once it returned a row per event
    # or so (2,000), and reading and adding them up in Python cost a third of the page (issue 7).
    per_event = (scoped(select(
        _local_month(CivicEvent.starts_at, dialect, offset_hours).label("month"), CivicEvent.venue_id,
        Venue.name.label("venue_name"), VolunteerTeam.name.label("team_name"), ServiceProject.festival,
        func.coalesce(CivicEvent.audience, 0).label("audience"),
        func.coalesce(hours.c.hours, 0).label("hours")), CivicEvent, user)
        .join(Venue, Venue.id == CivicEvent.venue_id)
        .outerjoin(VolunteerTeam, VolunteerTeam.id == CivicEvent.organizer_team_id)
        .outerjoin(ServiceProject, ServiceProject.id == CivicEvent.project_id)
        .outerjoin(hours, hours.c.event_id == CivicEvent.id)
        .where(CivicEvent.starts_at >= start, CivicEvent.starts_at < end)).cte("per_event")
    c = per_event.c
    counts = (func.count(), func.sum(c.audience), func.sum(c.hours))
    groups = union_all(
        select(literal("month"), c.month, literal(None, String), *counts).group_by(c.month),
        select(literal("venue"), c.venue_id, c.venue_name, *counts).group_by(c.venue_id, c.venue_name),
        select(literal("team"), literal(None, Integer), c.team_name, *counts)
        .where(c.team_name.is_not(None)).group_by(c.team_name),
        select(literal("festival"), literal(None, Integer), c.festival, *counts)
        .where(c.festival.is_not(None)).group_by(c.festival))
    stations = (select(Venue.id, Venue.name)
                .where(Venue.alliance_id == user.alliance_id, Venue.deleted_at.is_(None), Venue.kind == "station")
                .order_by(Venue.name))
    return groups, stations


def figures(user, year: int) -> Figures:
    """Events, audience and volunteer hours of ``year`` by month, venue, team and festival;
    each station's events (those with none listed). Two queries whatever the data size: the
    events grouped in SQL by month, venue, team and festival (the hours summed by event in one
    grouped subquery joined in), and one row per station."""
    start, end = _year_bounds(year)
    offset_hours = _utc_offset_hours(start, end)
    dialect = db.session.get_bind().dialect.name
    groups_stmt, stations_stmt = reuse(("civic-figures", user_key(user), dialect, offset_hours),
                                       lambda: _figures_statements(user, dialect, offset_hours))
    conn = db.session.connection()
    groups = conn.execute(groups_stmt, {"start": start, "end": end}).all()
    months: dict[Any, list[Any]] = {m: [0, 0, Decimal(0)] for m in range(1, 13)}
    venues: dict[Any, list[Any]] = {}
    teams: dict[str, list[Any]] = {}
    festivals: dict[str, list[Any]] = {}
    per_venue: dict[int, int] = defaultdict(int)
    total_events, total_audience, total_hours = 0, 0, Decimal(0)
    for kind, number, name, events, audience, group_hours in groups:
        audience = int(audience or 0)
        group_hours = Decimal(str(group_hours or 0))
        if kind == "month":  # every event has its month: the totals
            total_events += events
            total_audience += audience
            total_hours += group_hours
            entry = months.setdefault(int(number), [0, 0, Decimal(0)])
        elif kind == "venue":
            per_venue[number] += events
            entry = venues.setdefault(name, [0, 0, Decimal(0)])
        elif kind == "team":
            entry = teams.setdefault(name, [0, Decimal(0)])
            entry[0] += events
            entry[1] += group_hours
            continue
        else:
            entry = festivals.setdefault(name, [0, 0])
            entry[0] += events
            entry[1] += audience
            continue
        entry[0] += events
        entry[1] += audience
        entry[2] += group_hours
    stations = [(name, per_venue.get(venue_id, 0)) for venue_id, name in conn.execute(stations_stmt)]
    return Figures(
        year=year, events=total_events, audience=total_audience, hours=total_hours,
        by_month=[(m, *months[m]) for m in range(1, 13)],
        by_venue=sorted(((name, *v) for name, v in venues.items()), key=lambda r: (-r[1], r[0])),
        by_team=sorted((name, *v) for name, v in teams.items()),
        by_festival=[(FESTIVALS.label(code), *festivals[code]) for code in FESTIVALS if code in festivals],
        stations=stations, idle_stations=[name for name, n in stations if n == 0])


class DriveEntry(NamedTuple):
    """A live ledger entry as the figures page shows it: a batch made or a hand-out (with its
    event's title and venue's name, None without an event)."""
    kind: str
    quantity: int
    occurred_on: date
    made_by: str | None
    volunteer_count: int | None
    event_title: str | None
    venue_name: str | None


@dataclass
class DriveSummary:
    ledger_id: int
    item: str
    made: int
    handed_out: int
    batches: list[DriveEntry]
    handouts: list[DriveEntry]
    volunteers: int

    @property
    def in_stock(self) -> int:
        return self.made - self.handed_out


def drive_summaries(user) -> list[DriveSummary]:
    """Each visible ledger: made, handed out, where, by how many volunteers, from its live
    entries (the sums ``with_totals`` asks the database for): ONE statement of plain rows, each
    ledger with its entries outer-joined in date order, the hand-outs' event titles and venue
    names joined in, built once per account (ORM ledgers with three eager loads were a sixth of
    the figures page; issue 11)."""
    rows = db.session.connection().execute(reuse(("civic-drives", user_key(user)), lambda: (
        scoped(select(ItemLedger.id, ItemLedger.item, LedgerEntry.kind, LedgerEntry.quantity,
                      LedgerEntry.occurred_on, LedgerEntry.made_by, LedgerEntry.volunteer_count,
                      CivicEvent.title, Venue.name), ItemLedger, user)
        .outerjoin(LedgerEntry, and_(LedgerEntry.ledger_id == ItemLedger.id, LedgerEntry.deleted_at.is_(None)))
        .outerjoin(CivicEvent, CivicEvent.id == LedgerEntry.event_id)
        .outerjoin(Venue, Venue.id == CivicEvent.venue_id)
        .order_by(ItemLedger.id, LedgerEntry.occurred_on, LedgerEntry.id))))
    out: list[DriveSummary] = []
    for ledger_id, item, *entry in rows:
        if not out or out[-1].ledger_id != ledger_id:
            out.append(DriveSummary(ledger_id, item, 0, 0, [], [], 0))
        summary = out[-1]
        if entry[0] is None:  # a ledger without live entries
            continue
        found = DriveEntry(*entry)
        if found.kind == "made":
            summary.batches.append(found)
            summary.made += found.quantity
        else:
            summary.handouts.append(found)
            summary.handed_out += found.quantity
        summary.volunteers += found.volunteer_count or 0
    return out


def home_figures(user) -> dict:
    from alliance.civic.services import local_today
    year = local_today().year
    start, end = _year_bounds(year)
    in_year = (scoped(select(CivicEvent.id), CivicEvent, user)
               .where(CivicEvent.starts_at >= start, CivicEvent.starts_at < end))
    events = db.session.execute(select(func.count(CivicEvent.id), func.coalesce(func.sum(CivicEvent.audience), 0))
                                .where(CivicEvent.id.in_(in_year))).one()
    visible_volunteers = scoped(select(Volunteer.id), Volunteer, user).subquery()
    volunteers = db.session.scalar(select(func.count()).select_from(visible_volunteers))
    return {"year": year, "events": events[0], "audience": int(events[1]), "volunteers": volunteers or 0,
            "can_record": user.role in ("admin", "staff", "liaison")}
