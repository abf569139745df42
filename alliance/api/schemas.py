"""Marshmallow fields and schemas with Chinese messages, shared by every area's API."""
from __future__ import annotations

import functools
import re
from collections import namedtuple
from typing import Any

import marshmallow as ma
from marshmallow import validate
from sqlalchemy import Select
from sqlalchemy import inspect as sa_inspect

from alliance.api import dumping

# What an INTEGER column holds (core.checks, shared with the pages' argument parsing); a bigger
# number can only be a mistake (and SQLite cannot bind one above 2**63: a 500 instead of a 422).
from alliance.core.checks import (  # noqa: E402
    DATE_PATTERN,
    DATE_RANGE_MESSAGE,
    INT_MAX,
    INT_MIN,
    date_in_range,
)
from alliance.core.statements import derived

_Messages = dict[str, str | list[Any] | dict[Any, Any]]  # marshmallow's type of default_error_messages
ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")

# Messages every field may raise, in Chinese. Marshmallow merges ``default_error_messages``
# along the class hierarchy, so listing this class first overrides the English defaults.


class _Zh:
    default_error_messages: _Messages = {
        "required": "此项为必填",
        "null": "此项不能为空",
        "validator_failed": "输入无效",
    }


class Str(_Zh, ma.fields.String):
    """Text; the document says no NUL (refused before any view, see ``web.errors``)."""

    default_error_messages: _Messages = {"invalid": "应为文本", "invalid_utf8": "不是有效的 UTF-8 文本",
                              "control": "含有不允许的字符"}

    def __init__(self, *args, metadata=None, **kwargs):
        metadata = {"pattern": "^[^\\u0000]*$", **(metadata or {})}
        super().__init__(*args, metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:  # PostgreSQL refuses NUL in text, even in a search term
            raise self.make_error("control")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate from a JSON "\ud800"
            raise self.make_error("invalid_utf8") from None
        return text


class Int(_Zh, ma.fields.Integer):
    default_error_messages: _Messages = {"invalid": "应为整数", "too_large": "数值过大"}

    def __init__(self, *, strict: bool = True, validate=None, **kwargs):
        # strict: a JSON 2.5 (or true) is an error, not silently 2 (query strings: strict=False).
        # Without a range of its own, the number must fit an INTEGER column.
        if validate is None and not kwargs.get("dump_only"):
            validate = int_range(INT_MIN, INT_MAX, error="数值超出范围")
        super().__init__(strict=strict, validate=validate, **kwargs)


class Bool(_Zh, ma.fields.Boolean):
    """In a JSON body, ``true``/``false`` only (not 0, 1 or "yes": the document says boolean);
    in a query string or form (always text) the words ``true``/``false``. ``strict=False``
    accepts the words in JSON too."""

    default_error_messages: _Messages = {"invalid": "应为 true 或 false"}
    WORDS = {"true": True, "True": True, "false": False, "False": False}

    def __init__(self, *, strict: bool = True, **kwargs):
        self.strict = strict
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):  # before the words: 0 == False and 1 == True in Python
            return value
        if isinstance(value, str) and (not self.strict or _is_text_location(data)) and value in self.WORDS:
            return self.WORDS[value]
        raise self.make_error("invalid", input=value)


def _is_text_location(data) -> bool:
    """webargs hands query strings and forms over as a MultiDictProxy, JSON as a dict."""
    from webargs.multidictproxy import MultiDictProxy

    return isinstance(data, MultiDictProxy)


