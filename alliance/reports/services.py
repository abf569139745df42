"""The annual report's files: built, audited as an export, sent."""
from __future__ import annotations

from alliance.core.exports import download, record_export
from alliance.extensions import db
from alliance.members.models import Alliance
from alliance.reports import documents, queries


def report_pair(user, year: int) -> tuple[dict, dict | None]:
    """The year's figures and the year before's (None before the first reportable year)."""
    report = queries.annual(user, year)
    previous = queries.annual(user, year - 1) if year - 1 >= queries.FIRST_YEAR else None
    return report, previous


def docx_response(user, year: int):
    report, previous = report_pair(user, year)
    alliance = db.session.get(Alliance, user.alliance_id)
    data = documents.docx_bytes(report, previous, alliance.name if alliance else "")
    title = f"{year}年度工作总结（数据）"
    record_export("AnnualReport", None, title, {"format": "docx", "year": year})
    db.session.commit()
    return download(data, f"{title}.docx", "docx")


def xlsx_response(user, year: int):
    report, previous = report_pair(user, year)
    data = documents.workbook_bytes(report, previous)
    title = f"{year}年度工作总结数据表"
    record_export("AnnualReport", None, title, {"format": "xlsx", "year": year})
    db.session.commit()
    return download(data, f"{title}.xlsx", "xlsx")
