"""Text search, said once: every list's ``q=`` matches a substring, with ``%`` and ``_`` in the
user's words taken literally (LIKE with an escape character), on SQLite and PostgreSQL alike
(the trigram indexes of migration search_2 serve it there).

Several words (``复旦 儿科``) must each match somewhere: :func:`every_word` ANDs one condition per
word, each an OR of the columns (issue 13 item 4). Letters also match a stored pinyin key
(``core.sorting.search_key``: ``zhangxuan zx`` for 张轩) through :func:`pinyin_letters`."""
from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import ColumnElement, Select, and_, any_, func, or_

# Words are split at spaces (full-width ones too) and at the commas and enumeration marks a
# Chinese keyboard types between them.
_SEPARATORS = re.compile(r"[\s,，、;；]+")
MAX_WORDS = 5  # each word is a condition over several columns: a pasted paragraph is not a search


def contains(column, text: str) -> ColumnElement[bool]:
    """``column`` contains ``text`` literally."""
    return column.contains(text, autoescape=True)


def any_contains(text: str, *columns) -> ColumnElement[bool]:
    """One of ``columns`` contains ``text`` literally."""
    return or_(*(contains(column, text) for column in columns))


def search_words(text: str | None, *, max_length: int = 100) -> list[str]:
    """The distinct words of a search box's text, in order (at most ``MAX_WORDS``)."""
    words: list[str] = []
    for word in _SEPARATORS.split((text or "")[:max_length]):
        if word and word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def pinyin_letters(word: str) -> str | None:
    """The word as a pinyin key matches it (lower-case letters), or None when it is not
    letters only: ``ZhangX`` → ``zhangx``; ``张`` or ``A座`` → None."""
    letters = word.lower()
    return letters if letters.isascii() and letters.isalpha() else None


def every_word(text: str | None, match: Callable[[str], ColumnElement[bool]], *,
               max_length: int = 100) -> ColumnElement[bool] | None:
    """The condition that every word of ``text`` matches (``match(word)``, typically an OR of
    columns), or None when there is no word."""
    conditions = [match(word) for word in search_words(text, max_length=max_length)]
    if not conditions:
        return None
    return conditions[0] if len(conditions) == 1 else and_(*conditions)


def in_rows(column, subquery: Select) -> ColumnElement[bool]:
    """``column IN (subquery)`` that can sit in an OR of indexed conditions. PostgreSQL runs an
    IN there as a hashed SubPlan filter on every row (a rare name over 100,000 people: a 10 ms
    BitmapOr of trigram indexes became a 60 ms scan); ``= ANY(ARRAY(subquery))`` is computed
    once and read off the primary key within the BitmapOr. SQLite runs an IN list once anyway."""
    from alliance.extensions import db

    if db.engine.dialect.name == "postgresql":
        return column == any_(func.array(subquery.scalar_subquery()))
    return column.in_(subquery)
