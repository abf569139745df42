"""Enumerations stored as stable English codes and shown with Chinese labels."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any, overload


class Choices:
    """An ordered code → label mapping, e.g. ``UNIT_CATEGORIES.label("hospital") == "医院"``."""

    def __init__(self, *pairs: tuple[str, str]):
        self._labels = dict(pairs)

    @property
    def codes(self) -> list[str]:
        return list(self._labels)

    def label(self, code: str | None) -> str:
        return self._labels.get(code, code or "")

    @property
    def labels(self) -> list[str]:
        return list(self._labels.values())

    def items(self) -> list[tuple[str, str]]:
        return list(self._labels.items())

    def __contains__(self, code: object) -> bool:
        return code in self._labels

    def __iter__(self) -> Iterator[str]:
        return iter(self._labels)

    def label_of(self, attribute: str) -> ChoiceLabel:
        """A read-only attribute giving the label of the code in ``attribute``: say
        ``status_label = STATUSES.label_of("status")`` once in a model, a row tuple or an item."""
        return ChoiceLabel(self, attribute)

    def check_sql(self, column: str) -> str:
        """A CHECK constraint expression that keeps unknown codes out of the column."""
        quoted = ", ".join(f"'{code}'" for code in self._labels)
        return f"{column} IN ({quoted})"


class ChoiceLabel:
    """The descriptor of ``Choices.label_of``: on an instance, the label of its code (a plain
    attribute read, for ORM models, ``NamedTuple`` rows and ``__slots__`` items alike); on the
    class, the descriptor itself."""

    __slots__ = ("choices", "attribute")

    def __init__(self, choices: Choices, attribute: str):
        self.choices, self.attribute = choices, attribute

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> ChoiceLabel: ...

    @overload
    def __get__(self, obj: object, owner: type | None = None) -> str: ...

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        return self.choices.label(getattr(obj, self.attribute))
