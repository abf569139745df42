"""core.statements: built statements reused across requests, bounded, never shared between
accounts or filters (issue 7)."""
import gc

from sqlalchemy import column, select, table

from alliance.core import statements
from alliance.members.queries import UnitFilters, people_list_query, unit_list_query


def _stmt(value):
    return select(table("t", column("a"))).where(column("a") == value)


def test_reuse_builds_once_per_key_and_stays_bounded(monkeypatch):
    statements.clear()
    built = []

    def build(value):
        built.append(value)
        return _stmt(value)

    first = statements.reuse(("k", 1), lambda: build(1))
    assert statements.reuse(("k", 1), lambda: build(1)) is first
    assert statements.reuse(("k", 2), lambda: build(2)) is not first
    assert built == [1, 2]
    monkeypatch.setattr(statements, "MAX_STATEMENTS", 3)
    for value in range(3, 8):
        statements.reuse(("k", value), lambda v=value: build(v))
    assert len(statements._statements) == 3
    statements.reuse(("k", 1), lambda: build(1))  # evicted long ago: built again
    assert built[-1] == 1 and built.count(1) == 2


def test_derived_lives_and_dies_with_its_statement():
    statements.clear()
    stmt = _stmt(1)
    page = statements.derived(stmt, ("page", 1), lambda s=stmt: s.limit(50))
    assert statements.derived(stmt, ("page", 1), lambda s=stmt: s.limit(10)) is page
    assert len(statements._derived) == 1
    del stmt, page
    gc.collect()
    assert len(statements._derived) == 0  # a one-request statement leaves nothing behind


def test_list_statements_are_per_account_and_filter(app, world):
    staff_user, liaison_user = world.staff, world.liaison_a
    with app.test_request_context():
        staff_units = unit_list_query(staff_user, UnitFilters())
        assert unit_list_query(staff_user, UnitFilters()) is staff_units
        assert unit_list_query(liaison_user, UnitFilters()) is not staff_units
        assert unit_list_query(staff_user, UnitFilters(q="医院")) is not staff_units
        assert unit_list_query(staff_user, UnitFilters(), with_roles=False) is not staff_units
        assert people_list_query(staff_user, q="张") is people_list_query(staff_user, q="张")
        assert people_list_query(staff_user, q="张") is not people_list_query(staff_user, q="李")
        assert people_list_query(staff_user) is not people_list_query(liaison_user)
