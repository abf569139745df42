"""Star ratings (issue 10) in the floor comparison: 5,000 party organizations rated over five
years (25,000 ratings; the last year's with their answers per item), as benchmarks/ratings.py."""
from __future__ import annotations

from flask import jsonify, render_template_string, request
from sqlalchemy import text

NAME = "ratings"
ORGANIZATIONS, YEARS, YEAR = 5000, 5, 2021
PAGES = (
    ("GET /ratings?year=2021", "/ratings", {"year": str(YEAR)}),
    ("GET /ratings/cycle?year=2021", "/ratings/cycle", {"year": str(YEAR)}),
    ("GET /api/v1/ratings?year=2021", "/api/v1/ratings", {"year": str(YEAR)}),
    ("GET /api/v1/reports/ratings?year=2021", "/api/v1/reports/ratings", {"year": str(YEAR)}),
)
# The app's official order (queries.rating_list_query): stars high to low, the configured order,
# then 姓氏笔画 of the name.
OFFICIAL = ("r.year DESC, r.stars DESC NULLS LAST, o.sort_order IS NULL, o.sort_order, "
            "o.name_stroke_key, r.id")
FROM = ("FROM ratings r JOIN party_organizations o ON o.id = r.organization_id "
        "WHERE r.alliance_id = :a AND r.deleted_at IS NULL AND r.year = :y")

COUNT_FROM = "FROM ratings r WHERE r.alliance_id = :a AND r.deleted_at IS NULL AND r.year = :y"
# HTML lists count their rows as core.pagination does (up to 1,000 or four pages past the one shown).
PAGE_COUNT_BOUND, PAGES_AHEAD = 1000, 4


def load(alliance_id: int, unit_ids: list[int]) -> dict:
    from ratings import load_ratings  # benchmarks/ratings.py

    from alliance.extensions import db

    load_ratings(alliance_id, unit_ids, ORGANIZATIONS, YEARS)
    db.session.commit()
    return {}


def floor(app, engine, alliance_id: int, table: str) -> None:
    def rows(sql: str, **params):
        with engine.connect() as conn:
            return conn.execute(text(sql), {"a": alliance_id, "y": YEAR, **params}).all()

    def offset(per_page: int) -> int:
        return (max(1, request.args.get("page", 1, type=int)) - 1) * per_page

    def counted_rows(sql: str, count_where: str, per_page: int):
        """A list page's rows and, when the page is full, its rows counted up to the bound, as the
        app's pager does (core.pagination.list_page; floor_app._list_rows): the same queries as
        the page. The count has the app's WHERE without the order's join (queries.rating_count_query)."""
        with engine.connect() as conn:
            found = conn.execute(text(sql), {"a": alliance_id, "y": YEAR}).all()
            start = offset(per_page)
            if found and len(found) < per_page or not found and start == 0:
                return found
            bound = max(PAGE_COUNT_BOUND, (start // per_page + 1 + PAGES_AHEAD) * per_page)
            conn.execute(text(f"SELECT count(*) FROM (SELECT 1 {count_where} LIMIT {bound + 1}) AS page_rows"),  # noqa: S608 - constants
                         {"a": alliance_id, "y": YEAR}).scalar()
        return found

    @app.get("/ratings")
    def ratings_overview():
        found = counted_rows(f"SELECT r.stars, r.nomination, o.name, r.total {FROM} AND r.status = 'confirmed' "
                             f"ORDER BY {OFFICIAL} LIMIT 50 OFFSET {offset(50)}",
                             f"{COUNT_FROM} AND r.status = 'confirmed'", 50)
        return render_template_string(table, title="星级党组织", columns=["星级", "级别", "党组织", "总分"],
                                      rows=[tuple(r) for r in found])

    @app.get("/ratings/cycle")
    def ratings_cycle():
        found = counted_rows(f"SELECT o.name, r.status, r.self_total, r.total, r.updated_at {FROM} "
                             f"ORDER BY r.updated_at DESC, r.id DESC LIMIT 50 OFFSET {offset(50)}", COUNT_FROM, 50)
        return render_template_string(table, title="评定进度", columns=["党组织", "状态", "自评", "总分", "更新"],
                                      rows=[tuple(r) for r in found])

    @app.get("/api/v1/ratings")
    def api_ratings():
        total = rows(f"SELECT count(*) {FROM}")[0][0]
        found = rows(f"SELECT r.id, r.organization_id, o.name AS organization_name, r.unit_id, "
                     f"r.year, r.status, r.self_total, r.total, r.stars, r.nomination {FROM} "
                     f"ORDER BY {OFFICIAL} LIMIT 50 OFFSET {offset(50)}")
        return jsonify({"items": [dict(r._mapping) for r in found], "total": total,
                        "page": offset(50) // 50 + 1, "per_page": 50})

    @app.get("/api/v1/reports/ratings")
    def api_rating_report():
        found = rows(f"SELECT r.stars, r.nomination, count(*) {FROM} AND r.status = 'confirmed' "
                     "GROUP BY r.stars, r.nomination")
        return jsonify({"year": YEAR, "counts": [list(r) for r in found]})
