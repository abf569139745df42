"""Search that finds, in a real browser (issue 13 item 4): typing into the search box updates the
list without a submit (static/js/live-search.js) and puts ``q=`` in the address, so reload and
back keep it; a person is found by pinyin initials and by their unit's name. On a phone the unit
list shows the name first, the search box at the top, and a bounded page (item 7)."""
from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import expect

from tests import factories


def _seed_people(live_server, live_world):
    from alliance.extensions import db
    from alliance.members import services
    from alliance.members.models import Alliance, MemberUnit

    with live_server.app_context():
        alliance = db.session.get(Alliance, db.session.get(MemberUnit, live_world.unit_a.id).alliance_id)
        unit_a = db.session.get(MemberUnit, live_world.unit_a.id)
        unit_b = db.session.get(MemberUnit, live_world.unit_b.id)
        zhang_xuan = factories.make_person(alliance, "张轩", mobile="13800138000", title="主任")
        zhang_san = factories.make_person(alliance, "张三", mobile="13900139000")
        factories.make_person(alliance, "李四", mobile="13700137000")
        services.assign_role(unit_a, zhang_xuan, {"role": "liaison", "started_on": date(2021, 1, 1)})
        services.assign_role(unit_b, zhang_san, {"role": "secretary", "started_on": date(2021, 1, 1)})
        db.session.commit()


def _names(page):
    return page.locator("#people-table tbody td[data-label='姓名'] a")


def _type_search(page, text):
    box = page.get_by_role("searchbox", name="搜索")
    box.fill("")
    box.press_sequentially(text, delay=30)
    return box


def test_people_found_by_initials_and_unit_as_you_type(page, live_server, live_world, log_in):
    _seed_people(live_server, live_world)
    log_in(page, live_world.staff)
    page.goto("/people")
    expect(_names(page)).to_have_count(3)
    page.evaluate("window.__stillHere = true")  # a full page load would forget it

    _type_search(page, "zx")
    expect(_names(page)).to_have_text(["张轩"])
    expect(page).to_have_url(re.compile(r"/people\?q=zx$"))
    assert page.evaluate("window.__stillHere") is True  # updated in place, no submit
    expect(page.get_by_role("status")).to_contain_text("列表已更新")

    # the unit's name, and several words: each must match somewhere
    _type_search(page, "复旦 儿科")
    expect(_names(page)).to_have_text(["张轩"])
    expect(page).to_have_url(re.compile(r"q=%E5%A4%8D%E6%97%A6(\+|%20)%E5%84%BF%E7%A7%91"))
    _type_search(page, "建设银行")
    expect(_names(page)).to_have_text(["张三"])
    # the export buttons follow the filters they export
    expect(page.get_by_role("link", name="导出 Excel")).to_have_attribute("href", re.compile(r"q=%E5%BB%BA"))
    assert page.evaluate("window.__stillHere") is True

    # reload keeps the filter; back from a person's page too
    page.reload()
    expect(page.get_by_role("searchbox", name="搜索")).to_have_value("建设银行")
    expect(_names(page)).to_have_text(["张三"])
    _type_search(page, "zhangxuan")
    expect(_names(page)).to_have_text(["张轩"])
    _names(page).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("张轩")
    page.go_back()
    expect(page).to_have_url(re.compile(r"q=zhangxuan"))
    expect(page.get_by_role("searchbox", name="搜索")).to_have_value("zhangxuan")
    expect(_names(page)).to_have_text(["张轩"])

    # the sort menu has no code-point 姓名 order; choosing one updates the list at once
    sort = page.get_by_role("combobox", name="排序")
    expect(sort.locator("option")).to_have_text(["按姓氏笔画排序", "按姓名拼音排序"])
    _type_search(page, "张")
    expect(_names(page)).to_have_count(2)
    sort.select_option("pinyin")
    expect(page).to_have_url(re.compile(r"q=%E5%BC%A0&sort=pinyin"))
    expect(_names(page)).to_have_text(["张三", "张轩"])


