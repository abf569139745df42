"""The annual report page (``/reports/annual?year=``)."""
from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from alliance.core import charts
from alliance.core.permissions import roles_required
from alliance.reports import bp, documents, figures, queries, services


@bp.route("/reports/annual")
@roles_required(*queries.READERS)
def annual():
    today_year = queries.local_today().year
    raw = (request.args.get("year") or "").strip()
    try:
        year = int(raw) if raw else today_year
    except ValueError:
        year = None
    error = queries.year_error(year)
    if error:
        return render_template("reports/annual.html", error=error, year=raw, years=_years(today_year)), 422
    report, previous = services.report_pair(current_user, year)
    chart_list = [charts.bar_chart(title, labels, series)
                  for title, labels, series in documents.chart_series(report, previous)]
    return render_template("reports/annual.html", error=None, year=year, report=report, previous=previous,
                           lines=figures.lines(report, previous), charts=chart_list, figures=figures,
                           years=_years(today_year))


def _years(last: int) -> list[int]:
    return list(range(last, max(queries.FIRST_YEAR, last - 9) - 1, -1))
