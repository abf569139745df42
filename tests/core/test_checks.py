"""The sane ranges of ``core.checks``: the API document's date pattern says what the code checks."""
import re
from datetime import date, timedelta

from alliance.core.checks import DATE_MAX, DATE_MIN, DATE_PATTERN, date_in_range


def test_the_documents_date_pattern_is_the_checked_range():
    edges = [DATE_MIN, DATE_MAX, date(1949, 1, 1), date(1950, 1, 1), date(1999, 12, 31),
             date(2000, 2, 29), date(2099, 12, 31), date(2101, 1, 1), date(84, 5, 8)]
    days = {edge + timedelta(days=step) for edge in edges for step in range(-40, 41)
            if date.min + timedelta(days=40) < edge < date.max - timedelta(days=40)}
    wrong = [d for d in sorted(days) if bool(re.match(DATE_PATTERN, d.isoformat())) != date_in_range(d)]
    assert not wrong
    assert len(days) > 600
