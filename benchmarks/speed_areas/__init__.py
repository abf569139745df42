"""Each area's main pages in the floor comparison (benchmarks/speed.py).

An area adds one module here, ``benchmarks/speed_areas/<area>.py``, found by name, with:

``NAME``
    the area (``--areas`` selects by it).
``PAGES``
    ``(label, path, query)`` triples like ``speed.PAGES``; a path may hold ``{name}`` fields that
    ``load`` returns (``{unit_id}`` is always there).
``load(alliance_id, unit_ids) -> dict``
    bulk-loads the area's benchmark data into the app's database (inside an app context, after
    the register's units, people and activities), commits, and returns the path fields.
``floor(app, engine, alliance_id, table)``
    registers on the floor app (``benchmarks/floor_app.py``) the same paths, each running ONE
    ``SELECT`` of the rows the app's page shows (same filter, order and page size; a list API
    adds its COUNT) and rendering ``table`` (a plain Jinja table: ``title``, ``columns``,
    ``rows``) or JSON.
"""
from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def modules(names: list[str] | None = None) -> list[ModuleType]:
    """The area modules, by name; ``names`` None means all of them."""
    found = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    if names is not None:
        unknown = set(names) - set(found)
        if unknown:
            raise SystemExit(f"unknown area(s) {', '.join(sorted(unknown))}; have {', '.join(found)}")
        found = [n for n in found if n in names]
    return [importlib.import_module(f"{__name__}.{name}") for name in found]
