"""core.pagination: exact counts for the API, bounded counts for HTML lists (issue 7)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from alliance.core import pagination
from alliance.core.pagination import paginate
from alliance.members.models import MemberUnit
from tests.activities import make_activity
from tests.factories import make_unit


def _units(alliance, n):
    for i in range(n):
        make_unit(alliance, f"测试单位{i:02d}", sort_order=i + 1)
    return (select(MemberUnit).where(MemberUnit.alliance_id == alliance.id)
            .order_by(MemberUnit.sort_order, MemberUnit.id))


def test_without_a_bound_the_count_is_exact(alliance):
    page = paginate(_units(alliance, 12), 2, 5)
    assert (page.total, page.total_is_exact, page.pages) == (12, True, 3)
    assert [u.name for u in page.items] == [f"测试单位{i:02d}" for i in range(5, 10)]


def test_a_bounded_count_stops_a_few_pages_ahead(alliance):
    stmt = _units(alliance, 30)
    first = paginate(stmt, 1, 2, count_up_to=5)
    # At least PAGES_AHEAD pages past this one are counted: 1 + 4 pages of 2.
    assert (first.total, first.total_is_exact) == (10, False)
    assert first.has_next and not first.has_prev
    later = paginate(stmt, 7, 2, count_up_to=5)
    assert (later.total, later.total_is_exact, later.page) == (22, False, 7)
    assert [u.name for u in later.items] == ["测试单位12", "测试单位13"]
    # Fewer rows than the bound: the count is exact and the last page has no next.
    last = paginate(stmt, 15, 2, count_up_to=100)
    assert (last.total, last.total_is_exact, last.has_next) == (30, True, False)


def test_a_bounded_count_keeps_distinct_rows_distinct(alliance):
    for i, category in enumerate(("bank", "bank", "hospital", "school", "school")):
        make_unit(alliance, f"测试单位{i}", category=category)
    stmt = select(MemberUnit.category).where(MemberUnit.alliance_id == alliance.id).distinct()
    page = paginate(stmt, 1, 10, scalars=False, count_up_to=1)
    assert len(page.items) == 3 and page.total == 3 and page.total_is_exact


@pytest.mark.parametrize("bound, expected", [(1, "超过 5 条"), (1000, "共 8 条")])
def test_the_activity_list_says_when_it_stopped_counting(world, sign_in, monkeypatch, bound, expected):
    for day in range(1, 9):
        make_activity(world.unit_a, title=f"活动{day}", occurred_on=date(2021, 7, day))
    monkeypatch.setattr(pagination, "PAGE_COUNT_BOUND", bound)
    html = sign_in(world.staff).get("/activities?per_page=1").get_data(as_text=True)
    assert expected in html
    assert "活动8" in html and "下一页" in html


def test_a_page_that_is_not_full_knows_the_total_without_counting(alliance, count_queries):
    stmt = _units(alliance, 12)
    with count_queries() as short:
        last = paginate(stmt, 3, 5)
    assert (last.total, last.pages, last.has_next, len(last.items)) == (12, 3, False, 2)
    assert not any("count(" in s.lower() for s in short.statements)
    with count_queries() as full:
        assert paginate(stmt, 2, 5).total == 12
    assert sum("count(" in s.lower() for s in full.statements) == 1
    # An empty page past the end is not proof of anything: it counts.
    beyond = paginate(stmt, 9, 5)
    assert (beyond.items, beyond.total, beyond.pages) == ([], 12, 3)
    assert paginate(select(MemberUnit).where(MemberUnit.id < 0), 1, 5).total == 0
