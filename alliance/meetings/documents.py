"""What meetings produce as files: sign-in sheet and roster (through core.exports), notice and
minutes (Word), calendar feeds (iCalendar), the sign-in QR code (SVG), and the people picker."""
from __future__ import annotations

import io
import re
from collections import OrderedDict
from typing import Any

from sqlalchemy import or_, select

from alliance.core import exports
from alliance.core.dates import LOCAL_TZ, format_date_zh, format_datetime_zh
from alliance.core.permissions import scoped
from alliance.core.search import contains
from alliance.extensions import db
from alliance.meetings.models import ATTENDANCE_STATUSES, CAPACITIES, REPLIES, Meeting
from alliance.meetings.queries import roster_rows
from alliance.members.models import MemberUnit, Person, UnitRole


def time_text(meeting: Meeting) -> str:
    start, end = meeting.starts_at.astimezone(LOCAL_TZ), meeting.ends_at.astimezone(LOCAL_TZ)
    if start.date() == end.date():
        return f"{format_datetime_zh(start)}—{end:%H:%M}"
    return f"{format_datetime_zh(start)}—{format_datetime_zh(end)}"


def _role_titles(person_ids) -> dict[tuple[int, int], str]:
    """Titles as printed (党委书记、行长) of the people's current roles: one query."""
    ids = set(person_ids)
    if not ids:
        return {}
    rows = db.session.execute(select(UnitRole.person_id, UnitRole.unit_id, UnitRole.title).where(
        UnitRole.person_id.in_(ids), *UnitRole.roles_current_criteria(),
        UnitRole.title.is_not(None)))
    return {(p, u): t for p, u, t in rows}


def roster_sheet(meeting: Meeting, user, *, sort: str, sheet: str, full_mobiles: bool,
                 alliance_name: str) -> exports.Sheet:
    rows_in = roster_rows(meeting, user, sort=sort)
    titles = _role_titles(r.person_id for r in rows_in)

    def title_of(r) -> str:
        return titles.get((r.person_id, r.unit_id)) or r.title or ""

    lines = [alliance_name, meeting.title, f"时间：{time_text(meeting)}    地点：{meeting.venue or ''}"]
    if sheet == "signin":
        signin = [(i, r.unit_name or "", r.name, title_of(r), "") for i, r in enumerate(rows_in, start=1)]
        return exports.Sheet("签到表", ["序号", "单位", "姓名", "职务", "签到"], signin,
                             title_lines=["签到表", *lines], widths=[6, 30, 10, 20, 16])
    rows: list[tuple[Any, ...]] = []
    for i, r in enumerate(rows_in, start=1):
        mobile = exports.shown_mobile(r.mobile, user, full=full_mobiles, unit_category=r.unit_category)
        note = f"代{r.substitute_name}" if r.substitute_name else (r.leave_reason or "")
        rows.append((i, r.unit_name or "", r.name, title_of(r), mobile,
                     CAPACITIES.label(r.capacity), REPLIES.label(r.reply), ATTENDANCE_STATUSES.label(r.status),
                     format_datetime_zh(r.signed_in_at) if r.signed_in_at else "", note))
    return exports.Sheet("花名册", ["序号", "单位", "姓名", "职务", "手机", "身份", "回执", "出席", "签到时间", "备注"],
                         rows, title_lines=["参会人员花名册", *lines],
                         widths=[6, 26, 9, 16, 13, 7, 9, 7, 16, 14], landscape=True)


# --- Word ----------------------------------------------------------------------------------

def _document(title: str):
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(title)
    run.bold = True
    run.font.size = Pt(18)
    return document


def _bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def notice_docx(meeting: Meeting, alliance_name: str) -> bytes:
    document = _document(f"关于召开{meeting.title}的通知")
    document.add_paragraph("各成员单位：")
    document.add_paragraph(f"经研究，定于{time_text(meeting)}在{meeting.venue or '（地点另行通知）'}"
                           f"召开{meeting.title}。现将有关事项通知如下：")
    if meeting.theme:
        document.add_paragraph(f"一、会议主题：{meeting.theme}")
    document.add_paragraph("二、会议议程：")
    for i, item in enumerate(meeting.agenda, start=1):
        note = f"，{item.presenter_note}" if item.presenter_note else ""
        who = f"（{item.presenter.name}{note}）" if item.presenter else ""
        document.add_paragraph(f"{i}. {item.title}{who}")
    if meeting.chair:
        document.add_paragraph(f"三、会议主持：{meeting.chair.name}")
    document.add_paragraph("四、请各单位联络员于会前在“联盟通”中填写参会回执；不能参会的请注明请假事由，"
                           "可派本单位人员代会。")
    document.add_paragraph(alliance_name).alignment = 2
    document.add_paragraph(format_date_zh(meeting.created_at)).alignment = 2
    return _bytes(document)


