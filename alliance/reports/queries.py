"""The annual report's figures, one function per group, each a few aggregate queries bounded
whatever the data size, all read through ``scoped()`` (the report is for accounts that read
every unit: admin, staff, organizer; see ``READERS``).

Dated records fall in a year by their own date: units by ``joined_on``/``left_on``, meetings and
civic events by their local start (Asia/Shanghai), needs by when they were entered, projects by
``starts_on``, ratings by their rating year, ledger entries by ``occurred_on``, activities by
``occurred_on``, party organizations by ``founded_on``. Records the models keep no date for
(venues, volunteers and their teams) are counted as they are now.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, and_, bindparam, case, func, or_, select

from alliance.activities.models import Activity
from alliance.civic.models import (
    CivicEvent,
    ItemLedger,
    LedgerEntry,
    ServiceRecord,
    Venue,
    Volunteer,
    VolunteerTeam,
    team_members,
)
from alliance.civic.queries import local_start
from alliance.civic.services import local_today
from alliance.core.permissions import scoped
from alliance.core.roles import READERS_OF_ALL
from alliance.core.statements import count_where, reuse, user_key
from alliance.core.types import UTCDateTime
from alliance.extensions import db
from alliance.lists.models import PROJECT_STAGES, ListCategory, Need, Project
from alliance.meetings.models import Attendance, Meeting
from alliance.members.models import MemberUnit
from alliance.ratings.models import PartyOrganization
from alliance.ratings.queries import distribution

READERS = READERS_OF_ALL  # who may read the report: it counts every unit's records
FIRST_YEAR = 2000
REPORTED_VENUE_KINDS = ("station", "public_space")


def year_error(year: int | None) -> str | None:
    """The Chinese message for a year the report cannot be made for, else None."""
    last = local_today().year
    if year is None or not FIRST_YEAR <= year <= last:
        return f"年度应为{FIRST_YEAR}年至{last}年之间的年份"
    return None


# The year, bound: each group's statements are built once per account (core.statements) and
# run with the year's bounds (building them and their cache keys cost more than running them).
_D0, _D1 = bindparam("d0", type_=Date), bindparam("d1", type_=Date)  # first and last day
_T0, _T1 = bindparam("t0", type_=UTCDateTime), bindparam("t1", type_=UTCDateTime)  # local midnights


def _bounds(year: int) -> tuple[datetime, datetime]:
    return local_start(date(year, 1, 1)), local_start(date(year + 1, 1, 1))


def _params(year: int) -> dict:
    start, end = _bounds(year)
    return {"d0": date(year, 1, 1), "d1": date(year, 12, 31), "t0": start, "t1": end}


def _run(name: str, user, year: int, build):
    """Execute the statements ``build()`` returns (one, or a tuple), built once per account."""
    built = reuse(("annual-report", name, user_key(user)), build)
    params = _params(year)
    statements = built if isinstance(built, tuple) else (built,)
    results = [db.session.execute(stmt, params) for stmt in statements]
    return results if isinstance(built, tuple) else results[0]


def units(user, year: int) -> dict:
    """Member units at the year's end (joined by then, not left by then) and joined that year."""
    def build():
        member = and_(MemberUnit.joined_on <= _D1, or_(MemberUnit.left_on.is_(None), MemberUnit.left_on > _D1))
        return scoped(select(count_where(member), count_where(MemberUnit.joined_on.between(_D0, _D1)),
                             count_where(MemberUnit.left_on.between(_D0, _D1))), MemberUnit, user)
    total, joined, left = _run("units", user, year, build).one()
    return {"total": int(total), "joined": int(joined), "left": int(left)}


def meetings(user, year: int) -> dict:
    """Meetings held in the year and their average attendance rate (present / invited, a
    substituted invitee counted once, by the substitute), over all held meetings together."""
    def build():
        held = (scoped(select(Meeting.id), Meeting, user)
                .where(Meeting.status == "held", Meeting.starts_at >= _T0, Meeting.starts_at < _T1))
        return (select(func.count()).select_from(held.subquery()),
                scoped(select(count_where(Attendance.reply != "replaced"),
                              count_where(and_(Attendance.reply != "replaced", Attendance.status == "present"))),
                       Attendance, user).where(Attendance.meeting_id.in_(held)))
    held_rows, attendance = _run("meetings", user, year, build)
    count = held_rows.scalar() or 0
    invited, present = attendance.one()
    rate = round(int(present) / int(invited), 3) if invited else 0.0
    return {"held": int(count), "attendance_rate": rate, "invited": int(invited), "present": int(present)}


