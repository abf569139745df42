"""Meeting queries shared by pages, the API and exports (eager-loaded, no query per row)."""
from __future__ import annotations

import functools
from collections import namedtuple
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    Date,
    Integer,
    Select,
    String,
    bindparam,
    case,
    cast,
    func,
    literal,
    literal_column,
    null,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload

from alliance.api.rows import Computed, api_page
from alliance.auth.roles import LIAISON
from alliance.core.dates import LOCAL_TZ
from alliance.core.permissions import deny, scoped
from alliance.core.search import contains
from alliance.core.statements import count_where, reuse, user_key
from alliance.core.types import utcnow
from alliance.extensions import db
from alliance.meetings.models import (
    ATTENDANCE_STATUSES,
    CAPACITIES,
    MEETING_KINDS,
    MEETING_STATUSES,
    REPLIES,
    ActionItem,
    Admission,
    AgendaItem,
    Attendance,
    Meeting,
    ReplySlip,
    Speech,
)
from alliance.members.models import MemberUnit, Person

ROSTER_SORTS = {"strokes": "按姓氏笔画", "pinyin": "按拼音", "unit": "按单位"}


@dataclass
class MeetingFilters:
    kind: str | None = None
    status: str | None = None
    year: int | None = None
    q: str | None = None


# The columns a row of the meeting list page shows (the API dumps them all).
LIST_COLUMNS = (Meeting.title, Meeting.kind, Meeting.status, Meeting.starts_at, Meeting.venue)


def _meetings(user, filters: MeetingFilters) -> Select:
    """The meetings the user may see, newest first (``select(Meeting)``, no loader options)."""
    stmt = scoped(select(Meeting), Meeting, user)
    if filters.kind:
        stmt = stmt.where(Meeting.kind == filters.kind)
    if filters.status:
        stmt = stmt.where(Meeting.status == filters.status)
    if filters.year:
        start = datetime(filters.year, 1, 1, tzinfo=LOCAL_TZ)
        stmt = stmt.where(Meeting.starts_at >= start,
                          Meeting.starts_at < start.replace(year=filters.year + 1))
    if filters.q and filters.q.strip():
        q = filters.q.strip()[:100]
        stmt = stmt.where(contains(Meeting.title, q)
                          | contains(Meeting.theme, q)
                          | contains(Meeting.venue, q))
    return stmt.order_by(Meeting.starts_at.desc(), Meeting.id.desc())


def _filters_key(user, filters: MeetingFilters) -> tuple:
    return (user_key(user), filters.kind, filters.status, filters.year,
            filters.q.strip()[:100] if filters.q and filters.q.strip() else None)


def meeting_rows_query(user, filters: MeetingFilters) -> tuple[Select, Select]:
    """The list page's rows: the id and the columns it shows, as rows (not ORM meetings),
    and the statement that counts them; built once per account and filters (issue 7)."""
    def build() -> tuple[Select, Select]:
        listed = _meetings(user, filters)
        return listed.with_only_columns(Meeting.id, *LIST_COLUMNS, maintain_column_froms=True), listed
    return reuse(("meeting-rows", *_filters_key(user, filters)), build)


# --- the API list ---------------------------------------------------------------------------

# In MeetingSchema's order (fields of MeetingFields, then RecordSchema's, then its own).
_API_COLUMNS = ("kind", "title", "theme", "starts_at", "ends_at", "venue", "host_unit_id", "chair_id",
                "recorder_id", "status", "minutes", "id", "version", "created_at", "updated_at",
                "deleted_at", "is_sample")
_API_NAMES = ("host_unit_name", "chair_name", "recorder_name")
# A meeting with all three names, as a tuple of MeetingSchema's fields in its order: dumping
# unpacks it by position (api.dumping._compiled_rows), no attribute read a value.
_FIELDS = (*_API_COLUMNS[:-1], "kind_label", "status_label", *_API_NAMES, "is_sample")
MeetingRow: Any = namedtuple("MeetingRow", _FIELDS)  # type: ignore[misc]  # (fields from a tuple)


