"""我们的节日 from the lunar calendar (lunar-python), so that "腊八 2022" is the right day.

A festival's ``year`` is the lunar year it belongs to: 腊八 of lunar year 2021 (the 8th day of its
12th month) falls on 2022-01-10, before the Spring Festival of 2022. ``festivals_in(year)`` lists
the festivals whose solar date lies in a Gregorian year (two 腊八 in some years).
"""
from __future__ import annotations

from datetime import date
from functools import lru_cache

from lunar_python import Lunar

from alliance.civic.models import FESTIVALS

# festival → (lunar month, lunar day); 清明 is a solar term instead.
LUNAR_DAYS = {
    "spring": (1, 1), "lantern": (1, 15), "dragon_boat": (5, 5), "qixi": (7, 7),
    "mid_autumn": (8, 15), "double_ninth": (9, 9), "laba": (12, 8),
}


# lunar-python builds a year's calendar for each date it converts (~70 ms for the 16 of a
# figures page); a date never changes, so each is computed once per process (a few hundred years
# at most: the pages and the API accept years 1951-2100).
@lru_cache(maxsize=4096)
def festival_date(code: str, year: int) -> date:
    """The solar date of festival ``code`` of lunar year ``year``."""
    if code not in FESTIVALS:
        raise ValueError(f"unknown festival {code!r}")
    if code == "qingming":
        solar = Lunar.fromYmd(year, 1, 1).getJieQiTable()["清明"]
    else:
        month, day = LUNAR_DAYS[code]
        solar = Lunar.fromYmd(year, month, day).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def festivals_in(year: int) -> list[tuple[date, str]]:
    """[(date, code)] of the festivals falling in Gregorian ``year``, in date order."""
    return list(_festivals_in(year))


@lru_cache(maxsize=512)
def _festivals_in(year: int) -> tuple[tuple[date, str], ...]:
    found = set()
    for lunar_year in (year - 1, year):
        for code in FESTIVALS:
            day = festival_date(code, lunar_year)
            if day.year == year:
                found.add((day, code))
    return tuple(sorted(found))


def festival_on(day: date) -> str | None:
    """The festival falling on ``day``, if any."""
    for candidate, code in festivals_in(day.year):
        if candidate == day:
            return code
    return None