def needs(user, year: int) -> dict:
    """Needs entered in the year (drafts apart) and how many of them are met."""
    received, met = _run("needs", user, year, lambda: scoped(select(
        func.count(Need.id), count_where(Need.status == "met")), Need, user).where(
        Need.status != "draft", Need.created_at >= _T0, Need.created_at < _T1)).one()
    return {"received": int(received or 0), "met": int(met or 0),
            "met_rate": round(int(met) / int(received), 3) if received else 0.0}


def projects(user, year: int) -> dict:
    """Projects starting in the year: by stage, by category, and the people the closed ones served."""
    def build():
        in_year = scoped(select(Project.id), Project, user).where(Project.starts_on.between(_D0, _D1))
        return (select(Project.stage, Project.category_id, ListCategory.name, ListCategory.position,
                       func.count(Project.id),
                       func.coalesce(func.sum(case((Project.stage == "closed", Project.people_served),
                                                   else_=0)), 0))
                .join(ListCategory, ListCategory.id == Project.category_id)
                .where(Project.id.in_(in_year))
                .group_by(Project.stage, Project.category_id, ListCategory.name, ListCategory.position))
    rows = _run("projects", user, year, build).all()
    by_stage = dict.fromkeys(PROJECT_STAGES.codes, 0)
    categories: dict[int, list] = {}
    served = 0
    for stage, category_id, name, position, count, people in rows:
        by_stage[stage] = by_stage.get(stage, 0) + count
        entry = categories.setdefault(category_id, [position, name, 0])
        entry[2] += count
        served += int(people or 0)
    by_category = [{"category_id": cid, "name": name, "count": count}
                   for cid, (_, name, count) in sorted(categories.items(), key=lambda kv: (kv[1][0], kv[0]))]
    return {"total": sum(by_stage.values()), "by_stage": by_stage, "by_category": by_category,
            "people_served": served}


def ratings(user, year: int) -> dict:
    """Confirmed ratings of the year by stars and by level (the ratings area's own figures)."""
    figures = distribution(user, year)
    by_stars = {key: figures["by_stars"].get(key, 0) for key in ("5", "4", "3")}
    return {"total": sum(figures["by_stars"].values()), "by_stars": by_stars, "by_level": figures["by_level"]}


def organizations(user, year: int) -> dict:
    """Party organizations there at the year's end (founded by then, or no founding date), and
    the branches (党支部) of residential communities among them."""
    total, residential = _run("organizations", user, year, lambda: scoped(select(
        func.count(PartyOrganization.id),
        count_where(and_(PartyOrganization.kind == "branch", MemberUnit.category == "residential"))),
        PartyOrganization, user).join(MemberUnit, MemberUnit.id == PartyOrganization.unit_id).where(
        or_(PartyOrganization.founded_on.is_(None), PartyOrganization.founded_on <= _D1))).one()
    return {"total": int(total or 0), "residential_branches": int(residential or 0)}


def civic(user, year: int) -> dict:
    """Venues (as they are now), the year's events, audience and volunteer hours, volunteers by
    team, and the stations and spaces that had no event in the year."""
    def build():
        events_in_year = (scoped(select(CivicEvent.id), CivicEvent, user)
                          .where(CivicEvent.starts_at >= _T0, CivicEvent.starts_at < _T1))
        live_volunteers = scoped(select(Volunteer.id), Volunteer, user)
        had_event = select(CivicEvent.venue_id).where(CivicEvent.id.in_(events_in_year))
        members = (scoped(select(team_members.c.team_id, func.count().label("n")).select_from(team_members)
                          .join(Volunteer, Volunteer.id == team_members.c.volunteer_id), Volunteer, user)
                   .group_by(team_members.c.team_id).subquery())
        return (
            scoped(select(Venue.kind, func.count(Venue.id)), Venue, user).group_by(Venue.kind),
            select(func.count(CivicEvent.id), func.coalesce(func.sum(CivicEvent.audience), 0))
            .where(CivicEvent.id.in_(events_in_year)),
            # The hours of the visible events' live records: the (event_id, deleted_at, hours)
            # index alone. A record's alliance and unit are its event's, and the report's readers
            # see every unit's records, so scoping the events scopes their records.
            select(func.coalesce(func.sum(ServiceRecord.hours), 0))
            .where(ServiceRecord.event_id.in_(events_in_year), ServiceRecord.deleted_at.is_(None)),
            select(func.count()).select_from(live_volunteers.subquery()),
            scoped(select(VolunteerTeam.id, VolunteerTeam.name, func.coalesce(members.c.n, 0)),
                   VolunteerTeam, user)
            .outerjoin(members, members.c.team_id == VolunteerTeam.id).order_by(VolunteerTeam.id),
            scoped(select(Venue.id, Venue.name, Venue.kind), Venue, user)
            .where(Venue.kind.in_(REPORTED_VENUE_KINDS), Venue.id.not_in(had_event))
            .order_by(Venue.kind, Venue.name, Venue.id),
        )
    kinds, event_rows, hour_rows, volunteer_rows, team_rows, idle_rows = _run("civic", user, year, build)
    venue_kinds = dict(kinds.tuples().all())
    events, audience = event_rows.one()
    hours = hour_rows.scalar() or 0
    volunteers = volunteer_rows.scalar() or 0
    teams = [{"team_id": team_id, "name": name, "volunteers": int(count)} for team_id, name, count in team_rows]
    idle = [{"venue_id": venue_id, "name": name, "kind": kind} for venue_id, name, kind in idle_rows]
    return {"stations": venue_kinds.get("station", 0), "spaces": venue_kinds.get("public_space", 0),
            "sub_centres": venue_kinds.get("sub_centre", 0),
            "events": int(events or 0), "audience": int(audience or 0),
            "volunteer_hours": float(Decimal(str(hours))), "volunteers": int(volunteers),
            "teams": teams, "venues_without_event": idle}


