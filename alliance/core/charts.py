"""Charts drawn on the server as SVG (pygal), so pages need no script and no CDN.

A :class:`Chart` carries the SVG and the same numbers as a table (for screen readers, print and
anyone who wants the figures); templates show both with the ``chart`` macro of
``templates/_macros.html``::

    chart = bar_chart("各星级党组织数量", ["五星", "四星", "三星"], {"2020年": [8, 36, 58]})
    return render_template("ratings/report.html", chart=chart)

    {% from "_macros.html" import chart %} {{ chart(chart) }}
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup

_SCRIPT = re.compile(r"<script\b.*?</script>", re.S | re.I)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
FONT = "'Noto Sans CJK SC', 'WenQuanYi Micro Hei', 'Microsoft YaHei', sans-serif"


@dataclass
class Chart:
    title: str
    labels: list[str]
    series: dict[str, list[float]]
    svg: Markup

    @property
    def table_headers(self) -> list[str]:
        return ["", *self.series]

    @property
    def table_rows(self) -> list[list]:
        return [[label, *(values[i] for values in self.series.values())]
                for i, label in enumerate(self.labels)]


def _style():
    from pygal.style import Style

    return Style(font_family=FONT, background="transparent", plot_background="transparent",
                 title_font_size=18, label_font_size=13, major_label_font_size=13,
                 legend_font_size=13, value_font_size=12, tooltip_font_size=12,
                 colors=("#c0392b", "#2c7be5", "#f0a202", "#27ae60", "#8e44ad", "#16a085", "#7f8c8d"))


def _render(chart_class, title: str, labels: Sequence[str], series: Mapping[str, Sequence[float]],
            **options) -> Chart:
    """The chart, its SVG drawn once per distinct figures: pygal takes 10-15 ms for a small bar
    chart, more than the rest of a figures page, and the figures change far less often than
    the page is read."""
    numbers = tuple((name, tuple(float(v) if v is not None else None for v in values))
                    for name, values in series.items())
    try:
        svg = _svg(chart_class, title, tuple(labels), numbers, tuple(sorted(options.items())))
    except TypeError:  # an option that cannot be a cache key (a list, a dict): draw it now
        svg = _draw(chart_class, title, tuple(labels), numbers, tuple(sorted(options.items())))
    return Chart(title=title, labels=list(labels),
                 series={k: [v or 0 for v in vs] for k, vs in series.items()}, svg=svg)


def _draw(chart_class, title: str, labels: tuple[str, ...],
          series: tuple[tuple[str, tuple[float | None, ...]], ...], option_items: tuple) -> Markup:
    import pygal

    options = dict(option_items)
    chart = getattr(pygal, chart_class)(
        js=[], style=_style(), disable_xml_declaration=True, title=title, show_legend=len(series) > 1,
        legend_at_bottom=True, print_values=options.pop("print_values", True),
        width=options.pop("width", 800), height=options.pop("height", 420), explicit_size=False, **options)
    if chart_class != "Pie":
        chart.x_labels = list(labels)
        for name, values in series:
            chart.add(name, list(values))
    else:
        values = series[0][1] if series else ()
        for label, value in zip(labels, values, strict=False):
            chart.add(label, float(value or 0))
    svg = chart.render(is_unicode=True)
    # pygal adds a configuration <script> even with js=[]: the CSP forbids inline scripts, and
    # the chart needs none without its tooltips.
    svg = _COMMENT.sub("", _SCRIPT.sub("", svg))
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{Markup.escape(title)}" ', 1)
    return Markup(svg)  # noqa: S704 - pygal's own SVG, labels escaped by pygal


_svg = lru_cache(maxsize=256)(_draw)


def bar_chart(title: str, labels: Sequence[str], series: Mapping[str, Sequence[float]], *,
              horizontal: bool = False, stacked: bool = False, **options) -> Chart:
    kind = ("StackedBar" if stacked else "Bar") if not horizontal else (
        "HorizontalStackedBar" if stacked else "HorizontalBar")
    return _render(kind, title, labels, series, **options)


def line_chart(title: str, labels: Sequence[str], series: Mapping[str, Sequence[float]], **options) -> Chart:
    return _render("Line", title, labels, series, **options)


def pie_chart(title: str, labels: Sequence[str], values: Sequence[float], **options) -> Chart:
    return _render("Pie", title, labels, {title: list(values)}, **options)
