"""GET /api/v1/health: is the app up and can it reach its database?"""
from __future__ import annotations

from flask_smorest import Blueprint

from alliance.api.schemas import BaseSchema, Str
from alliance.extensions import db

blp = Blueprint("health", __name__, url_prefix="/api/v1", description="运行状态")


class HealthSchema(BaseSchema):
    status = Str()
    database = Str()


@blp.route("/health")
@blp.response(200, HealthSchema)
@blp.alt_response(503, schema=HealthSchema, description="数据库不可用")
@blp.doc(security=[])
def health():
    """运行状态（无需认证）"""
    try:
        # On the session's connection, past the ORM's execution layer (nothing for it to do).
        db.session.connection().exec_driver_sql("SELECT 1")
    except Exception:  # any driver error means "not reachable" to a load balancer
        db.session.rollback()
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}