def drives(user, year: int) -> list[dict]:
    """Each ledger with entries in the year: made, handed out (and on which days), and the
    volunteers who made the items (the batches' volunteer counts)."""
    rows = _run("drives", user, year, lambda: select(
        ItemLedger.id, ItemLedger.item, LedgerEntry.kind, LedgerEntry.occurred_on,
        func.sum(LedgerEntry.quantity), func.coalesce(func.sum(LedgerEntry.volunteer_count), 0))
        .join(LedgerEntry, LedgerEntry.ledger_id == ItemLedger.id)
        .where(ItemLedger.id.in_(scoped(select(ItemLedger.id), ItemLedger, user)),
               LedgerEntry.deleted_at.is_(None), LedgerEntry.occurred_on.between(_D0, _D1))
        .group_by(ItemLedger.id, ItemLedger.item, LedgerEntry.kind, LedgerEntry.occurred_on)
        .order_by(ItemLedger.id, LedgerEntry.occurred_on)).all()
    out: dict[int, dict] = {}
    for ledger_id, item, kind, day, quantity, volunteers in rows:
        drive = out.setdefault(ledger_id, {"ledger_id": ledger_id, "name": item, "made": 0, "handed_out": 0,
                                           "volunteers": 0, "handouts": []})
        if kind == "made":
            drive["made"] += int(quantity)
            drive["volunteers"] += int(volunteers)
        else:
            drive["handed_out"] += int(quantity)
            drive["handouts"].append({"on": day, "quantity": int(quantity)})
    return list(out.values())


def activities(user, year: int) -> dict:
    """Activities of the year, in all and per unit (most first), of the units the user sees.
    Counted as every activity of those units in the year (the (unit_id, occurred_on) index
    alone: 100,000 rows read through the table took ~0.5 s on SQLite) less the deleted ones
    (few, found by their own index)."""
    def build():
        units = scoped(select(MemberUnit.id), MemberUnit, user)
        in_year = (Activity.unit_id.in_(units), Activity.occurred_on.between(_D0, _D1))
        every = (select(Activity.unit_id, func.count().label("n")).where(*in_year)
                 .group_by(Activity.unit_id).subquery())
        return (select(every.c.unit_id, MemberUnit.name, MemberUnit.name_sort_key, every.c.n)
                .join(MemberUnit, MemberUnit.id == every.c.unit_id),
                # The deleted ones by the (alliance_id, deleted_at, occurred_on) index: not
                # restricted to the units (only the units counted above are looked up in it),
                # and the date wrapped so that no planner walks the year's rows by their date
                # (SQLite did: 0.25 s instead of 0.1 ms).
                select(Activity.unit_id, func.count()).where(
                    Activity.alliance_id == user.alliance_id, Activity.deleted_at.is_not(None),
                    func.coalesce(Activity.occurred_on, Activity.occurred_on).between(_D0, _D1))
                .group_by(Activity.unit_id))
    every_rows, deleted_rows = _run("activities", user, year, build)
    deleted = dict(deleted_rows.tuples().all())
    rows = sorted(((unit_id, name, key, n - deleted.get(unit_id, 0)) for unit_id, name, key, n in every_rows),
                  key=lambda r: (-r[3], r[2], r[0]))
    by_unit = [{"unit_id": unit_id, "name": name, "count": int(n)} for unit_id, name, _key, n in rows if n > 0]
    return {"total": sum(u["count"] for u in by_unit), "by_unit": by_unit}


def annual(user, year: int) -> dict:
    """Every figure of the year's report (about twenty aggregate queries whatever the data size)."""
    return {
        "year": year,
        "units": units(user, year),
        "meetings": meetings(user, year),
        "needs": needs(user, year),
        "projects": projects(user, year),
        "ratings": ratings(user, year),
        "organizations": organizations(user, year),
        "civic": civic(user, year),
        "drives": drives(user, year),
        "activities": activities(user, year),
    }
