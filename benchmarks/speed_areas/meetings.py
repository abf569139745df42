"""Joint meetings in the floor comparison: 300 past meetings over three years (host unit, chair,
recorder, agenda, 20 to 60 invitees with reply slips each) and one coming joint meeting with
every current 书记 invited (~1,900 of the register's 2,000 units), built by
benchmarks/meetings.py's ``load_meetings``."""
from __future__ import annotations

import random
from datetime import datetime

from flask import jsonify, render_template_string, request
from sqlalchemy import text

NAME = "meetings"
HISTORY = 300
PAGES = (
    ("GET /meetings (meeting)", "/meetings", {}),
    ("GET /meetings/<id> (meeting)", "/meetings/{meeting_id}", {}),
    ("GET /meetings/<id>/attendance (meeting)", "/meetings/{meeting_id}/attendance", {}),
    ("GET /api/v1/meetings (meeting)", "/api/v1/meetings", {}),
    ("GET /api/v1/meetings/<id>/attendance (meeting)", "/api/v1/meetings/{meeting_id}/attendance", {}),
)
LIST_PER_PAGE, ATTENDANCE_PER_PAGE, API_PER_PAGE = 20, 50, 50
MEETINGS = "FROM meetings m WHERE m.alliance_id = :a AND m.deleted_at IS NULL"
ATTENDANCES = ("FROM meeting_attendances t JOIN people p ON p.id = t.person_id "
               "LEFT JOIN member_units u ON u.id = t.unit_id "
               "LEFT JOIN people s ON s.id = t.substitute_for_id "
               "WHERE t.alliance_id = :a AND t.deleted_at IS NULL AND t.meeting_id = :m")
ATTENDANCE_COUNT = ("FROM meeting_attendances t WHERE t.alliance_id = :a AND t.deleted_at IS NULL "
                    "AND t.meeting_id = :m")
# The meeting page's figures (queries._attendance_tally, _slip_tally): one row each.
ATTENDANCE_TALLY = (
    "SELECT count(CASE WHEN reply != 'replaced' THEN 1 END) AS invited, "
    "count(CASE WHEN reply != 'replaced' AND status = 'present' THEN 1 END) AS present, "
    "count(CASE WHEN reply != 'replaced' AND status = 'absent' THEN 1 END) AS absent, "
    "count(CASE WHEN reply != 'replaced' AND status = 'excused' THEN 1 END) AS excused, "
    "count(CASE WHEN reply = 'pending' THEN 1 END) AS pending_reply, "
    "count(CASE WHEN reply != 'replaced' AND substitute_for_id IS NOT NULL THEN 1 END) AS substitutes "
    "FROM meeting_attendances WHERE meeting_id = :m AND deleted_at IS NULL")
SLIP_TALLY = ("SELECT count(*) AS total, count(CASE WHEN status = 'answered' THEN 1 END) AS answered "
              "FROM meeting_reply_slips WHERE alliance_id = :a AND deleted_at IS NULL AND meeting_id = :m")
# HTML lists count their rows as core.pagination does (up to 1,000 or four pages past the one shown).
PAGE_COUNT_BOUND, PAGES_AHEAD = 1000, 4
# The app's roster order (queries._attendances, sort=strokes).
ATTENDANCE_ORDER = "p.name_stroke_key, t.id"


def load(alliance_id: int, unit_ids: list[int]) -> dict:
    from meetings import load_meetings  # benchmarks/meetings.py

    meeting_id, _ = load_meetings(alliance_id, HISTORY, random.Random(7))
    return {"meeting_id": meeting_id}


