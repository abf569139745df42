"""The framework floor: the least a Flask app on this stack can do for each page the benchmark
measures, served by gunicorn beside the real app (see benchmarks/speed.py).

Same Flask, same SQLAlchemy and driver, same database, the same queries as the page: each HTML
list runs one ``SELECT`` of the page of rows the app shows (same filter, order and page size)
and, as the app's pager does, a COUNT bounded at 1,000 rows when the page is full, and renders a
plain Jinja table; each API list runs the SELECT of the columns its schema returns plus an
exact COUNT and returns JSON; health asks the database for ``SELECT 1``. No sign-in, no
session, no scope, no audit: the difference to the app is what the app's own work costs.

    FLOOR_DATABASE_URL=sqlite:////tmp/x/bench.db gunicorn -w 2 benchmarks.floor_app:app
"""
from __future__ import annotations

import os
import re

import speed_areas  # benchmarks/speed_areas: each area's floor pages
from flask import Flask, jsonify, render_template_string, request
from sqlalchemy import create_engine, text

URL = os.environ["FLOOR_DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
ALLIANCE_ID = int(os.environ.get("FLOOR_ALLIANCE_ID", "1"))
engine = create_engine(URL)
app = Flask(__name__)

TABLE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><h1>{{ title }}</h1><table><thead><tr>{% for c in columns %}<th>{{ c }}</th>{% endfor %}</tr></thead>
<tbody>{% for row in rows %}<tr>{% for value in row %}<td>{{ value if value is not none else "" }}</td>{% endfor %}</tr>
{% endfor %}</tbody></table></body></html>"""

UNIT_COLUMNS = "id, name, category, tier, sort_order, joined_on, status"
# An API list answers the fields its schema documents: the floor's JSON page reads the same
# columns (UnitSchema, PersonSchema, ActivitySchema), or it would be a smaller query and page.
RECORD = "id, version, created_at, updated_at, deleted_at"
API_UNIT_COLUMNS = (f"{RECORD}, name, short_name, category, uscc, tier, status, joined_on, left_on, "
                    "sort_order, address, phone, grid, description, is_sample")
API_PERSON_COLUMNS = f"{RECORD}, name, mobile, email, title, is_party_member, notes, is_sample"
API_ACTIVITY_COLUMNS = ", ".join(f"a.{c}" for c in (
    "id", "version", "created_at", "updated_at", "deleted_at", "occurred_on", "kind", "title",
    "participant_count", "participants", "description", "unit_id", "is_sample"))
PHOTO_COLUMNS = ("id, activity_id, original_name, content_type, size_bytes, width, height, position, "
                 "created_at")
UNIT_ORDERS = {"name": "name_sort_key, id", "joined": "joined_on IS NULL, joined_on DESC, id"}
UNIT_ORDER = "sort_order IS NULL, sort_order, name_sort_key, id"
PEOPLE_ORDERS = {"pinyin": "name_pinyin_key, id", "name": "name, id"}
PEOPLE_ORDER = "name_stroke_key, id"


def _page(per_page: int) -> tuple[int, int]:
    page = max(1, request.args.get("page", 1, type=int))
    return per_page, (page - 1) * per_page


def _units_sql() -> tuple[str, str]:
    order = UNIT_ORDERS.get(request.args.get("sort", ""), UNIT_ORDER)
    return "FROM member_units WHERE alliance_id = :a AND deleted_at IS NULL", order


# The people search the app runs (members.queries): every word matches the name, title, mobile,
# the pinyin key (letters only) or the name of a unit where the person holds a current role;
# four digits or more match the mobile alone.
UNIT_HOLDERS = ("SELECT r.person_id FROM unit_roles r WHERE r.unit_id IN (SELECT u.id FROM member_units u "
                "WHERE u.alliance_id = :a AND u.deleted_at IS NULL "
                "AND (u.name LIKE :w{i} ESCAPE '/' OR u.short_name LIKE :w{i} ESCAPE '/')) "
                "AND r.ended_on IS NULL AND r.deleted_at IS NULL AND r.alliance_id = :a")
# core.search.in_rows: on PostgreSQL the set is an array the BitmapOr reads off the primary key.
IN_ROWS = "id = ANY(ARRAY(({})))" if engine.dialect.name == "postgresql" else "id IN ({})"
UNIT_WORD_MIN = 2  # a unit's name is searched for words of two characters or more (the app's rule)


def _people_where() -> tuple[str, dict]:
    params: dict = {"a": ALLIANCE_ID}
    where = "FROM people WHERE alliance_id = :a AND deleted_at IS NULL"
    words = [w for w in dict.fromkeys(re.split(r"[\s,，、;；]+", (request.args.get("q") or "")[:50])) if w][:5]
    for i, word in enumerate(words):
        params[f"w{i}"] = "%" + word.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"
        if word.isdigit() and len(word) >= 4:
            where += f" AND mobile = :w{i}" if len(word) == 11 else f" AND mobile LIKE :w{i} ESCAPE '/'"
            if len(word) == 11:
                params[f"w{i}"] = word
            continue
        ors = [f"{column} LIKE :w{i} ESCAPE '/'" for column in ("name", "title", "mobile")]
        if word.isascii() and word.isalpha():
            ors.append(f"search_key LIKE :l{i} ESCAPE '/'")
            params[f"l{i}"] = f"%{word.lower()}%"
        if len(word) >= UNIT_WORD_MIN:
            ors.append(IN_ROWS.format(UNIT_HOLDERS.format(i=i)))
        where += " AND (" + " OR ".join(ors) + ")"
    return where, params


def _rows(sql: str, params: dict) -> list:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql), params)]


# An HTML list's pager says how many rows there are, counted up to a bound (the app's
# core.pagination: 1,000 rows or four pages past the one shown, no COUNT when the page is not
# full). The floor's lists count the same way: the same queries as the page, nothing else.
PAGE_COUNT_BOUND, PAGES_AHEAD = 1000, 4


def _list_rows(columns: str, where: str, order: str, params: dict, per_page: int) -> tuple[list, int]:
    limit, offset = _page(per_page)
    with engine.connect() as conn:
        rows = [tuple(row) for row in conn.execute(
            text(f"SELECT {columns} {where} ORDER BY {order} LIMIT {limit} OFFSET {offset}"), params)]
        if rows and len(rows) < limit or not rows and offset == 0:
            return rows, offset + len(rows)
        bound = max(PAGE_COUNT_BOUND, (offset // limit + 1 + PAGES_AHEAD) * limit)
        total = conn.execute(text(f"SELECT count(*) FROM (SELECT 1 {where} LIMIT {bound + 1}) AS page_rows"),  # noqa: S608 - our own SQL
                             params).scalar()
    return rows, min(total or 0, bound)


def _page_and_count(where: str, columns: str, order: str, params: dict, per_page: int) -> dict:
    limit, offset = _page(per_page)
    with engine.connect() as conn:
        total = conn.execute(text(f"SELECT count(*) {where}"), params).scalar()
        rows = conn.execute(text(f"SELECT {columns} {where} ORDER BY {order} LIMIT {limit} "
                                 f"OFFSET {offset}"), params).mappings().all()
    return {"items": [dict(r) for r in rows], "total": total, "page": offset // limit + 1,
            "per_page": limit}


@app.get("/units")
def units():
    where, order = _units_sql()
    rows, total = _list_rows(UNIT_COLUMNS, where, order, {"a": ALLIANCE_ID}, 50)
    return render_template_string(TABLE, title=f"成员单位（{total}）", columns=UNIT_COLUMNS.split(", "),
                                  rows=rows)


# The unit page is a record with what hangs off it: the floor reads the same things the app's
# unit page reads (its statements, as plain SQL), one statement each: the unit; its roles with
# their people; its change log; its latest activities with their photo counts; activities per
# year; its attendance at held meetings; its newest needs, resources, claims and projects.
_YEAR = {"sqlite": "CAST(strftime('%Y', occurred_on) AS INTEGER)",
         "postgresql": "CAST(EXTRACT(year FROM occurred_on) AS INTEGER)"}
UNIT_PAGE_SQL = (
    ("unit", "SELECT * FROM member_units WHERE id = :id AND alliance_id = :a AND deleted_at IS NULL"),
    ("roles", "SELECT r.id, r.role, r.title, r.started_on, r.ended_on, r.version, p.id AS person_id, "
              "p.name FROM unit_roles r JOIN people p ON p.id = r.person_id WHERE r.unit_id = :id "
              "AND r.deleted_at IS NULL ORDER BY r.ended_on IS NOT NULL, r.started_on DESC, r.id"),
    ("history", "SELECT * FROM audit_entries WHERE (record_type = 'MemberUnit' AND record_id = :id) "
                "OR (record_type = 'UnitRole' AND record_id IN (SELECT id FROM unit_roles WHERE "
                "unit_id = :id AND deleted_at IS NULL)) ORDER BY occurred_at DESC, id DESC LIMIT 20"),
    ("activities", "SELECT a.id, a.title, a.occurred_on, a.kind, (SELECT count(*) FROM activity_photos f "
                   "WHERE f.activity_id = a.id AND f.deleted_at IS NULL) AS photos FROM activities a "
                   "WHERE a.unit_id = :id AND a.deleted_at IS NULL ORDER BY a.occurred_on DESC, a.id DESC "
                   "LIMIT 10"),
    ("years", "SELECT {year} AS year, count(*) FROM activities WHERE unit_id = :id AND deleted_at IS NULL "
              "GROUP BY 1 ORDER BY 1 DESC"),
    ("attendance", "SELECT m.starts_at, t.status FROM meeting_attendances t JOIN meetings m ON "
                   "m.id = t.meeting_id WHERE t.unit_id = :id AND t.deleted_at IS NULL AND "
                   "t.reply != 'replaced' AND m.deleted_at IS NULL AND m.status = 'held'"),
    ("lists", "SELECT * FROM (SELECT 'needs' AS kind, id, title, status FROM needs WHERE alliance_id = :a "
              "AND deleted_at IS NULL AND unit_id = :id ORDER BY id DESC LIMIT 10) AS n UNION ALL "
              "SELECT * FROM (SELECT 'resources', id, title, status FROM resources WHERE alliance_id = :a "
              "AND deleted_at IS NULL AND unit_id = :id ORDER BY id DESC LIMIT 10) AS r UNION ALL "
              "SELECT * FROM (SELECT 'claims', c.id, coalesce(n.title, p.title), c.status FROM claims c "
              "LEFT JOIN needs n ON n.id = c.need_id LEFT JOIN projects p ON p.id = c.project_id "
              "WHERE c.alliance_id = :a AND c.deleted_at IS NULL AND c.unit_id = :id ORDER BY c.id DESC "
              "LIMIT 10) AS c UNION ALL SELECT * FROM (SELECT 'projects', id, title, stage FROM projects "
              "WHERE alliance_id = :a AND deleted_at IS NULL AND (lead_unit_id = :id OR id IN (SELECT "
              "project_id FROM project_partners WHERE unit_id = :id)) ORDER BY id DESC LIMIT 10) AS p"),
)


@app.get("/units/<int:unit_id>")
def unit(unit_id: int):
    params = {"id": unit_id, "a": ALLIANCE_ID}
    year = _YEAR.get(engine.dialect.name, _YEAR["sqlite"])
    rows = []
    with engine.connect() as conn:
        for name, sql in UNIT_PAGE_SQL:
            for row in conn.execute(text(sql.replace("{year}", year)), params):
                rows.append((name, *row))
    return render_template_string(TABLE, title="成员单位", columns=["部分", "字段"], rows=rows)


@app.get("/people")
def people():
    where, params = _people_where()
    order = PEOPLE_ORDERS.get(request.args.get("sort", ""), PEOPLE_ORDER)
    rows, total = _list_rows("id, name, title, mobile, is_party_member", where, order, params, 50)
    return render_template_string(TABLE, title=f"人员（{total}）", columns=["编号", "姓名", "职务", "手机", "党员"],
                                  rows=rows)


@app.get("/activities")
def activities():
    rows, total = _list_rows("id, occurred_on, kind, title, participant_count",
                             "FROM activities WHERE alliance_id = :a AND deleted_at IS NULL",
                             "occurred_on DESC, id DESC", {"a": ALLIANCE_ID}, 20)
    return render_template_string(TABLE, title=f"共建活动（{total}）", columns=["编号", "日期", "类型", "标题", "人数"],
                                  rows=rows)


@app.get("/api/v1/units")
def api_units():
    where, order = _units_sql()
    return jsonify(_page_and_count(where, API_UNIT_COLUMNS, order, {"a": ALLIANCE_ID}, 50))


@app.get("/api/v1/people")
def api_people():
    where, params = _people_where()
    order = PEOPLE_ORDERS.get(request.args.get("sort", ""), PEOPLE_ORDER)
    return jsonify(_page_and_count(where, API_PERSON_COLUMNS, order, params, 50))


@app.get("/api/v1/activities")
def api_activities():
    """The activities with their unit's name, and the page's photos (what an item carries)."""
    where = ("FROM activities a LEFT JOIN member_units u ON u.id = a.unit_id "
             "WHERE a.alliance_id = :a AND a.deleted_at IS NULL")
    limit, offset = _page(50)
    with engine.connect() as conn:
        total = conn.execute(text("SELECT count(*) FROM activities WHERE alliance_id = :a "
                                  "AND deleted_at IS NULL"), {"a": ALLIANCE_ID}).scalar()
        rows = conn.execute(text(f"SELECT {API_ACTIVITY_COLUMNS}, u.name AS unit_name {where} "
                                 f"ORDER BY a.occurred_on DESC, a.id DESC LIMIT {limit} OFFSET {offset}"),
                            {"a": ALLIANCE_ID}).mappings().all()
        items = [dict(row, photos=[]) for row in rows]
        if items:
            by_id = {item["id"]: item for item in items}
            ids = ", ".join(str(int(i)) for i in by_id)
            for photo in conn.execute(text(f"SELECT {PHOTO_COLUMNS} FROM activity_photos WHERE "  # noqa: S608 - ints
                                           f"activity_id IN ({ids}) AND deleted_at IS NULL "
                                           "ORDER BY activity_id, position")).mappings():
                by_id[photo["activity_id"]]["photos"].append(dict(photo))
    return jsonify({"items": items, "total": total, "page": offset // limit + 1, "per_page": limit})


@app.get("/api/v1/health")
def health():
    """The app's health check asks the database for ``SELECT 1``: so does its floor."""
    with engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
    return jsonify({"status": "ok", "database": "ok"})


_AREAS = os.environ.get("FLOOR_AREAS", "")  # unset: every area; "none": the register's pages only
for _area in speed_areas.modules(None if not _AREAS else
                                 [] if _AREAS == "none" else _AREAS.split(",")):
    _area.floor(app, engine, ALLIANCE_ID, TABLE)
