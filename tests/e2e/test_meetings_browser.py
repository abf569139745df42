"""On a phone (390 × 844): a liaison answers a reply slip, sending a substitute found with the
people picker; the substitute signs in through the QR page's address, without an account, and
the organizer's attendance count goes up."""
from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from tests.e2e.conftest import PHONE


def _seed_meeting(live_server, live_world) -> int:
    from alliance.audit.context import acting_as
    from alliance.core.types import utcnow
    from alliance.extensions import db
    from alliance.meetings import services
    from alliance.members import services as members
    from alliance.members.models import Alliance, MemberUnit
    from tests.factories import SETUP, make_person

    with live_server.app_context():
        alliance = db.session.scalar(db.select(Alliance).where(Alliance.code == "meilong"))
        unit = db.session.get(MemberUnit, live_world.unit_a.id)
        xu = make_person(alliance, "徐虹", mobile="13800138000")
        li = make_person(alliance, "李明", mobile="13900001111")
        with acting_as(SETUP):
            members.assign_role(unit, xu, {"role": "secretary", "started_on": date(2020, 1, 1)})
            members.assign_role(unit, li, {"role": "deputy_secretary", "started_on": date(2020, 1, 1)})
            start = utcnow() + timedelta(hours=1)  # sign-in opens 2 hours before: open now
            meeting = services.create_meeting({"kind": "quarterly", "title": "季度例会", "starts_at": start,
                                               "ends_at": start + timedelta(hours=2), "venue": "党群服务中心"},
                                              alliance_id=alliance.id)
            services.invite_person(meeting, xu.id)
            db.session.commit()
        meeting_id = meeting.id
        db.session.remove()
    return meeting_id


def test_reply_slip_on_a_phone_then_qr_sign_in_counts(phone, page, new_context, live_server,
                                                      live_world, log_in, tmp_path):
    meeting_id = _seed_meeting(live_server, live_world)

    # The liaison answers on a phone, from the home page.
    log_in(phone, live_world.liaison_a)
    phone.goto("/")
    phone.locator("#home-meetings").get_by_role("link", name="填写回执").tap()
    expect(phone.get_by_role("heading", name="参会回执")).to_be_visible()
    phone.get_by_label("派人代会").check()
    expect(phone.locator(".people-picker").first).to_have_attribute("data-ready", "1")
    picker = phone.locator(".people-picker").first.locator(".picker-input")
    picker.fill("李")
    phone.locator(".picker-option", has_text="李明").tap()
    phone.get_by_role("button", name="提交回执").tap()
    expect(phone.get_by_role("alert")).to_contain_text("回执已提交")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    # The organizer shows the QR page; its address is what the code carries.
    log_in(page, live_world.organizer)
    page.goto(f"/meetings/{meeting_id}")
    expect(page.locator("#count-present")).to_have_text("0")
    page.get_by_role("link", name="签到二维码").click()
    expect(page.locator("#signin-qr svg")).to_be_visible()
    address = page.locator("#signin-url").get_attribute("href")

    # The substitute signs in on their own phone, with no account.
    stranger = new_context(**PHONE).new_page()
    stranger.goto(address)
    stranger.get_by_label("姓名").fill("李明")
    stranger.get_by_label("手机号后四位").fill("0000")
    stranger.get_by_role("button", name="签到").tap()
    expect(stranger.locator("#signin-form")).to_contain_text("未找到您的参会邀请")
    stranger.get_by_label("手机号后四位").fill("1111")
    stranger.get_by_role("button", name="签到").tap()
    expect(stranger.locator("#signin-done")).to_contain_text("李明，签到成功")
    stranger.screenshot(path=tmp_path / "sign-in.png", full_page=True)

    page.goto(f"/meetings/{meeting_id}")
    expect(page.locator("#count-present")).to_have_text("1")
    page.goto(f"/meetings/{meeting_id}/attendance")
    row = page.locator("#attendance tr", has_text="李明")
    expect(row).to_contain_text("代徐虹")
    expect(row).to_contain_text(re.compile("扫码"))
