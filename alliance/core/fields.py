"""Field facts said once, on the model: how long a text may be comes from its column, so a form,
a service check and the database never disagree."""
from __future__ import annotations

from typing import Any

from wtforms.validators import Length

# A ``Text`` column has no length; what a form and a service accept for it.
TEXT_LIMIT = 2000


def max_length(attribute: Any) -> int:
    """The longest text ``attribute`` (e.g. ``MemberUnit.name``) stores: its ``String(n)``, or
    ``TEXT_LIMIT`` for ``Text``."""
    column = attribute.property.columns[0]
    return getattr(column.type, "length", None) or TEXT_LIMIT


def length(attribute: Any, **kwargs: Any) -> Length:
    """A WTForms ``Length`` validator bounded by the column."""
    return Length(max=max_length(attribute), **kwargs)


def text_spec(*fields: tuple[Any, bool, str]) -> tuple[tuple[str, int, bool, str], ...]:
    """``(attribute, required, label)`` triples as the ``(field, max length, required, label)``
    rows ``core.checks.clean_texts`` reads."""
    return tuple((attribute.key, max_length(attribute), required, label) for attribute, required, label in fields)
