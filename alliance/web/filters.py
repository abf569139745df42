"""Jinja filters: Chinese dates, masked numbers, labels."""
from __future__ import annotations

from flask import Flask, g, url_for
from markupsafe import Markup, escape

from alliance.core.dates import format_date_zh, format_datetime_zh
from alliance.core.types import utcnow
from alliance.core.validators import mask_mobile


def init_app(app: Flask) -> None:
    app.add_template_filter(format_date_zh, "date_zh")
    app.add_template_filter(format_datetime_zh, "datetime_zh")
    app.add_template_filter(mask_mobile, "mask_mobile")
    app.add_template_filter(option_tags, "option_tags")
    app.add_template_global(row_url, "row_url")
    app.add_template_global(lambda: format_date_zh(utcnow()), "today_zh")  # the print header's date


def option_tags(choices, selected=None) -> Markup:
    """``<option>`` tags of ``(value, label)`` pairs, ``selected`` marked: one join in Python.
    A select of every unit (2,000 at the benchmark's size) cost 30 ms a page as a Jinja loop."""
    return Markup("".join(  # noqa: S704 - every value and label is escaped below
        f'<option value="{escape(value)}"{" selected" if value == selected else ""}>{escape(label)}</option>'
        for value, label in choices))


# Values no row has, to find where each id goes in a built URL.
_SENTINELS = (987654321987, 987654321986, 987654321985)


def row_url(endpoint: str, *arguments: str, **values):
    """A function from a row's id (or ids) to its URL for ``endpoint`` (``arguments`` the ids'
    names): ``{% set unit_url = row_url('members.view_unit', 'unit_id') %}…{{ unit_url(unit.id) }}``.

    ``url_for`` costs ~7 us; a list of 50 rows with a link or two each paid it 50–100 times a
    page for URLs that differ only in the ids (issue 7). The URL is built once per request
    with sentinel ids and the ids put in their places; an endpoint whose URL does not show the
    sentinels as they are (a converter that is not a plain integer) gets ``url_for`` each time."""
    if not 1 <= len(arguments) <= len(_SENTINELS):
        raise TypeError("row_url takes one to three id names")
    key = (endpoint, arguments, tuple(sorted(values.items())))
    cache = g.setdefault("_row_urls", {})
    found = cache.get(key)
    if found is None:
        sentinels = dict(zip(arguments, _SENTINELS, strict=False))
        built = url_for(endpoint, **{**sentinels, **values})
        pieces = _split(built, [str(sentinel) for sentinel in sentinels.values()])
        if pieces is not None:
            def found(*ids, _pieces=pieces):
                out = [_pieces[0]]
                for row_id, piece in zip(ids, _pieces[1:], strict=True):
                    out.append(str(int(row_id)))
                    out.append(piece)
                return "".join(out)
        else:
            def found(*ids):
                return url_for(endpoint, **{**dict(zip(arguments, ids, strict=True)), **values})
        cache[key] = found
    return found


def _split(url: str, markers: list[str]) -> list[str] | None:
    """``url`` cut at each marker in turn, or None if one is not there exactly once, in order."""
    pieces, rest = [], url
    for marker in markers:
        if url.count(marker) != 1 or marker not in rest:
            return None
        head, rest = rest.split(marker)
        pieces.append(head)
    pieces.append(rest)
    return pieces
