"""A faster ``Schema._serialize`` for the API's schemas, with marshmallow's exact output.

Marshmallow serializes each field through ``Field.serialize`` → ``get_value`` → accessor →
``_serialize``: five calls a value. For a list of 50 units of 17 fields that was ~1.5 ms, a
third of ``GET /api/v1/units`` (issue 7). Here each schema's fields are looked at once and
sorted into those whose output marshmallow computes trivially (text, integers, booleans, ISO
dates and times with the stock ``_serialize``, read by plain attribute or key) and the rest
(custom fields, dump defaults, a ``Method`` without a method...), which still go through
``Field.serialize`` unchanged. Stock ``Number``/``Decimal`` fields, ``Nested`` (one object),
``Method`` (given the object, as marshmallow gives it) and dotted attributes (read attribute
by attribute, like ``utils.get_value``; an object lacking one takes the general path, which
leaves the key out) are trivial too. Nested schemas call ``dump`` as before, so they take this
path too, and pre/post-dump hooks run as before (they live in ``Schema.dump``).

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


class _Fast:
    """A schema whose ``_serialize`` is this module's ``serialize`` (``api.schemas.BaseSchema``)."""

# (output key, field name, where the value is read, converter or None, field); the source is
# None for a field given the whole object (``Method``), a dotted path for ``attribute="a.b"``
_Plan = list[tuple[str, str, str | None, Callable[[Any], Any] | None, ma.fields.Field]]


def _text(value: Any) -> Any:
    return value if value is None or type(value) is str else utils.ensure_text_type(value)


def _integer(value: Any) -> Any:
    return value if value is None or type(value) is int else int(value)


def _same(value: Any) -> Any:
    return value


def _converter(field: ma.fields.Field) -> Callable[[Any], Any] | None:
    """How marshmallow turns a value of this field into output, when that is trivial; else None.
    For a ``Method`` field (its source is None, ``_source``) the converter takes the object."""
    kind: Any = type(field)
    if isinstance(field, ma.fields.Method) and kind._serialize is ma.fields.Method._serialize:
        # Field.serialize skips the value (_CHECK_ATTRIBUTE is False) and calls the method with obj
        return field._serialize_method  # None (no method: the key is left out) takes the general path
    if field.dump_default is not missing or not field._CHECK_ATTRIBUTE:
        return None
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
    if kind._serialize is ma.fields.Number._serialize:  # Decimal, Float...: _serialize reads the value only
        number = field._serialize
        return lambda value: None if value is None else number(value, None, None)
    if isinstance(field, ma.fields.Nested) and kind._serialize is ma.fields.Nested._serialize:
        return _nested_one(field)
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
        if type(value) is list and not value:  # List._serialize of no items
            return []
        schema = inner.schema
        items = list(value)
        if schema.many or inner.many or schema._hooks[ma.decorators.PRE_DUMP] \
                or schema._hooks[ma.decorators.POST_DUMP] or any(item is None for item in items):
            return [inner._serialize(item, None, None) for item in items]
        # what schema._serialize does (with the suite's VERIFY, the outer schema's check dumps
        # this field through marshmallow, hence through schema._serialize, and compares)
        return serialize(schema, items, True) if isinstance(schema, _Fast) else schema._serialize(items, many=True)
    return convert


def _nested_one(field: ma.fields.Nested) -> Callable[[Any], Any]:
    """``Nested(S)`` of one object: marshmallow's ``S.dump(value)``, or ``S._serialize(value)``
    (the compiled dump) when S has no dump hooks."""
    def convert(value: Any) -> Any:
        if value is None:
            return None
        schema = field.schema
        many = schema.many or field.many
        if many or schema._hooks[ma.decorators.PRE_DUMP] or schema._hooks[ma.decorators.POST_DUMP]:
            return schema.dump(value, many=many)
        return serialize(schema, value, False) if isinstance(schema, _Fast) else schema._serialize(value, many=False)
    return convert


def _source(attr_name: str, field: ma.fields.Field) -> str | None:
    if isinstance(field, ma.fields.Method):
        return None
    return attr_name if field.attribute is None else field.attribute


def _plan(schema: ma.Schema) -> _Plan:
    plan = schema.__dict__.get("_fast_plan")
    if plan is None:
        plan = []
        for attr_name, field in schema.dump_fields.items():
            key = field.data_key if field.data_key is not None else attr_name
            plan.append((key, attr_name, _source(attr_name, field), _converter(field), field))
        schema.__dict__["_fast_plan"] = plan
    return plan