def test_plain_form_without_javascript(browser, live_server, live_world):
    _seed_people(live_server, live_world)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto("/login")
        page.get_by_label(re.compile(r"^用户名")).fill(live_world.staff)
        page.get_by_label(re.compile(r"^密码")).fill(live_world.password)
        page.get_by_role("button", name="登录", exact=True).click()
        page.goto("/people")
        page.get_by_role("searchbox", name="搜索").fill("zx")
        page.get_by_role("button", name="查询").click()
        expect(page).to_have_url(re.compile(r"q=zx"))
        expect(_names(page)).to_have_text(["张轩"])
    finally:
        context.close()


def test_phone_finds_by_unit_name(phone, live_server, live_world, log_in):
    _seed_people(live_server, live_world)
    log_in(phone, live_world.staff)
    phone.goto("/people")
    _type_search(phone, "儿科医院")
    expect(_names(phone)).to_have_text(["张轩"])
    expect(phone).to_have_url(re.compile(r"q=%E5%84%BF%E7%A7%91"))
    _type_search(phone, "zx")
    expect(_names(phone)).to_have_text(["张轩"])
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_phone_unit_list_name_first_search_on_top_height_bounded(phone, live_server, live_world, log_in):
    from alliance.extensions import db
    from alliance.members.models import Alliance, MemberUnit

    with live_server.app_context():
        alliance = db.session.get(Alliance, db.session.get(MemberUnit, live_world.unit_a.id).alliance_id)
        for i in range(60):
            factories.make_unit(alliance, f"梅陇测试单位{i:02d}号", category="enterprise", sort_order=i + 10)
    log_in(phone, live_world.staff)
    phone.goto("/units")

    box = phone.get_by_role("searchbox", name="搜索")
    table = phone.locator("#unit-table")
    box_top = box.bounding_box()["y"]
    assert box_top < 250, box_top  # in the first screen, above the filters and the list
    assert box_top < phone.get_by_role("combobox", name="类别").bounding_box()["y"]
    assert box_top < table.bounding_box()["y"]

    # each card: the name on the first line, above its category, bold
    row = table.locator("tbody tr").first
    name, category = row.locator("td[data-label='单位名称']"), row.locator("td[data-label='类别']")
    assert name.bounding_box()["y"] < category.bounding_box()["y"]
    order = row.locator("td").evaluate_all(
        "cells => cells.filter(c => c.offsetParent).sort((a, b) => a.getBoundingClientRect().top"
        " - b.getBoundingClientRect().top || a.getBoundingClientRect().left - b.getBoundingClientRect().left)"
        ".map(c => c.dataset.label)")
    assert order[0] == "单位名称", order
    assert int(name.evaluate("td => getComputedStyle(td).fontWeight")) >= 600

    # 50 rows a page; the phone shows 20 and a button for more, so the page stays short
    expect(table.locator("tbody tr")).to_have_count(50)
    expect(table.locator("tbody tr:visible")).to_have_count(20)
    height = phone.evaluate("document.documentElement.scrollHeight")
    assert height < 3500, height
    more = phone.get_by_role("button", name=re.compile("^再显示"))
    expect(more).to_have_text("再显示 20 条（本页还有 30 条）")
    more.tap()
    expect(table.locator("tbody tr:visible")).to_have_count(40)
    expect(more).to_have_text("再显示 10 条（本页还有 10 条）")
    more.tap()
    expect(table.locator("tbody tr:visible")).to_have_count(50)
    expect(more).to_have_count(0)
    expect(phone.get_by_role("link", name="下一页")).to_be_visible()

    # searching from the top of the phone list
    _type_search(phone, "测试 59")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table.get_by_role("link", name="梅陇测试单位59号")).to_be_visible()
    _type_search(phone, "mlcs")
    expect(table.locator("tbody tr:visible")).to_have_count(20)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
