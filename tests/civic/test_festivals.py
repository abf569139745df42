from datetime import date

import pytest

from alliance.civic.festivals import festival_date, festival_on, festivals_in


@pytest.mark.parametrize("code, year, expected", [
    ("laba", 2020, date(2021, 1, 20)),   # the 腊八 of the 2021 couplet drive
    ("laba", 2021, date(2022, 1, 10)),
    ("laba", 2022, date(2022, 12, 30)),
    ("laba", 2023, date(2024, 1, 18)),
    ("spring", 2021, date(2021, 2, 12)),
    ("spring", 2022, date(2022, 2, 1)),
    ("lantern", 2021, date(2021, 2, 26)),
    ("qingming", 2022, date(2022, 4, 5)),
    ("qingming", 2024, date(2024, 4, 4)),
    ("dragon_boat", 2023, date(2023, 6, 22)),
    ("qixi", 2022, date(2022, 8, 4)),
    ("mid_autumn", 2020, date(2020, 10, 1)),
    ("double_ninth", 2021, date(2021, 10, 14)),
])
def test_festival_dates_come_from_the_lunar_calendar(code, year, expected):
    assert festival_date(code, year) == expected


def test_a_gregorian_year_can_hold_two_laba():
    laba = [day for day, code in festivals_in(2022) if code == "laba"]
    assert laba == [date(2022, 1, 10), date(2022, 12, 30)]
    assert festival_on(date(2021, 1, 20)) == "laba"
    assert festival_on(date(2021, 1, 21)) is None


def test_unknown_festival_is_refused():
    with pytest.raises(ValueError):
        festival_date("christmas", 2021)
