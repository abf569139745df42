"""What the register brings to the home page (workbench): for staff, what waits for them; for a
liaison, their unit; for an organizer, what they may export. Each panel reads a bounded number
of statements whatever the data size (no query per unit)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, bindparam, exists, func, select

from alliance.core.dates import LOCAL_TZ
from alliance.core.statements import reuse
from alliance.core.types import utcnow
from alliance.extensions import db
from alliance.members.models import MemberUnit, UnitRole

SHOWN = 6  # names listed under each figure; the figure itself counts them all


@dataclass
class UnitsLacking:
    """Units lacking something: how many, and the first few (id, name)."""

    total: int
    units: list[tuple[int, str]]


def local_today() -> date:
    return utcnow().astimezone(LOCAL_TZ).date()


def week_start(today: date) -> datetime:
    """Monday 00:00 of ``today``'s week in Asia/Shanghai, as an aware datetime."""
    monday = today - timedelta(days=today.weekday())
    return datetime.combine(monday, time(), LOCAL_TZ)


def _live_units(alliance_id: int):
    return (MemberUnit.alliance_id == alliance_id, MemberUnit.deleted_at.is_(None),
            MemberUnit.status == "active")


def _lacking(key: str, alliance_id: int, condition, params: dict | None = None) -> UnitsLacking:
    """One statement (built once per alliance): the first SHOWN units (register order) and, by
    a window, their total."""
    stmt = reuse(("workbench", key, alliance_id), lambda: (
        select(MemberUnit.id, MemberUnit.name, func.count().over().label("total"))
        .where(*_live_units(alliance_id), condition())
        .order_by(MemberUnit.sort_order, MemberUnit.name, MemberUnit.id).limit(SHOWN)))
    rows = db.session.execute(stmt, params or {}).all()
    return UnitsLacking(total=rows[0].total if rows else 0, units=[(r.id, r.name) for r in rows])


def units_without_liaison(alliance_id: int) -> UnitsLacking:
    """Active units that have no current liaison (联络员)."""
    return _lacking("no-liaison", alliance_id, lambda: ~exists().where(
        UnitRole.unit_id == MemberUnit.id, UnitRole.role == "liaison",
        UnitRole.ended_on.is_(None), UnitRole.deleted_at.is_(None)))


def units_without_activity(alliance_id: int, year: int) -> UnitsLacking:
    """Active units that have logged no activity in ``year`` (ix_activities_unit_date)."""
    from alliance.activities.models import Activity

    return _lacking("no-activity", alliance_id, lambda: ~exists().where(and_(
        Activity.unit_id == MemberUnit.id, Activity.deleted_at.is_(None),
        Activity.occurred_on >= bindparam("year_start"), Activity.occurred_on <= bindparam("year_end"))),
        {"year_start": date(year, 1, 1), "year_end": date(year, 12, 31)})


CHANGES_SHOWN_MAX = 1000  # the figure reads "1000+" beyond: a workbench, not a report


def changes_since(alliance_id: int, since: datetime, limit: int = 5) -> tuple[int, list]:
    """Data changes (create, update, delete, restore) recorded since ``since``: how many (up to
    CHANGES_SHOWN_MAX + 1), and the latest ``limit`` entries.

    Entries are written in time order, so the week's entries are those from the first id the
    ``occurred_at`` index finds for ``since`` on: both statements read that range of the
    (alliance_id, id) index instead of every entry of the alliance (128,000 entries: ~120 ms -> ~1 ms)."""
    from alliance.audit.models import KIND_ACTIONS, AuditEntry

    first_id = db.session.scalar(reuse(("workbench", "first-audit-id"), lambda: (
        select(AuditEntry.id).where(AuditEntry.occurred_at >= bindparam("since"))
        .order_by(AuditEntry.occurred_at, AuditEntry.id).limit(1))), {"since": since})
    if first_id is None:
        return 0, []

    def where():
        return (AuditEntry.alliance_id == alliance_id, AuditEntry.id >= bindparam("first_id"),
                AuditEntry.occurred_at >= bindparam("since"),
                AuditEntry.action.in_(KIND_ACTIONS["changes"]))

    params = {"first_id": first_id, "since": since}
    total = db.session.scalar(reuse(("workbench", "changes-count", alliance_id), lambda: (
        select(func.count()).select_from(
            select(AuditEntry.id).where(*where()).limit(CHANGES_SHOWN_MAX + 1).subquery()))), params) or 0
    latest = db.session.scalars(reuse(("workbench", "changes-latest", alliance_id, limit), lambda: (
        select(AuditEntry).where(*where()).order_by(AuditEntry.id.desc()).limit(limit))),
        params).all() if total else []
    return total, list(latest)


def staff_panel(user) -> dict:
    """What waits for township staff: this week's changes, units with no liaison, units with no
    activity this year."""
    today = local_today()
    monday = week_start(today)
    changes, latest = changes_since(user.alliance_id, monday)
    return {"today": today, "week_from": monday.date(), "changes": changes, "latest_changes": latest,
            "changes_max": CHANGES_SHOWN_MAX,
            "no_liaison": units_without_liaison(user.alliance_id),
            "no_activity": units_without_activity(user.alliance_id, today.year)}


def liaison_panel(user) -> dict | None:
    """A liaison's own unit with its current secretary and liaison (one statement)."""
    from alliance.members.models import Person

    unit = user.unit
    if unit is None:
        return None
    holders = db.session.execute(reuse(("workbench", "unit-holders"), lambda: (
        select(UnitRole.role, Person.name).join(Person, Person.id == UnitRole.person_id)
        .where(UnitRole.unit_id == bindparam("unit_id"), UnitRole.ended_on.is_(None),
               UnitRole.deleted_at.is_(None), UnitRole.role.in_(("secretary", "liaison")))
        .order_by(UnitRole.started_on))), {"unit_id": unit.id}).all()
    names: dict[str, list[str]] = {}
    for role, name in holders:
        names.setdefault(role, []).append(name)
    return {"unit": unit, "secretaries": names.get("secretary", []), "liaisons": names.get("liaison", [])}
