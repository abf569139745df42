"""Reading uploaded spreadsheets: office files in, hostile files refused with a clear message."""
from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from alliance.core.imports import Column, ImportRefused, map_columns, read_table, row_values

COLUMNS = (Column("单位名称", "name", required=True, aliases=("名称",)),
           Column("统一社会信用代码", "uscc"), Column("加入日期", "joined_on"))


def _xlsx(rows, *, sheet_title="成员单位") -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = sheet_title
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_rows_are_text_and_formulas_are_not_evaluated():
    from datetime import date

    data = _xlsx([["单位名称", "统一社会信用代码", "加入日期"],
                  ["复旦大学附属儿科医院", None, date(2021, 1, 21)],
                  [None, None, None],
                  ["=1+1", 12345.0, "2021-02-30"]])
    table = read_table(data, "units.xlsx")
    assert table.headers == ["单位名称", "统一社会信用代码", "加入日期"]
    assert table.rows == [(2, ["复旦大学附属儿科医院", "", "2021-01-21"]), (4, ["=1+1", "12345", "2021-02-30"])]
    assert len(table.sha256) == 64


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_the_encodings_excel_writes(encoding):
    data = "单位名称,加入日期\r\n建设银行闵行支行,2021-01-21\r\n".encode(encoding)
    table = read_table(data, "units.csv")
    assert table.headers == ["单位名称", "加入日期"]
    assert table.rows == [(2, ["建设银行闵行支行", "2021-01-21"])]


def test_columns_are_mapped_by_chinese_header_and_alias():
    mapping = map_columns(["名称 ", "加入日期"], COLUMNS)
    assert row_values(["甲单位", "2021-01-21"], mapping) == {"name": "甲单位", "joined_on": "2021-01-21"}


@pytest.mark.parametrize(("headers", "message"), [
    (["统一社会信用代码"], "缺少必填列：单位名称"),
    (["单位名称", "电话号码"], "无法识别的列：电话号码"),
    (["单位名称", "名称"], "重复的列：名称"),
])
def test_missing_unknown_and_repeated_columns_are_named(headers, message):
    with pytest.raises(ImportRefused, match=message):
        map_columns(headers, COLUMNS)


def _zip(entries: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _with_entry(data: bytes, name: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    entries = {info.filename: source.read(info.filename) for info in source.infolist()}
    entries[name] = content
    return _zip(entries)


def test_hostile_files_are_refused():
    good = _xlsx([["单位名称"], ["甲"]])
    cases = {
        "empty": (b"", "units.xlsx", "文件是空的"),
        "too big": (b"x" * (10 * 1024 * 1024 + 1), "units.csv", "超过 10 MB"),
        "xlsm by name": (good, "units.xlsm", "含宏"),
        "macro inside": (_with_entry(good, "xl/vbaProject.bin", b"\0" * 100), "units.xlsx", "含宏"),
        "encrypted": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "units.xlsx", "已加密"),
        "zip bomb": (_with_entry(good, "xl/media/big.bin", b"\0" * (120 * 1024 * 1024)), "units.xlsx", "压缩炸弹"),
        "not a workbook": (_zip({"a.txt": b"hi"}), "units.xlsx", "不是有效的 .xlsx"),
        "broken": (b"PK\x03\x04garbage", "units.xlsx", "已损坏"),
        "unknown type": (b"hello", "units.txt", "只接受 .xlsx 或 .csv"),
        "unknown encoding": ("单位名称\n甲\n".encode("utf-16"), "units.csv", "无法识别 CSV 文件的编码"),
        "no header": (_xlsx([[None], [None]]), "units.xlsx", "没有表头行"),
    }
    for label, (data, name, message) in cases.items():
        with pytest.raises(ImportRefused, match=message):
            read_table(data, name)
        assert label


def test_xml_entity_bomb_is_refused():
    good = _xlsx([["单位名称"], ["甲"]])
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;'
            b'&lol;&lol;&lol;&lol;&lol;&lol;">]><worksheet xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t>'
            b'</is></c></row></sheetData></worksheet>')
    with pytest.raises(ImportRefused):
        read_table(_with_entry(good, "xl/worksheets/sheet1.xml", bomb), "units.xlsx")


def test_row_limit():
    data = ("单位名称\n" + "甲\n" * 11).encode()
    with pytest.raises(ImportRefused, match="超过 10 行"):
        read_table(data, "units.csv", max_rows=10)
    assert len(read_table(data, "units.csv", max_rows=11).rows) == 11


def test_xlsx_rows_are_read_whatever_the_sheet_claims_its_size_is():
    """A writer that leaves <dimension ref="A1"/> (or none) must not import one row; a cell far
    to the right neither pads every row nor widens it past MAX_COLUMNS."""
    from alliance.core.imports import MAX_COLUMNS

    good = _xlsx([["单位名称", "加入日期"], ["甲", "2021-01-21"], ["乙"], ["丙", "2021-02-01"]])
    sheet = zipfile.ZipFile(io.BytesIO(good)).read("xl/worksheets/sheet1.xml")
    assert b'<dimension ref="A1:B4"/>' in sheet
    for claim in (b'<dimension ref="A1"/>', b""):
        table = read_table(_with_entry(good, "xl/worksheets/sheet1.xml",
                                       sheet.replace(b'<dimension ref="A1:B4"/>', claim)), "units.xlsx")
        assert table.rows == [(2, ["甲", "2021-01-21"]), (3, ["乙"]), (4, ["丙", "2021-02-01"])]
    book = Workbook()
    book.active.append(["单位名称", "加入日期"])
    book.active.append(["甲"])
    book.active.cell(row=2, column=MAX_COLUMNS + 50, value="右边很远的格子")
    book.active.append(["乙", "2021-02-01"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert read_table(buffer.getvalue(), "units.xlsx").rows == [(2, ["甲"]), (3, ["乙", "2021-02-01"])]
