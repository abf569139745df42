"""Paging of ``select()`` statements, shared by pages and the API (``page``, ``per_page``)."""
from __future__ import annotations

import collections
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, literal_column, select

from alliance.core.statements import derived
from alliance.extensions import db

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200


@functools.lru_cache(maxsize=512)
def _row_type(fields: tuple[str, ...]) -> Any:
    try:
        kind = collections.namedtuple("ListRow", fields)  # type: ignore[misc]
    except ValueError:  # a name that cannot be an attribute, or one twice: keep the Rows
        return None
    return kind


def plain_rows(rows: Sequence[Any]) -> list[Any]:
    """SQLAlchemy ``Row``s as named tuples of the same fields: the same values by position
    and by name, for templates and dumping. Reading a ``Row``'s value by name costs ~0.7 us
    (a mapping lookup behind ``__getattr__``); a named tuple's ~0.03 us. A page of 50 rows of
    7 columns rendered in 214 us as Rows and in 49 us as named tuples (issue 7)."""
    if not rows:
        return []
    kind = _row_type(tuple(rows[0]._fields))
    if kind is None:
        return list(rows)
    make = kind._make
    return [make(row) for row in rows]


@dataclass
class Page:
    items: Sequence[Any]
    total: int
    page: int
    per_page: int
    # False when the rows were counted only up to a bound (``paginate(count_up_to=...)``):
    # there are more than ``total`` and the pager says so.
    total_is_exact: bool = True

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


# Beyond this no list has rows (the API documents the same bound): a clear 400, never an
# OFFSET the database cannot bind.
MAX_PAGE = 1_000_000


def clamp_paging(page: Any, per_page: Any, default_per_page: int = DEFAULT_PER_PAGE) -> tuple[int, int]:
    """Turn untrusted query-string values into a valid (page, per_page): a missing or garbled
    value falls back to the default, a page number beyond ``MAX_PAGE`` is a BadArgument (400)."""
    from alliance.core.checks import parse_int
    from alliance.core.errors import BadArgument

    number = parse_int(page, low=-(10**12), high=10**12) if page not in (None, "") else None
    if number is not None and number > MAX_PAGE:
        raise BadArgument("page", f"页码不能超过{MAX_PAGE}")
    if number is None and isinstance(page, str) and page.strip().lstrip("+").isdigit():
        raise BadArgument("page", f"页码不能超过{MAX_PAGE}")  # too many digits to be a page
    page = max(1, number or 1)
    size = parse_int(per_page, low=-(10**12), high=10**12) if per_page not in (None, "") else None
    per_page = min(MAX_PER_PAGE, max(1, size)) if size is not None else default_per_page
    return page, per_page


# HTML lists count their rows up to this many (or a few pages past the one shown): counting all
# 100,000 activities cost 5 ms of a 7 ms page on SQLite, for a figure no one pages through.
PAGE_COUNT_BOUND = 1000
PAGES_AHEAD = 4


def paginate(stmt: Select, page: int, per_page: int, *, scalars: bool = True,
             count_up_to: int | None = None, count: Select | None = None,
             search: bool = False) -> Page:
    """Run ``stmt`` for one page plus one COUNT query (none when the page is not full): two
    queries at most whatever the data size.

    ``count_up_to`` bounds the COUNT (pages pass ``PAGE_COUNT_BOUND``; the API counts exactly,
    its ``total`` is documented): rows are counted up to that many or ``PAGES_AHEAD`` pages past
    this one, whichever is more, and ``Page.total_is_exact`` says whether there were more.

    ``count`` counts the rows of another statement instead of ``stmt``'s: the caller's promise
    that it has the same rows, cheaper (``stmt`` joins a table only to sort by it).

    ``search`` says that ``stmt`` filters by a text search (``LIKE '%张%'``), which the database
    answers by scanning: with a bounded count, the matching ids are then read once, in order, up
    to the bound, and give both the count and the page, which is read by id (see ``_searched``)."""
    if search and count_up_to is not None and count is None and not stmt._with_options:
        found = _searched(stmt, page, per_page, scalars, count_up_to)
        if found is not None:
            return found
    # The page and the count are derived once per statement object (core.statements).
    paged = derived(stmt, ("page", page, per_page),
                    lambda: stmt.limit(per_page).offset((page - 1) * per_page))
    # Rows (not entities) are read on the session's connection, in its transaction: the ORM's
    # execution layer adds ~150 us a statement and has nothing to do for them (issue 7).
    run = db.session if scalars else db.session.connection()
    result = db.session.scalars(paged) if scalars else run.execute(paged)
    items = result.unique().all() if scalars else plain_rows(result.all())
    if items and len(items) < per_page or not items and page == 1:
        # A page that is not full is the last one: it knows the total without a COUNT (a
        # search with a few hits, the end of a list). An empty page past the first still counts,
        # since it may lie beyond the end.
        return Page(items=items, total=(page - 1) * per_page + len(items), page=page,
                    per_page=per_page)
    counted = count if count is not None else stmt
    bound = None if count_up_to is None else max(count_up_to, (page + PAGES_AHEAD) * per_page)
    # (The key holds ``count`` itself, never ``stmt``: a value must not keep its key alive.)
    total = run.scalar(derived(stmt, ("count", bound, count), lambda: _count_of(counted, bound)))
    exact = True
    if bound is not None and (total or 0) > bound:
        total, exact = bound, False
    return Page(items=items, total=total or 0, page=page, per_page=per_page, total_is_exact=exact)


