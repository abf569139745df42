"""What the activity log brings to the home page: the activities per month of the last twelve
months by kind (one grouped statement, drawn as SVG by core.charts with the numbers as a table),
and a liaison's latest activities."""
from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, func, select

from alliance.activities.models import ACTIVITY_KINDS, Activity
from alliance.core.charts import Chart, bar_chart
from alliance.core.permissions import scoped
from alliance.core.statements import reuse, user_key
from alliance.extensions import db

MONTHS = 12
RECENT = 5


def month_starts(today: date, months: int = MONTHS) -> list[date]:
    """The first day of each of the last ``months`` months, oldest first, this month last."""
    index = today.year * 12 + today.month - 1
    return [date((i) // 12, (i) % 12 + 1, 1) for i in range(index - months + 1, index + 1)]


def monthly_counts(user, today: date) -> dict[tuple[int, int, str], int]:
    """{(year, month, kind): activities} over the last twelve months that ``user`` may see, in
    one GROUP BY read off the list index (alliance_id, deleted_at, occurred_on, id, kind) alone.
    It groups by day, folded into months here: extracting the month in SQL from every row cost
    more than the at most 366 x 5 groups it saves (SQLite, 100,000 activities)."""
    start = month_starts(today)[0]
    stmt = reuse(("workbench", "activities-by-day", user_key(user)), lambda: (
        scoped(select(Activity.occurred_on, Activity.kind, func.count()), Activity, user)
        .where(Activity.occurred_on >= bindparam("start")).group_by(Activity.occurred_on, Activity.kind)))
    counts: dict[tuple[int, int, str], int] = {}
    for day, kind, n in db.session.execute(stmt, {"start": start}):
        key = (day.year, day.month, kind)
        counts[key] = counts.get(key, 0) + n
    return counts


CHART_TITLE = "近12个月共建活动（按月、按类型）"


def monthly_charts(user, today: date) -> tuple[Chart, Chart]:
    """Activities per month, stacked by kind (only kinds that occur get a series): columns for
    a wide screen, and rows (months down the page) for a phone, where twelve columns of an
    800-pixel drawing would shrink to unreadable labels. Both from the same figures."""
    counts = monthly_counts(user, today)
    months = month_starts(today)
    labels = [f"{m.year % 100:02d}年{m.month}月" if m.month == 1 or i == 0 else f"{m.month}月"
              for i, m in enumerate(months)]
    present = {kind for (_y, _m, kind) in counts}
    series = {label: [counts.get((m.year, m.month, code), 0) for m in months]
              for code, label in ACTIVITY_KINDS.items() if code in present}
    if not series:
        series = {"共建活动": [0] * len(months)}
    wide = bar_chart(CHART_TITLE, labels, series, stacked=True, height=360, print_values=False)
    # pygal draws the first row at the bottom: the newest month comes on top
    narrow = bar_chart(CHART_TITLE, labels, series, horizontal=True, stacked=True, width=400, height=560,
                       print_values=False)
    return wide, narrow


def recent_activities(user, limit: int = RECENT) -> list:
    """The latest activities ``user`` may see (a liaison: their unit's), as rows."""
    return list(db.session.execute(reuse(("workbench", "recent-activities", user_key(user), limit), lambda: (
        scoped(select(Activity.id, Activity.title, Activity.occurred_on, Activity.kind), Activity, user)
        .order_by(Activity.occurred_on.desc(), Activity.id.desc()).limit(limit)))).all())