class MeetingItem:
    """A meeting of the API list: what ``MeetingSchema`` reads of it, by attribute, from a row
    instead of ORM meetings, units and people. A name is left unset when the meeting has no
    host unit, chair or recorder: reading it then raises AttributeError, as ``Meeting``'s
    properties do, and the key is left out as marshmallow leaves out ``host_unit.name``."""

    __slots__ = (*_API_COLUMNS, *_API_NAMES)
    kind: str
    status: str

    def __init__(self, row: Any):
        for name in _API_COLUMNS:
            setattr(self, name, getattr(row, name))
        for name in _API_NAMES:
            value = getattr(row, name)
            if value is not None:
                setattr(self, name, value)

    kind_label = MEETING_KINDS.label_of("kind")
    status_label = MEETING_STATUSES.label_of("status")


def meeting_api_page(user, filters: MeetingFilters, page: int, per_page: int):
    """A page of the API list, counted exactly: the meetings' columns with the host unit's,
    chair's and recorder's names joined, as rows turned into ``MeetingItem``s (ORM meetings
    with three joined loads cost ~4 ms of a 6 ms request; issue 7)."""
    from alliance.core.pagination import paginate

    rows, counted = reuse(("meeting-api-rows", *_filters_key(user, filters)),
                          lambda: _meeting_api_rows(user, filters))
    result = paginate(rows, page, per_page, scalars=False, count=counted)
    kinds, statuses = MEETING_KINDS.label, MEETING_STATUSES.label
    items: list[Any] = []
    for row in result.items:
        *columns, is_sample, host_unit_name, chair_name, recorder_name = row
        if host_unit_name is None or chair_name is None or recorder_name is None:
            items.append(MeetingItem(row))  # a name to leave out
        else:
            items.append(MeetingRow(*columns, kinds(row.kind), statuses(row.status), host_unit_name,  # type: ignore[call-arg]
                                    chair_name, recorder_name, is_sample))
    result.items = items
    return result


def _meeting_api_rows(user, filters: MeetingFilters) -> tuple[Select, Select]:
    listed = _meetings(user, filters)
    chair, recorder = aliased(Person), aliased(Person)
    columns = [getattr(Meeting, name) for name in _API_COLUMNS]
    rows = (listed.with_only_columns(*columns, MemberUnit.name.label("host_unit_name"),
                                     chair.name.label("chair_name"), recorder.name.label("recorder_name"),
                                     maintain_column_froms=True)
            .outerjoin(MemberUnit, MemberUnit.id == Meeting.host_unit_id)
            .outerjoin(chair, chair.id == Meeting.chair_id)
            .outerjoin(recorder, recorder.id == Meeting.recorder_id))
    return rows, listed


DETAIL_OPTIONS = (
    selectinload(Meeting.host_unit), selectinload(Meeting.chair), selectinload(Meeting.recorder),
    selectinload(Meeting.agenda).selectinload(AgendaItem.presenter),
    selectinload(Meeting.speeches).selectinload(Speech.unit),
    selectinload(Meeting.speeches).selectinload(Speech.speaker),
    selectinload(Meeting.admissions).selectinload(Admission.unit),
    selectinload(Meeting.action_items).selectinload(ActionItem.owner_unit),
)


class _MeetingPageFields(NamedTuple):
    id: int
    version: int
    title: str
    kind: str
    status: str
    starts_at: datetime
    ends_at: datetime
    theme: str | None
    venue: str | None
    minutes: str | None
    host_unit_name: str | None
    chair_name: str | None
    recorder_name: str | None


class MeetingPageRow(_MeetingPageFields):
    """What the meeting page shows of the meeting itself, with its host unit's, chair's and
    recorder's names (None without one)."""

    __slots__ = ()
    kind_label = MEETING_KINDS.label_of("kind")
    status_label = MEETING_STATUSES.label_of("status")


class AgendaRow(NamedTuple):
    title: str
    presenter_note: str | None
    presenter_name: str | None


class SpeechRow(NamedTuple):
    topic: str
    unit_name: str
    speaker_name: str | None


class AdmissionRow(NamedTuple):
    unit_name: str


class ActionRow(NamedTuple):
    id: int
    version: int
    decision: str
    done_note: str | None
    owner_unit_name: str | None
    due_on: date | None
    status: str


@dataclass
class MeetingSections:
    """What the meeting page lists under the meeting, as plain rows of the columns it shows."""
    agenda: list[AgendaRow] = field(default_factory=list)
    speeches: list[SpeechRow] = field(default_factory=list)
    admissions: list[AdmissionRow] = field(default_factory=list)
    action_items: list[ActionRow] = field(default_factory=list)


