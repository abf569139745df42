"""The three lists (needs, resources, projects and the claims between them) in the floor
comparison: 10,000 needs, 5,000 resources, 2,000 projects and 2,500 claims over the register's
units, built by benchmarks/lists.py's ``load_lists``."""
from __future__ import annotations

from datetime import date, datetime

from flask import jsonify, render_template_string, request
from sqlalchemy import text

NAME = "lists"
NEEDS, RESOURCES, PROJECTS = 10000, 5000, 2000
PAGES = (
    ("GET /needs (lists)", "/needs", {}),
    ("GET /resources (lists)", "/resources", {}),
    ("GET /projects/board (lists)", "/projects/board", {}),
    ("GET /claims (lists)", "/claims", {}),
    ("GET /api/v1/needs (lists)", "/api/v1/needs", {}),
    ("GET /api/v1/resources (lists)", "/api/v1/resources", {}),
    ("GET /api/v1/projects (lists)", "/api/v1/projects", {}),
)
HTML_PER_PAGE, API_PER_PAGE, BOARD_LIMIT = 20, 50, 50
PAGE_COUNT_BOUND, PAGES_AHEAD = 1000, 4  # core.pagination's bounded count of an HTML list
LIVE = "alliance_id = :a AND deleted_at IS NULL"


def load(alliance_id: int, unit_ids: list[int]) -> dict:
    from lists import load_lists  # benchmarks/lists.py

    from alliance.extensions import db

    load_lists(alliance_id, unit_ids, needs=NEEDS, projects=PROJECTS, resources=RESOURCES)
    db.session.commit()
    return {}


def _plain(value):
    return value.isoformat() if isinstance(value, date | datetime) else value


