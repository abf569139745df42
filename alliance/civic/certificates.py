"""The certificate of volunteer service hours (志愿服务时长证明) as an A4 PDF (STSong-Light)."""
from __future__ import annotations

import io
from decimal import Decimal
from xml.sax.saxutils import escape

from flask_login import current_user
from sqlalchemy import select

from alliance.civic import services
from alliance.civic.models import CivicEvent, ServiceRecord, Venue, Volunteer
from alliance.core.dates import format_date_zh
from alliance.core.errors import RuleViolation
from alliance.core.exports import PDF_FONT, download, record_export
from alliance.extensions import db


def certificate_pdf(certificate, volunteer, services: list[tuple[str, str, str]]) -> bytes:
    """``services``: (date, event, hours) rows of the verified service the hours come from."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer

    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    title = ParagraphStyle("t", fontName=PDF_FONT, fontSize=22, leading=30, alignment=1)
    body = ParagraphStyle("b", fontName=PDF_FONT, fontSize=12, leading=20)
    cell = ParagraphStyle("c", fontName=PDF_FONT, fontSize=10, leading=13)
    right = ParagraphStyle("r", parent=body, alignment=2)
    story = [Paragraph("志愿服务时长证明", title), Spacer(1, 3 * mm),
             Paragraph(f"证明编号：{escape(certificate.number)}", right), Spacer(1, 6 * mm),
             Paragraph(f"兹证明 {escape(volunteer.name)}（志愿者编号 {escape(volunteer.volunteer_no)}）"
                       f"参加新时代文明实践志愿服务，经组织方记录并核实，累计服务时长 "
                       f"{certificate.hours} 小时。", body), Spacer(1, 5 * mm)]
    rows = [[Paragraph(h, cell) for h in ("日期", "服务活动", "时长（小时）")]]
    rows += [[Paragraph(escape(str(v)), cell) for v in row] for row in services[:200]]
    table = LongTable(rows, colWidths=[35 * mm, 110 * mm, 30 * mm], repeatRows=1)
    table.setStyle([("FONTNAME", (0, 0), (-1, -1), PDF_FONT), ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee"))])
    story += [table, Spacer(1, 12 * mm), Paragraph(f"出具单位：{escape(certificate.issuer)}", right),
              Paragraph(f"出具日期：{format_date_zh(certificate.issued_on)}", right)]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=20 * mm,
                      bottomMargin=20 * mm, title=f"志愿服务时长证明 {certificate.number}").build(story)
    return buffer.getvalue()


# --- the download, for the page and the API alike ---------------------------------------------

def issuer_name(alliance_id: int) -> str:
    name = db.session.scalar(select(Venue.name).where(Venue.alliance_id == alliance_id, Venue.kind == "sub_centre",
                                                      Venue.deleted_at.is_(None)).order_by(Venue.id).limit(1))
    return name or "新时代文明实践分中心"


def certificate_response(volunteer: Volunteer):
    """Issue (or reuse, for unchanged hours) the numbered certificate and send it as PDF."""
    try:
        certificate = services.certificate_for(current_user, volunteer, issuer=issuer_name(volunteer.alliance_id))
        rows = db.session.execute(select(CivicEvent.starts_at, CivicEvent.title, ServiceRecord.hours)
                                  .join(ServiceRecord, ServiceRecord.event_id == CivicEvent.id)
                                  .where(ServiceRecord.volunteer_id == volunteer.id, ServiceRecord.status == "verified",
                                         ServiceRecord.deleted_at.is_(None), CivicEvent.deleted_at.is_(None))
                                  .order_by(CivicEvent.starts_at).limit(200)).all()
        record_export("Volunteer", volunteer.id, f"志愿服务时长证明 {certificate.number}",
                      {"format": "pdf", "number": certificate.number})
        data = certificate_pdf(certificate, volunteer,
                               [(format_date_zh(s), t, f"{Decimal(str(h)):.1f}") for s, t, h in rows])
        number = certificate.number
        db.session.commit()
    except RuleViolation:
        db.session.rollback()
        raise
    return download(data, f"志愿服务时长证明-{volunteer.name}-{number}.pdf")