def _sections_statement():
    """Agenda, speeches, new member units and decisions of one meeting in ONE statement (a
    UNION ALL of four SELECTs of the columns the page shows, tagged by section), built once."""
    meeting_id = bindparam("meeting_id", type_=Integer)
    speaker, text_ = aliased(Person), String()

    def columns(section, sort, row_id, one, two=None, three=None, version=None, due_on=None, status=None):
        return (literal(section, Integer).label("section"), sort.label("sort"), row_id.label("row_id"),
                cast(one, text_).label("one"), cast(two, text_).label("two"),
                cast(three, text_).label("three"), cast(version, Integer).label("version"),
                cast(due_on, Date).label("due_on"), cast(status, text_).label("status"))

    agenda = (select(*columns(0, AgendaItem.position, AgendaItem.id, AgendaItem.title,
                              AgendaItem.presenter_note, Person.name))
              .select_from(AgendaItem).outerjoin(Person, Person.id == AgendaItem.presenter_id)
              .where(AgendaItem.meeting_id == meeting_id, AgendaItem.deleted_at.is_(None)))
    speeches = (select(*columns(1, Speech.position, Speech.id, Speech.topic, MemberUnit.name, speaker.name))
                .select_from(Speech).join(MemberUnit, MemberUnit.id == Speech.unit_id)
                .outerjoin(speaker, speaker.id == Speech.speaker_id)
                .where(Speech.meeting_id == meeting_id, Speech.deleted_at.is_(None)))
    admissions = (select(*columns(2, Admission.id, Admission.id, MemberUnit.name))
                  .select_from(Admission).join(MemberUnit, MemberUnit.id == Admission.unit_id)
                  .where(Admission.meeting_id == meeting_id, Admission.deleted_at.is_(None)))
    actions = (select(*columns(3, ActionItem.id, ActionItem.id, ActionItem.decision, ActionItem.done_note,
                               MemberUnit.name, ActionItem.version, ActionItem.due_on, ActionItem.status))
               .select_from(ActionItem).outerjoin(MemberUnit, MemberUnit.id == ActionItem.owner_unit_id)
               .where(ActionItem.meeting_id == meeting_id, ActionItem.deleted_at.is_(None)))
    return union_all(agenda, speeches, admissions, actions).order_by(
        literal_column("section"), literal_column("sort"), literal_column("row_id"))


SECTIONS = _sections_statement()


def meeting_sections(meeting_id: int) -> MeetingSections:
    """Agenda (title, presenter's name and note), speeches (topic, unit, speaker), new member
    units and decisions (with the owner unit's name) of a meeting: one statement of plain rows
    (the page's eight eager loads of ORM objects were most of its time)."""
    found = MeetingSections()
    for r in db.session.execute(SECTIONS, {"meeting_id": meeting_id}):
        if r.section == 0:
            found.agenda.append(AgendaRow(r.one, r.two, r.three))
        elif r.section == 1:
            found.speeches.append(SpeechRow(r.one, r.two, r.three))
        elif r.section == 2:
            found.admissions.append(AdmissionRow(r.one))
        else:
            found.action_items.append(ActionRow(r.row_id, r.version, r.one, r.two, r.three, r.due_on,
                                                r.status))
    return found


@dataclass
class Counts:
    invited: int = 0
    present: int = 0
    absent: int = 0
    excused: int = 0
    pending_reply: int = 0
    substitutes: int = 0

    @property
    def expected(self) -> int:
        """Who should come: every invitee except those replaced by a substitute."""
        return self.invited

    @property
    def rate(self) -> float | None:
        return self.present / self.expected if self.expected else None


def attendance_counts(meeting_id: int, user=None) -> Counts:
    """One row of conditional counts; a liaison's counts cover only their own unit. Its
    statement is built once for all accounts that read every unit, and once per unit (issue 7)."""
    unit = _counted_unit(user)
    stmt = reuse(("attendance-counts", unit), lambda: _attendance_tally(unit))
    return Counts(*db.session.connection().execute(stmt, {"meeting_id": meeting_id}).one())


def _counted_unit(user) -> int | None:
    """Whose invitees an account's counts cover: None for every unit, else its own (-1: none)."""
    return None if user is None or user.reads_all_units else (user.unit_id or -1)


