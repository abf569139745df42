"""Building blocks of a service's validation: collect every field's problems, then refuse once.

Each area's ``validate_*`` function uses these so that a form, the API and an import all get the
same Chinese messages keyed by field name."""
from __future__ import annotations

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
