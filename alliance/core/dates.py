"""Dates as Chinese offices write them: 2021年1月21日."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def format_date_zh(value: date | datetime | None) -> str:
    """``2021年1月21日``; an aware datetime is first converted to Beijing time."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value).date()
    return f"{value.year}年{value.month}月{value.day}日"


def format_datetime_zh(value: datetime | None) -> str:
    """``2021年1月21日 14:05`` in Beijing time."""
    if value is None:
        return ""
    local = to_local(value)
    return f"{format_date_zh(local.date())} {local:%H:%M}"


def to_local(value: datetime) -> datetime:
    return value.astimezone(LOCAL_TZ) if value.tzinfo else value
