"""Building blocks of a service's validation: collect every field's problems, then refuse once.

Each area's ``validate_*`` function uses these so that a form, the API and an import all get the
same Chinese messages keyed by field name."""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from alliance.core.errors import FieldErrors
from alliance.core.validators import clean_text


class Errors(dict):
    """{field: [message, ...]}, filled while checking, raised as one FieldErrors."""

    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self:
            raise FieldErrors(dict(self))


def clean_texts(data: dict, spec, errors: Errors, cleaned: dict) -> None:
    """Clean the text fields of ``spec`` — (field, max length, required, label) — into ``cleaned``."""
    for field, max_length, required, label in spec:
        try:
            cleaned[field] = clean_text(data.get(field), max_length=max_length,
                                        required=required, label=label)
        except ValueError as exc:
            errors.add(field, str(exc))


def check_choice(data: dict, field: str, choices, errors: Errors, *, required: bool, label: str):
    """The code in ``data[field]`` if it is one of ``choices``; else None and a message."""
    value = data.get(field) or None
    if value is None:
        if required:
            errors.add(field, f"请选择{label}")
        return None
    if not isinstance(value, str) or value not in choices:
        errors.add(field, f"{label}“{str(value)[:20]}”不是有效选项")
        return None
    return value


def check_int(data: dict, field: str, errors: Errors, *, low: int, high: int, label: str) -> Any:
    """An optional whole number within [low, high] (booleans are not numbers here)."""
    value = data.get(field)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        errors.add(field, f"{label}应为{low}至{high}之间的整数")
        return None
    return value


# --- the sane ranges every number and date of the app lies in ---------------------------------
# Record ids and counts are INTEGER columns; a bigger number can name nothing (and SQLite cannot
# bind one above 2**63: a 500 instead of a clear answer).
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
# No date of this register lies before the People's Republic or after the century.
DATE_MIN, DATE_MAX = date(1949, 10, 1), date(2100, 12, 31)
DATE_RANGE_MESSAGE = "日期应在1949年10月1日至2100年12月31日之间"
# The same range as the API document can state it (a ``format: date`` has no minimum): the
# years 1949 (October on) to 2100. ``tests/core/test_checks.py`` holds the two to each other.
DATE_PATTERN = (r"^(?:1949-1[0-2]|(?:19[5-9]\d|20\d\d|2100)-(?:0[1-9]|1[0-2]))"
                r"-(?:0[1-9]|[12]\d|3[01])$")


def date_in_range(value: date) -> bool:
    return DATE_MIN <= value <= DATE_MAX


def check_date(data: dict, field: str, errors: Errors, *, required: bool = False,
               label: str = "日期") -> date | None:
    """An optional ``date`` within [DATE_MIN, DATE_MAX]; else None and a message."""
    value = data.get(field)
    if value is None or value == "":
        if required:
            errors.add(field, f"请填写{label}")
        return None
    if isinstance(value, datetime) or not isinstance(value, date):
        errors.add(field, f"{label}格式不正确")
        return None
    if not date_in_range(value):
        errors.add(field, DATE_RANGE_MESSAGE)
        return None
    return value


def parse_int(value: Any, *, low: int = INT_MIN, high: int = INT_MAX) -> int | None:
    """An untrusted text (query string, form) as a whole number in [low, high], or None.

    Only plain decimal digits count: not ``1e20``, ``0x10``, ``١٢`` or a 5,000-digit string."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if low <= value <= high else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > 12 or not _DECIMAL.match(text):
        return None
    number = int(text)
    return number if low <= number <= high else None


_DECIMAL = re.compile(r"^[+-]?[0-9]+$")


def coerce_id(value: Any) -> int | None:
    """``coerce`` of a SelectField naming a record by id: empty is None, a record id is an
    int, anything else (``1e20``, 20 digits) is the field's error, never a database error."""
    if value is None or value == "":
        return None
    number = parse_int(value, low=1)
    if number is None:
        raise ValueError("请选择列表中的选项")
    return number
