"""Member units in a real browser: the credit-code error and its correction; the phone layout."""
from __future__ import annotations

import re

from playwright.sync_api import expect

WRONG_USCC = "91310112MA1GBUG23X"  # the check character should be E
RIGHT_USCC = "91310112MA1GBUG23E"


def test_wrong_credit_code_is_shown_then_corrected_and_found(page, live_world, log_in, tmp_path):
    log_in(page, live_world.staff)
    page.get_by_role("navigation").get_by_role("link", name="成员单位").click()
    page.get_by_role("link", name="新增成员单位").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("新增成员单位")

    form = page.locator("#unit-form")
    name, category, uscc = (form.get_by_label("单位名称"), form.get_by_label("单位类别"),
                            form.get_by_label("统一社会信用代码"))
    name.fill("上海力波")
    category.select_option(label="企业")
    uscc.fill(WRONG_USCC)
    form.get_by_role("button", name="保存").click()

    # The error sits under the credit-code field, and only there; what was typed is kept.
    uscc_error = form.locator("#uscc ~ .invalid-feedback")
    expect(uscc_error).to_contain_text("统一社会信用代码校验位不正确")
    expect(uscc_error).to_be_visible()
    expect(uscc).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(form.locator(".invalid-feedback")).to_have_count(1)
    expect(name).to_have_value("上海力波")
    expect(category).to_have_value("enterprise")
    expect(category.locator("option:checked")).to_have_text("企业")
    expect(uscc).to_have_value(WRONG_USCC)
    page.screenshot(path=tmp_path / "uscc-error.png", full_page=True)

    uscc.fill(RIGHT_USCC)
    form.get_by_role("button", name="保存").click()

    expect(page).to_have_url(re.compile(r"/units/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("上海力波")
    expect(page.get_by_role("alert")).to_contain_text("已添加成员单位 上海力波")
    expect(page.locator("dd", has_text=RIGHT_USCC)).to_be_visible()

    page.get_by_role("navigation").get_by_role("link", name="成员单位").click()
    page.get_by_role("searchbox", name="搜索").fill("力波")
    page.get_by_role("button", name="查询").click()
    expect(page).to_have_url(re.compile(r"[?&]q=%E5%8A%9B%E6%B3%A2"))
    rows = page.locator("#unit-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.get_by_role("link", name="上海力波")).to_be_visible()
    expect(rows.locator('td[data-label="类别"]')).to_have_text("企业")


def test_phone_nav_collapses_and_unit_list_stacks(phone, live_world, log_in):
    log_in(phone, live_world.staff)
    units_link = phone.locator("#mainNav").get_by_role("link", name="成员单位")
    toggler = phone.get_by_role("button", name="展开导航")
    expect(toggler).to_be_visible()
    expect(units_link).to_be_hidden()

    toggler.tap()
    expect(units_link).to_be_visible()
    units_link.tap()
    expect(phone).to_have_url(re.compile(r"/units$"))

    # Stacked table: no header row, each cell labelled, nothing wider than the screen.
    table = phone.locator("#unit-table")
    expect(table.locator("thead")).to_be_hidden()
    name_cell = table.get_by_role("cell").filter(has_text=live_world.unit_a.name)
    expect(name_cell).to_be_visible()
    label = name_cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"单位名称："'
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert live_world.other_unit.name not in table.inner_text()