def floor(app, engine, alliance_id: int, table: str) -> None:
    def offset(per_page: int) -> int:
        return (max(1, request.args.get("page", 1, type=int)) - 1) * per_page

    def rows(sql: str) -> list:
        with engine.connect() as conn:
            return conn.execute(text(sql), {"a": alliance_id}).all()

    def page_and_count(where: str, sql: str) -> dict:
        with engine.connect() as conn:
            total = conn.execute(text(f"SELECT count(*) {where}"), {"a": alliance_id}).scalar()
            found = conn.execute(text(f"{sql} LIMIT {API_PER_PAGE} OFFSET {offset(API_PER_PAGE)}"),
                                 {"a": alliance_id}).mappings().all()
        return {"items": [{k: _plain(v) for k, v in r.items()} for r in found], "total": total,
                "page": offset(API_PER_PAGE) // API_PER_PAGE + 1, "per_page": API_PER_PAGE}

    def counted_rows(sql: str, where: str) -> list:
        # The app's pager (core.pagination.list_page): a full page is followed by a COUNT of the
        # list's rows (without the joins), bounded as the app bounds it; floor_app's _list_rows.
        page_rows = rows(f"{sql} LIMIT {HTML_PER_PAGE} OFFSET {offset(HTML_PER_PAGE)}")
        if len(page_rows) == HTML_PER_PAGE:
            bound = max(PAGE_COUNT_BOUND, (offset(HTML_PER_PAGE) // HTML_PER_PAGE + 1 + PAGES_AHEAD) * HTML_PER_PAGE)
            rows(f"SELECT count(*) FROM (SELECT 1 {where} LIMIT {bound + 1}) AS page_rows")  # noqa: S608 - constants and ints
        return page_rows

    def html(title: str, columns: list[str], found) -> str:
        return render_template_string(table, title=title, columns=columns, rows=[tuple(r) for r in found])

    @app.get("/needs")
    def needs():
        found = counted_rows("SELECT n.id, n.title, n.status, c.name, n.source_kind, n.source_name, u.name, "
                             "n.wanted_by, n.grid FROM needs n JOIN list_categories c ON c.id = n.category_id "
                             "LEFT JOIN member_units u ON u.id = n.unit_id "
                             "WHERE n.alliance_id = :a AND n.deleted_at IS NULL ORDER BY n.id DESC",
                             f"FROM needs WHERE {LIVE}")
        return html("需求清单", ["编号", "需求", "状态", "类别", "来源", "来源名称", "单位", "期望", "网格"], found)

    @app.get("/resources")
    def resources():
        found = counted_rows("SELECT r.id, r.title, r.status, u.name, r.kind, c.name, r.capacity_amount, "
                             "r.capacity_unit, r.available_to FROM resources r "
                             "JOIN list_categories c ON c.id = r.category_id JOIN member_units u ON u.id = r.unit_id "
                             "WHERE r.alliance_id = :a AND r.deleted_at IS NULL ORDER BY r.id DESC",
                             f"FROM resources WHERE {LIVE}")
        return html("资源清单", ["编号", "资源", "状态", "单位", "类型", "类别", "数量", "单位", "截至"], found)

    @app.get("/projects/board")
    def board():
        # The board's columns by stage: the newest BOARD_LIMIT of each stage, in one SELECT.
        found = rows("SELECT p.stage, p.id, p.title, c.name, u.name, p.released FROM ("  # noqa: S608 - constants and ints
                     "SELECT id, row_number() OVER (PARTITION BY stage ORDER BY id DESC) AS n "
                     f"FROM projects WHERE {LIVE}) ranked JOIN projects p ON p.id = ranked.id "
                     "JOIN list_categories c ON c.id = p.category_id "
                     f"LEFT JOIN member_units u ON u.id = p.lead_unit_id WHERE ranked.n <= {BOARD_LIMIT} "
                     "ORDER BY p.id DESC")
        return html("项目看板", ["阶段", "编号", "项目", "类别", "牵头单位", "可认领"], found)

    @app.get("/claims")
    def claims():
        found = counted_rows("SELECT cl.id, u.name, cl.status, cl.need_id, n.title, cl.project_id, p.title, "
                             "cl.commitment, cl.version FROM claims cl JOIN member_units u ON u.id = cl.unit_id "
                             "LEFT JOIN needs n ON n.id = cl.need_id LEFT JOIN projects p ON p.id = cl.project_id "
                             "WHERE cl.alliance_id = :a AND cl.deleted_at IS NULL ORDER BY cl.id DESC",
                             f"FROM claims WHERE {LIVE}")
        return html("认领", ["编号", "单位", "状态", "需求", "需求", "项目", "项目", "承诺", "版本"], found)

    @app.get("/api/v1/needs")
    def api_needs():
        return jsonify(page_and_count(
            f"FROM needs WHERE {LIVE}",
            "SELECT n.id, n.version, n.created_at, n.updated_at, n.deleted_at, n.title, n.description, "
            "n.category_id, c.name AS category_name, n.source_kind, n.source_name, n.submitter_name, "
            "n.beneficiary_count, n.beneficiary_group, n.urgency, n.wanted_by, n.grid, n.unit_id, "
            "u.name AS unit_name, n.status FROM needs n JOIN list_categories c ON c.id = n.category_id "
            "LEFT JOIN member_units u ON u.id = n.unit_id WHERE n.alliance_id = :a AND n.deleted_at IS NULL "
            "ORDER BY n.id DESC"))

    @app.get("/api/v1/resources")
    def api_resources():
        return jsonify(page_and_count(
            f"FROM resources WHERE {LIVE}",
            "SELECT r.id, r.version, r.created_at, r.updated_at, r.deleted_at, r.title, r.description, "
            "r.kind, r.category_id, c.name AS category_name, r.capacity_amount, r.capacity_unit, "
            "r.available_from, r.available_to, r.contact, r.unit_id, u.name AS unit_name, r.status "
            "FROM resources r JOIN list_categories c ON c.id = r.category_id "
            "JOIN member_units u ON u.id = r.unit_id WHERE r.alliance_id = :a AND r.deleted_at IS NULL "
            "ORDER BY r.id DESC"))

    @app.get("/api/v1/projects")
    def api_projects():
        # A project's partners, needs, resources and stage changes are lists of what the API
        # returns of each (ids, names, titles, statuses; a change's stages, actor, time and
        # note): each is gathered into one JSON text by a correlated subquery of the same SELECT.
        pg = engine.dialect.name == "postgresql"

        def agg(pairs: str, order: str) -> str:
            return (f"coalesce(json_agg(json_build_object({pairs}) ORDER BY {order}), '[]'::json)" if pg
                    else f"json_group_array(json_object({pairs}))")
        partners = agg("'id', pu.id, 'name', pu.name", "pu.name")
        needs = agg("'id', nn.id, 'title', nn.title, 'status', nn.status", "nn.id")
        resources = agg("'id', rr.id, 'title', rr.title, 'status', rr.status", "rr.id")
        changes = agg("'from_stage', t.from_stage, 'to_stage', t.to_stage, 'actor_name', t.actor_name, "
                      "'occurred_at', t.occurred_at, 'note', t.note", "t.occurred_at, t.id")
        return jsonify(page_and_count(
            f"FROM projects WHERE {LIVE}",
            "SELECT p.id, p.version, p.created_at, p.updated_at, p.deleted_at, p.title, p.description, "  # noqa: S608 - constants and ints
            "p.category_id, c.name AS category_name, p.lead_unit_id, u.name AS lead_unit_name, "
            "CAST(p.budget AS TEXT) AS budget, p.starts_on, p.ends_on, p.released, p.stage, "
            "p.outcome_summary, p.people_served, p.stop_reason, "
            f"(SELECT {partners} FROM project_partners pp "
            "JOIN member_units pu ON pu.id = pp.unit_id WHERE pp.project_id = p.id) AS partners, "
            f"(SELECT {needs} FROM project_needs pn JOIN needs nn ON nn.id = pn.need_id "
            "WHERE pn.project_id = p.id) AS needs, "
            f"(SELECT {resources} FROM project_resources pr JOIN resources rr ON rr.id = pr.resource_id "
            "WHERE pr.project_id = p.id) AS resources, "
            f"(SELECT {changes} FROM project_transitions t WHERE t.project_id = p.id) "
            "AS transitions FROM projects p JOIN list_categories c ON c.id = p.category_id "
            "LEFT JOIN member_units u ON u.id = p.lead_unit_id "
            "WHERE p.alliance_id = :a AND p.deleted_at IS NULL ORDER BY p.id DESC"))
