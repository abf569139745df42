"""Forms that help (issue 13, item 3) in a real browser, at desktop (1366 × 900) and phone
(390 × 844) sizes: a blank unit form shows every error at once with a summary linking to the
fields; a post after the session expired shows the login inline and keeps what was typed;
every control of the forms has an accessible name."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE

DESKTOP = {"viewport": {"width": 1366, "height": 900}}
WRONG_USCC = "91310112MA1GBUG23X"  # the check character should be E


@pytest.fixture(params=["desktop", "phone"])
def screen(request, new_context, tmp_path):
    """A page at the issue's desktop size or at the phone size; leaves a screenshot."""
    page = new_context(**(DESKTOP if request.param == "desktop" else PHONE)).new_page()
    page.size_name = request.param
    yield page
    page.screenshot(path=tmp_path / f"{request.param}.png", full_page=True)


def test_blank_unit_form_shows_every_error_at_once(screen, live_world, log_in, tmp_path):
    log_in(screen, live_world.staff)
    screen.goto("/units/new")
    form = screen.locator("#unit-form")
    form.get_by_label("统一社会信用代码").fill(WRONG_USCC)  # the service's check, not the form's
    form.get_by_role("button", name="保存").click()

    summary = screen.locator("#form-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # static/js/forms.js: read first, on a phone too
    expect(summary).to_contain_text("未能保存，请修改标出的3处内容")
    links = summary.get_by_role("link")
    expect(links).to_have_text(["单位名称", "单位类别", "统一社会信用代码"])
    expect(summary).to_contain_text("单位名称：请填写单位名称")
    expect(summary).to_contain_text("单位类别：请选择单位类别")
    expect(summary).to_contain_text("统一社会信用代码：统一社会信用代码校验位不正确")
    # Each message sits at its field too, all in this first round
    expect(form.locator(".invalid-feedback")).to_have_count(3)
    expect(form.locator("#category ~ .invalid-feedback")).to_contain_text("请选择单位类别")
    # Required fields are marked (an asterisk, a hidden 必填, the required attribute)
    for name in ("name", "category"):
        label = form.locator(f"label[for={name}]")
        expect(label).to_have_class(re.compile(r"\brequired-label\b"))
        assert label.evaluate("l => getComputedStyle(l, '::after').content").startswith('"*"')
        expect(form.locator(f"label[for={name}] + .visually-hidden")).to_have_text("（必填）")
        expect(form.locator(f"#{name}")).to_have_attribute("required", "")
    expect(form.locator("label[for=short_name].required-label")).to_have_count(0)

    summary.get_by_role("link", name="单位类别").click()
    expect(form.get_by_label("单位类别")).to_be_focused()
    screen.screenshot(path=tmp_path / f"unit-errors-{screen.size_name}.png", full_page=True)

    form.get_by_label("单位名称").fill("上海力波")
    form.get_by_label("单位类别").select_option(label="企业")
    form.get_by_label("统一社会信用代码").fill("91310112MA1GBUG23E")
    form.get_by_role("button", name="保存").click()
    expect(screen).to_have_url(re.compile(r"/units/\d+$"))
    expect(screen.get_by_role("alert")).to_contain_text("已添加成员单位 上海力波")


def _expire_sessions(live_server) -> None:
    """The server-side sessions go idle for longer than SESSION_IDLE_TIMEOUT: a real expiry."""
    from alliance.auth.models import WebSession
    from alliance.core.models import utcnow
    from alliance.extensions import db

    with live_server.app_context():
        timeout = live_server.app.config["SESSION_IDLE_TIMEOUT"]
        for row in db.session.scalars(db.select(WebSession)):
            row.last_seen_at = utcnow() - timeout - timedelta(minutes=1)
        db.session.commit()
        db.session.remove()


def test_a_submit_after_the_session_expired_keeps_the_typed_text(screen, live_server, live_world, log_in):
    log_in(screen, live_world.staff)
    screen.goto("/units/new")
    form = screen.locator("#unit-form")
    form.get_by_label("单位名称").fill("上海力波")
    form.get_by_label("单位类别").select_option(label="企业")
    form.get_by_label("简介").fill("2021年加入联盟的企业，提供展示场地。")

    if screen.size_name == "desktop":
        _expire_sessions(live_server)  # idle for too long
    else:
        screen.context.clear_cookies(name="alliance_session")  # the browser dropped it

    form.get_by_role("button", name="保存").click()
    # Not a bare 400 page: the login right here, and word that nothing was lost
    expect(screen.get_by_role("heading", level=1)).to_have_text("页面已过期，请重新登录")
    expect(screen.locator("#session-expired")).to_contain_text("没有保存")
    expect(screen.locator("#session-expired .draft-note")).to_be_visible()
    relogin = screen.locator("#relogin-form")
    relogin.get_by_label("用户名").fill(live_world.staff)
    relogin.get_by_label("密码").fill(live_world.password)
    relogin.get_by_role("button", name="登录并回到原页面").click()

    expect(screen).to_have_url(re.compile(r"/units/new$"))
    expect(screen.locator("#draft-restored")).to_contain_text("已填回您登录前填写的内容")
    form = screen.locator("#unit-form")
    expect(form.get_by_label("单位名称")).to_have_value("上海力波")
    expect(form.get_by_label("单位类别")).to_have_value("enterprise")
    expect(form.get_by_label("简介")).to_have_value("2021年加入联盟的企业，提供展示场地。")

    form.get_by_role("button", name="保存").click()
    expect(screen).to_have_url(re.compile(r"/units/\d+$"))
    expect(screen.get_by_role("alert")).to_contain_text("已添加成员单位 上海力波")
    # The draft went with the save: the form opens empty again
    screen.goto("/units/new")
    expect(screen.locator("#draft-restored")).to_have_count(0)
    expect(screen.locator("#unit-form").get_by_label("单位名称")).to_have_value("")


UNNAMED_CONTROLS = """() => Array.from(document.querySelectorAll('main input, main select, main textarea'))
  .filter(el => el.type !== 'hidden' && el.offsetParent !== null)
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby') && !el.getAttribute('title')
                && !(el.type === 'submit' || el.type === 'button'))
  .map(el => el.outerHTML.slice(0, 120))"""


def test_every_control_of_the_forms_has_a_name(page, live_world, log_in):
    """An axe-like check: each visible input, select and textarea of the form pages has an
    accessible name (a label, aria-label, aria-labelledby or title)."""
    log_in(page, live_world.staff)
    page.goto("/people/new")
    page.locator("form").get_by_label("姓名").fill("张轩")
    page.get_by_role("button", name="保存").click()
    expect(page).to_have_url(re.compile(r"/people/\d+$"))
    person_url = page.url
    expect(page.get_by_role("button", name="任命到单位")).to_be_visible()
    pages = ["/units/new", f"/units/{live_world.unit_a.id}/edit", f"/units/{live_world.unit_a.id}/roles/new",
             "/people/new", person_url, "/activities/new", "/meetings/new", "/needs/new", "/resources/new",
             "/projects/new", "/account/password", "/civic/events/new", "/civic/volunteers", "/civic/ledgers",
             "/civic/menu"]
    unnamed = {}
    for url in pages:
        page.goto(url)
        found = page.evaluate(UNNAMED_CONTROLS)
        if found:
            unnamed[url] = found
    assert unnamed == {}

    # the role form, with a current role: the 结束任职 date on the unit page is labelled
    page.goto(f"/units/{live_world.unit_a.id}/roles/new")
    form = page.locator("form[method=post]").last
    form.get_by_label("职务", exact=True).select_option(label="联络员")
    form.get_by_label("或新增人员：姓名").fill("李四")
    form.get_by_label("任职开始日期").fill("2024-03-01")
    form.get_by_role("button", name="任命").click()
    expect(page.get_by_role("alert")).to_contain_text(f"已任命 李四 为 {live_world.unit_a.name} 联络员")
    expect(page.get_by_label("任职结束日期")).to_be_visible()
    assert page.evaluate(UNNAMED_CONTROLS) == []
