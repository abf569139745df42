"""API list pages read as rows and dumped as light items, shared by the areas' APIs (issue 7).

An API list page of 50 ORM entities with their joined units and names spent most of its time
building them. Instead a page's statement selects the columns its schema dumps (the joined
names labelled), and each row becomes a ``kind``: a ``api.schemas.dump_tuple`` of the schema,
which ``api.dumping`` dumps by position. A field the row does not hold as it is dumped (a
label, a unit as ``UnitRef``, the ``unit`` of a dotted ``unit.name``) is computed from the row.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Select

from alliance.core.statements import reuse

Computed = dict[str, Callable[[Any], Any]]


def tuple_maker(kind: Any, row_fields: tuple[str, ...], computed: Computed) -> Callable[[Any], Any]:
    """A function making a ``kind`` (a ``dump_tuple``) of a row with ``row_fields``: each field
    the row's value at its place, or ``computed[name](row)``; generated once per row shape (a
    page of 50 items is 50 calls of one expression, no attribute set or read a value)."""
    namespace: dict[str, Any] = {"T": kind}
    parts = []
    for name in kind._fields:
        if name in computed:
            namespace[f"f_{name}"] = computed[name]
            parts.append(f"f_{name}(row)")
        else:
            parts.append(f"row[{row_fields.index(name)}]")
    exec(f"def make(row):\n    return T({', '.join(parts)})\n", namespace)  # noqa: S102 - our own code
    return namespace["make"]


_MAKERS: dict[tuple, Callable[[Any], Any]] = {}


def api_page(key: tuple, build: Callable[[], tuple[Select, Select]], page: int, per_page: int,
             item: Any, computed: Computed):
    """One page (``core.pagination.paginate``, counted exactly) of the rows of the statement
    ``build()`` returns with the statement that counts them, both built once for ``key``
    (``core.statements.reuse``: the key names everything they are built from), each row made
    an ``item`` (``tuple_maker``)."""
    from alliance.core.pagination import paginate

    rows, counted = reuse(key, build)
    result = paginate(rows, page, per_page, scalars=False, count=counted)
    if result.items:
        shape = (item, result.items[0]._fields)
        make = _MAKERS.get(shape)
        if make is None:
            make = _MAKERS[shape] = tuple_maker(item, shape[1], computed)
        result.items = [make(row) for row in result.items]
    return result