def _value(obj: Any, key: str) -> Any:
    """``marshmallow.utils.get_value`` (``obj[key]``, else the attribute; a dotted key part by part)."""
    if "." in key:
        for part in key.split("."):
            obj = _value(obj, part)
            if obj is missing:
                break
        return obj
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
    which leaves the key out as marshmallow does. A ``Method`` field's converter gets ``obj``;
    a dotted attribute is read attribute by attribute (``obj.venue.name``: a missing venue is
    None, which has no ``name``: AttributeError, the general path, the key left out)."""
    function = schema.__dict__.get("_fast_compiled", _NOT_COMPILED)
    if function is _NOT_COMPILED:
        plan = _plan(schema)
        function = None
        if schema.dict_class is dict and plan and all(
                convert is not None and (source is None or all(part.isidentifier() for part in source.split(".")))
                for _, _, source, convert, _ in plan):
            names = {f"c{i}": convert for i, (_, _, _, convert, _) in enumerate(plan)}
            body = ", ".join(f"{key!r}: c{i}(obj)" if source is None else f"{key!r}: c{i}(obj.{source})"
                             for i, (key, _, source, _, _) in enumerate(plan))
            namespace: dict[str, Any] = dict(names)
            exec(f"def dump(obj):\n    return {{{body}}}\n", namespace)  # noqa: S102 - our own code
            function = namespace["dump"]
        schema.__dict__["_fast_compiled"] = function
    return function


def row_fields(schema: ma.Schema) -> tuple[str, ...]:
    """The fields of a row ``_compiled_rows`` dumps by position (``api.schemas.dump_tuple``): the
    plan's sources in its order, less its ``Method`` fields; a dotted source (``attribute="unit.name"``)
    gives its first name (``unit``: a value with a ``name``, or None), once however many read it."""
    fields: list[str] = []
    for _, _, source, _, _ in _plan(schema):
        if source is not None and source.split(".")[0] not in fields:
            fields.append(source.split(".")[0])
    return tuple(fields)


def _compiled_rows(schema: ma.Schema) -> tuple[tuple[str, ...], Callable[[Any], dict]] | None:
    """Like ``_compiled``, for ``Row``s or named tuples whose fields are ``row_fields`` (what
    ``api.schemas.rows_for`` selects, or ``api.schemas.dump_tuple`` makes); ``Method`` fields are
    given the row itself, as marshmallow gives them the object: the values are unpacked by
    position, not looked up by name (a ``Row`` attribute costs a mapping lookup). The rest of a
    dotted source is read as marshmallow reads it (``_value``); when that finds nothing (a row's
    ``unit`` is None) the key is left out, as marshmallow leaves it out. Returns (fields, function)."""
    found = schema.__dict__.get("_fast_compiled_rows", _NOT_COMPILED)
    if found is _NOT_COMPILED:
        found = None
        plan = _plan(schema)
        if _compiled(schema) is not None:  # every source None or identifiers joined by dots
            namespace: dict[str, Any] = {f"c{i}": convert for i, (_, _, _, convert, _) in enumerate(plan)}
            namespace.update(M=missing, value=_value)
            fields = row_fields(schema)
            reads: list[str] = []
            body: list[str] = []
            absent: list[str] = []
            for i, (key, _, source, _, _) in enumerate(plan):
                if source is None:
                    body.append(f"{key!r}: c{i}(row)")
                    continue
                head, _, rest = source.partition(".")
                if not rest:
                    body.append(f"{key!r}: c{i}(v{fields.index(head)})")
                    continue
                reads.append(f"    w{i} = value(v{fields.index(head)}, {rest!r})\n")
                body.append(f"{key!r}: M if w{i} is M else c{i}(w{i})")
                absent.append(f"    if w{i} is M:\n        del d[{key!r}]\n")
            unpack = f"    {', '.join(f'v{j}' for j in range(len(fields)))}, = row\n" if fields else ""
            code = (f"def dump(row):\n{unpack}{''.join(reads)}    d = {{{', '.join(body)}}}\n"
                    f"{''.join(absent)}    return d\n")
            exec(code, namespace)  # noqa: S102 - our own code
            found = (fields, namespace["dump"])
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
        elif source is None:  # Method: the object itself
            value = convert(obj)
        else:
            value = _value(obj, source)
            if value is not missing:
                value = convert(value)
        if value is not missing:
            out[key] = value
    return out
