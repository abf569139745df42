"""/api/v1/audit: read-only."""
from __future__ import annotations

from flask import has_app_context
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import validate

from alliance.api.schemas import (
    BaseSchema,
    Date,
    DateTime,
    Dict,
    Int,
    PagingArgs,
    Str,
    length,
    one_of,
    page_body,
    page_schema,
)
from alliance.audit.labels import record_types
from alliance.audit.models import AUDIT_ACTIONS, AUDIT_KINDS, AUDIT_SOURCES
from alliance.audit.queries import AuditFilters, audit_query
from alliance.core.pagination import paginate
from alliance.core.permissions import managers_only

blp = Blueprint("audit_api", __name__, url_prefix="/api/v1", description="操作日志（只读）")


class RecordTypeChoice(validate.OneOf):
    """One of the registered record types, read from the registry when used (areas register
    after this module is imported), so the OpenAPI enum lists every area's types."""

    def __init__(self):
        super().__init__([], error="不是有效选项，可选：{choices}")

    @property
    def choices(self):
        return list(record_types()) if has_app_context() else []

    @choices.setter
    def choices(self, value):
        pass

    @property
    def choices_text(self):
        return ", ".join(self.choices)

    @choices_text.setter
    def choices_text(self, value):
        pass


class AuditEntrySchema(BaseSchema):
    id = Int()
    occurred_at = DateTime()
    actor_id = Int(allow_none=True)
    actor_name = Str()
    source = Str()
    action = Str()
    record_type = Str(allow_none=True)
    record_id = Int(allow_none=True)
    summary = Str(allow_none=True)
    changes = Dict(allow_none=True, metadata={"description": "{字段: [修改前, 修改后]}，个人信息已遮盖"})
    ip_address = Str(allow_none=True)


class AuditArgs(PagingArgs):
    kind = Str(validate=one_of(AUDIT_KINDS.codes), metadata={"description": (
        "changes 数据变更（新增、修改、删除、恢复），logins 登录记录，access 权限与令牌，exports 导出记录")})
    action = Str(validate=one_of(AUDIT_ACTIONS.codes))
    source = Str(validate=one_of(AUDIT_SOURCES.codes))
    record_type = Str(validate=RecordTypeChoice())
    record_id = Int(strict=False)
    actor = Str(validate=length(50))
    date_from = Date()
    date_to = Date()


AuditPage = page_schema(AuditEntrySchema, "AuditPage")


@blp.route("/audit")
@managers_only
@blp.arguments(AuditArgs, location="query", as_kwargs=True)
@blp.response(200, AuditPage)
def list_audit(page, per_page, **args):
    """操作日志（工作人员、管理员），按时间倒序"""
    filters = AuditFilters(**{k: args.get(k) for k in AuditFilters.__dataclass_fields__})
    return page_body(paginate(audit_query(current_user.alliance_id, filters), page, per_page))
