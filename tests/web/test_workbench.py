"""The home page is a workbench per role (issue 13 item 1), built from the areas' panels."""
from __future__ import annotations

from datetime import date

import pytest

from alliance.activities.models import Activity
from alliance.activities.workbench import month_starts, monthly_counts
from alliance.core.roles import StandIn
from alliance.extensions import db
from alliance.members import services as members
from alliance.members.workbench import units_without_activity, units_without_liaison
from tests.factories import make_person, make_unit
from tests.helpers import login


def _activity(world, unit, on, kind="joint_activity", title="共建活动"):
    db.session.add(Activity(alliance_id=world.alliance.id, unit_id=unit.id, title=title,
                            occurred_on=on, kind=kind))
    db.session.commit()


def _home(client, user) -> str:
    login(client, user)
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_staff_see_what_waits_for_them(client, world):
    person = make_person(world.alliance, "李联络")
    members.assign_role(world.unit_b, person, {"role": "liaison", "started_on": date(2024, 1, 1)})
    today = date.today()
    _activity(world, world.unit_a, today, title="春节慰问")
    html = _home(client, world.staff)
    assert 'id="home-waiting"' in html and "本周变更的记录" in html
    no_liaison = html.split('id="waiting-no-liaison"')[1].split('id="waiting-no-activity"')[0]
    assert "复旦大学附属儿科医院" in no_liaison and "建设银行闵行支行" not in no_liaison
    no_activity = html.split('id="waiting-no-activity"')[1]
    assert "建设银行闵行支行" in no_activity.split("</ul>")[0]
    assert "复旦大学附属儿科医院" not in no_activity.split("</ul>")[0]
    assert 'id="home-activity-chart"' in html and "<svg" in html and "<table" in html
    assert 'id="home-exports"' not in html


def test_liaison_sees_their_unit_recent_activities_and_the_big_button(client, world):
    _activity(world, world.unit_a, date.today(), title="党课进社区")
    _activity(world, world.unit_b, date.today(), title="别家的活动")
    html = _home(client, world.liaison_a)
    assert 'id="home-own-unit"' in html and "复旦大学附属儿科医院" in html
    assert 'id="log-activity-button"' in html and "记录共建活动" in html
    assert "党课进社区" in html and "别家的活动" not in html
    assert 'id="home-waiting"' not in html and 'id="home-exports"' not in html


def test_organizer_sees_what_they_can_export_and_no_write_buttons(client, world):
    html = _home(client, world.organizer)
    assert 'id="home-exports"' in html and "/api/v1/units.xlsx" in html
    assert 'id="home-waiting"' not in html and "记录共建活动" not in html


def test_waiting_lists_count_every_unit_in_one_statement_each(app, world):
    for i in range(8):
        make_unit(world.alliance, f"无联络员单位{i}")
    lacking = units_without_liaison(world.alliance.id)
    assert lacking.total == 10 and len(lacking.units) == 6
    _activity(world, world.unit_a, date(date.today().year, 1, 1))
    assert units_without_activity(world.alliance.id, date.today().year).total == 9


def test_chart_counts_twelve_months_by_kind_in_one_grouped_query(app, world, count_queries):
    today = date(2026, 12, 7)
    _activity(world, world.unit_a, date(2026, 12, 1), "visit")
    _activity(world, world.unit_a, date(2026, 12, 2), "visit")
    _activity(world, world.unit_b, date(2026, 1, 5), "party_lesson")
    _activity(world, world.unit_b, date(2025, 12, 31), "party_lesson")  # 13 months ago: out
    assert month_starts(today)[0] == date(2026, 1, 1) and month_starts(today)[-1] == date(2026, 12, 1)
    staff = StandIn(role="staff", alliance_id=world.alliance.id)
    with count_queries() as queries:
        counts = monthly_counts(staff, today)
    assert queries.count == 1
    assert counts == {(2026, 12, "visit"): 2, (2026, 1, "party_lesson"): 1}
    liaison = StandIn(role="liaison", alliance_id=world.alliance.id, unit_id=world.unit_a.id)
    assert monthly_counts(liaison, today) == {(2026, 12, "visit"): 2}


@pytest.mark.parametrize("who", ["staff", "liaison_a", "organizer"])
def test_home_statements_do_not_grow_with_the_data(client, world, count_queries, who):
    login(client, world.user(who))
    client.get("/")
    with count_queries() as few:
        client.get("/")
    for i in range(12):
        unit = make_unit(world.alliance, f"加测单位{i}")
        _activity(world, unit, date.today(), title=f"活动{i}")
        _activity(world, world.unit_a, date.today(), kind="visit", title=f"走访{i}")
    with count_queries() as many:
        client.get("/")
    assert many.count == few.count
