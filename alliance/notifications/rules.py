"""What the areas' reminder rules (``alliance/<area>/reminders.py``) share: the local day of a
moment, and who an account is (live, active accounts of a unit or of the township staff)."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_

from alliance.auth.models import User
from alliance.core.dates import LOCAL_TZ
from alliance.core.roles import LIAISON, STAFF


def local_day(now: datetime) -> date:
    """The Beijing date of ``now``: reminders fall due by the office's calendar."""
    return now.astimezone(LOCAL_TZ).date()


def day_start_utc(day: date) -> datetime:
    """Midnight of ``day`` in Beijing, in UTC."""
    return datetime.combine(day, time(), LOCAL_TZ).astimezone(UTC)


def day_window(day: date, days: int = 1) -> tuple[datetime, datetime]:
    """[start, end) of ``days`` Beijing days from ``day``, in UTC."""
    return day_start_utc(day), day_start_utc(day + timedelta(days=days))


def live_account() -> ColumnElement[bool]:
    return and_(User.is_active.is_(True), User.deleted_at.is_(None))


def liaison_of(unit_id_column) -> ColumnElement[bool]:
    """The join condition: ``User`` is a live liaison account of the unit in ``unit_id_column``."""
    return and_(User.role == LIAISON, User.unit_id == unit_id_column, live_account())


def staff_of(alliance_id_column) -> ColumnElement[bool]:
    """The join condition: ``User`` is a live staff account (党群办) of the alliance."""
    return and_(User.role == STAFF, User.alliance_id == alliance_id_column, live_account())