def _attendance_tally(unit: int | None, meeting_id: Any = None) -> Select:
    """``Counts``' fields, in order, as ONE row of conditional counts over the meeting's live
    invitees (of ``unit`` only unless None). A replaced invitee is not counted: their
    substitute is."""
    meeting_id = bindparam("meeting_id", type_=Integer) if meeting_id is None else meeting_id
    kept, status = Attendance.reply != "replaced", Attendance.status
    stmt = select(count_where(kept).label("invited"), count_where(kept, status == "present").label("present"),
                  count_where(kept, status == "absent").label("absent"),
                  count_where(kept, status == "excused").label("excused"),
                  count_where(Attendance.reply == "pending").label("pending_reply"),
                  count_where(kept, Attendance.substitute_for_id.is_not(None)).label("substitutes")
                  ).where(Attendance.meeting_id == meeting_id, Attendance.deleted_at.is_(None))
    return stmt if unit is None else stmt.where(Attendance.unit_id == unit)


def _slip_tally(user, meeting_id: Any = None) -> Select:
    """``SlipCounts``' fields as ONE row: the reply slips the account sees (a liaison: their
    own unit's) and how many are answered."""
    meeting_id = bindparam("meeting_id", type_=Integer) if meeting_id is None else meeting_id
    return (scoped(select(func.count().label("total"),
                          count_where(ReplySlip.status == "answered").label("answered")), ReplySlip, user)
            .where(ReplySlip.meeting_id == meeting_id))


class OwnSlip(NamedTuple):
    """A liaison's own unit's reply slip to the meeting shown."""
    id: int
    status: str


@dataclass
class MeetingPage:
    meeting: MeetingPageRow
    counts: Counts
    slips: SlipCounts
    own_slip: OwnSlip | None


def meeting_page(meeting_id: int, user) -> MeetingPage:
    """The meeting page's meeting, as ``get_visible_or_404(Meeting, ...)`` finds it (404 and
    audited alike), with its attendance counts, its reply slips counted and a liaison's own
    unit's slip: ONE row, read by a statement built once per account (an ORM meeting with three
    joined loads cost more than the rest of the page's statements together, and each count was a
    statement of its own; issues 7 and 8)."""
    stmt = reuse(("meeting-page", user_key(user)), lambda: _meeting_page(user))
    found = db.session.connection().execute(stmt, {"record_id": meeting_id}).first()
    if found is None:  # answered and audited as get_visible_or_404 does
        deny(404, f"Meeting {meeting_id} 不存在或不在本账号的可见范围内")
    meeting_end = len(MeetingPageRow._fields)
    counts_end = meeting_end + len(fields(Counts))
    slips_end = counts_end + len(fields(SlipCounts))
    own_id, own_status = found[slips_end:]
    return MeetingPage(MeetingPageRow(*found[:meeting_end]), Counts(*found[meeting_end:counts_end]),
                       SlipCounts(*found[counts_end:slips_end]),
                       None if own_id is None else OwnSlip(own_id, own_status))


def _meeting_page(user) -> Select:
    chair, recorder = aliased(Person), aliased(Person)
    record_id = bindparam("record_id", type_=Integer)
    columns = [getattr(Meeting, name) for name in MeetingPageRow._fields[:-3]]
    tally = _attendance_tally(_counted_unit(user), record_id).subquery("tally")
    slips = _slip_tally(user, record_id).subquery("slips")
    if user.role == LIAISON and user.unit_id:
        own = select(ReplySlip.id, ReplySlip.status).where(
            ReplySlip.meeting_id == Meeting.id, ReplySlip.unit_id == user.unit_id,
            ReplySlip.deleted_at.is_(None))
        own_slip = [own.with_only_columns(ReplySlip.id).scalar_subquery(),
                    own.with_only_columns(ReplySlip.status).scalar_subquery()]
    else:
        own_slip = [null(), null()]  # type: ignore[list-item]
    return (scoped(select(Meeting), Meeting, user).where(Meeting.id == record_id)
            .with_only_columns(*columns, MemberUnit.name, chair.name, recorder.name, *tally.c, *slips.c,
                               *own_slip, maintain_column_froms=True)
            .outerjoin(MemberUnit, MemberUnit.id == Meeting.host_unit_id)
            .outerjoin(chair, chair.id == Meeting.chair_id)
            .outerjoin(recorder, recorder.id == Meeting.recorder_id)
            .join(tally, true()).join(slips, true()))


