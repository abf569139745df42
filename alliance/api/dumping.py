"""A faster ``Schema._serialize`` for the API's schemas, with marshmallow's exact output.

Marshmallow serializes each field through ``Field.serialize`` → ``get_value`` → accessor →
``_serialize``: five calls a value. For a list of 50 units of 17 fields that was ~1.5 ms, a
third of ``GET /api/v1/units`` (issue 7). Here each schema's fields are looked at once and
sorted into those whose output marshmallow computes trivially (text, integers, booleans, ISO
dates and times with the stock ``_serialize``, read by plain attribute or key) and the rest
(``Method``, ``Decimal``, ``Nested``, custom fields, dotted attributes, dump defaults...), which
still go through ``Field.serialize`` unchanged. Nested schemas call ``dump`` as before, so they
take this path too, and pre/post-dump hooks run as before (they live in ``Schema.dump``).

The test suite sets ``VERIFY = True`` (tests/conftest.py): every API response the suite
produces, schemathesis' included, is then serialized both ways and must be equal.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import marshmallow as ma
from marshmallow import utils
from marshmallow.utils import missing
from sqlalchemy.engine import Row

VERIFY = False  # the suite turns it on; compares with marshmallow's own _serialize

# (output key, field name, where the value is read, converter or None, field)
_Plan = list[tuple[str, str, str, Callable[[Any], Any] | None, ma.fields.Field]]


def _text(value: Any) -> Any:
    return value if value is None or type(value) is str else utils.ensure_text_type(value)


def _integer(value: Any) -> Any:
    return value if value is None or type(value) is int else int(value)


def _same(value: Any) -> Any:
    return value


def _converter(field: ma.fields.Field) -> Callable[[Any], Any] | None:
    """How marshmallow turns a value of this field into output, when that is trivial; else None."""
    if field.dump_default is not missing or not field._CHECK_ATTRIBUTE:
        return None
    if field.attribute is not None and "." in field.attribute:
        return None
    kind = type(field)
    if kind._serialize is ma.fields.String._serialize:
        return _text
    if kind._serialize is ma.fields.Number._serialize and isinstance(field, ma.fields.Integer) \
            and getattr(kind, "_format_num", None) is ma.fields.Number._format_num and not field.as_string:
        return _integer
    if isinstance(field, ma.fields.Boolean) and kind._serialize is ma.fields.Field._serialize:
        return _same
    if isinstance(field, ma.fields.List) and kind._serialize is ma.fields.List._serialize \
            and isinstance(field.inner, ma.fields.Nested) \
            and type(field.inner)._serialize is ma.fields.Nested._serialize:
        return _nested_list(field.inner)
    if kind._serialize is ma.fields.DateTime._serialize and isinstance(field, ma.fields.Date | ma.fields.DateTime):
        iso = field.SERIALIZATION_FUNCS.get(field.format or field.DEFAULT_FORMAT)
        if iso is not None and field.format in (None, "iso", "iso8601"):
            return lambda value: None if value is None else iso(value)
    return None


def _nested_list(inner: ma.fields.Nested) -> Callable[[Any], Any]:
    """``List(Nested(S))``: marshmallow dumps each item with ``S.dump(item)``; when S has no dump
    hooks and no item is None that is ``S._serialize(items, many=True)``, which takes the
    compiled paths below once for the whole list instead of once an item."""
    def convert(value: Any) -> Any:
        if value is None:
            return None
        schema = inner.schema
        items = list(value)
        if schema.many or inner.many or schema._hooks[ma.decorators.PRE_DUMP] \
                or schema._hooks[ma.decorators.POST_DUMP] or any(item is None for item in items):
            return [inner._serialize(item, None, None) for item in items]
        return schema._serialize(items, many=True)
    return convert


def _plan(schema: ma.Schema) -> _Plan:
    plan = schema.__dict__.get("_fast_plan")
    if plan is None:
        plan = []
        for attr_name, field in schema.dump_fields.items():
            key = field.data_key if field.data_key is not None else attr_name
            source = attr_name if field.attribute is None else field.attribute
            plan.append((key, attr_name, source, _converter(field), field))
        schema.__dict__["_fast_plan"] = plan
    return plan


def _value(obj: Any, key: str) -> Any:
    """``marshmallow.utils.get_value`` for a key without dots (``obj[key]``, else the attribute)."""
    if not hasattr(obj, "__getitem__"):
        return getattr(obj, key, missing)
    try:
        return obj[key]
    except (KeyError, IndexError, TypeError, AttributeError):
        return getattr(obj, key, missing)


_NOT_COMPILED = object()


def _compiled(schema: ma.Schema) -> Callable[[Any], dict] | None:
    """For a schema whose every field is trivial: one generated function that reads each value
    by attribute and builds the output dict in one expression (no loop, no lookups a value).
    Right for objects without ``__getitem__`` (ORM entities) and for SQLAlchemy ``Row``s, where
    marshmallow's ``obj[key]`` fails with TypeError and it falls back to the attribute too. An
    object lacking an attribute raises AttributeError: the caller then takes the general path,
    which leaves the key out as marshmallow does."""
    function = schema.__dict__.get("_fast_compiled", _NOT_COMPILED)
    if function is _NOT_COMPILED:
        plan = _plan(schema)
        function = None
        if schema.dict_class is dict and plan and all(
                convert is not None and source.isidentifier() for _, _, source, convert, _ in plan):
            names = {f"c{i}": convert for i, (_, _, _, convert, _) in enumerate(plan)}
            body = ", ".join(f"{key!r}: c{i}(obj.{source})"
                             for i, (key, _, source, _, _) in enumerate(plan))
            namespace: dict[str, Any] = dict(names)
            exec(f"def dump(obj):\n    return {{{body}}}\n", namespace)  # noqa: S102 - our own code
            function = namespace["dump"]
        schema.__dict__["_fast_compiled"] = function
    return function


def _compiled_rows(schema: ma.Schema) -> tuple[tuple[str, ...], Callable[[Any], dict]] | None:
    """Like ``_compiled``, for ``Row``s whose fields are the plan's sources in its order (what
    ``api.schemas.rows_for`` selects): the values are unpacked by position, not looked up by
    name (a ``Row`` attribute costs a mapping lookup). Returns (field names, function)."""
    found = schema.__dict__.get("_fast_compiled_rows", _NOT_COMPILED)
    if found is _NOT_COMPILED:
        found = None
        if _compiled(schema) is not None:
            plan = _plan(schema)
            namespace: dict[str, Any] = {f"c{i}": convert for i, (_, _, _, convert, _) in enumerate(plan)}
            values = ", ".join(f"v{i}" for i in range(len(plan)))
            body = ", ".join(f"{key!r}: c{i}(v{i})" for i, (key, _, _, _, _) in enumerate(plan))
            exec(f"def dump(row):\n    {values}, = row\n    return {{{body}}}\n", namespace)  # noqa: S102
            found = (tuple(source for _, _, source, _, _ in plan), namespace["dump"])
        schema.__dict__["_fast_compiled_rows"] = found
    return found


def _is_row(obj: Any) -> bool:
    """A SQLAlchemy Row or a named tuple (``core.pagination.plain_rows``): read by attribute,
    since marshmallow's ``obj[key]`` fails on both with TypeError and falls back to it."""
    return isinstance(obj, Row) or isinstance(obj, tuple) and hasattr(obj, "_fields")


