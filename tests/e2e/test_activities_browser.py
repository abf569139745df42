"""On a phone (390 × 844): a liaison logs an activity with a photo and sees it on the unit
page; a file that is not an image is refused with a clear message."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from PIL import Image
from playwright.sync_api import expect

TITLE = "新春慰问社区老人"


def _photo(path):
    Image.new("RGB", (1200, 900), (183, 28, 28)).save(path, "JPEG", quality=80)
    return path


def _fill_activity(page, live_world, upload):
    """From the liaison's unit page to the new-activity form, filled in and submitted."""
    page.get_by_role("link", name="记录共建活动").tap()
    form = page.locator("#activity-form")
    expect(page.locator("#activity-form-unit")).to_have_text(live_world.unit_a.name)
    form.get_by_label("活动日期").fill((date.today() - timedelta(days=3)).isoformat())
    form.get_by_label("活动类型").select_option(label="志愿服务")
    form.get_by_label("活动标题").fill(TITLE)
    form.get_by_label("参加人数").fill("12")
    form.get_by_label("照片").set_input_files(upload)
    return form


def test_liaison_logs_an_activity_with_a_photo(phone, live_world, log_in, tmp_path):
    log_in(phone, live_world.liaison_a)
    # The liaison's workbench: their unit, and the big button to log an activity.
    own_unit = phone.locator("#home-own-unit")
    expect(own_unit).to_contain_text("本单位")
    expect(own_unit.get_by_role("link", name=live_world.unit_a.name)).to_be_visible()

    form = _fill_activity(phone, live_world, _photo(tmp_path / "慰问现场.jpg"))
    expect(form.locator("#photos-selected")).to_contain_text("“慰问现场.jpg”")
    form.get_by_role("button", name="保存").tap()

    expect(phone.get_by_role("alert")).to_contain_text(f"已记录 {live_world.unit_a.name} 的共建活动“{TITLE}”")
    expect(phone.locator("#activity-title")).to_contain_text(TITLE)
    thumb = phone.locator("#activity-photos img")
    expect(thumb).to_have_count(1)
    expect(thumb).to_be_visible()
    phone.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
    phone.screenshot(path=tmp_path / "activity.png", full_page=True)

    phone.locator("#activity-unit-link").tap()
    expect(phone).to_have_url(re.compile(rf"/units/{live_world.unit_a.id}$"))
    entry = phone.locator("#recent-activities li", has_text=TITLE)
    expect(entry).to_contain_text("志愿服务")
    expect(entry).to_contain_text("1张照片")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize("filename, warned_before_upload", [
    ("会议纪要.txt", True),  # the browser knows the type: the page warns at once
    ("伪装成图片.jpg", False),  # only the server, reading the bytes, can tell
], ids=["text", "text-named-jpg"])
def test_a_file_that_is_not_an_image_is_refused(phone, live_world, log_in, tmp_path, filename,
                                                warned_before_upload):
    not_an_image = tmp_path / filename
    not_an_image.write_text("这不是一张图片，是会议纪要。", encoding="utf-8")
    log_in(phone, live_world.liaison_a)

    form = _fill_activity(phone, live_world, not_an_image)
    warning = form.locator("#photos-selected .text-danger")
    if warned_before_upload:
        expect(warning).to_contain_text(f"“{filename}”不是 JPG、PNG 或 WebP 图片")
    else:
        expect(warning).to_have_count(0)
    form.get_by_role("button", name="保存").tap()

    message = f"文件“{filename}”不是图片，请上传 JPG、PNG 或 WebP 格式的照片"
    expect(form.locator("#photos-group .invalid-feedback")).to_have_text(message)
    expect(form.locator("#activity-form-errors")).to_contain_text(message)  # seen at the top too
    expect(form.get_by_label("活动标题")).to_have_value(TITLE)
    expect(form.get_by_label("活动类型")).to_have_value("volunteer_service")
    phone.screenshot(path=tmp_path / "refused.png", full_page=True)

    form.locator("#cancel-link").tap()
    expect(phone.locator("#recent-activities")).to_contain_text("暂无活动记录")
