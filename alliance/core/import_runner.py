"""Running an import: read the file, plan every row, and commit all or nothing.

An import kind (``ImportKind``) gives its columns, a ``plan(table, alliance_id=...)`` function
and a ``commit(plan, alliance_id=..., update_existing=...)`` function (see
``alliance/members/imports.py``). The UI and the API both call :func:`run_import`; they commit
the transaction when it returns counts, and roll back otherwise.
"""
from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from alliance.audit.context import Actor, acting_as, current_actor
from alliance.core.imports import Column, ImportRefused, read_table


@dataclass(frozen=True)
class ImportKind:
    name: str
    label: str
    columns: Sequence[Column]
    plan: Callable[..., Any]
    commit: Callable[..., dict[str, int]]
    example: Sequence[str] = ()
    instructions: Sequence[str] = ()


def run_import(kind: ImportKind, data: bytes, filename: str, *, alliance_id: int, dry_run: bool,
               update_existing: bool = True, expected_hash: str | None = None):
    """(plan, counts): counts is None for a dry run or a plan with errors (nothing written).
    ``expected_hash`` binds a commit to the file that was previewed."""
    table = read_table(data, filename)
    if expected_hash is not None and table.sha256 != expected_hash:
        raise ImportRefused("文件与预览时的文件不同，请重新上传并预览")
    plan = kind.plan(table, alliance_id=alliance_id)
    if dry_run or plan.errors:
        return plan, None
    actor = current_actor()
    note = f"{table.filename}（sha256 {table.sha256[:16]}…）"
    with acting_as(Actor(user_id=actor.user_id, name=actor.name, source="import",
                         ip_address=actor.ip_address, alliance_id=actor.alliance_id, note=note)):
        counts = kind.commit(plan, alliance_id=alliance_id, update_existing=update_existing)
    return plan, counts


def template_xlsx(kind: ImportKind) -> bytes:
    """The import template: the columns with required ones marked, a drop-down for every choice
    column, an example row, and a sheet of instructions."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = kind.label[:31]
    choices = book.create_sheet("选项")
    for index, column in enumerate(kind.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = Font(bold=True, color="C00000" if column.required else "000000")
        cell.fill = PatternFill("solid", fgColor="F2F2F2")
        note = ("必填。" if column.required else "") + column.help
        if note:
            cell.comment = Comment(note, "联盟通")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, len(column.header) * 2 + 4)
        if column.choices:
            for row, label in enumerate(column.choices, start=1):
                choices.cell(row=row, column=index, value=label)
            validation = DataValidation(type="list", formula1=f"=选项!${letter}$1:${letter}${len(column.choices)}",
                                        allow_blank=not column.required, showErrorMessage=True,
                                        errorTitle="无效选项", error=f"请从下拉列表中选择{column.header}")
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}20001")
    sheet.freeze_panes = "A2"
    choices.sheet_state = "hidden"
    help_sheet = book.create_sheet("填写说明")
    lines = [f"{kind.label}导入模板", "", *kind.instructions, "",
             "列说明（红色列名为必填）："]
    lines += [f"{c.header}{'（必填）' if c.required else ''}：{c.help or '选填'}"
              + (f"；可选：{'、'.join(c.choices)}" if c.choices else "") for c in kind.columns]
    lines += ["", "填写示例（请在第一个工作表中按此格式填写，示例本身不会被导入）："]
    for row, line in enumerate(lines, start=1):
        help_sheet.cell(row=row, column=1, value=line)
    example_row = len(lines) + 1
    for index, column in enumerate(kind.columns, start=1):
        help_sheet.cell(row=example_row, column=index, value=column.header).font = Font(bold=True)
    for index, value in enumerate(kind.example, start=1):
        help_sheet.cell(row=example_row + 1, column=index, value=value)
    help_sheet.column_dimensions["A"].width = 60
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
