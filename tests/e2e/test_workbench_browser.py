"""The workbench home page in a real browser, for each role, at 1366 × 900 and on a 390 × 844
phone (issue 13 item 1), and an organizer finding no 编辑 button (item 6).

``ALLIANCE_SCREENSHOTS=docs/screenshots`` also writes the pictures the README shows there."""
from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.e2e.conftest import PHONE

DESKTOP = {"viewport": {"width": 1366, "height": 900}}
SIZES = {"desktop": DESKTOP, "phone": PHONE}
SHOTS = os.environ.get("ALLIANCE_SCREENSHOTS")


@pytest.fixture
def busy_world(live_server, live_world):
    """Unit A with a secretary and a year of activities; unit B with a liaison and none this year."""
    from alliance.activities.models import Activity
    from alliance.extensions import db
    from alliance.members import services as members
    from alliance.members.models import MemberUnit

    with live_server.app_context():
        unit_a = db.session.get(MemberUnit, live_world.unit_a.id)
        unit_b = db.session.get(MemberUnit, live_world.unit_b.id)
        alliance = unit_a.alliance
        secretary = factories.make_person(alliance, "王建国")
        liaison = factories.make_person(alliance, "李晓梅")
        members.assign_role(unit_a, secretary, {"role": "secretary", "started_on": date(2021, 1, 21)})
        members.assign_role(unit_b, liaison, {"role": "liaison", "started_on": date(2021, 1, 21)})
        today = date.today()
        kinds = ("joint_activity", "volunteer_service", "party_lesson", "visit")
        titles = ("主题党日：共学党史", "社区义诊志愿服务", "党课：红色足迹", "走访结对居民区")
        for back in range(12):
            month = (today.year * 12 + today.month - 1) - back
            for n in range(1 + (back * 7) % 4):
                day = date(month // 12, month % 12 + 1, 1 + n * 5)
                if day > today:
                    continue
                db.session.add(Activity(alliance_id=alliance.id, unit_id=unit_a.id, kind=kinds[(back + n) % 4],
                                        title=titles[(back + n) % 4], occurred_on=day,
                                        participant_count=10 + n))
        db.session.commit()
        db.session.remove()
    return live_world


def _open(new_context, size: str):
    return new_context(**SIZES[size]).new_page()


def _shot(page, tmp_path: Path, name: str) -> None:
    page.screenshot(path=tmp_path / f"{name}.png", full_page=True)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(SHOTS) / f"{name}.png", full_page=True)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_staff_workbench(new_context, busy_world, log_in, tmp_path, size):
    page = _open(new_context, size)
    log_in(page, busy_world.staff)
    waiting = page.locator("#home-waiting")
    expect(waiting).to_be_visible()
    expect(page.locator("#waiting-no-liaison")).to_contain_text(busy_world.unit_a.name)
    expect(page.locator("#waiting-no-liaison")).not_to_contain_text(busy_world.unit_b.name)
    expect(page.locator("#waiting-no-activity")).to_contain_text(busy_world.unit_b.name)
    expect(page.locator("#waiting-changes")).to_contain_text("本周变更的记录")
    chart = page.locator("#home-activity-chart")
    svg = chart.locator("svg[role=img]:visible")
    expect(svg).to_have_attribute("aria-label", "近12个月共建活动（按月、按类型）")
    # the figures as a table for screen readers: twelve months, one column per kind shown
    expect(chart.locator("figcaption table tbody tr")).to_have_count(12)
    expect(chart.locator("figcaption table thead th", has_text="党课学习")).to_have_count(1)
    box, width = svg.bounding_box(), page.viewport_size["width"]
    assert box and 0.6 * width <= box["width"] + 64 and box["x"] + box["width"] <= width + 1  # fits, no scroll
    _shot(page, tmp_path, f"workbench-staff-{size}")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_liaison_workbench(new_context, busy_world, log_in, tmp_path, size):
    page = _open(new_context, size)
    log_in(page, busy_world.liaison_a)
    own = page.locator("#home-own-unit")
    expect(own).to_contain_text(busy_world.unit_a.name)
    expect(own).to_contain_text("王建国")
    expect(page.locator("#home-recent-activities li")).to_have_count(5)
    expect(page.locator("#home-waiting")).to_have_count(0)
    button = page.get_by_role("link", name="记录共建活动")
    expect(button).to_be_visible()
    box = button.bounding_box()
    assert box and box["height"] >= 48  # a big target on a phone
    _shot(page, tmp_path, f"workbench-liaison-{size}")
    button.click()
    expect(page).to_have_url(re.compile(r"/activities/new"))
    # the 成员单位 entry of the menu goes straight to the liaison's unit
    page.goto("/")
    if size == "phone":
        page.get_by_role("button", name="展开导航").click()
    page.locator("#mainNav").get_by_role("link", name="成员单位").click()
    expect(page).to_have_url(re.compile(rf"/units/{busy_world.unit_a.id}$"))


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_organizer_workbench_and_no_edit_buttons(new_context, busy_world, log_in, tmp_path, size):
    page = _open(new_context, size)
    log_in(page, busy_world.organizer)
    exports = page.locator("#home-exports")
    expect(exports).to_contain_text("成员单位名册")
    expect(exports.get_by_role("link", name="Excel").first).to_have_attribute("href", "/api/v1/units.xlsx")
    expect(page.locator("#home-waiting")).to_have_count(0)
    expect(page.locator("#home-activity-chart svg:visible")).to_have_count(1)
    _shot(page, tmp_path, f"workbench-organizer-{size}")
    for path in ("/", "/units", f"/units/{busy_world.unit_a.id}", "/people", "/activities"):
        page.goto(path)
        main = page.locator("main")
        for word in ("编辑", "新增", "删除", "任命职务", "结束任职", "记录共建活动"):
            expect(main.get_by_role("link", name=word)).to_have_count(0)
            expect(main.get_by_role("button", name=word)).to_have_count(0)
