"""How the change log reads to people: every area's entries rendered the same way.

What a field is comes from the models and the registry (``core/areas.py``), so an area plugs in
by declaring ``field_labels`` (and, where the models cannot tell, ``references``,
``record_names`` and ``hidden_fields``):

- a foreign key (``unit_id``) shows the referenced record's name (复旦大学附属儿科医院, not 40),
  looked up for a whole page of entries in one UNION ALL statement (:func:`prepare`);
- dates and timestamps show as 2021年1月21日 and 2026年12月3日 14:05 (Asia/Shanghai);
- internal fields (示例数据, sort and search keys, bookkeeping) are not shown;
- codes show their Chinese label; the actor their display name.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from flask import current_app, g
from sqlalchemy import Boolean, Date, DateTime, Integer, String, cast, literal_column, select, union_all

from alliance.audit.labels import COMMON_FIELD_LABELS
from alliance.audit.models import AuditEntry
from alliance.core.areas import registry
from alliance.core.dates import format_date_zh, format_datetime_zh
from alliance.core.validators import mask_value
from alliance.extensions import db

# Columns that may name a record, in order of preference, where the area declares none.
NAME_COLUMNS = ("name", "display_name", "title", "topic", "number", "original_name", "username")
# Internal fields of any record: bookkeeping, sample marks, sort and search keys.
HIDDEN_FIELDS = frozenset({"id", "created_at", "updated_at", "version", "alliance_id", "is_sample",
                           "search_key", "match_terms"})
HIDDEN_SUFFIXES = ("_sort_key", "_stroke_key", "_pinyin_key", "_search_key")
# Actors that are no account (``audit.context``), in Chinese.
ACTOR_LABELS = {"system": "系统", "anonymous": "未登录用户", "cli": "命令行", "demo": "演示数据"}
LONG_TEXT = 120  # longer values are cut in the log (the record's page has them in full)

_SCHEMA_KEY = "alliance.audit.display"
_EMPTY = "空"


@dataclass(frozen=True)
class FieldInfo:
    """How one field of one record type is shown."""

    label: str
    kind: str = "text"  # text, date, datetime, bool, ref
    target: str | None = None  # the referenced record type, for kind "ref"
    hidden: bool = False


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str

    def __str__(self) -> str:
        return f"{self.label}：{self.before} → {self.after}"


@dataclass(frozen=True)
class Target:
    """How records of one type are looked up by id: the mapped class and its naming column."""

    model: Any
    column: str | None
    masked: bool = False  # the column is personal data (``__audit_masked__``): shown masked


class Schema:
    """Every audited record type's fields, read once per app from the mappers and the registry."""

    def __init__(self) -> None:
        areas = registry()
        self.record_types = areas.record_types
        self.code_labels = areas.code_labels
        labels = areas.field_labels
        references = areas.references
        hidden = areas.hidden_fields
        record_names = areas.record_names
        mappers = {m.class_.__name__: m for m in db.Model.registry.mappers}  # type: ignore[attr-defined]
        by_table = {m.local_table.name: name for name, m in mappers.items() if m.local_table is not None}

        self.targets: dict[str, Target] = {}
        for name, mapper in mappers.items():
            columns = {a.key for a in mapper.column_attrs}
            column = record_names.get(name) or next((c for c in NAME_COLUMNS if c in columns), None)
            column = column if column in columns else None
            self.targets[name] = Target(mapper.class_, column,
                                        column in getattr(mapper.class_, "__audit_masked__", ()))

        self.fields: dict[str, dict[str, FieldInfo]] = {}
        for name, mapper in mappers.items():
            model = mapper.class_
            ignored = frozenset(getattr(model, "__audit_ignored__", ())) | hidden.get(name, frozenset())
            fields = {}
            for attr in mapper.column_attrs:
                column = attr.columns[0]
                target = references.get(name, {}).get(attr.key) or next(
                    (by_table.get(fk.column.table.name) for fk in column.foreign_keys), None)
                kind = ("ref" if target else
                        "datetime" if isinstance(column.type, DateTime) or _impl(column.type, DateTime) else
                        "date" if isinstance(column.type, Date) else
                        "bool" if isinstance(column.type, Boolean) else "text")
                label = (labels.get(name, {}).get(attr.key) or COMMON_FIELD_LABELS.get(attr.key)
                         or (self.record_types.get(target, "") if target else "") or attr.key)
                fields[attr.key] = FieldInfo(label, kind, target, hidden=_is_internal(attr.key, ignored))
            for key, target in references.get(name, {}).items():  # ids no column declares
                fields.setdefault(key, FieldInfo(labels.get(name, {}).get(key) or key, "ref", target))
            self.fields[name] = fields

    def field(self, record_type: str | None, key: str) -> FieldInfo:
        known = self.fields.get(record_type or "", {}).get(key)
        if known is not None:
            return known
        label = registry().field_labels.get(record_type or "", {}).get(key) or COMMON_FIELD_LABELS.get(key, key)
        return FieldInfo(label, hidden=_is_internal(key, frozenset()))


