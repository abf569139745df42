"""Documents of a rating year: the five-star case book (Word) and the results notice (PDF/xlsx)."""
from __future__ import annotations

import io

from sqlalchemy import select

from alliance.core.dates import format_date_zh
from alliance.core.exports import Sheet, download, pdf_bytes, record_export, xlsx_bytes
from alliance.core.permissions import scoped
from alliance.extensions import db
from alliance.ratings.models import PUBLIC_STATUSES, OrganizationSecretary, PartyOrganization, Rating
from alliance.ratings.queries import RatingFilters, list_options, rating_list_query


def five_star_ratings(user, year: int) -> list[Rating]:
    stmt = scoped(select(Rating), Rating, user).join(Rating.organization).where(
        Rating.year == year, Rating.status == "confirmed", Rating.stars == 5).options(
        db.contains_eager(Rating.organization).joinedload(PartyOrganization.unit),
        db.contains_eager(Rating.organization).selectinload(PartyOrganization.secretaries)
        .joinedload(OrganizationSecretary.person)).order_by(
        PartyOrganization.sort_order.is_(None), PartyOrganization.sort_order,
        PartyOrganization.name_stroke_key, Rating.id)
    return list(db.session.scalars(stmt).unique())


def casebook_bytes(user, year: int) -> bytes:
    """五星党组织案例汇编: one section per five-star organization, in official order."""
    from docx import Document
    from docx.shared import Pt

    document = Document()
    document.styles["Normal"].font.name = "SimSun"
    document.add_heading(f"{year}年度五星党组织案例汇编", level=0)
    ratings = five_star_ratings(user, year)
    if not ratings:
        document.add_paragraph("本年度暂无已确认的五星党组织。")
    for number, rating in enumerate(ratings, 1):
        org = rating.organization
        document.add_heading(f"{number}. {org.name}", level=1)
        secretary = org.current_secretary
        facts = [("所属单位", org.unit.name), ("组织类型", org.kind_label),
                 ("书记", secretary.person.name if secretary else "—"),
                 ("党员人数", str(org.member_count) if org.member_count is not None else "—"),
                 ("成立日期", format_date_zh(org.founded_on) or "—"),
                 ("星级", f"五星（{rating.level_label}）"), ("总分", str(rating.total))]
        table = document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, value in facts:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = label, value
        if org.profile:
            document.add_heading("组织简介", level=2)
            document.add_paragraph(org.profile)
        dimensions = (rating.result or {}).get("dimensions", [])
        if dimensions:
            document.add_heading("各维度得分", level=2)
            scores = document.add_table(rows=1, cols=3)
            scores.style = "Table Grid"
            head = scores.rows[0].cells
            head[0].text, head[1].text, head[2].text = "维度", "得分", "满分"
            for dimension in dimensions:
                cells = scores.add_row().cells
                cells[0].text = dimension["name"]
                cells[1].text = str(dimension["points"])
                cells[2].text = str(dimension["max_points"])
        document.add_heading("典型案例", level=2)
        paragraph = document.add_paragraph(rating.case_text or "（案例文字待补充）")
        for run in paragraph.runs:
            run.font.size = Pt(11)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def casebook_response(user, year: int):
    data = casebook_bytes(user, year)
    record_export("Rating", None, f"{year}年度五星党组织案例汇编", {"format": "docx", "year": year})
    db.session.commit()
    return download(data, f"{year}年度五星党组织案例汇编.docx", "docx")


def notice_sheet(user, year: int) -> Sheet:
    """公示名单: the ratings of ``year`` in notice or confirmed, five stars first, by 笔画."""
    stmt = rating_list_query(user, RatingFilters(year=year)).where(
        Rating.status.in_(PUBLIC_STATUSES)).options(*list_options(unit=True))
    rows = [(n, r.organization.name, r.organization.unit.name, r.stars_label, r.level_label,
             r.total, r.status_label) for n, r in enumerate(db.session.scalars(stmt).unique(), 1)]
    return Sheet(title=f"{year}年度星级党组织公示名单",
                 headers=("序号", "党组织", "所属单位", "星级", "级别", "总分", "状态"), rows=rows,
                 title_lines=(f"{year}年度星级党组织评定结果公示名单",), widths=(6, 36, 30, 8, 8, 8, 10))


def notice_response(user, year: int, kind: str):
    sheet = notice_sheet(user, year)
    data = xlsx_bytes([sheet]) if kind == "xlsx" else pdf_bytes(sheet)
    record_export("Rating", None, sheet.title, {"format": kind, "year": year})
    db.session.commit()
    return download(data, f"{sheet.title}.{kind}", kind)