def floor(app, engine, alliance_id: int, table: str) -> None:
    def offset(per_page: int) -> int:
        return (max(1, request.args.get("page", 1, type=int)) - 1) * per_page

    def rows(sql: str, **params) -> list:
        with engine.connect() as conn:
            return conn.execute(text(sql), {"a": alliance_id, **params}).all()

    def plain(row) -> dict:
        return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in row._mapping.items()}

    def counted_rows(sql: str, count_where: str, per_page: int, **params) -> list:
        """A list page's rows and, when the page is full, its rows counted up to the bound, as the
        app's pager does (core.pagination.list_page; floor_app._list_rows): the same queries as
        the page. The count has the app's WHERE without the sort's joins."""
        bound_params = {"a": alliance_id, **params}
        with engine.connect() as conn:
            found = conn.execute(text(sql), bound_params).all()
            start = offset(per_page)
            if found and len(found) < per_page or not found and start == 0:
                return found
            bound = max(PAGE_COUNT_BOUND, (start // per_page + 1 + PAGES_AHEAD) * per_page)
            conn.execute(text(f"SELECT count(*) FROM (SELECT 1 {count_where} LIMIT {bound + 1}) AS page_rows"),  # noqa: S608 - constants
                         bound_params).scalar()
        return found

    def page_and_count(where: str, sql: str, **params) -> dict:
        with engine.connect() as conn:
            bound = {"a": alliance_id, **params}
            total = conn.execute(text(f"SELECT count(*) {where}"), bound).scalar()
            found = conn.execute(text(sql), bound).all()
        return {"items": [plain(r) for r in found], "total": total,
                "page": offset(API_PER_PAGE) // API_PER_PAGE + 1, "per_page": API_PER_PAGE}

    @app.get("/meetings")
    def meeting_list():
        found = counted_rows(f"SELECT m.title, m.kind, m.status, m.starts_at, m.venue {MEETINGS} "
                             f"ORDER BY m.starts_at DESC, m.id DESC LIMIT {LIST_PER_PAGE} "
                             f"OFFSET {offset(LIST_PER_PAGE)}", MEETINGS, LIST_PER_PAGE)
        return render_template_string(table, title="联席会议", columns=["名称", "类型", "状态", "时间", "地点"],
                                      rows=[tuple(r) for r in found])

    @app.get("/meetings/<int:meeting_id>")
    def meeting_page(meeting_id: int):
        # The meeting and the figures the page shows of it (invitees counted by reply and
        # attendance, reply slips answered), in one SELECT as the app reads them.
        found = rows("SELECT m.title, m.kind, m.status, m.starts_at, m.ends_at, m.theme, m.venue, "  # noqa: S608 - constants
                     "h.name, c.name, r.name, m.minutes, t.*, s.* FROM meetings m "
                     "LEFT JOIN member_units h ON h.id = m.host_unit_id "
                     "LEFT JOIN people c ON c.id = m.chair_id LEFT JOIN people r ON r.id = m.recorder_id "
                     f"JOIN ({ATTENDANCE_TALLY}) t ON 1 = 1 JOIN ({SLIP_TALLY}) s ON 1 = 1 "
                     "WHERE m.id = :m AND m.alliance_id = :a AND m.deleted_at IS NULL", m=meeting_id)
        return render_template_string(table, title="会议", columns=["字段"] * 21,
                                      rows=[tuple(r) for r in found])

    @app.get("/meetings/<int:meeting_id>/attendance")
    def attendance(meeting_id: int):
        found = counted_rows(f"SELECT p.name, s.name, u.name, t.capacity, t.reply, t.leave_reason, t.status, "
                             f"t.signed_in_at {ATTENDANCES} ORDER BY {ATTENDANCE_ORDER} "
                             f"LIMIT {ATTENDANCE_PER_PAGE} OFFSET {offset(ATTENDANCE_PER_PAGE)}",
                             ATTENDANCE_COUNT, ATTENDANCE_PER_PAGE, m=meeting_id)
        return render_template_string(table, title="参会人员",
                                      columns=["姓名", "代会", "单位", "身份", "回执", "事由", "出席", "签到"],
                                      rows=[tuple(r) for r in found])

    @app.get("/api/v1/meetings")
    def api_meetings():
        return jsonify(page_and_count(
            MEETINGS,
            f"SELECT m.id, m.version, m.created_at, m.updated_at, m.deleted_at, m.kind, m.title, "  # noqa: S608 - constants and ints
            f"m.theme, m.starts_at, m.ends_at, m.venue, m.host_unit_id, m.chair_id, m.recorder_id, "
            f"m.status, m.minutes, m.is_sample, h.name AS host_unit_name, c.name AS chair_name, "
            f"r.name AS recorder_name FROM meetings m "
            f"LEFT JOIN member_units h ON h.id = m.host_unit_id "
            f"LEFT JOIN people c ON c.id = m.chair_id LEFT JOIN people r ON r.id = m.recorder_id "
            f"WHERE m.alliance_id = :a AND m.deleted_at IS NULL "
            f"ORDER BY m.starts_at DESC, m.id DESC LIMIT {API_PER_PAGE} OFFSET {offset(API_PER_PAGE)}"))

    @app.get("/api/v1/meetings/<int:meeting_id>/attendance")
    def api_attendance(meeting_id: int):
        return jsonify(page_and_count(
            ATTENDANCE_COUNT,
            f"SELECT t.id, t.version, t.created_at, t.updated_at, t.deleted_at, t.person_id, "
            f"p.name AS person_name, t.unit_id, u.name AS unit_name, t.capacity, t.status, t.reply, "
            f"t.leave_reason, t.substitute_for_id, s.name AS substitute_for_name, t.signed_in_at, "
            f"t.self_signed {ATTENDANCES} ORDER BY {ATTENDANCE_ORDER} "
            f"LIMIT {API_PER_PAGE} OFFSET {offset(API_PER_PAGE)}", m=meeting_id))
