"""Reading the office's spreadsheets safely, for every list that imports rows.

:func:`read_table` turns an uploaded ``.xlsx`` or ``.csv`` into a header and numbered rows of
text, refusing what an office file should never be: macros (``.xlsm``, ``vbaProject.bin``),
encrypted or old binary workbooks, files over the size or row limits, zip bombs (the sizes are
checked in the zip directory before anything is inflated, and inflation is bounded), and
hostile XML (openpyxl parses through defusedxml when it is installed, as it is here). Cells are
read as values: a formula arrives as its text (``=1+1``), never evaluated.

:func:`map_columns` matches the header against an import's :class:`Column` list (Chinese
headers, with aliases) and says which required columns are missing and which are unknown.
Everything refused raises :class:`ImportRefused` with a Chinese message; row-level problems are
:class:`RowError` values that each import collects and shows next to the cell.
"""
from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from alliance.core.errors import FieldErrors

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 100
MAX_CELL_CHARS = 2_000
MAX_INFLATED_BYTES = 100 * 1024 * 1024  # what the whole workbook may expand to
MAX_RATIO = 200  # a zip entry inflating more than this per byte is a bomb
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx and old .xls
ENCODINGS = ("utf-8-sig", "gb18030")


class ImportRefused(FieldErrors):
    """The file as a whole cannot be imported: 422 in the API (field ``file``), a message at the
    file input in the UI."""

    def __init__(self, message: str):
        super().__init__({"file": [message]}, message)


@dataclass(frozen=True)
class Column:
    """One column an import understands: its header as the template prints it, the field it
    fills, whether it is required, and other headers offices use for it."""

    header: str
    field: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    help: str = ""
    choices: tuple[str, ...] = ()  # labels offered as a drop-down in the template


@dataclass
class RowError:
    row: int  # the spreadsheet's row number (the header is row 1)
    column: str  # the header as in the file
    field: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "field": self.field, "message": self.message}


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (row number, cell texts)
    sha256: str
    filename: str
    header_row: int = 1
    notes: list[str] = field(default_factory=list)


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_table(data: bytes, filename: str, *, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS) -> Table:
    """The header and rows of an uploaded .xlsx (first sheet) or .csv; see the module docstring."""
    name = (filename or "").strip()
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if not data:
        raise ImportRefused("文件是空的")
    if len(data) > max_bytes:
        raise ImportRefused(f"文件超过 {max_bytes // (1024 * 1024)} MB，请拆分后分批导入")
    if extension in ("xlsm", "xltm", "xlam"):
        raise ImportRefused("不接受含宏的工作簿（.xlsm），请另存为 .xlsx 后再导入")
    if data.startswith(OLE_SIGNATURE):
        raise ImportRefused("文件已加密或是旧版 .xls 格式：请取消密码保护并另存为 .xlsx 后再导入")
    if extension == "xlsx" or (extension != "csv" and data[:2] == b"PK"):
        headers, rows = _read_xlsx(data, max_rows)
    elif extension == "csv":
        headers, rows = _read_csv(data, max_rows)
    else:
        raise ImportRefused("只接受 .xlsx 或 .csv 文件")
    return Table(headers=headers, rows=rows, sha256=file_hash(data), filename=name[:200])


