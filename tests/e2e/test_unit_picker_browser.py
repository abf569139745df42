"""On a phone: past ``UNIT_SELECT_MAX`` units the activity list's unit filter is typed, not
scrolled: staff type pinyin initials, pick the bank, and the list shows its activities only."""
from __future__ import annotations

from datetime import date

from playwright.sync_api import expect

from alliance.members import queries


def test_staff_filter_activities_by_a_unit_they_type(phone, live_server, live_world, log_in, monkeypatch):
    from alliance.extensions import db
    from alliance.members.models import MemberUnit
    from tests.activities import make_activity

    with live_server.app_context():
        make_activity(db.session.get(MemberUnit, live_world.unit_a.id), title="党课甲",
                      occurred_on=date(2021, 7, 1))
        make_activity(db.session.get(MemberUnit, live_world.unit_b.id), title="走访乙",
                      occurred_on=date(2021, 7, 2))
        db.session.remove()
    monkeypatch.setattr(queries, "UNIT_SELECT_MAX", 1)  # two units are "too many" here

    log_in(phone, live_world.staff)
    phone.goto("/activities")
    picker = phone.locator("#filter-unit-picker")
    expect(picker).to_have_attribute("data-ready", "1")
    expect(phone.locator("#activity-list, main")).to_contain_text("党课甲")
    picker.locator(".picker-input").fill("jsyh")
    picker.locator(".picker-option", has_text=live_world.unit_b.name).tap()
    expect(picker.locator(".picker-input")).to_have_value(live_world.unit_b.name)
    phone.locator("#filter-submit").tap()
    expect(phone.locator("main")).to_contain_text("走访乙")
    expect(phone.locator("main")).not_to_contain_text("党课甲")
    expect(phone.locator("#filter-unit-picker .picker-input")).to_have_value(live_world.unit_b.name)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
