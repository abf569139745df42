"""On a phone (390 × 844): a liaison submits a need, another unit's liaison claims it, staff
accept the claim, propose a project for it and take it through every stage to 结项; the need
is then met and the lead unit sees the project closed on its board."""
from __future__ import annotations

import re

from playwright.sync_api import expect

TITLE = "许泾村独居老人助餐"


def _seed(live_server):
    from alliance.audit.context import acting_as
    from alliance.extensions import db
    from alliance.lists import services
    from alliance.members.models import Alliance
    from tests.factories import SETUP

    with live_server.app_context(), acting_as(SETUP):
        for alliance in db.session.scalars(db.select(Alliance)):
            services.seed_categories(alliance.id)
        db.session.commit()
        db.session.remove()


def test_a_need_from_submission_through_a_claim_to_a_closed_project(
        phone, new_context, live_server, live_world, log_in):
    _seed(live_server)
    # 1. The liaison of unit A submits a need for their unit.
    log_in(phone, live_world.liaison_a)
    phone.goto(f"{live_server.url}/needs/new")
    form = phone.locator("#need-form")
    form.get_by_label("需求标题").fill(TITLE)
    form.get_by_label("类别").select_option(label="为老服务")
    form.get_by_label("需求来源").select_option(label="村")
    form.get_by_label("来源名称").fill("许泾村")
    form.get_by_label("受益人数").fill("25")
    form.get_by_role("button", name="提交").tap()
    expect(phone.get_by_role("alert")).to_contain_text("已提交需求")
    expect(phone.locator("#need-status")).to_contain_text("待认领")
    need_url = phone.url
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    # 2. The liaison of unit B claims it for their unit.
    other = new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True).new_page()
    log_in(other, live_world.liaison_b)
    other.goto(need_url)
    other.locator("#commitment").fill("每周两次党员志愿者送餐上门")
    other.locator("#claim-submit").tap()
    expect(other.get_by_role("alert")).to_contain_text("已提交认领")

    # 3. Staff accept the claim and propose a project for the need.
    staff = new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True).new_page()
    log_in(staff, live_world.staff)
    staff.goto(need_url)
    staff.locator("#claims button", has_text="接受").first.tap()
    expect(staff.get_by_role("alert")).to_contain_text("已接受认领")
    staff.goto(need_url)
    expect(staff.locator("#need-status")).to_contain_text("已认领")
    staff.locator("#propose-project-link").tap()
    form = staff.locator("#project-form")
    form.get_by_label("项目名称").fill("许泾村助餐共建")
    form.get_by_label("项目类别").select_option(label="发展共促")
    form.get_by_label("牵头单位").select_option(label=live_world.unit_b.name)
    form.get_by_role("button", name="保存").tap()
    expect(staff.get_by_role("alert")).to_contain_text("已立项")
    expect(staff.locator("#project-stage")).to_have_text("立项")

    # 4. Through every stage; closing without an outcome is refused, then done properly.
    for step, stage in (("认领", "认领"), ("开始实施", "实施"), ("提交评估", "评估")):
        staff.locator("#to_stage").select_option(label=step)
        staff.locator("#transition-submit").tap()
        expect(staff.locator("#project-stage")).to_have_text(stage)
    staff.locator("#to_stage").select_option(label="结项")
    staff.locator("#transition-submit").tap()
    expect(staff.get_by_role("alert")).to_contain_text("成效总结不能为空")
    expect(staff.locator("#project-stage")).to_have_text("评估")
    staff.locator("#to_stage").select_option(label="结项")
    staff.locator("#outcome_summary").fill("25位独居老人每周两次吃上热饭")
    staff.locator("#people_served").fill("25")
    staff.locator("#transition-submit").tap()
    expect(staff.locator("#project-stage")).to_have_text("结项")
    expect(staff.locator("#project-outcome")).to_contain_text("25位独居老人")
    expect(staff.locator("#transitions li")).to_have_count(4)

    # 5. The liaison who asked sees the need met; the lead unit's board shows the project closed.
    phone.goto(need_url)
    expect(phone.locator("#need-status")).to_contain_text("已满足")
    other.goto(f"{live_server.url}/projects/board")
    expect(other.locator("#stage-closed")).to_contain_text("许泾村助餐共建")
    assert not re.search(r"Traceback", phone.content())