def _attribute_read(obj: Any) -> bool:
    return not hasattr(obj, "__getitem__") or _is_row(obj)


def serialize(schema: ma.Schema, obj: Any, many: bool) -> Any:
    """What ``marshmallow.Schema._serialize(schema, obj, many=many)`` returns."""
    if type(schema).get_attribute is not ma.Schema.get_attribute:
        return ma.Schema._serialize(schema, obj, many=many)
    if many and obj is not None:
        if obj and type(obj) is list and _is_row(obj[0]):
            positional = _compiled_rows(schema)
            if positional is not None and all(row._fields == positional[0] for row in obj):
                return [positional[1](row) for row in obj]
        dump = _compiled(schema)
        if dump is None:
            return [_serialize_one(schema, item) for item in obj]
        out = []
        for item in obj:
            if _attribute_read(item):
                try:
                    out.append(dump(item))
                    continue
                except AttributeError:
                    pass
            out.append(_serialize_one(schema, item))
        return out
    if obj is not None and _attribute_read(obj):
        dump = _compiled(schema)
        if dump is not None:
            try:
                return dump(obj)
            except AttributeError:
                pass
    return _serialize_one(schema, obj)


def _serialize_one(schema: ma.Schema, obj: Any) -> Any:
    out = schema.dict_class()
    accessor = schema.get_attribute
    for key, attr_name, source, convert, field in _plan(schema):
        if convert is None:
            value = field.serialize(attr_name, obj, accessor=accessor)
        else:
            value = _value(obj, source)
            if value is not missing:
                value = convert(value)
        if value is not missing:
            out[key] = value
    return out
