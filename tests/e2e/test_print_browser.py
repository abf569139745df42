"""Printing (issue 13 item 7): the unit list, the people list and a unit page print without the
navigation, the filters and the buttons, under a header with the alliance's name and the day,
with numbered pages (print media emulation, and a real PDF read back with pypdf)."""
from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

from playwright.sync_api import expect
from pypdf import PdfReader

from tests import factories

ALLIANCE = "梅陇镇区域化党建联盟"  # factories.make_alliance's name, the live world's alliance


def _today() -> str:
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    return f"{today.year}年{today.month}月{today.day}日"


# Text read back from Chromium's PDF comes with the CJK font's radical forms for a few
# characters (⽇, ⽉: Kangxi radicals NFKC folds; ⻚ it does not) and spaces around digits.
_RADICALS = str.maketrans({"⻚": "页"})


def _pdf_pages(page) -> list[str]:
    """The printed pages' text, normalised and without white space."""
    pages = PdfReader(BytesIO(page.pdf(format="A4"))).pages
    return [re.sub(r"\s+", "", unicodedata.normalize("NFKC", p.extract_text()).translate(_RADICALS))
            for p in pages]


def test_unit_list_prints_without_navigation_and_filters(page, live_server, live_world, log_in):
    log_in(page, live_world.staff)
    page.goto("/units")
    header = page.locator(".print-header")
    expect(header).to_be_hidden()  # on screen: the navigation, no print header
    expect(page.locator(".app-navbar")).to_be_visible()

    page.emulate_media(media="print")
    expect(page.locator(".app-navbar")).to_be_hidden()
    expect(page.get_by_role("search")).to_be_hidden()
    expect(page.get_by_role("searchbox", name="搜索")).to_be_hidden()
    expect(page.get_by_role("link", name="导出 Excel")).to_be_hidden()
    expect(page.get_by_role("link", name="新增成员单位")).to_be_hidden()
    expect(page.locator("footer")).to_be_hidden()
    expect(header).to_be_visible()
    expect(header).to_contain_text(ALLIANCE)
    expect(header).to_contain_text(f"打印日期：{_today()}")
    expect(page.get_by_role("heading", level=1)).to_have_text("成员单位")
    expect(page.locator("#unit-table").get_by_role("link", name=live_world.unit_a.name)).to_be_visible()
    assert live_world.other_unit.name not in page.locator("body").inner_text()


def test_printed_lists_and_unit_page_as_pdf(page, live_server, live_world, log_in):
    from alliance.extensions import db
    from alliance.members.models import Alliance, MemberUnit

    with live_server.app_context():
        alliance = db.session.get(Alliance, db.session.get(MemberUnit, live_world.unit_a.id).alliance_id)
        for i in range(45):  # a list long enough for a second page
            factories.make_unit(alliance, f"梅陇打印单位{i:02d}号", sort_order=i + 10)
    log_in(page, live_world.staff)
    page.goto("/units")
    texts = _pdf_pages(page)
    assert len(texts) >= 2, texts
    first = texts[0]
    assert ALLIANCE in first and _today() in first and "成员单位" in first
    assert live_world.unit_a.name in "".join(texts) and "梅陇打印单位44号" in "".join(texts)
    for screen_only in ("导出Excel", "新增成员单位", "查询", "退出", "修改密码", "全部类别"):
        assert screen_only not in "".join(texts), screen_only
    # numbered pages at the foot (an @page margin box, which Chromium prints)
    for number, text in enumerate(texts, start=1):
        assert f"第{number}页/共{len(texts)}页" in text, text[:200]
    assert "单位名称" in texts[1]  # the table's header row again on the next page

    page.goto("/people")
    texts = _pdf_pages(page)
    assert ALLIANCE in texts[0] and "人员" in texts[0] and "查询" not in "".join(texts)

    page.goto(f"/units/{live_world.unit_a.id}")
    texts = _pdf_pages(page)
    assert ALLIANCE in texts[0] and live_world.unit_a.name in texts[0]
    assert "退出" not in "".join(texts) and "成员单位" not in texts[0].split(live_world.unit_a.name)[0].replace(
        ALLIANCE, "")  # no navigation above the unit's name
