"""Civic practice (issue 11) in the floor comparison: the sub-centre, 71 stations and 6 spaces
(half the stations hosted by the register's units), 40 teams, 5,000 volunteers, 2,000 events
over 2021 (one in ten with two photos), 100,000 service records and a few item ledgers, built by
benchmarks/civic.py's ``load_civic``."""
from __future__ import annotations

import json
import random
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import jsonify, render_template_string, request
from sqlalchemy import bindparam, text

from alliance.core.types import UTCDateTime

NAME = "civic"
RECORDS, YEAR, LEDGERS, PHOTO_EVERY = 100_000, 2021, 4, 10
LOCAL_TZ = ZoneInfo("Asia/Shanghai")  # alliance.core.dates.LOCAL_TZ
PAGES = (
    ("GET /civic?year=2021 (civic figures)", "/civic", {"year": str(YEAR)}),
    ("GET /civic/venues (civic)", "/civic/venues", {}),
    ("GET /civic/events (civic)", "/civic/events", {}),
    ("GET /civic/hours (civic)", "/civic/hours", {}),
    ("GET /api/v1/civic-events (civic)", "/api/v1/civic-events", {}),
    ("GET /api/v1/service-records (civic)", "/api/v1/service-records", {}),
)
HTML_PER_PAGE, API_PER_PAGE = 30, 50
# The app's venue order (queries.venue_list_query).
VENUE_ORDER = ("CASE v.kind WHEN 'sub_centre' THEN 0 WHEN 'public_space' THEN 1 WHEN 'station' THEN 2 "
               "WHEN 'neighbourhood' THEN 3 WHEN 'party_station' THEN 4 ELSE 9 END, v.name, v.id")
EVENTS = ("FROM civic_events e JOIN civic_venues v ON v.id = e.venue_id "
          "LEFT JOIN civic_teams t ON t.id = e.organizer_team_id "
          "LEFT JOIN member_units u ON u.id = e.organizer_unit_id "
          "WHERE e.alliance_id = :a AND e.deleted_at IS NULL")
ORGANIZER = ("CASE WHEN e.organizer_kind = 'team' AND t.id IS NOT NULL THEN t.name "
             "WHEN e.organizer_kind = 'unit' AND u.id IS NOT NULL THEN u.name ELSE v.name END")
LIVE_PHOTOS = "FROM civic_event_photos p WHERE p.event_id = e.id AND p.deleted_at IS NULL"
RECORDS_FROM = "FROM civic_service_records r WHERE r.alliance_id = :a AND r.deleted_at IS NULL"


def load(alliance_id: int, unit_ids: list[int]) -> dict:
    from civic import load_civic  # benchmarks/civic.py

    from alliance.extensions import db

    load_civic(alliance_id, RECORDS, random.Random(11), unit_ids=unit_ids, photo_every=PHOTO_EVERY,
               ledgers=LEDGERS)
    db.session.commit()
    return {}


def _plain(value):
    if isinstance(value, date | datetime):
        return value.isoformat()
    return float(value) if isinstance(value, Decimal) else value


