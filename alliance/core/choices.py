"""Enumerations stored as stable English codes and shown with Chinese labels."""
from __future__ import annotations

from collections.abc import Iterator


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

    def check_sql(self, column: str) -> str:
        """A CHECK constraint expression that keeps unknown codes out of the column."""
        quoted = ", ".join(f"'{code}'" for code in self._labels)
        return f"{column} IN ({quoted})"