def minutes_docx(meeting: Meeting, attendances, alliance_name: str) -> bytes:
    document = _document(f"{meeting.title}会议纪要")
    for label, value in (("时间", time_text(meeting)), ("地点", meeting.venue or ""),
                         ("主持", meeting.chair.name if meeting.chair else ""),
                         ("记录", meeting.recorder.name if meeting.recorder else "")):
        document.add_paragraph(f"{label}：{value}")
    groups: OrderedDict[str, list[str]] = OrderedDict()
    for a in attendances:
        if a.status == "present":
            groups.setdefault(a.unit.name if a.unit else "其他", []).append(a.person.name)
    document.add_heading("出席人员", level=2)
    for unit, names in groups.items():
        document.add_paragraph(f"{unit}：{'、'.join(names)}")
    if not groups:
        document.add_paragraph("（未登记）")
    document.add_heading("会议议程", level=2)
    for i, item in enumerate(meeting.agenda, start=1):
        document.add_paragraph(f"{i}. {item.title}" + (f"（{item.presenter.name}）" if item.presenter else ""))
    if meeting.speeches:
        document.add_heading("主题论坛发言", level=2)
        for s in meeting.speeches:
            document.add_paragraph(f"{s.unit.name}{' ' + s.speaker.name if s.speaker else ''}：{s.topic}")
    if meeting.admissions:
        document.add_heading("新成员单位", level=2)
        document.add_paragraph("、".join(a.unit.name for a in meeting.admissions))
    document.add_heading("决定事项", level=2)
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("决定事项", "责任单位", "完成期限", "状态"), strict=False):
        cell.text = text
    for item in meeting.action_items:
        cells = table.add_row().cells
        cells[0].text = item.decision
        cells[1].text = item.owner_unit.name if item.owner_unit else ""
        cells[2].text = format_date_zh(item.due_on) if item.due_on else ""
        cells[3].text = item.status_label
    if meeting.minutes:
        document.add_heading("会议内容", level=2)
        for paragraph in meeting.minutes.splitlines():
            if paragraph.strip():
                document.add_paragraph(paragraph.strip())
    document.add_paragraph(alliance_name).alignment = 2
    return _bytes(document)


# --- calendar ------------------------------------------------------------------------------

def ics_bytes(meetings, calendar_name: str, host: str) -> bytes:
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//Alliance//联盟通//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", calendar_name)
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    for meeting in meetings:
        event = Event()
        event.add("uid", f"meeting-{meeting.id}@{host}")
        event.add("summary", meeting.title)
        event.add("dtstart", meeting.starts_at.astimezone(LOCAL_TZ))
        event.add("dtend", meeting.ends_at.astimezone(LOCAL_TZ))
        event.add("dtstamp", meeting.updated_at)
        if meeting.venue:
            event.add("location", meeting.venue)
        if meeting.theme:
            event.add("description", meeting.theme)
        event.add("status", "CANCELLED" if meeting.status == "cancelled" else "CONFIRMED")
        calendar.add_component(event)
    if hasattr(calendar, "add_missing_timezones"):
        calendar.add_missing_timezones()
    return calendar.to_ical()


# --- QR code -------------------------------------------------------------------------------

def qr_svg(url: str) -> str:
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=8, border=2, xmldecl=False,
                                    svgns=True, title="签到二维码")
    return buffer.getvalue().decode()


# --- people picker -------------------------------------------------------------------------

_SYLLABLES = re.compile(r"([a-z]+)[1-5]")


def _initials(pinyin_key: str) -> str:
    reading = pinyin_key.split("0", 1)[0]
    return "".join(s[0] for s in _SYLLABLES.findall(reading))


def search_people(user, q: str, *, unit_id: int | None = None, limit: int = 20) -> list[dict]:
    """Search-as-you-type: name, pinyin initials (mj → 马健) or unit name, among the people
    the user may see. A few queries whatever the size of the register."""
    q = (q or "").strip()[:50]
    stmt = scoped(select(Person), Person, user)
    if unit_id:
        stmt = stmt.where(Person.id.in_(select(UnitRole.person_id).where(
            UnitRole.unit_id == unit_id, *UnitRole.roles_current_criteria())))
    initials = q.lower() if q.isascii() and q.isalpha() else None
    if q:
        unit_people = (select(UnitRole.person_id).join(MemberUnit, MemberUnit.id == UnitRole.unit_id)
                       .where(MemberUnit.alliance_id == user.alliance_id,
                              MemberUnit.deleted_at.is_(None),
                              or_(contains(MemberUnit.name, q),
                                  contains(MemberUnit.short_name, q)),
                              *UnitRole.roles_current_criteria()))
        conditions = [contains(Person.name, q), Person.id.in_(unit_people)]
        if initials:
            conditions.append(Person.name_pinyin_key.like("%".join(initials) + "%"))
        stmt = stmt.where(or_(*conditions))
    people = db.session.scalars(stmt.order_by(Person.name_pinyin_key, Person.id).limit(limit * 5)).all()
    if initials:
        exact = [p for p in people if _initials(p.name_pinyin_key).startswith(initials)]
        people = exact + [p for p in people if p not in exact]
    people = people[:limit]
    units: dict[int, tuple[str, str | None]] = {}
    if people:
        for person_id, name, title in db.session.execute(
                select(UnitRole.person_id, MemberUnit.name, UnitRole.title)
                .join(MemberUnit, MemberUnit.id == UnitRole.unit_id)
                .where(UnitRole.person_id.in_([p.id for p in people]), *UnitRole.roles_current_criteria())
                .order_by(UnitRole.id)):
            units.setdefault(person_id, (name, title))
    return [{"id": p.id, "name": p.name, "unit_name": units.get(p.id, (None, None))[0],
             "title": units.get(p.id, (None, None))[1] or p.title} for p in people]
