"""Jinja filters: Chinese dates, masked numbers, labels."""
from __future__ import annotations

from typing import Any

from flask import Flask, g, url_for
from markupsafe import Markup, escape

from alliance.core.dates import format_date_zh, format_datetime_zh
from alliance.core.validators import mask_mobile


def init_app(app: Flask) -> None:
    app.add_template_filter(format_date_zh, "date_zh")
    app.add_template_filter(format_datetime_zh, "datetime_zh")
    app.add_template_filter(mask_mobile, "mask_mobile")
    app.add_template_filter(option_tags, "option_tags")
    app.add_template_global(row_url, "row_url")


def option_tags(choices, selected=None) -> Markup:
    """``<option>`` tags of ``(value, label)`` pairs, ``selected`` marked: one join in Python.
    A select of every unit (2,000 at the benchmark's size) cost 30 ms a page as a Jinja loop."""
    return Markup("".join(  # noqa: S704 - every value and label is escaped below
        f'<option value="{escape(value)}"{" selected" if value == selected else ""}>{escape(label)}</option>'
        for value, label in choices))


# A value no row has, to find where the id goes in a built URL.
_SENTINEL = 987654321987


def row_url(endpoint: str, argument: str, **values):
    """A function from a row's id to its URL for ``endpoint`` (``argument`` the id's name):
    ``{% set unit_url = row_url('members.view_unit', 'unit_id') %}…{{ unit_url(unit.id) }}``.

    ``url_for`` costs ~7 us; a list of 50 rows with a link or two each paid it 50–100 times a
    page for URLs that differ only in the id (issue 7). The URL is built once per request
    with a sentinel id and the id put in its place; an endpoint whose URL does not show the
    sentinel as it is (a converter that is not a plain integer) gets ``url_for`` each time."""
    key = (endpoint, argument, tuple(sorted(values.items())))
    cache = g.setdefault("_row_urls", {})
    found = cache.get(key)
    if found is None:
        arguments: dict[str, Any] = {argument: _SENTINEL, **values}
        built = url_for(endpoint, **arguments)
        marker = str(_SENTINEL)
        if built.count(marker) == 1:
            head, tail = built.split(marker)
            found = lambda row_id: f"{head}{int(row_id)}{tail}"  # noqa: E731
        else:
            found = lambda row_id: url_for(endpoint, **{argument: row_id}, **values)  # noqa: E731
        cache[key] = found
    return found
