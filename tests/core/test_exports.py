"""The shared export writers: real files read back with the libraries offices' tools use."""
from __future__ import annotations

import io
from datetime import UTC, date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from alliance.core.charts import bar_chart, pie_chart
from alliance.core.exports import Sheet, csv_bytes, download, neutralise, pdf_bytes, shown_mobile, xlsx_bytes
from alliance.core.roles import RoleMixin

NAMES = ["丁一", "王二", "张轩", "欧阳明", "徐虹", "顾非非"]


def _sheet(rows=None):
    rows = rows if rows is not None else [[i + 1, "复旦大学附属儿科医院", name, "书记", ""]
                                          for i, name in enumerate(NAMES)]
    return Sheet("签到表", ["序号", "单位", "姓名", "职务", "签到"], rows,
                 title_lines=["梅陇镇区域化党建联盟", "2021年联席会议", "地点：上海力波展示中心"],
                 widths=[6, 30, 12, 16, 16])


@pytest.mark.parametrize("value", ["=1+1", "+86", "-2", "@SUM(A1)", "\tx", "\r=1"])
def test_formula_looking_text_is_neutralised(value):
    assert neutralise(value) == "'" + value
    assert neutralise("张轩") == "张轩" and neutralise(5) == 5


def test_xlsx_is_an_office_spreadsheet():
    rows = [[1, "=HYPERLINK(\"http://x\")", "张轩", "书记", date(2021, 1, 21)]]
    book = load_workbook(io.BytesIO(xlsx_bytes([_sheet(rows), _sheet()])))
    assert book.sheetnames == ["签到表", "签到表(2)"]
    ws = book["签到表"]
    assert ws["A1"].value == "梅陇镇区域化党建联盟"
    assert [c.value for c in ws[4]] == ["序号", "单位", "姓名", "职务", "签到"]
    assert ws["B5"].value == "'=HYPERLINK(\"http://x\")" and ws["B5"].data_type == "s"
    assert ws["E5"].value.date() == date(2021, 1, 21)
    assert ws.freeze_panes == "A5"
    assert ws.print_title_rows == "$4:$4"
    assert 30 <= ws.column_dimensions["B"].width < 31  # stored with Excel's padding: 30.71 shows as 30
    assert [r[2].value for r in book["签到表(2)"].iter_rows(min_row=5)] == NAMES


def test_csv_has_bom_and_neutralised_cells():
    data = csv_bytes(_sheet([[1, "-1+2", "张轩", "书记", date(2021, 1, 21)]]))
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines() == ["序号,单位,姓名,职务,签到", "1,'-1+2,张轩,书记,2021-01-21"]


def test_pdf_text_extracts_with_every_name_and_page_numbers():
    rows = [[i + 1, "单位", NAMES[i % len(NAMES)], "书记", ""] for i in range(120)]
    reader = PdfReader(io.BytesIO(pdf_bytes(_sheet(rows))))
    assert len(reader.pages) >= 3
    first = reader.pages[0].extract_text()
    assert "梅陇镇区域化党建联盟" in first and "上海力波展示中心" in first
    for name in NAMES:
        assert name in first
    last = reader.pages[-1].extract_text()
    assert "姓名" in last, "the header is repeated on every page"
    assert f"第 {len(reader.pages)} 页 / 共 {len(reader.pages)} 页" in last


class _User(RoleMixin):
    def __init__(self, role):
        self.role = role


def test_mobiles_are_masked_unless_a_manager_asks_and_never_for_military_units():
    staff, organizer = _User("staff"), _User("organizer")
    assert shown_mobile("13800138000", staff) == "138****8000"
    assert shown_mobile("13800138000", staff, full=True) == "13800138000"
    assert shown_mobile("13800138000", organizer, full=True) == "138****8000"
    assert shown_mobile("13800138000", staff, full=True, unit_category="military") == "138****8000"
    assert shown_mobile(None, staff) == ""


def test_download_keeps_the_chinese_file_name(app):
    with app.test_request_context():
        response = download(b"x", "签到表.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # once, not twice
    assert "filename*=UTF-8''%E7%AD%BE%E5%88%B0%E8%A1%A8.csv" in response.headers["Content-Disposition"]


def test_charts_are_svg_without_script_and_carry_their_numbers():
    chart = bar_chart("各星级党组织数量", ["五星", "四星", "三星"], {"2020年": [8, 36, 58]})
    assert chart.svg.startswith("<svg") and "<script" not in chart.svg
    assert "各星级党组织数量" in chart.svg
    assert chart.table_rows == [["五星", 8], ["四星", 36], ["三星", 58]]
    pie = pie_chart("来源", ["居民区", "村"], [3, 1])
    assert "<script" not in pie.svg and pie.table_rows == [["居民区", 3], ["村", 1]]


def test_control_characters_do_not_break_the_workbook():
    rows = [[1, "单位\x00\x07名", "张\x1b轩", "书记", ""]]
    ws = load_workbook(io.BytesIO(xlsx_bytes([_sheet(rows)]))).active
    assert ws["B5"].value == "单位名" and ws["C5"].value == "张轩"


def test_stored_utc_times_are_exported_in_shanghai_time():
    from datetime import datetime
    from io import BytesIO

    from openpyxl import load_workbook

    signed_in = datetime(2021, 1, 21, 1, 30, tzinfo=UTC)  # 09:30 in 梅陇
    sheet = Sheet("签到", ["姓名", "签到时间"], [("马健", signed_in)])
    assert csv_bytes(sheet).decode("utf-8-sig").splitlines()[1] == "马健,2021-01-21 09:30"
    ws = load_workbook(BytesIO(xlsx_bytes([sheet]))).active
    assert ws["B2"].value == datetime(2021, 1, 21, 9, 30)


def test_a_chart_is_drawn_once_per_distinct_figures():
    from alliance.core import charts

    charts._svg.cache_clear()
    first = bar_chart("星级分布-缓存", ["五星", "四星"], {"数量": [8, 36]})
    again = bar_chart("星级分布-缓存", ["五星", "四星"], {"数量": [8, 36]})
    changed = bar_chart("星级分布-缓存", ["五星", "四星"], {"数量": [9, 36]})
    assert again.svg is first.svg  # the same SVG object: not drawn a second time
    assert changed.svg != first.svg and ">9<" in changed.svg
    assert changed.table_rows == [["五星", 9], ["四星", 36]]
    assert charts._svg.cache_info().misses == 2
    # An option that cannot be a key is drawn every time, not refused.
    listed = bar_chart("星级分布-缓存", ["五星"], {"数量": [1]}, secondary_range=[0, 10])
    assert listed.svg.startswith("<svg")