def _searched(stmt: Select, page: int, per_page: int, scalars: bool, count_up_to: int) -> Page | None:
    """A search's page in one scan instead of two. Paging it as a list scanned the rows twice
    (the page until 50 hits, the count until the bound or the end) and each scan tested every
    row: q=张 over 20,000 people read ~10,000 rows for the page and all 20,000 for a count of
    214. Here one ``SELECT id ... ORDER BY ... LIMIT bound + 1`` finds the hits (an index that
    holds the searched columns answers it alone), and the page's rows are read by primary key."""
    # Entities, or rows of one table's columns with its id among them (a statement of rows
    # may take its columns from joins: those are paged the usual way).
    entities = {description.get("entity") for description in stmt.column_descriptions}
    entity = entities.pop() if len(entities) == 1 else None
    if scalars and len(stmt.column_descriptions) != 1 or not scalars and (
            len(stmt.get_final_froms()) != 1 or "id" not in stmt.selected_columns):
        entity = None
    key = getattr(entity, "id", None)
    if key is None:
        return None
    bound = max(count_up_to, (page + PAGES_AHEAD) * per_page)
    connection = db.session.connection()
    ids = connection.execute(derived(stmt, ("search-ids", bound),
                                     lambda: stmt.with_only_columns(key).limit(bound + 1))).scalars().all()
    start = (page - 1) * per_page
    shown = ids[start:start + per_page]
    items: list[Any] = []
    if shown:
        # By primary key alone (the search's WHERE again made SQLite scan for them), in the
        # order the ids came in; they are the scoped statement's own rows.
        position = {row_id: index for index, row_id in enumerate(shown)}
        found = (db.session.scalars(select(entity).where(key.in_(shown))) if scalars else
                 connection.execute(select(*stmt.selected_columns).where(key.in_(shown))))
        items = sorted(found if scalars else plain_rows(found.all()), key=lambda item: position[item.id])
    exact = len(ids) <= bound
    return Page(items=items, total=len(ids) if exact else bound, page=page, per_page=per_page,
                total_is_exact=exact)


def _count_of(stmt: Select, bound: int | None) -> Select:
    """``SELECT count(*)`` of ``stmt``'s rows, of at most ``bound + 1`` of them if bounded."""
    unordered = stmt.order_by(None)
    # The page's own columns are not needed to count it (an index alone answers); a DISTINCT or
    # GROUP BY query keeps them, or its rows would change.
    rows = unordered if unordered._distinct or unordered._group_by_clauses else \
        unordered.with_only_columns(literal_column("1"), maintain_column_froms=True)
    if bound is not None:
        rows = rows.limit(bound + 1)
    return select(func.count()).select_from(rows.subquery())


def list_page(stmt: Select, page: int, per_page: int, *, scalars: bool = True,
              count: Select | None = None, search: bool = False) -> Page:
    """A page of an HTML list: its rows counted up to ``PAGE_COUNT_BOUND`` (see ``paginate``)."""
    return paginate(stmt, page, per_page, scalars=scalars, count_up_to=PAGE_COUNT_BOUND, count=count,
                    search=search)
