"""Exports every area shares: office spreadsheets, CSV, PDF tables, downloads, masking, audit.

An export is a :class:`Sheet` (title lines, headers, rows, column widths) written by one of the
writers below and sent by :func:`download`; the view (or API route) calls :func:`record_export`
so every export lands in the audit trail with its options::

    sheet = Sheet("签到表", ["序号", "单位", "姓名", "职务", "签到"], rows,
                  title_lines=[alliance.name, meeting.title, "时间：…  地点：…"],
                  widths=[6, 30, 12, 20, 16])
    record_export("Meeting", meeting.id, "签到表", {"format": "xlsx", "sort": "strokes"})
    return download(xlsx_bytes([sheet]), "签到表.xlsx")

Text that a spreadsheet would run as a formula (``= + - @``, tab, carriage return) is neutralised
in xlsx and CSV; numbers and dates stay typed. Mobiles are shown as the viewer may see them
(:func:`shown_mobile`): masked unless a manager asks for full numbers, and always masked for
military units (部队).
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from flask import Response

from alliance.core.dates import LOCAL_TZ
from alliance.core.validators import mask_mobile

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MILITARY_CATEGORY = "military"
MIMETYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "ics": "text/calendar; charset=utf-8",
}
PDF_FONT = "STSong-Light"
CELL_PADDING = 6  # points, left and right of a PDF table cell
ROW_HEIGHT = 12 + 5 + 5  # points: one line (leading 12) and the rows' top and bottom padding
HEADER_HEIGHT = 12 + 3 + 3  # the header row keeps reportlab's padding
# Control characters that reportlab's CID font (no font file, no download: TOOLING.md §2) can't draw.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass
class Sheet:
    """One table to export: a sheet of a workbook, a CSV file or a PDF table."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    title_lines: Sequence[str] = ()  # printed above the header (alliance, meeting, time, venue)
    widths: Sequence[float] | None = None  # column widths in characters
    landscape: bool = False
    footer_lines: Sequence[str] = field(default_factory=tuple)


def neutralise(value: Any) -> Any:
    """A cell value that no spreadsheet will evaluate: text starting like a formula gets a
    leading apostrophe; other values are returned as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def shown_mobile(mobile: str | None, user, *, full: bool = False, unit_category: str | None = None) -> str:
    """The mobile as ``user`` may see it in an export: full only for a manager who asked for
    full numbers, and never for a military unit's contact."""
    if not mobile:
        return ""
    if full and user.is_manager and unit_category != MILITARY_CATEGORY:
        return mobile
    return mask_mobile(mobile) or ""


def may_export_full_mobiles(user) -> bool:
    return user.is_manager


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str):
        value = _CONTROL.sub("", value)  # XML (and so xlsx) cannot hold them; nobody typed them
    return neutralise(value)


# --- spreadsheet ---------------------------------------------------------------------------

def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """A workbook with one sheet per :class:`Sheet`, as an office prints it: title lines merged
    across the columns, a bold header row frozen under them and repeated on every printed page,
    column widths, A4 fitted to the page width, thin borders, page numbers in the footer.
    Written with XlsxWriter (rows streamed; 2,000 rows of 10 columns in about 100 ms)."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False, "strings_to_numbers": False})
    edge = {"border": 1, "border_color": "#999999"}
    title_format = workbook.add_format({"bold": True, "font_size": 14, "align": "center"})
    line_format = workbook.add_format({"font_size": 11, "align": "left"})
    header_format = workbook.add_format({"bold": True, "align": "center", "valign": "vcenter",
                                         "text_wrap": True, **edge})
    formats = {str: workbook.add_format(edge),
               date: workbook.add_format({**edge, "num_format": "yyyy-mm-dd"}),
               datetime: workbook.add_format({**edge, "num_format": "yyyy-mm-dd hh:mm"})}
    taken: list[str] = []
    for sheet in sheets:
        name = _sheet_title(sheet.title, taken)
        taken.append(name)
        ws = workbook.add_worksheet(name)
        columns = max(1, len(sheet.headers))
        widths = sheet.widths or [max(8, len(str(h)) * 2 + 2) for h in sheet.headers]
        for column, width in enumerate(widths):
            ws.set_column(column, column, width)
        row_number = 0
        for index, line in enumerate(sheet.title_lines):
            style = title_format if index == 0 else line_format
            if columns > 1:
                ws.merge_range(row_number, 0, row_number, columns - 1, neutralise(line), style)
            else:
                ws.write_string(row_number, 0, str(neutralise(line)), style)
            row_number += 1
        header_row = row_number
        for column, header in enumerate(sheet.headers):
            ws.write_string(header_row, column, str(header), header_format)
        for values in sheet.rows:
            row_number += 1
            for column, value in enumerate(values):
                if isinstance(value, datetime):
                    ws.write_datetime(row_number, column, _local(value), formats[datetime])
                elif isinstance(value, date):
                    ws.write_datetime(row_number, column, datetime(value.year, value.month, value.day),
                                      formats[date])
                else:
                    value = _cell(value)
                    if isinstance(value, (int, float)):
                        ws.write_number(row_number, column, value, formats[str])
                    else:
                        ws.write_string(row_number, column, str(value), formats[str])
        for line in sheet.footer_lines:
            row_number += 2
            ws.write_string(row_number, 0, str(neutralise(line)))
        ws.freeze_panes(header_row + 1, 0)
        ws.repeat_rows(header_row)
        ws.set_paper(9)  # A4
        if sheet.landscape:
            ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.set_footer("&C第 &P 页，共 &N 页")
    if not taken:
        workbook.add_worksheet("空")
    workbook.close()
    return buffer.getvalue()


def _sheet_title(title: str, taken: list[str]) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet name, each name once."""
    cleaned = "".join("_" if ch in '[]:*?/\\' else ch for ch in title)[:31] or "Sheet"
    name, n = cleaned, 2
    while name in taken:
        suffix = f"({n})"
        name, n = cleaned[:31 - len(suffix)] + suffix, n + 1
    return name