class Date(_Zh, ma.fields.Date):
    """``YYYY-MM-DD`` exactly (Python would also take ``20200101``, which OpenAPI's ``date``
    format does not allow)."""

    default_error_messages: _Messages = {"invalid": "日期格式应为 YYYY-MM-DD", "format": "日期无法格式化",
                              "range": DATE_RANGE_MESSAGE}

    def __init__(self, *args, metadata=None, **kwargs):  # the document states the sane range
        metadata = {"pattern": DATE_PATTERN, **(metadata or {})}
        super().__init__(*args, metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not ISO_DATE.match(value):
            raise self.make_error("invalid")
        result = super()._deserialize(value, attr, data, **kwargs)
        if not date_in_range(result):  # the shared sane range of core.checks
            raise self.make_error("range")
        return result


class DateTime(_Zh, ma.fields.DateTime):
    default_error_messages: _Messages = {"invalid": "时间格式应为 ISO 8601"}


class Dict(_Zh, ma.fields.Dict):
    default_error_messages: _Messages = {"invalid": "应为对象"}


class Nested(_Zh, ma.fields.Nested):
    default_error_messages: _Messages = {"type": "应为对象"}


class List(_Zh, ma.fields.List):
    default_error_messages: _Messages = {"invalid": "应为列表"}


def length(max_length: int, min_length: int | None = None) -> validate.Length:
    if min_length:
        return validate.Length(min=min_length, max=max_length,
                               error=f"长度应为{min_length}至{max_length}个字符")
    return validate.Length(max=max_length, error=f"不能超过{max_length}个字符")


def one_of(codes) -> validate.OneOf:
    return validate.OneOf(list(codes), error="不是有效选项，可选：{choices}")


def int_range(low: int, high: int, error: str | None = None) -> validate.Range:
    return validate.Range(min=low, max=high, error=error or f"应为{low}至{high}之间的整数")


class BaseSchema(dumping._Fast, ma.Schema):
    class Meta:
        unknown = ma.RAISE
        ordered = True

    error_messages = {"unknown": "未知字段", "type": "请求体应为 JSON 对象"}

    def _serialize(self, obj: Any, *, many: bool = False):
        """marshmallow's output, computed faster (``alliance.api.dumping``; issue 7)."""
        result = dumping.serialize(self, obj, many)
        if dumping.VERIFY:  # the suite: same values, same types, same key order
            expected = super()._serialize(obj, many=many)
            if repr(result) != repr(expected):
                raise AssertionError(f"{type(self).__name__}: fast dump {result!r} != marshmallow {expected!r}")
        return result


class RecordSchema(BaseSchema):
    """What every record carries (API.md)."""

    id = Int(dump_only=True)
    version = Int(dump_only=True)
    created_at = DateTime(dump_only=True)
    updated_at = DateTime(dump_only=True)
    deleted_at = DateTime(dump_only=True, allow_none=True)


class OptionalVersionArgs(BaseSchema):
    version = Int(strict=False, metadata={"description": "读取记录时得到的版本号；给出时过期则 409"})


class PagingArgs(BaseSchema):
    page = Int(strict=False, load_default=1, validate=int_range(1, 1_000_000))
    per_page = Int(strict=False, load_default=50, validate=int_range(1, 200),
                   metadata={"description": "每页条数，最多200；超过时 422（不会悄悄截断）"})


def page_schema(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """The list envelope of API.md: ``{"items", "total", "page", "per_page"}``."""
    return type(name, (BaseSchema,), {
        "items": List(Nested(item_schema)),
        "total": Int(),
        "page": Int(),
        "per_page": Int(),
    })


def page_body(page) -> dict:
    return {"items": page.items, "total": page.total, "page": page.page, "per_page": page.per_page}


class ErrorDetail(BaseSchema):
    code = Str()
    message = Str()
    fields = Dict(keys=Str(), values=List(Str()))  # type: ignore[assignment]  # a field named 'fields'


class ErrorSchema(BaseSchema):
    error = Nested(ErrorDetail)


@functools.cache
def dump_tuple(schema_class: type[ma.Schema]) -> type:
    """A named tuple of the values ``schema_class`` dumps, in its order (its ``Method`` fields
    left out: they are given the tuple, so a subclass may add the methods they call). A list
    of them is dumped by position (``dumping._compiled_rows``): no attribute read a value. A
    dotted attribute (``unit.name``) is read of its first name's value (``unit``: an object with
    a ``name``, or None, which leaves the key out as marshmallow does): ``dumping.row_fields``."""
    return namedtuple(f"{schema_class.__name__}Row", dumping.row_fields(schema_class()))


@functools.cache
def dumped_columns(schema_class: type[ma.Schema], model: type) -> tuple | None:
    """The model's columns that ``schema_class`` dumps, in its order, when it dumps nothing else
    (every field a plain column read by name: ``dumping``'s trivial fields); else None."""
    columns: Any = sa_inspect(model).column_attrs
    found: list = []
    for _key, _name, source, convert, _field in dumping._plan(schema_class()):
        if convert is None or source not in columns:
            return None
        found.append(getattr(model, source))
    return tuple(found)


def rows_for(stmt: Select, schema_class: type[ma.Schema], model: type) -> tuple[Select, bool]:
    """``stmt`` (a ``select(model)``) reading only the columns the schema dumps, as rows, when
    that is all it dumps; returns the statement and whether its results are scalars (entities).

    An API list page hydrated 50 ORM entities of 22 columns to dump 17 of them: reading rows is
    ~3x cheaper (issue 7), and ``dumping`` reads a ``Row`` by attribute as it reads an entity."""
    columns: tuple | None = dumped_columns(schema_class, model)
    if columns is None:
        return stmt, True
    return derived(stmt, ("rows", schema_class), lambda: stmt.with_only_columns(*columns)), False


def list_body(stmt: Select, schema_class: type[ma.Schema], model: type, page: int, per_page: int,
              **paging: Any) -> dict:
    """An API list's body: one page of ``stmt`` (a ``select(model)``) read as ``rows_for`` says,
    with its exact total (``core.pagination.paginate``)."""
    from alliance.core.pagination import paginate

    stmt, scalars = rows_for(stmt, schema_class, model)
    return page_body(paginate(stmt, page, per_page, scalars=scalars, **paging))