def _impl(column_type, kind) -> bool:
    return isinstance(getattr(column_type, "impl", None), kind)


def _is_internal(key: str, ignored: frozenset[str]) -> bool:
    return key in HIDDEN_FIELDS or key in ignored or key.endswith(HIDDEN_SUFFIXES)


def schema() -> Schema:
    """The current app's schema (built on first use: every area has registered by then)."""
    found = current_app.extensions.get(_SCHEMA_KEY)
    if found is None:
        found = current_app.extensions[_SCHEMA_KEY] = Schema()
    return found


# --- names of referenced records, a page at a time ------------------------------------------

class Names:
    """Names of records by (record type, id), kept for one request (``g``)."""

    def __init__(self) -> None:
        self.names: dict[tuple[str, int], str | None] = {}
        self.prepared: set[int] = set()  # ids of the entries whose references are loaded

    def load(self, wanted: Iterable[tuple[str, int]]) -> None:
        """Look up every name not yet known, in one statement whatever the number of types."""
        targets = schema().targets
        by_type: dict[str, set[int]] = {}
        for record_type, record_id in wanted:
            if (record_type, record_id) not in self.names:
                by_type.setdefault(record_type, set()).add(record_id)
        selects = []
        order = sorted(by_type)
        for index, record_type in enumerate(order):
            target = targets.get(record_type)
            ids = by_type[record_type]
            for record_id in ids:
                self.names[(record_type, record_id)] = None
            if target is None or target.column is None:
                continue
            model = target.model
            selects.append(select(literal_column(str(index), Integer).label("t"), model.id.label("i"),
                                  cast(getattr(model, target.column), String).label("n"))
                           .where(model.id.in_(sorted(ids))))
        if not selects:
            return
        statement = selects[0] if len(selects) == 1 else union_all(*selects)
        for type_index, record_id, name in db.session.execute(statement):
            record_type = order[type_index]
            self.names[(record_type, record_id)] = mask_value(name) if targets[record_type].masked else name

    def get(self, record_type: str, record_id: int) -> str | None:
        return self.names.get((record_type, record_id))


def _names() -> Names:
    found = g.get("_audit_names")
    if found is None:
        found = g._audit_names = Names()
    return found


def _references(entry: AuditEntry) -> Iterable[tuple[str, int]]:
    if entry.actor_id is not None:
        yield "User", entry.actor_id
    info = schema()
    for key, values in (entry.changes or {}).items():
        field = info.field(entry.record_type, key)
        if field.kind == "ref" and field.target and not field.hidden:
            for value in values if isinstance(values, list) else (values,):
                if isinstance(value, int) and not isinstance(value, bool):
                    yield field.target, value