# --- CSV -----------------------------------------------------------------------------------

def csv_bytes(sheet: Sheet) -> bytes:
    """UTF-8 with BOM (so Excel on Chinese Windows opens it right), header first; the title
    lines are left out (a CSV is data)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(sheet.headers)
    for values in sheet.rows:
        writer.writerow([_csv_value(v) for v in values])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _local(value: datetime) -> datetime:
    """Times are stored in UTC and shown in Asia/Shanghai; a spreadsheet cell has no zone."""
    return value.astimezone(LOCAL_TZ).replace(tzinfo=None) if value.tzinfo else value


def _csv_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return _local(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return _cell(value)


# --- PDF -----------------------------------------------------------------------------------

def pdf_bytes(sheet: Sheet) -> bytes:
    """An A4 table with the Chinese text embedded as CID font references: title lines on top,
    the header repeated on every page, "第 x 页 / 共 y 页" at the foot of each page."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer

    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    pagesize = landscape(A4) if sheet.landscape else A4
    title_style = ParagraphStyle("title", fontName=PDF_FONT, fontSize=16, leading=22, alignment=1)
    line_style = ParagraphStyle("line", fontName=PDF_FONT, fontSize=10.5, leading=15)
    cell_style = ParagraphStyle("cell", fontName=PDF_FONT, fontSize=10, leading=13)
    story: list[Any] = []
    for index, line in enumerate(sheet.title_lines):
        story.append(Paragraph(_escape(line), title_style if index == 0 else line_style))
    if sheet.title_lines:
        story.append(Spacer(1, 4 * mm))
    available = pagesize[0] - 30 * mm
    widths = list(sheet.widths or [1] * len(sheet.headers))
    total = sum(widths) or 1
    column_widths = [available * w / total for w in widths]
    # A text that fits its column on one line is drawn as it is; only longer ones become a
    # wrapping Paragraph (building one per cell made 2,000 rows take seconds).
    room = [w - 2 * CELL_PADDING for w in column_widths]
    string_width = pdfmetrics.stringWidth

    def cell(value: Any, column: int) -> Any:
        text = str(_csv_value(value))
        if isinstance(value, (int, float)) or "\n" not in text and (
                column >= len(room) or string_width(text, PDF_FONT, 10) <= room[column]):
            return text  # (a number cannot wrap anyway)
        return Paragraph(_escape(text), cell_style)

    data = [[cell(h, i) for i, h in enumerate(sheet.headers)]]
    heights: list[float | None] = [
        None if any(isinstance(c, Paragraph) for c in data[0]) else HEADER_HEIGHT]
    for values in sheet.rows:
        row = [cell(v, i) for i, v in enumerate(values)]
        data.append(row)
        # A row of one-line texts has a known height; reportlab measures only the others
        # (measuring every row again at each page break was most of the time).
        heights.append(None if any(isinstance(c, Paragraph) for c in row) else ROW_HEIGHT)
    table = LongTable(data, colWidths=column_widths, rowHeights=heights, repeatRows=1)
    table.setStyle([
        ("FONTNAME", (0, 0), (-1, -1), PDF_FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 10),
        ("LEADING", (0, 0), (-1, -1), 12),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 1), (-1, -1), 5),
        ("BOTTOMPADDING", (0, 1), (-1, -1), 5),
    ])
    story.append(table)
    for line in sheet.footer_lines:
        story += [Spacer(1, 4 * mm), Paragraph(_escape(line), line_style)]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=pagesize, leftMargin=15 * mm, rightMargin=15 * mm,
                                 topMargin=15 * mm, bottomMargin=18 * mm, title=sheet.title)
    document.build(story, canvasmaker=_numbered_canvas(pagesize))
    return buffer.getvalue()


def _escape(value: Any) -> str:
    from xml.sax.saxutils import escape

    return escape(str(value if value is not None else ""))


def _numbered_canvas(pagesize):
    """A canvas that knows the page count when it writes each page's number."""
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            count = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(PDF_FONT, 9)
                self.drawCentredString(pagesize[0] / 2, 9 * mm, f"第 {self._pageNumber} 页 / 共 {count} 页")
                super().showPage()
            super().save()

    return NumberedCanvas


# --- sending and auditing ------------------------------------------------------------------

def download(data: bytes, filename: str, kind: str | None = None) -> Response:
    """A file download with a Chinese file name that every browser keeps (RFC 6266/5987)."""
    kind = kind or filename.rsplit(".", 1)[-1]
    ascii_name = f"export.{kind}"
    response = Response(data, content_type=MIMETYPES.get(kind, "application/octet-stream"))
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}")
    response.headers["Cache-Control"] = "no-store"
    return response


def record_export(record_type: str | None, record_id: int | None, what: str, options: dict) -> None:
    """Write an ``export`` entry (who, when, what, with which options) to the audit trail; the
    caller commits."""
    from alliance.audit.recorder import record_event

    record_event("export", summary=what, record_type=record_type, record_id=record_id,
                 changes={"options": [None, {k: _json_safe(v) for k, v in options.items()}]})


def _json_safe(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple, set)):
        return [_json_safe(v) for v in value]
    return str(value)