def _attendances(meeting: Meeting, user, *, sort: str, unit_id: int | None = None,
                 status: str | None = None) -> Select:
    stmt = (scoped(select(Attendance), Attendance, user)
            .where(Attendance.meeting_id == meeting.id)
            .join(Person, Person.id == Attendance.person_id)
            .outerjoin(MemberUnit, MemberUnit.id == Attendance.unit_id))
    if unit_id:
        stmt = stmt.where(Attendance.unit_id == unit_id)
    if status:
        stmt = stmt.where(Attendance.status == status)
    order: tuple[Any, ...]
    if sort == "pinyin":
        order = (Person.name_pinyin_key, Attendance.id)
    elif sort == "unit":
        order = (case((MemberUnit.sort_order.is_(None), 1), else_=0), MemberUnit.sort_order,
                 MemberUnit.name_sort_key, Person.name_stroke_key, Attendance.id)
    else:
        order = (Person.name_stroke_key, Attendance.id)
    return stmt.order_by(*order)


def attendance_query(meeting: Meeting, user, *, sort: str = "strokes", unit_id: int | None = None,
                     status: str | None = None) -> Select:
    """The invitees of a meeting the user may see (a liaison: their unit's), with person and
    unit eager-loaded, in the order asked."""
    stmt = _attendances(meeting, user, sort=sort, unit_id=unit_id, status=status)
    # person and unit come with the joins the sort needs (not a second join each)
    return stmt.options(contains_eager(Attendance.person), contains_eager(Attendance.unit),
                        joinedload(Attendance.substitute_for))


class NameRef:
    """The value of a dotted ``person.name`` (``AttendanceSchema``) in a row of the API list: the
    name joined into the row (no ``__getitem__``: ``api.dumping`` reads it as an attribute)."""

    __slots__ = ("name",)

    def __init__(self, name: str | None) -> None:
        self.name = name


@functools.cache
def _attendance_item() -> Any:
    """An invitee of the API list: a tuple of what ``AttendanceSchema`` dumps, in its order
    (dumped by position, ``api.rows``)."""
    from alliance.api.schemas import dump_tuple
    from alliance.meetings.schemas import AttendanceSchema

    return dump_tuple(AttendanceSchema)


# Of the person, the unit and the substitute the schema dumps the name (``person.name``...);
# no unit or substitute is None, which leaves the key out, as of an ORM invitee.
_ATTENDANCE_COMPUTED: Computed = {
    "person": lambda row: NameRef(row.person_name),
    "unit": lambda row: None if row.unit_id is None else NameRef(row.unit_name),
    "substitute_for": lambda row: None if row.substitute_for_id is None else NameRef(row.substitute_name),
    "capacity_label": lambda row: CAPACITIES.label(row.capacity),
    "status_label": lambda row: ATTENDANCE_STATUSES.label(row.status),
    "reply_label": lambda row: REPLIES.label(row.reply),
}


def attendance_api_page(meeting: Meeting, user, page: int, per_page: int, *, sort: str = "strokes",
                        unit_id: int | None = None, status: str | None = None):
    """A page of the API list of a meeting's invitees (``attendance_query``'s rows and order),
    counted exactly by ``attendance_count_query``: rows of the columns ``AttendanceSchema``
    dumps with the three names joined, not ORM invitees (issue 8: building those cost the page
    the speed rule)."""
    def build() -> tuple[Select, Select]:
        substitute = aliased(Person)
        rows = (_attendances(meeting, user, sort=sort, unit_id=unit_id, status=status)
                .outerjoin(substitute, substitute.id == Attendance.substitute_for_id)
                .with_only_columns(
                    Attendance.id, Attendance.version, Attendance.created_at, Attendance.updated_at,
                    Attendance.deleted_at, Attendance.person_id, Person.name.label("person_name"),
                    Attendance.unit_id, MemberUnit.name.label("unit_name"), Attendance.capacity,
                    Attendance.status, Attendance.reply, Attendance.leave_reason, Attendance.substitute_for_id,
                    substitute.name.label("substitute_name"), Attendance.signed_in_at, Attendance.self_signed))
        return rows, attendance_count_query(meeting, user, unit_id=unit_id, status=status)
    return api_page(("attendance-api-rows", meeting.id, user_key(user), sort, unit_id, status), build,
                    page, per_page, _attendance_item(), _ATTENDANCE_COMPUTED)


def attendance_count_query(meeting: Meeting, user, *, unit_id: int | None = None,
                           status: str | None = None) -> Select:
    """The same rows as ``attendance_query`` without its joins, to count them (every invitee
    has a person; the unit is an outer join)."""
    stmt = scoped(select(Attendance.id), Attendance, user).where(Attendance.meeting_id == meeting.id)
    if unit_id:
        stmt = stmt.where(Attendance.unit_id == unit_id)
    if status:
        stmt = stmt.where(Attendance.status == status)
    return stmt


