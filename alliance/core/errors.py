"""Errors that services raise and the UI and the API both translate for the user."""
from __future__ import annotations

from collections.abc import Mapping

STALE_MESSAGE = "该记录已被他人修改，请刷新后重试"
INVALID_MESSAGE = "提交的内容有误，请检查标出的字段"


class FieldErrors(Exception):
    """Invalid input, keyed by field name: shown next to the field in forms, 422 in the API."""

    status_code = 422
    code = "invalid"

    def __init__(self, fields: Mapping[str, list[str] | str], message: str = INVALID_MESSAGE):
        super().__init__(message)
        self.message = message
        self.fields = {k: [v] if isinstance(v, str) else list(v) for k, v in fields.items()}


class DuplicateRecord(FieldErrors):
    """A record that would repeat a unique value (same unit name in one alliance...): 409."""

    status_code = 409
    code = "duplicate"

    def __init__(self, fields: Mapping[str, list[str] | str], message: str = "与已有记录重复"):
        super().__init__(fields, message)


class StaleRecord(Exception):
    """The client edited an older version than the one stored: 409, nothing changed."""

    status_code = 409
    code = "stale"

    def __init__(self, message: str = STALE_MESSAGE):
        super().__init__(message)
        self.message = message


class RuleViolation(Exception):
    """A request that is well-formed but breaks a business rule (restore onto a taken name...)."""

    status_code = 409
    code = "conflict"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
