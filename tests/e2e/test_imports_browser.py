"""Importing units in a real browser: a file with two bad rows, the problems at their cells, the
corrected file, the commit (issue 12)."""
from __future__ import annotations

import re

from playwright.sync_api import expect


def _csv(path, rows):
    path.write_text("\r\n".join(["单位名称,类别,加入日期", *rows]) + "\r\n", encoding="utf-8-sig")
    return path


def test_upload_with_two_bad_rows_fix_and_commit(page, live_world, log_in, tmp_path):
    log_in(page, live_world.staff)
    page.get_by_role("navigation").get_by_role("link", name="批量导入").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("批量导入")
    page.locator("#import-units").click()

    bad = _csv(tmp_path / "units.csv", ["梅陇镇招商中心,机关单位,2020-06-01", "上海力波,饭店,2021-01-21",
                                          "伟巴斯车顶供暖系统(上海)有限公司,企业,2021-02-30"])
    page.get_by_label("选择文件（.xlsx 或 .csv）").set_input_files(str(bad))
    page.get_by_role("button", name="上传并预览").click()
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("有 2 处问题")
    expect(errors).to_contain_text("第 3 行“类别”")
    expect(errors).to_contain_text("第 4 行“加入日期”：日期“2021-02-30”不存在")
    expect(page.locator("#import-commit")).to_have_count(0)

    page.get_by_role("link", name="重新上传").click()
    good = _csv(tmp_path / "units-fixed.csv", ["梅陇镇招商中心,机关单位,2020-06-01", "上海力波,企业,2021-01-21",
                                                 "伟巴斯车顶供暖系统(上海)有限公司,企业,2021-01-21"])
    page.get_by_label("选择文件（.xlsx 或 .csv）").set_input_files(str(good))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("#import-counts")).to_contain_text("新增 3")
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_role("alert")).to_contain_text("已导入成员单位：新增 3 条")

    page.get_by_role("navigation").get_by_role("link", name="成员单位").click()
    page.get_by_role("searchbox", name="搜索").fill("力波")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#unit-table tbody tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"q="))