def floor(app, engine, alliance_id: int, table: str) -> None:
    sqlite = engine.dialect.name == "sqlite"
    photos_json = (f"(SELECT json_group_array(json_object('id', p.id, 'original_name', p.original_name, "
                   f"'content_type', p.content_type, 'size_bytes', p.size_bytes)) {LIVE_PHOTOS})"
                   if sqlite else
                   f"(SELECT coalesce(json_agg(json_build_object('id', p.id, 'original_name', "
                   f"p.original_name, 'content_type', p.content_type, 'size_bytes', p.size_bytes) "
                   f"ORDER BY p.position), '[]'::json) {LIVE_PHOTOS})")

    def offset(per_page: int) -> int:
        return (max(1, request.args.get("page", 1, type=int)) - 1) * per_page

    def rows(sql: str, **params) -> list:
        with engine.connect() as conn:
            return conn.execute(text(sql), {"a": alliance_id, **params}).all()

    def html(title: str, columns: list[str], found) -> str:
        return render_template_string(table, title=title, columns=columns, rows=[tuple(r) for r in found])

    def page_and_count(where: str, sql: str) -> tuple[list[dict], dict]:
        with engine.connect() as conn:
            total = conn.execute(text(f"SELECT count(*) {where}"), {"a": alliance_id}).scalar()
            found = conn.execute(text(f"{sql} LIMIT {API_PER_PAGE} OFFSET {offset(API_PER_PAGE)}"),
                                 {"a": alliance_id}).mappings().all()
        items = [{k: _plain(v) for k, v in r.items()} for r in found]
        return items, {"total": total, "page": offset(API_PER_PAGE) // API_PER_PAGE + 1,
                       "per_page": API_PER_PAGE}

    @app.get("/civic")
    def civic_figures():
        # The figures of a year in one grouped SELECT: events, audience and hours by venue (each
        # event's hours summed over its service records).
        year = request.args.get("year", YEAR, type=int)
        start, end = (datetime(y, 1, 1, tzinfo=LOCAL_TZ) for y in (year, year + 1))
        stmt = text(
            "SELECT v.name, count(e.id), coalesce(sum(e.audience), 0), coalesce(sum(h.hours), 0) "
            "FROM civic_events e JOIN civic_venues v ON v.id = e.venue_id "
            "LEFT JOIN (SELECT event_id, sum(hours) AS hours FROM civic_service_records "
            "WHERE deleted_at IS NULL GROUP BY event_id) h ON h.event_id = e.id "
            "WHERE e.alliance_id = :a AND e.deleted_at IS NULL AND e.starts_at >= :start "
            "AND e.starts_at < :end GROUP BY v.name ORDER BY count(e.id) DESC, v.name"
        ).bindparams(bindparam("start", type_=UTCDateTime()), bindparam("end", type_=UTCDateTime()))
        with engine.connect() as conn:
            found = conn.execute(stmt, {"a": alliance_id, "start": start, "end": end}).all()
        return html(f"{year}年新时代文明实践", ["阵地", "活动", "服务人次", "时长"], found)

    @app.get("/civic/venues")
    def civic_venues():
        found = rows("SELECT v.id, v.kind, v.name, v.address, coalesce(u.name, v.host_name), v.parent_id, "  # noqa: S608 - constants
                     "v.is_sample FROM civic_venues v LEFT JOIN member_units u ON u.id = v.unit_id "
                     f"WHERE v.alliance_id = :a AND v.deleted_at IS NULL ORDER BY {VENUE_ORDER}")
        return html("文明实践阵地", ["编号", "类型", "阵地", "地址", "承办", "上级", "示例"], found)

    @app.get("/civic/events")
    def civic_events():
        found = rows(f"SELECT e.id, e.starts_at, e.title, e.is_sample, v.name, {ORGANIZER}, e.audience, "  # noqa: S608 - constants and ints
                     f"(SELECT count(*) {LIVE_PHOTOS}) {EVENTS} ORDER BY e.starts_at DESC, e.id DESC "
                     f"LIMIT {HTML_PER_PAGE} OFFSET {offset(HTML_PER_PAGE)}")
        return html("文明实践活动", ["编号", "时间", "活动", "示例", "阵地", "组织方", "服务人数", "照片"], found)

    @app.get("/civic/hours")
    def civic_hours():
        found = rows("SELECT r.id, vo.name, r.event_id, e.title, e.starts_at, r.hours, r.status "  # noqa: S608 - constants and ints
                     "FROM civic_service_records r JOIN civic_volunteers vo ON vo.id = r.volunteer_id "
                     "JOIN civic_events e ON e.id = r.event_id "
                     "WHERE r.alliance_id = :a AND r.deleted_at IS NULL ORDER BY r.id DESC "
                     f"LIMIT {HTML_PER_PAGE} OFFSET {offset(HTML_PER_PAGE)}")
        return html("志愿服务时长", ["编号", "志愿者", "活动编号", "活动", "日期", "时长", "状态"], found)

    @app.get("/api/v1/civic-events")
    def api_civic_events():
        items, envelope = page_and_count(
            "FROM civic_events e WHERE e.alliance_id = :a AND e.deleted_at IS NULL",
            "SELECT e.id, e.version, e.created_at, e.updated_at, e.deleted_at, e.title, e.project_id, "  # noqa: S608 - constants
            "e.venue_id, e.starts_at, e.ends_at, e.organizer_kind, e.organizer_unit_id, "
            "e.organizer_team_id, e.description, e.audience, e.unit_id, v.name AS venue_name, "
            f"{ORGANIZER} AS organizer_label, e.is_sample, {photos_json} AS photos {EVENTS} "
            "ORDER BY e.starts_at DESC, e.id DESC")
        for item in items:
            if isinstance(item["photos"], str):
                item["photos"] = json.loads(item["photos"])
        return jsonify({"items": items, **envelope})

    @app.get("/api/v1/service-records")
    def api_service_records():
        items, envelope = page_and_count(
            RECORDS_FROM,
            "SELECT r.id, r.version, r.created_at, r.updated_at, r.deleted_at, r.event_id, r.volunteer_id, "  # noqa: S608 - constants
            f"r.hours, r.role, r.unit_id, r.status, r.verified_by, r.verified_at {RECORDS_FROM} "
            "ORDER BY r.id DESC")
        return jsonify({"items": items, **envelope})