def attendance_rows_query(meeting: Meeting, user, *, sort: str = "strokes",
                          status: str | None = None) -> tuple[Select, Select]:
    """The attendance list page's rows: the columns it shows, with the person's, substitute's
    and unit's names joined (not ORM invitees), in the order asked, and the statement that
    counts them (``attendance_count_query``); built once per meeting, account and filters."""
    def build() -> tuple[Select, Select]:
        substitute = aliased(Person)
        rows = (_attendances(meeting, user, sort=sort, status=status)
                .outerjoin(substitute, substitute.id == Attendance.substitute_for_id)
                .with_only_columns(
                    Attendance.id, Attendance.version, Person.name.label("person_name"),
                    substitute.name.label("substitute_name"), MemberUnit.name.label("unit_name"),
                    Attendance.capacity, Attendance.reply, Attendance.leave_reason, Attendance.status,
                    Attendance.signed_in_at, Attendance.self_signed))
        return rows, attendance_count_query(meeting, user, status=status)
    return reuse(("attendance-rows", meeting.id, user_key(user), sort, status), build)


def roster_rows(meeting: Meeting, user, *, sort: str = "strokes") -> Sequence[Any]:
    """The same invitees as plain rows of the columns a roster prints (no ORM objects: an
    export of 2,000 invitees spent most of its time building them)."""
    substitute = aliased(Person)
    stmt = (_attendances(meeting, user, sort=sort)
            .outerjoin(substitute, substitute.id == Attendance.substitute_for_id)
            .with_only_columns(
                Attendance.person_id, Attendance.unit_id, MemberUnit.name.label("unit_name"),
                MemberUnit.category.label("unit_category"), Person.name, Person.title, Person.mobile,
                Attendance.capacity, Attendance.reply, Attendance.status, Attendance.signed_in_at,
                Attendance.leave_reason, substitute.name.label("substitute_name")))
    return db.session.execute(stmt).all()


def reply_slips(meeting: Meeting, user) -> Sequence[ReplySlip]:
    return db.session.scalars(
        scoped(select(ReplySlip), ReplySlip, user).where(ReplySlip.meeting_id == meeting.id)
        .join(MemberUnit, MemberUnit.id == ReplySlip.unit_id)
        .options(joinedload(ReplySlip.unit))
        .order_by(MemberUnit.sort_order, MemberUnit.name_sort_key)).all()


def unit_attendance_rates(unit_id: int) -> list[tuple[int, int, int]]:
    """[(year, present, expected)] of the unit's invitees at held meetings, newest year first."""
    rows = db.session.execute(reuse("unit-attendance-rates", lambda: (  # built once (issue 7)
        select(Meeting.starts_at, Attendance.status)
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .where(Attendance.unit_id == bindparam("unit_id"), Attendance.deleted_at.is_(None),
               Attendance.reply != "replaced", Meeting.deleted_at.is_(None),
               Meeting.status == "held"))), {"unit_id": unit_id}).all()
    years: dict[int, list[int]] = {}
    for starts_at, status in rows:
        year = starts_at.astimezone(LOCAL_TZ).year
        tally = years.setdefault(year, [0, 0])
        tally[1] += 1
        tally[0] += status == "present"
    return [(y, p, e) for y, (p, e) in sorted(years.items(), reverse=True)]


def upcoming_for(user) -> dict | None:
    """The home panel: upcoming meetings the user may see; for a liaison, with their unit's
    reply slip state."""
    meetings = db.session.scalars(
        scoped(select(Meeting), Meeting, user).where(Meeting.ends_at >= utcnow(),
                                                     Meeting.status == "planned")
        .order_by(Meeting.starts_at).limit(5)).all()
    slips = {}
    if user.role == LIAISON and user.unit_id and meetings:
        slips = {s.meeting_id: s for s in db.session.scalars(select(ReplySlip).where(
            ReplySlip.unit_id == user.unit_id, ReplySlip.deleted_at.is_(None),
            ReplySlip.meeting_id.in_([m.id for m in meetings])))}
    return {"meetings": meetings, "slips": slips, "is_liaison": user.role == LIAISON}


@dataclass
class SlipCounts:
    total: int = 0
    answered: int = 0
