"""Built SQL statements kept and reused across requests (issue 7).

Building a list's ``select()`` (scope, filters, order), its page (LIMIT/OFFSET) and its COUNT
took ~0.25 ms a request, and SQLAlchemy then spent as long again computing the cache key of
each new statement object to find its compiled SQL. A statement object is immutable and
memoizes its cache key, so the same object can serve every request that would have built an
equal one: ``reuse`` keeps a bounded number of them by a key the caller gives, and
``derived`` keeps what is derived from one statement (its page, its count) with it, for as
long as that statement lives.

The key must name *everything* the statement is built from: for a scoped list, the account's
id, alliance, role and unit (all a visibility policy reads, ``user_key``) and every filter.
Values bound into the SQL (an alliance id, a search text) are part of the statement, so two
requests share one only when they would have built the same SQL with the same values.
"""
from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")

# Enough for every list, sort and common filter of the accounts a worker serves in a while;
# a search text is part of a key, so the bound keeps memory flat whatever users type.
MAX_STATEMENTS = 512

_lock = threading.Lock()
_statements: OrderedDict[Hashable, Any] = OrderedDict()
_derived: weakref.WeakKeyDictionary[Any, dict[Hashable, Any]] = weakref.WeakKeyDictionary()


def user_key(user) -> tuple:
    """What a visibility policy may read of an account (``core.visibility``)."""
    return (user.id, user.alliance_id, user.role, user.unit_id)


def reuse(key: Hashable, build: Callable[[], T]) -> T:
    """The statement ``build()`` returns, built once for ``key`` and kept (least recently used
    out past ``MAX_STATEMENTS``)."""
    with _lock:
        found = _statements.get(key)
        if found is not None:
            _statements.move_to_end(key)
            return found
    built = build()
    with _lock:
        _statements[key] = built
        while len(_statements) > MAX_STATEMENTS:
            _statements.popitem(last=False)
    return built


def derived(stmt: Any, key: Hashable, build: Callable[[], T]) -> T:
    """What ``build()`` derives from ``stmt`` (``stmt.limit(...)``, a COUNT of it), kept with
    ``stmt`` for as long as it lives: free for a statement ``reuse`` keeps, harmless for a
    statement built for one request."""
    with _lock:
        kept = _derived.get(stmt)
        if kept is not None and key in kept:
            return kept[key]
    built = build()
    with _lock:
        _derived.setdefault(stmt, {})[key] = built
    return built


def clear() -> None:
    """Forget every kept statement (tests; a schema change in a running process)."""
    with _lock:
        _statements.clear()
        _derived.clear()


def count_where(*conditions: Any) -> Any:
    """COUNT of the rows meeting every condition: a conditional aggregate, so one SELECT can
    count several subsets of the same rows (0 when none does)."""
    from sqlalchemy import and_, case, func

    return func.count(case((and_(*conditions), 1)))
