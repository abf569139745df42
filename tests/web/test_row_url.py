"""row_url: a list's per-row links built once per request, equal to url_for's (issue 7)."""
from flask import url_for

from alliance.core.pagination import plain_rows
from alliance.web.filters import row_url


def test_row_url_equals_url_for(app):
    with app.test_request_context("/units"):
        unit_url = row_url("members.view_unit", "unit_id")
        assert unit_url(7) == url_for("members.view_unit", unit_id=7)
        assert unit_url(123456) == url_for("members.view_unit", unit_id=123456)
        assert row_url("members.view_unit", "unit_id") is unit_url  # built once per request
        with_query = row_url("activities.list_activities", "unit_id", kind="party_lesson")
        assert with_query(5) == url_for("activities.list_activities", unit_id=5, kind="party_lesson")


def test_row_url_under_a_script_root(app):
    with app.test_request_context("/units", base_url="http://example.org/alliance/"):
        assert row_url("members.view_unit", "unit_id")(3) == "/alliance/units/3"


def test_plain_rows_keep_names_and_positions(app, db):
    from sqlalchemy import text

    rows = db.session.execute(text("SELECT 1 AS id, 'a' AS name UNION ALL SELECT 2, 'b'")).all()
    plain = plain_rows(rows)
    assert [(row.id, row.name) for row in plain] == [(1, "a"), (2, "b")]
    assert [tuple(row) for row in plain] == [tuple(row) for row in rows]
    twice = db.session.execute(text("SELECT 1 AS id, 2 AS id")).all()
    assert plain_rows(twice) == list(twice)  # a name twice: the Rows are kept


def test_row_url_with_two_ids(app):
    with app.test_request_context("/"):
        photo_url = row_url("activities_api.get_photo", "activity_id", "photo_id", thumb="true")
        assert photo_url(12, 345) == url_for("activities_api.get_photo", activity_id=12, photo_id=345,
                                             thumb="true")