def _check_zip(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ImportRefused("文件已损坏或不是有效的 .xlsx 工作簿") from None
    total = 0
    for info in archive.infolist():
        if info.flag_bits & 0x1:
            raise ImportRefused("文件已加密：请取消密码保护后再导入")
        lowered = info.filename.lower()
        if lowered.endswith("vbaproject.bin") or lowered.endswith(".bin") and "vba" in lowered:
            raise ImportRefused("不接受含宏的工作簿，请另存为 .xlsx（不含宏）后再导入")
        total += info.file_size
        if total > MAX_INFLATED_BYTES or (info.compress_size and info.file_size / info.compress_size > MAX_RATIO
                                          and info.file_size > 1024 * 1024):
            raise ImportRefused("文件解压后过大（疑似压缩炸弹），已拒绝")
    try:
        content_types = archive.read("[Content_Types].xml")
    except KeyError:
        raise ImportRefused("文件不是有效的 .xlsx 工作簿") from None
    if b"macroEnabled" in content_types:
        raise ImportRefused("不接受含宏的工作簿（.xlsm），请另存为 .xlsx 后再导入")
    return archive


def _read_xlsx(data: bytes, max_rows: int) -> tuple[list[str], list[tuple[int, list[str]]]]:
    from openpyxl import load_workbook

    _check_zip(data)
    try:
        # read_only streams the sheet; data_only=False keeps a formula as its text, unevaluated.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except ImportRefused:
        raise
    except Exception:  # openpyxl raises many kinds for a broken or hostile file
        raise ImportRefused("文件已损坏或不是有效的 .xlsx 工作簿") from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise ImportRefused("工作簿中没有工作表")
        # Rows as wide as their last cell, not padded to MAX_COLUMNS (100 Nones a row made
        # reading 20,000 people a third of a preview), and as many as the sheet holds, not as
        # its <dimension> says: a writer that leaves it at A1 must not import one row.
        sheet.reset_dimensions()
        rows: list[tuple[int, list[str]]] = []
        headers: list[str] | None = None
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = _trimmed([_text(v) for v in values[:MAX_COLUMNS]])
            if headers is None:
                if any(cells):
                    headers = [c.strip() for c in cells]
                continue
            if not any(cells):
                continue
            if len(rows) >= max_rows:
                raise ImportRefused(f"数据超过 {max_rows} 行，请拆分后分批导入")
            rows.append((number, cells))
    except ImportRefused:
        raise
    except Exception:
        raise ImportRefused("文件已损坏或不是有效的 .xlsx 工作簿") from None
    finally:
        workbook.close()
    if headers is None:
        raise ImportRefused("工作表没有表头行：第一行应为列名（如 单位名称、姓名）")
    return headers, rows


def _read_csv(data: bytes, max_rows: int) -> tuple[list[str], list[tuple[int, list[str]]]]:
    text = None
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None or "\x00" in text:
        raise ImportRefused("无法识别 CSV 文件的编码：请另存为“CSV UTF-8”或 GB18030 编码后再导入")
    try:
        reader = csv.reader(io.StringIO(text))
        headers: list[str] | None = None
        rows: list[tuple[int, list[str]]] = []
        for number, values in enumerate(reader, start=1):
            cells = _trimmed([_text(v) for v in values[:MAX_COLUMNS]])
            if headers is None:
                if any(cells):
                    headers = [c.strip() for c in cells]
                continue
            if not any(cells):
                continue
            if len(rows) >= max_rows:
                raise ImportRefused(f"数据超过 {max_rows} 行，请拆分后分批导入")
            rows.append((number, cells))
    except csv.Error:
        raise ImportRefused("CSV 文件格式有误，无法读取") from None
    if headers is None:
        raise ImportRefused("文件没有表头行：第一行应为列名（如 单位名称、姓名）")
    return headers, rows


def _trimmed(cells: list[str]) -> list[str]:
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _text(value) -> str:
    """A cell as text: dates as ISO, whole numbers without ``.0``, long text cut."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()[:MAX_CELL_CHARS]


def map_columns(headers: Sequence[str], columns: Sequence[Column]) -> dict[int, Column]:
    """{position in the file: Column}; refuses unknown, repeated and missing required columns,
    naming them."""
    by_header: dict[str, Column] = {}
    for column in columns:
        for header in (column.header, *column.aliases):
            by_header[_normalise_header(header)] = column
    mapping: dict[int, Column] = {}
    unknown, repeated = [], []
    for position, header in enumerate(headers):
        if not header:
            continue
        column = by_header.get(_normalise_header(header))
        if column is None:
            unknown.append(header)
        elif column in mapping.values():
            repeated.append(header)
        else:
            mapping[position] = column
    problems = []
    missing = [c.header for c in columns if c.required and c not in mapping.values()]
    if missing:
        problems.append("缺少必填列：" + "、".join(missing))
    if unknown:
        problems.append("无法识别的列：" + "、".join(unknown[:10]) + "（请使用导入模板的列名）")
    if repeated:
        problems.append("重复的列：" + "、".join(repeated))
    if problems:
        raise ImportRefused("；".join(problems))
    return mapping


def _normalise_header(header: str) -> str:
    return "".join(header.split()).replace("*", "").replace("（必填）", "").replace("(必填)", "").lower()


def row_values(cells: Sequence[str], mapping: dict[int, Column]) -> dict[str, str]:
    """{field: text} of one row (absent cells are empty text)."""
    return {column.field: (cells[position] if position < len(cells) else "").strip()
            for position, column in mapping.items()}