def prepare(entries: Iterable[AuditEntry]) -> Names:
    """Load the names every entry of ``entries`` refers to (actors included), in one statement."""
    names = _names()
    fresh = [e for e in entries if id(e) not in names.prepared]
    if fresh:
        names.load(ref for e in fresh for ref in _references(e))
        names.prepared.update(id(e) for e in fresh)
    return names


def _prepared(entry: AuditEntry) -> Names:
    """Names for ``entry``, loaded together with every other entry this request holds.

    A template that shows a list of entries row by row (``entry|describe_changes``) would
    otherwise send one statement per row; the entries it shows are in the session, so the
    first row loads the names of them all."""
    names = _names()
    if id(entry) in names.prepared:
        return names
    held = [obj for obj in db.session.identity_map.values() if isinstance(obj, AuditEntry)]
    return prepare([entry, *held])


# --- values -------------------------------------------------------------------------------

def _text(value: Any) -> str:
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = str(value)
    return text if len(text) <= LONG_TEXT else text[:LONG_TEXT] + "…"


def _when(value: Any, kind: str) -> str:
    if kind == "date" and isinstance(value, str):
        try:
            return format_date_zh(date.fromisoformat(value[:10]))
        except ValueError:
            return _text(value)
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        return _text(value)
    if not isinstance(moment, datetime):
        return _text(value)
    return format_datetime_zh(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def show_value(record_type: str | None, key: str, value: Any, names: Names | None = None) -> str:
    """One value of a change as a reader wants it."""
    if value is None or value == "":
        return _EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    info = schema()
    field = info.field(record_type, key)
    if field.kind == "ref" and field.target and isinstance(value, int):
        name = names.get(field.target, value) if names is not None else None
        return name if name else f"{info.record_types.get(field.target, '')}#{value}"
    if field.kind in ("date", "datetime"):
        return _when(value, field.kind)
    choices = info.code_labels.get((record_type, key))
    if choices is not None:
        return choices.label(value)
    return _text(value)


def changes_of(entry: AuditEntry, names: Names | None = None) -> list[Change]:
    """The entry's changes a reader should see, labelled for its record type."""
    names = names if names is not None else _prepared(entry)
    info = schema()
    shown = []
    for key, values in (entry.changes or {}).items():
        field = info.field(entry.record_type, key)
        if field.hidden:
            continue
        before, after = values if isinstance(values, list) and len(values) == 2 else (None, values)
        shown.append(Change(field.label, show_value(entry.record_type, key, before, names),
                            show_value(entry.record_type, key, after, names)))
    return shown


def describe_changes(entry: AuditEntry) -> list[str]:
    """["单位：空 → 复旦大学附属儿科医院", ...] for one audit entry (the Jinja filter)."""
    return [str(change) for change in changes_of(entry)]


@dataclass(frozen=True)
class Row:
    """One entry of a change log as the shared template shows it."""

    entry: AuditEntry
    actor: str  # the display name, or the login name when the account has none
    login: str | None  # the login name, shown small, when it differs from ``actor``
    record_type: str
    changes: list[Change]


def actor_of(entry: AuditEntry, names: Names) -> tuple[str, str | None]:
    """(display name, login name or None) of whoever made the entry."""
    display = names.get("User", entry.actor_id) if entry.actor_id is not None else None
    if display and display != entry.actor_name:
        return display, entry.actor_name
    if entry.actor_id is None and entry.actor_name in ACTOR_LABELS:
        return ACTOR_LABELS[entry.actor_name], None
    return entry.actor_name, None


def rows(entries: Iterable[AuditEntry]) -> list[Row]:
    """The rows of a change log, with every name they show looked up in one statement."""
    entries = list(entries)
    names = prepare(entries)
    types = schema().record_types
    result = []
    for entry in entries:
        actor, login = actor_of(entry, names)
        result.append(Row(entry, actor, login, types.get(entry.record_type or "", entry.record_type or ""),
                          changes_of(entry, names)))
    return result
