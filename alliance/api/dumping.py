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
    if kind._serialize is ma.fields.DateTime._serialize and isinstance(field, ma.fields.Date | ma.fields.DateTime):
        iso = field.SERIALIZATION_FUNCS.get(field.format or field.DEFAULT_FORMAT)
        if iso is not None and field.format in (None, "iso", "iso8601"):
            return lambda value: None if value is None else iso(value)
    return None


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


def serialize(schema: ma.Schema, obj: Any, many: bool) -> Any:
    """What ``marshmallow.Schema._serialize(schema, obj, many=many)`` returns."""
    if many and obj is not None:
        return [serialize(schema, item, False) for item in obj]
    if type(schema).get_attribute is not ma.Schema.get_attribute:
        return ma.Schema._serialize(schema, obj, many=False)
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
