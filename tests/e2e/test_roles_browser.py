"""Accounts in a real browser (issue 13 item 9): an admin creates an account linked to its person;
its first sign-in must change the admin-set password; the login page counts the tries left."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests import factories

FIRST_PASSWORD = "Plum-Blossom-1921"
OWN_PASSWORD = "Osmanthus-Rain-2026"


@pytest.fixture
def person(live_server, live_world):
    from alliance.extensions import db
    from alliance.members.models import Alliance

    with live_server.app_context():
        alliance = db.session.query(Alliance).filter_by(code="meilong").one()
        factories.make_person(alliance, "王晓梅", title="党务干事")
        db.session.remove()
    return "王晓梅"


def test_admin_links_a_new_account_to_its_person_and_the_first_login_changes_the_password(
        page, new_context, live_world, log_in, person, tmp_path):
    log_in(page, live_world.admin)
    page.goto("/accounts/new")
    page.get_by_label("用户名").fill("wangxm")
    page.get_by_label("姓名", exact=True).fill("王晓梅")
    page.get_by_label("角色").select_option("staff")
    picker = page.locator("#account-person .people-picker")
    expect(picker).to_have_attribute("data-ready", "1")
    picker.locator(".picker-input").fill("王晓")
    picker.locator(".picker-option", has_text=person).click()
    page.get_by_label("密码", exact=True).fill(FIRST_PASSWORD)
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("alert")).to_contain_text("本人首次登录时须修改密码")
    row = page.locator("tr", has_text="wangxm")
    expect(row.get_by_role("link", name=person)).to_have_attribute("href", re.compile(r"/people/\d+$"))
    expect(row).to_contain_text("待本人改密码")

    phone = new_context(**{"viewport": {"width": 390, "height": 844}, "is_mobile": True}).new_page()
    log_in(phone, "wangxm", FIRST_PASSWORD)
    expect(phone).to_have_url(re.compile(r"/account/password$"))
    expect(phone.locator("#password-change-required")).to_be_visible()
    phone.goto("/units")
    expect(phone).to_have_url(re.compile(r"/account/password$"))
    phone.get_by_label("当前密码").fill(FIRST_PASSWORD)
    phone.get_by_label("新密码").fill(OWN_PASSWORD)
    phone.get_by_role("button", name="修改密码").click()
    expect(phone).to_have_url(re.compile(r"/$"))
    expect(phone.get_by_role("alert")).to_contain_text("密码已修改")
    phone.goto("/units")
    expect(phone).to_have_url(re.compile(r"/units$"))
    phone.screenshot(path=tmp_path / "after-change.png", full_page=True)


def test_login_page_counts_the_tries_left_before_the_lock(page, live_world):
    page.goto("/login")
    for left in (2, 1):
        page.get_by_label("用户名", exact=True).fill(live_world.staff)
        page.get_by_label("密码", exact=True).fill("not-the-password")
        page.get_by_role("button", name="登录", exact=True).click()
        expect(page.locator("main")).to_contain_text("用户名或密码不正确")
        expect(page.locator("main")).to_contain_text(f"再输错 {left} 次，登录将被暂时锁定")
    page.get_by_label("密码", exact=True).fill("not-the-password")
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.locator("main")).to_contain_text("登录已被暂时锁定")
