"""Paging of ``select()`` statements, shared by pages and the API (``page``, ``per_page``)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select

from alliance.extensions import db

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200


@dataclass
class Page:
    items: Sequence[Any]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def clamp_paging(page: Any, per_page: Any, default_per_page: int = DEFAULT_PER_PAGE) -> tuple[int, int]:
    """Turn untrusted query-string values into a valid (page, per_page)."""
    try:
        page = max(1, int(page))
    except (TypeError, ValueError):
        page = 1
    try:
        per_page = min(MAX_PER_PAGE, max(1, int(per_page)))
    except (TypeError, ValueError):
        per_page = default_per_page
    return page, per_page


def paginate(stmt: Select, page: int, per_page: int, *, scalars: bool = True) -> Page:
    """Run ``stmt`` for one page plus one COUNT query: two queries whatever the data size."""
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    paged = stmt.limit(per_page).offset((page - 1) * per_page)
    result = db.session.scalars(paged) if scalars else db.session.execute(paged)
    items = result.unique().all() if scalars else result.all()
    return Page(items=items, total=total or 0, page=page, per_page=per_page)
